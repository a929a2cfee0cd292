// Divergent control flow on lane data: nested if/else, a switch, and a
// short-circuit condition with side effects in both arms (exec-mask save,
// restore and skip).
#include "common.h"

__device__ static u32 mix(u32 v) {
  v ^= v >> 13;
  v *= 0x5bd1e995u;
  return v ^ (v >> 15);
}

extern "C" __global__ void branch_divergent(const u32 *__restrict__ a, u32 *__restrict__ out,
                                            u32 *__restrict__ side, int n) {
  int i = global_x();
  if (i >= n)
    return;
  u32 x = a[i];
  u32 r;
  if (x & 1) {
    if (x & 2)
      r = mix(x);
    else
      r = x * 3u + 1u;
  } else {
    if ((x >> 2) % 3u == 0u) {
      r = x >> 1;
      side[i] = r ^ 0xabcdu;
    } else {
      r = ~x;
    }
  }
  switch ((x >> 4) & 7u) {
  case 0:
    r += 100u;
    break;
  case 1:
  case 2:
    r ^= 0xffff0000u;
    break;
  case 5:
    r = mix(r);
    /* fallthrough */
  case 6:
    r -= x;
    break;
  default:
    r = r * 7u;
  }
  out[i] = r;
}
