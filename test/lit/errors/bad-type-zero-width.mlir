// A register range of zero registers.
// RUN: %expect-exit 1 pyhip-opt %s  2>&1 | filecheck %s
// CHECK: {{.*}}bad-type-zero-width.mlir:7:75: error: invalid type !cdna.vgpr: register width 0 is not in 1..32

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<0>
  cdna.s_endpgm
}
