// `flat_scratch` is not one of the modelled special registers.
// RUN: %expect-exit 1 pyhip-opt %s  2>&1 | filecheck %s
// CHECK: {{.*}}unknown-special.mlir:7:48: error: 'flat_scratch' is not a special register (expected one of exec, vcc, scc, m0)

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : flat_scratch) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}
