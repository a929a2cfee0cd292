// Custom syntax round trip: print, re-parse, print again.
// RUN: pyhip-opt %s | pyhip-opt | filecheck %s

// CHECK-LABEL: cdna.kernel @vadd
// CHECK-SAME: arch = "gfx942", args = [#cdna.karg<"a", "float*", 0, 8>, #cdna.karg<"n", "int", 8, 4>], workgroup_size = [64 : i64, 1 : i64, 1 : i64]
// CHECK-NEXT: ^entry(%ka: !cdna.sgpr<2>, %tid: !cdna.vgpr<1>, %exec: !cdna.exec):
// CHECK-NEXT: %p = cdna.s_load_dwordx2 %ka, 0 : (!cdna.sgpr<2>) -> !cdna.sgpr<2>
// CHECK-NEXT: cdna.s_waitcnt 0
// CHECK-NEXT: %off = cdna.v_lshlrev_b32 2, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
// CHECK-NEXT: %x = cdna.global_load_dword %off, %p implicit(%exec : exec) [offset = 16] : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
// CHECK-NEXT: cdna.s_waitcnt 3952
// CHECK-NEXT: %y = cdna.v_add_f32_e64 -|%x|, %x implicit(%exec : exec) [clamp] : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
// CHECK-NEXT: %n = cdna.s_load_dword %ka, 8 : (!cdna.sgpr<2>) -> !cdna.sgpr<1>
// CHECK-NEXT: %s, %scc = cdna.s_add_u32 %n, 1 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
// CHECK-NEXT: %vcc = cdna.v_cmp_eq_u32 %n, %tid implicit(%exec : exec) : (!cdna.sgpr<1>, !cdna.vgpr<1>) -> !cdna.vcc
// CHECK-NEXT: %sel = cdna.v_cndmask_b32 0, %y, %vcc implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vcc) -> !cdna.vgpr<1>
// CHECK-NEXT: cdna.global_store_dword %off, %sel, %p implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
// CHECK-NEXT: cdna.s_endpgm
// CHECK-NEXT: }

cdna.kernel @vadd {arch = "gfx942",
                   args = [#cdna.karg<"a", "float*", 0, 8>, #cdna.karg<"n", "int", 8, 4>],
                   workgroup_size = [64, 1, 1]} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %p = cdna.s_load_dwordx2 %ka, 0 : (!cdna.sgpr<2>) -> !cdna.sgpr<2>
  cdna.s_waitcnt 0
  %off = cdna.v_lshlrev_b32 2, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %x = cdna.global_load_dword %off, %p implicit(%exec : exec) [offset = 16]
       : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  cdna.s_waitcnt 3952
  %y = cdna.v_add_f32_e64 -|%x|, %x implicit(%exec : exec) [clamp]
       : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %n = cdna.s_load_dword %ka, 8 : (!cdna.sgpr<2>) -> !cdna.sgpr<1>
  %s, %scc = cdna.s_add_u32 %n, 1 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
  %vcc = cdna.v_cmp_eq_u32 %n, %tid implicit(%exec : exec) : (!cdna.sgpr<1>, !cdna.vgpr<1>) -> !cdna.vcc
  %sel = cdna.v_cndmask_b32 0, %y, %vcc implicit(%exec : exec)
         : (!cdna.vgpr<1>, !cdna.vcc) -> !cdna.vgpr<1>
  cdna.global_store_dword %off, %sel, %p implicit(%exec : exec)
      : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}
