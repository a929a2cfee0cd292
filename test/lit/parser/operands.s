// Operand and modifier spellings LLVM prints, and what they become in the IR:
// registers are SSA values, other registers/expressions string immediates, s_waitcnt
// its encoded simm16, trailing modifiers keyed by their assembler keyword.
// REQUIRES: asm-parser
// RUN: pyhip-opt --import-asm %s | filecheck %s

// CHECK: cdna.kernel @kernel {arch = "gfx942", args = []} {
// CHECK: cdna.v_add_f32_e64 -%{{.*}}, |%{{.*}}| implicit(%{{.*}} : exec) [clamp, omod = "mul:2"] : (!cdna.vgpr<v1>, !cdna.vgpr<v2>) -> !cdna.vgpr<v0>
  v_add_f32_e64 v0, -v1, |v2| clamp mul:2
// CHECK: cdna.v_add_f32_e64 -|%{{.*}}|, 1.0 implicit
  v_add_f32_e64 v0, -|v1|, 1.0
// CHECK: cdna.v_xor_b32_sdwa sext(%{{.*}}), %{{.*}} implicit(%{{.*}} : exec) [dst_sel = WORD_1, src0_sel = BYTE_0]
  v_xor_b32_sdwa v3, sext(v1), v2 dst_sel:WORD_1 src0_sel:BYTE_0
// CHECK: cdna.v_mov_b32_dpp %{{.*}} implicit(%{{.*}} : exec) [quad_perm = [1, 0, 3, 2], row_mask = 15, bank_mask = 15]
  v_mov_b32_dpp v4, v1 quad_perm:[1,0,3,2] row_mask:0xf bank_mask:0xf
// CHECK: cdna.v_mov_b32_dpp %{{.*}} implicit(%{{.*}} : exec) [row_shr = 1, bound_ctrl = 0]
  v_mov_b32 v4, v1 row_shr:1 bound_ctrl:0
// CHECK: cdna.ds_swizzle_b32 %{{.*}} implicit(%{{.*}} : exec) [offset = "swizzle(SWAP,16)"] : (!cdna.vgpr<v1>) -> !cdna.vgpr<v5>
  ds_swizzle_b32 v5, v1 offset:swizzle(SWAP,16)
// CHECK: cdna.ds_write2_b32 %{{.*}}, %{{.*}}, %{{.*}} implicit(%{{.*}} : exec) [offset0 = 1, offset1 = 4]
  ds_write2_b32 v3, v2, v1 offset0:1 offset1:4
// CHECK: cdna.global_store_dword %{{.*}}, %{{.*}}, %{{.*}} implicit(%{{.*}} : exec) [offset = -16, sc0, sc1] : (!cdna.vgpr<v15>, !cdna.vgpr<v0>, !cdna.sgpr<s[0:1]>) -> ()
  global_store_dword v15, v0, s[0:1] offset:-16 sc0 sc1
// CHECK: cdna.global_load_dwordx4 %{{.*}}, "off" implicit(%{{.*}} : exec) [nt] : (!cdna.vgpr<v[2:3]>) -> !cdna.vgpr<v[8:11]>
  global_load_dwordx4 v[8:11], v[2:3], off nt
// CHECK: cdna.v_mfma_f32_32x32x8_f16 %{{.*}}, %{{.*}}, %{{.*}} implicit(%{{.*}} : exec) [cbsz = 1, abid = 0, blgp = 2] : (!cdna.vgpr<v[0:1]>, !cdna.vgpr<v[2:3]>, !cdna.agpr<a[0:15]>) -> !cdna.agpr<a[0:15]>
  v_mfma_f32_32x32x8_f16 a[0:15], v[0:1], v[2:3], a[0:15] cbsz:1 abid:0 blgp:2
// CHECK: cdna.v_pk_fma_f16 %{{.*}}, %{{.*}}, %{{.*}} implicit(%{{.*}} : exec) [op_sel = [1, 0, 0], op_sel_hi = [0, 1, 1]]
  v_pk_fma_f16 v0, v1, v2, v3 op_sel:[1,0,0] op_sel_hi:[0,1,1]
// CHECK: cdna.s_mov_b32 "vcc_lo" : () -> !cdna.sgpr<s0>
  s_mov_b32 s0, vcc_lo
// CHECK: cdna.s_mov_b32 2221713035 : () -> !cdna.sgpr<s10>
  s_mov_b32 s10, 0x846ca68b
// CHECK: cdna.s_getreg_b32 "hwreg(HW_REG_MODE, 0, 4)" : () -> !cdna.sgpr<s1>
  s_getreg_b32 s1, hwreg(HW_REG_MODE, 0, 4)
// CHECK: %[[M0:.*]] = cdna.s_mov_b32 %{{.*}} : (!cdna.sgpr<s3>) -> !cdna.m0
  s_mov_b32 m0, s3
// CHECK: cdna.s_sendmsg "sendmsg(MSG_INTERRUPT)" implicit(%[[M0]] : m0)
  s_sendmsg sendmsg(MSG_INTERRUPT)
// vmcnt(1) lgkmcnt(2): vmcnt bits 3:0 = 1, expcnt 6:4 = 7 (unspecified = max), lgkmcnt 11:8 = 2
// CHECK: cdna.s_waitcnt 625
  s_waitcnt vmcnt(1) lgkmcnt(2)
// CHECK: cdna.s_waitcnt 0
  s_waitcnt vmcnt(0) expcnt(0) lgkmcnt(0)
// CHECK: cdna.s_endpgm
  s_endpgm
