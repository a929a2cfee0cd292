// hide-dependency issues long-latency instructions first within a stretch between
// fences: the global loads move above the independent VALU and SALU work, while
// memory instructions keep their order, nothing crosses the
// s_waitcnt or the EXEC write, and the SCC definition/use pair stays together in order.
// RUN: pyhip-opt %s -p hide-dependency | filecheck %s
// RUN: pyhip-opt %s -p hide-dependency --mlir-pass-statistics 2>&1 >/dev/null | filecheck %s --check-prefix=STATS

// CHECK-LABEL: cdna.kernel @k
// CHECK:      %l = cdna.global_load_dword %tid, %ka
// CHECK-NEXT: %l2 = cdna.global_load_dword %tid, %ka
// CHECK-NEXT: %a = cdna.v_add_u32 1, %tid
// CHECK-NEXT: %b = cdna.v_mul_lo_u32 %a, %a
// CHECK-NEXT: %c, %cs = cdna.s_add_u32 %n, 1
// CHECK-NEXT: %d = cdna.s_cselect_b32 %c, 0 implicit(%cs : scc)
// CHECK-NEXT: cdna.s_waitcnt 3952
// CHECK-NEXT: %x = cdna.v_add_u32 %l, %b
// CHECK-NEXT: %e = cdna.s_mov_b64 -1
// CHECK-NEXT: %y = cdna.v_add_u32 %x, %l2
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec, %n : !cdna.sgpr<1>):
  %a = cdna.v_add_u32 1, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %b = cdna.v_mul_lo_u32 %a, %a implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %c, %cs = cdna.s_add_u32 %n, 1 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
  %d = cdna.s_cselect_b32 %c, 0 implicit(%cs : scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
  %l = cdna.global_load_dword %tid, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  %l2 = cdna.global_load_dword %tid, %ka implicit(%exec : exec) [offset = 4] : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  cdna.s_waitcnt 3952
  %x = cdna.v_add_u32 %l, %b implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %e = cdna.s_mov_b64 -1 : () -> !cdna.exec
  %y = cdna.v_add_u32 %x, %l2 implicit(%e : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.global_store_dword %tid, %y, %ka implicit(%e : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_store_dword %d, %ka, 0 : (!cdna.sgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}
// STATS:      hide-dependency
// STATS-NEXT:   (S) 6 instructions-moved
