"""``hide-karg-loads``: start the kernel's independent work while its arguments load.

Every DSL kernel begins by loading its arguments with ``s_load`` and waiting for them
(``s_waitcnt lgkmcnt(0)``): the scalar loads take hundreds of cycles during which the
wave does nothing. Work after that wait that does not need the arguments — work-item
ids, lane ids, constants, address arithmetic on them — is moved above the wait, in its
original order, so it runs in the shadow of the loads (pyhip's pass of the same name).

An instruction moves when every operand is available before the wait and comes from no
memory operation, and it is plain ALU work: no memory access, wait, barrier, branch,
message, EXEC write, nor a definition of SCC/VCC/M0 that something reads (those are
single registers; moving one definition past another would change what a reader
sees). Only the entry block's top level is scanned. Statistic: ``instructions-hoisted``.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, SSAValue
from xdsl.passes import ModulePass

from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.dialects.cdna.kernel import KernelOp
from pyhip_mlir.dialects.cdna.pseudo import BuildOp, CopyOp, ExtractOp
from pyhip_mlir.dialects.cdna.types import ExecType, SpecialRegType
from pyhip_mlir.transforms.registry import stats
from pyhip_mlir.transforms.waitcnt_model import kind_of

BLOCKING = ("s_waitcnt", "s_barrier", "s_sendmsg", "s_setreg", "s_setprio", "s_sleep", "s_nop",
            "s_endpgm", "s_dcache", "s_icache", "s_trap", "s_setpc", "s_swappc", "s_getpc")


def _movable(op: Operation) -> bool:
    if isinstance(op, ExtractOp | BuildOp | CopyOp):
        return True
    if not isinstance(op, InstOp) or op.successors or kind_of(op) is not None:
        return False
    if op.mnemonic.startswith(BLOCKING):
        return False
    idef = op.instr_def()
    if idef is None or idef.counter:
        return False
    for r in op.results:
        if isinstance(r.type, ExecType):
            return False
        if isinstance(r.type, SpecialRegType) and r.uses:
            return False
    return True


def hoist(block: Block) -> int:
    wait = _karg_wait(block)
    if wait is None:
        return 0
    before: set[SSAValue] = set(block.args)
    from_memory: set[SSAValue] = set()
    for op in block.ops:
        if op is wait:
            break
        before.update(op.results)
        if isinstance(op, InstOp) and kind_of(op) is not None:
            from_memory.update(op.results)
    moved = 0
    op = wait.next_op
    while op is not None:
        nxt = op.next_op
        if _movable(op) and all(v in before and v not in from_memory for v in op.operands):
            op.detach()
            block.insert_op_before(op, wait)
            before.update(op.results)
            moved += 1
        op = nxt
    return moved


def _karg_wait(block: Block) -> InstOp | None:
    """The first wait after the entry block's scalar loads (the kernarg wait)."""
    saw_load = False
    for op in block.ops:
        if isinstance(op, InstOp):
            if op.mnemonic.startswith("s_load"):
                saw_load = True
            elif op.mnemonic == "s_waitcnt":
                return op if saw_load else None
            elif kind_of(op) is not None:
                return None
    return None


@dataclass(frozen=True)
class HideKargLoadsPass(ModulePass):
    """Move argument-independent ALU work above the kernel-argument wait."""

    name = "hide-karg-loads"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        n = 0
        for kernel in op.walk():
            if isinstance(kernel, KernelOp) and kernel.body.blocks:
                n += hoist(kernel.body.blocks.first)  # type: ignore[arg-type]
        stats(self).add("instructions-hoisted", n, "Instructions moved above the kernarg wait")
