// v_mfma_f32_32x32x8_bf16 (the "_1k" builtin), one MFMA per wavefront:
// D = A(32x8 bf16) * B(8x32 bf16) + C. bf16 values are passed as raw 16-bit
// patterns. Same register layout as the f16 variant.
#include "common.h"

typedef short short4 __attribute__((ext_vector_type(4)));
typedef float float16 __attribute__((ext_vector_type(16)));

extern "C" __global__ void mfma_f32_32x32x8bf16_1k(const unsigned short *__restrict__ A,
                                                   const unsigned short *__restrict__ B,
                                                   const float *__restrict__ C,
                                                   float *__restrict__ D, int tiles) {
  int tile = (int)(global_x() / 64u);
  if (tile >= tiles)
    return;
  u32 l = lane_id();
  const unsigned short *a = A + tile * 256;
  const unsigned short *b = B + tile * 256;
  const float *c = C + tile * 1024;
  float *d = D + tile * 1024;
  u32 col = l % 32u, grp = l / 32u;
  short4 va, vb;
  for (int e = 0; e < 4; ++e) {
    int k = 4 * grp + e;
    va[e] = (short)a[col * 8 + k];
    vb[e] = (short)b[k * 32 + col];
  }
  float16 acc;
  for (int r = 0; r < 16; ++r)
    acc[r] = c[(8 * (r / 4) + 4 * grp + r % 4) * 32 + col];
  acc = __builtin_amdgcn_mfma_f32_32x32x8bf16_1k(va, vb, acc, 0, 0, 0);
  for (int r = 0; r < 16; ++r)
    d[(8 * (r / 4) + 4 * grp + r % 4) * 32 + col] = acc[r];
}
