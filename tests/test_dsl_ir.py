"""Traced IR is ordinary cdna IR: it verifies, and pyhip-opt reads it back unchanged
(with and without locations); values carry their variable tags."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import test_dsl_control as control

from pyhip_mlir.frontend import JitKernel
from pyhip_mlir.tools.pyhip_opt import main

KERNELS: list[tuple[JitKernel, tuple[object, ...]]] = [
    (control.loops, ()),
    (control.per_workgroup, ()),
    (control.raw_break, ()),
    (control.label_loop, ()),
    (control.exec_mask, ()),
    (control.grid_stride, ()),
    (control.set_mask, ()),
]


def _opt(text: str, tmp: Path, *args: str) -> str:
    src = tmp / "k.mlir"
    src.write_text(text)
    out, err = io.StringIO(), io.StringIO()
    rc = main([str(src), *args], stdout=out, stderr=err)
    assert rc == 0, err.getvalue()
    return out.getvalue()


@pytest.mark.parametrize("kernel,args", KERNELS, ids=[k.name for k, _ in KERNELS])
def test_pyhip_opt_reads_traced_ir_back(kernel: JitKernel, args: tuple[object, ...], tmp_path: Path) -> None:
    module, _, _ = kernel.trace(*args)
    module.verify()
    plain = kernel.ir(*args, debuginfo=False)
    assert _opt(plain, tmp_path).strip() == plain.strip()
    located = kernel.ir(*args)
    assert 'loc("' in located and "test_dsl_control.py" in located
    assert _opt(located, tmp_path, "--print-debuginfo").strip() == located.strip()


def test_values_are_tagged_with_their_variable() -> None:
    _, kernel_op, J = control.loops.trace()
    names = {var.name for var, _ in J.tags.values()}
    assert {"s_i", "s_cnt"} <= names
    # s_cnt[1] is written on its own: tagged with offset 1
    assert any(var.name == "s_cnt" and off == 1 for var, off in J.tags.values())
