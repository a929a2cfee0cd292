// Per-thread loop over n with a divergent if/else inside and an early-out.
// Exercises exec-mask manipulation (s_and_saveexec_b64, s_cbranch_execz,
// v_cmp_*) and a loop back-edge.
#define __global__ __attribute__((global))
#define __shared__ __attribute__((shared))
#define __device__ __attribute__((device))

__device__ static unsigned f(unsigned x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  return x;
}

__device__ static inline unsigned g(unsigned x) {
  x = (x << 5) | (x >> 27);
  return x * 0x846ca68bU + 0x9e3779b9U;
}

extern "C" __global__ void divergent_loop(const unsigned *__restrict__ in,
                                          unsigned *__restrict__ out, int n,
                                          unsigned limit) {
  int tid = __builtin_amdgcn_workitem_id_x();
  int gid = __builtin_amdgcn_workgroup_id_x() * 256 + tid;
  if (gid >= n)
    return; // early-out

  unsigned x = in[gid];
  unsigned acc = 0;
  int iters = (x & 63) + 1; // data-dependent trip count -> divergent loop
  for (int i = 0; i < iters; ++i) {
    if (x & 1)
      acc += f(x + i);
    else
      acc ^= g(x);
    if (acc > limit)
      break; // divergent loop exit
    x = (x >> 1) | (x << 31);
  }
  out[gid] = acc;
}
