# J.ExecMask narrows EXEC with s_and_saveexec_b64 and becomes a lane-mask cdna.if on
# the new EXEC: vector instructions inside name that EXEC, the registers written
# inside are the if's results (the other lanes keep their old contents), and EXEC is
# restored after the block. A variable written under the narrowed EXEC keeps its old
# value in the other lanes: cdna.merge_lanes says so (no code; one register for all).
# RUN: %python %s | filecheck %s

import numpy as np

import pyhip_mlir as pyhip


@pyhip.jit()
def kernel(J, p_out: "int*", p_in: "int*", n: "int"):
    addr = J.gpr("vu32")
    addr[0] = J.threadIdx.x[0] << 2
    v = J.gpr("vi32", 7)
    with J.ExecMask(J.threadIdx.x[0] < n):
        J.global_load_dword(v, addr, p_in)
        J.s_waitcnt(vmcnt=0)
        v[0] = v[0] * 3
    J.global_store_dword(addr, v, p_out)


print(kernel.ir(debuginfo=False))
# CHECK-LABEL: cdna.kernel @kernel
# CHECK: %v = cdna.v_mov_b32 7 implicit(%exec : exec)
# CHECK-NEXT: %[[M:.*]] = cdna.v_cmp_lt_u32_e64 %tid_x, %n implicit(%exec : exec)
# CHECK-NEXT: %exec_saved, %[[EX:.*]], %{{.*}} = cdna.s_and_saveexec_b64 %[[M]] implicit(%exec : exec) -> (exec, scc)
# CHECK-NEXT: %[[R:.*]] = cdna.if(%[[EX]] : !cdna.exec) -> (!cdna.vgpr<1>) {
# CHECK-NEXT: %[[L:.*]] = cdna.global_load_dword %addr, %p_in implicit(%[[EX]] : exec)
# CHECK-NEXT: %[[LM:.*]] = cdna.merge_lanes %v, %[[L]] under %[[EX]]
# CHECK-NEXT: cdna.s_waitcnt 3952
# CHECK-NEXT: %[[T:.*]] = cdna.v_mul_lo_u32 %[[LM]], 3 implicit(%[[EX]] : exec)
# CHECK-NEXT: %[[TM:.*]] = cdna.merge_lanes %[[LM]], %[[T]] under %[[EX]]
# CHECK-NEXT: cdna.yield %[[TM]] : !cdna.vgpr<1>
# CHECK-NEXT: } else {
# CHECK-NEXT: cdna.yield %v : !cdna.vgpr<1>
# CHECK-NEXT: }
# CHECK-NEXT: %[[RESTORED:.*]] = cdna.s_mov_b64 %exec_saved : (!cdna.sgpr<2>) -> !cdna.exec
# CHECK-NEXT: cdna.global_store_dword %addr, %[[R]], %p_out implicit(%[[RESTORED]] : exec)

src = np.arange(64, dtype=np.int32) + 100
out = np.zeros(64, dtype=np.int32)
kernel([1], [64], out, src, 10)
print("lanes", out[:12].tolist())
# CHECK: lanes [300, 303, 306, 309, 312, 315, 318, 321, 324, 327, 7, 7]
