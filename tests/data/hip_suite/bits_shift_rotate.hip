// Shifts by runtime amounts (logical/arithmetic, 32 and 64 bit), rotates
// (alignbit), funnel shifts and shift-and-add patterns. 10 results per element.
#include "common.h"

extern "C" __global__ void bits_shift_rotate(const u32 *__restrict__ a, const u32 *__restrict__ s,
                                             const u64 *__restrict__ w, u32 *__restrict__ out,
                                             u64 *__restrict__ wout, int n) {
  int i = global_x();
  if (i >= n)
    return;
  u32 x = a[i], k = s[i] & 31, k2 = (s[i] >> 8) & 31;
  u64 q = w[i];
  u32 *o = out + 7 * i;
  o[0] = x << k;
  o[1] = x >> k;
  o[2] = (u32)((i32)x >> k);
  o[3] = __builtin_rotateleft32(x, k);
  o[4] = __builtin_rotateright32(x, k2);
  o[5] = (u32)((((u64)x << 32) | s[i]) >> k);  // funnel shift right
  o[6] = (x << 3) + (x >> 29) + (x << k2);
  u64 *p = wout + 3 * i;
  u32 k6 = s[i] & 63;
  p[0] = q << k6;
  p[1] = q >> k6;
  p[2] = __builtin_rotateleft64(q, k6);
}
