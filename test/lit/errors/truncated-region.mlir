// The file ends inside the kernel region (no closing brace).
// RUN: %expect-exit 1 pyhip-opt %s 2>&1 | filecheck %s
// CHECK: {{.*}}truncated-region.mlir:9:1: error: unexpected end of input in block definition (is the file truncated?)

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
