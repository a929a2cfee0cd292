// Bit counting: popcount (32/64), count leading/trailing zeros with the zero
// case defined by the kernel, bit reverse, find-first-set, leading sign bits.
#include "common.h"

extern "C" __global__ void bits_count(const u32 *__restrict__ a, const u64 *__restrict__ w,
                                      i32 *__restrict__ out, u32 *__restrict__ rev, int n) {
  int i = global_x();
  if (i >= n)
    return;
  u32 x = a[i];
  u64 q = w[i];
  i32 *o = out + 9 * i;
  o[0] = __builtin_popcount(x);
  o[1] = __builtin_popcountll(q);
  o[2] = x ? __builtin_clz(x) : 32;
  o[3] = x ? __builtin_ctz(x) : 32;
  o[4] = q ? __builtin_clzll(q) : 64;
  o[5] = q ? __builtin_ctzll(q) : 64;
  o[6] = __builtin_ffs((i32)x);
  o[7] = __builtin_clrsb((i32)x);
  o[8] = __builtin_parity(x);
  rev[i] = __builtin_bitreverse32(x);
}
