// DPP data movement on gfx9: quad_perm, row_shl/shr/ror, wave_shl/rol/shr/ror,
// row_mirror/half_mirror, row_bcast:15/31, with row/bank masks and
// bound_ctrl (invalid source -> 0) or the old value kept; plus DPP folded
// into integer and float adds. Full wavefronts (block sizes multiple of 64).
#include "common.h"

#define QUAD_PERM(a, b, c, d) ((a) | ((b) << 2) | ((c) << 4) | ((d) << 6))
#define ROW_SHL(n) (0x100 + (n))
#define ROW_SHR(n) (0x110 + (n))
#define ROW_ROR(n) (0x120 + (n))
#define WAVE_SHL1 0x130
#define WAVE_ROL1 0x134
#define WAVE_SHR1 0x138
#define WAVE_ROR1 0x13c
#define ROW_MIRROR 0x140
#define ROW_HALF_MIRROR 0x141
#define ROW_BCAST15 0x142
#define ROW_BCAST31 0x143

#define NOUT 16

extern "C" __global__ void xlane_dpp(const u32 *__restrict__ src, const u32 *__restrict__ old,
                                     const float *__restrict__ fsrc, u32 *__restrict__ out,
                                     int n) {
  int i = global_x();
  int s = (int)(i < n ? src[i] : 0x77777777u);
  int o = (int)(i < n ? old[i] : 0x33333333u);
  float f = i < n ? fsrc[i] : 0.0f;
  u32 r[NOUT];
  r[0] = __builtin_amdgcn_mov_dpp(s, QUAD_PERM(2, 3, 0, 1), 0xf, 0xf, false);
  r[1] = __builtin_amdgcn_update_dpp(o, s, ROW_SHL(1), 0xf, 0xf, false);
  r[2] = __builtin_amdgcn_update_dpp(o, s, ROW_SHR(3), 0xf, 0xf, true);
  r[3] = __builtin_amdgcn_update_dpp(o, s, ROW_ROR(5), 0xf, 0xf, false);
  r[4] = __builtin_amdgcn_update_dpp(o, s, WAVE_SHR1, 0xf, 0xf, false);
  r[5] = __builtin_amdgcn_update_dpp(o, s, WAVE_ROL1, 0xf, 0xf, false);
  r[6] = __builtin_amdgcn_update_dpp(o, s, ROW_MIRROR, 0x5, 0xf, false);
  r[7] = __builtin_amdgcn_update_dpp(o, s, ROW_HALF_MIRROR, 0xf, 0x6, false);
  r[8] = __builtin_amdgcn_update_dpp(o, s, ROW_BCAST15, 0xa, 0xf, false);
  r[9] = __builtin_amdgcn_update_dpp(o, s, ROW_BCAST31, 0xc, 0xf, false);
  r[10] = __builtin_amdgcn_update_dpp(o, s, WAVE_SHL1, 0xf, 0xf, true);
  r[11] = __builtin_amdgcn_update_dpp(o, s, WAVE_ROR1, 0xf, 0xf, false);
  r[12] = __builtin_amdgcn_update_dpp(o, s, QUAD_PERM(0, 0, 3, 1), 0x9, 0xb, false);
  // Folded forms: old = 0 and bound_ctrl lets the compiler merge the move into the add.
  r[13] = (u32)s + (u32)__builtin_amdgcn_update_dpp(0, s, ROW_SHR(1), 0xf, 0xf, true);
  float g = as_float((u32)__builtin_amdgcn_update_dpp(0, (int)as_u32(f), ROW_SHL(2), 0xf, 0xf, true));
  r[14] = as_u32(f + g);
  r[15] = __builtin_amdgcn_update_dpp(o, s, ROW_SHL(15), 0xf, 0xf, false);
  if (i < n) {
    for (int k = 0; k < NOUT; ++k)
      out[NOUT * i + k] = r[k];
  }
}
