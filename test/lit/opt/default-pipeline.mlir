// The JIT's whole default pipeline through pyhip-opt, with the instrumentation: IR
// after every pass, a timing line per pass, every pass's statistics; the result is
// allocated, lowered assembly that clang-22 assembles.
// RUN: pyhip-opt %s --pass-pipeline='builtin.module(remove-dead-bb,a2v,cse,dce,dse,break-down-gprs,hide-karg-loads,hide-dependency,verify-waitcnt,regalloc-linear-scan,lower-structured,insert-nop)' --print-ir-after-all 2>&1 >/dev/null | filecheck %s --check-prefix=IR
// RUN: pyhip-opt %s -p remove-dead-bb,a2v,cse,dce,dse,break-down-gprs,hide-karg-loads,hide-dependency,verify-waitcnt,regalloc-linear-scan,lower-structured,insert-nop --mlir-timing --mlir-pass-statistics 2>&1 >/dev/null | filecheck %s --check-prefix=INFO
// RUN: pyhip-opt %s -p remove-dead-bb,a2v,cse,dce,dse,break-down-gprs,hide-karg-loads,hide-dependency,verify-waitcnt,regalloc-linear-scan,lower-structured,insert-nop -t asm -o %t.s
// RUN: clang-22 -x assembler -target amdgcn-amd-amdhsa -mcpu=gfx942 -c %t.s -o %t.o
// RUN: filecheck %s --check-prefix=ASM < %t.s

// IR: IR Dump After remove-dead-bb
// IR: IR Dump After hide-dependency
// IR: IR Dump After regalloc-linear-scan
// IR: cdna.while %{{.*}} : !cdna.sgpr<s{{[0-9]+}}>
// IR: IR Dump After lower-structured
// IR-NOT: cdna.while
// IR: IR Dump After insert-nop

// INFO: Execution time report
// INFO: regalloc-linear-scan
// INFO-NEXT: lower-structured
// INFO-NEXT: insert-nop
// INFO: Pass statistics report
// INFO: dse
// INFO-NEXT: (S) 1 loads-removed
// INFO: regalloc-linear-scan
// INFO-NEXT: (S) 0 copies-inserted
// INFO: insert-nop

// ASM: s_cbranch_scc0
// ASM: s_branch
// ASM: global_store_dword
cdna.kernel @k {arch = "gfx942", args = [#cdna.karg<"p", "int*", 0, 8>, #cdna.karg<"n", "int", 8, 4>], abi_inputs = ["kernarg_segment_ptr", "workitem_id", "exec"]} {
^entry(%kargs : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %p = cdna.s_load_dwordx2 %kargs, 0 : (!cdna.sgpr<2>) -> !cdna.sgpr<2>
  %n = cdna.s_load_dword %kargs, 8 : (!cdna.sgpr<2>) -> !cdna.sgpr<1>
  cdna.s_waitcnt 49279
  %a = cdna.v_lshlrev_b32 2, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %dead = cdna.global_load_dword %a, %p implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  %i = cdna.s_mov_b32 0 : () -> !cdna.sgpr<1>
  %acc = cdna.v_mov_b32 0 implicit(%exec : exec) : () -> !cdna.vgpr<1>
  %ri, %racc = cdna.while %i, %acc : !cdna.sgpr<1>, !cdna.vgpr<1> -> (!cdna.sgpr<1>, !cdna.vgpr<1>) {
  ^b(%i2 : !cdna.sgpr<1>, %acc2 : !cdna.vgpr<1>):
    %c = cdna.s_cmp_lt_u32 %i2, %n implicit() -> (scc) : (!cdna.sgpr<1>, !cdna.sgpr<1>) -> ()
    cdna.condition(%c : !cdna.scc) %i2, %acc2 : !cdna.sgpr<1>, !cdna.vgpr<1>
  } do {
  ^d(%i3 : !cdna.sgpr<1>, %acc3 : !cdna.vgpr<1>):
    %acc4 = cdna.v_add_u32 %i3, %acc3 implicit(%exec : exec) : (!cdna.sgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
    %i4, %c2 = cdna.s_add_u32 %i3, 1 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
    cdna.yield %i4, %acc4 : !cdna.sgpr<1>, !cdna.vgpr<1>
  }
  cdna.global_store_dword %a, %racc, %p implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.s_waitcnt 3952
  cdna.s_endpgm
}
