// Both pipeline spellings run the same passes; options are {name=value}; unknown
// options are a located error.
// RUN: pyhip-opt %s --pass-pipeline='builtin.module(cse,dce)' | filecheck %s
// RUN: pyhip-opt %s -p 'cse,dce' | filecheck %s
// RUN: pyhip-opt %s -p 'canonicalize,verify-isa{max-errors=3},cse' | filecheck %s
// RUN: pyhip-opt %s --pass-pipeline='builtin.module(verify-isa{max-errors=1})' | filecheck %s --check-prefix=SAME
// RUN: %expect-exit 1 pyhip-opt %s -p 'cse{nonsense=1}' 2>&1 | filecheck %s --check-prefix=BADOPT

// CHECK: %a = cdna.v_add_u32 5, %tid
// CHECK-NEXT: %c = cdna.v_mul_lo_u32 %a, %a
// SAME: %b = cdna.v_add_u32 5, %tid
// BADOPT: <pass-pipeline>:1:1: error: bad options for pass 'cse':
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %b = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %c = cdna.v_mul_lo_u32 %a, %b implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.global_store_dword %tid, %c, %ka implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_endpgm
}
