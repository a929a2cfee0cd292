// The allocator never spills: running out is an error at the point of peak pressure
// that lists what is live there, largest first, with where each value was defined.
// Two values of one special register live at once is an error too (nothing could
// hold both).
// RUN: %expect-exit 1 pyhip-opt %s --split-input-file -p 'regalloc-linear-scan{max-vgprs=5}' 2>&1 | filecheck %s

cdna.kernel @pressure {arch = "gfx942", args = [], abi_inputs = ["kernarg_segment_ptr", "workitem_id", "exec"]} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %wide = cdna.global_load_dwordx4 %tid, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<4>
  cdna.s_waitcnt 3952
  // CHECK: regalloc-errors.mlir:[[# @LINE + 1]]:3: error: out of VGPRs: 6 needed here, 5 available (the allocator never spills). Live here, largest first: 'wide' (4 dwords, defined at {{.*}}regalloc-errors.mlir:9); 'tid' (1 dword, a launch input); 'one' (1 dword, defined at {{.*}}regalloc-errors.mlir:[[# @LINE + 1]])
  %one = cdna.v_mov_b32 1 implicit(%exec : exec) : () -> !cdna.vgpr<1>
  cdna.global_store_dwordx4 %tid, %wide, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<4>, !cdna.sgpr<2>) -> ()
  cdna.global_store_dword %tid, %one, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}

// -----

cdna.kernel @scc {arch = "gfx942", args = [], abi_inputs = ["kernarg_segment_ptr", "workgroup_id_x", "exec"]} {
^entry(%ka : !cdna.sgpr<2>, %n : !cdna.sgpr<1>, %exec : !cdna.exec):
  %c = cdna.s_cmp_eq_u32 %n, 0 implicit() -> (scc) : (!cdna.sgpr<1>) -> ()
  // CHECK: regalloc-errors.mlir:[[# @LINE + 1]]:3: error: overwrites scc while the scc value from {{.*}}regalloc-errors.mlir:[[# @LINE - 1]] is still needed
  %m, %c2 = cdna.s_add_u32 %n, 1 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
  %s = cdna.s_cselect_b32 %m, 0 implicit(%c : scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
  cdna.s_store_dword %s, %ka, 0 : (!cdna.sgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}
