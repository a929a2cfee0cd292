// dse deletes loads nobody reads and lowers the counts of the waits that counted them,
// so every surviving load a wait completed is still completed. It keeps atomics with
// return (they write memory), stores, and loads whose results are read.
// RUN: pyhip-opt %s -p dse | pyhip-opt -p verify-waitcnt | filecheck %s
// RUN: pyhip-opt %s -p dse --mlir-pass-statistics 2>&1 >/dev/null | filecheck %s --check-prefix=STATS

// CHECK-LABEL: cdna.kernel @k
// CHECK:      %a = cdna.global_load_dword
// CHECK-NEXT: %c = cdna.global_load_dword
// vmcnt(1) waited for %a with %b and %c issued after it; %b is gone: vmcnt(0)
// CHECK-NEXT: cdna.s_waitcnt 3952
// CHECK-NEXT: %r = cdna.global_atomic_add
// CHECK-NEXT: %l = cdna.ds_read_b32
// lgkmcnt(1) after two LDS reads, the second dead: lgkmcnt(0)
// CHECK-NEXT: cdna.s_waitcnt 49279
// CHECK-NEXT: cdna.s_waitcnt 3952
// CHECK-NEXT: %x = cdna.v_add_u32 %a, %c
// CHECK-NEXT: %y = cdna.v_add_u32 %x, %l
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.global_load_dword %tid, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  %b = cdna.global_load_dword %tid, %ka implicit(%exec : exec) [offset = 4] : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  %c = cdna.global_load_dword %tid, %ka implicit(%exec : exec) [offset = 8] : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  // vmcnt(0) is 3952; vmcnt(1) is 3953
  cdna.s_waitcnt 3953
  %r = cdna.global_atomic_add %tid, %tid, %ka implicit(%exec : exec) [sc0] : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  %l = cdna.ds_read_b32 %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %l2 = cdna.ds_read_b32 %tid implicit(%exec : exec) [offset = 4] : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  // lgkmcnt(1): 49535
  cdna.s_waitcnt 49535
  cdna.s_waitcnt 3952
  %x = cdna.v_add_u32 %a, %c implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %y = cdna.v_add_u32 %x, %l implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.global_store_dword %tid, %y, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}
// STATS:      dse
// STATS-NEXT:   (S) 2 loads-removed
// STATS-NEXT:   (S) 2 waits-rewritten
