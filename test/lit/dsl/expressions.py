# Expressions lower to SALU or VALU by the operands' register files, with exact 32-bit
# semantics and constants folded however they are nested.
# RUN: %python %s | filecheck %s

import pyhip_mlir as pyhip


@pyhip.jit()
def scalar(J, a: "int", b: "unsigned int", p: "int*"):
    x = J.gpr("si32")
    # (a + 3) + 5 is a + 8: one add
    x[0] = (a + 3) + 5
    # CHECK-LABEL: cdna.kernel @scalar
    # CHECK: %x, %{{.*}} = cdna.s_add_u32 %a, 8
    x[0] = ((a - 3) + 5) * 4
    # CHECK-NEXT: %[[T:.*]], %{{.*}} = cdna.s_add_u32 %a, 2
    # a multiply by a power of two is a shift
    # CHECK-NEXT: %x_1, %{{.*}} = cdna.s_lshl_b32 %[[T]], 2
    x[0] = a * b
    # a 32x32 multiply is s_mul_i32 (all 32 low bits), never a 24-bit multiply
    # CHECK-NEXT: %x_2 = cdna.s_mul_i32 %a, %b
    x[0] = a >> 3
    # CHECK-NEXT: %x_3, %{{.*}} = cdna.s_ashr_i32 %a, 3
    x[0] = b >> 3
    # CHECK-NEXT: %x_4, %{{.*}} = cdna.s_lshr_b32 %b, 3
    x[0] = (a < b) + 1
    # int vs unsigned compares unsigned, as in C; the result is 0 or 1
    # CHECK-NEXT: %[[C:.*]] = cdna.s_cmp_lt_u32 %a, %b
    # CHECK-NEXT: %[[V:.*]] = cdna.s_cselect_b32 1, 0 implicit(%[[C]] : scc)
    # CHECK-NEXT: %x_5, %{{.*}} = cdna.s_add_u32 %[[V]], 1
    x[0] = 100000 + ((a << 40) | 7)
    # a constant shift by 32 or more is 0, so this is 100007
    # CHECK-NEXT: %x_6 = cdna.s_mov_b32 100007
    J.s_store_dword(x, p, 0)


print(scalar.ir(debuginfo=False))


@pyhip.jit()
def vector(J, p: "int*", s: "int"):
    v = J.gpr("vi32")
    v[0] = J.threadIdx.x[0] * 12345 + s
    # CHECK-LABEL: cdna.kernel @vector
    # CHECK: %tid_x = cdna.v_and_b32 1023, %tid
    # VOP3 takes no literal on gfx9: the constant goes through a VGPR first
    # CHECK: %[[K:.*]] = cdna.v_mov_b32 12345
    # CHECK-NEXT: %[[M:.*]] = cdna.v_mul_lo_u32 %tid_x, %[[K]]
    # CHECK-NEXT: %v = cdna.v_add_u32 %s, %[[M]]
    v[0] = v[0] - 7
    # CHECK-NEXT: %v_1 = cdna.v_add_u32 -7, %v
    v[0] = 7 - v[0]
    # CHECK-NEXT: %v_2 = cdna.v_sub_u32 7, %v_1
    v[0] = -v[0]
    # CHECK-NEXT: %v_3 = cdna.v_sub_u32 0, %v_2
    v[0] = v[0] > s
    # CHECK-NEXT: %[[CMP:.*]] = cdna.v_cmp_gt_i32_e64 %v_3, %s
    # CHECK-NEXT: %v_4 = cdna.v_cndmask_b32_e64 0, 1, %[[CMP]]
    J.global_store_dword(v, v, p)


print(vector.ir(debuginfo=False))


@pyhip.jit()
def wide(J, p: "int*", q: "int*", n: "unsigned int"):
    a = J.gpr(2, "su32")
    # 64-bit address arithmetic: a pointer plus a 32-bit offset carries into the high word
    a[:] = p[:] + (n << 2)
    # CHECK-LABEL: cdna.kernel @wide
    # CHECK: %[[O:.*]], %{{.*}} = cdna.s_lshl_b32 %n, 2
    # CHECK-NEXT: %[[LO:.*]] = cdna.extract %p[0]
    # CHECK-NEXT: %[[HI:.*]] = cdna.extract %p[1]
    # CHECK-NEXT: %[[L:.*]], %[[CY:.*]] = cdna.s_add_u32 %[[LO]], %[[O]]
    # CHECK-NEXT: %[[H:.*]], %{{.*}} = cdna.s_addc_u32 %[[HI]], 0 implicit(%[[CY]] : scc)
    # CHECK-NEXT: %a = cdna.build %[[L]], %[[H]]
    J.s_store_dword(n, a, 0)


print(wide.ir(debuginfo=False))
