// A kernel as clang-22 -O3 -S writes it (divergent_loop.hip, trimmed): kernel from
// .type/label, arguments from .amdgpu_metadata, launch inputs from .amdhsa_kernel,
// blocks from .LBB labels, [taken, fall-through] successors, get_reg across blocks.
// REQUIRES: asm-parser
// RUN: pyhip-opt --import-asm %s | filecheck %s

// CHECK:      builtin.module attributes {cdna.arch = "gfx942"} {
// CHECK-NEXT:   cdna.kernel @divergent_loop {arch = "gfx942", args = [#cdna.karg<"arg0", "void*", 0, 8>, #cdna.karg<"out", "float*", 8, 8>, #cdna.karg<"arg2", "int", 16, 4>], lds_bytes = 0 : i64, abi_inputs = ["kernarg_segment_ptr", "workgroup_id_x", "workitem_id", "exec"]}
// CHECK-SAME:   cdna.kernarg_size = 24 : i64, cdna.max_flat_workgroup_size = 1024 : i64
// CHECK-NEXT:   ^bb0(%[[KA:.*]]: !cdna.sgpr<s[0:1]>, %[[WG:.*]]: !cdna.sgpr<s2>, %[[TID:.*]]: !cdna.vgpr<v0>, %[[EXEC:.*]]: !cdna.exec):
// CHECK-NEXT:     %[[N:.*]] = cdna.s_load_dwordx2 %[[KA]], 16 : (!cdna.sgpr<s[0:1]>) -> !cdna.sgpr<s[4:5]>
// CHECK-NEXT:     %[[I:.*]] = cdna.v_lshl_add_u32 %[[WG]], 8, %[[TID]] implicit(%[[EXEC]] : exec) : (!cdna.sgpr<s2>, !cdna.vgpr<v0>) -> !cdna.vgpr<v0>
// CHECK-NEXT:     cdna.s_waitcnt 49279
// CHECK-NEXT:     %[[S4:.*]] = cdna.get_reg : !cdna.sgpr<s4>
// CHECK-NEXT:     %[[C:.*]] = cdna.v_cmp_gt_i32 %[[S4]], %[[I]] implicit(%[[EXEC]] : exec) : (!cdna.sgpr<s4>, !cdna.vgpr<v0>) -> !cdna.vcc
// CHECK-NEXT:     %[[SAVED:.*]], %[[EX2:.*]], %{{.*}} = cdna.s_and_saveexec_b64 %[[C]] implicit(%[[EXEC]] : exec) -> (exec, scc) : (!cdna.vcc) -> !cdna.sgpr<s[2:3]>
// CHECK-NEXT:     cdna.s_cbranch_execz ^[[END:bb[0-9]+]], ^[[BODY:bb[0-9]+]] implicit(%[[EX2]] : exec)
// CHECK-NEXT:   ^[[BODY]]:
// CHECK-NEXT:     %[[KA2:.*]] = cdna.get_reg : !cdna.sgpr<s[0:1]>
// CHECK-NEXT:     cdna.s_load_dwordx4 %[[KA2]], 0
// CHECK:          cdna.global_load_dword %{{.*}}, "off" implicit(%{{.*}} : exec) : (!cdna.vgpr<v[2:3]>) -> !cdna.vgpr<v2>
// CHECK:          cdna.s_waitcnt 3952
// CHECK:          cdna.s_branch ^[[LOOP:bb[0-9]+]]
// CHECK-NEXT:   ^[[LOOP]]:
// CHECK:          cdna.v_xor_b32_sdwa %[[X:.*]], %[[X]] implicit(%{{.*}} : exec) [dst_sel = DWORD, dst_unused = UNUSED_PAD, src0_sel = WORD_1, src1_sel = DWORD]
// CHECK:          cdna.s_cbranch_scc1 ^[[LOOP]], ^[[EXIT:bb[0-9]+]] implicit(%{{.*}} : scc)
// CHECK-NEXT:   ^[[EXIT]]:
// CHECK:          cdna.global_store_dword
// CHECK-NEXT:     cdna.fallthrough ^[[END]]
// CHECK-NEXT:   ^[[END]]:
// CHECK-NEXT:     cdna.s_endpgm

	.amdgcn_target "amdgcn-amd-amdhsa--gfx942"
	.amdhsa_code_object_version 6
	.text
	.protected	divergent_loop          ; -- Begin function divergent_loop
	.globl	divergent_loop
	.p2align	8
	.type	divergent_loop,@function
