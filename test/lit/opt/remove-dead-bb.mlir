// remove-dead-bb deletes the blocks no path from the entry reaches (transitively:
// ^dead2 is entered only from ^dead1), drops the edges they had into live blocks
// (^join keeps its argument: its live predecessor still passes it), and keeps the
// layout rule (cdna.fallthrough targets the next block) because only dead blocks go.
// The output is re-verified after the pass and once more by the second pyhip-opt.
// RUN: pyhip-opt %s -p remove-dead-bb | pyhip-opt | filecheck %s
// RUN: pyhip-opt %s -p remove-dead-bb --mlir-pass-statistics 2>&1 >/dev/null | filecheck %s --check-prefix=STATS

// CHECK-LABEL: cdna.kernel @dead_after_branch
// CHECK:      %s = cdna.s_mov_b32 5
// CHECK-NEXT: cdna.s_branch ^join(%s : !cdna.sgpr<1>)
// CHECK-NEXT: ^join(%x: !cdna.sgpr<1>):
// CHECK-NEXT: cdna.s_store_dword %x, %ka, 0
// CHECK-NEXT: cdna.s_endpgm
// CHECK-NEXT: }
// CHECK-NOT: ^dead
cdna.kernel @dead_after_branch {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %exec : !cdna.exec):
  %s = cdna.s_mov_b32 5 : () -> !cdna.sgpr<1>
  cdna.s_branch ^join(%s : !cdna.sgpr<1>)
^dead1:
  %d1 = cdna.s_mov_b32 7 : () -> !cdna.sgpr<1>
  cdna.fallthrough ^dead2
^dead2:
  %d2, %c = cdna.s_add_u32 %d1, 9 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
  cdna.fallthrough ^join(%d2 : !cdna.sgpr<1>)
^join(%x : !cdna.sgpr<1>):
  cdna.s_store_dword %x, %ka, 0 : (!cdna.sgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}

// A loop, a conditional branch's fall-through block, and a dead block between a
// live block and its branch target: only the dead block goes.
// CHECK-LABEL: cdna.kernel @loop
// CHECK:      cdna.fallthrough ^loop(%z : !cdna.sgpr<1>)
// CHECK-NEXT: ^loop(%i: !cdna.sgpr<1>):
// CHECK:      cdna.s_cbranch_scc1 ^done, ^body
// CHECK-NEXT: ^body:
// CHECK:      cdna.s_branch ^loop(%i2 : !cdna.sgpr<1>)
// CHECK-NEXT: ^done:
// CHECK-NEXT: cdna.s_endpgm
cdna.kernel @loop {arch = "gfx942", args = []} {
^entry(%n : !cdna.sgpr<1>, %exec : !cdna.exec):
  %z = cdna.s_mov_b32 0 : () -> !cdna.sgpr<1>
  cdna.fallthrough ^loop(%z : !cdna.sgpr<1>)
^loop(%i : !cdna.sgpr<1>):
  %c = cdna.s_cmp_ge_u32 %i, %n implicit() -> (scc) : (!cdna.sgpr<1>, !cdna.sgpr<1>) -> ()
  cdna.s_cbranch_scc1 ^done, ^body implicit(%c : scc)
^body:
  %i2, %c2 = cdna.s_add_u32 %i, 1 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
  cdna.s_branch ^loop(%i2 : !cdna.sgpr<1>)
^unreached:
  %u = cdna.s_mov_b32 3 : () -> !cdna.sgpr<1>
  cdna.s_branch ^loop(%u : !cdna.sgpr<1>)
^done:
  cdna.s_endpgm
}

// Nothing is dead: the kernel comes out unchanged (a block after s_endpgm that a
// branch enters is live).
// CHECK-LABEL: cdna.kernel @nothing_dead
// CHECK:      cdna.s_cbranch_scc0 ^other, ^next
// CHECK-NEXT: ^next:
// CHECK-NEXT: cdna.s_endpgm
// CHECK-NEXT: ^other:
// CHECK-NEXT: cdna.s_endpgm
cdna.kernel @nothing_dead {arch = "gfx942", args = []} {
^entry(%n : !cdna.sgpr<1>, %exec : !cdna.exec):
  %c = cdna.s_cmp_eq_u32 %n, 0 implicit() -> (scc) : (!cdna.sgpr<1>) -> ()
  cdna.s_cbranch_scc0 ^other, ^next implicit(%c : scc)
^next:
  cdna.s_endpgm
^other:
  cdna.s_endpgm
}

// STATS:      remove-dead-bb
// STATS-NEXT: (S) 3 blocks-removed - Unreachable blocks removed
