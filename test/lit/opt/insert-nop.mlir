// insert-nop separates hazardous producer/consumer pairs by the wait states the rule
// table asks for, minus the instructions already between them; it grows an s_nop in
// front of the consumer before adding one; it looks back across blocks (a loop's back
// edge included); and it adds nothing where no rule applies.
// RUN: pyhip-opt %s --split-input-file -p insert-nop | filecheck %s
// RUN: pyhip-opt %s --split-input-file -p insert-nop --mlir-pass-statistics 2>&1 >/dev/null | filecheck %s --check-prefix=STATS

// VALU writes an SGPR pair, the next VALU reads it as a lane mask: 2 wait states.
// One independent instruction in between leaves 1 to add.
// CHECK-LABEL: cdna.kernel @valu_sgpr
// CHECK:      %m = cdna.v_cmp_gt_u32_e64
// CHECK-NEXT: cdna.s_nop 1
// CHECK-NEXT: %x = cdna.v_cndmask_b32_e64
// CHECK:      %m2 = cdna.v_cmp_gt_u32_e64
// CHECK-NEXT: %pad = cdna.v_mov_b32 3
// CHECK-NEXT: cdna.s_nop 0
// CHECK-NEXT: %y = cdna.v_cndmask_b32_e64
cdna.kernel @valu_sgpr {arch = "gfx942", args = [], abi_inputs = ["kernarg_segment_ptr", "workitem_id", "exec"]} {
^entry(%ka : !cdna.sgpr<s[0:1]>, %tid : !cdna.vgpr<v0>, %exec : !cdna.exec):
  %m = cdna.v_cmp_gt_u32_e64 %tid, 3 implicit(%exec : exec) : (!cdna.vgpr<v0>) -> !cdna.sgpr<s[2:3]>
  %x = cdna.v_cndmask_b32_e64 0, %tid, %m implicit(%exec : exec) : (!cdna.vgpr<v0>, !cdna.sgpr<s[2:3]>) -> !cdna.vgpr<v1>
  %m2 = cdna.v_cmp_gt_u32_e64 %tid, 5 implicit(%exec : exec) : (!cdna.vgpr<v0>) -> !cdna.sgpr<s[4:5]>
  %pad = cdna.v_mov_b32 3 implicit(%exec : exec) : () -> !cdna.vgpr<v2>
  %y = cdna.v_cndmask_b32_e64 0, %x, %m2 implicit(%exec : exec) : (!cdna.vgpr<v1>, !cdna.sgpr<s[4:5]>) -> !cdna.vgpr<v3>
  cdna.s_endpgm
}

// -----

// A transcendental result read by a non-transcendental VALU: 1 wait state; an s_nop 0
// already in front of the reader satisfies it. Different registers: nothing.
// CHECK-LABEL: cdna.kernel @trans
// CHECK:      %r = cdna.v_rcp_f32 %tid
// CHECK-NEXT: cdna.s_nop 0
// CHECK-NEXT: %a = cdna.v_add_f32 %r, %r
// CHECK-NEXT: %r2 = cdna.v_rcp_f32 %tid
// CHECK-NEXT: %b = cdna.v_add_f32 %tid, %tid
// CHECK-NEXT: cdna.s_nop 0
// CHECK-NEXT: %c = cdna.v_add_f32 %r2, %r2
// CHECK-NEXT: cdna.s_endpgm
cdna.kernel @trans {arch = "gfx942", args = [], abi_inputs = ["kernarg_segment_ptr", "workitem_id", "exec"]} {
^entry(%ka : !cdna.sgpr<s[0:1]>, %tid : !cdna.vgpr<v0>, %exec : !cdna.exec):
  %r = cdna.v_rcp_f32 %tid implicit(%exec : exec) : (!cdna.vgpr<v0>) -> !cdna.vgpr<v1>
  %a = cdna.v_add_f32 %r, %r implicit(%exec : exec) : (!cdna.vgpr<v1>, !cdna.vgpr<v1>) -> !cdna.vgpr<v2>
  %r2 = cdna.v_rcp_f32 %tid implicit(%exec : exec) : (!cdna.vgpr<v0>) -> !cdna.vgpr<v3>
  %b = cdna.v_add_f32 %tid, %tid implicit(%exec : exec) : (!cdna.vgpr<v0>, !cdna.vgpr<v0>) -> !cdna.vgpr<v4>
  cdna.s_nop 0
  %c = cdna.v_add_f32 %r2, %r2 implicit(%exec : exec) : (!cdna.vgpr<v3>, !cdna.vgpr<v3>) -> !cdna.vgpr<v5>
  cdna.s_endpgm
}

