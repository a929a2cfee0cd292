// 64-bit integer arithmetic: add/sub/mul with wrap-around, 128-bit high
// product, 64-bit shifts, min/max, sign extension and 32x32->64 multiply-add.
#include "common.h"

extern "C" __global__ void int64_arith(const u64 *__restrict__ a, const u64 *__restrict__ b,
                                       u64 *__restrict__ out, int n) {
  int i = global_x();
  if (i >= n)
    return;
  u64 x = a[i], y = b[i];
  u64 *o = out + 12 * i;
  o[0] = x + y;
  o[1] = x - y;
  o[2] = x * y;
  o[3] = (u64)(((unsigned __int128)x * y) >> 64);
  o[4] = x << (y & 63);
  o[5] = x >> (y & 63);
  o[6] = (u64)((i64)x >> (y & 63));
  o[7] = x < y ? x : y;
  o[8] = (i64)x > (i64)y ? x : y;
  o[9] = (u64)(i64)(i32)(u32)x;
  o[10] = (u64)(u32)x * (u32)y + (y >> 32);
  o[11] = (u64)((i64)(i32)(u32)x * (i64)(i32)(u32)y);
}
