// Loops whose trip counts depend on lane data: Collatz steps (bounded),
// Euclid's gcd (divergent modulo loop), and a bit-serial loop.
#include "common.h"

extern "C" __global__ void loop_data_dependent(const u32 *__restrict__ a, const u32 *__restrict__ b,
                                               u32 *__restrict__ out, int n) {
  int i = global_x();
  if (i >= n)
    return;
  u32 x = a[i], y = b[i];
  u32 steps = 0;
  u32 c = x % 1000u + 1u;
  while (c != 1u && steps < 200u) {
    c = (c & 1u) ? 3u * c + 1u : c >> 1;
    ++steps;
  }
  u32 g0 = x % 100000u + 1u, g1 = y % 100000u + 1u;
  while (g1 != 0u) {
    u32 t = g0 % g1;
    g0 = g1;
    g1 = t;
  }
  u32 acc = 0;
  for (u32 v = y; v != 0u; v >>= 2)
    acc = acc * 3u + (v & 3u);
  out[3 * i + 0] = steps;
  out[3 * i + 1] = g0;
  out[3 * i + 2] = acc;
}
