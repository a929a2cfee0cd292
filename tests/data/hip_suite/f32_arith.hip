// f32 arithmetic in IEEE mode, denormals kept: + - * / (correctly rounded
// division sequence), fma, sqrt (correctly rounded), neg/abs source
// modifiers. 10 results per element.
#include "common.h"

extern "C" __global__ void f32_arith(const float *__restrict__ a, const float *__restrict__ b,
                                     const float *__restrict__ c, float *__restrict__ out,
                                     int n) {
  int i = global_x();
  if (i >= n)
    return;
  float x = a[i], y = b[i], z = c[i];
  float *o = out + 10 * i;
  o[0] = x + y;
  o[1] = x - y;
  o[2] = x * y;
  o[3] = x / y;
  o[4] = __builtin_fmaf(x, y, z);
  o[5] = __builtin_sqrtf(__builtin_fabsf(x));
  o[6] = -x * y + z;                       // separately rounded (no contraction)
  o[7] = __builtin_fmaf(-x, __builtin_fabsf(y), -z);
  o[8] = __builtin_fabsf(x) * -y;
  o[9] = (x + y) * 0.5f - z * 3.0f;
}
