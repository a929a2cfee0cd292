// Two register operands but one type.
// RUN: %expect-exit 1 pyhip-opt %s  2>&1 | filecheck %s
// CHECK: {{.*}}type-count.mlir:7:59: error: cdna.v_add_u32 has 2 register operands but its type lists 1

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 %tid, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}
