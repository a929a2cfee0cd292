// --verify-diagnostics fails (status 1) and says why when expectations are not met:
// an expected error that was not produced, a message that does not match, and an
// error nobody expected; --split-input-file keeps checking the later chunks.
// RUN: %expect-exit 1 pyhip-opt %s --split-input-file --verify-diagnostics 2>&1 | filecheck %s

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  // CHECK: verify-mismatch.mlir:[[# @LINE + 1]]:6: error: expected error on line [[# @LINE + 3]] was not produced: "this is never reported"
  // expected-error @+2 {{this is never reported}}
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %b = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}

// -----

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  // CHECK: verify-mismatch.mlir:[[# @LINE + 2]]:3: error: unexpected error: 'cdna.v_add_u32' op 'v_add_u32' implicitly reads (exec), got implicit()
  // CHECK: verify-mismatch.mlir:[[# @LINE + 1]]:69: error: expected error on line [[# @LINE + 1]] was not produced: "implicitly writes"
  %a = cdna.v_add_u32 5, %tid : (!cdna.vgpr<1>) -> !cdna.vgpr<1> // expected-error {{implicitly writes}}
  cdna.s_endpgm
}

// -----

// An expectation on the wrong line does not count.
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  // CHECK: verify-mismatch.mlir:[[# @LINE + 2]]:3: error: unexpected error: {{.*}}implicitly reads (exec)
  // CHECK: verify-mismatch.mlir:[[# @LINE + 2]]:6: error: expected error on line [[# @LINE + 3]] was not produced
  %a = cdna.v_add_u32 5, %tid : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  // expected-error @+1 {{implicitly reads}}
  cdna.s_endpgm
}
// CHECK-NOT: : error:
