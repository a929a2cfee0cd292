// cse merges identical pure VALU ops under the same EXEC value, but never across
// a different EXEC (or VCC) SSA value, and never merges loads.
// RUN: pyhip-opt %s -p cse | filecheck %s
// RUN: pyhip-opt %s --pass-pipeline='builtin.module(cse)' | filecheck %s

// CHECK-LABEL: cdna.kernel @k
// CHECK-NEXT: ^entry(%ka: !cdna.sgpr<2>, %tid: !cdna.vgpr<1>, %exec: !cdna.exec):
// CHECK-NEXT: %a = cdna.v_add_u32 5, %tid implicit(%exec : exec)
// CHECK-NOT: %b =
// CHECK-NEXT: %e2 = cdna.s_mov_b64 %ka : (!cdna.sgpr<2>) -> !cdna.exec
// CHECK-NEXT: %c = cdna.v_add_u32 5, %tid implicit(%e2 : exec)
// CHECK-NEXT: %d = cdna.v_mul_lo_u32 %a, %a implicit(%exec : exec)
// CHECK-NEXT: %e = cdna.v_mul_lo_u32 %d, %c implicit(%e2 : exec)
// CHECK-NEXT: %vcc1 = cdna.v_cmp_eq_u32 0, %tid implicit(%exec : exec)
// CHECK-NEXT: %vcc2 = cdna.v_cmp_eq_u32 1, %tid implicit(%exec : exec)
// CHECK-NEXT: %s1 = cdna.v_cndmask_b32 0, %e, %vcc1 implicit(%exec : exec)
// CHECK-NEXT: %s2 = cdna.v_cndmask_b32 0, %e, %vcc2 implicit(%exec : exec)
// CHECK-NEXT: %l1 = cdna.global_load_dword %tid, %ka
// CHECK-NEXT: %l2 = cdna.global_load_dword %tid, %ka
// CHECK-NEXT: cdna.s_waitcnt 0
// CHECK-NEXT: %sum = cdna.v_add_u32 %l1, %l2
// CHECK-NEXT: %sum2 = cdna.v_add_u32 %s1, %s2
// CHECK-NEXT: %out = cdna.v_add_u32 %sum, %sum2
// CHECK-NEXT: cdna.global_store_dword %tid, %out, %ka
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %b = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %e2 = cdna.s_mov_b64 %ka : (!cdna.sgpr<2>) -> !cdna.exec
  %c = cdna.v_add_u32 5, %tid implicit(%e2 : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %d = cdna.v_mul_lo_u32 %a, %b implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %e = cdna.v_mul_lo_u32 %d, %c implicit(%e2 : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %vcc1 = cdna.v_cmp_eq_u32 0, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vcc
  %vcc2 = cdna.v_cmp_eq_u32 1, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vcc
  %s1 = cdna.v_cndmask_b32 0, %e, %vcc1 implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vcc) -> !cdna.vgpr<1>
  %s2 = cdna.v_cndmask_b32 0, %e, %vcc2 implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vcc) -> !cdna.vgpr<1>
  %l1 = cdna.global_load_dword %tid, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  %l2 = cdna.global_load_dword %tid, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  cdna.s_waitcnt 0
  %sum = cdna.v_add_u32 %l1, %l2 implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %sum2 = cdna.v_add_u32 %s1, %s2 implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %out = cdna.v_add_u32 %sum, %sum2 implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.global_store_dword %tid, %out, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}
