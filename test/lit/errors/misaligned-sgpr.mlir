// A 64-bit SGPR pair must start at an even register: s[1:2] is misaligned.
// RUN: %expect-exit 1 pyhip-opt %s  2>&1 | filecheck %s
// CHECK: {{.*}}misaligned-sgpr.mlir:8:3: error: 'cdna.s_load_dwordx2' op operand 'sbase': s[1:2] must start at a multiple of 2

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<s[0:1]>, %exec : !cdna.exec):
  %x = cdna.get_reg : !cdna.sgpr<s[1:2]>
  %p = cdna.s_load_dwordx2 %x, 0 : (!cdna.sgpr<s[1:2]>) -> !cdna.sgpr<s[4:5]>
  cdna.s_endpgm
}
