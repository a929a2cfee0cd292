// A kernel for an architecture the project does not support.
// RUN: %expect-exit 1 pyhip-opt %s  2>&1 | filecheck %s
// CHECK: {{.*}}unknown-arch.mlir:6:1: error: 'cdna.kernel' op unknown architecture 'gfx1100'; supported: gfx90a, gfx942, gfx950
// CHECK-NOT: : error:

cdna.kernel @k {arch = "gfx1100", args = []} {
^entry(%exec : !cdna.exec):
  cdna.s_endpgm
}
