"""From a traced kernel to allocated, lowered IR: the pass pipeline, run by the JIT.

The traced module is kept as it is (the SSA interpreter runs it); the pipeline runs on
a clone, with the frontend's variable tags carried over to the clone's values so the
allocator gives each variable one register range.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import SSAValue

from pyhip_mlir.dialects.cdna.kernel import KernelOp


def run_pipeline(module: ModuleOp, kernel: KernelOp, tags: dict[SSAValue, Any],
                 spec: str, statistics: Any = None,
                 after_pass: Callable[[int, str, ModuleOp], None] | None = None,
                 ) -> tuple[ModuleOp, KernelOp]:
    """Clone ``module`` and run the pass pipeline ``spec`` on the clone.

    ``statistics`` (a :class:`StatisticsCollector`) receives the passes' counters;
    ``after_pass(index, name, module)`` sees the IR after each pass (PYHIP_DUMP_DIR).
    """
    from pyhip_mlir.dialects.cdna import make_context
    from pyhip_mlir.transforms.regalloc.hints import set_tags
    from pyhip_mlir.transforms.registry import (
        collect_statistics,
        parse_pipeline,
        running_pass,
    )

    mapping: dict[SSAValue, SSAValue] = {}
    clone = module.clone(value_mapper=mapping)
    new_kernel = next(op for op in clone.walk() if isinstance(op, KernelOp))
    set_tags(new_kernel, {mapping[v]: (var, off) for v, (var, off) in tags.items() if v in mapping})
    from pyhip_mlir.diagnostics import (
        DiagnosticEngine,
        DiagnosticError,
        ReportedError,
        using_engine,
    )

    ctx = make_context()
    engine = DiagnosticEngine(collect=True)
    collecting = (collect_statistics(statistics) if statistics is not None
                  else contextlib.nullcontext())  # else: the caller's collector, if any
    with using_engine(engine), collecting:
        try:
            for i, p in enumerate(parse_pipeline(spec)):
                with running_pass(p.name):
                    p.apply(ctx, clone)
                if after_pass is not None:
                    after_pass(i, p.name, clone)
        except ReportedError:
            errors = [d for d in engine.diagnostics if d.severity == "error"]
            if not errors:
                raise
            first = errors[0]
            if len(errors) > 1:
                first = type(first)(first.severity, first.message + "".join(
                    f"\n{d}" for d in errors[1:]), first.file, first.line, first.col)
            raise DiagnosticError(first) from None
    return clone, new_kernel


def pass_error(e: Exception) -> Exception:
    """A pass's located error as a :class:`DSLError` at the user's line (or ``e``)."""
    from pyhip_mlir.diagnostics import DiagnosticError, OpError, location_of
    from pyhip_mlir.frontend.errors import DSLError
    from pyhip_mlir.frontend.loc import Loc

    if isinstance(e, OpError):
        loc = location_of(e.op)
        where = Loc(loc.filename.data, loc.line.data) if loc is not None else None
        return DSLError(e.message, where)
    if isinstance(e, DiagnosticError):
        d = e.diagnostic
        return DSLError(d.message, Loc(d.file, d.line) if d.file and d.line else None)
    return e
