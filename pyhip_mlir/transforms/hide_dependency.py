"""``hide-dependency``: latency-aware list scheduling inside straight-line stretches.

pyhip's pass sank a memory instruction below up to three VALU instructions; this one
generalizes it: within each stretch of a block between *fences*, instructions are
re-issued greedily by the longest latency path to the stretch's end, so that long
producers (memory, transcendental, MFMA) start early and their consumers move later.
Latencies come from the instruction table's latency classes (``LATENCY``).

Fences (nothing moves across them, they stay in place): ``s_waitcnt``, barriers,
messages, ``s_setreg``/``s_nop``/``s_sleep``, branches, structured ops, terminators, and
any instruction writing EXEC. Inside a stretch the order constraints are edges:

* SSA: a definition before its uses (EXEC/VCC/SCC/M0 values included);
* memory: all memory instructions keep their order, so every wait count stays right;
* SCC, VCC and M0 are single registers: the instructions defining or reading one keep
  their relative order;
* registers shared by construction: the old value of a ``cdna.merge_lanes`` is defined,
  and every other read of it done, before the instruction that overwrites its lanes
  (they share one register).

Statistic: ``instructions-moved`` (instructions whose position changed).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.traits import IsTerminator

from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.dialects.cdna.kernel import KernelOp
from pyhip_mlir.dialects.cdna.pseudo import IfOp, MergeLanesOp, WhileOp
from pyhip_mlir.dialects.cdna.types import ExecType, SpecialRegType
from pyhip_mlir.transforms.hide_karg_loads import BLOCKING
from pyhip_mlir.transforms.registry import stats
from pyhip_mlir.transforms.waitcnt_model import kind_of

# Issue-to-result latency in cycles per table latency class (rough MI300 figures; only
# their order matters for the schedule).
LATENCY: dict[str, int] = {
    "salu": 1, "valu": 4, "trans": 8, "dot": 8, "mfma": 32, "smem": 100,
    "vmem": 500, "lds": 64,
}
SPECIALS = ("scc", "vcc", "m0")


def _is_fence(op: Operation) -> bool:
    if isinstance(op, IfOp | WhileOp) or op.has_trait(IsTerminator):
        return True
    if isinstance(op, InstOp):
        if op.successors or op.mnemonic.startswith(BLOCKING):
            return True
        if any(isinstance(r.type, ExecType) for r in op.results):
            return True
    return False


def _latency(op: Operation) -> int:
    if not isinstance(op, InstOp):
        return 0
    idef = op.instr_def()
    if idef is None:
        return 1
    if idef.latency == "mfma":
        return 4 * int(idef.mfma_passes or 8)
    return LATENCY.get(idef.latency, 1)


def _specials(op: Operation) -> set[str]:
    out = set()
    for v in (*op.operands, *op.results):
        if isinstance(v.type, SpecialRegType) and v.type.reg in SPECIALS:
            out.add(v.type.reg)
    return out


def _tied_inputs(op: Operation) -> list[SSAValue]:
    if isinstance(op, MergeLanesOp):
        return [op.old]
    return []


def schedule(ops: list[Operation]) -> list[Operation]:
    """A dependence-respecting order of ``ops`` (one stretch), longest path first."""
    n = len(ops)
    if n < 2:
        return ops
    index = {op: i for i, op in enumerate(ops)}
    succs: list[list[int]] = [[] for _ in range(n)]
    npred = [0] * n

    def edge(a: int, b: int) -> None:
        if a != b:
            succs[a].append(b)
            npred[b] += 1

    last_mem = -1
    last_special: dict[str, int] = {}
    for i, op in enumerate(ops):
        for v in op.operands:
            d = v.owner
            j = index.get(d) if isinstance(d, Operation) else None
            if j is not None:
                edge(j, i)
        if isinstance(op, InstOp) and kind_of(op) is not None:
            if last_mem >= 0:
                edge(last_mem, i)
            last_mem = i
        for s in _specials(op):
            if s in last_special:
                edge(last_special[s], i)
            last_special[s] = i
    # reads of an old value stay before the instruction that overwrites its register
    for i, op in enumerate(ops):
        for old in _tied_inputs(op):
            writer = op.operands[1].owner if isinstance(op, MergeLanesOp) else op
            w = index.get(writer) if isinstance(writer, Operation) else None
            if w is None:
                continue
            d = index.get(old.owner) if isinstance(old.owner, Operation) else None
            if d is not None and d != w:
                edge(d, w)  # the old value exists before its register is overwritten
            for use in old.uses:
                u = index.get(use.operation)
                if u is not None and u != i and u != w and u < i:
                    edge(u, w)
    prio = [0] * n
    for i in range(n - 1, -1, -1):
        best = max((prio[s] for s in succs[i]), default=0)
        prio[i] = _latency(ops[i]) + best
    ready = [(-prio[i], i) for i in range(n) if npred[i] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        _, i = heapq.heappop(ready)
        order.append(i)
        for s in succs[i]:
            npred[s] -= 1
            if npred[s] == 0:
                heapq.heappush(ready, (-prio[s], s))
    if len(order) != n:  # a cycle means a bug in the edges: keep the original order
        return ops
    return [ops[i] for i in order]


def schedule_block(block: Block) -> int:
    moved = 0
    stretch: list[Operation] = []
    for op in list(block.ops):
        if _is_fence(op):
            moved += _emit(stretch, op)
            stretch = []
            for r in op.regions:
                for b in r.blocks:
                    moved += schedule_block(b)
        else:
            stretch.append(op)
    if stretch:
        moved += _emit(stretch, None)
    return moved


def _emit(stretch: list[Operation], fence: Operation | None) -> int:
    if len(stretch) < 2:
        return 0
    new = schedule(stretch)
    moved = sum(1 for a, b in zip(stretch, new, strict=True) if a is not b)
    if not moved:
        return 0
    block = stretch[0].parent_block()
    assert block is not None
    for op in stretch:
        op.detach()
    for op in new:
        if fence is not None:
            block.insert_op_before(op, fence)
        else:
            block.add_op(op)
    return moved


@dataclass(frozen=True)
class HideDependencyPass(ModulePass):
    """List-schedule straight-line code so long-latency results are waited on later."""

    name = "hide-dependency"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        n = 0
        for kernel in op.walk():
            if isinstance(kernel, KernelOp):
                for b in kernel.body.blocks:
                    n += schedule_block(b)
        stats(self).add("instructions-moved", n, "Instructions whose position changed")
