// Kernels that use private (scratch) memory at -O3, for tests/test_emu_scratch.py.
// No HIP headers: compiled with -nogpuinc -nogpulib (see the test for the command).
#define __global__ __attribute__((global))
typedef unsigned int u32;

// A local array indexed by a runtime value: it lives in scratch
// (scratch_store_* with an immediate offset, scratch_load_* with a VGPR address).
extern "C" __global__ void local_lut(const int* idx, const int* in, int* out, int n) {
  int t = __builtin_amdgcn_workitem_id_x() + __builtin_amdgcn_workgroup_id_x() * 64;
  int a[64];
  for (int i = 0; i < 64; ++i) a[i] = in[t * 64 + i] * 3 + i;
  int s = 0;
  for (int k = 0; k < 8; ++k) s += a[(idx[t] + k * 7) & 63];
  if (t < n) out[t] = s;
}

// A pointer that is either a local array or a global buffer: accesses through it
// are flat_* instructions, which reach the private aperture when which != 0.
extern "C" __global__ void flat_private(const int* in, int* out, int which) {
  int t = __builtin_amdgcn_workitem_id_x() + __builtin_amdgcn_workgroup_id_x() * 64;
  int a[16];
  for (int i = 0; i < 16; ++i) a[i] = in[t * 16 + i] + 1;
  int* p = which ? a : out + t * 16;
  p[(t * 5) & 15] = 7;
  int s = 0;
  for (int k = 0; k < 16; ++k) s += p[k];
  out[1024 + t] = s;
}

// More live values than the VGPR budget allows: register spills to scratch.
extern "C" __global__ __attribute__((amdgpu_num_vgpr(24)))
void spill(const u32* in, u32* out, int rounds) {
  u32 t = __builtin_amdgcn_workitem_id_x() + __builtin_amdgcn_workgroup_id_x() * 64;
  u32 v[48];
#pragma unroll
  for (int i = 0; i < 48; ++i) v[i] = in[t * 48 + i];
  for (int r = 0; r < rounds; ++r) {
#pragma unroll
    for (int i = 0; i < 48; ++i) v[i] = v[i] * 2654435761u + v[(i + 17) % 48] + (u32)r;
  }
  u32 s = 0;
#pragma unroll
  for (int i = 0; i < 48; ++i) s ^= v[i] * (u32)(i + 1);
  out[t] = s;
}

// Recursion: the stack size is dynamic (uses_dynamic_stack), which the emulator refuses.
__attribute__((noinline, device)) int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
extern "C" __global__ void recursive(int* out, int n) {
  int t = __builtin_amdgcn_workitem_id_x();
  out[t] = fib(n + (t & 3));
}
