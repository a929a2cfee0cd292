// Per-lane early returns at several points (some lanes store before
// returning, some never store), and a loop with break/continue.
#include "common.h"

extern "C" __global__ void early_return(const i32 *__restrict__ a, i32 *__restrict__ out,
                                        i32 *__restrict__ flag, int n) {
  int i = global_x();
  if (i >= n)
    return;
  i32 x = a[i];
  if (x < -500)
    return; // out[i] keeps its initial value
  if (x < 0) {
    out[i] = -x;
    return;
  }
  flag[i] = 1;
  i32 acc = 0;
  for (i32 k = 0; k < 64; ++k) {
    if (((x >> (k & 15)) & 1) == 0)
      continue;
    acc += k * x;
    if (acc > 20000)
      break;
  }
  if (acc == 0)
    return;
  out[i] = acc;
}
