// Regressions found by the LLVM hazard oracle (tests/test_llvm_oracles.py): pairs where
// llc's post-RA-hazard-rec asked for wait states insert-nop did not give, or where
// insert-nop gave more than it. Each count below is LLVM 22's.
// REQUIRES: asm-parser
// RUN: pyhip-opt --import-asm %s --split-input-file -p insert-nop -t asm | filecheck %s

// s_setreg, then s_getreg or s_setreg of the same hardware register: 2 wait states;
// of another register: none.
// CHECK-LABEL: {{^}}kernel:
// CHECK-NEXT:  s_setreg_b32 hwreg(HW_REG_MODE, 0, 4), s3
// CHECK-NEXT:  s_nop 1
// CHECK-NEXT:  s_getreg_b32 s7, hwreg(HW_REG_MODE, 0, 4)
// CHECK-NEXT:  s_setreg_b32 hwreg(HW_REG_TRAPSTS, 0, 4), s5
// CHECK-NEXT:  s_nop 1
// CHECK-NEXT:  s_setreg_b32 hwreg(HW_REG_TRAPSTS, 0, 4), s4
// CHECK-NEXT:  s_getreg_b32 s6, hwreg(HW_REG_MODE, 0, 4)
// CHECK-NEXT:  s_endpgm
	s_setreg_b32 hwreg(HW_REG_MODE, 0, 4), s3
	s_getreg_b32 s7, hwreg(HW_REG_MODE, 0, 4)
	s_setreg_b32 hwreg(HW_REG_TRAPSTS, 0, 4), s5
	s_setreg_b32 hwreg(HW_REG_TRAPSTS, 0, 4), s4
	s_getreg_b32 s6, hwreg(HW_REG_MODE, 0, 4)
	s_endpgm

// -----
// A store of more than 64 bits, then a VALU overwriting its data: 2 wait states (1 on
// gfx90a: insert-nop-llvm-gfx90a.s). Not for 64-bit data, nor for a buffer store with an SGPR soffset.
// CHECK-LABEL: {{^}}kernel:
// CHECK-NEXT:  global_store_dwordx4 v[0:1], v[4:7], off
// CHECK-NEXT:  s_nop 1
// CHECK-NEXT:  v_add_u32 v5, v1, v2
// CHECK-NEXT:  global_store_dwordx2 v[0:1], v[4:5], off
// CHECK-NEXT:  v_add_u32 v5, v1, v2
// CHECK-NEXT:  buffer_store_dwordx4 v[4:7], v0, s[8:11], s2 offen
// CHECK-NEXT:  v_add_u32 v5, v1, v2
// CHECK-NEXT:  buffer_store_dwordx4 v[4:7], v0, s[8:11], 0 offen
// CHECK-NEXT:  s_nop 1
// CHECK-NEXT:  v_mov_b32 v7, 0
	global_store_dwordx4 v[0:1], v[4:7], off
	v_add_u32 v5, v1, v2
	global_store_dwordx2 v[0:1], v[4:5], off
	v_add_u32 v5, v1, v2
	buffer_store_dwordx4 v[4:7], v0, s[8:11], s2 offen
	v_add_u32 v5, v1, v2
	buffer_store_dwordx4 v[4:7], v0, s[8:11], 0 offen
	v_mov_b32 v7, 0
	s_endpgm

// -----
// Soft clauses (XNACK may replay back-to-back memory instructions): 1 wait state when
// one in the run writes what another reads, or when a store follows a load.
// CHECK-LABEL: {{^}}kernel:
// CHECK-NEXT:  buffer_load_dword v0, v6, s[8:11], s2 offen
// CHECK-NEXT:  s_nop 0
// CHECK-NEXT:  buffer_load_dword v2, v0, s[8:11], s7 offen
// CHECK-NEXT:  global_load_dword v3, v1, s[0:1]
// CHECK-NEXT:  s_nop 0
// CHECK-NEXT:  global_store_dword v4, v4, s[0:1]
// CHECK-NEXT:  v_mov_b32 v5, 0
// CHECK-NEXT:  global_load_dword v3, v1, s[0:1]
// CHECK-NEXT:  global_load_dword v4, v1, s[0:1]
// CHECK-NEXT:  s_endpgm
	buffer_load_dword v0, v6, s[8:11], s2 offen
	buffer_load_dword v2, v0, s[8:11], s7 offen
	global_load_dword v3, v1, s[0:1]
	global_store_dword v4, v4, s[0:1]
	v_mov_b32 v5, 0
	global_load_dword v3, v1, s[0:1]
	global_load_dword v4, v1, s[0:1]
	s_endpgm

