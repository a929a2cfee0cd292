// examples/row_reduce.py in HIP C++ (f32 input): out[r] = sum (or max) of row r.
// One wave per row, four rows per workgroup of 256 lanes. Lane l accumulates columns
// l, l + 64, ... into four partial results (four loads in flight per step; columns
// past the row's end give the identity), folds them, then the wave combines its 64
// values the way the DSL kernel does: DPP row_ror 1, 2, 4, 8 inside each row of 16
// lanes, ds_swizzle SWAP 16 across the two rows of a half wave, ds_bpermute l ^ 32
// across the halves. The operations happen in the DSL kernel's order, so a sum is
// bit-for-bit the example's.
#define __global__ __attribute__((global))
#define __device__ __attribute__((device))

enum { WAVE = 64, WAVES = 4, UNROLL = 4 };
enum { ROW_ROR = 0x120, SWIZZLE_SWAP16 = 0x1f | (16 << 10) };

struct Sum {
  static constexpr float identity = 0.0f;
  __device__ static float op(float a, float b) { return a + b; }
};
struct Max {
  static constexpr float identity = -__builtin_inff();
  __device__ static float op(float a, float b) { return __builtin_fmaxf(a, b); }
};

// v rotated right by N lanes within each row of 16 (every lane has a source).
template <int N> __device__ static inline float row_ror(float v) {
  return __builtin_amdgcn_update_dpp(0.0f, v, ROW_ROR + N, 0xf, 0xf, true);
}

__device__ static inline float swizzle_swap16(float v) {
  return __builtin_bit_cast(float, __builtin_amdgcn_ds_swizzle(__builtin_bit_cast(int, v), SWIZZLE_SWAP16));
}

__device__ static inline float lane_xor32(float v, int lane) {
  return __builtin_bit_cast(float, __builtin_amdgcn_ds_bpermute((lane ^ 32) << 2, __builtin_bit_cast(int, v)));
}

template <class Op>
__device__ static inline void reduce_rows(const float *x, float *out, int rows, int cols) {
  int tid = __builtin_amdgcn_workitem_id_x(), lane = tid % WAVE;
  int row = __builtin_amdgcn_workgroup_id_x() * WAVES + tid / WAVE;
  if (row >= rows) // the same for the whole wave
    return;
  const float *p = x + (long)row * cols;
  float acc[UNROLL];
#pragma unroll
  for (int u = 0; u < UNROLL; ++u)
    acc[u] = Op::identity;
  for (int c0 = 0; c0 < cols; c0 += WAVE * UNROLL) {
    float v[UNROLL];
#pragma unroll
    for (int u = 0; u < UNROLL; ++u) {
      int c = c0 + lane + WAVE * u;
      v[u] = c < cols ? p[c] : Op::identity;
    }
#pragma unroll
    for (int u = 0; u < UNROLL; ++u)
      acc[u] = Op::op(acc[u], v[u]);
  }
  float r = acc[0];
#pragma unroll
  for (int u = 1; u < UNROLL; ++u)
    r = Op::op(r, acc[u]);
  r = Op::op(r, row_ror<1>(r));
  r = Op::op(r, row_ror<2>(r));
  r = Op::op(r, row_ror<4>(r));
  r = Op::op(r, row_ror<8>(r));
  r = Op::op(r, swizzle_swap16(r));
  r = Op::op(r, lane_xor32(r, lane));
  if (lane == 0)
    out[row] = r;
}

extern "C" __global__ void row_sum_f32(const float *x, float *out, int rows, int cols) {
  reduce_rows<Sum>(x, out, rows, cols);
}

extern "C" __global__ void row_max_f32(const float *x, float *out, int rows, int cols) {
  reduce_rows<Max>(x, out, rows, cols);
}
