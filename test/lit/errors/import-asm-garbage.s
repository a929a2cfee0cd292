// --import-asm on text that is not AMDGPU assembly.
// REQUIRES: asm-parser
// RUN: %expect-exit 1 pyhip-opt --import-asm %s --arch=gfx942 2>&1 | filecheck %s
// CHECK: {{.*}}import-asm-garbage.s:7:{{[0-9]+}}: error:

v_add_u32 v1, v2, v3
this is not an instruction at all
