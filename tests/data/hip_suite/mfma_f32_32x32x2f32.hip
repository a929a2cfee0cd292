// v_mfma_f32_32x32x2_f32, K loop in steps of 2: lane l holds A[l%32][k0 + l/32]
// and B[k0 + l/32][l%32]; D register r in lane l holds
// D[8*(r/4) + 4*(l/32) + r%4][l%32].
#include "common.h"

typedef float float16 __attribute__((ext_vector_type(16)));

extern "C" __global__ void mfma_f32_32x32x2f32(const float *__restrict__ A,
                                               const float *__restrict__ B,
                                               const float *__restrict__ C,
                                               float *__restrict__ D, int K, int tiles) {
  int tile = (int)(global_x() / 64u);
  if (tile >= tiles)
    return;
  u32 l = lane_id();
  const float *a = A + (long)tile * 32 * K;
  const float *b = B + (long)tile * K * 32;
  const float *c = C + tile * 1024;
  float *d = D + tile * 1024;
  u32 col = l % 32u, grp = l / 32u;
  float16 acc;
  for (int r = 0; r < 16; ++r)
    acc[r] = c[(8 * (r / 4) + 4 * grp + r % 4) * 32 + col];
  for (int k0 = 0; k0 < K; k0 += 2) {
    int k = k0 + grp;
    acc = __builtin_amdgcn_mfma_f32_32x32x2f32(a[col * K + k], b[k * 32 + col], acc, 0, 0, 0);
  }
  for (int r = 0; r < 16; ++r)
    d[(8 * (r / 4) + 4 * grp + r % 4) * 32 + col] = acc[r];
}
