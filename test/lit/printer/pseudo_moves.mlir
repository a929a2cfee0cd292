// Pseudo ops print as the moves they stand for, or nothing when registers coincide.
// RUN: pyhip-opt %s -t asm | filecheck %s
// RUN: pyhip-opt %s -t asm | llvm-mc-22 -triple=amdgcn-amd-amdhsa -mcpu=gfx90a -filetype=null

builtin.module {
  cdna.kernel @moves {arch = "gfx90a", args = [], abi_inputs = ["workitem_id", "exec"]} {
  ^entry(%tid : !cdna.vgpr<v0>, %exec : !cdna.exec):
    %s01 = cdna.get_reg : !cdna.sgpr<s[0:1]>
    %s2 = cdna.get_reg : !cdna.sgpr<s2>
    %a = cdna.get_reg : !cdna.agpr<a[0:3]>
    %v12 = cdna.get_reg : !cdna.vgpr<v[1:2]>
    // an aligned SGPR pair moves with one s_mov_b64; exec is a pair too
    %c1 = cdna.copy %s01 : !cdna.sgpr<s[0:1]> -> !cdna.sgpr<s[4:5]>
    %c2 = cdna.copy %s01 : !cdna.sgpr<s[0:1]> -> !cdna.exec
    // same register: nothing
    %c3 = cdna.copy %s2 : !cdna.sgpr<s2> -> !cdna.sgpr<s2>
    // AGPR <-> VGPR and AGPR -> AGPR
    %e = cdna.extract %a[2] : !cdna.agpr<a[0:3]> -> !cdna.agpr<a2>
    %c4 = cdna.copy %e : !cdna.agpr<a2> -> !cdna.vgpr<v3>
    %c5 = cdna.copy %tid : !cdna.vgpr<v0> -> !cdna.agpr<a5>
    %c6 = cdna.copy %e : !cdna.agpr<a2> -> !cdna.agpr<a7>
    // an SGPR into a VGPR
    %c7 = cdna.copy %s2 : !cdna.sgpr<s2> -> !cdna.vgpr<v4>
    // overlapping shift v[1:2] -> v[2:3]: the high dword moves first
    %c8 = cdna.copy %v12 : !cdna.vgpr<v[1:2]> -> !cdna.vgpr<v[2:3]>
    // swapping halves is a cycle: v_swap_b32
    %lo = cdna.extract %v12[0] : !cdna.vgpr<v[1:2]> -> !cdna.vgpr<v1>
    %hi = cdna.extract %v12[1] : !cdna.vgpr<v[1:2]> -> !cdna.vgpr<v2>
    %sw = cdna.build %hi, %lo : !cdna.vgpr<v2>, !cdna.vgpr<v1> -> !cdna.vgpr<v[1:2]>
    // parts already in place: nothing
    %same = cdna.build %lo, %hi : !cdna.vgpr<v1>, !cdna.vgpr<v2> -> !cdna.vgpr<v[1:2]>
    cdna.s_endpgm
  }
}

// CHECK-LABEL: moves:
// CHECK-NEXT:    s_mov_b64 s[4:5], s[0:1]
// CHECK-NEXT:    s_mov_b64 exec, s[0:1]
// CHECK-NEXT:    v_accvgpr_read_b32 v3, a2
// CHECK-NEXT:    v_accvgpr_write_b32 a5, v0
// CHECK-NEXT:    v_accvgpr_mov_b32 a7, a2
// CHECK-NEXT:    v_mov_b32 v4, s2
// CHECK-NEXT:    v_mov_b32 v3, v2
// CHECK-NEXT:    v_mov_b32 v2, v1
// CHECK-NEXT:    v_swap_b32 v1, v2
// CHECK-NEXT:    s_endpgm