// -----

// An XDL MFMA result read by a VALU (8 passes on gfx942: 11 wait states): the s_nop
// already there (2 wait states; the extract prints nothing) is grown to s_nop 7 and
// an s_nop 2 added for the other 3.
// CHECK-LABEL: cdna.kernel @mfma
// CHECK:      %d = cdna.v_mfma_f32_32x32x8_f16
// CHECK-NEXT: cdna.s_nop 7
// CHECK-NEXT: %d0 = cdna.extract %d[0]
// CHECK-NEXT: cdna.s_nop 2
// CHECK-NEXT: %r = cdna.v_accvgpr_read_b32 %d0
cdna.kernel @mfma {arch = "gfx942", args = [], abi_inputs = ["kernarg_segment_ptr", "workitem_id", "exec"]} {
^entry(%ka : !cdna.sgpr<s[0:1]>, %tid : !cdna.vgpr<v0>, %exec : !cdna.exec):
  %ab = cdna.get_reg : !cdna.vgpr<v[2:3]>
  %acc = cdna.get_reg : !cdna.agpr<a[0:15]>
  %d = cdna.v_mfma_f32_32x32x8_f16 %ab, %ab, %acc implicit(%exec : exec) : (!cdna.vgpr<v[2:3]>, !cdna.vgpr<v[2:3]>, !cdna.agpr<a[0:15]>) -> !cdna.agpr<a[0:15]>
  cdna.s_nop 1
  %d0 = cdna.extract %d[0] : !cdna.agpr<a[0:15]> -> !cdna.agpr<a0>
  %r = cdna.v_accvgpr_read_b32 %d0 implicit(%exec : exec) : (!cdna.agpr<a0>) -> !cdna.vgpr<v4>
  cdna.s_endpgm
}

// -----

// Across a loop's back edge: the VALU at the end of the body writes the SGPR pair the
// readlane at the top of the loop reads as its lane select (4 wait states; the
// s_branch in between counts one).
// CHECK-LABEL: cdna.kernel @loop
// CHECK:      ^head:
// CHECK-NEXT:   %sel = cdna.get_reg
// CHECK-NEXT:   cdna.s_nop 2
// CHECK-NEXT:   %l = cdna.v_readlane_b32
cdna.kernel @loop {arch = "gfx942", args = [], abi_inputs = ["kernarg_segment_ptr", "workitem_id", "exec"]} {
^entry(%ka : !cdna.sgpr<s[0:1]>, %tid : !cdna.vgpr<v0>, %exec : !cdna.exec):
  %i = cdna.s_mov_b32 0 : () -> !cdna.sgpr<s4>
  cdna.fallthrough ^head
^head:
  %sel = cdna.get_reg : !cdna.sgpr<s4>
  %l = cdna.v_readlane_b32 %tid, %sel implicit(%exec : exec) : (!cdna.vgpr<v0>, !cdna.sgpr<s4>) -> !cdna.sgpr<s5>
  %c = cdna.s_cmp_lt_u32 %l, 10 implicit() -> (scc) : (!cdna.sgpr<s5>) -> ()
  cdna.s_cbranch_scc0 ^done, ^body implicit(%c : scc)
^body:
  %s = cdna.v_readfirstlane_b32 %tid implicit(%exec : exec) : (!cdna.vgpr<v0>) -> !cdna.sgpr<s4>
  cdna.s_branch ^head
^done:
  cdna.s_endpgm
}

// STATS:      insert-nop
// STATS-NEXT:   (S) 5 nops-inserted
// STATS-NEXT:   (S) 16 wait-states-added
