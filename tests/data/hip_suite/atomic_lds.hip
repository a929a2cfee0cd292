// LDS atomics per work-group: histogram (ds_add_u32), a counter whose returned
// old values are recorded as bits (ds_add_rtn + ds_or), f32 add (ds_add_f32)
// and max (ds_max_u32); results copied out after a barrier.
#include "common.h"

#define NB 32

extern "C" __global__ void atomic_lds(const u32 *__restrict__ keys, const float *__restrict__ vals,
                                      u32 *__restrict__ hist, float *__restrict__ fsums,
                                      u32 *__restrict__ seen, u32 *__restrict__ maxs, int n) {
  __shared__ u32 h[NB];
  __shared__ float fs[NB];
  __shared__ u32 sn[8];
  __shared__ u32 cnt;
  __shared__ u32 mx;
  u32 t = thread_x();
  u32 bd = block_dim_x();
  u32 b = block_x();
  for (u32 j = t; j < NB; j += bd) {
    h[j] = 0u;
    fs[j] = 0.0f;
  }
  if (t < 8u)
    sn[t] = 0u;
  if (t == 0u) {
    cnt = 0u;
    mx = 0u;
  }
  __syncthreads();
  int i = b * bd + t;
  if (i < n) {
    u32 key = keys[i];
    u32 k = key % NB;
    __atomic_fetch_add(&h[k], 1u, __ATOMIC_RELAXED);
    __hip_atomic_fetch_add(&fs[k], vals[i], __ATOMIC_RELAXED, __HIP_MEMORY_SCOPE_WORKGROUP);
    u32 ticket = __atomic_fetch_add(&cnt, 1u, __ATOMIC_RELAXED);
    __atomic_fetch_or(&sn[ticket >> 5], 1u << (ticket & 31u), __ATOMIC_RELAXED);
    __atomic_fetch_max(&mx, key, __ATOMIC_RELAXED);
  }
  __syncthreads();
  for (u32 j = t; j < NB; j += bd) {
    hist[b * NB + j] = h[j];
    fsums[b * NB + j] = fs[j];
  }
  if (t < 8u)
    seen[b * 8 + t] = sn[t];
  if (t == 0u)
    maxs[b] = mx;
}
