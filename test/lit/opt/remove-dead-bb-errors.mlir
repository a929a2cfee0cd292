// A live op reading a value defined in an unreachable block breaks SSA dominance:
// remove-dead-bb reports it at the reader instead of leaving a dangling use.
// An indirect branch (s_setpc_b64) could reach any block: nothing is removed.
// RUN: %expect-exit 1 pyhip-opt %s --split-input-file -p remove-dead-bb 2>&1 | filecheck %s
// RUN: %expect-exit 1 pyhip-opt %s --split-input-file -p remove-dead-bb 2>/dev/null | filecheck %s --check-prefix=SETPC

cdna.kernel @bad {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %exec : !cdna.exec):
  cdna.s_branch ^live
^dead:
  %d = cdna.s_mov_b32 7 : () -> !cdna.sgpr<1>
  cdna.fallthrough ^live
^live:
  // CHECK: remove-dead-bb-errors.mlir:[[# @LINE + 1]]:3: error: reads a value defined in an unreachable block
  cdna.s_store_dword %d, %ka, 0 : (!cdna.sgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}

// -----

// SETPC-LABEL: cdna.kernel @setpc
// SETPC: ^maybe:
cdna.kernel @setpc {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %exec : !cdna.exec):
  cdna.s_setpc_b64 %ka : (!cdna.sgpr<2>) -> ()
^maybe:
  cdna.s_endpgm
}
