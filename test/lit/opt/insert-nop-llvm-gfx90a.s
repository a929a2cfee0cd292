// gfx90a's numbers for rules of insert-nop-llvm.s that differ by arch (LLVM 22's).
// REQUIRES: asm-parser
// RUN: pyhip-opt --import-asm %s --arch gfx90a -p insert-nop -t asm | filecheck %s

// A store of more than 64 bits, then a VALU overwriting its data: 1 wait state here
// (2 on gfx942/gfx950).
// CHECK-LABEL: {{^}}kernel:
// CHECK-NEXT:  global_store_dwordx4 v[0:1], v[4:7], off
// CHECK-NEXT:  s_nop 0
// CHECK-NEXT:  v_add_u32 v5, v1, v2
	global_store_dwordx4 v[0:1], v[4:7], off
	v_add_u32 v5, v1, v2
	s_endpgm
