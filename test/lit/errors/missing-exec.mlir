// A VALU op must name the EXEC value it runs under.
// RUN: %expect-exit 1 pyhip-opt %s  2>&1 | filecheck %s
// CHECK: {{.*}}missing-exec.mlir:7:3: error: 'cdna.v_add_u32' op 'v_add_u32' implicitly reads (exec), got implicit()

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}
