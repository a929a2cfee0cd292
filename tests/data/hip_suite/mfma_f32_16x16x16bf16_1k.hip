// v_mfma_f32_16x16x16_bf16 (the "_1k" builtin), one MFMA per wavefront:
// D = A(16x16 bf16) * B(16x16 bf16) + C, bf16 as raw 16-bit patterns.
#include "common.h"

typedef short short4 __attribute__((ext_vector_type(4)));
typedef float float4 __attribute__((ext_vector_type(4)));

extern "C" __global__ void mfma_f32_16x16x16bf16_1k(const unsigned short *__restrict__ A,
                                                    const unsigned short *__restrict__ B,
                                                    const float *__restrict__ C,
                                                    float *__restrict__ D, int tiles) {
  int tile = (int)(global_x() / 64u);
  if (tile >= tiles)
    return;
  u32 l = lane_id();
  const unsigned short *a = A + tile * 256;
  const unsigned short *b = B + tile * 256;
  const float *c = C + tile * 256;
  float *d = D + tile * 256;
  u32 col = l % 16u, grp = l / 16u;
  short4 va, vb;
  for (int e = 0; e < 4; ++e) {
    int k = 4 * grp + e;
    va[e] = (short)a[col * 16 + k];
    vb[e] = (short)b[k * 16 + col];
  }
  float4 acc;
  for (int r = 0; r < 4; ++r)
    acc[r] = c[(4 * grp + r) * 16 + col];
  acc = __builtin_amdgcn_mfma_f32_16x16x16bf16_1k(va, vb, acc, 0, 0, 0);
  for (int r = 0; r < 4; ++r)
    d[(4 * grp + r) * 16 + col] = acc[r];
}
