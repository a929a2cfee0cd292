"""Register variables, views and launch geometry on the SSA interpreter.

N-D shapes with pyhip's inclusive slices, per-element initializers, 64-bit dtypes,
threadIdx.x/y/z of a 3-D workgroup with blockIdx.x/y/z, lane_id and warp_id, and
pointers passed as numpy arrays, torch tensors or raw integer addresses.
"""

from __future__ import annotations

import numpy as np
import torch

import pyhip_mlir as pyhip


@pyhip.jit()
def views(J, p: "int*"):
    g = J.gpr(2, 3, "si32", 1, 2, 3, 4, 5, 6)  # per-element initializers, row-major
    g[1, 0:1] = g[0, 1:2]  # inclusive slices: two elements each
    out = J.gpr(6, "si32")
    for k in range(6):
        out[k] = g[k // 3, k % 3] * 10
    J.s_store_dwordx4(out[0:3], p, 0)
    J.s_store_dwordx2(out[4:5], p, 16)
    J.s_waitcnt(lgkmcnt=0)


def test_nd_views_and_inclusive_slices() -> None:
    out = np.zeros(6, dtype=np.int32)
    views([1], [64], out)
    assert out.tolist() == [10, 20, 30, 20, 30, 60]


@pyhip.jit()
def wide(J, p: "int64_t*", a: "int64_t"):
    x = J.gpr(2, "si64", 5)  # two 64-bit elements: four SGPRs
    x[1] = x[0] + a
    J.s_store_dwordx4(x, p, 0)
    J.s_waitcnt(lgkmcnt=0)


def test_64bit_elements() -> None:
    out = np.zeros(2, dtype=np.int64)
    wide([1], [64], out, -(2**40))
    assert out.tolist() == [5, 5 - 2**40]


@pyhip.jit(workgroup_size=[4, 8, 2])
def geometry(J, p: "int*"):
    # one dword per work-item: (tz * 8 + ty) * 4 + tx within the workgroup, plus its
    # workgroup's base; the value packs every id
    flat = J.gpr("vu32")
    flat[0] = (J.threadIdx.z * 8 + J.threadIdx.y) * 4 + J.threadIdx.x
    wg = J.gpr("su32")
    wg[0] = (J.blockIdx.z * 3 + J.blockIdx.y) * 2 + J.blockIdx.x
    val = J.gpr("vu32")
    val[0] = (((wg[0] * 64 + flat[0]) * 64 + J.lane_id) * 2 + J.warp_id) * J.blockDim.x
    addr = J.gpr("vu32")
    addr[0] = (wg[0] * 64 + flat[0]) << 2
    J.global_store_dword(addr, val, p)


def test_threadidx_blockidx_3d() -> None:
    out = np.zeros(2 * 3 * 4 * 64, dtype=np.int32)
    geometry([2, 3, 4], [4, 8, 2], out)
    ref = np.zeros_like(out)
    for bz in range(4):
        for by in range(3):
            for bx in range(2):
                wg = (bz * 3 + by) * 2 + bx
                for tz in range(2):
                    for ty in range(8):
                        for tx in range(4):
                            flat = (tz * 8 + ty) * 4 + tx
                            lane, warp = flat % 64, flat // 64
                            ref[wg * 64 + flat] = (((wg * 64 + flat) * 64 + lane) * 2 + warp) * 4
    np.testing.assert_array_equal(out, ref)


@pyhip.jit()
def store_lane(J, p: "int*"):
    J.global_store_dword(J.lane_id << 2, J.lane_id, p)


def test_pointer_kinds() -> None:
    a = np.zeros(64, dtype=np.int32)
    store_lane([1], [64], a)
    t = torch.zeros(64, dtype=torch.int32)
    store_lane([1], [64], t)
    raw = np.zeros(64, dtype=np.int32)
    store_lane([1], [64], raw.ctypes.data)  # a raw address
    for got in (a, t.numpy(), raw):
        assert got.tolist() == list(range(64))
