"""``verify-isa``: check every op against the instruction table, with located errors.

pyhip-opt verifies its input anyway; the pass is for pipelines that build IR in memory
(the JIT) and want the same op-by-op diagnostics at a chosen point of the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from pyhip_mlir.diagnostics import ReportedError, current_engine, verify_module
from pyhip_mlir.transforms.registry import stats


@dataclass(frozen=True)
class VerifyIsaPass(ModulePass):
    """Verify every op (operands, widths, register files, modifiers) against the ISA table."""

    name = "verify-isa"

    max_errors: int = 0
    """Stop after this many errors (0: report them all)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        errors = verify_module(op, current_engine(), max_errors=self.max_errors)
        stats(self).add("ops-checked", sum(1 for _ in op.walk()), "Operations verified")
        if errors:
            raise ReportedError(f"verify-isa: {errors} op(s) failed to verify")
