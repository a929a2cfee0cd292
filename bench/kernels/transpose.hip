// examples/transpose.py in HIP C++: out = a^T for an M x N f32 matrix, one 32x32 tile
// per workgroup of 256 lanes through a 32x33 LDS tile (the padding column keeps a
// column read on 32 different banks); edge tiles are masked.
#define __global__ __attribute__((global))
#define __device__ __attribute__((device))
#define __shared__ __attribute__((shared))

enum { TILE = 32, ROWS = 8 };

__device__ static inline void barrier() {
  __builtin_amdgcn_fence(__ATOMIC_RELEASE, "workgroup");
  __builtin_amdgcn_s_barrier();
  __builtin_amdgcn_fence(__ATOMIC_ACQUIRE, "workgroup");
}

extern "C" __global__ void transpose(const float *in, float *out, int M, int N) {
  __shared__ float tile[TILE][TILE + 1];
  int tid = __builtin_amdgcn_workitem_id_x();
  int row = tid / TILE, col = tid % TILE;
  int r0 = __builtin_amdgcn_workgroup_id_y() * TILE, c0 = __builtin_amdgcn_workgroup_id_x() * TILE;
#pragma unroll
  for (int i = 0; i < TILE; i += ROWS)
    if (r0 + row + i < M && c0 + col < N)
      tile[row + i][col] = in[(long)(r0 + row + i) * N + c0 + col];
  barrier();
#pragma unroll
  for (int i = 0; i < TILE; i += ROWS)
    if (c0 + row + i < N && r0 + col < M)
      out[(long)(c0 + row + i) * M + r0 + col] = tile[col][row + i];
}
