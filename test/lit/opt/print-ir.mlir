// --print-ir-after-all / --print-ir-after=<pass> / --print-ir-before-all print the
// module to stderr with MLIR's headers; stdout still gets the final IR.
// RUN: pyhip-opt %s -p dce,cse --print-ir-after-all 2>&1 >/dev/null | filecheck %s
// RUN: pyhip-opt %s -p dce,cse --print-ir-after=dce 2>&1 >/dev/null | filecheck %s --check-prefix=DCE
// RUN: pyhip-opt %s -p dce,cse --print-ir-before-all 2>&1 >/dev/null | filecheck %s --check-prefix=BEFORE
// RUN: pyhip-opt %s -p dce,cse --print-ir-after-all 2>/dev/null | filecheck %s --check-prefix=OUT

// CHECK: // -----// IR Dump After dce //----- //
// CHECK-NEXT: builtin.module {
// CHECK: %a = cdna.v_add_u32 5, %tid
// CHECK-NEXT: %b = cdna.v_add_u32 5, %tid
// CHECK-NOT: %dead
// CHECK: // -----// IR Dump After cse //----- //
// CHECK-NEXT: builtin.module {
// CHECK-NEXT: cdna.kernel
// CHECK-NEXT: ^entry
// CHECK-NEXT: %a = cdna.v_add_u32 5, %tid
// CHECK-NEXT: %c = cdna.v_mul_lo_u32 %a, %a

// DCE: // -----// IR Dump After dce //----- //
// DCE-NOT: IR Dump

// BEFORE: // -----// IR Dump Before dce //----- //
// BEFORE: %dead = cdna.v_add_u32 7
// BEFORE: // -----// IR Dump Before cse //----- //
// BEFORE: %b = cdna.v_add_u32 5, %tid

// OUT-NOT: IR Dump
// OUT: builtin.module
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %b = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %c = cdna.v_mul_lo_u32 %a, %b implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %dead = cdna.v_add_u32 7, %c implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.global_store_dword %tid, %c, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}
