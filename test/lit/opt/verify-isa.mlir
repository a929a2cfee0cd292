// verify-isa reports op errors at their location, like the input verifier does
// (--disable-verify skips the latter, so here the pass finds them); max-errors
// bounds the report.
// RUN: %expect-exit 1 pyhip-opt %s --disable-verify -p verify-isa 2>&1 | filecheck %s
// RUN: %expect-exit 1 pyhip-opt %s --disable-verify -p 'verify-isa{max-errors=1}' 2>&1 | filecheck %s --check-prefix=ONE

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  // CHECK: verify-isa.mlir:[[# @LINE + 2]]:3: error: 'cdna.v_add_u32' op 'v_add_u32' implicitly reads (exec), got implicit()
  // ONE: verify-isa.mlir:[[# @LINE + 1]]:3: error: 'cdna.v_add_u32' op 'v_add_u32' implicitly reads (exec)
  %a = cdna.v_add_u32 5, %tid : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  // CHECK: verify-isa.mlir:[[# @LINE + 2]]:3: error: 'cdna.v_add_f64' op operand 'src0' must be 2 dwords wide
  // ONE: <unknown>: note: stopped after 1 error(s)
  %p = cdna.v_add_f64 %tid, %tid implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<2>
  cdna.s_endpgm
}
