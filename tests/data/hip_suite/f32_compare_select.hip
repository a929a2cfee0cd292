// f32 comparisons including NaN operands (ordered/unordered predicates),
// classification (isnan/isinf/isfinite/isnormal/signbit -> v_cmp_class) and
// selects. One u32 bitmask and one selected float per element.
#include "common.h"

extern "C" __global__ void f32_compare_select(const float *__restrict__ a,
                                              const float *__restrict__ b,
                                              u32 *__restrict__ mask, float *__restrict__ sel,
                                              int n) {
  int i = global_x();
  if (i >= n)
    return;
  float x = a[i], y = b[i];
  u32 m = 0;
  m |= (u32)(x < y) << 0;
  m |= (u32)(x <= y) << 1;
  m |= (u32)(x > y) << 2;
  m |= (u32)(x >= y) << 3;
  m |= (u32)(x == y) << 4;
  m |= (u32)(x != y) << 5;
  m |= (u32)!(x < y) << 6;
  m |= (u32)__builtin_isunordered(x, y) << 7;
  m |= (u32)__builtin_isnan(x) << 8;
  m |= (u32)__builtin_isinf(x) << 9;
  m |= (u32)__builtin_isfinite(x) << 10;
  m |= (u32)__builtin_isnormal(x) << 11;
  m |= (u32)__builtin_signbit(x) << 12;
  m |= (u32)(x == 0.0f) << 13;
  m |= (u32)__builtin_islessgreater(x, y) << 14;
  mask[i] = m;
  float s;
  if (x < y)
    s = x * 2.0f;
  else if (x == y)
    s = 1.5f;
  else
    s = y - 1.0f;
  sel[i] = (x != x) ? -7.0f : s;
}
