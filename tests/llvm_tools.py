"""The LLVM tools the tests use as oracles, and one batch helper for llvm-mc."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

LLVM_MC = shutil.which("llvm-mc-22")
requires_llvm_mc = pytest.mark.skipif(LLVM_MC is None, reason="llvm-mc-22 not installed")
_ERROR_RE = re.compile(r"^<stdin>:(\d+):\d+: error: (.*)$", re.M)


def mc_errors(lines: list[str], arch: str, prelude: str = "") -> dict[int, str]:
    """Assemble ``lines`` in one llvm-mc run; 0-based index of a rejected line -> its error.

    ``prelude`` (one line, e.g. a label definition) goes before the lines.
    """
    assert LLVM_MC is not None
    head = [prelude] if prelude else []
    proc = subprocess.run(
        [LLVM_MC, "-arch=amdgcn", f"-mcpu={arch}", "-show-encoding", "-o", "/dev/null"],
        input="\n".join([*head, *lines]) + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    errors: dict[int, str] = {}
    for m in _ERROR_RE.finditer(proc.stderr):
        errors.setdefault(int(m.group(1)) - 1 - len(head), m.group(2))
    return errors
