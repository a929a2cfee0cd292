// --split-input-file: chunks are processed independently, outputs are joined by
// `// -----`, a bad chunk does not stop the others (but the exit status is 1), and
// diagnostics give line numbers of the original file.
// RUN: %expect-exit 1 pyhip-opt %s --split-input-file 2>%t.err | filecheck %s
// RUN: filecheck %s --check-prefix=ERR < %t.err

// CHECK: cdna.kernel @first
// CHECK: cdna.s_endpgm
cdna.kernel @first {arch = "gfx942", args = []} {
^entry(%exec : !cdna.exec):
  cdna.s_endpgm
}

// -----
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-EMPTY:
// CHECK-NEXT: // -----
// CHECK-NEXT: // -----
// CHECK-NEXT: builtin.module {
// CHECK-NEXT: cdna.kernel @third

cdna.kernel @second {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  // ERR: split.mlir:[[# @LINE + 1]]:3: error: 'cdna.v_add_u32' op 'v_add_u32' implicitly reads (exec), got implicit()
  %a = cdna.v_add_u32 5, %tid : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}

// -----

cdna.kernel @third {arch = "gfx942", args = []} {
^entry(%exec : !cdna.exec):
  cdna.s_endpgm
}

// -----

// ERR: split.mlir:[[# @LINE + 1]]:5: error: unknown instruction 's_endpgmm'
    cdna.s_endpgmm
