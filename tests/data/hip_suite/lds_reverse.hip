// Reverse the elements each work-group owns through LDS with a barrier.
// The block size is read from the implicit kernarg segment (blockDim.x);
// the last work-group may own fewer than blockDim.x elements.
#include "common.h"

extern "C" __global__ void lds_reverse(const float *__restrict__ in, float *__restrict__ out,
                                       int n) {
  __shared__ float buf[1024];
  u32 t = thread_x();
  u32 bd = block_dim_x();
  int base = block_x() * bd;
  int count = n - base < (int)bd ? n - base : (int)bd;
  if ((int)t < count)
    buf[t] = in[base + t];
  __syncthreads();
  if ((int)t < count)
    out[base + t] = buf[count - 1 - t] * 2.0f;
}
