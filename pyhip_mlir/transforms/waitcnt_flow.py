"""Walk a kernel's control flow with a :class:`~waitcnt_model.State` per program point.

Structured ops: an ``if`` runs ``then`` and ``else`` from the same state and joins them
(a lane-mask ``if`` may run both, ``then`` first, so ``else`` starts from the join of
the entry and ``then``'s end); a ``while`` iterates its regions to a fixed point.
Label blocks: a worklist over the CFG with the join of the predecessors' end states.
Each op is shown to ``visit(op, state)`` before its own effect is applied; ``visit``
may only read the state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.ir import Block, Operation, SSAValue
from xdsl.traits import IsTerminator

from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.dialects.cdna.pseudo import (
    BuildOp,
    ConditionOp,
    CopyOp,
    ExtractOp,
    FallthroughOp,
    IfOp,
    MergeLanesOp,
    ParallelCopyOp,
    WhileOp,
    YieldOp,
)
from pyhip_mlir.dialects.cdna.types import ExecType, SCCType
from pyhip_mlir.transforms.waitcnt_model import State, decode_waitcnt, join, kind_of

Visit = Callable[[Operation, State], None]
MAX_ITERATIONS = 16


PASS_THROUGH = (ExtractOp, BuildOp, CopyOp, MergeLanesOp)


def apply_op(op: Operation, state: State) -> None:
    """The effect of one (non-structured) op on the outstanding values."""
    if isinstance(op, PASS_THROUGH):
        srcs = [v for v in op.operands if not isinstance(v.type, ExecType)]
        for r in op.results:
            state.alias(r, srcs)
        return
    if isinstance(op, ParallelCopyOp):
        for s, r in zip(op.operands, op.results, strict=True):
            state.alias(r, [s])
        return
    if not isinstance(op, InstOp):
        return
    if op.mnemonic == "s_waitcnt":
        vm, _, lgkm = decode_waitcnt(int(op.imm_values().get(0, 0)))
        state.wait(vm, lgkm)
        return
    kind = kind_of(op)
    if kind is not None:
        state.issue(op, kind)


class Flow:
    def __init__(self, visit: Visit):
        self.visit = visit

    def ops(self, block: Block, state: State, stop_at_terminator: bool = False) -> State:
        for op in block.ops:
            if isinstance(op, IfOp):
                state = self._if(op, state)
            elif isinstance(op, WhileOp):
                state = self._while(op, state)
            else:
                self.visit(op, state)
                apply_op(op, state)
        return state

    def _if(self, op: IfOp, state: State) -> State:
        self.visit(op, state)
        then_out = self.ops(op.then_region.block, state.copy())
        lane = not isinstance(op.cond.type, SCCType)
        else_in = join(state, then_out) if lane else state.copy()
        else_out = self.ops(op.else_region.block, else_in) if op.else_region.blocks else else_in
        t = _yielded(op.then_region.block)
        e = _yielded(op.else_region.block) if op.else_region.blocks else []
        if lane:  # the result holds the then-value in some lanes, the else-value in others
            for i, r in enumerate(op.res):
                else_out.alias(r, [v[i] for v in (t, e) if i < len(v)])
            return else_out
        for vals, st in ((t, then_out), (e, else_out)):
            for r, v in zip(op.res, vals, strict=False):
                st.alias(r, [v])
        return join(then_out, else_out)

    def _while(self, op: WhileOp, state: State) -> State:
        self.visit(op, state)
        before_args = list(op.before.block.args)
        entry = state.copy()
        _edge(entry, before_args, op.inits)
        cond = op.before.block.last_op
        cond_vals = list(cond.values) if isinstance(cond, ConditionOp) else []
        head_in = entry
        quiet = Flow(lambda o, s: None)
        for _ in range(MAX_ITERATIONS):
            head_out = quiet.ops(op.before.block, head_in.copy())
            body_in = head_out.copy()
            _edge(body_in, list(op.after.block.args), cond_vals)
            body_out = quiet.ops(op.after.block, body_in)
            _edge(body_out, before_args, _yielded(op.after.block))
            new_in = join(entry, body_out)
            if new_in.key() == head_in.key():
                break
            head_in = new_in
        # the fixed point is reached: report once, from the loop's entry state
        head_out = self.ops(op.before.block, head_in.copy())
        body_in = head_out.copy()
        _edge(body_in, list(op.after.block.args), cond_vals)
        self.ops(op.after.block, body_in)
        _edge(head_out, list(op.res), cond_vals)
        return head_out

    def region(self, blocks: list[Block], entry: State) -> None:
        """A kernel body: blocks joined by branches and fall-through."""
        if len(blocks) == 1:
            self.ops(blocks[0], entry)
            return
        preds_out: dict[Block, State] = {}
        in_state: dict[Block, State] = {blocks[0]: entry}
        quiet = Flow(lambda o, s: None)
        work = [blocks[0]]
        rounds = 0
        while work and rounds < MAX_ITERATIONS * len(blocks):
            rounds += 1
            b = work.pop(0)
            out = quiet.ops(b, in_state[b].copy())
            preds_out[b] = out
            for s in _successors(b):
                edge = out.copy()
                _edge(edge, list(s.args), _edge_values(b, s))
                new = edge if s not in in_state else join(in_state[s], edge)
                if s not in in_state or new.key() != in_state[s].key():
                    in_state[s] = new
                    if s not in work:
                        work.append(s)
        for b in blocks:
            if b in in_state:
                self.ops(b, in_state[b].copy())


def _yielded(block: Block) -> list[SSAValue]:
    last = block.last_op
    return list(last.operands) if isinstance(last, YieldOp) else []


def _edge(state: State, targets: Sequence[SSAValue], sources: Sequence[SSAValue]) -> None:
    """Block/region arguments take what the edge passes (parallel: read all first)."""
    pairs = list(zip(targets, sources, strict=False))
    snapshot = state.copy()
    for t, s in pairs:
        state.alias(t, [])
        for k, q in snapshot.queues.items():
            hit = q.stamps.get(s)
            if hit is not None:
                state.queues[k].stamps[t] = hit


def _edge_values(block: Block, succ: Block) -> list[SSAValue]:
    last = block.last_op
    if isinstance(last, FallthroughOp) and last.dest is succ:
        return list(last.args)
    if isinstance(last, InstOp) and last.successors and last.successors[0] is succ:
        return list(last.target_args)
    return []


def _successors(block: Block) -> list[Block]:
    last = block.last_op
    if last is None or not last.has_trait(IsTerminator):
        return [block.next_block] if block.next_block is not None else []
    return list(last.successors)
