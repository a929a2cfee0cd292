// C = A * B for f16 A (M x K, row-major) and B given transposed (BT: N x K), f32 C.
// One wavefront per workgroup computes one 32x32 tile of C with
// v_mfma_f32_32x32x8_f16, stepping K by 8. Register layouts are CDNA3's
// (ISA_NOTES.md): lane l holds A[i][k0..k0+3] with i = l % 32, k0 = 4 * (l / 32),
// B likewise with j = l % 32, and D register r of lane l is
// C[8 * (r / 4) + 4 * (l / 32) + r % 4][l % 32].
#define __global__ __attribute__((global))

typedef _Float16 half4 __attribute__((ext_vector_type(4)));
typedef float float16v __attribute__((ext_vector_type(16)));

extern "C" __global__ void gemm_mfma(const _Float16 *A, const _Float16 *BT, float *C, int M, int N,
                                     int K) {
  int lane = __builtin_amdgcn_workitem_id_x() % 64;
  int tile = __builtin_amdgcn_workgroup_id_x();
  int tiles_n = N / 32;
  int ti = tile / tiles_n, tj = tile % tiles_n;
  int i = ti * 32 + lane % 32, j = tj * 32 + lane % 32, k0 = 4 * (lane / 32);
  float16v acc = {};
  for (int k = 0; k < K; k += 8) {
    half4 a = *(const half4 *)(A + (long)i * K + k + k0);
    half4 b = *(const half4 *)(BT + (long)j * K + k + k0);
    acc = __builtin_amdgcn_mfma_f32_32x32x8f16(a, b, acc, 0, 0, 0);
  }
  for (int r = 0; r < 16; ++r) {
    int ii = ti * 32 + 8 * (r / 4) + 4 * (lane / 32) + r % 4;
    C[(long)ii * N + j] = acc[r];
  }
}
