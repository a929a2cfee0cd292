// ds_swizzle_b32 in bit-mask mode (and/or/xor on the lane id inside each
// group of 32) and quad-permute mode (offset bit 15). Full wavefronts.
#include "common.h"

#define SWZ_MASK(and_m, or_m, xor_m) ((and_m) | ((or_m) << 5) | ((xor_m) << 10))
#define SWZ_QUAD(a, b, c, d) (0x8000 | (a) | ((b) << 2) | ((c) << 4) | ((d) << 6))

extern "C" __global__ void xlane_swizzle(const u32 *__restrict__ in, u32 *__restrict__ out,
                                         int n) {
  int i = global_x();
  u32 v = i < n ? in[i] : 0x5a5a5a5au;
  u32 r0 = (u32)__builtin_amdgcn_ds_swizzle((int)v, SWZ_MASK(0x1f, 0, 1));    // swap pairs
  u32 r1 = (u32)__builtin_amdgcn_ds_swizzle((int)v, SWZ_MASK(0x18, 3, 0));    // and/or
  u32 r2 = (u32)__builtin_amdgcn_ds_swizzle((int)v, SWZ_MASK(0x1f, 0, 0x1f)); // reverse 32
  u32 r3 = (u32)__builtin_amdgcn_ds_swizzle((int)v, SWZ_QUAD(3, 2, 1, 0));
  u32 r4 = (u32)__builtin_amdgcn_ds_swizzle((int)v, SWZ_MASK(0, 5, 0));       // broadcast 5
  u32 r5 = (u32)__builtin_amdgcn_ds_swizzle((int)v, SWZ_QUAD(1, 1, 3, 0));
  u32 r6 = (u32)__builtin_amdgcn_ds_swizzle((int)v, SWZ_MASK(0x1c, 1, 6));
  if (i < n) {
    u32 *o = out + 7 * i;
    o[0] = r0;
    o[1] = r1;
    o[2] = r2;
    o[3] = r3;
    o[4] = r4;
    o[5] = r5;
    o[6] = r6;
  }
}
