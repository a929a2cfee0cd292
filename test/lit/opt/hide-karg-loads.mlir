// hide-karg-loads moves ALU work that does not need the kernel arguments above the
// kernarg wait, in order. It leaves: reads of the loaded arguments, memory operations,
// EXEC writes, SCC definitions someone reads, and what depends on any of them.
// RUN: pyhip-opt %s -p hide-karg-loads | filecheck %s
// RUN: pyhip-opt %s -p hide-karg-loads --mlir-pass-statistics 2>&1 >/dev/null | filecheck %s --check-prefix=STATS

// CHECK-LABEL: cdna.kernel @k
// CHECK:      %p = cdna.s_load_dwordx2
// CHECK-NEXT: %n = cdna.s_load_dword
// CHECK-NEXT: %tid_x = cdna.v_and_b32 1023, %tid
// CHECK-NEXT: %i = cdna.s_mov_b32 0
// CHECK-NEXT: %a = cdna.v_lshlrev_b32 2, %tid_x
// CHECK-NEXT: cdna.s_waitcnt 49279
// CHECK-NEXT: %c = cdna.s_cmp_eq_u32 %i, 0
// CHECK-NEXT: %s = cdna.s_cselect_b32 1, 2 implicit(%c : scc)
// CHECK-NEXT: %m = cdna.v_add_u32 %n, %a
// CHECK-NEXT: %l = cdna.global_load_dword %a, %p
// CHECK-NEXT: %e = cdna.s_mov_b64 -1
// CHECK-NEXT: %w = cdna.v_mul_lo_u32 %m, %m
cdna.kernel @k {arch = "gfx942", args = [], abi_inputs = ["kernarg_segment_ptr", "workitem_id", "exec"]} {
^entry(%kargs : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %p = cdna.s_load_dwordx2 %kargs, 0 : (!cdna.sgpr<2>) -> !cdna.sgpr<2>
  %n = cdna.s_load_dword %kargs, 8 : (!cdna.sgpr<2>) -> !cdna.sgpr<1>
  cdna.s_waitcnt 49279
  %tid_x = cdna.v_and_b32 1023, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %i = cdna.s_mov_b32 0 : () -> !cdna.sgpr<1>
  %c = cdna.s_cmp_eq_u32 %i, 0 implicit() -> (scc) : (!cdna.sgpr<1>) -> ()
  %s = cdna.s_cselect_b32 1, 2 implicit(%c : scc) : () -> !cdna.sgpr<1>
  %a = cdna.v_lshlrev_b32 2, %tid_x implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %m = cdna.v_add_u32 %n, %a implicit(%exec : exec) : (!cdna.sgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %l = cdna.global_load_dword %a, %p implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  %e = cdna.s_mov_b64 -1 : () -> !cdna.exec
  %w = cdna.v_mul_lo_u32 %m, %m implicit(%e : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_waitcnt 3952
  cdna.global_store_dword %a, %w, %p implicit(%e : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}
// STATS:      hide-karg-loads
// STATS-NEXT:   (S) 3 instructions-hoisted
