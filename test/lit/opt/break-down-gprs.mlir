// break-down-gprs reads parts of a built array directly (one part, or a build of the
// parts covered), collapses extract chains, and drops builds nobody reads. A wide
// instruction result stays wide (extracts of it are kept).
// RUN: pyhip-opt %s -p break-down-gprs | filecheck %s
// RUN: pyhip-opt %s -p break-down-gprs --mlir-pass-statistics 2>&1 >/dev/null | filecheck %s --check-prefix=STATS

// CHECK-LABEL: cdna.kernel @k
// CHECK-NOT:  %w = cdna.build
// CHECK:      %l = cdna.global_load_dwordx4
// CHECK-NEXT: cdna.s_waitcnt 3952
// CHECK-NEXT: %q = cdna.build %a, %b : !cdna.vgpr<1>, !cdna.vgpr<1> -> !cdna.vgpr<2>
// CHECK-NEXT: %odd = cdna.build %b, %c
// CHECK-NEXT: %[[E:.*]] = cdna.extract %l[3]
// CHECK-NEXT: %x = cdna.v_add_u32 %a, %[[E]]
// CHECK-NEXT: %y = cdna.v_add_u32 %x, %d
// CHECK-NEXT: cdna.global_store_dwordx2 %tid, %q, %ka
// CHECK-NEXT: cdna.global_store_dwordx2 %tid, %odd, %ka
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_mov_b32 1 implicit(%exec : exec) : () -> !cdna.vgpr<1>
  %b = cdna.v_mov_b32 2 implicit(%exec : exec) : () -> !cdna.vgpr<1>
  %c = cdna.v_mov_b32 3 implicit(%exec : exec) : () -> !cdna.vgpr<1>
  %d = cdna.v_mov_b32 4 implicit(%exec : exec) : () -> !cdna.vgpr<1>
  %w = cdna.build %a, %b, %c, %d : !cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.vgpr<1> -> !cdna.vgpr<4>
  %l = cdna.global_load_dwordx4 %tid, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<4>
  cdna.s_waitcnt 3952
  %w0 = cdna.extract %w[0] : !cdna.vgpr<4> -> !cdna.vgpr<1>
  %q = cdna.extract %w[0] : !cdna.vgpr<4> -> !cdna.vgpr<2>
  %odd = cdna.extract %w[1] : !cdna.vgpr<4> -> !cdna.vgpr<2>
  %l23 = cdna.extract %l[2] : !cdna.vgpr<4> -> !cdna.vgpr<2>
  %l3 = cdna.extract %l23[1] : !cdna.vgpr<2> -> !cdna.vgpr<1>
  %x = cdna.v_add_u32 %w0, %l3 implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %w3 = cdna.extract %w[3] : !cdna.vgpr<4> -> !cdna.vgpr<1>
  %y = cdna.v_add_u32 %x, %w3 implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.global_store_dwordx2 %tid, %q, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<2>, !cdna.sgpr<2>) -> ()
  cdna.global_store_dwordx2 %tid, %odd, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<2>, !cdna.sgpr<2>) -> ()
  cdna.global_store_dword %tid, %y, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}
// STATS:      break-down-gprs
// STATS-NEXT:   (S) 5 values-split
