# The README's first kernel: a scalar loop with a nested If, traced into cdna.while /
# cdna.if with the loop-carried registers as explicit values, and run on the SSA
# interpreter.
# RUN: %python %s | filecheck %s

import numpy as np

import pyhip_mlir as pyhip


@pyhip.jit()
def kernel(J, N, s_pout: "int*"):
    s_i = J.gpr('si32'); s_cnt = J.gpr('si32')
    s_i[0] = 0; s_cnt[0] = 0
    with J.While(s_i[0] < N):
        with J.If((s_i[0] & 1) == 0):
            s_cnt[0] = s_cnt + s_i
        s_i[0] = s_i[0] + 1
    J.s_store_dword(s_cnt, s_pout, 0, mod="glc")
    J.s_waitcnt(mod="lgkmcnt(0)")


print(kernel.ir(32, debuginfo=False))
# CHECK-LABEL: cdna.kernel @kernel {arch = "gfx942", args = [#cdna.karg<"s_pout", "int*", 0, 8>], abi_inputs = ["kernarg_segment_ptr", "exec"]}
# CHECK: %s_pout = cdna.s_load_dwordx2 %kargs, 0
# CHECK-NEXT: cdna.s_waitcnt 49279
# CHECK-NEXT: %[[I0:.*]] = cdna.s_mov_b32 0
# CHECK-NEXT: %[[C0:.*]] = cdna.s_mov_b32 0
# CHECK-NEXT: %{{.*}}, %[[CNT:.*]] = cdna.while %[[I0]], %[[C0]] : !cdna.sgpr<1>, !cdna.sgpr<1> -> (!cdna.sgpr<1>, !cdna.sgpr<1>) {
# CHECK-NEXT: ^{{.*}}(%[[BI:.*]]: !cdna.sgpr<1>, %[[BC:.*]]: !cdna.sgpr<1>):
# The constant 32 is the compile-time N.
# CHECK-NEXT: %[[LT:.*]] = cdna.s_cmp_lt_i32 %[[BI]], 32
# CHECK-NEXT: cdna.condition(%[[LT]] : !cdna.scc) %[[BI]], %[[BC]]
# CHECK-NEXT: } do {
# CHECK-NEXT: ^{{.*}}(%[[AI:.*]]: !cdna.sgpr<1>, %[[AC:.*]]: !cdna.sgpr<1>):
# CHECK-NEXT: %[[T:.*]], %{{.*}} = cdna.s_and_b32 %[[AI]], 1
# CHECK-NEXT: %[[EQ:.*]] = cdna.s_cmp_eq_i32 %[[T]], 0
# Only s_cnt is yielded by the If: SCC, which its body also writes, is read by nothing.
# CHECK-NEXT: %[[NC:.*]] = cdna.if(%[[EQ]] : !cdna.scc) -> (!cdna.sgpr<1>) {
# CHECK-NEXT: %[[SUM:.*]], %{{.*}} = cdna.s_add_u32 %[[AC]], %[[AI]]
# CHECK-NEXT: cdna.yield %[[SUM]] : !cdna.sgpr<1>
# CHECK-NEXT: } else {
# CHECK-NEXT: cdna.yield %[[AC]] : !cdna.sgpr<1>
# CHECK-NEXT: }
# CHECK-NEXT: %[[NI:.*]], %{{.*}} = cdna.s_add_u32 %[[AI]], 1
# CHECK-NEXT: cdna.yield %[[NI]], %[[NC]] : !cdna.sgpr<1>, !cdna.sgpr<1>
# CHECK-NEXT: }
# CHECK-NEXT: cdna.s_store_dword %[[CNT]], %s_pout, 0 [glc]
# CHECK-NEXT: cdna.s_waitcnt 49279
# CHECK-NEXT: cdna.s_endpgm

out = np.zeros(32, dtype=np.int32)
kernel([1], [64], 32, out)
print("result", out[0], sum(i for i in range(32) if i % 2 == 0))
# CHECK: result 240 240
