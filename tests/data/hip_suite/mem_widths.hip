// Memory access widths: signed/unsigned byte and short loads (sign/zero
// extension), byte/short stores, 64-bit and 128-bit vector loads and stores,
// and a uniform (scalar) load through a kernel argument pointer.
#include "common.h"

typedef float float4 __attribute__((ext_vector_type(4)));

extern "C" __global__ void mem_widths(const signed char *__restrict__ sb,
                                      const unsigned char *__restrict__ ub,
                                      const short *__restrict__ ss,
                                      const unsigned short *__restrict__ us,
                                      const float4 *__restrict__ v4, const u64 *__restrict__ q,
                                      const i32 *__restrict__ uni, i32 *__restrict__ out,
                                      signed char *__restrict__ bout,
                                      short *__restrict__ sout, float4 *__restrict__ v4out,
                                      int n) {
  int i = global_x();
  if (i >= n)
    return;
  i32 *o = out + 6 * i;
  o[0] = sb[i];
  o[1] = ub[i];
  o[2] = ss[i];
  o[3] = us[i];
  u64 w = q[i];
  o[4] = (i32)(w >> 32) ^ (i32)w;
  o[5] = uni[0] + uni[1] * i; // uni[] is the same for all lanes
  bout[i] = (signed char)(sb[i] + ub[i]);
  sout[i] = (short)(ss[i] - us[i]);
  float4 v = v4[i];
  v4out[i] = v.wzyx * 2.0f;
}
