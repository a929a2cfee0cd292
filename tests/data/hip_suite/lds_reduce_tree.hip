// Tree reduction in LDS (sum with wrap-around, and max) per work-group with a
// barrier per level; blockDim.x is a power of two read from the implicit args.
#include "common.h"

extern "C" __global__ void lds_reduce_tree(const u32 *__restrict__ in, u32 *__restrict__ sums,
                                           u32 *__restrict__ maxs, int n) {
  __shared__ u32 s[512];
  __shared__ u32 m[512];
  u32 t = thread_x();
  u32 bd = block_dim_x();
  int i = block_x() * bd + t;
  u32 v = i < n ? in[i] : 0u;
  s[t] = v;
  m[t] = v;
  __syncthreads();
  for (u32 stride = bd / 2; stride > 0; stride >>= 1) {
    if (t < stride) {
      s[t] += s[t + stride];
      u32 o = m[t + stride];
      m[t] = m[t] > o ? m[t] : o;
    }
    __syncthreads();
  }
  if (t == 0) {
    sums[block_x()] = s[0];
    maxs[block_x()] = m[0];
  }
}
