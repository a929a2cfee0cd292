// A use of a value nobody defines: reported at the use.
// RUN: %expect-exit 1 pyhip-opt %s  2>&1 | filecheck %s
// CHECK: {{.*}}undefined-ssa.mlir:8:26: error: use of undefined value '%nope'

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %b = cdna.v_add_u32 5, %nope implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}
