// c[i] = a[i] + b[i] for i < n: one float per lane, 64-lane workgroups.
// Registers are already allocated, so this prints straight to assembly:
//   pyhip-opt examples/vector_add.mlir -t asm > vadd.s
//   clang-22 -x assembler -target amdgcn-amd-amdhsa -mcpu=gfx942 vadd.s -o vadd.co
//
// Launch ABI (gfx942): kernarg pointer in s[0:1], workgroup id x in s2, work-item
// ids packed in v0 (x in bits 0-9; only x is used since the workgroup is 64x1x1).
builtin.module {
  cdna.kernel @vector_add {
      arch = "gfx942",
      args = [#cdna.karg<"a", "float*", 0, 8>, #cdna.karg<"b", "float*", 8, 8>,
              #cdna.karg<"c", "float*", 16, 8>, #cdna.karg<"n", "int", 24, 4>],
      workgroup_size = [64, 1, 1],
      abi_inputs = ["kernarg_segment_ptr", "workgroup_id_x", "workitem_id", "exec"]} {
  ^entry(%kargs : !cdna.sgpr<s[0:1]>, %wg : !cdna.sgpr<s2>, %tid : !cdna.vgpr<v0>, %exec : !cdna.exec):
    // a, b (s[4:7]), c (s[8:9]) and n (s10) from the kernarg segment
    %ab = cdna.s_load_dwordx4 %kargs, 0 : (!cdna.sgpr<s[0:1]>) -> !cdna.sgpr<s[4:7]>
    %c = cdna.s_load_dwordx2 %kargs, 16 : (!cdna.sgpr<s[0:1]>) -> !cdna.sgpr<s[8:9]>
    %n = cdna.s_load_dword %kargs, 24 : (!cdna.sgpr<s[0:1]>) -> !cdna.sgpr<s10>
    // i = wg * 64 + tid
    %i = cdna.v_lshl_add_u32 %wg, 6, %tid implicit(%exec : exec) : (!cdna.sgpr<s2>, !cdna.vgpr<v0>) -> !cdna.vgpr<v1>
    cdna.s_waitcnt 49279                                  // lgkmcnt(0)
    // lanes with i < n stay active; skip the body when none is
    %inb = cdna.v_cmp_gt_i32 %n, %i implicit(%exec : exec) : (!cdna.sgpr<s10>, !cdna.vgpr<v1>) -> !cdna.vcc
    %saved, %ex, %scc = cdna.s_and_saveexec_b64 %inb implicit(%exec : exec) -> (exec, scc) : (!cdna.vcc) -> !cdna.sgpr<s[12:13]>
    cdna.s_cbranch_execz ^exit, ^body implicit(%ex : exec)
  ^body:
    // byte offset i * 4 (i < n < 2^29)
    %off = cdna.v_lshlrev_b32 2, %i implicit(%ex : exec) : (!cdna.vgpr<v1>) -> !cdna.vgpr<v2>
    %a_lo = cdna.extract %ab[0] : !cdna.sgpr<s[4:7]> -> !cdna.sgpr<s4>
    %a_hi = cdna.extract %ab[1] : !cdna.sgpr<s[4:7]> -> !cdna.sgpr<s5>
    %b_lo = cdna.extract %ab[2] : !cdna.sgpr<s[4:7]> -> !cdna.sgpr<s6>
    %b_hi = cdna.extract %ab[3] : !cdna.sgpr<s[4:7]> -> !cdna.sgpr<s7>
    %c_lo = cdna.extract %c[0] : !cdna.sgpr<s[8:9]> -> !cdna.sgpr<s8>
    %c_hi = cdna.extract %c[1] : !cdna.sgpr<s[8:9]> -> !cdna.sgpr<s9>
    // 64-bit addresses &a[i] (v[4:5]), &b[i] (v[6:7]), &c[i] (v[8:9]). A VALU op may
    // read one SGPR (vcc included), so the high words go through a VGPR first. On
    // gfx942 a VALU reading VCC needs 2 wait states after the VALU that wrote it: the
    // v_mov between gives one, s_nop 0 the other.
    %pa0, %ca = cdna.v_add_co_u32 %a_lo, %off implicit(%ex : exec) : (!cdna.sgpr<s4>, !cdna.vgpr<v2>) -> (!cdna.vgpr<v4>, !cdna.vcc)
    %ha = cdna.v_mov_b32 %a_hi implicit(%ex : exec) : (!cdna.sgpr<s5>) -> !cdna.vgpr<v5>
    cdna.s_nop 0
    %pa1, %ca1 = cdna.v_addc_co_u32 0, %ha, %ca implicit(%ex : exec) : (!cdna.vgpr<v5>, !cdna.vcc) -> (!cdna.vgpr<v5>, !cdna.vcc)
    %pa = cdna.build %pa0, %pa1 : !cdna.vgpr<v4>, !cdna.vgpr<v5> -> !cdna.vgpr<v[4:5]>
    %pb0, %cb = cdna.v_add_co_u32 %b_lo, %off implicit(%ex : exec) : (!cdna.sgpr<s6>, !cdna.vgpr<v2>) -> (!cdna.vgpr<v6>, !cdna.vcc)
    %hb = cdna.v_mov_b32 %b_hi implicit(%ex : exec) : (!cdna.sgpr<s7>) -> !cdna.vgpr<v7>
    cdna.s_nop 0
    %pb1, %cb1 = cdna.v_addc_co_u32 0, %hb, %cb implicit(%ex : exec) : (!cdna.vgpr<v7>, !cdna.vcc) -> (!cdna.vgpr<v7>, !cdna.vcc)
    %pb = cdna.build %pb0, %pb1 : !cdna.vgpr<v6>, !cdna.vgpr<v7> -> !cdna.vgpr<v[6:7]>
    %pc0, %cc = cdna.v_add_co_u32 %c_lo, %off implicit(%ex : exec) : (!cdna.sgpr<s8>, !cdna.vgpr<v2>) -> (!cdna.vgpr<v8>, !cdna.vcc)
    %hc = cdna.v_mov_b32 %c_hi implicit(%ex : exec) : (!cdna.sgpr<s9>) -> !cdna.vgpr<v9>
    cdna.s_nop 0
    %pc1, %cc1 = cdna.v_addc_co_u32 0, %hc, %cc implicit(%ex : exec) : (!cdna.vgpr<v9>, !cdna.vcc) -> (!cdna.vgpr<v9>, !cdna.vcc)
    %pc = cdna.build %pc0, %pc1 : !cdna.vgpr<v8>, !cdna.vgpr<v9> -> !cdna.vgpr<v[8:9]>
    // c[i] = a[i] + b[i]
    %x = cdna.global_load_dword %pa, "off" implicit(%ex : exec) : (!cdna.vgpr<v[4:5]>) -> !cdna.vgpr<v10>
    %y = cdna.global_load_dword %pb, "off" implicit(%ex : exec) : (!cdna.vgpr<v[6:7]>) -> !cdna.vgpr<v11>
    cdna.s_waitcnt 3952                                   // vmcnt(0)
    %z = cdna.v_add_f32 %x, %y implicit(%ex : exec) : (!cdna.vgpr<v10>, !cdna.vgpr<v11>) -> !cdna.vgpr<v12>
    cdna.global_store_dword %pc, %z, "off" implicit(%ex : exec) : (!cdna.vgpr<v[8:9]>, !cdna.vgpr<v12>) -> ()
    cdna.fallthrough ^exit
  ^exit:
    cdna.s_endpgm
  }
}
