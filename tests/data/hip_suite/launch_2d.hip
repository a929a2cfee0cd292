// 2-D launch with partial blocks at the right and bottom edges: global ids
// from workgroup id * blockDim + thread id (blockDim/gridDim from the
// implicit kernarg segment), guarded by the matrix bounds. Also records the
// implicit arguments and every item's ids.
#include "common.h"

extern "C" __global__ void launch_2d(const float *__restrict__ in, float *__restrict__ out,
                                     u32 *__restrict__ ids, u32 *__restrict__ dims, int width,
                                     int height) {
  u32 x = global_x(), y = global_y();
  if (x == 0u && y == 0u) {
    dims[0] = grid_dim_x();
    dims[1] = grid_dim_y();
    dims[2] = grid_dim_z();
    dims[3] = block_dim_x();
    dims[4] = block_dim_y();
    dims[5] = block_dim_z();
    dims[6] = remainder_x();
    dims[7] = remainder_y();
    dims[8] = remainder_z();
  }
  if ((int)x < width && (int)y < height) {
    int idx = y * width + x;
    out[idx] = in[idx] * 2.0f + (float)x - (float)y;
    ids[idx] = thread_x() | thread_y() << 8 | block_x() << 16 | block_y() << 24;
  }
}
