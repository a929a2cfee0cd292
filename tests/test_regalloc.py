"""The register allocator on DSL kernels: budgets, the out-of-registers diagnostic,
zero copies for register-like programs, and results equal to the SSA interpreter's."""

from __future__ import annotations

import re

import numpy as np
import pytest

import pyhip_mlir as pyhip
from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.transforms.registry import StatisticsCollector, collect_statistics, default_pipeline

PIPE = default_pipeline()


def _pipeline(max_vgprs: int) -> str:
    return PIPE.replace("regalloc-linear-scan", f"regalloc-linear-scan{{max-vgprs={max_vgprs}}}")


@pyhip.jit()
def many_live(J, p: "int*", n_vars):
    """``n_vars`` vector variables live at once, plus the address (v0 holds tid)."""
    addr = J.gpr(J.threadIdx.x[0] << 2)
    vs = [J.new_gpr("v", 1, name=f"x{i}") for i in range(n_vars)]
    for k, v in enumerate(vs):
        v[0] = addr[0] + (2 * k + 1)
    total = J.gpr("vu32", 0)
    for v in vs:
        total[0] = total[0] + v[0]
    J.global_store_dword(addr, total, p)
    J.s_waitcnt(vmcnt=0)


def _need(n_vars: int) -> int:
    """VGPRs the default pipeline uses (computed independently of the statistics)."""
    module, _ = many_live.compiled(n_vars, pipeline=PIPE)
    used = 0
    for op in module.walk():
        for r in op.results:
            t = r.type
            if getattr(t, "file", None) == "v" and t.is_allocated:  # type: ignore[attr-defined]
                used = max(used, t.first + t.nregs)  # type: ignore[attr-defined]
    return used


def test_exact_budget_allocates_and_one_less_is_a_diagnostic() -> None:
    n = 12
    need = _need(n)
    _, kernel = many_live.compiled(n, pipeline=_pipeline(need))
    from pyhip_mlir.emulator.api import launch

    out = np.zeros(64, dtype=np.uint32)
    launch(kernel, [1], [64], out)
    addr = np.arange(64, dtype=np.uint32) * 4
    want = sum((i + 1) + addr + i for i in range(n)).astype(np.uint32)
    np.testing.assert_array_equal(out, want)
    with pytest.raises(DSLError) as info:
        many_live.compiled(n, pipeline=_pipeline(need - 1))
    msg = str(info.value)
    assert "test_regalloc.py:" in msg.split("error:")[0]  # at the user's line
    assert f"out of VGPRs: {need} needed here, {need - 1} available" in msg
    live = msg.split("Live here")[1]
    assert "'x0' (1 dword, defined at" in live and "test_regalloc.py:" in live


@pyhip.jit()
def loop_kernel(J, p: "int*", n: "int"):
    acc = J.gpr("vu32", 0)
    i = J.gpr("su32", 0)
    with J.While(i[0] < n):
        acc[0] = acc[0] + i[0]
        with J.If(i[0] > 2):
            acc[0] = acc[0] * 3
        with J.ExecMask(J.threadIdx.x[0] < 7):
            acc[0] = acc[0] + 1
        i[0] = i[0] + 1
    J.global_store_dword(J.threadIdx.x[0] << 2, acc, p)
    J.s_waitcnt(vmcnt=0)


def test_register_like_program_needs_no_copies_and_matches_the_interpreter() -> None:
    col = StatisticsCollector()
    with collect_statistics(col):
        loop_kernel.compiled(pipeline=PIPE + ",verify-isa")
    assert col.by_pass["regalloc-linear-scan"].counters["copies-inserted"] == 0
    from pyhip_mlir.emulator.api import launch
    from pyhip_mlir.emulator.ssa import interpret

    module, kernel, _ = loop_kernel.trace()
    for n in (0, 1, 5):
        a = np.zeros(64, dtype=np.uint32)
        b = np.zeros(64, dtype=np.uint32)
        interpret(kernel, [1], [64], a, n)
        launch(loop_kernel.compiled(pipeline=PIPE)[1], [1], [64], b, n, sanitize=False)
        np.testing.assert_array_equal(a, b)


@pyhip.jit()
def masked_loads(J, p_in: "float*", p_out: "float*", n: "int"):
    """Two masked loads into registers that start equal (cse makes them one value)."""
    src = J.Buffer(p_in, n * 4)
    v = J.gpr(2, "vf32", 0.0)
    for i in range(2):
        with J.ExecMask(J.threadIdx.x[0] + i < n[0]):
            src.load_dword(v[i], J.threadIdx.x[0] << 2, 0)
    J.s_waitcnt(vmcnt=0)
    J.global_store_dwordx2(J.threadIdx.x[0] << 3, v, p_out)
    J.s_waitcnt(vmcnt=0)


def test_masked_load_is_not_copied_before_its_wait() -> None:
    """The else-value copy of a lane-mask if is also the load's merge target: the load
    writes the if's register directly. (A second copy used to be made for the merge and
    the loaded value moved at the yield, reading it before the s_waitcnt.)"""
    asm = masked_loads.asm()
    body = asm.split("masked_loads:")[1].split("s_endpgm")[0]
    for load in re.finditer(r"buffer_load_dword (v\d+)", body):
        reg = load.group(1)
        until_wait = body[load.end():body.index("s_waitcnt vmcnt(0)", load.end())]
        assert not re.search(rf"v_mov_b32 v\d+, {reg}\b", until_wait), body
    x = np.arange(64, dtype=np.float32)
    for n in (0, 1, 64):
        out = np.full((64, 2), -1, dtype=np.float32)
        masked_loads([1], [64], x, out, n)
        tid = np.arange(64)
        np.testing.assert_array_equal(out[:, 0], np.where(tid < n, x, 0))
        np.testing.assert_array_equal(out[:, 1], np.where(tid + 1 < n, x, 0))


@pyhip.jit()
def acc_readout(J, p: "float*"):
    """An MFMA accumulator read out one register at a time, while it stays live."""
    a = J.gpr(2, "vu32", 0x3C003C00)  # f16 1.0 x 2
    acc = J.gpr(16, "af32")
    init = J.gpr("vf32")
    for r in range(16):
        init[0] = float(r)
        J.v_accvgpr_write_b32(acc[r], init)
    J.v_mfma_f32_32x32x8_f16(acc, a, a, acc)
    out = J.gpr("vf32")
    addr = J.gpr(J.threadIdx.x[0] << 2)
    for r in range(16):
        J.v_accvgpr_read_b32(out, acc[r])
        J.global_store_dword(addr, out, p, offset=r * 256)
    J.s_waitcnt(vmcnt=0)


def test_extract_of_a_live_value_is_read_in_place() -> None:
    """Each acc[r] read is an extract of a value that stays live until the last one:
    the extract shares the source's register instead of being copied out first."""
    body = acc_readout.asm().split("v_mfma")[1]
    assert "v_accvgpr_mov" not in body, body
    assert len(set(re.findall(r"v_accvgpr_read_b32 v\d+, (a\d+)", body))) == 16
    out = np.zeros((16, 64), dtype=np.float32)
    acc_readout([1], [64], out)
    # every element of the 32x32 product of ones over k = 8 is 8, plus the initial r
    np.testing.assert_array_equal(out, np.broadcast_to(np.arange(16, dtype=np.float32)[:, None] + 8, (16, 64)))
