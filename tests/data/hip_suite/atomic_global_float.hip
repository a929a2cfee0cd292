// Global floating-point atomics: f32 add (global_atomic_add_f32 via the HIP
// builtin), f32 add through the C11-style builtin, f64 add
// (global_atomic_add_f64), and f32 max (compare-and-swap loop). Values are
// multiples of 1/8, so every summation order gives the exact same result.
#include "common.h"

extern "C" __global__ void atomic_global_float(const float *__restrict__ vals,
                                               const u32 *__restrict__ keys,
                                               float *__restrict__ fsum, float *__restrict__ fsum2,
                                               double *__restrict__ dsum, float *__restrict__ fmax,
                                               float *__restrict__ total, int nbins, int n) {
  int i = global_x();
  if (i >= n)
    return;
  float v = vals[i];
  u32 k = keys[i] % (u32)nbins;
  __hip_atomic_fetch_add(&fsum[k], v, __ATOMIC_RELAXED, __HIP_MEMORY_SCOPE_AGENT);
  __atomic_fetch_add(&fsum2[k], v * 2.0f, __ATOMIC_RELAXED);
  __hip_atomic_fetch_add(&dsum[k], (double)v * 0.5, __ATOMIC_RELAXED, __HIP_MEMORY_SCOPE_AGENT);
  __hip_atomic_fetch_max(&fmax[k], v, __ATOMIC_RELAXED, __HIP_MEMORY_SCOPE_AGENT);
  __hip_atomic_fetch_add(total, v, __ATOMIC_RELAXED, __HIP_MEMORY_SCOPE_AGENT); // one address
}
