// Signed/unsigned min, max, abs, clamps (med3) and saturating add/sub
// (VOP3 clamp bit). 10 results per element.
#include "common.h"

extern "C" __global__ void int_minmax_abs(const i32 *__restrict__ a, const i32 *__restrict__ b,
                                          i32 *__restrict__ out, int n) {
  int i = global_x();
  if (i >= n)
    return;
  i32 x = a[i], y = b[i];
  u32 ux = (u32)x, uy = (u32)y;
  i32 *o = out + 10 * i;
  o[0] = x < y ? x : y;
  o[1] = x > y ? x : y;
  o[2] = (i32)(ux < uy ? ux : uy);
  o[3] = (i32)(ux > uy ? ux : uy);
  o[4] = __builtin_abs(x); // inputs never INT_MIN
  i32 lo = x > -1000 ? x : -1000;
  o[5] = lo < 1000 ? lo : 1000; // signed clamp
  u32 ulo = ux > 100u ? ux : 100u;
  o[6] = (i32)(ulo < 0x80000000u ? ulo : 0x80000000u); // unsigned clamp
  o[7] = (i32)__builtin_elementwise_add_sat(ux, uy);
  o[8] = __builtin_elementwise_add_sat(x, y);
  o[9] = (i32)__builtin_elementwise_sub_sat(ux, uy);
}
