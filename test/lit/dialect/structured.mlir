// Structured control flow (cdna.if / cdna.while with loop-carried values) and CFG
// kernels with allocated registers round-trip.
// RUN: pyhip-opt %s | pyhip-opt | filecheck %s

// CHECK-LABEL: cdna.kernel @loop
// CHECK: %r = cdna.while %i0 : !cdna.sgpr<1> -> (!cdna.sgpr<1>) {
// CHECK-NEXT: ^{{.*}}(%i: !cdna.sgpr<1>):
// CHECK-NEXT: %c = cdna.s_cmp_lt_u32 %i, 10 implicit() -> (scc) : (!cdna.sgpr<1>) -> ()
// CHECK-NEXT: cdna.condition(%c : !cdna.scc) %i : !cdna.sgpr<1>
// CHECK-NEXT: } do {
// CHECK: cdna.yield %next : !cdna.sgpr<1>
// CHECK: cdna.if(%c2 : !cdna.scc) {
// CHECK: cdna.s_endpgm
cdna.kernel @loop {arch = "gfx942", args = []} {
^entry(%exec : !cdna.exec):
  %i0 = cdna.s_mov_b32 0 : () -> !cdna.sgpr<1>
  %r = cdna.while %i0 : !cdna.sgpr<1> -> (!cdna.sgpr<1>) {
  ^before(%i : !cdna.sgpr<1>):
    %c = cdna.s_cmp_lt_u32 %i, 10 implicit() -> (scc) : (!cdna.sgpr<1>) -> ()
    cdna.condition(%c : !cdna.scc) %i : !cdna.sgpr<1>
  } do {
  ^body(%j : !cdna.sgpr<1>):
    %next, %scc = cdna.s_add_u32 %j, 1 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
    cdna.yield %next : !cdna.sgpr<1>
  }
  %c2 = cdna.s_cmp_eq_u32 %r, 10 implicit() -> (scc) : (!cdna.sgpr<1>) -> ()
  cdna.if(%c2 : !cdna.scc) {
    cdna.s_nop 0
    cdna.yield
  }
  cdna.s_endpgm
}

// CHECK-LABEL: cdna.kernel @cfg
// CHECK-NEXT: ^entry(%ka: !cdna.sgpr<s[0:1]>, %tid: !cdna.vgpr<v0>, %exec: !cdna.exec):
// CHECK-NEXT: %n = cdna.s_load_dword %ka, 0 : (!cdna.sgpr<s[0:1]>) -> !cdna.sgpr<s4>
// CHECK: cdna.s_cbranch_scc1 ^[[DONE:.*]], ^[[NEXT:.*]] implicit(%c : scc)
// CHECK-NEXT: ^[[NEXT]]:
// CHECK-NEXT: %v = cdna.v_mov_b32 %n implicit(%exec : exec) : (!cdna.sgpr<s4>) -> !cdna.vgpr<v1>
// CHECK-NEXT: cdna.fallthrough ^[[DONE]]
// CHECK-NEXT: ^[[DONE]]:
// CHECK-NEXT: cdna.s_endpgm
cdna.kernel @cfg {arch = "gfx942", args = [#cdna.karg<"n", "int", 0, 4>],
                  abi_inputs = ["kernarg_segment_ptr", "workitem_id", "exec"]} {
^entry(%ka : !cdna.sgpr<s[0:1]>, %tid : !cdna.vgpr<v0>, %exec : !cdna.exec):
  %n = cdna.s_load_dword %ka, 0 : (!cdna.sgpr<s[0:1]>) -> !cdna.sgpr<s4>
  cdna.s_waitcnt 0
  %c = cdna.s_cmp_eq_u32 %n, 0 implicit() -> (scc) : (!cdna.sgpr<s4>) -> ()
  cdna.s_cbranch_scc1 ^done, ^next implicit(%c : scc)
^next:
  %v = cdna.v_mov_b32 %n implicit(%exec : exec) : (!cdna.sgpr<s4>) -> !cdna.vgpr<v1>
  cdna.fallthrough ^done
^done:
  cdna.s_endpgm
}
