// Signed and unsigned 32-bit division and modulo by compile-time constants
// (magic-number multiply sequences, C truncating semantics).
#include "common.h"

extern "C" __global__ void int_div_const(const i32 *__restrict__ a, const u32 *__restrict__ b,
                                         i32 *__restrict__ sout, u32 *__restrict__ uout, int n) {
  int i = global_x();
  if (i >= n)
    return;
  i32 x = a[i];
  u32 y = b[i];
  i32 *s = sout + 8 * i;
  s[0] = x / 7;
  s[1] = x % 7;
  s[2] = x / -3;
  s[3] = x % -3;
  s[4] = x / 16;
  s[5] = x % 16;
  s[6] = x / 1000;
  s[7] = x % -1000;
  u32 *u = uout + 8 * i;
  u[0] = y / 7u;
  u[1] = y % 7u;
  u[2] = y / 10u;
  u[3] = y % 10u;
  u[4] = y / 0x12345u;
  u[5] = y % 0x12345u;
  u[6] = y / 0x80000001u;
  u[7] = y % 16u;
}
