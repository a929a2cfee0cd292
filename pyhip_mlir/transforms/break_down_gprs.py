"""``break-down-gprs``: register arrays only where an instruction needs them whole.

pyhip allocated every ``J.gpr`` array as one block of registers, used or not, and its
pass split arrays into the parts used independently. Here SSA construction already
keeps every dword of a variable as its own value (``frontend/ssa.py``); a wide value
exists only where an instruction reads or writes the range whole, or where the
frontend joins parts with ``cdna.build``. What is left to split: a ``cdna.extract`` of a
``cdna.build`` reads the parts themselves (one part, or a ``build`` of the parts it
covers), and chains of extracts collapse into one. A build nobody reads then goes, so
its parts no longer need neighbouring registers. A wide instruction result stays wide
(the instruction writes all of it).

Statistic: ``values-split`` (extracts rewired to the parts).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import SSAValue
from xdsl.passes import ModulePass

from pyhip_mlir.dialects.cdna.kernel import KernelOp
from pyhip_mlir.dialects.cdna.pseudo import BuildOp, ExtractOp
from pyhip_mlir.dialects.cdna.types import dwords_of
from pyhip_mlir.transforms.registry import stats


def _parts_covering(build: BuildOp, lo: int, width: int) -> list[SSAValue] | None:
    """The build's operands that exactly cover dwords lo..lo+width-1, if any do."""
    out: list[SSAValue] = []
    at = 0
    for p in build.parts:
        w = dwords_of(p.type) or 1
        if at >= lo and at + w <= lo + width:
            out.append(p)
        elif at < lo + width and at + w > lo:
            return None  # a part straddles the range's edge
        at += w
    return out or None


def _replace(op: ExtractOp, new: SSAValue | BuildOp | ExtractOp) -> None:
    """Uses of ``op`` read ``new`` (a value, or an op inserted in ``op``'s place)."""
    if isinstance(new, BuildOp | ExtractOp):
        new.location = op.location
        op.parent_block().insert_op_before(new, op)  # type: ignore[union-attr]
        new = new.res
    op.res.replace_all_uses_with(new)
    op.detach()
    op.erase()


def split(kernel: KernelOp) -> int:
    n = 0
    for op in list(kernel.walk()):
        if not isinstance(op, ExtractOp):
            continue
        src, lo = op.src, op.offset.data
        while isinstance(src.owner, ExtractOp):  # extract of extract: one extract
            lo += src.owner.offset.data
            src = src.owner.src
        width = dwords_of(op.res.type) or 1
        if isinstance(src.owner, BuildOp):
            parts = _parts_covering(src.owner, lo, width)
            if parts is None:
                continue
            _replace(op, parts[0] if len(parts) == 1 else BuildOp(parts, op.res.type))
            n += 1
        elif src is not op.src:
            _replace(op, ExtractOp(src, lo, op.res.type))
            n += 1
    # builds nobody reads any more
    for op in list(kernel.walk()):
        if isinstance(op, BuildOp | ExtractOp) and not op.res.uses:
            op.detach()
            op.erase()
    return n


@dataclass(frozen=True)
class BreakDownGprsPass(ModulePass):
    """Read parts of built register arrays directly; drop builds nobody needs."""

    name = "break-down-gprs"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        n = sum(split(k) for k in op.walk() if isinstance(k, KernelOp))
        stats(self).add("values-split", n, "Extracts of built arrays rewired to the parts")
