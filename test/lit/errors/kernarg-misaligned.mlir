// A double kernel argument at offset 4 is not 8-byte aligned.
// RUN: %expect-exit 1 pyhip-opt %s  2>&1 | filecheck %s
// CHECK: {{.*}}kernarg-misaligned.mlir:6:52: error: invalid attribute #cdna.karg: argument 'x' at offset 4 is not 8-byte aligned

cdna.kernel @k {arch = "gfx942",
             args = [#cdna.karg<"n", "int", 0, 4>, #cdna.karg<"x", "double", 4, 8>]} {
^entry(%ka : !cdna.sgpr<2>, %exec : !cdna.exec):
  cdna.s_endpgm
}
