// a2v moves AGPR operands of instructions whose slots take no AGPRs through fresh
// VGPRs: one v_accvgpr_read_b32 per AGPR value read (read once even if used twice),
// a fresh VGPR destination copied back with v_accvgpr_write_b32, and the copies run
// under the EXEC the instruction reads. Legal instructions are left alone.
// Such IR fails the verifier, so the input is read with --disable-verify; the output
// verifies (the second pyhip-opt checks it).
// RUN: pyhip-opt %s --disable-verify -p a2v | pyhip-opt | filecheck %s
// RUN: pyhip-opt %s --disable-verify -p a2v --mlir-pass-statistics 2>&1 >/dev/null | filecheck %s --check-prefix=STATS

// CHECK-LABEL: cdna.kernel @k
// CHECK:      %a = cdna.v_accvgpr_write_b32 1 implicit(%exec : exec)
// CHECK-NEXT: %v = cdna.v_mov_b32 2
// CHECK-NEXT: %a_v = cdna.v_accvgpr_read_b32 %a implicit(%exec : exec) : (!cdna.agpr<1>) -> !cdna.vgpr<1>
// CHECK-NEXT: %r_v = cdna.v_add_f32 %a_v, %v implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
// CHECK-NEXT: %r = cdna.v_accvgpr_write_b32 %r_v implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.agpr<1>
// CHECK-NEXT: %e2 = cdna.s_mov_b64 %m
// CHECK-NEXT: %[[R:[a-z0-9_]+]] = cdna.v_accvgpr_read_b32 %r implicit(%e2 : exec)
// CHECK-NEXT: %r2 = cdna.v_add_f32 %[[R]], %[[R]] implicit(%e2 : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
// CHECK-NEXT: %x = cdna.v_accvgpr_read_b32 %a implicit(%exec : exec)
// CHECK-NEXT: cdna.s_endpgm
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %exec : !cdna.exec, %m : !cdna.sgpr<2>):
  %a = cdna.v_accvgpr_write_b32 1 implicit(%exec : exec) : () -> !cdna.agpr<1>
  %v = cdna.v_mov_b32 2 implicit(%exec : exec) : () -> !cdna.vgpr<1>
  %r = cdna.v_add_f32 %a, %v implicit(%exec : exec) : (!cdna.agpr<1>, !cdna.vgpr<1>) -> !cdna.agpr<1>
  %e2 = cdna.s_mov_b64 %m : (!cdna.sgpr<2>) -> !cdna.exec
  %r2 = cdna.v_add_f32 %r, %r implicit(%e2 : exec) : (!cdna.agpr<1>, !cdna.agpr<1>) -> !cdna.vgpr<1>
  %x = cdna.v_accvgpr_read_b32 %a implicit(%exec : exec) : (!cdna.agpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}

// STATS:      a2v
// STATS-NEXT: (S) 3 copies-inserted
