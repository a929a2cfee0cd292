// Global integer atomics: histogram adds (no return), a shared counter whose
// returned old values (tickets) are recorded as bits, and/or/xor, a
// compare-and-swap loop, and exchange on per-lane slots (returns old value).
// All final memory states are independent of the order of the atomics.
#include "common.h"

extern "C" __global__ void atomic_global_int(const u32 *__restrict__ keys, u32 *__restrict__ hist,
                                             u32 *__restrict__ counter, u32 *__restrict__ seen,
                                             u32 *__restrict__ bits, u32 *__restrict__ slots,
                                             u32 *__restrict__ olds, int nbins, int n) {
  int i = global_x();
  if (i >= n)
    return;
  u32 key = keys[i];
  u32 k = key % (u32)nbins;
  __atomic_fetch_add(&hist[k], 1u, __ATOMIC_RELAXED);
  u32 ticket = __atomic_fetch_add(counter, 1u, __ATOMIC_RELAXED); // returns the old value
  __atomic_fetch_or(&seen[ticket >> 5], 1u << (ticket & 31u), __ATOMIC_RELAXED);
  __atomic_fetch_or(&bits[k & 7u], 1u << (key >> 27), __ATOMIC_RELAXED);
  __atomic_fetch_and(&bits[8 + (k & 7u)], ~(1u << (key & 31u)), __ATOMIC_RELAXED);
  __atomic_fetch_xor(&bits[16], key, __ATOMIC_RELAXED);
  if ((key & 7u) == 0u) { // CAS loop on one address by about 1/8 of the lanes
    u32 cur = __atomic_load_n(&bits[17], __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(&bits[17], &cur, cur + (k | 1u), false, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED)) {
    }
  }
  olds[i] = __atomic_exchange_n(&slots[i], key ^ 0xffffu, __ATOMIC_RELAXED);
}
