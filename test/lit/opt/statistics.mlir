// --mlir-pass-statistics: every pass's counters, on stderr; xDSL's cse/dce report
// the ops they removed, verify-isa the ops it checked.
// RUN: pyhip-opt %s -p dce,cse,verify-isa --mlir-pass-statistics 2>&1 >/dev/null | filecheck %s

// CHECK: ... Pass statistics report ...
// CHECK: dce
// CHECK-NEXT: (S) 2 ops-removed - Operations removed
// CHECK-NEXT: cse
// CHECK-NEXT: (S) 1 ops-removed - Operations removed
// CHECK-NEXT: verify-isa
// CHECK-NEXT: (S) 6 ops-checked - Operations verified
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %b = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %dead = cdna.v_add_u32 7, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %dead2 = cdna.v_add_u32 7, %dead implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %c = cdna.v_mul_lo_u32 %a, %b implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.global_store_dword %tid, %c, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}
