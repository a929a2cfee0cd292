"""Control flow of the DSL, run on the SSA interpreter and checked against Python.

Every form: J.If / Else, J.While with a condition and without, break and continue
(pyhip's ``J.Jump(loop["end"], cond)`` and raw ``s_cbranch_scc0`` to a loop label) from
nested blocks, nested loops, J.Label / J.Jump loops (a CFG), J.ExecMask with per-lane
results and early exit, J.SetMask; across several workgroups whose trip counts differ.
"""

from __future__ import annotations

import numpy as np

import pyhip_mlir as pyhip


def _ref_loops(n: int) -> tuple[int, int, int]:
    i, even, odd = 0, 0, 0
    while i < n:
        i += 1
        if i == 10:
            continue
        if i % 2 == 0:
            even += 1
        else:
            odd += 1
        if i == 22:
            break
    return even, odd, i


@pyhip.jit()
def loops(J, p: "int*", n: "int"):
    s_i = J.gpr("si32", 0)
    s_cnt = J.gpr(2, "si32", 0, 0)
    with J.While(s_i[0] < n) as loop:
        s_i[0] = s_i[0] + 1
        J.Jump(loop["begin"], s_i[0] == 10)
        with J.If((s_i[0] & 1) == 0) as branch:
            s_cnt[0] = s_cnt[0] + 1
            branch.Else()
            s_cnt[1] = s_cnt[1] + 1
        J.Jump(loop["end"], s_i[0] == 22)
    J.s_store_dwordx2(s_cnt, p, 0, mod="glc")
    J.s_store_dword(s_i, p, 8, mod="glc")
    J.s_waitcnt(lgkmcnt=0)


def test_while_if_else_break_continue() -> None:
    for n in (0, 1, 9, 10, 11, 21, 22, 23, 40):
        out = np.zeros(3, dtype=np.int32)
        loops([1], [64], out, n)
        assert tuple(out) == _ref_loops(n), n


@pyhip.jit()
def per_workgroup(J, p: "int*"):
    # trip count depends on the workgroup: waves take different paths
    n = J.gpr("su32")
    n[0] = J.blockIdx.x[0] * 3 + 1
    total = J.gpr("su32", 0)
    i = J.gpr("su32", 0)
    with J.While(i[0] < n[0]):
        j = J.gpr("su32", 0)
        with J.While() as inner:
            total[0] = total[0] + j[0]
            j[0] = j[0] + 1
            J.Jump(inner["end"], j[0] >= i[0])
        i[0] = i[0] + 1
    addr = J.gpr(2, "su32")
    addr[:] = p[:] + (J.blockIdx.x[0] << 2)
    J.s_store_dword(total, addr, 0, mod="glc")
    J.s_waitcnt(lgkmcnt=0)


def test_nested_loops_per_workgroup() -> None:
    out = np.full(6, -1, dtype=np.int32)
    per_workgroup([6], [128], out)
    ref = []
    for wg in range(6):
        total = 0
        for i in range(wg * 3 + 1):
            j = 0
            while True:
                total += j
                j += 1
                if j >= i:
                    break
        ref.append(total)
    assert out.tolist() == ref


@pyhip.jit()
def raw_break(J, p: "int*", n: "int"):
    # pyhip's form: an SCC from a compare, then a raw branch to the loop's end label
    s = J.gpr("si32", 0)
    with J.While() as loop:
        s[0] = s[0] + 3
        J.s_cmp_lt_i32(s, n)
        J.s_cbranch_scc0(mod=loop["end"])
    J.s_store_dword(s, p, 0, mod="glc")
    J.s_waitcnt(lgkmcnt=0)


def test_raw_branch_to_loop_label() -> None:
    for n in (1, 3, 4, 100):
        out = np.zeros(1, dtype=np.int32)
        raw_break([1], [64], out, n)
        s = 0
        while True:
            s += 3
            if not s < n:
                break
        assert out[0] == s


