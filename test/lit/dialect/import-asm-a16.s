// `a16` is AGPR 16 before a ',' and the image flag after the operands; both read back
// as written (the printer prints AGPR copies as `v_accvgpr_mov_b32 a16, a0`).
// REQUIRES: asm-parser, asm-printer
// RUN: pyhip-opt --import-asm %s --arch=gfx90a -t asm | filecheck %s
// RUN: pyhip-opt --import-asm %s --arch=gfx90a -t asm | llvm-mc-22 -triple=amdgcn-amd-amdhsa -mcpu=gfx90a -o /dev/null

// CHECK: v_accvgpr_mov_b32 a16, a0
// CHECK-NEXT: v_accvgpr_read_b32 v1, a16
// CHECK-NEXT: image_load v0, v4, s[8:15] dmask:0x1 a16
// CHECK-NEXT: s_endpgm

  v_accvgpr_mov_b32 a16, a0
  v_accvgpr_read_b32 v1, a16
  image_load v0, v4, s[8:15] dmask:0x1 a16
  s_endpgm
