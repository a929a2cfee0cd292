"""The JIT's pass pipeline as users meet it: errors at their lines, options, dse."""

from __future__ import annotations

import numpy as np
import pytest

import pyhip_mlir as pyhip
from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.transforms.registry import PipelineError, default_pipeline


@pyhip.jit()
def early_read(J, p: "int*"):
    v = J.gpr("vu32")
    J.global_load_dword(v, J.threadIdx.x[0] << 2, p)
    w = J.gpr(v[0] + 1)  # no s_waitcnt before this read
    J.s_waitcnt(vmcnt=0)
    J.global_store_dword(J.threadIdx.x[0] << 2, w, p)


def test_read_before_wait_is_an_error_at_the_users_line() -> None:
    with pytest.raises(DSLError) as info:
        early_read.compiled()
    msg = str(info.value)
    assert msg.startswith(f"{__file__}:17: error: reads 'v' loaded at {__file__}:16")
    assert "needs s_waitcnt vmcnt(0) before this line" in msg
    # the SSA interpreter alone does not model waits: it runs
    out = np.zeros(64, dtype=np.uint32)
    import os

    old = os.environ.get("PYHIP_EMU")
    os.environ["PYHIP_EMU"] = "ssa"
    try:
        early_read([1], [64], out)
    finally:
        if old is not None:
            os.environ["PYHIP_EMU"] = old


def test_disabling_a_pass_that_is_not_in_the_pipeline_is_an_error() -> None:
    with pytest.raises(PipelineError, match="cannot disable frobnicate"):
        default_pipeline(("frobnicate",))
    assert "cse" not in default_pipeline(("cse",)).split(",")


@pyhip.jit()
def dead_loads(J, p: "int*", q: "int*"):
    a = J.gpr("vu32")
    dead = J.gpr("vu32")
    addr = J.gpr(J.threadIdx.x[0] << 2)
    J.global_load_dword(a, addr, p)
    J.global_load_dword(dead, addr, p, offset=256)
    J.s_waitcnt(vmcnt=1)  # completes a: one load (dead) was issued after it
    J.global_store_dword(addr, a, q)
    J.s_waitcnt(vmcnt=0)


def test_dse_deletes_the_dead_load_and_keeps_the_wait_sufficient() -> None:
    module, kernel = dead_loads.compiled()
    text = str(module)
    assert text.count("global_load_dword") == 1
    assert "s_waitcnt 3952" in text  # vmcnt(1) became vmcnt(0)
    p = np.arange(128, dtype=np.uint32)
    q = np.zeros(64, dtype=np.uint32)
    dead_loads([1], [64], p, q)  # both emulators (tests/conftest.py), sanitizer on
    np.testing.assert_array_equal(q, p[:64])
