// dce deletes an unused pure op, but never a store, an atomic (even when its
// returned value is unused), a wait or a load (a load's issue is counted by the
// next s_waitcnt vmcnt).
// RUN: pyhip-opt %s -p dce | filecheck %s

// CHECK-LABEL: cdna.kernel @k
// CHECK-NEXT: ^entry(%ka: !cdna.sgpr<2>, %tid: !cdna.vgpr<1>, %exec: !cdna.exec):
// CHECK-NEXT: %used = cdna.v_add_u32 1, %tid
// CHECK-NEXT: %load = cdna.global_load_dword %tid, %ka
// CHECK-NEXT: %old = cdna.global_atomic_add %tid, %used, %ka implicit(%exec : exec) [sc0]
// CHECK-NEXT: cdna.global_atomic_add %tid, %used, %ka implicit(%exec : exec) :
// CHECK-NEXT: cdna.s_waitcnt 0
// CHECK-NEXT: cdna.global_store_dword %tid, %used, %ka
// CHECK-NEXT: cdna.s_endpgm
// CHECK-NOT: unused
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %used = cdna.v_add_u32 1, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %unused = cdna.v_add_u32 2, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %unused2 = cdna.v_mul_lo_u32 %unused, %unused implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %load = cdna.global_load_dword %tid, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  %old = cdna.global_atomic_add %tid, %used, %ka implicit(%exec : exec) [sc0] : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  cdna.global_atomic_add %tid, %used, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_waitcnt 0
  cdna.global_store_dword %tid, %used, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}
