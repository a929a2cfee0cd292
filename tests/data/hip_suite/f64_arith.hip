// f64 arithmetic: + - * / (div_scale/div_fmas/div_fixup), fma, sqrt,
// floor/trunc/rint, fmin/fmax, ldexp. 11 results per element.
#include "common.h"

extern "C" __global__ void f64_arith(const double *__restrict__ a, const double *__restrict__ b,
                                     const double *__restrict__ c, double *__restrict__ out,
                                     int n) {
  int i = global_x();
  if (i >= n)
    return;
  double x = a[i], y = b[i], z = c[i];
  double *o = out + 11 * i;
  o[0] = x + y;
  o[1] = x - y;
  o[2] = x * y;
  o[3] = x / y;
  o[4] = __builtin_fma(x, y, z);
  o[5] = __builtin_sqrt(__builtin_fabs(x));
  o[6] = __builtin_floor(x);
  o[7] = __builtin_trunc(x);
  o[8] = __builtin_rint(x);
  o[9] = __builtin_fmin(x, y) + __builtin_fmax(y, z);
  o[10] = __builtin_ldexp(x, (int)(i % 41) - 20);
}
