"""``remove-dead-bb``: delete the blocks of a kernel that no path from its entry reaches.

pyhip's ``pass_remove_dead_bb``. Code after an unconditional ``s_branch`` (or
``s_endpgm``) that no label jump enters, and everything only such code reaches, can
never run: keeping it costs instruction cache, and it keeps values alive for the
register allocator (a dead block's operands are uses like any other).

Reachability follows the block terminators: ``cdna.fallthrough`` (its ``dest``),
branch instructions (``s_branch``'s target; ``s_cbranch_*``'s target and its
fall-through block; ``s_endpgm`` none). A block that does not end in a terminator
continues into the next block in layout, so that block counts as a successor too.
An indirect branch (``s_setpc_b64``) could go anywhere: a kernel with a reachable one
is left alone.

Why the layout stays valid: ``cdna.fallthrough`` and the fall-through successor of a
conditional branch name the *next* block. If the block holding one is live, so is
that next block, and only dead blocks are removed, so the two stay adjacent.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Region
from xdsl.passes import ModulePass
from xdsl.traits import IsTerminator

from pyhip_mlir.diagnostics import OpError
from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.dialects.cdna.kernel import KernelOp
from pyhip_mlir.transforms.registry import stats


def _successors(block: Block) -> list[Block] | None:
    """Where control goes after ``block``; None when that is unknown (indirect branch)."""
    last = block.last_op
    if last is None or not last.has_trait(IsTerminator):
        nxt = block.next_block
        return [nxt] if nxt is not None else []
    if isinstance(last, InstOp) and not last.successors and not last.mnemonic.startswith("s_endpgm"):
        return None  # s_setpc_b64 and friends: the target is a register
    return list(last.successors)


def reachable_blocks(region: Region) -> set[Block] | None:
    """The blocks of ``region`` some path from its entry reaches (None: unknown)."""
    entry = region.blocks.first
    if entry is None:
        return set()
    seen = {entry}
    work = [entry]
    while work:
        succs = _successors(work.pop())
        if succs is None:
            return None
        for s in succs:
            if s not in seen:
                seen.add(s)
                work.append(s)
    return seen


def remove_dead_blocks(region: Region) -> int:
    """Erase the unreachable blocks of ``region``; returns how many."""
    live = reachable_blocks(region)
    if live is None:
        return 0
    dead = [b for b in region.blocks if b not in live]
    # Drop every reference first: dead blocks may use each other's values and branch
    # to each other (and to live blocks), in any layout order.
    for b in dead:
        for op in b.ops:
            op.drop_all_references()
    for b in dead:
        _check_no_live_uses(b)
    for b in dead:
        region.erase_block(b, safe_erase=False)
    return len(dead)


def _check_no_live_uses(block: Block) -> None:
    """A live op reading a value of a dead block means the input broke dominance."""
    for arg in block.args:
        if arg.uses:
            user = next(iter(arg.uses)).operation
            raise OpError("reads a block argument of an unreachable block", user)
    for op in block.ops:
        for r in op.results:
            if r.uses:
                user = next(iter(r.uses)).operation
                raise OpError("reads a value defined in an unreachable block", user)


@dataclass(frozen=True)
class RemoveDeadBBPass(ModulePass):
    """Remove the blocks of each kernel that no path from the entry block reaches."""

    name = "remove-dead-bb"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        removed = 0
        for kernel in op.walk():
            if isinstance(kernel, KernelOp):
                removed += remove_dead_blocks(kernel.body)
        stats(self).add("blocks-removed", removed, "Unreachable blocks removed")
