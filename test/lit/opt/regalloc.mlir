// regalloc-linear-scan gives every register value a physical register: launch inputs
// where the hardware puts them, one register per variable (no copies) where its
// versions do not overlap, an edge's values in the target's register, a read-and-
// written operand in its result's register, and the alignment each slot requires.
// The output verifies (the second pyhip-opt) and prints as assembly clang accepts.
// RUN: pyhip-opt %s --split-input-file -p regalloc-linear-scan | pyhip-opt --split-input-file | filecheck %s
// RUN: pyhip-opt %s --split-input-file -p regalloc-linear-scan,lower-structured -t asm | filecheck %s --check-prefix=ASM
// RUN: pyhip-opt %s --split-input-file -p regalloc-linear-scan --mlir-pass-statistics 2>&1 >/dev/null | filecheck %s --check-prefix=STATS

// Launch inputs are pinned (kernarg pointer s[0:1], workitem ids v0); a value whose
// last read is an instruction's source may be that instruction's destination; the
// 4-dword SMEM result is 4-aligned, the pair even; s_addk_i32 reads and writes sdst.
// CHECK-LABEL: cdna.kernel @straight
// CHECK:      ^{{.*}}(%ka: !cdna.sgpr<s[0:1]>, %tid: !cdna.vgpr<v0>, %exec: !cdna.exec):
// CHECK-NEXT:   %p = cdna.s_load_dwordx2 %ka, 0 : (!cdna.sgpr<s[0:1]>) -> !cdna.sgpr<s[2:3]>
// CHECK-NEXT:   %q = cdna.s_load_dwordx4 %ka, 8 : (!cdna.sgpr<s[0:1]>) -> !cdna.sgpr<s[4:7]>
// CHECK:        %a = cdna.v_add_u32 5, %tid {{.*}} -> !cdna.vgpr<v1>
// CHECK-NEXT:   %b = cdna.v_mul_lo_u32 %a, %a {{.*}} -> !cdna.vgpr<v1>
// CHECK-NEXT:   %c = cdna.v_add_u32 %b, %tid {{.*}} -> !cdna.vgpr<v1>
// CHECK-NEXT:   %q1 = cdna.extract %q[1] : !cdna.sgpr<s[4:7]> -> !cdna.sgpr<s5>
// CHECK-NEXT:   %k, %kc = cdna.s_addk_i32 %q1, 7 {{.*}} : (!cdna.sgpr<s5>) -> !cdna.sgpr<s5>
cdna.kernel @straight {arch = "gfx942", args = [], abi_inputs = ["kernarg_segment_ptr", "workitem_id", "exec"]} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %p = cdna.s_load_dwordx2 %ka, 0 : (!cdna.sgpr<2>) -> !cdna.sgpr<2>
  %q = cdna.s_load_dwordx4 %ka, 8 : (!cdna.sgpr<2>) -> !cdna.sgpr<4>
  cdna.s_waitcnt 49279
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %b = cdna.v_mul_lo_u32 %a, %a implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %c = cdna.v_add_u32 %b, %tid implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %q1 = cdna.extract %q[1] : !cdna.sgpr<4> -> !cdna.sgpr<1>
  %k, %kc = cdna.s_addk_i32 %q1, 7 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
  cdna.global_store_dword %tid, %c, %p implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_store_dword %k, %p, 0 : (!cdna.sgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}

// -----

