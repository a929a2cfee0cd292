// v_mfma_i32_32x32x16_i8: D = A(32x16 i8) * B(16x32 i8) + C (i32, exact).
// Lane l holds the 8 bytes A[l%32][8*(l/32) + e] (e = byte 0..7 of the 64-bit
// operand) and B[8*(l/32) + e][l%32]; D layout as for the 32x32 f32 MFMAs.
#include "common.h"

typedef int int16v __attribute__((ext_vector_type(16)));

extern "C" __global__ void mfma_i32_32x32x16_i8(const signed char *__restrict__ A,
                                                const signed char *__restrict__ B,
                                                const i32 *__restrict__ C, i32 *__restrict__ D,
                                                int tiles) {
  int tile = (int)(global_x() / 64u);
  if (tile >= tiles)
    return;
  u32 l = lane_id();
  const signed char *a = A + tile * 512;
  const signed char *b = B + tile * 512;
  const i32 *c = C + tile * 1024;
  i32 *d = D + tile * 1024;
  u32 col = l % 32u, grp = l / 32u;
  u64 va = 0, vb = 0;
  for (int e = 0; e < 8; ++e) {
    int k = 8 * grp + e;
    va |= (u64)(unsigned char)a[col * 16 + k] << (8 * e);
    vb |= (u64)(unsigned char)b[k * 32 + col] << (8 * e);
  }
  int16v acc;
  for (int r = 0; r < 16; ++r)
    acc[r] = c[(8 * (r / 4) + 4 * grp + r % 4) * 32 + col];
  acc = __builtin_amdgcn_mfma_i32_32x32x16_i8((long)va, (long)vb, acc, 0, 0, 0);
  for (int r = 0; r < 16; ++r)
    d[(8 * (r / 4) + 4 * grp + r % 4) * 32 + col] = acc[r];
}
