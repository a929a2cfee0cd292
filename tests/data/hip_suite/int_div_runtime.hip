// Signed and unsigned 32-bit division and modulo by per-lane runtime divisors
// (the compiler's reciprocal-based expansion). 4 results per element.
#include "common.h"

extern "C" __global__ void int_div_runtime(const i32 *__restrict__ a, const i32 *__restrict__ d,
                                           i32 *__restrict__ out, int n) {
  int i = global_x();
  if (i >= n)
    return;
  i32 x = a[i], y = d[i]; // y != 0 and never (INT_MIN, -1)
  u32 ux = (u32)x, uy = (u32)y;
  i32 *o = out + 4 * i;
  o[0] = x / y;
  o[1] = x % y;
  o[2] = (i32)(ux / uy);
  o[3] = (i32)(ux % uy);
}
