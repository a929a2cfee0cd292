// `x5` is neither a register count nor a v-register.
// RUN: %expect-exit 1 pyhip-opt %s  2>&1 | filecheck %s
// CHECK: {{.*}}bad-type-syntax.mlir:8:40: error: expected a register width or a 'v' register, got 'x5'

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec)
       : (!cdna.vgpr<1>) -> !cdna.vgpr<x5>
  cdna.s_endpgm
}
