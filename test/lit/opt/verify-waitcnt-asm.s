// verify-waitcnt on assembly (physical registers): overwriting a register a load may
// still write is an error, like reading it early.
// REQUIRES: asm-parser
// RUN: %expect-exit 1 pyhip-opt --import-asm %s -p verify-waitcnt 2>&1 | filecheck %s

// CHECK: verify-waitcnt-asm.s:[[# @LINE + 3]]:2: error: overwrites 'vgpr x1 (v0)' while global_load_dword at {{.*}}verify-waitcnt-asm.s:[[# @LINE + 2]] may still write it before an s_waitcnt completes it (needs s_waitcnt vmcnt(0) before this line)
// CHECK-NOT: error:
	global_load_dword v0, v2, s[0:1]
	v_mov_b32 v0, 1
	s_waitcnt vmcnt(0)
	v_mov_b32 v0, 2
	s_endpgm
