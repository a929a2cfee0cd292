"""The ``cdna`` dialect object and a context that knows every mnemonic.

Instruction ops are created on demand: :class:`CdnaContext` resolves an unknown
``cdna.<name>`` to :func:`inst_class(name) <pyhip_mlir.dialects.cdna.inst.inst_class>`
when ``name`` is a mnemonic of any supported architecture, so parsing a file that
uses 30 mnemonics builds 30 classes, not 2,000.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.context import Context
from xdsl.ir import Dialect, Operation

from pyhip_mlir.dialects.cdna.inst import inst_class
from pyhip_mlir.dialects.cdna.kernel import KernelArgAttr, KernelOp
from pyhip_mlir.dialects.cdna.pseudo import (
    BuildOp,
    ConditionOp,
    CopyOp,
    ExtractOp,
    FallthroughOp,
    GetRegOp,
    IfOp,
    MergeLanesOp,
    ParallelCopyOp,
    WhileOp,
    YieldOp,
)
from pyhip_mlir.dialects.cdna.types import (
    AGPRType,
    ExecType,
    M0Type,
    SCCType,
    SGPRType,
    VCCType,
    VGPRType,
)
from pyhip_mlir.dialects.cdna.undef import UndefOp

CDNA = Dialect(
    "cdna",
    [
        KernelOp,
        GetRegOp,
        CopyOp,
        ParallelCopyOp,
        MergeLanesOp,
        BuildOp,
        ExtractOp,
        FallthroughOp,
        IfOp,
        WhileOp,
        YieldOp,
        ConditionOp,
        UndefOp,
    ],
    [SGPRType, VGPRType, AGPRType, ExecType, VCCType, SCCType, M0Type, KernelArgAttr],
)


def is_mnemonic(name: str) -> bool:
    """Whether ``name`` is a mnemonic of any architecture (default arch's table first,
    so the common case loads one table)."""
    from pyhip_mlir.dialects.isa.table import ARCHS, DEFAULT_ARCH, get_table

    return any(name in get_table(a) for a in (DEFAULT_ARCH, *ARCHS))


class CdnaContext(Context):
    """An xDSL context that materialises ``cdna.<mnemonic>`` op classes lazily."""

    def get_optional_op(
        self, name: str, *, dialect_stack: Sequence[str] = ()
    ) -> type[Operation] | None:
        if name.startswith("cdna.") and name not in self._loaded_ops:
            mnemonic = name[len("cdna.") :]
            if is_mnemonic(mnemonic):
                self._loaded_ops[name] = inst_class(mnemonic)
        return super().get_optional_op(name, dialect_stack=dialect_stack)


def make_context(*, allow_unregistered: bool = False) -> CdnaContext:
    """A context with builtin and cdna loaded (what pyhip-opt and the JIT use)."""
    from xdsl.dialects.builtin import Builtin

    ctx = CdnaContext(allow_unregistered=allow_unregistered)
    ctx.load_dialect(Builtin)
    ctx.load_dialect(CDNA)
    return ctx
