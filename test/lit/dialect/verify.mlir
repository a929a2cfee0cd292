// Verifier errors, checked with --verify-diagnostics, one case per chunk.
// RUN: pyhip-opt %s --split-input-file --verify-diagnostics

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  // expected-error @+1 {{'v_add_u32' implicitly reads (exec), got implicit()}}
  %a = cdna.v_add_u32 5, %tid : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}

// -----

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %p = cdna.v_add_f64 %tid, %tid implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<2> // expected-error {{operand 'src0' must be 2 dwords wide, got vgpr x1}}
  cdna.s_endpgm
}

// -----

// Several errors in one chunk: each op reports its own, once.
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) [clamp] : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  // expected-error @above {{does not accept the modifier 'clamp'}}
  %b = cdna.v_add_u32 5, %tid, %tid implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  // expected-error @-1 {{takes 2 source operand(s)}}
  // expected-error @below {{'cdna.v_mov_b32' op operand 'src' must be 1 dword wide, got vgpr x2}}
  %c = cdna.v_mov_b32 %p implicit(%exec : exec) : (!cdna.vgpr<2>) -> !cdna.vgpr<1>
  %p = cdna.v_lshlrev_b64 1, %p implicit(%exec : exec) : (!cdna.vgpr<2>) -> !cdna.vgpr<2>
  cdna.s_endpgm
}

// -----

// A misaligned SGPR pair.
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%exec : !cdna.exec):
  %x = cdna.get_reg : !cdna.sgpr<s[1:2]>
  // expected-error @+1 {{operand 'sbase': s[1:2] must start at a multiple of 2}}
  %p = cdna.s_load_dwordx2 %x, 0 : (!cdna.sgpr<s[1:2]>) -> !cdna.sgpr<s[4:5]>
  cdna.s_endpgm
}

// -----

// Parse errors are diagnostics too.
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  // expected-error @+1 {{unknown instruction 'v_add_u33'}}
  %a = cdna.v_add_u33 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}

// -----

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %undefined implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1> // expected-error {{use of undefined value '%undefined'}}
  cdna.s_endpgm
}

// -----

// The kernel's arch is reported once, not again by each instruction.
// expected-error @+1 {{unknown architecture 'gfx1100'}}
cdna.kernel @k {arch = "gfx1100", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}

// -----

// gfx90a has no v_lshl_add_u64 (a gfx940 addition).
cdna.kernel @k {arch = "gfx90a", args = []} {
^entry(%tid : !cdna.vgpr<2>, %exec : !cdna.exec):
  // expected-error @+1 {{'v_lshl_add_u64' is not an instruction of gfx90a (it exists on gfx942, gfx950)}}
  %a = cdna.v_lshl_add_u64 %tid, 1, %tid implicit(%exec : exec) : (!cdna.vgpr<2>, !cdna.vgpr<2>) -> !cdna.vgpr<2>
  cdna.s_endpgm
}

// -----

// A chunk without errors is fine under --verify-diagnostics.
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}
