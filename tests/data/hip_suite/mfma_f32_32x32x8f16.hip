// v_mfma_f32_32x32x8_f16, one 32x32 tile per wavefront, looping over K in
// steps of 8 (accumulator chained through the MFMA). A: tiles x 32 x K,
// B: tiles x K x 32 (f16, row-major), C, D: tiles x 32 x 32 (f32).
// Layout (lane l, element e of the 4-wide operand): A[l%32][k0 + 4*(l/32) + e],
// B[k0 + 4*(l/32) + e][l%32]; D register r in lane l holds
// D[8*(r/4) + 4*(l/32) + r%4][l%32].
#include "common.h"

typedef _Float16 half4 __attribute__((ext_vector_type(4)));
typedef float float16 __attribute__((ext_vector_type(16)));

extern "C" __global__ void mfma_f32_32x32x8f16(const _Float16 *__restrict__ A,
                                               const _Float16 *__restrict__ B,
                                               const float *__restrict__ C,
                                               float *__restrict__ D, int K, int tiles) {
  int tile = (int)(global_x() / 64u);
  if (tile >= tiles)
    return;
  u32 l = lane_id();
  const _Float16 *a = A + (long)tile * 32 * K;
  const _Float16 *b = B + (long)tile * K * 32;
  const float *c = C + tile * 1024;
  float *d = D + tile * 1024;
  u32 col = l % 32u, grp = l / 32u;
  float16 acc;
  for (int r = 0; r < 16; ++r)
    acc[r] = c[(8 * (r / 4) + 4 * grp + r % 4) * 32 + col];
  for (int k0 = 0; k0 < K; k0 += 8) {
    half4 va, vb;
    for (int e = 0; e < 4; ++e) {
      int k = k0 + 4 * grp + e;
      va[e] = a[col * K + k];
      vb[e] = b[k * 32 + col];
    }
    acc = __builtin_amdgcn_mfma_f32_32x32x8f16(va, vb, acc, 0, 0, 0);
  }
  for (int r = 0; r < 16; ++r)
    d[(8 * (r / 4) + 4 * grp + r % 4) * 32 + col] = acc[r];
}
