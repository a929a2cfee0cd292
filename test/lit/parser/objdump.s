// llvm-objdump -d output (default flags: addresses and raw dwords in the trailing
// comment): numeric branch offsets become block targets, the bare "v_nop" of an
// 8-byte encoding is the e64 form, code-object padding after s_endpgm is dropped.
// The arch is not in objdump text: it comes from --arch (default gfx942).
// REQUIRES: asm-parser
// RUN: pyhip-opt --import-asm %s --arch=gfx90a | filecheck %s

// CHECK:      builtin.module attributes {cdna.arch = "gfx90a"} {
// CHECK-NEXT:   cdna.kernel @loop {arch = "gfx90a", args = []} {
// CHECK-NEXT:     %[[KA:.*]] = cdna.get_reg : !cdna.sgpr<s[0:1]>
// CHECK-NEXT:     %[[N:.*]] = cdna.s_load_dword %[[KA]], 0 : (!cdna.sgpr<s[0:1]>) -> !cdna.sgpr<s4>
// CHECK-NEXT:     %[[EXEC:.*]] = cdna.get_reg : !cdna.exec
// CHECK-NEXT:     %{{.*}} = cdna.v_mov_b32 0 implicit(%[[EXEC]] : exec) : () -> !cdna.vgpr<v1>
// CHECK-NEXT:     cdna.s_waitcnt 49279
// CHECK-NEXT:     cdna.fallthrough ^[[HEAD:bb[0-9]+]]
// CHECK-NEXT:   ^[[HEAD]]:
// CHECK-NEXT:     %[[V1:.*]] = cdna.get_reg : !cdna.vgpr<v1>
// CHECK-NEXT:     %[[E:.*]] = cdna.get_reg : !cdna.exec
// CHECK-NEXT:     %[[ADD:.*]] = cdna.v_add_u32 1, %[[V1]] implicit(%[[E]] : exec) : (!cdna.vgpr<v1>) -> !cdna.vgpr<v1>
// CHECK-NEXT:     %[[S4:.*]] = cdna.get_reg : !cdna.sgpr<s4>
// CHECK-NEXT:     %[[VCC:.*]] = cdna.v_cmp_gt_u32 %[[S4]], %[[ADD]] implicit(%[[E]] : exec) : (!cdna.sgpr<s4>, !cdna.vgpr<v1>) -> !cdna.vcc
// CHECK-NEXT:     cdna.s_cbranch_vccnz ^[[HEAD]], ^[[NEXT:bb[0-9]+]] implicit(%[[VCC]] : vcc)
// CHECK-NEXT:   ^[[NEXT]]:
// CHECK-NEXT:     %[[E2:.*]] = cdna.get_reg : !cdna.exec
// CHECK-NEXT:     cdna.v_nop_e64 implicit(%[[E2]] : exec)
// CHECK-NEXT:     cdna.s_endpgm
// CHECK-NEXT:   }
// CHECK-NEXT: }
// CHECK-NOT:  s_nop


/tmp/dev/od.o:	file format elf64-amdgpu

Disassembly of section .text:

0000000000000000 <loop>:
	s_load_dword s4, s[0:1], 0x0                               // 000000000000: C0020100 00000000
	v_mov_b32_e32 v1, 0                                        // 000000000008: 7E020280
	s_waitcnt lgkmcnt(0)                                       // 00000000000C: BF8CC07F
	v_add_u32_e32 v1, 1, v1                                    // 000000000010: 68020281
	v_cmp_gt_u32_e32 vcc, s4, v1                               // 000000000014: 7D980204
	s_cbranch_vccnz 65533                                      // 000000000018: BF87FFFD <loop+0x10>
	v_nop                                                      // 00000000001C: D1400000 00000000
	s_endpgm                                                   // 000000000024: BF810000
	s_nop 0                                                    // 000000000028: BF800000
	s_nop 0                                                    // 00000000002C: BF800000
