// What cannot be printed is a located error.
// RUN: not pyhip-opt %s -t asm --split-input-file 2>&1 | filecheck %s

builtin.module {
  cdna.kernel @unallocated {arch = "gfx942", args = [], abi_inputs = ["exec"]} {
  ^entry(%exec : !cdna.exec):
    // CHECK: errors.mlir:[[# @LINE + 1]]:5: error: cannot print as assembly: v_mov_b32: result 0 'vdst' %val is not allocated (vgpr x1)
    %val = cdna.v_mov_b32 1 implicit(%exec : exec) : () -> !cdna.vgpr<1>
    cdna.s_endpgm
  }
}

// -----

builtin.module {
  cdna.kernel @structured {arch = "gfx942", args = [], abi_inputs = ["exec"]} {
  ^entry(%exec : !cdna.exec):
    %s = cdna.s_mov_b32 1 : () -> !cdna.sgpr<s4>
    %c = cdna.s_cmp_eq_u32 %s, 1 implicit() -> (scc) : (!cdna.sgpr<s4>) -> ()
    // CHECK: errors.mlir:[[# @LINE + 1]]:5: error: cannot print as assembly: cdna.if: structured control flow must be lowered before printing
    cdna.if (%c : !cdna.scc) {
      cdna.s_nop 0
      cdna.yield
    }
    cdna.s_endpgm
  }
}

// -----

// CHECK: error: cannot print as assembly: kernel @abi: the hardware puts kernarg_segment_ptr in s[0:1], but the entry argument is s[2:3]
builtin.module {
  cdna.kernel @abi {arch = "gfx942", args = [#cdna.karg<"x", "int", 0, 4>], abi_inputs = ["kernarg_segment_ptr"]} {
  ^entry(%k : !cdna.sgpr<s[2:3]>):
    cdna.s_endpgm
  }
}

// -----

builtin.module {
  cdna.kernel @vtos {arch = "gfx942", args = [], abi_inputs = ["workitem_id"]} {
  ^entry(%tid : !cdna.vgpr<v0>):
    // CHECK: errors.mlir:[[# @LINE + 1]]:5: error: cannot print as assembly: cdna.copy: cannot move v0 to s4 (a vector value needs v_readfirstlane_b32)
    %s = cdna.copy %tid : !cdna.vgpr<v0> -> !cdna.sgpr<s4>
    cdna.s_endpgm
  }
}
