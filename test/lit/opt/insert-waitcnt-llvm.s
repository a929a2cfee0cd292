// Regressions found by the LLVM waitcnt oracle (tests/test_llvm_oracles.py): places
// where llc's si-insert-waitcnts waited for more than insert-waitcnt did.
// REQUIRES: asm-parser
// RUN: pyhip-opt --import-asm %s --split-input-file -p insert-waitcnt -t asm | filecheck %s

// Overwriting a register a load will still write (WAW): wait for the load first,
// unless the writer is itself a vector memory load, which returns in issue order.
// CHECK-LABEL: {{^}}kernel:
// CHECK-NEXT:  global_load_dword v0, v2, s[0:1]
// CHECK-NEXT:  global_load_dword v0, v3, s[0:1]
// CHECK-NEXT:  s_waitcnt vmcnt(0)
// CHECK-NEXT:  v_mov_b32 v0, 1
// CHECK-NEXT:  s_endpgm
	global_load_dword v0, v2, s[0:1]
	global_load_dword v0, v3, s[0:1]
	v_mov_b32 v0, 1
	s_endpgm

// -----
// Scalar loads return out of order: a second one into the same SGPR waits for the first.
// CHECK-LABEL: {{^}}kernel:
// CHECK-NEXT:  s_load_dword s2, s[0:1], 0
// CHECK-NEXT:  s_waitcnt lgkmcnt(0)
// CHECK-NEXT:  s_load_dword s2, s[0:1], 4
	s_load_dword s2, s[0:1], 0x0
	s_load_dword s2, s[0:1], 0x4
	s_endpgm

// -----
// An LDS result with a later LDS operation outstanding: lgkmcnt(1); with a scalar load
// also outstanding on the shared counter: lgkmcnt(0), as LLVM does (docs/hazards.md).
// CHECK-LABEL: {{^}}kernel:
// CHECK-NEXT:  ds_read_b32 v3, v2
// CHECK-NEXT:  ds_write_b32 v4, v5
// CHECK-NEXT:  s_waitcnt lgkmcnt(1)
// CHECK-NEXT:  v_add_u32 v1, v3, v3
// CHECK-NEXT:  s_load_dword s6, s[0:1], 0
// CHECK-NEXT:  ds_read_b32 v3, v2
// CHECK-NEXT:  ds_write_b32 v4, v5
// CHECK-NEXT:  s_waitcnt lgkmcnt(0)
// CHECK-NEXT:  v_add_u32 v1, v3, v3
	ds_read_b32 v3, v2
	ds_write_b32 v4, v5
	v_add_u32 v1, v3, v3
	s_load_dword s6, s[0:1], 0x0
	ds_read_b32 v3, v2
	ds_write_b32 v4, v5
	v_add_u32 v1, v3, v3
	s_endpgm
