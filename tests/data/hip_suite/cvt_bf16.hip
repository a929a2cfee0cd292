// __bf16: f32 -> bf16 (round to nearest even; gfx942 has no native
// instruction, so this is an integer rounding sequence), bf16 -> f32
// (shift), bf16 arithmetic done in f32 and rounded back.
#include "common.h"

extern "C" __global__ void cvt_bf16(const float *__restrict__ fin, const __bf16 *__restrict__ bin,
                                    __bf16 *__restrict__ bout, float *__restrict__ fout, int n) {
  int i = global_x();
  if (i >= n)
    return;
  float f = fin[i];
  __bf16 a = bin[2 * i], b = bin[2 * i + 1];
  __bf16 *h = bout + 4 * i;
  h[0] = (__bf16)f;
  h[1] = (__bf16)((float)a + (float)b);
  h[2] = (__bf16)((float)a * (float)b);
  h[3] = (__bf16)(f * 3.0f);
  float *o = fout + 2 * i;
  o[0] = (float)a;
  o[1] = (float)a - (float)b;
}
