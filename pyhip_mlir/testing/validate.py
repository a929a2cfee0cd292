"""Translation validation: a pass must not change what a program writes to memory.

``validate(spec, seed)`` traces random program ``seed`` (``randprog``), runs it on the SSA
interpreter, runs the pass pipeline ``spec`` on a clone of its module, verifies the
result and runs it again: every output word must be equal. Pipelines that end in
allocated, lowered code (``insert-nop`` or ``lower-structured`` in them) run on the
machine emulator instead (assembled by clang, with the sanitizer's wait and hazard
checks). A failure is minimized (delta debugging over the program's statements) and
reported with the seed, the pipeline and the smallest program's IR.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from pyhip_mlir.testing import randprog


@dataclass
class Result:
    seed: int
    size: int
    spec: str
    ok: bool
    message: str = ""
    keep: tuple[int, ...] | None = None
    ir: str = ""
    details: list[str] = field(default_factory=list)

    def report(self) -> str:
        head = (f"translation validation failed: pipeline '{self.spec}', seed {self.seed}, "
                f"size {self.size}, statements kept {self.keep}\n{self.message}")
        return head + ("\n--- minimized program (before the pipeline) ---\n" + self.ir if self.ir else "")


@lru_cache(maxsize=64)
def _traced(seed: int, size: int, keep: tuple[int, ...] | None) -> tuple:
    return randprog.kernel_for(seed, size, keep).trace()


@lru_cache(maxsize=64)
def _reference(seed: int, size: int, keep: tuple[int, ...] | None) -> bytes:
    from pyhip_mlir.emulator.ssa import interpret

    _, kernel, _ = _traced(seed, size, keep)
    p_in, p_out, n = randprog.inputs(seed)
    interpret(kernel, [1], [randprog.LANES], p_in, p_out, n)
    return p_out.tobytes()


def _after(seed: int, size: int, keep: tuple[int, ...] | None, spec: str) -> bytes:
    from pyhip_mlir.emulator.api import launch
    from pyhip_mlir.emulator.ssa import interpret
    from pyhip_mlir.frontend.compile import run_pipeline

    module0, kernel0, J = _traced(seed, size, keep)
    module, kernel = run_pipeline(module0, kernel0, J.tags, spec)
    module.verify()
    p_in, p_out, n = randprog.inputs(seed)
    if "lower-structured" in spec:
        launch(kernel, [1], [randprog.LANES], p_in, p_out, n)
    else:
        interpret(kernel, [1], [randprog.LANES], p_in, p_out, n)
    return p_out.tobytes()


def _check(seed: int, size: int, keep: tuple[int, ...] | None, spec: str) -> str | None:
    """None if the pipeline preserves the program, else what went wrong."""
    try:
        want = _reference(seed, size, keep)
    except Exception as e:  # the program itself does not trace or run: a generator bug
        return f"reference run failed: {type(e).__name__}: {e}"
    try:
        got = _after(seed, size, keep, spec)
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    if got != want:
        a = np.frombuffer(want, dtype=np.int32)
        b = np.frombuffer(got, dtype=np.int32)
        bad = np.nonzero(a != b)[0]
        w = bad[0]
        return (f"{len(bad)} output word(s) differ; first at word {w} (variable {w // randprog.LANES}, "
                f"lane {w % randprog.LANES}): expected {a[w]}, got {b[w]}")
    return None


def validate(spec: str, seed: int, size: int = 16, minimize: bool = True) -> Result:
    problem = _check(seed, size, None, spec)
    if problem is None:
        return Result(seed, size, spec, True)
    keep = tuple(range(size))
    if minimize:
        keep = _minimize(seed, size, spec, keep)
        problem = _check(seed, size, keep, spec) or problem
    ir = ""
    try:
        ir = randprog.kernel_for(seed, size, keep).ir(debuginfo=False)
    except Exception as e:  # noqa: BLE001 (best effort: the report says why)
        ir = f"(cannot print: {e})"
    return Result(seed, size, spec, False, problem, keep, ir)


def _minimize(seed: int, size: int, spec: str, keep: tuple[int, ...]) -> tuple[int, ...]:
    """Delta debugging: drop chunks of statements while the failure remains."""
    chunk = max(1, len(keep) // 2)
    while chunk >= 1:
        i = 0
        changed = False
        while i < len(keep):
            trial = keep[:i] + keep[i + chunk:]
            if trial and _check(seed, size, trial, spec) is not None:
                keep = trial
                changed = True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    return keep
