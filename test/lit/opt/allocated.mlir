// After allocation nothing is merged or deleted: the results are physical registers,
// and later instructions read them through cdna.get_reg rather than SSA uses.
// RUN: pyhip-opt %s -p cse,dce | filecheck %s

// CHECK-LABEL: cdna.kernel @allocated
// CHECK:      %a = cdna.v_add_u32 5, %tid
// CHECK-NEXT: %b = cdna.v_add_u32 5, %tid
// CHECK-NEXT: %dead = cdna.v_mul_lo_u32 %tid, %tid
// CHECK-NEXT: %scc = cdna.s_cmp_eq_u32 %s, 0
// CHECK-NEXT: %r1 = cdna.get_reg : !cdna.vgpr<v3>
// CHECK-NEXT: %w = cdna.v_mov_b32 7
// CHECK-NEXT: %r2 = cdna.get_reg : !cdna.vgpr<v3>
// CHECK-NEXT: %c = cdna.get_reg : !cdna.scc
// CHECK-NEXT: %sum = cdna.v_add_u32 %r1, %r2
builtin.module {
  cdna.kernel @allocated {arch = "gfx942", args = [],
      abi_inputs = ["workgroup_id_x", "workitem_id", "exec"]} {
  ^entry(%s : !cdna.sgpr<s2>, %tid : !cdna.vgpr<v0>, %exec : !cdna.exec):
    %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<v0>) -> !cdna.vgpr<v1>
    %b = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<v0>) -> !cdna.vgpr<v2>
    %dead = cdna.v_mul_lo_u32 %tid, %tid implicit(%exec : exec) : (!cdna.vgpr<v0>, !cdna.vgpr<v0>) -> !cdna.vgpr<v4>
    %scc = cdna.s_cmp_eq_u32 %s, 0 implicit() -> (scc) : (!cdna.sgpr<s2>) -> ()
    %r1 = cdna.get_reg : !cdna.vgpr<v3>
    %w = cdna.v_mov_b32 7 implicit(%exec : exec) : () -> !cdna.vgpr<v3>
    %r2 = cdna.get_reg : !cdna.vgpr<v3>
    %c = cdna.get_reg : !cdna.scc
    %sum = cdna.v_add_u32 %r1, %r2 implicit(%exec : exec) : (!cdna.vgpr<v3>, !cdna.vgpr<v3>) -> !cdna.vgpr<v5>
    cdna.s_endpgm
  }
}
