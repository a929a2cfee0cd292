// Operand spellings: source modifiers, special registers, immediates, waitcnt
// fields, and modifiers reordered into the order llvm-mc requires.
// RUN: pyhip-opt %s -t asm | filecheck %s
// RUN: pyhip-opt %s -t asm | llvm-mc-22 -triple=amdgcn-amd-amdhsa -mcpu=gfx942 -filetype=null

builtin.module {
  cdna.kernel @operands {arch = "gfx942", args = [], abi_inputs = ["workitem_id", "exec"]} {
  ^entry(%v0 : !cdna.vgpr<v0>, %exec : !cdna.exec):
    %s3 = cdna.get_reg : !cdna.sgpr<s3>
    %a = cdna.v_mul_f32_e64 -|%v0|, |%s3| implicit(%exec : exec) [omod = "div:2", clamp] : (!cdna.vgpr<v0>, !cdna.sgpr<s3>) -> !cdna.vgpr<v1>
    %b = cdna.v_cvt_f32_i32_sdwa sext(%v0) implicit(%exec : exec) [src0_sel = "BYTE_1", dst_sel = "WORD_1", dst_unused = "UNUSED_PRESERVE"] : (!cdna.vgpr<v0>) -> !cdna.vgpr<v2>
    %c = cdna.v_add_f32_dpp %v0, -%v0 implicit(%exec : exec) [bound_ctrl = 0, bank_mask = 5, row_mask = 10, row_shr = 1] : (!cdna.vgpr<v0>, !cdna.vgpr<v0>) -> !cdna.vgpr<v3>
    %d = cdna.v_add_f32 -0.5, %v0 implicit(%exec : exec) : (!cdna.vgpr<v0>) -> !cdna.vgpr<v4>
    %e = cdna.v_add_u32 "vcc_lo", %v0 implicit(%exec : exec) : (!cdna.vgpr<v0>) -> !cdna.vgpr<v5>
    %f = cdna.v_pk_fma_f16 %v0, %v0, %v0 implicit(%exec : exec) [clamp, neg_lo = [1, 0, 0], op_sel_hi = [0, 1, 1], op_sel = [1, 0, 0]] : (!cdna.vgpr<v0>, !cdna.vgpr<v0>, !cdna.vgpr<v0>) -> !cdna.vgpr<v6>
    %g = cdna.s_mov_b32 100000 : () -> !cdna.sgpr<s5>
    %h = cdna.s_getreg_b32 "hwreg(HW_REG_MODE, 0, 4)" : () -> !cdna.sgpr<s6>
    cdna.s_waitcnt 3953
    cdna.s_waitcnt 49232
    cdna.s_endpgm
  }
}

// CHECK-LABEL: operands:
// CHECK-NEXT:    v_mul_f32_e64 v1, -|v0|, |s3| clamp div:2
// CHECK-NEXT:    v_cvt_f32_i32_sdwa v2, sext(v0) dst_sel:WORD_1 dst_unused:UNUSED_PRESERVE src0_sel:BYTE_1
// CHECK-NEXT:    v_add_f32_dpp v3, v0, -v0 row_shr:1 row_mask:0xa bank_mask:0x5 bound_ctrl:0
// CHECK-NEXT:    v_add_f32 v4, -0.5, v0
// CHECK-NEXT:    v_add_u32 v5, vcc_lo, v0
// CHECK-NEXT:    v_pk_fma_f16 v6, v0, v0, v0 op_sel:[1,0,0] op_sel_hi:[0,1,1] neg_lo:[1,0,0] clamp
// CHECK-NEXT:    s_mov_b32 s5, 0x186a0
// CHECK-NEXT:    s_getreg_b32 s6, hwreg(HW_REG_MODE, 0, 4)
// CHECK-NEXT:    s_waitcnt vmcnt(1)
// CHECK-NEXT:    s_waitcnt vmcnt(48) expcnt(5) lgkmcnt(0)
// CHECK-NEXT:    s_endpgm
