"""The kernel as the allocator sees it: numbered program points, a flat CFG, and edges.

Every op gets a position in layout order. Points are doubled so that an op's reads
come before its writes: op ``p`` reads at ``2p`` and writes at ``2p + 1``; a value lives
from the write point of its definition to the read point of its last use, so an
instruction may write a register one of its own sources dies in (``v_add v0, v0, v1``).

Structured ops become linear blocks with the edges the lowering will create:

* ``cdna.if``: the branch (reads the condition), ``then``, ``else``, and the merge point
  where the results are defined. A lane-mask ``if`` runs ``else`` after ``then`` (both may
  run), so ``then -> else`` is an edge too.
* ``cdna.while``: the entry (reads the initial values), ``before`` (its block arguments
  are defined at its start), ``after``, and the exit point (results defined). Edges:
  entry -> before, before -> after, before -> exit, after -> before.

An *edge* is a parallel assignment of values to targets on one control transfer: a
branch or fall-through to a block with arguments, a yield to an if's results or a
while's ``before`` arguments, a condition to ``after``'s arguments and the results, a
while's initial values to ``before``. The allocator gives an edge's source and target one
register when it can, and otherwise inserts a parallel copy at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.ir import Block, Operation, SSAValue
from xdsl.traits import IsTerminator

from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.dialects.cdna.pseudo import ConditionOp, FallthroughOp, IfOp, WhileOp, YieldOp
from pyhip_mlir.dialects.cdna.types import SCCType


@dataclass(eq=False)
class LBlock:
    """A straight run of program points with its successors (for liveness)."""

    start: int  # first op position
    end: int = -1  # last op position (inclusive)
    succs: list[LBlock] = field(default_factory=list)
    defs: list[tuple[SSAValue, int]] = field(default_factory=list)  # (value, write point)
    uses: list[tuple[SSAValue, int]] = field(default_factory=list)  # (value, read point)


@dataclass(eq=False)
class Edge:
    """``targets[i] := sources[i]`` in parallel, at the program point ``pos`` of ``op``."""

    op: Operation  # the op that reads the sources (branch, yield, condition, while)
    pos: int
    sources: list[SSAValue]
    targets: list[SSAValue]


@dataclass(eq=False)
class LaneTie:
    """A lane-mask ``if`` result: the then-value is written per lane into the else-value's
    register, which must therefore be the result's register as well."""

    op: IfOp
    index: int
    then_start: int  # first point of the then-region
    else_end: int  # read point of the else-region's yield


