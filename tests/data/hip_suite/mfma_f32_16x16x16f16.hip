// v_mfma_f32_16x16x16_f16, one 16x16 tile per wavefront, K loop in steps of
// 16. Layout (lane l, element e): A[l%16][k0 + 4*(l/16) + e],
// B[k0 + 4*(l/16) + e][l%16]; D register r in lane l holds D[4*(l/16) + r][l%16].
#include "common.h"

typedef _Float16 half4 __attribute__((ext_vector_type(4)));
typedef float float4 __attribute__((ext_vector_type(4)));

extern "C" __global__ void mfma_f32_16x16x16f16(const _Float16 *__restrict__ A,
                                                const _Float16 *__restrict__ B,
                                                const float *__restrict__ C,
                                                float *__restrict__ D, int K, int tiles) {
  int tile = (int)(global_x() / 64u);
  if (tile >= tiles)
    return;
  u32 l = lane_id();
  const _Float16 *a = A + (long)tile * 16 * K;
  const _Float16 *b = B + (long)tile * K * 16;
  const float *c = C + tile * 256;
  float *d = D + tile * 256;
  u32 col = l % 16u, grp = l / 16u;
  float4 acc;
  for (int r = 0; r < 4; ++r)
    acc[r] = c[(4 * grp + r) * 16 + col];
  for (int k0 = 0; k0 < K; k0 += 16) {
    half4 va, vb;
    for (int e = 0; e < 4; ++e) {
      int k = k0 + 4 * grp + e;
      va[e] = a[col * K + k];
      vb[e] = b[k * 16 + col];
    }
    acc = __builtin_amdgcn_mfma_f32_16x16x16f16(va, vb, acc, 0, 0, 0);
  }
  for (int r = 0; r < 4; ++r)
    d[(4 * grp + r) * 16 + col] = acc[r];
}
