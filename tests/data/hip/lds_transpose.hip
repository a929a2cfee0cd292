// 32x32 tile transpose of a float matrix through LDS with +1 padding.
// Block = 32x8 threads (256 threads, flat id), each thread moves 4 elements.
#define __global__ __attribute__((global))
#define __shared__ __attribute__((shared))
#define __device__ __attribute__((device))

#define __syncthreads()                                                        \
  do {                                                                         \
    __builtin_amdgcn_fence(__ATOMIC_RELEASE, "workgroup");                     \
    __builtin_amdgcn_s_barrier();                                              \
    __builtin_amdgcn_fence(__ATOMIC_ACQUIRE, "workgroup");                     \
  } while (0)

#define TILE 32
#define ROWS 8

extern "C" __global__ void lds_transpose(const float *__restrict__ in,
                                         float *__restrict__ out, int width,
                                         int height) {
  __shared__ float tile[TILE][TILE + 1];
  int tid = __builtin_amdgcn_workitem_id_x();
  int tx = tid & (TILE - 1);
  int ty = tid >> 5;
  int bx = __builtin_amdgcn_workgroup_id_x();
  int by = __builtin_amdgcn_workgroup_id_y();

  int x = bx * TILE + tx;
  int y = by * TILE + ty;
#pragma unroll
  for (int j = 0; j < TILE; j += ROWS) {
    if (x < width && (y + j) < height)
      tile[ty + j][tx] = in[(y + j) * width + x];
  }

  __syncthreads();

  x = by * TILE + tx;
  y = bx * TILE + ty;
#pragma unroll
  for (int j = 0; j < TILE; j += ROWS) {
    if (x < height && (y + j) < width)
      out[(y + j) * height + x] = tile[tx][ty + j];
  }
}
