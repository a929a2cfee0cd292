// examples/vector_add.py in HIP C++: c = a + b over n floats, a grid-stride loop,
// 256 lanes per workgroup, four elements per lane and step. The peer of the DSL
// kernel in bench/run.py (compile time) and tests/test_hip_peers.py (results).
#define __global__ __attribute__((global))

enum { BLOCK = 256, UNROLL = 4 };

extern "C" __global__ void vector_add(const float *a, const float *b, float *c, int n, int grid) {
  int tid = __builtin_amdgcn_workitem_id_x();
  for (long base = (long)__builtin_amdgcn_workgroup_id_x() * BLOCK * UNROLL; base < n;
       base += (long)grid * BLOCK * UNROLL) {
#pragma unroll
    for (int u = 0; u < UNROLL; ++u) {
      long i = base + u * BLOCK + tid;
      if (i < n)
        c[i] = a[i] + b[i];
    }
  }
}
