// Warp bitonic sort, the HIP C++ twin of the DSL kernel in bitonic_sort.py: each
// wavefront sorts one row of 64 values (lane l holds element l), four waves to a
// workgroup of 256. Written without HIP headers (the system clang has none), so the
// attributes and cross-lane operations are spelled as clang builtins.
#define __global__ __attribute__((global))
#define __device__ __attribute__((device))

enum { WAVE = 64, WAVES_PER_BLOCK = 4 };

// DPP control of quad_perm:[a,b,c,d]: two bits per lane of the quad.
#define QUAD_PERM(a, b, c, d) ((a) | ((b) << 2) | ((c) << 4) | ((d) << 6))
// ds_swizzle_b32 bit-mask mode (offset bit 15 clear): lane = ((l & and) | or) ^ xor
// within each 32 lanes; and = 0x1f, or = 0, xor = j is the assembler's swizzle(SWAP,j).
#define SWIZZLE_SWAP(j) (0x1f | ((j) << 10))

// The value of lane (lane ^ j). The cheapest cross-lane path differs by distance: DPP
// reaches inside a quad for free in a VALU op, ds_swizzle inside 32 lanes without an
// address register, and only ds_bpermute crosses the two halves of the wave. The
// builtins take their controls as constants, hence the switch; the unrolled loops
// make j a constant, so it folds away.
__device__ static inline int partner(int v, int j, int lane) {
  switch (j) {
  case 1:
    return __builtin_amdgcn_mov_dpp(v, QUAD_PERM(1, 0, 3, 2), 0xf, 0xf, false);
  case 2:
    return __builtin_amdgcn_mov_dpp(v, QUAD_PERM(2, 3, 0, 1), 0xf, 0xf, false);
  case 4:
    return __builtin_amdgcn_ds_swizzle(v, SWIZZLE_SWAP(4));
  case 8:
    return __builtin_amdgcn_ds_swizzle(v, SWIZZLE_SWAP(8));
  case 16:
    return __builtin_amdgcn_ds_swizzle(v, SWIZZLE_SWAP(16));
  default:
    return __builtin_amdgcn_ds_bpermute((lane ^ 32) << 2, v);  // a byte address
  }
}

template <typename T>
__device__ static inline void sort_rows(const T *in, T *out, int rows, int descending) {
  int tid = __builtin_amdgcn_workitem_id_x();
  int lane = tid % WAVE;
  int row = __builtin_amdgcn_workgroup_id_x() * WAVES_PER_BLOCK + tid / WAVE;
  // The row is the same in every lane of a wave: a wave past the end leaves whole,
  // and the cross-lane operations below always see all 64 lanes.
  if (row >= rows)
    return;
  T x = in[(long)row * WAVE + lane];
#pragma unroll
  for (int k = 2; k <= WAVE; k *= 2) {
#pragma unroll
    for (int j = k / 2; j >= 1; j /= 2) {
      T t = __builtin_bit_cast(T, partner(__builtin_bit_cast(int, x), j, lane));
      // The lower lane of a pair keeps the smaller value in an ascending block (lane
      // bit k clear) and the larger in a descending one; a descending sort flips both.
      bool keep_min = ((lane & j) == 0) ^ ((lane & k) != 0) ^ (descending != 0);
      T lo = t < x ? t : x;
      T hi = t < x ? x : t;
      x = keep_min ? lo : hi;
    }
  }
  out[(long)row * WAVE + lane] = x;
}

extern "C" __global__ void bitonic_sort_f32(const float *in, float *out, int rows, int descending) {
  sort_rows(in, out, rows, descending);
}

extern "C" __global__ void bitonic_sort_i32(const int *in, int *out, int rows, int descending) {
  sort_rows(in, out, rows, descending);
}