class Linear:
    """Positions, linear blocks and edges of one kernel region."""

    def __init__(self, region_blocks: list[Block]):
        self.ops: list[Operation] = []
        self.pos: dict[Operation, int] = {}
        self.blocks: list[LBlock] = []
        self.edges: list[Edge] = []
        self.lane_ties: list[LaneTie] = []
        self.def_point: dict[SSAValue, int] = {}
        self._entry_of: dict[Block, LBlock] = {}
        pending: list[tuple[LBlock, Block]] = []
        firsts: list[LBlock] = []
        for b in region_blocks:
            first = self._new_block()
            self._entry_of[b] = first
            firsts.append(first)
            for a in b.args:
                self._def(first, a, 2 * self._here())
            last = self._walk_ops(first, b)
            term = b.last_op
            if term is None or not term.has_trait(IsTerminator):
                pending.append((last, b.next_block))  # type: ignore[arg-type]
            else:
                for s in term.successors:
                    pending.append((last, s))
            self._close(last)
        for lb, target in pending:
            if target is not None:
                lb.succs.append(self._entry_of[target])
        self.end = 2 * len(self.ops) + 1

    # --- building --------------------------------------------------------------------

    def _here(self) -> int:
        return len(self.ops)

    def _new_block(self) -> LBlock:
        lb = LBlock(start=self._here())
        self.blocks.append(lb)
        return lb

    def _close(self, lb: LBlock) -> None:
        lb.end = self._here() - 1

    def _place(self, op: Operation) -> int:
        p = len(self.ops)
        self.ops.append(op)
        self.pos[op] = p
        return p

    def _def(self, lb: LBlock, v: SSAValue, point: int) -> None:
        self.def_point[v] = point
        lb.defs.append((v, point))

    def _walk_ops(self, lb: LBlock, block: Block) -> LBlock:
        for op in block.ops:
            if isinstance(op, IfOp):
                lb = self._walk_if(lb, op)
            elif isinstance(op, WhileOp):
                lb = self._walk_while(lb, op)
            else:
                p = self._place(op)
                for v in op.operands:
                    lb.uses.append((v, 2 * p))
                for r in op.results:
                    self._def(lb, r, 2 * p + 1)
                self._edges_of(op, p)
        return lb

    def _edges_of(self, op: Operation, p: int) -> None:
        if isinstance(op, FallthroughOp) and op.args:
            self.edges.append(Edge(op, p, list(op.args), list(op.dest.args)))
        elif isinstance(op, InstOp) and op.successors and op.target_args:
            self.edges.append(Edge(op, p, list(op.target_args), list(op.successors[0].args)))
        elif isinstance(op, YieldOp | ConditionOp):
            parent = op.parent_op()
            if isinstance(op, ConditionOp):
                assert isinstance(parent, WhileOp)
                vals = list(op.values)
                self.edges.append(Edge(op, p, vals, list(parent.after.block.args)))
                self.edges.append(Edge(op, p, vals, list(parent.res)))
            elif isinstance(parent, IfOp):
                self.edges.append(Edge(op, p, list(op.values), list(parent.res)))
            elif isinstance(parent, WhileOp):
                self.edges.append(Edge(op, p, list(op.values), list(parent.before.block.args)))

    def _walk_if(self, lb: LBlock, op: IfOp) -> LBlock:
        p = self._place(op)
        lb.uses.append((op.cond, 2 * p))
        self._close(lb)
        then_b = self._new_block()
        then_end = self._walk_ops(then_b, op.then_region.block)
        self._close(then_end)
        else_b = self._new_block()
        else_end = else_b
        if op.else_region.blocks:
            else_end = self._walk_ops(else_b, op.else_region.block)
        self._close(else_end)
        merge = self._new_block()
        m = self._place(op)  # the merge point: results are written here
        for r in op.res:
            self._def(merge, r, 2 * m + 1)
        lb.succs += [then_b, else_b]
        then_end.succs.append(merge)
        else_end.succs.append(merge)
        if not _is_scc(op.cond):
            then_end.succs.insert(0, else_b)
            self._lane_ties(op, then_b)
        return merge

    def _lane_ties(self, op: IfOp, then_b: LBlock) -> None:
        else_yield = op.else_region.block.last_op if op.else_region.blocks else None
        if not isinstance(else_yield, YieldOp):
            return
        end = 2 * self.pos[else_yield]
        for i in range(len(else_yield.values)):
            self.lane_ties.append(LaneTie(op, i, 2 * then_b.start, end))

    def _walk_while(self, lb: LBlock, op: WhileOp) -> LBlock:
        p = self._place(op)
        for v in op.inits:
            lb.uses.append((v, 2 * p))
        self.edges.append(Edge(op, p, list(op.inits), list(op.before.block.args)))
        self._close(lb)
        head = self._new_block()
        for a in op.before.block.args:
            self._def(head, a, 2 * head.start)
        head_end = self._walk_ops(head, op.before.block)
        self._close(head_end)
        body = self._new_block()
        for a in op.after.block.args:
            self._def(body, a, 2 * body.start)
        body_end = self._walk_ops(body, op.after.block)
        self._close(body_end)
        exit_ = self._new_block()
        x = self._place(op)
        for r in op.res:
            self._def(exit_, r, 2 * x + 1)
        lb.succs.append(head)
        head_end.succs += [body, exit_]
        body_end.succs.append(head)
        return exit_


def _is_scc(v: SSAValue) -> bool:
    return isinstance(v.type, SCCType)

