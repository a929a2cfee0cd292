// vsrc1 of a VOP2 instruction must be a VGPR.
// RUN: %expect-exit 1 pyhip-opt %s  2>&1 | filecheck %s
// CHECK: {{.*}}wrong-register-file.mlir:8:3: error: 'cdna.v_add_u32' op operand 'vsrc1' does not accept a sgpr (accepts vgpr)

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %s = cdna.s_load_dword %ka, 0 : (!cdna.sgpr<2>) -> !cdna.sgpr<1>
  %a = cdna.v_add_u32 %tid, %s implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.sgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}
