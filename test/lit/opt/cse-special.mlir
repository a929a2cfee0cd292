// SCC, VCC, EXEC and M0 are single registers. A duplicate instruction whose special-
// register result is read must stay: merging it into the earlier one would make the
// reader see SCC from before the s_add that overwrote it. A duplicate whose special
// results nobody reads merges as usual.
// RUN: pyhip-opt %s -p cse | filecheck %s

// CHECK-LABEL: cdna.kernel @scc
// CHECK:      %c1 = cdna.s_cmp_eq_u32 %n, 0
// CHECK-NEXT: %s1 = cdna.s_cselect_b32 1, 2 implicit(%c1 : scc)
// CHECK-NEXT: %m, %mc = cdna.s_add_u32 %n, 1
// CHECK-NEXT: %c2 = cdna.s_cmp_eq_u32 %n, 0
// CHECK-NEXT: %s2 = cdna.s_cselect_b32 3, 4 implicit(%c2 : scc)
// CHECK-NEXT: %k, %kc = cdna.s_add_u32 %n, 7
// CHECK-NEXT: %t, %{{.*}} = cdna.s_add_u32 %k, %s1
// CHECK-NEXT: %u, %{{.*}} = cdna.s_add_u32 %t, %s2
// CHECK-NEXT: %w, %{{.*}} = cdna.s_add_u32 %u, %m
// CHECK-NEXT: %v, %{{.*}} = cdna.s_add_u32 %w, %k
cdna.kernel @scc {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %n : !cdna.sgpr<1>, %exec : !cdna.exec):
  %c1 = cdna.s_cmp_eq_u32 %n, 0 implicit() -> (scc) : (!cdna.sgpr<1>) -> ()
  %s1 = cdna.s_cselect_b32 1, 2 implicit(%c1 : scc) : () -> !cdna.sgpr<1>
  %m, %mc = cdna.s_add_u32 %n, 1 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
  %c2 = cdna.s_cmp_eq_u32 %n, 0 implicit() -> (scc) : (!cdna.sgpr<1>) -> ()
  %s2 = cdna.s_cselect_b32 3, 4 implicit(%c2 : scc) : () -> !cdna.sgpr<1>
  %k, %kc = cdna.s_add_u32 %n, 7 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
  %k2, %kc2 = cdna.s_add_u32 %n, 7 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
  %t, %tc = cdna.s_add_u32 %k, %s1 implicit() -> (scc) : (!cdna.sgpr<1>, !cdna.sgpr<1>) -> !cdna.sgpr<1>
  %u, %uc = cdna.s_add_u32 %t, %s2 implicit() -> (scc) : (!cdna.sgpr<1>, !cdna.sgpr<1>) -> !cdna.sgpr<1>
  %w, %wc = cdna.s_add_u32 %u, %m implicit() -> (scc) : (!cdna.sgpr<1>, !cdna.sgpr<1>) -> !cdna.sgpr<1>
  %v, %vc = cdna.s_add_u32 %w, %k2 implicit() -> (scc) : (!cdna.sgpr<1>, !cdna.sgpr<1>) -> !cdna.sgpr<1>
  cdna.s_store_dword %v, %ka, 0 : (!cdna.sgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}
