// The file ends in the middle of an op.
// RUN: %expect-exit 1 pyhip-opt %s 2>&1 | filecheck %s
// CHECK: {{.*}}truncated-op.mlir:7:48: error: unexpected end of input: {{.*}}(is the file truncated?)

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : 