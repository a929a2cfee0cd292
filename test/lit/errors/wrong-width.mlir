// v_add_f64 reads 64-bit operands; a 1-dword VGPR is too narrow.
// RUN: %expect-exit 1 pyhip-opt %s  2>&1 | filecheck %s
// CHECK: {{.*}}wrong-width.mlir:7:3: error: 'cdna.v_add_f64' op operand 'src0' must be 2 dwords wide, got vgpr x1

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %p = cdna.v_add_f64 %tid, %tid implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<2>
  cdna.s_endpgm
}
