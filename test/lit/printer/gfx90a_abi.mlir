// gfx90a with clang's layout: private segment buffer in s[0:3], kernarg pointer in
// s[4:5], then the workgroup ids. The same IR printed for gfx942 is an error there.
// RUN: pyhip-opt %s -t asm | filecheck %s
// RUN: pyhip-opt %s -t asm | clang-22 -x assembler -target amdgcn-amd-amdhsa -mcpu=gfx90a - -o %t.co
// RUN: llvm-objdump-22 -D --disassemble-symbols=abi90a.kd %t.co | filecheck %s --check-prefix=KD
// RUN: not pyhip-opt %s -t 'asm{arch=gfx942}' 2>&1 | filecheck %s --check-prefix=ERR

builtin.module {
  cdna.kernel @abi90a {arch = "gfx90a", args = [#cdna.karg<"x", "int", 0, 4>],
      abi_inputs = ["kernarg_segment_ptr", "workgroup_id_x", "workgroup_id_z"]} {
  ^entry(%k : !cdna.sgpr<s[4:5]>, %wx : !cdna.sgpr<s6>, %wz : !cdna.sgpr<s7>):
    %x = cdna.s_load_dword %k, 0 : (!cdna.sgpr<s[4:5]>) -> !cdna.sgpr<s8>
    cdna.s_endpgm
  }
}

// CHECK:      .amdgcn_target "amdgcn-amd-amdhsa--gfx90a"
// CHECK:      .amdhsa_user_sgpr_count 6
// CHECK-NEXT: .amdhsa_user_sgpr_private_segment_buffer 1
// CHECK-NEXT: .amdhsa_user_sgpr_kernarg_segment_ptr 1
// CHECK-NEXT: .amdhsa_system_sgpr_workgroup_id_x 1
// CHECK-NEXT: .amdhsa_system_sgpr_workgroup_id_y 0
// CHECK-NEXT: .amdhsa_system_sgpr_workgroup_id_z 1
// CHECK:      .amdhsa_next_free_sgpr 9
// CHECK:      .amdhsa_reserve_flat_scratch 0

// KD: .amdhsa_system_sgpr_workgroup_id_z 1
// KD: .amdhsa_user_sgpr_private_segment_buffer 1
// KD: .amdhsa_user_sgpr_kernarg_segment_ptr 1

// ERR: error: cannot print as assembly: kernel @abi90a: the hardware puts kernarg_segment_ptr in s[0:1], but the entry argument is s[4:5]
