// Division and modulo by wave-uniform divisors passed as kernel arguments
// (scalar kernarg loads, divisor set-up shared by all lanes).
#include "common.h"

extern "C" __global__ void int_div_uniform(const u32 *__restrict__ a, u32 *__restrict__ out,
                                           u32 ud, int sd, int n) {
  int i = global_x();
  if (i >= n)
    return;
  u32 x = a[i];
  u32 *o = out + 4 * i;
  o[0] = x / ud;
  o[1] = x % ud;
  o[2] = (u32)((i32)x / sd);
  o[3] = (u32)((i32)x % sd);
}
