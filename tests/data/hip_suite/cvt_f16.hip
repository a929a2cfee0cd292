// _Float16: f32 -> f16 (round to nearest even, overflow to inf, f16
// denormals), f16 -> f32, f64 -> f16 (single rounding), f16 arithmetic and
// packed half2 arithmetic (v_pk_*_f16).
#include "common.h"

typedef _Float16 half2 __attribute__((ext_vector_type(2)));

extern "C" __global__ void cvt_f16(const float *__restrict__ fin, const double *__restrict__ din,
                                   const _Float16 *__restrict__ hin,
                                   _Float16 *__restrict__ hout, float *__restrict__ fout,
                                   int n) {
  int i = global_x();
  if (i >= n)
    return;
  float f = fin[i];
  double d = din[i];
  _Float16 a = hin[3 * i], b = hin[3 * i + 1], c = hin[3 * i + 2];
  _Float16 *h = hout + 8 * i;
  h[0] = (_Float16)f;
  h[1] = (_Float16)d;
  h[2] = a + b;
  h[3] = a * b;
  h[4] = __builtin_fmaf16(a, b, c);
  half2 p = {a, b}, q = {c, a};
  half2 r = p * q + p; // v_pk_mul_f16 then v_pk_add_f16 (no contraction)
  h[5] = r.x;
  h[6] = r.y;
  h[7] = a - c;
  float *o = fout + 2 * i;
  o[0] = (float)a;
  o[1] = (float)b * (float)c;
}
