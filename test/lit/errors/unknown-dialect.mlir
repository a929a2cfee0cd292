// An op of a dialect pyhip-opt does not load.
// RUN: %expect-exit 1 pyhip-opt %s  2>&1 | filecheck %s
// CHECK: {{.*}}unknown-dialect.mlir:7:8: error: unknown operation 'arith.constant': dialect 'arith' is not loaded

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = arith.constant 5 : i32
  cdna.s_endpgm
}
