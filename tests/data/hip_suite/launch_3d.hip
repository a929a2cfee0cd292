// 3-D launch with partial blocks in every dimension; writes a value computed
// from the 3-D global id and the flat id inside the work-group.
#include "common.h"

extern "C" __global__ void launch_3d(const u32 *__restrict__ in, u32 *__restrict__ out,
                                     u32 *__restrict__ tids, int nx, int ny, int nz) {
  u32 x = global_x(), y = global_y(), z = global_z();
  if ((int)x >= nx || (int)y >= ny || (int)z >= nz)
    return;
  u32 idx = (z * ny + y) * nx + x;
  out[idx] = in[idx] * 3u + x * 100u + y * 10u + z;
  tids[idx] = flat_tid() | block_z() << 16 | thread_z() << 24;
}
