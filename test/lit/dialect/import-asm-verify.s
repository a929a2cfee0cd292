// Assembly errors are diagnostics too: --verify-diagnostics works on .s inputs
// (expectations in ';' or '//' comments), chunk by chunk.
// REQUIRES: asm-parser
// RUN: pyhip-opt %s --arch=gfx942 --split-input-file --verify-diagnostics

  v_add_f64 v[0:1], v[2:3], v[4:5]
  s_endpgm

// -----

  v_add_u32 v1, v2 ; expected-error {{missing operand 'vsrc1'}}
  s_endpgm

// -----

  ; expected-error @+1 {{unknown instruction 'v_frobnicate_b32'}}
  v_frobnicate_b32 v1, v2
