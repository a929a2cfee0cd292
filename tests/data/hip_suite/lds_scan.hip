// Inclusive prefix sum per work-group (Hillis-Steele, double-buffered in
// LDS, two barriers per step) plus a vectorised 64-bit LDS round trip.
#include "common.h"

typedef u32 uint2v __attribute__((ext_vector_type(2)));

extern "C" __global__ void lds_scan(const u32 *__restrict__ in, u32 *__restrict__ out,
                                    uint2v *__restrict__ pairs, int n) {
  __shared__ u32 buf[2][256];
  __shared__ uint2v pbuf[256];
  u32 t = thread_x();
  u32 bd = block_dim_x();
  int i = block_x() * bd + t;
  u32 v = i < n ? in[i] : 0u;
  int cur = 0;
  buf[0][t] = v;
  pbuf[t] = (uint2v){v, ~v};
  __syncthreads();
  for (u32 off = 1; off < bd; off <<= 1) {
    u32 x = buf[cur][t];
    if (t >= off)
      x += buf[cur][t - off];
    buf[cur ^ 1][t] = x;
    cur ^= 1;
    __syncthreads();
  }
  if (i < n) {
    out[i] = buf[cur][t];
    pairs[i] = pbuf[bd - 1 - t];
  }
}
