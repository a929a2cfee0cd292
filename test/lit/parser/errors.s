// Parser diagnostics: each chunk is one malformed input; the error must be on the
// marked line (expected-error, with @+N for the next lines) and say what is wrong.
// REQUIRES: asm-parser
// RUN: pyhip-opt %s --import-asm --split-input-file --verify-diagnostics
// RUN: %expect-exit 1 pyhip-opt %s --import-asm --split-input-file 2>&1 | filecheck %s

// CHECK: errors.s:[[# @LINE + 1]]:3: error: unknown instruction 'v_frobnicate_b32' for gfx942
  v_frobnicate_b32 v1, v2 ; expected-error {{unknown instruction 'v_frobnicate_b32' for gfx942}}
  s_endpgm

// -----

// CHECK: errors.s:[[# @LINE + 1]]:3: error: unknown instruction 'v_mfma_f32_32x32x16_f16' for gfx942 (it exists on gfx950)
  v_mfma_f32_32x32x16_f16 a[0:15], v[0:3], v[4:7], a[0:15] ; expected-error {{(it exists on gfx950)}}
  s_endpgm

// -----

// CHECK: errors.s:[[# @LINE + 1]]:17: error: bad register range 'v[3:2]'
  v_add_u32 v1, v[3:2], v3 ; expected-error {{bad register range 'v[3:2]': the last register precedes the first}}
  s_endpgm

// -----

// CHECK: errors.s:[[# @LINE + 1]]:25: error: operand 3 's3' does not fit: 'vsrc1' accepts vgpr x1
  v_add_u32_e32 v1, v2, s3 ; expected-error {{operand 3 's3' does not fit: 'vsrc1' accepts vgpr x1}}
  s_endpgm

// -----

// CHECK: errors.s:[[# @LINE + 1]]:3: error: kernel 'kernel' ends without s_endpgm, s_branch or s_setpc_b64 (unterminated block)
  v_add_u32 v1, v2, v3 ; expected-error {{unterminated block}}

// -----

// CHECK: errors.s:[[# @LINE + 1]]:18: error: undefined label '.Lmissing'
  s_cbranch_scc1 .Lmissing ; expected-error {{undefined label '.Lmissing'}}
  s_endpgm

// -----

// CHECK: errors.s:[[# @LINE + 1]]:3: error: result 'vdst': v[1:2] must start at a multiple of 2
  v_lshl_add_u64 v[1:2], v[0:1], 2, s[0:1] ; expected-error {{v[1:2] must start at a multiple of 2}}
  s_endpgm

// -----

// CHECK: errors.s:[[# @LINE + 1]]:1: error: .amdhsa_kernel k has no .end_amdhsa_kernel
.amdhsa_kernel k ; expected-error {{.amdhsa_kernel k has no .end_amdhsa_kernel}}
  .amdhsa_kernarg_size 8

// -----

// Found by the LLVM oracles (llvm-mc rejects both): a 32-bit address with saddr 'off',
// and two SGPRs in one v_writelane (m0 as its lane select is the one exception).
// CHECK: errors.s:[[# @LINE + 1]]:3: error: 'global_store_dwordx4': with saddr 'off' the VGPR address is 64 bits
  global_store_dwordx4 v2, v[4:7], off ; expected-error {{with saddr 'off' the VGPR address is 64 bits: a VGPR pair, not vgpr x1 (v2)}}
  s_endpgm

// -----

// CHECK: errors.s:[[# @LINE + 1]]:3: error: 'v_writelane_b32' reads 2 scalar values
  v_writelane_b32 v1, s2, s3 ; expected-error {{reads 2 scalar values (sgpr x1 (s2), sgpr x1 (s3))}}
  v_writelane_b32 v1, s2, m0
  s_endpgm
