// Bit-field extract (C shift/mask patterns and the amdgcn ubfe/sbfe builtins,
// runtime offset/width), bit-field insert, bit select (v_bfi_b32), byte
// permutes (v_perm_b32 through the builtin and bswap), alignbyte.
// 12 results per element.
#include "common.h"

extern "C" __global__ void bits_field(const u32 *__restrict__ a, const u32 *__restrict__ b,
                                      const u32 *__restrict__ ctl, u32 *__restrict__ out, int n) {
  int i = global_x();
  if (i >= n)
    return;
  u32 x = a[i], y = b[i], c = ctl[i];
  u32 off = c & 15, width = ((c >> 4) & 15) + 1; // 1 <= width, off + width <= 31
  u32 mask = (1u << width) - 1u;
  u32 *o = out + 12 * i;
  o[0] = (x >> off) & mask;                                       // unsigned extract
  o[1] = (u32)(((i32)(x << (32 - off - width))) >> (32 - width)); // signed extract
  o[2] = (x & ~(mask << off)) | ((y & mask) << off);              // insert
  o[3] = (x & c) | (y & ~c);                                      // bit select
  o[4] = __builtin_amdgcn_perm(x, y, c & 0x0f0f0f0fu);            // selectors 0..15
  o[5] = __builtin_bswap32(x);
  o[6] = __builtin_amdgcn_alignbyte(x, y, c & 3);
  o[7] = __builtin_amdgcn_ubfe(x, off, width);
  o[8] = (u32)__builtin_amdgcn_sbfe((i32)x, off, width);
  o[9] = (u32)(((i32)(x << 8)) >> 20);                            // constant signed field
  o[10] = (x >> 8) & 0xffu;                                       // constant field
  o[11] = ((x & 0xffu) << 24) | ((y >> 24) << 16) | (x >> 16 & 0xffffu);
}
