// Shared prelude for the HIP differential validation suite (no HIP headers).
//
// Work-item and work-group ids come from the amdgcn builtins; blockDim and
// gridDim are read the way HIP's device library does, from the implicit
// kernel-argument segment (code object v5 layout):
//   offset  0: hidden_block_count_x/y/z   (u32 each)  -> gridDim
//   offset 12: hidden_group_size_x/y/z    (u16 each)  -> blockDim
//   offset 18: hidden_remainder_x/y/z     (u16 each)
#pragma once

// HIP compiles with -ffp-contract=fast-honor-pragmas: switch contraction off so
// every C expression rounds exactly as written (a*b+c is a mul then an add;
// fused multiply-adds only where a kernel calls __builtin_fma*).
#pragma clang fp contract(off)

#define __global__ __attribute__((global))
#define __shared__ __attribute__((shared))
#define __device__ __attribute__((device))

#define __syncthreads()                                                        \
  do {                                                                         \
    __builtin_amdgcn_fence(__ATOMIC_RELEASE, "workgroup");                     \
    __builtin_amdgcn_s_barrier();                                              \
    __builtin_amdgcn_fence(__ATOMIC_ACQUIRE, "workgroup");                     \
  } while (0)

typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;
typedef long long i64;

__device__ static inline u32 thread_x() { return __builtin_amdgcn_workitem_id_x(); }
__device__ static inline u32 thread_y() { return __builtin_amdgcn_workitem_id_y(); }
__device__ static inline u32 thread_z() { return __builtin_amdgcn_workitem_id_z(); }
__device__ static inline u32 block_x() { return __builtin_amdgcn_workgroup_id_x(); }
__device__ static inline u32 block_y() { return __builtin_amdgcn_workgroup_id_y(); }
__device__ static inline u32 block_z() { return __builtin_amdgcn_workgroup_id_z(); }

__device__ static inline const unsigned short *implicit_u16() {
  return (const unsigned short *)__builtin_amdgcn_implicitarg_ptr();
}
__device__ static inline const u32 *implicit_u32() {
  return (const u32 *)__builtin_amdgcn_implicitarg_ptr();
}

// gridDim (work-groups per dimension)
__device__ static inline u32 grid_dim_x() { return implicit_u32()[0]; }
__device__ static inline u32 grid_dim_y() { return implicit_u32()[1]; }
__device__ static inline u32 grid_dim_z() { return implicit_u32()[2]; }
// blockDim (work-items per work-group and dimension)
__device__ static inline u32 block_dim_x() { return implicit_u16()[6]; }
__device__ static inline u32 block_dim_y() { return implicit_u16()[7]; }
__device__ static inline u32 block_dim_z() { return implicit_u16()[8]; }
// remainder of the grid size in work-items over the group size (0 for HIP launches)
__device__ static inline u32 remainder_x() { return implicit_u16()[9]; }
__device__ static inline u32 remainder_y() { return implicit_u16()[10]; }
__device__ static inline u32 remainder_z() { return implicit_u16()[11]; }

// Flat global index in x: blockIdx.x * blockDim.x + threadIdx.x
__device__ static inline u32 global_x() { return block_x() * block_dim_x() + thread_x(); }
__device__ static inline u32 global_y() { return block_y() * block_dim_y() + thread_y(); }
__device__ static inline u32 global_z() { return block_z() * block_dim_z() + thread_z(); }
// Flat id inside the work-group, and lane inside the 64-wide wavefront
__device__ static inline u32 flat_tid() {
  return (thread_z() * block_dim_y() + thread_y()) * block_dim_x() + thread_x();
}
__device__ static inline u32 lane_id() {
  return __builtin_amdgcn_mbcnt_hi(~0u, __builtin_amdgcn_mbcnt_lo(~0u, 0u));
}

__device__ static inline float as_float(u32 x) { return __builtin_bit_cast(float, x); }
__device__ static inline u32 as_u32(float x) { return __builtin_bit_cast(u32, x); }