// A loop: the carried value, its versions inside and the result share one register,
// and the counter another: zero copies.
// CHECK-LABEL: cdna.kernel @loop
// CHECK:      %i = cdna.s_mov_b32 0 : () -> !cdna.sgpr<[[I:s[0-9]+]]>
// CHECK:      %r = cdna.while %i : !cdna.sgpr<[[I]]> -> (!cdna.sgpr<[[I]]>)
// CHECK:      ^{{.*}}(%i2: !cdna.sgpr<[[I]]>):
// CHECK:      ^{{.*}}(%i3: !cdna.sgpr<[[I]]>):
// CHECK-NEXT:   %i4, %c2 = cdna.s_add_u32 %i3, 1 {{.*}} -> !cdna.sgpr<[[I]]>
// CHECK-NEXT:   cdna.yield %i4 : !cdna.sgpr<[[I]]>
// ASM-LABEL: loop:
// ASM:       s_mov_b32 [[R:s[0-9]+]], 0
// ASM-NEXT: .LBBloop_1:
// ASM-NEXT:  s_cmp_lt_u32 [[R]], s2
// ASM-NEXT:  s_cbranch_scc0 .LBBloop_3
// ASM-NEXT:  s_add_u32 [[R]], [[R]], 1
// ASM-NEXT:  s_branch .LBBloop_1
// ASM-NEXT: .LBBloop_3:
// ASM-NEXT:  s_store_dword [[R]], s[0:1], 0
cdna.kernel @loop {arch = "gfx942", args = [], abi_inputs = ["kernarg_segment_ptr", "workgroup_id_x", "exec"]} {
^entry(%ka : !cdna.sgpr<2>, %n : !cdna.sgpr<1>, %exec : !cdna.exec):
  %i = cdna.s_mov_b32 0 : () -> !cdna.sgpr<1>
  %r = cdna.while %i : !cdna.sgpr<1> -> (!cdna.sgpr<1>) {
  ^b(%i2 : !cdna.sgpr<1>):
    %c = cdna.s_cmp_lt_u32 %i2, %n implicit() -> (scc) : (!cdna.sgpr<1>, !cdna.sgpr<1>) -> ()
    cdna.condition(%c : !cdna.scc) %i2 : !cdna.sgpr<1>
  } do {
  ^d(%i3 : !cdna.sgpr<1>):
    %i4, %c2 = cdna.s_add_u32 %i3, 1 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
    cdna.yield %i4 : !cdna.sgpr<1>
  }
  cdna.s_store_dword %r, %ka, 0 : (!cdna.sgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}

// -----

// Two carried values swapped every iteration cannot both stay in place: the back
// edge gets one parallel copy (printed as a swap-safe sequence), counted.
// CHECK-LABEL: cdna.kernel @swap
// CHECK:      %{{.*}}, %{{.*}} = cdna.parallel_copy %y3, %x3
// ASM-LABEL: swap:
// ASM:       v_swap_b32
cdna.kernel @swap {arch = "gfx942", args = [], abi_inputs = ["kernarg_segment_ptr", "workitem_id", "exec"]} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %x = cdna.v_mov_b32 1 implicit(%exec : exec) : () -> !cdna.vgpr<1>
  %y = cdna.v_mov_b32 2 implicit(%exec : exec) : () -> !cdna.vgpr<1>
  %n = cdna.s_mov_b32 3 : () -> !cdna.sgpr<1>
  %rx, %ry, %rn = cdna.while %x, %y, %n : !cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<1> -> (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<1>) {
  ^b(%x2 : !cdna.vgpr<1>, %y2 : !cdna.vgpr<1>, %n2 : !cdna.sgpr<1>):
    %c = cdna.s_cmp_lg_u32 %n2, 0 implicit() -> (scc) : (!cdna.sgpr<1>) -> ()
    cdna.condition(%c : !cdna.scc) %x2, %y2, %n2 : !cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<1>
  } do {
  ^d(%x3 : !cdna.vgpr<1>, %y3 : !cdna.vgpr<1>, %n3 : !cdna.sgpr<1>):
    %n4, %c2 = cdna.s_sub_u32 %n3, 1 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
    cdna.yield %y3, %x3, %n4 : !cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<1>
  }
  %t = cdna.v_sub_u32 %rx, %ry implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.global_store_dword %tid, %t, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}

// -----

