"""DSL misuse: every mistake is a DSLError naming the problem, located at the user's line.

Each kernel marks the offending line with ``# <- error``; the test checks that the
error's location is exactly that line of this file, and that the message says what is
wrong (and, for near-miss mnemonics, what was meant).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import pyhip_mlir as pyhip
from pyhip_mlir.frontend import DSLError


def _marked_line(fn: Callable[..., Any]) -> int:
    lines, first = inspect.getsourcelines(fn)
    hits = [first + i for i, text in enumerate(lines) if "# <- error" in text]
    assert len(hits) == 1, "mark exactly one line"
    return hits[0]


def _error(fn: Callable[..., Any], *compile_args: Any) -> DSLError:
    kernel = pyhip.jit()(fn)
    with pytest.raises(DSLError) as info:
        kernel.ir(*compile_args)
    err = info.value
    assert err.loc is not None, str(err)
    assert err.loc.file == __file__, str(err)
    assert err.loc.line == _marked_line(fn), str(err)
    assert str(err).startswith(f"{__file__}:{err.loc.line}: error: ")
    # the error is raised from the jit boundary, not from deep inside the frontend
    assert err.__traceback__ is None or all(
        "pyhip_mlir/frontend/lower.py" not in f.filename
        for f in inspect.getinnerframes(err.__traceback__)
    )
    return err


def test_unknown_mnemonic_suggests() -> None:
    def k(J, p: "float*"):
        a = J.gpr(2, "vf32", 0.0)
        J.v_add_f23(a[0], a[0], a[1])  # <- error

    msg = str(_error(k))
    assert "unknown instruction 'v_add_f23'" in msg and "did you mean v_add_f32" in msg


def test_mnemonic_of_another_arch() -> None:
    def k(J):
        a = J.gpr(2, "vf32", 0.0)
        J.v_cvt_pk_bf16_f32(a[0], a[0], a[1])  # <- error

    assert "exists on gfx950" in str(_error(k))


def test_operand_count() -> None:
    def k(J):
        a = J.gpr(2, "vf32", 0.0)
        J.v_add_f32(a[0], a[1])  # <- error

    assert "missing operand" in str(_error(k))


def test_wrong_register_file() -> None:
    def k(J):
        v = J.gpr("vu32", 1)
        s = J.gpr("su32", 2)
        J.s_add_u32(v, s, 1)  # <- error

    msg = str(_error(k))
    assert "s_add_u32" in msg and "sgpr" in msg


def test_wrong_width() -> None:
    def k(J, p: "int*"):
        v = J.gpr("vu32", 0)
        d = J.gpr("vu32")
        J.global_load_dwordx2(d, v, p)  # <- error

    msg = str(_error(k))
    assert "global_load_dwordx2" in msg and "x2" in msg


def test_modifier_the_instruction_lacks() -> None:
    def k(J):
        a = J.gpr(2, "vf32", 0.0)
        J.v_add_f32(a[0], a[0], a[1], glc=True)  # <- error

    assert "does not take the modifier 'glc'" in str(_error(k))


def test_bad_mod_text() -> None:
    def k(J):
        J.s_waitcnt(mod="vmcnt(0) lgkm(0)")  # <- error

    assert "s_waitcnt" in str(_error(k))


def test_read_before_write() -> None:
    def k(J):
        a = J.gpr("vf32")
        b = J.gpr("vf32")
        b[0] = a[0] + 1.0  # <- error

    assert "'a' is read before it is written" in str(_error(k))


def test_scc_read_before_any_write() -> None:
    def k(J):
        s = J.gpr("su32")
        J.s_cselect_b32(s, 1, 0)  # <- error

    assert "reads scc" in str(_error(k))


def test_unknown_register_type() -> None:
    def k(J):
        J.gpr(4, "vf33")  # <- error

    assert "unknown register type 'vf33'" in str(_error(k))


def test_index_out_of_range() -> None:
    def k(J):
        a = J.gpr(4, "vf32", 0.0)
        a[4] = 1.0  # <- error

    assert "outside 0..3" in str(_error(k))


def test_inclusive_slice_out_of_range() -> None:
    def k(J):
        a = J.gpr(4, "vf32", 0.0)
        a[2:4] = 1.0  # <- error

    assert "inclusive" in str(_error(k))


def test_vector_condition_in_if() -> None:
    def k(J):
        v = J.gpr("vu32", 0)
        with J.If(J.threadIdx.x[0] < 3):  # <- error
            v[0] = 1

    assert "J.ExecMask" in str(_error(k))


def test_label_inside_if() -> None:
    def k(J):
        s = J.gpr("su32", 0)
        with J.If(s[0] == 0):
            J.Label("inner")  # <- error

    assert "top level" in str(_error(k))


def test_jump_to_undefined_label() -> None:
    def k(J):
        J.Jump("nowhere")  # <- error

    assert "'nowhere', which is never defined" in str(_error(k))


def test_label_defined_twice() -> None:
    def k(J):
        J.Label("a")
        J.Label("a")  # <- error

    assert "defined twice" in str(_error(k))


def test_write_to_read_only_register() -> None:
    def k(J):
        J.threadIdx.x[0] = 1  # <- error

    assert "read-only" in str(_error(k))


def test_endpgm_inside_structured_region() -> None:
    def k(J):
        s = J.gpr("su32", 0)
        with J.If(s[0] == 0):
            J.s_endpgm()  # <- error

    assert "s_endpgm inside a J.If" in str(_error(k))


def test_physical_register_text() -> None:
    def k(J):
        a = J.gpr("vu32")
        J.v_mov_b32(a, "v5")  # <- error

    assert "physical register" in str(_error(k))


def test_python_truth_value_of_expression() -> None:
    def k(J):
        s = J.gpr("si32", 0)
        if s[0] < 3:  # <- error
            pass

    assert "no Python truth value" in str(_error(k))


def test_value_only_written_inside_if_is_not_readable_after() -> None:
    def k(J, p: "int*"):
        s = J.gpr("si32", 0)
        t = J.gpr("si32")
        with J.If(s[0] == 0):
            t[0] = 5
        J.s_store_dword(t, p, 0)  # <- error

    assert "written only inside the J.If" in str(_error(k))


def test_float_constant_in_integer_arithmetic() -> None:
    def k(J):
        s = J.gpr("si32", 0)
        s[0] = s[0] + 1.5  # <- error

    assert "float constant" in str(_error(k))


def test_vector_value_into_scalar_register() -> None:
    def k(J):
        s = J.gpr("si32", 0)
        s[0] = J.threadIdx.x[0] + 1  # <- error

    assert "v_readfirstlane_b32" in str(_error(k))


def test_bad_runtime_argument_type() -> None:
    def k(J, x: "struct foo"):  # <- error
        pass

    kernel = pyhip.jit()(k)
    with pytest.raises(DSLError) as info:
        kernel.ir()
    assert "unsupported kernel argument type 'struct foo'" in str(info.value)
    assert info.value.loc is not None and info.value.loc.file == __file__


def test_wrong_number_of_launch_arguments() -> None:
    @pyhip.jit()
    def k(J, n, p: "int*"):
        pass

    with pytest.raises(TypeError, match=re.escape("takes 2 argument(s) after grid and block (n, p)")):
        k([1], [64], np.zeros(4, np.int32))


def test_misspelled_builder_attribute() -> None:
    def k(J):
        J.threadidx.x  # noqa: B018 # <- error

    kernel = pyhip.jit()(k)
    with pytest.raises(AttributeError, match="J has no attribute 'threadidx'; did you mean threadIdx"):
        kernel.ir()


def test_grid_dim_is_not_available_yet() -> None:
    def k(J):
        J.gridDim.x  # noqa: B018 # <- error

    assert "J.gridDim is not available yet" in str(_error(k))


def test_constant_bus_literal_beside_vcc() -> None:
    """VOP2 v_cndmask reads vcc over the constant bus: a literal beside it is two scalar
    values. The DSL says so at the call (it used to surface as a clang error)."""
    def k(J, p: "int*"):
        v = J.gpr("vu32", 5)
        o = J.gpr("vu32")
        J.SetMask("vcc", v[0] < 3)
        J.v_cndmask_b32(o, 0x80000000, v, "vcc")  # <- error
        J.global_store_dword(v, o, p)

    msg = str(_error(k))
    assert "reads 2 scalar values (literal 2147483648, vcc)" in msg and "only 1" in msg


def test_constant_bus_one_sgpr_read_twice_is_fine() -> None:
    @pyhip.jit()
    def k(J, p: "int*", s: "int"):
        o = J.gpr("vu32")
        J.v_add3_u32(o, s, s, 1)
        J.global_store_dword(J.threadIdx.x[0] << 2, o, p)
        J.s_waitcnt(vmcnt=0)

    assert "v_add3_u32" in k.ir()
