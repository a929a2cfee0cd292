// A whole kernel: code, kernel descriptor and code-object metadata.
// RUN: pyhip-opt %s -t asm | filecheck %s
// RUN: pyhip-opt %s -t asm | clang-22 -x assembler -target amdgcn-amd-amdhsa -mcpu=gfx942 - -o %t.co
// RUN: llvm-readelf-22 --notes %t.co | filecheck %s --check-prefix=NOTES

builtin.module {
  cdna.kernel @scale {arch = "gfx942",
      args = [#cdna.karg<"p", "float*", 0, 8>, #cdna.karg<"k", "float", 8, 4>],
      workgroup_size = [64, 2, 1], lds_bytes = 512 : i64,
      abi_inputs = ["kernarg_segment_ptr", "workgroup_id_x", "workitem_id", "exec"]} {
  ^entry(%ka : !cdna.sgpr<s[0:1]>, %wg : !cdna.sgpr<s2>, %tid : !cdna.vgpr<v0>, %exec : !cdna.exec):
    %p = cdna.s_load_dwordx2 %ka, 0 : (!cdna.sgpr<s[0:1]>) -> !cdna.sgpr<s[4:5]>
    %k = cdna.s_load_dword %ka, 8 : (!cdna.sgpr<s[0:1]>) -> !cdna.sgpr<s6>
    %x = cdna.v_and_b32 1023, %tid implicit(%exec : exec) : (!cdna.vgpr<v0>) -> !cdna.vgpr<v1>
    %off = cdna.v_lshlrev_b32 2, %x implicit(%exec : exec) : (!cdna.vgpr<v1>) -> !cdna.vgpr<v1>
    cdna.s_waitcnt 49279
    %v = cdna.global_load_dword %off, %p implicit(%exec : exec) [offset = 16, sc1, sc0] : (!cdna.vgpr<v1>, !cdna.sgpr<s[4:5]>) -> !cdna.agpr<a0>
    cdna.s_waitcnt 3952
    cdna.s_endpgm
  }
}

// CHECK:       .amdgcn_target "amdgcn-amd-amdhsa--gfx942"
// CHECK-NEXT:  .amdhsa_code_object_version 5
// CHECK:       .globl scale
// CHECK-NEXT:  .p2align 8
// CHECK-NEXT:  .type scale,@function
// CHECK-NEXT: scale:
// CHECK-NEXT:  s_load_dwordx2 s[4:5], s[0:1], 0
// CHECK-NEXT:  s_load_dword s6, s[0:1], 8
// CHECK-NEXT:  v_and_b32 v1, 0x3ff, v0
// CHECK-NEXT:  v_lshlrev_b32 v1, 2, v1
// CHECK-NEXT:  s_waitcnt lgkmcnt(0)
// CHECK-NEXT:  global_load_dword a0, v1, s[4:5] offset:16 sc1 sc0
// CHECK-NEXT:  s_waitcnt vmcnt(0)
// CHECK-NEXT:  s_endpgm
// CHECK-NEXT: .Lfunc_end_scale:
// CHECK-NEXT:  .size scale, .Lfunc_end_scale-scale
// CHECK:       .amdhsa_kernel scale
// CHECK:         .amdhsa_group_segment_fixed_size 512
// CHECK:         .amdhsa_kernarg_size 12
// CHECK:         .amdhsa_user_sgpr_count 2
// CHECK:         .amdhsa_user_sgpr_kernarg_segment_ptr 1
// CHECK-NEXT:    .amdhsa_system_sgpr_workgroup_id_x 1
// CHECK-NEXT:    .amdhsa_system_sgpr_workgroup_id_y 0
// CHECK-NEXT:    .amdhsa_system_sgpr_workgroup_id_z 0
// CHECK-NEXT:    .amdhsa_system_vgpr_workitem_id 1
// CHECK-NEXT:    .amdhsa_next_free_vgpr 5
// CHECK-NEXT:    .amdhsa_next_free_sgpr 7
// CHECK-NEXT:    .amdhsa_accum_offset 4
// CHECK-NEXT:    .amdhsa_reserve_vcc 0
// CHECK:       .end_amdhsa_kernel
// CHECK:       .amdgpu_metadata
// CHECK:         .name: scale
// CHECK-NEXT:    .symbol: scale.kd
// CHECK:         .max_flat_workgroup_size: 128
// CHECK:       amdhsa.version: [1, 2]
// CHECK:       .end_amdgpu_metadata

// NOTES:       .agpr_count: 1
// NOTES:       .args:
// NOTES-NEXT:    - .address_space: global
// NOTES-NEXT:      .name: p
// NOTES-NEXT:      .offset: 0
// NOTES-NEXT:      .size: 8
// NOTES:           .value_kind: global_buffer
// NOTES-NEXT:    - .name: k
// NOTES-NEXT:      .offset: 8
// NOTES-NEXT:      .size: 4
// NOTES:           .value_kind: by_value
// NOTES:         .group_segment_fixed_size: 512
// NOTES:         .kernarg_segment_size: 12
