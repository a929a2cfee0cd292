// Printing assembly needs physical registers: unallocated IR is a located error.
// REQUIRES: asm-printer
// RUN: %expect-exit 1 pyhip-opt %s -t asm 2>&1 | filecheck %s
// CHECK: {{.*}}asm-unallocated.mlir:8:3: error: cannot print as assembly: v_add_u32: result 0 'vdst' %a is not allocated

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<v0>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<v0>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}
