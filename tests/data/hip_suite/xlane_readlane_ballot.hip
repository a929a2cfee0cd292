// Scalar reads of lanes (readfirstlane on uniform and divergent paths,
// readlane with a constant and a uniform runtime lane), 64-bit
// ballots (also inside a divergent branch) and mbcnt prefix counts.
#include "common.h"

extern "C" __global__ void xlane_readlane_ballot(const u32 *__restrict__ in, u32 *__restrict__ out,
                                                 u64 *__restrict__ ballots, u32 sel, int n) {
  int i = global_x();
  u32 lane = lane_id();
  u32 v = i < n ? in[i] : 0u;
  u32 first = __builtin_amdgcn_readfirstlane(v);
  u32 l37 = __builtin_amdgcn_readlane(v, 37);
  u32 ls = __builtin_amdgcn_readlane(v, sel); // sel < 64, uniform
  u32 w = lane == 7u ? first + l37 : v; // lane-select against the scalar results
  u32 fodd = 0xffffffffu;
  if (v & 1u)
    fodd = __builtin_amdgcn_readfirstlane(v); // lowest active lane with an odd value
  u64 b = __builtin_amdgcn_ballot_w64((v & 1u) != 0u);
  u32 prefix = __builtin_amdgcn_mbcnt_hi((u32)(b >> 32), __builtin_amdgcn_mbcnt_lo((u32)b, 0u));
  u32 inner = 0xffffffffu;
  if (v & 2u) {
    u64 b2 = __builtin_amdgcn_ballot_w64((v & 4u) != 0u); // only active lanes vote
    inner = (u32)__builtin_popcountll(b2);
  }
  if (lane == 0u)
    ballots[i / 64] = b;
  if (i < n) {
    u32 *o = out + 7 * i;
    o[0] = first;
    o[1] = l37;
    o[2] = ls;
    o[3] = w;
    o[4] = fodd;
    o[5] = prefix;
    o[6] = inner;
  }
}
