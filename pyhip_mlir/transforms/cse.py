"""``cse``: xDSL's common subexpression elimination, made right for special registers.

Two identical pure instructions on the same SSA operands compute the same value —
the operands include the EXEC, VCC, SCC or M0 value they read, so they only merge
under the same ones — and xDSL's pass merges them. But SCC, VCC, EXEC and M0 are
single registers: if the later instruction also *defines* one of them (``s_add_u32``
writes SCC, ``v_add_co_u32`` writes VCC) and someone reads that definition, replacing
it by the earlier instruction's would make the reader see the earlier definition
across whatever overwrote the register in between. So a duplicate whose
special-register results are read is kept; one whose special results are unused
merges as before (removing it removes a dead definition only). Memory instructions,
waits, barriers and other side effects are never merged or deleted (their effects,
``dialects/cdna/inst.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, Region
from xdsl.passes import ModulePass
from xdsl.transforms.common_subexpression_elimination import (
    CSEDriver,
    KnownOps,
    OperationInfo,
)

from pyhip_mlir.dialects.cdna.types import SpecialRegType


class _ScopedKnownOps(KnownOps):
    """KnownOps for a nested region: its own table plus a link to the enclosing one.

    xDSL copies the whole enclosing table for every region, which is quadratic in a
    kernel with thousands of ``cdna.if`` regions; a chain costs O(nesting depth)."""

    def __init__(self, parent: KnownOps | None = None):
        self._known_ops = {}
        self._parent = parent

    def _find(self, info: OperationInfo) -> Operation | None:
        scope: KnownOps | None = self
        while scope is not None:
            hit = scope._known_ops.get(info)
            if hit is not None:
                return hit
            scope = getattr(scope, "_parent", None)
        return None

    def __getitem__(self, k: Operation) -> Operation:
        hit = self._find(OperationInfo(k))
        if hit is None:
            raise KeyError(k)
        return hit

    def __contains__(self, k: Operation) -> bool:
        return self._find(OperationInfo(k)) is not None

    def get(self, k: Operation, default: object = None) -> object:
        hit = self._find(OperationInfo(k))
        return default if hit is None else hit

    def pop(self, k: Operation) -> Operation:
        return self._known_ops.pop(OperationInfo(k))


class _IsaCSEDriver(CSEDriver):
    def _simplify_region(self, region: Region) -> None:
        if len(region.blocks) != 1:
            return
        old_scope = self._known_ops
        self._known_ops = _ScopedKnownOps(old_scope)
        self._simplify_block(region.block)
        self._known_ops = old_scope

    def _replace_and_delete(self, op: Operation, existing: Operation) -> None:
        if any(isinstance(r.type, SpecialRegType) and r.uses for r in op.results):
            return  # its SCC/VCC/EXEC/M0 definition is read: it must stay where it is
        super()._replace_and_delete(op, existing)


@dataclass(frozen=True)
class CSEPass(ModulePass):
    """Merge identical pure instructions (never a special-register definition in use)."""

    name = "cse"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        _IsaCSEDriver().simplify(op)
