// The VOP2 (e32) encoding has no clamp bit.
// RUN: %expect-exit 1 pyhip-opt %s  2>&1 | filecheck %s
// CHECK: {{.*}}modifier-not-allowed.mlir:7:3: error: 'cdna.v_add_u32' op 'v_add_u32' does not accept the modifier 'clamp'

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) [clamp] : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}
