// Edges print as bare jumps: values passed to block arguments must already be in the
// arguments' registers. Where they are not (IR that skipped verification), printing
// fails and says that the copies are register allocation's job.
// REQUIRES: asm-printer
// RUN: %expect-exit 1 pyhip-opt %s -t asm --split-input-file --disable-verify 2>/dev/null | filecheck %s --check-prefix=OK
// RUN: %expect-exit 1 pyhip-opt %s -t asm --split-input-file --disable-verify 2>&1 | filecheck %s

// OK-LABEL: same:
// OK-NEXT:    s_mov_b32 s4, 0
// OK-NEXT:  .LBBsame_1:
// OK-NEXT:    s_add_u32 s4, s4, 1
// OK-NEXT:    s_cmp_lg_u32 s4, 10
// OK-NEXT:    s_cbranch_scc1 .LBBsame_1
// OK-NEXT:    s_endpgm
cdna.kernel @same {arch = "gfx942", args = [], abi_inputs = ["exec"]} {
^entry(%exec : !cdna.exec):
  %z = cdna.s_mov_b32 0 : () -> !cdna.sgpr<s4>
  cdna.fallthrough ^loop(%z : !cdna.sgpr<s4>)
^loop(%i : !cdna.sgpr<s4>):
  %i1, %c = cdna.s_add_u32 %i, 1 implicit() -> (scc) : (!cdna.sgpr<s4>) -> !cdna.sgpr<s4>
  %c2 = cdna.s_cmp_lg_u32 %i1, 10 implicit() -> (scc) : (!cdna.sgpr<s4>) -> ()
  cdna.s_cbranch_scc1 ^loop(%i1 : !cdna.sgpr<s4>), ^exit implicit(%c2 : scc)
^exit:
  cdna.s_endpgm
}

// -----

cdna.kernel @moved {arch = "gfx942", args = [], abi_inputs = ["exec"]} {
^entry(%exec : !cdna.exec):
  %z = cdna.s_mov_b32 0 : () -> !cdna.sgpr<s4>
  cdna.fallthrough ^loop(%z : !cdna.sgpr<s4>)
^loop(%i : !cdna.sgpr<s4>):
  %i1, %c = cdna.s_add_u32 %i, 1 implicit() -> (scc) : (!cdna.sgpr<s4>) -> !cdna.sgpr<s5>
  %c2 = cdna.s_cmp_lg_u32 %i1, 10 implicit() -> (scc) : (!cdna.sgpr<s5>) -> ()
  // CHECK: asm-block-args.mlir:[[# @LINE + 1]]:3: error: cannot print as assembly: s_cbranch_scc1: passes sgpr x1 (s5) to argument 0 of ^loop, which is sgpr x1 (s4): block arguments need copies, which register allocation inserts
  cdna.s_cbranch_scc1 ^loop(%i1 : !cdna.sgpr<s5>), ^exit implicit(%c2 : scc)
^exit:
  cdna.s_endpgm
}

// -----

cdna.kernel @unallocated {arch = "gfx942", args = [], abi_inputs = ["exec"]} {
^entry(%exec : !cdna.exec):
  %z = cdna.get_reg : !cdna.sgpr<s4>
  // CHECK: asm-block-args.mlir:[[# @LINE + 1]]:3: error: cannot print as assembly: cdna.fallthrough: block argument 0 passed to ^next %n is not allocated (sgpr x1)
  cdna.fallthrough ^next(%z : !cdna.sgpr<s4>)
^next(%n : !cdna.sgpr<1>):
  cdna.s_endpgm
}
