# J.Label / J.Jump and raw branches build a CFG; a register written on a back edge
# becomes a block argument of the label block (on-the-fly SSA), passed by the branch
# and by the fall-through into it.
# RUN: %python %s | filecheck %s

import numpy as np

import pyhip_mlir as pyhip


@pyhip.jit()
def count(J, p: "int*", cnt: "int"):
    s_idx = J.gpr("su32"); s_t = J.gpr(2, "su32"); s_o = J.gpr("su32")
    s_idx[0] = 0
    J.Label("bb0")
    s_o[0] = s_idx[0] << 2
    s_t[:] = p[:] + s_o[0]
    J.s_store_dword(cnt, s_t, 0, mod="glc")
    J.s_addk_i32(s_idx, 1)
    J.s_cmp_lt_i32(s_idx, cnt)
    J.s_cbranch_scc0(mod="bb1")
    J.s_branch(mod="bb0")
    J.Label("bb1")
    J.s_waitcnt(mod="lgkmcnt(0)")


print(count.ir(debuginfo=False))
# CHECK-LABEL: cdna.kernel @count
# CHECK: %s_idx = cdna.s_mov_b32 0
# CHECK-NEXT: cdna.fallthrough ^[[LOOP:.*]](%s_idx : !cdna.sgpr<1>)
# CHECK-NEXT: ^[[LOOP]](%[[I:.*]]: !cdna.sgpr<1>):
# CHECK: %[[NEXT:.*]], %{{.*}} = cdna.s_addk_i32 %[[I]], 1
# CHECK-NEXT: %[[C:.*]] = cdna.s_cmp_lt_i32 %[[NEXT]], %cnt
# CHECK-NEXT: cdna.s_cbranch_scc0 ^[[EXIT:.*]], ^[[BACK:.*]] implicit(%[[C]] : scc)
# CHECK-NEXT: ^[[BACK]]:
# CHECK-NEXT: cdna.s_branch ^[[LOOP]](%[[NEXT]] : !cdna.sgpr<1>)
# CHECK-NEXT: ^[[EXIT]]:
# CHECK-NEXT: cdna.s_waitcnt 49279
# CHECK-NEXT: cdna.s_endpgm

out = np.ones(64, dtype=np.int32)
count([1], [64], out, 31)
print("stored", int((out == 31).sum()), int((out == 1).sum()))
# CHECK: stored 31 33


@pyhip.jit()
def loops(J, p: "int*", n: "int"):
    s_i = J.gpr("si32", 0); s_cnt = J.gpr(2, "si32", 0, 0)
    with J.While(s_i[0] < n) as loop:
        s_i[0] = s_i[0] + 1
        J.Jump(loop["begin"], s_i[0] == 10)   # continue
        with J.If((s_i[0] & 1) == 0) as branch:
            s_cnt[0] = s_cnt[0] + 1
            branch.Else()
            s_cnt[1] = s_cnt[1] + 1
        J.Jump(loop["end"], s_i[0] == 22)     # break
    J.s_store_dwordx2(s_cnt, p, 0, mod="glc")
    J.s_store_dword(s_i, p, 8, mod="glc")
    J.s_waitcnt(lgkmcnt=0)


print(loops.ir(debuginfo=False))
# break and continue keep the loop structured: flags carried by the cdna.while, the
# rest of the body under a guard, the condition and-ed with "no break".
# CHECK-LABEL: cdna.kernel @loops
# CHECK: %loop_brk = cdna.s_mov_b32 0
# CHECK-NEXT: cdna.while
# CHECK: cdna.s_cmp_lt_i32
# CHECK-NEXT: %[[T:.*]] = cdna.s_cselect_b32 %[[BRK:.*]], 1
# CHECK-NEXT: %[[GO:.*]] = cdna.s_cmp_eq_u32 %[[T]], 0
# CHECK-NEXT: cdna.condition(%[[GO]] : !cdna.scc)
# CHECK: } do {
# CHECK: %loop_cont{{.*}} = cdna.s_mov_b32 0
# CHECK: cdna.s_cmp_eq_i32 %{{.*}}, 10
# CHECK-NEXT: %[[CONT:.*]] = cdna.s_cselect_b32 1, %loop_cont
# CHECK-NEXT: %[[G:.*]] = cdna.s_cmp_eq_u32 %[[CONT]], 0
# CHECK-NEXT: cdna.if(%[[G]] : !cdna.scc)
# CHECK: } else {
# CHECK: cdna.s_cmp_eq_i32 %{{.*}}, 22
# CHECK-NEXT: cdna.s_cselect_b32 1, %{{.*}}

out = np.zeros(3, dtype=np.int32)
loops([1], [64], out, 31)
print("loops", *out)
# CHECK: loops 10 11 22
