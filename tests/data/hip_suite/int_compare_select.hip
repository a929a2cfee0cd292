// Integer comparisons (signed/unsigned, 32/64-bit, eq/ne/lt/le/gt/ge), boolean
// logic on the results and select chains. One u32 mask and one value per element.
#include "common.h"

extern "C" __global__ void int_compare_select(const i32 *__restrict__ a, const i32 *__restrict__ b,
                                              const i64 *__restrict__ la,
                                              const i64 *__restrict__ lb,
                                              u32 *__restrict__ mask, u32 *__restrict__ val,
                                              int n) {
  int i = global_x();
  if (i >= n)
    return;
  i32 x = a[i], y = b[i];
  i64 p = la[i], q = lb[i];
  u32 m = 0;
  m |= (u32)(x < y) << 0;
  m |= (u32)(x <= y) << 1;
  m |= (u32)(x > y) << 2;
  m |= (u32)(x >= y) << 3;
  m |= (u32)(x == y) << 4;
  m |= (u32)(x != y) << 5;
  m |= (u32)((u32)x < (u32)y) << 6;
  m |= (u32)((u32)x >= (u32)y) << 7;
  m |= (u32)(p < q) << 8;
  m |= (u32)(p == q) << 9;
  m |= (u32)((u64)p > (u64)q) << 10;
  m |= (u32)((x < 0) ^ (y > 100)) << 11;
  m |= (u32)((x & 1) && (y & 2)) << 12;
  m |= (u32)((x == 0) || (u32)y > 0x80000000u) << 13;
  mask[i] = m;
  u32 r = x < y ? (u32)y - (u32)(x >> 1) : (u32)(x ^ y);
  r = (p > q) ? r + 5u : r;
  r = ((u32)x > 7u && x != y) ? r : ~r;
  val[i] = r;
}
