// One wavefront (64 lanes) computes a 32x32 f32 tile C = A(32xK f16) * B(Kx32 f16)
// with v_mfma_f32_32x32x8f16. K = 8 per MFMA; the kernel loops over K in
// steps of 8 (K must be a multiple of 8), accumulating in the 16-float fragment.
#define __global__ __attribute__((global))
#define __shared__ __attribute__((shared))
#define __device__ __attribute__((device))

typedef _Float16 half4 __attribute__((ext_vector_type(4)));
typedef float float16 __attribute__((ext_vector_type(16)));

// A: row-major 32 x K (lda = K). B: row-major K x 32 (ldb = 32). C: 32x32 row-major.
extern "C" __global__ void mfma_tile(const _Float16 *__restrict__ A,
                                     const _Float16 *__restrict__ B,
                                     float *__restrict__ C, int K) {
  int lane = __builtin_amdgcn_workitem_id_x() & 63;
  int tile = __builtin_amdgcn_workgroup_id_x();
  A += (long)tile * 32 * K;
  C += (long)tile * 32 * 32;

  int row = lane & 31;  // A row / B column owned by this lane
  int kgrp = lane >> 5; // which half of the 8-wide K slice (k = kgrp*4 .. +3)

  float16 acc = {};
  for (int k0 = 0; k0 < K; k0 += 8) {
    half4 a, b;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      int k = k0 + kgrp * 4 + i;
      a[i] = A[row * K + k];
      b[i] = B[k * 32 + row];
    }
    acc = __builtin_amdgcn_mfma_f32_32x32x8f16(a, b, acc, 0, 0, 0);
  }

  // Output layout for 32x32x8f16: lane l holds column (l & 31);
  // acc[j] is row 8*(j/4) + 4*(l>>5) + (j%4).
#pragma unroll
  for (int j = 0; j < 16; ++j) {
    int r = (j >> 2) * 8 + kgrp * 4 + (j & 3);
    C[r * 32 + row] = acc[j];
  }
}
