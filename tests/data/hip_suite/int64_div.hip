// 64-bit division and modulo, signed and unsigned, by runtime divisors
// (both the 32-bit fast path and the full 64-bit expansion) and constants.
#include "common.h"

extern "C" __global__ void int64_div(const u64 *__restrict__ a, const u64 *__restrict__ d,
                                     u64 *__restrict__ out, int n) {
  int i = global_x();
  if (i >= n)
    return;
  u64 x = a[i], y = d[i]; // y != 0; never (INT64_MIN, -1) as signed
  u64 *o = out + 6 * i;
  o[0] = x / y;
  o[1] = x % y;
  o[2] = (u64)((i64)x / (i64)y);
  o[3] = (u64)((i64)x % (i64)y);
  o[4] = x / 1000000007ull;
  o[5] = (u64)((i64)x % -12345ll);
}
