"""``insert-waitcnt`` (opt-in): the waits a program without them needs.

For authors who write no ``s_waitcnt`` (pyhip's model is explicit waits, so the default
pipeline only verifies them). Walking the program with the outstanding-memory state of
``waitcnt_model`` (the same one ``verify-waitcnt`` checks against), right before the
first instruction that reads a value whose load may still be outstanding it inserts one
``s_waitcnt`` with the largest counts that complete what that instruction reads: for vm
loads ``vmcnt(k)`` with k the fewest vm operations issued after any of them, for LDS
``lgkmcnt(k)`` likewise, ``lgkmcnt(0)`` for scalar loads. Later reads covered by the
same wait get none. Loops and joins use the conservative states of the fixed point, so
a wait may be larger than strictly needed, never smaller: the output always passes
``verify-waitcnt``. (LLVM's SIInsertWaitcnts is the reference model; issue 7 compares
the two.)

Statistic: ``waits-inserted``.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass

from pyhip_mlir.dialects.cdna.inst import InstOp, inst_class
from pyhip_mlir.dialects.cdna.kernel import KernelOp
from pyhip_mlir.transforms.registry import stats
from pyhip_mlir.transforms.waitcnt_flow import Flow
from pyhip_mlir.transforms.waitcnt_model import CAP, State, encode_waitcnt


def insert_waits(kernel: KernelOp) -> int:
    count = 0

    def visit(op: Operation, state: State) -> None:
        nonlocal count
        if not isinstance(op, InstOp) or op.mnemonic == "s_waitcnt":
            return
        vm = lgkm = None
        for kind, after, *_ in state.conflicts(op):
            if kind == "vm":
                vm = min(after, vm if vm is not None else CAP)
            elif kind == "lds":
                lgkm = min(after, lgkm if lgkm is not None else 15)
            else:
                lgkm = 0
        if vm is None and lgkm is None:
            return
        if lgkm and state.queues["smem"].stamps:
            # LDS completes in order, so lgkmcnt(N) would do, but LLVM's
            # SIInsertWaitcnts waits for 0 when scalar loads share the counter; so do we,
            # so that its check of our output finds nothing to add (docs/hazards.md)
            lgkm = 0
        vmcnt = 63 if vm is None else min(vm, 63)
        lgkmcnt = 15 if lgkm is None else min(lgkm, 15)
        w = inst_class("s_waitcnt")(imm={0: encode_waitcnt(vmcnt, 7, lgkmcnt)})
        w.location = op.location
        op.parent_block().insert_op_before(w, op)  # type: ignore[union-attr]
        state.wait(vmcnt, lgkmcnt)
        count += 1

    Flow(visit).region(list(kernel.body.blocks), State())
    return count


@dataclass(frozen=True)
class InsertWaitcntPass(ModulePass):
    """Insert the s_waitcnt each read of a load's result needs (largest counts)."""

    name = "insert-waitcnt"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        n = sum(insert_waits(k) for k in op.walk() if isinstance(k, KernelOp))
        stats(self).add("waits-inserted", n, "s_waitcnt instructions inserted")
