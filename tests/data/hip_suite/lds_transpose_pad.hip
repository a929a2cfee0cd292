// 2-D transpose through a padded 16x17 LDS tile: 2-D grid of 16x16 blocks
// over a width x height matrix whose sides need not be multiples of 16.
#include "common.h"

#define T 16

extern "C" __global__ void lds_transpose_pad(const u32 *__restrict__ in, u32 *__restrict__ out,
                                             int width, int height) {
  __shared__ u32 tile[T][T + 1];
  int tx = thread_x(), ty = thread_y();
  int x = block_x() * T + tx;
  int y = block_y() * T + ty;
  if (x < width && y < height)
    tile[ty][tx] = in[y * width + x];
  __syncthreads();
  int ox = block_y() * T + tx; // column in the transposed matrix (height wide)
  int oy = block_x() * T + ty;
  if (ox < height && oy < width)
    out[oy * height + ox] = tile[tx][ty];
}
