// Grid-stride loop: each item handles i, i + gridDim.x*blockDim.x, ... so the
// result depends on gridDim read from the implicit kernarg segment.
#include "common.h"

extern "C" __global__ void launch_grid_stride(const float *__restrict__ a,
                                              const float *__restrict__ b,
                                              float *__restrict__ out, u32 *__restrict__ who,
                                              float alpha, int n) {
  u32 stride = grid_dim_x() * block_dim_x();
  for (u32 i = global_x(); i < (u32)n; i += stride) {
    out[i] = alpha * a[i] + b[i];
    who[i] = global_x();
  }
}
