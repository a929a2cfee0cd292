// Label blocks with arguments (the phis of a CFG in SSA form): cdna.fallthrough and
// branches pass values to them. The custom form round-trips, and so does the generic
// form (target_args is the third operand segment of an instruction op).
// RUN: pyhip-opt %s | pyhip-opt | filecheck %s
// RUN: pyhip-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC
// RUN: pyhip-opt %s --print-op-generic | pyhip-opt | filecheck %s

// CHECK-LABEL: cdna.kernel @sum
// CHECK:      %z = cdna.s_mov_b32 0 : () -> !cdna.sgpr<1>
// CHECK-NEXT: %zv = cdna.v_mov_b32 0 implicit(%exec : exec) : () -> !cdna.vgpr<1>
// CHECK-NEXT: cdna.fallthrough ^loop(%z, %z, %zv : !cdna.sgpr<1>, !cdna.sgpr<1>, !cdna.vgpr<1>)
// CHECK-NEXT: ^loop(%i: !cdna.sgpr<1>, %sum: !cdna.sgpr<1>, %acc: !cdna.vgpr<1>):
// CHECK-NEXT: %c = cdna.s_cmp_ge_u32 %i, %n implicit() -> (scc) : (!cdna.sgpr<1>, !cdna.sgpr<1>) -> ()
// CHECK-NEXT: cdna.s_cbranch_scc1 ^done(%sum : !cdna.sgpr<1>), ^body implicit(%c : scc)
// CHECK-NEXT: ^body:
// CHECK:      cdna.s_branch ^loop(%i2, %sum2, %acc2 : !cdna.sgpr<1>, !cdna.sgpr<1>, !cdna.vgpr<1>)
// CHECK-NEXT: ^done(%r: !cdna.sgpr<1>):
// CHECK-NEXT: cdna.s_store_dword %r, %pout, 0 : (!cdna.sgpr<1>, !cdna.sgpr<2>) -> ()
// Without arguments the forms are unchanged.
// CHECK:      cdna.fallthrough ^next
// CHECK-NEXT: ^next:
// CHECK-NEXT: cdna.s_branch ^end
// CHECK:      cdna.s_cbranch_scc0 ^end, ^last implicit(%c3 : scc)

// GENERIC: "cdna.fallthrough"(%z, %z, %zv) [^[[LOOP:.*]]] : (!cdna.sgpr<1>, !cdna.sgpr<1>, !cdna.vgpr<1>) -> ()
// GENERIC: "cdna.s_cbranch_scc1"(%c, %sum) [^[[DONE:.*]], ^{{.*}}] <{operandSegmentSizes = array<i32: 0, 1, 1>, resultSegmentSizes = array<i32: 0, 0>}> : (!cdna.scc, !cdna.sgpr<1>) -> ()
// GENERIC: "cdna.s_branch"(%i2, %sum2, %acc2) [^[[LOOP]]] <{operandSegmentSizes = array<i32: 0, 0, 3>, resultSegmentSizes = array<i32: 0, 0>}> : (!cdna.sgpr<1>, !cdna.sgpr<1>, !cdna.vgpr<1>) -> ()

cdna.kernel @sum {arch = "gfx942",
                  args = [#cdna.karg<"out", "int*", 0, 8>, #cdna.karg<"n", "int", 8, 4>],
                  abi_inputs = ["kernarg_segment_ptr", "workitem_id", "exec"]} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %pout = cdna.s_load_dwordx2 %ka, 0 : (!cdna.sgpr<2>) -> !cdna.sgpr<2>
  %n = cdna.s_load_dword %ka, 8 : (!cdna.sgpr<2>) -> !cdna.sgpr<1>
  cdna.s_waitcnt 0
  %z = cdna.s_mov_b32 0 : () -> !cdna.sgpr<1>
  %zv = cdna.v_mov_b32 0 implicit(%exec : exec) : () -> !cdna.vgpr<1>
  cdna.fallthrough ^loop(%z, %z, %zv : !cdna.sgpr<1>, !cdna.sgpr<1>, !cdna.vgpr<1>)
^loop(%i : !cdna.sgpr<1>, %sum : !cdna.sgpr<1>, %acc : !cdna.vgpr<1>):
  %c = cdna.s_cmp_ge_u32 %i, %n implicit() -> (scc) : (!cdna.sgpr<1>, !cdna.sgpr<1>) -> ()
  cdna.s_cbranch_scc1 ^done(%sum : !cdna.sgpr<1>), ^body implicit(%c : scc)
^body:
  %sum2, %c1 = cdna.s_add_u32 %sum, %i implicit() -> (scc) : (!cdna.sgpr<1>, !cdna.sgpr<1>) -> !cdna.sgpr<1>
  %i2, %c2 = cdna.s_add_u32 %i, 1 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
  %acc2 = cdna.v_add_u32 %acc, %tid implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_branch ^loop(%i2, %sum2, %acc2 : !cdna.sgpr<1>, !cdna.sgpr<1>, !cdna.vgpr<1>)
^done(%r : !cdna.sgpr<1>):
  cdna.s_store_dword %r, %pout, 0 : (!cdna.sgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.fallthrough ^next
^next:
  cdna.s_branch ^end
^other:
  %c3 = cdna.s_cmp_eq_u32 %n, 0 implicit() -> (scc) : (!cdna.sgpr<1>) -> ()
  cdna.s_cbranch_scc0 ^end, ^last implicit(%c3 : scc)
^last:
  cdna.fallthrough ^end
^end:
  cdna.s_endpgm
}
