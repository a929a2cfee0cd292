// Global atomic min/max: signed and unsigned, 32 and 64 bit, on shared bins
// (final values) and on per-lane slots (the returned old value is the slot's
// initial value).
#include "common.h"

extern "C" __global__ void atomic_minmax(const i32 *__restrict__ a, const i64 *__restrict__ la,
                                         i32 *__restrict__ smax, i32 *__restrict__ smin,
                                         u32 *__restrict__ umax, u32 *__restrict__ umin,
                                         i64 *__restrict__ lmax, u64 *__restrict__ lumin,
                                         i32 *__restrict__ slots, i32 *__restrict__ olds,
                                         int nbins, int n) {
  int i = global_x();
  if (i >= n)
    return;
  i32 x = a[i];
  i64 l = la[i];
  u32 k = (u32)i % (u32)nbins;
  __atomic_fetch_max(&smax[k], x, __ATOMIC_RELAXED);
  __atomic_fetch_min(&smin[k], x, __ATOMIC_RELAXED);
  __atomic_fetch_max(&umax[k], (u32)x, __ATOMIC_RELAXED);
  __atomic_fetch_min(&umin[k], (u32)x, __ATOMIC_RELAXED);
  __atomic_fetch_max(&lmax[k], l, __ATOMIC_RELAXED);
  __atomic_fetch_min(&lumin[k], (u64)l, __ATOMIC_RELAXED);
  olds[i] = __atomic_fetch_min(&slots[i], x, __ATOMIC_RELAXED);
}