// -----
// DPP reads the old value of its vdst, and any write of a VGPR (a load's included)
// needs 2 wait states before a DPP reads it.
// CHECK-LABEL: {{^}}kernel:
// CHECK-NEXT:  ds_read_b32 v7, v7
// CHECK-NEXT:  s_nop 1
// CHECK-NEXT:  v_mov_b32_dpp v7, v3 quad_perm:[1,0,3,2] row_mask:0xf bank_mask:0xf
// CHECK-NEXT:  v_accvgpr_read_b32 v2, a2
// CHECK-NEXT:  s_nop 1
// CHECK-NEXT:  v_mov_b32_dpp v2, v6 quad_perm:[1,0,3,2] row_mask:0xf bank_mask:0xf
	ds_read_b32 v7, v7
	v_mov_b32_dpp v7, v3 quad_perm:[1,0,3,2] row_mask:0xf bank_mask:0xf
	v_accvgpr_read_b32 v2, a2
	v_mov_b32_dpp v2, v6 quad_perm:[1,0,3,2] row_mask:0xf bank_mask:0xf
	s_endpgm

// -----
// A VALU writing EXEC, then a VMEM instruction (which reads EXEC): 5 wait states.
// CHECK-LABEL: {{^}}kernel:
// CHECK-NEXT:  v_cmpx_lt_u32_e64 exec, v2, v6
// CHECK-NEXT:  s_nop 4
// CHECK-NEXT:  global_load_dword v1, v0, s[0:1]
	v_cmpx_lt_u32 exec, v2, v6
	global_load_dword v1, v0, s[0:1]
	s_endpgm

// -----
// v_writelane's lane select is its last source: an SGPR written by a VALU as its data
// source needs only the 2 of VALU-SGPR-VALU, not the 4 of a lane select.
// CHECK-LABEL: {{^}}kernel:
// CHECK-NEXT:  v_cmp_eq_u32_e64 s[4:5], v3, v5
// CHECK-NEXT:  s_nop 1
// CHECK-NEXT:  v_writelane_b32 v6, s5, 38
// CHECK-NEXT:  v_readfirstlane_b32 s6, v4
// CHECK-NEXT:  s_nop 3
// CHECK-NEXT:  v_writelane_b32 v7, 2, s6
	v_cmp_eq_u32_e64 s[4:5], v3, v5
	v_writelane_b32 v6, s5, 38
	v_readfirstlane_b32 s6, v4
	v_writelane_b32 v7, 2, s6
	s_endpgm

// -----
// AGPR n and VGPR n are different registers: an MFMA writing a[0:3] puts no hazard on
// a read of v3 (it did, when the rules numbered both files alike).
// CHECK-LABEL: {{^}}kernel:
// CHECK-NEXT:  v_mfma_f32_16x16x16_f16 a[0:3], v[4:5], v[2:3], a[0:3]
// CHECK-NEXT:  v_add_u32 v3, v3, v3
// CHECK-NEXT:  v_accvgpr_read_b32 v3, a12
// CHECK-NEXT:  s_endpgm
	v_mfma_f32_16x16x16_f16 a[0:3], v[4:5], v[2:3], a[0:3]
	v_add_u32 v3, v3, v3
	v_accvgpr_read_b32 v3, a12
	s_endpgm

// -----
// An MFMA's result overwritten by a load (WAW), and its SrcC overwritten by a load
// before the MFMA has read it (WAR): hazards for VMEM and DS writes as for VALU ones.
// CHECK-LABEL: {{^}}kernel:
// CHECK-NEXT:  v_mfma_f32_16x16x16_f16 v[4:7], v[0:1], v[0:1], v[0:3]
// CHECK-NEXT:  s_nop 6
// CHECK-NEXT:  ds_read_b32 v4, v2
// CHECK-NEXT:  v_mfma_f32_16x16x16_f16 v[8:11], v[2:3], v[2:3], v[12:15]
// CHECK-NEXT:  s_nop 2
// CHECK-NEXT:  global_load_dword v13, v2, s[0:1]
	v_mfma_f32_16x16x16_f16 v[4:7], v[0:1], v[0:1], v[0:3]
	ds_read_b32 v4, v2
	v_mfma_f32_16x16x16_f16 v[8:11], v[2:3], v[2:3], v[12:15]
	global_load_dword v13, v2, s[0:1]
	s_endpgm
