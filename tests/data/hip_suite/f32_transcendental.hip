// Hardware f32 approximations called through the amdgcn builtins:
// v_rcp, v_rsq, v_sqrt, v_exp (2^x), v_log (log2), v_sin/v_cos (input in
// revolutions). 7 results per element.
#include "common.h"

extern "C" __global__ void f32_transcendental(const float *__restrict__ x,
                                              const float *__restrict__ pos,
                                              const float *__restrict__ rev,
                                              float *__restrict__ out, int n) {
  int i = global_x();
  if (i >= n)
    return;
  float v = x[i], p = pos[i], r = rev[i];
  float *o = out + 7 * i;
  o[0] = __builtin_amdgcn_rcpf(v);
  o[1] = __builtin_amdgcn_rsqf(p);
  o[2] = __builtin_amdgcn_sqrtf(p);
  o[3] = __builtin_amdgcn_exp2f(v);
  o[4] = __builtin_amdgcn_logf(p);
  o[5] = __builtin_amdgcn_sinf(r);
  o[6] = __builtin_amdgcn_cosf(r);
}
