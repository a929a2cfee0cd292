// v_add_u32 takes two sources, not three.
// RUN: %expect-exit 1 pyhip-opt %s  2>&1 | filecheck %s
// CHECK: {{.*}}operand-count.mlir:7:3: error: 'cdna.v_add_u32' op 'v_add_u32' takes 2 source operand(s) (src0, vsrc1), got 3

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid, %tid implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}
