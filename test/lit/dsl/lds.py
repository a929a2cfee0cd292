# LDS helpers: J.alloc_lds sizes the kernel's LDS; LDSTensor folds the constant part
# of its coordinates into the ds instructions' offset fields.
# RUN: %python %s | filecheck %s

import numpy as np

import pyhip_mlir as pyhip


@pyhip.jit()
def kernel(J, p_out: "int*"):
    pad = J.alloc_lds(256)
    t = J.LDSTensor([64, 3], "u32")
    v = J.gpr("vu32")
    v[0] = J.lane_id * 10
    t.write("b32", v, J.lane_id, 2)
    J.s_waitcnt(lgkmcnt=0)
    w = J.gpr("vu32")
    t.read("b32", w, J.lane_id, 2)
    J.s_waitcnt(lgkmcnt=0)
    J.global_store_dword(J.lane_id << 2, w, p_out)
    J.free_lds(pad)


print(kernel.ir(debuginfo=False))
# 256 bytes of padding then 64 x 3 dwords: 1024 bytes of LDS
# CHECK: cdna.kernel @kernel {{.*}}lds_bytes = 1024 : i64
# The element (lane, 2) is lane * 12 + 8 bytes into the tensor at 256: the address
# register holds lane * 12, the 264 goes into offset:.
# CHECK: cdna.ds_write_b32 %[[A:.*]], %{{.*}} implicit(%exec : exec) [offset = 264]
# CHECK: cdna.ds_read_b32 %{{.*}} implicit(%exec : exec) [offset = 264]

out = np.zeros(64, dtype=np.int32)
kernel([1], [64], out)
print("read back", out[:4].tolist(), out[63])
# CHECK: read back [0, 10, 20, 30] 630
