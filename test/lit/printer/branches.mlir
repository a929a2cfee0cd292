// Labels at branch targets only; a fall-through that is not the next block gets
// an s_branch.
// RUN: pyhip-opt %s -t asm | filecheck %s
// RUN: pyhip-opt %s -t asm | clang-22 -x assembler -target amdgcn-amd-amdhsa -mcpu=gfx950 - -o %t.co
// RUN: llvm-objdump-22 -d %t.co | filecheck %s --check-prefix=DIS

builtin.module {
  cdna.kernel @branches {arch = "gfx950", args = [], abi_inputs = ["exec"]} {
  ^entry(%exec : !cdna.exec):
    %i0 = cdna.s_mov_b32 0 : () -> !cdna.sgpr<s4>
    cdna.fallthrough ^loop
  ^loop:
    %i = cdna.get_reg : !cdna.sgpr<s4>
    %i1, %c = cdna.s_add_u32 %i, 1 implicit() -> (scc) : (!cdna.sgpr<s4>) -> !cdna.sgpr<s4>
    %c2 = cdna.s_cmp_lg_u32 %i1, 1000 implicit() -> (scc) : (!cdna.sgpr<s4>) -> ()
    cdna.s_cbranch_scc1 ^loop, ^exit implicit(%c2 : scc)
  ^dead:
    cdna.s_branch ^loop
  ^exit:
    cdna.s_endpgm
  }
}

// CHECK-LABEL: branches:
// CHECK-NEXT:    s_mov_b32 s4, 0
// CHECK-NEXT:  .LBBbranches_1:
// CHECK-NEXT:    s_add_u32 s4, s4, 1
// CHECK-NEXT:    s_cmp_lg_u32 s4, 0x3e8
// CHECK-NEXT:    s_cbranch_scc1 .LBBbranches_1
// CHECK-NEXT:    s_branch .LBBbranches_3
// CHECK-NEXT:    s_branch .LBBbranches_1
// CHECK-NEXT:  .LBBbranches_3:
// CHECK-NEXT:    s_endpgm
// CHECK-NEXT:  .Lfunc_end_branches:

// DIS:      <branches>:
// DIS-NEXT:   s_mov_b32 s4, 0
// DIS-NEXT:   s_add_u32 s4, s4, 1
// DIS-NEXT:   s_cmp_lg_u32 s4, 0x3e8
// DIS-NEXT:   s_cbranch_scc1 65532 {{.*}} <branches+0x4>
// DIS-NEXT:   s_branch 1 {{.*}} <branches+0x1c>
// DIS-NEXT:   s_branch 65530 {{.*}} <branches+0x4>
// DIS-NEXT:   s_endpgm
