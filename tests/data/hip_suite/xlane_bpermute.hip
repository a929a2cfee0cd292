// ds_bpermute (pull from any lane; the byte address wraps modulo 64 lanes)
// and ds_permute (push to a bijective lane map) across a 64-lane wavefront.
// Block sizes are multiples of 64; lanes past n carry a sentinel value.
#include "common.h"

extern "C" __global__ void xlane_bpermute(const u32 *__restrict__ in, const u32 *__restrict__ idx,
                                          u32 *__restrict__ out, u32 mul, u32 add, int n) {
  int i = global_x();
  u32 lane = lane_id();
  u32 v = i < n ? in[i] : 0xdeadbeefu;
  u32 k = i < n ? idx[i] : lane;
  u32 pulled = (u32)__builtin_amdgcn_ds_bpermute((int)((k & 127u) << 2), (int)v);
  u32 dst = (lane * (mul | 1u) + add) & 63u; // odd multiplier: a bijection on 0..63
  u32 pushed = (u32)__builtin_amdgcn_ds_permute((int)(dst << 2), (int)(v ^ lane));
  u32 rot = (u32)__builtin_amdgcn_ds_bpermute((int)(((lane + 1u) & 63u) << 2), (int)v);
  if (i < n) {
    out[3 * i + 0] = pulled;
    out[3 * i + 1] = pushed;
    out[3 * i + 2] = rot;
  }
}
