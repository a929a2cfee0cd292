// verify-waitcnt accepts reads after the wait that completes the load, and reports a
// read before it at the reading line, naming the load's line and the wait needed:
// vm loads complete in order (vmcnt(N) completes all but the N newest), LDS loads in
// order among themselves, scalar loads only at lgkmcnt(0). Paths join: a load
// issued in one branch of an if is pending after it unless both paths waited.
// Exactly the errors below, none for the reads after their waits:
// RUN: %expect-exit 1 pyhip-opt %s --split-input-file -p verify-waitcnt 2>&1 | filecheck %s

cdna.kernel @in_order {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.global_load_dword %tid, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  %b = cdna.global_load_dword %tid, %ka implicit(%exec : exec) [offset = 4] : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  // vmcnt(1): %a (one load issued after it) is complete, %b is not
  cdna.s_waitcnt 3953
  %ok = cdna.v_add_u32 %a, %a implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  // CHECK: verify-waitcnt.mlir:[[# @LINE + 1]]:3: error: reads 'b' loaded at {{.*}}verify-waitcnt.mlir:[[# @LINE - 4]] (global_load_dword) before an s_waitcnt completes it (needs s_waitcnt vmcnt(0) before this line)
  %bad = cdna.v_add_u32 %b, %ok implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}

// -----

cdna.kernel @smem {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %s = cdna.s_load_dword %ka, 0 : (!cdna.sgpr<2>) -> !cdna.sgpr<1>
  %l = cdna.ds_read_b32 %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  // lgkmcnt(1): the LDS read has no LDS op after it (not complete); the scalar load
  // may have returned out of order, so it is not known complete either
  cdna.s_waitcnt 49535
  // CHECK: verify-waitcnt.mlir:[[# @LINE + 1]]:3: error: reads 's' loaded at {{.*}}verify-waitcnt.mlir:[[# @LINE - 5]] (s_load_dword) before an s_waitcnt completes it (needs s_waitcnt lgkmcnt(0) before this line)
  %x = cdna.v_add_u32 %s, %tid implicit(%exec : exec) : (!cdna.sgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_waitcnt 49279
  %ok = cdna.v_add_u32 %l, %x implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}

// -----

cdna.kernel @paths {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec, %n : !cdna.sgpr<1>):
  %a = cdna.global_load_dword %tid, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  %c = cdna.s_cmp_eq_u32 %n, 0 implicit() -> (scc) : (!cdna.sgpr<1>) -> ()
  %r = cdna.if(%c : !cdna.scc) -> (!cdna.vgpr<1>) {
    cdna.s_waitcnt 3952
    %ok = cdna.v_add_u32 %a, %a implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
    cdna.yield %ok : !cdna.vgpr<1>
  } else {
    cdna.yield %tid : !cdna.vgpr<1>
  }
  // CHECK: verify-waitcnt.mlir:[[# @LINE + 1]]:3: error: reads 'a' loaded at {{.*}}verify-waitcnt.mlir:[[# @LINE - 9]] (global_load_dword) before an s_waitcnt completes it (needs s_waitcnt vmcnt(0) before this line)
  %bad = cdna.v_add_u32 %a, %r implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}

// -----

// A load in a loop body is outstanding at the loop's head on the back edge.
cdna.kernel @loop {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec, %n : !cdna.sgpr<1>):
  %z = cdna.v_mov_b32 0 implicit(%exec : exec) : () -> !cdna.vgpr<1>
  %r = cdna.while %z : !cdna.vgpr<1> -> (!cdna.vgpr<1>) {
  ^b(%x : !cdna.vgpr<1>):
    // CHECK: verify-waitcnt.mlir:[[# @LINE + 1]]:5: error: reads 'x' loaded at {{.*}}verify-waitcnt.mlir:[[# @LINE + 6]] (global_load_dword) before an s_waitcnt completes it
    %y = cdna.v_add_u32 1, %x implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
    %c = cdna.v_cmp_gt_u32 10, %y implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vcc
    cdna.condition(%c : !cdna.vcc) %y : !cdna.vgpr<1>
  } do {
  ^d(%x2 : !cdna.vgpr<1>):
    %v = cdna.global_load_dword %x2, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
    cdna.yield %v : !cdna.vgpr<1>
  }
  cdna.s_endpgm
}
