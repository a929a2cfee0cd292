// 32-bit unsigned arithmetic with wrap-around: add, sub, mul lo/hi (signed and
// unsigned), 24-bit multiplies and multiply-add. 8 results per element.
#include "common.h"

extern "C" __global__ void int_arith32(const u32 *__restrict__ a, const u32 *__restrict__ b,
                                       u32 *__restrict__ out, int n) {
  int i = global_x();
  if (i >= n)
    return;
  u32 x = a[i], y = b[i];
  u32 *o = out + 8 * i;
  o[0] = x + y;
  o[1] = x - y;
  o[2] = x * y;
  o[3] = (u32)(((u64)x * y) >> 32);               // mul hi unsigned
  o[4] = (u32)(((i64)(i32)x * (i32)y) >> 32);     // mul hi signed
  o[5] = (x & 0xffffffu) * (y & 0xffffffu);       // 24-bit multiply (low 32 bits)
  o[6] = x * 0x9e3779b9u + (y ^ 0x5bd1e995u);     // multiply-add
  o[7] = (u32)(((u64)(x & 0xffffffu) * (y & 0xffffffu)) >> 32); // 24-bit mul hi
}
