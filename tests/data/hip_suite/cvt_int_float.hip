// Conversions between integers and floats as C defines them: int -> float
// rounds to nearest even, float -> int truncates toward zero (inputs are in
// range), plus f32 <-> f64 and 64-bit integer conversions.
#include "common.h"

extern "C" __global__ void cvt_int_float(const i32 *__restrict__ iv, const i64 *__restrict__ lv,
                                         const float *__restrict__ fv,
                                         const double *__restrict__ dv, float *__restrict__ of,
                                         i32 *__restrict__ oi, double *__restrict__ od,
                                         i64 *__restrict__ ol, int n) {
  int i = global_x();
  if (i >= n)
    return;
  i32 x = iv[i];
  i64 l = lv[i];
  float f = fv[i];   // |f| < 2^31
  double d = dv[i];  // |d| < 2^31
  float *pf = of + 6 * i;
  pf[0] = (float)x;
  pf[1] = (float)(u32)x;
  pf[2] = (float)l;
  pf[3] = (float)(u64)l;
  pf[4] = (float)d;
  pf[5] = (float)(unsigned short)x + (float)(signed char)x;
  i32 *pi = oi + 6 * i;
  pi[0] = (i32)f;
  pi[1] = (i32)(u32)__builtin_fabsf(f);
  pi[2] = (i32)d;
  pi[3] = (i32)(u32)__builtin_fabs(d);
  pi[4] = (i32)(short)(f * 1e-5f);
  pi[5] = (i32)(unsigned char)(__builtin_fabsf(f) * 1e-7f);
  double *pd = od + 4 * i;
  pd[0] = (double)x;
  pd[1] = (double)(u32)x;
  pd[2] = (double)f;
  pd[3] = (double)l;
  i64 *pl = ol + 3 * i;
  pl[0] = (i64)(f * 4096.0f);
  pl[1] = (i64)(u64)(__builtin_fabs(d) * 1048576.0);
  pl[2] = (i64)(d * -3.0);
}