divergent_loop:                         ; @divergent_loop
; %bb.0:
	s_load_dwordx2 s[4:5], s[0:1], 0x10
	v_lshl_add_u32 v0, s2, 8, v0
	s_waitcnt lgkmcnt(0)
	v_cmp_gt_i32_e32 vcc, s4, v0
	s_and_saveexec_b64 s[2:3], vcc
	s_cbranch_execz .LBB0_10
; %bb.1:
	s_load_dwordx4 s[0:3], s[0:1], 0x0
	v_ashrrev_i32_e32 v1, 31, v0
	s_waitcnt lgkmcnt(0)
	v_lshl_add_u64 v[2:3], v[0:1], 2, s[0:1]
	global_load_dword v2, v[2:3], off
	s_waitcnt vmcnt(0)
	s_mov_b32 s4, 0
	s_branch .LBB0_3
.LBB0_3:                                ; =>This Inner Loop Header: Depth=1
	v_xor_b32_sdwa v6, v6, v6 dst_sel:DWORD dst_unused:UNUSED_PAD src0_sel:WORD_1 src1_sel:DWORD
	s_add_i32 s4, s4, 1
	s_cmp_lt_i32 s4, 8
	s_cbranch_scc1 .LBB0_3
; %bb.9:
	v_lshl_add_u64 v[0:1], v[0:1], 2, s[2:3]
	global_store_dword v[0:1], v6, off
.LBB0_10:
	s_endpgm
	.section	.rodata,"a",@progbits
	.p2align	6, 0x0
	.amdhsa_kernel divergent_loop
		.amdhsa_group_segment_fixed_size 0
		.amdhsa_private_segment_fixed_size 0
		.amdhsa_kernarg_size 24
		.amdhsa_user_sgpr_count 2
		.amdhsa_user_sgpr_dispatch_ptr 0
		.amdhsa_user_sgpr_queue_ptr 0
		.amdhsa_user_sgpr_kernarg_segment_ptr 1
		.amdhsa_system_sgpr_workgroup_id_x 1
		.amdhsa_system_vgpr_workitem_id 0
		.amdhsa_next_free_vgpr 8
		.amdhsa_next_free_sgpr 11
		.amdhsa_accum_offset 8
	.end_amdhsa_kernel
	.text
.Lfunc_end0:
	.size	divergent_loop, .Lfunc_end0-divergent_loop
                                        ; -- End function
	.set divergent_loop.num_vgpr, 8
	.section	.AMDGPU.csdata,"",@progbits
; Kernel info:
; codeLenInByte = 276
	.text
	.p2alignl 6, 3212836864
	.fill 256, 4, 3212836864
	.type	__hip_cuid_166ffaed3f107663,@object ; @__hip_cuid_166ffaed3f107663
	.section	.bss,"aw",@nobits
	.globl	__hip_cuid_166ffaed3f107663
__hip_cuid_166ffaed3f107663:
	.byte	0                               ; 0x0
	.size	__hip_cuid_166ffaed3f107663, 1
	.ident	"Debian clang version 22.1.8 (1~deb12u1)"
	.section	".note.GNU-stack","",@progbits
	.addrsig
	.amdgpu_metadata
---
amdhsa.kernels:
  - .agpr_count:     0
    .args:
      - .actual_access:  read_only
        .address_space:  global
        .offset:         0
        .size:           8
        .value_kind:     global_buffer
      - .name:           out
        .type_name:      'float*'
        .offset:         8
        .size:           8
        .value_kind:     global_buffer
      - .offset:         16
        .size:           4
        .value_kind:     by_value
    .group_segment_fixed_size: 0
    .kernarg_segment_align: 8
    .kernarg_segment_size: 24
    .max_flat_workgroup_size: 1024
    .name:           divergent_loop
    .symbol:         divergent_loop.kd
amdhsa.target:   amdgcn-amd-amdhsa--gfx942
amdhsa.version:
  - 1
  - 2
...

	.end_amdgpu_metadata
