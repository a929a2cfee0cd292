// --import-asm (or a .s input) reads AMDGPU assembly into cdna IR; -t asm prints it
// back, for the kernel's arch or the one given in the target.
// REQUIRES: asm-parser, asm-printer
// RUN: pyhip-opt --import-asm %s --arch=gfx942 | filecheck %s --check-prefix=IR
// RUN: pyhip-opt %s --arch=gfx942 | pyhip-opt -t 'asm{arch=gfx90a}' | filecheck %s --check-prefix=ASM
// RUN: pyhip-opt %s --arch=gfx942 -t asm | filecheck %s --check-prefix=SAME

// IR: builtin.module attributes {cdna.arch = "gfx942"} {
// IR: cdna.kernel
// IR: %[[V:.*]] = cdna.v_add_u32 %{{.*}}, %{{.*}} implicit(%{{.*}} : exec) : (!cdna.vgpr<v2>, !cdna.vgpr<v3>) -> !cdna.vgpr<v1>
// IR-NEXT: cdna.s_endpgm

// ASM: .amdgcn_target "amdgcn-amd-amdhsa--gfx90a"
// ASM: v_add_u32 v1, v2, v3
// ASM-NEXT: s_endpgm

// SAME: .amdgcn_target "amdgcn-amd-amdhsa--gfx942"
// SAME: v_add_u32 v1, v2, v3

  v_add_u32 v1, v2, v3
  s_endpgm
