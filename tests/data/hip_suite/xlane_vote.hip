// Wave votes on partially filled wavefronts (n and block sizes that are not
// multiples of 64): ballot of the active
// lanes, any/all/count of a predicate among them, the lane's rank, and the
// comparison-ballot builtins (icmp/fcmp returning a 64-bit lane mask).
#include "common.h"

extern "C" __global__ void xlane_vote(const i32 *__restrict__ a, const float *__restrict__ f,
                                      u32 *__restrict__ out, u64 *__restrict__ masks,
                                      i32 thresh, int n) {
  int i = global_x();
  if (i >= n)
    return;
  i32 x = a[i];
  u64 active = __builtin_amdgcn_ballot_w64(true);
  u64 pred = __builtin_amdgcn_ballot_w64(x > thresh);
  u64 lt = __builtin_amdgcn_sicmpl((long)x, (long)thresh, 40); // ICMP_SLT
  u64 flt = __builtin_amdgcn_fcmpf(f[i], 0.5f, 4);              // FCMP_OLT
  u32 rank = __builtin_amdgcn_mbcnt_hi((u32)(pred >> 32), __builtin_amdgcn_mbcnt_lo((u32)pred, 0u));
  u32 *o = out + 5 * i;
  o[0] = (u32)__builtin_popcountll(active);
  o[1] = pred != 0;           // any
  o[2] = pred == active;      // all
  o[3] = (u32)__builtin_popcountll(pred);
  o[4] = rank;
  u32 wave = block_x() * ((block_dim_x() + 63u) / 64u) + thread_x() / 64u;
  if (lane_id() == __builtin_ctzll(active)) { // first active lane writes the masks
    u64 *m = masks + 4 * wave;
    m[0] = active;
    m[1] = pred;
    m[2] = lt;
    m[3] = flt;
  }
}
