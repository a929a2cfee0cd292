// Two more 16x16 MFMAs, one per kernel:
//  v_mfma_f32_16x16x4_f32 (K loop by 4): lane l holds A[l%16][k0 + l/16],
//    B[k0 + l/16][l%16];
//  v_mfma_i32_16x16x32_i8: lane l holds bytes A[l%16][8*(l/16) + e],
//    B[8*(l/16) + e][l%16].
// D register r in lane l holds D[4*(l/16) + r][l%16].
#include "common.h"

typedef float float4 __attribute__((ext_vector_type(4)));
typedef int int4v __attribute__((ext_vector_type(4)));

extern "C" __global__ void mfma_f32_16x16x4f32(const float *__restrict__ A,
                                               const float *__restrict__ B,
                                               const float *__restrict__ C,
                                               float *__restrict__ D, int K, int tiles) {
  int tile = (int)(global_x() / 64u);
  if (tile >= tiles)
    return;
  u32 l = lane_id();
  const float *a = A + (long)tile * 16 * K;
  const float *b = B + (long)tile * K * 16;
  const float *c = C + tile * 256;
  float *d = D + tile * 256;
  u32 col = l % 16u, grp = l / 16u;
  float4 acc;
  for (int r = 0; r < 4; ++r)
    acc[r] = c[(4 * grp + r) * 16 + col];
  for (int k0 = 0; k0 < K; k0 += 4) {
    int k = k0 + grp;
    acc = __builtin_amdgcn_mfma_f32_16x16x4f32(a[col * K + k], b[k * 16 + col], acc, 0, 0, 0);
  }
  for (int r = 0; r < 4; ++r)
    d[(4 * grp + r) * 16 + col] = acc[r];
}

extern "C" __global__ void mfma_i32_16x16x32_i8(const signed char *__restrict__ A,
                                                const signed char *__restrict__ B,
                                                const i32 *__restrict__ C, i32 *__restrict__ D,
                                                int tiles) {
  int tile = (int)(global_x() / 64u);
  if (tile >= tiles)
    return;
  u32 l = lane_id();
  const signed char *a = A + tile * 512;
  const signed char *b = B + tile * 512;
  const i32 *c = C + tile * 256;
  i32 *d = D + tile * 256;
  u32 col = l % 16u, grp = l / 16u;
  u64 va = 0, vb = 0;
  for (int e = 0; e < 8; ++e) {
    int k = 8 * grp + e;
    va |= (u64)(unsigned char)a[col * 32 + k] << (8 * e);
    vb |= (u64)(unsigned char)b[k * 16 + col] << (8 * e);
  }
  int4v acc;
  for (int r = 0; r < 4; ++r)
    acc[r] = c[(4 * grp + r) * 16 + col];
  acc = __builtin_amdgcn_mfma_i32_16x16x32_i8((long)va, (long)vb, acc, 0, 0, 0);
  for (int r = 0; r < 4; ++r)
    d[(4 * grp + r) * 16 + col] = acc[r];
}
