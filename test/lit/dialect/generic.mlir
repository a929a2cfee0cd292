// The generic op form round-trips: custom -> generic -> custom gives the same IR.
// RUN: pyhip-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC
// RUN: pyhip-opt %s --print-op-generic | pyhip-opt | filecheck %s
// RUN: pyhip-opt %s --print-op-generic | pyhip-opt --print-op-generic | filecheck %s --check-prefix=GENERIC

// GENERIC: "builtin.module"() ({
// GENERIC-NEXT: "cdna.kernel"() <{sym_name = "k", arch = "gfx942", args = []}> ({
// GENERIC-NEXT: ^entry(%tid: !cdna.vgpr<1>, %exec: !cdna.exec):
// GENERIC-NEXT: %a = "cdna.v_add_u32"(%tid, %exec) <{imm = {"0" = #builtin.int<5>}, operandSegmentSizes = array<i32: 1, 1, 0>, resultSegmentSizes = array<i32: 1, 0>}> : (!cdna.vgpr<1>, !cdna.exec) -> !cdna.vgpr<1>
// GENERIC: %s, %scc = "cdna.s_add_u32"(%a0, %a1) <{operandSegmentSizes = array<i32: 2, 0, 0>, resultSegmentSizes = array<i32: 1, 1>}> : (!cdna.sgpr<1>, !cdna.sgpr<1>) -> (!cdna.sgpr<1>, !cdna.scc)
// GENERIC: "cdna.s_endpgm"() <{operandSegmentSizes = array<i32: 0, 0, 0>, resultSegmentSizes = array<i32: 0, 0>}> : () -> ()

// CHECK: cdna.kernel @k {arch = "gfx942", args = []} {
// CHECK-NEXT: ^entry(%tid: !cdna.vgpr<1>, %exec: !cdna.exec):
// CHECK-NEXT: %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
// CHECK-NEXT: %a0 = cdna.s_mov_b32 1 : () -> !cdna.sgpr<1>
// CHECK-NEXT: %a1 = cdna.s_mov_b32 2 : () -> !cdna.sgpr<1>
// CHECK-NEXT: %s, %scc = cdna.s_add_u32 %a0, %a1 implicit() -> (scc) : (!cdna.sgpr<1>, !cdna.sgpr<1>) -> !cdna.sgpr<1>
// CHECK-NEXT: cdna.s_endpgm

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %a0 = cdna.s_mov_b32 1 : () -> !cdna.sgpr<1>
  %a1 = cdna.s_mov_b32 2 : () -> !cdna.sgpr<1>
  %s, %scc = cdna.s_add_u32 %a0, %a1 implicit() -> (scc) : (!cdna.sgpr<1>, !cdna.sgpr<1>) -> !cdna.sgpr<1>
  cdna.s_endpgm
}
