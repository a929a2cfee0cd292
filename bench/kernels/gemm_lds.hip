// examples/gemm.py in HIP C++ with its default tile: C = A @ B^T, A (M x K) and B
// (N x K) row-major f16, C (M x N) f32. 256 lanes = 4 waves in 2x2, each wave one
// 32x32 block on __builtin_amdgcn_mfma_f32_32x32x8f16; K in stages of 32 through two
// LDS buffers (rows padded by 8 halves), the next stage's global loads in flight
// during the MFMAs, one barrier per stage. K must be a multiple of 8.
#define __global__ __attribute__((global))
#define __device__ __attribute__((device))
#define __shared__ __attribute__((shared))

typedef _Float16 half4 __attribute__((ext_vector_type(4)));
typedef _Float16 half8 __attribute__((ext_vector_type(8)));
typedef float float16v __attribute__((ext_vector_type(16)));

enum { BM = 64, BN = 64, BK = 32, PAD = 8, RS = BK + PAD };

__device__ static inline void barrier() {
  __builtin_amdgcn_fence(__ATOMIC_RELEASE, "workgroup");
  __builtin_amdgcn_s_barrier();
  __builtin_amdgcn_fence(__ATOMIC_ACQUIRE, "workgroup");
}

// Lane t's 16-byte chunk of a stage: row t / 4 of the tile, halves 8 * (t % 4);
// zeros past the matrix (rows) or past K.
__device__ static inline half8 load_chunk(const _Float16 *p, int rows, int r, int k, int K) {
  half8 v = {};
  if (r < rows && k < K)
    v = *(const half8 *)(p + (long)r * K + k);
  return v;
}

extern "C" __global__ void gemm_lds_f16(const _Float16 *A, const _Float16 *B, float *C, int M, int N,
                                        int K) {
  __shared__ _Float16 sA[2][BM][RS];
  __shared__ _Float16 sB[2][BN][RS];
  int tid = __builtin_amdgcn_workitem_id_x(), lane = tid % 64, wave = tid / 64;
  int wr = wave >> 1, wc = wave & 1;
  int m0 = __builtin_amdgcn_workgroup_id_y() * BM, n0 = __builtin_amdgcn_workgroup_id_x() * BN;
  int lr = tid / 4, lk = (tid % 4) * 8;
  half8 ga = load_chunk(A, M, m0 + lr, lk, K), gb = load_chunk(B, N, n0 + lr, lk, K);
  *(half8 *)&sA[0][lr][lk] = ga;
  *(half8 *)&sB[0][lr][lk] = gb;
  barrier();
  float16v acc = {};
  int steps = (K + BK - 1) / BK;
  for (int s = 0; s < steps; ++s) {
    int cur = s & 1;
    ga = load_chunk(A, M, m0 + lr, (s + 1) * BK + lk, K);
    gb = load_chunk(B, N, n0 + lr, (s + 1) * BK + lk, K);
#pragma unroll
    for (int kk = 0; kk < BK / 8; ++kk) {
      half4 a = *(const half4 *)&sA[cur][wr * 32 + lane % 32][kk * 8 + 4 * (lane / 32)];
      half4 b = *(const half4 *)&sB[cur][wc * 32 + lane % 32][kk * 8 + 4 * (lane / 32)];
      acc = __builtin_amdgcn_mfma_f32_32x32x8f16(a, b, acc, 0, 0, 0);
    }
    *(half8 *)&sA[cur ^ 1][lr][lk] = ga;
    *(half8 *)&sB[cur ^ 1][lr][lk] = gb;
    barrier();
  }
  int col = n0 + wc * 32 + lane % 32;
#pragma unroll
  for (int r = 0; r < 16; ++r) {
    int row = m0 + wr * 32 + 8 * (r / 4) + 4 * (lane / 32) + r % 4;
    if (row < M && col < N)
      C[(long)row * N + col] = acc[r];
  }
}
