// Element-wise float vector add: c[i] = a[i] + b[i], with bounds check on n.
// Grid-stride loop, manually unrolled by 4 for a bit more code.
#define __global__ __attribute__((global))
#define __shared__ __attribute__((shared))
#define __device__ __attribute__((device))

extern "C" __global__ void vector_add(const float *__restrict__ a,
                                      const float *__restrict__ b,
                                      float *__restrict__ c, int n) {
  int tid = __builtin_amdgcn_workitem_id_x();
  int bid = __builtin_amdgcn_workgroup_id_x();
  int bdim = 256;
  int i = bid * bdim * 4 + tid;
#pragma unroll
  for (int k = 0; k < 4; ++k) {
    int idx = i + k * bdim;
    if (idx < n)
      c[idx] = a[idx] + b[idx];
  }
}
