// insert-waitcnt puts one s_waitcnt right before the first read that needs it, with
// the largest counts that complete what is read: the older of two vm loads needs
// vmcnt(1), the newer vmcnt(0); an LDS read lgkmcnt(0) here; a scalar load lgkmcnt(0).
// A read already covered gets nothing. The output passes verify-waitcnt.
// RUN: pyhip-opt %s -p insert-waitcnt | pyhip-opt -p verify-waitcnt | filecheck %s
// RUN: pyhip-opt %s -p insert-waitcnt --mlir-pass-statistics 2>&1 >/dev/null | filecheck %s --check-prefix=STATS

// CHECK-LABEL: cdna.kernel @k
// CHECK:      %s = cdna.s_load_dword
// CHECK-NEXT: %a = cdna.global_load_dword
// CHECK-NEXT: %b = cdna.global_load_dword
// CHECK-NEXT: %l = cdna.ds_read_b32
// vmcnt(1): 3953 = 0xf71
// CHECK-NEXT: cdna.s_waitcnt 3953
// CHECK-NEXT: %x = cdna.v_add_u32 %a, %a
// CHECK-NEXT: %x2 = cdna.v_add_u32 %a, %x
// vmcnt(0) lgkmcnt(0): 112
// CHECK-NEXT: cdna.s_waitcnt 112
// CHECK-NEXT: %y = cdna.v_add_u32 %b, %l
// CHECK-NEXT: %z = cdna.v_add_u32 %s, %y
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %s = cdna.s_load_dword %ka, 0 : (!cdna.sgpr<2>) -> !cdna.sgpr<1>
  %a = cdna.global_load_dword %tid, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  %b = cdna.global_load_dword %tid, %ka implicit(%exec : exec) [offset = 4] : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  %l = cdna.ds_read_b32 %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %x = cdna.v_add_u32 %a, %a implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %x2 = cdna.v_add_u32 %a, %x implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %y = cdna.v_add_u32 %b, %l implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %z = cdna.v_add_u32 %s, %y implicit(%exec : exec) : (!cdna.sgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.global_store_dword %tid, %z, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}
// STATS:      insert-waitcnt
// STATS-NEXT:   (S) 2 waits-inserted
