// examples/row_reduce.py in HIP C++ (f32 input): one wave per row, four rows per
// workgroup; strided partial results, then DPP row_ror inside rows of 16 lanes,
// ds_swizzle across the two rows of a half wave, ds_bpermute across the halves.
#define __global__ __attribute__((global))
#define __device__ __attribute__((device))

enum { WAVE = 64, WAVES = 4 };
#define ROW_ROR(n) (0x120 + (n)) // DPP control of row_ror:n
#define SWIZZLE_SWAP16 (0x1f | (16 << 10))

struct Sum {
  static constexpr float identity = 0.0f;
  __device__ static float op(float a, float b) { return a + b; }
};
struct Max {
  static constexpr float identity = -__builtin_inff();
  __device__ static float op(float a, float b) { return __builtin_fmaxf(a, b); }
};

__device__ static inline float from_int(int x) { return __builtin_bit_cast(float, x); }
__device__ static inline int to_int(float x) { return __builtin_bit_cast(int, x); }

template <class Op>
__device__ static inline void reduce_rows(const float *x, float *out, int rows, int cols) {
  int tid = __builtin_amdgcn_workitem_id_x(), lane = tid % WAVE;
  int row = __builtin_amdgcn_workgroup_id_x() * WAVES + tid / WAVE;
  if (row >= rows)
    return;
  float acc = Op::identity;
  for (int c = lane; c < cols; c += WAVE)
    acc = Op::op(acc, x[(long)row * cols + c]);
#pragma unroll
  for (int s = 1; s < 16; s *= 2) {
    int t = s == 1 ? __builtin_amdgcn_mov_dpp(to_int(acc), ROW_ROR(1), 0xf, 0xf, false)
          : s == 2 ? __builtin_amdgcn_mov_dpp(to_int(acc), ROW_ROR(2), 0xf, 0xf, false)
          : s == 4 ? __builtin_amdgcn_mov_dpp(to_int(acc), ROW_ROR(4), 0xf, 0xf, false)
                   : __builtin_amdgcn_mov_dpp(to_int(acc), ROW_ROR(8), 0xf, 0xf, false);
    acc = Op::op(acc, from_int(t));
  }
  acc = Op::op(acc, from_int(__builtin_amdgcn_ds_swizzle(to_int(acc), SWIZZLE_SWAP16)));
  acc = Op::op(acc, from_int(__builtin_amdgcn_ds_bpermute((lane ^ 32) << 2, to_int(acc))));
  if (lane == 0)
    out[row] = acc;
}

extern "C" __global__ void row_sum_f32(const float *x, float *out, int rows, int cols) {
  reduce_rows<Sum>(x, out, rows, cols);
}

extern "C" __global__ void row_max_f32(const float *x, float *out, int rows, int cols) {
  reduce_rows<Max>(x, out, rows, cols);
}