// A lane-mask if: the result, the then-value (written under the narrowed EXEC) and the
// else-value (the lanes left alone) are one register.
// CHECK-LABEL: cdna.kernel @lanes
// CHECK:      %v = cdna.v_mov_b32 7 {{.*}} -> !cdna.vgpr<[[V:v[0-9]+]]>
// CHECK:      %r = cdna.if(%e : !cdna.exec) -> (!cdna.vgpr<[[V]]>) {
// CHECK-NEXT:   %w = cdna.v_add_u32 1, %v implicit(%e : exec) : (!cdna.vgpr<[[V]]>) -> !cdna.vgpr<[[V]]>
cdna.kernel @lanes {arch = "gfx942", args = [], abi_inputs = ["kernarg_segment_ptr", "workitem_id", "exec"]} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %v = cdna.v_mov_b32 7 implicit(%exec : exec) : () -> !cdna.vgpr<1>
  %m = cdna.v_cmp_gt_u32_e64 %tid, 3 implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.sgpr<2>
  %saved, %e, %sc = cdna.s_and_saveexec_b64 %m implicit(%exec : exec) -> (exec, scc) : (!cdna.sgpr<2>) -> !cdna.sgpr<2>
  %r = cdna.if(%e : !cdna.exec) -> (!cdna.vgpr<1>) {
    %w = cdna.v_add_u32 1, %v implicit(%e : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
    cdna.yield %w : !cdna.vgpr<1>
  } else {
    cdna.yield %v : !cdna.vgpr<1>
  }
  %e2 = cdna.s_mov_b64 %saved : (!cdna.sgpr<2>) -> !cdna.exec
  %a = cdna.v_lshlrev_b32 2, %tid implicit(%e2 : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.global_store_dword %a, %r, %ka implicit(%e2 : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}

// -----

// gfx90a: the kernarg pointer comes after the private segment buffer (s[4:5]).
// CHECK-LABEL: cdna.kernel @gfx90a
// CHECK: ^{{.*}}(%ka: !cdna.sgpr<s[4:5]>, %exec: !cdna.exec):
cdna.kernel @gfx90a {arch = "gfx90a", args = [], abi_inputs = ["kernarg_segment_ptr", "exec"]} {
^entry(%ka : !cdna.sgpr<2>, %exec : !cdna.exec):
  %p = cdna.s_load_dwordx2 %ka, 0 : (!cdna.sgpr<2>) -> !cdna.sgpr<2>
  cdna.s_waitcnt 49279
  %z = cdna.s_mov_b32 0 : () -> !cdna.sgpr<1>
  cdna.s_store_dword %z, %p, 0 : (!cdna.sgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}

// -----

// A write under a narrowed EXEC keeps the variable's other lanes (merge_lanes: old,
// written and merged value in one register). Here the old value is read again after
// the write, so the merge gets its own copy of it, made before EXEC is narrowed (the
// copy must write every lane the merge keeps).
// CHECK-LABEL: cdna.kernel @merge_copy
// CHECK:      %v_1 = cdna.copy %v : !cdna.vgpr<[[V:v[0-9]+]]> -> !cdna.vgpr<[[C:v[0-9]+]]>
// CHECK-NEXT: %e = cdna.s_mov_b64 %m
// CHECK-NEXT: %w = cdna.v_add_u32 1, %v implicit(%e : exec) : (!cdna.vgpr<[[V]]>) -> !cdna.vgpr<[[C]]>
// CHECK-NEXT: %r = cdna.merge_lanes %v_1, %w under %e : !cdna.vgpr<[[C]]>, !cdna.vgpr<[[C]]>, !cdna.exec -> !cdna.vgpr<[[C]]>
cdna.kernel @merge_copy {arch = "gfx942", args = [], abi_inputs = ["kernarg_segment_ptr", "workitem_id", "exec"]} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %v = cdna.v_mov_b32 7 implicit(%exec : exec) : () -> !cdna.vgpr<1>
  %m = cdna.v_cmp_gt_u32_e64 %tid, 3 implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.sgpr<2>
  %e = cdna.s_mov_b64 %m : (!cdna.sgpr<2>) -> !cdna.exec
  %w = cdna.v_add_u32 1, %v implicit(%e : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %r = cdna.merge_lanes %v, %w under %e : !cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.exec -> !cdna.vgpr<1>
  %x = cdna.v_add_u32 %v, %r implicit(%e : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.global_store_dword %tid, %x, %ka implicit(%e : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}

// Over the six kernels: the swap's two copies and the merge's one, and the most
// registers one kernel used.
// STATS:      regalloc-linear-scan
// STATS-NEXT:   (S) 3 copies-inserted
// STATS-NEXT:   (S) 8 sgprs-used
// STATS-NEXT:   (S) 3 vgprs-used
// STATS-NEXT:   (S) 0 agprs-used