@pyhip.jit()
def label_loop(J, p: "int*"):
    # a CFG loop whose trip count differs per workgroup
    s_idx = J.gpr("su32", 0)
    acc = J.gpr("su32", 0)
    lim = J.gpr("su32")
    lim[0] = J.blockIdx.x[0] + 2
    J.Label("top")
    acc[0] = acc[0] + s_idx[0] * s_idx[0]
    s_idx[0] = s_idx[0] + 1
    J.Jump("top", s_idx[0] < lim[0])
    addr = J.gpr(2, "su32")
    addr[:] = p[:] + (J.blockIdx.x[0] << 2)
    J.s_store_dword(acc, addr, 0, mod="glc")
    J.s_waitcnt(lgkmcnt=0)


def test_label_loop_per_workgroup() -> None:
    out = np.zeros(5, dtype=np.int32)
    label_loop([5], [64], out)
    assert out.tolist() == [sum(k * k for k in range(wg + 2)) for wg in range(5)]


@pyhip.jit()
def exec_mask(J, p_out: "int*", p_in: "int*", n: "int"):
    gid = J.gpr("vu32")
    gid[0] = J.blockIdx.x[0] * 64 + J.threadIdx.x[0]
    addr = J.gpr("vu32")
    addr[0] = gid[0] << 2
    v = J.gpr("vi32", 7)
    with J.ExecMask(gid[0] < n):
        J.global_load_dword(v, addr, p_in)
        J.s_waitcnt(vmcnt=0)
        v[0] = v[0] * 3
    # lanes outside the mask kept v = 7
    J.global_store_dword(addr, v, p_out)
    J.s_waitcnt(vmcnt=0)


def test_exec_mask_keeps_other_lanes() -> None:
    rng = np.random.default_rng(1)
    src = rng.integers(-1000, 1000, 256, dtype=np.int32)
    for n in (0, 1, 63, 64, 100, 256):
        out = np.zeros(256, dtype=np.int32)
        exec_mask([4], [64], out, src, n)
        ref = np.where(np.arange(256) < n, src * 3, 7)
        assert (out == ref).all(), n


@pyhip.jit()
def grid_stride(J, p: "int*", count: "int"):
    # pyhip's test_simt: a loop over the array in steps of 64 lanes, the tail masked
    vi = J.gpr(J.threadIdx.x[0])
    vdata = J.gpr("vi32")
    with J.While() as loop:
        with J.ExecMask(vi[0] < count):
            voff = J.gpr(vi[0] << 2)
            J.global_load_dword(vdata, voff, p)
            J.s_waitcnt(vmcnt=0)
            vdata[0] = vdata[0] + 102
            J.global_store_dword(voff, vdata, p)
        J.s_cbranch_scc0(mod=loop["end"])
        vi[0] = vi[0] + 64
    J.s_waitcnt(vmcnt=0)


def test_grid_stride_exec_mask_loop() -> None:
    for count in (0, 1, 64, 318, 640):
        a = np.ones(640, dtype=np.int32)
        grid_stride([1], [64], a, count)
        assert (a[:count] == 103).all() and (a[count:] == 1).all(), count


@pyhip.jit()
def set_mask(J, p: "int*"):
    v = J.gpr("vu32", 0)
    J.SetMask("exec", J.threadIdx.x[0] >= 32)
    v[0] = J.threadIdx.x[0] + 1
    J.s_mov_b64("exec", -1)
    addr = J.gpr(J.threadIdx.x[0] << 2)
    mask = J.gpr(2, "su32")
    J.SetMask(mask, (J.threadIdx.x[0] & 1) == 1)
    odd = J.gpr("vu32")
    J.v_cndmask_b32_e64(odd, 0, 1, mask)
    w = J.gpr("vu32")
    w[0] = odd[0] * 1000
    J.global_store_dword(addr, w, p)
    J.s_waitcnt(vmcnt=0)


def test_set_mask() -> None:
    out = np.zeros(64, dtype=np.int32)
    set_mask([1], [64], out)
    assert out.tolist() == [1000 * (i & 1) for i in range(64)]
