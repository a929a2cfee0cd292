// f32 rounding (floor, ceil, trunc, rint, round-half-away), fminf/fmaxf with
// quiet NaNs, ldexp, frexp and copysign. 11 float results + 1 int per element.
#include "common.h"

extern "C" __global__ void f32_round_minmax(const float *__restrict__ a,
                                            const float *__restrict__ b,
                                            const int *__restrict__ k, float *__restrict__ out,
                                            int *__restrict__ exps, int n) {
  int i = global_x();
  if (i >= n)
    return;
  float x = a[i], y = b[i];
  float *o = out + 11 * i;
  o[0] = __builtin_floorf(x);
  o[1] = __builtin_ceilf(x);
  o[2] = __builtin_truncf(x);
  o[3] = __builtin_rintf(x);
  o[4] = __builtin_roundf(x);
  o[5] = __builtin_fminf(x, y);
  o[6] = __builtin_fmaxf(x, y);
  o[7] = x - __builtin_floorf(x);
  o[8] = __builtin_ldexpf(x, k[i]);
  int e;
  o[9] = __builtin_frexpf(x, &e);
  exps[i] = e;
  o[10] = __builtin_copysignf(y, x);
}
