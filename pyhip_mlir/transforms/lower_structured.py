"""``lower-structured``: ``cdna.if``/``cdna.while`` to blocks and branches, after allocation.

The allocator gave every structured result, region argument and yielded value of one
slot the same register (or put a copy before the yield), so the lowering moves no
data: yields disappear, and results and region arguments become ``cdna.get_reg`` of
their register at the point where control arrives.

``if`` (the branch skips ``then`` when the condition is clear)::

    s_cbranch_scc0 / s_cbranch_execz / s_cbranch_vccz ^else   (the if's condition)
  ^then:  ...  s_branch ^end       (uniform if with an else; a lane-mask if's then-region
  ^else:  ...                       falls into its else-region, which always runs)
  ^end:   %r = cdna.get_reg ...

``while``::

  ^head:  %a = cdna.get_reg ...  (before-region)  s_cbranch_scc0 ^exit
  ^body:  %b = cdna.get_reg ...  (after-region)   s_branch ^head
  ^exit:  %r = cdna.get_reg ...

A lane-mask condition held in an SGPR pair is tested with ``s_cmp_lg_u64 cond, 0``
(which writes SCC). Run it right after ``regalloc-linear-scan``; ``insert-nop`` runs on
its output.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass

from pyhip_mlir.diagnostics import OpError
from pyhip_mlir.dialects.cdna.inst import inst_class
from pyhip_mlir.dialects.cdna.kernel import KernelOp
from pyhip_mlir.dialects.cdna.pseudo import (
    ConditionOp,
    FallthroughOp,
    GetRegOp,
    IfOp,
    WhileOp,
    YieldOp,
)
from pyhip_mlir.dialects.cdna.types import ExecType, RegType, SCCType, VCCType, special_type
from pyhip_mlir.transforms.registry import stats


def _branch_unless(cond: SSAValue, target: Block, fallthrough: Block, at: Operation) -> list[Operation]:
    """Ops that jump to ``target`` when ``cond`` is clear (no lane set) and fall through
    to ``fallthrough`` otherwise."""
    t = cond.type
    if isinstance(t, SCCType):
        mn, c, pre = "s_cbranch_scc0", cond, []
    elif isinstance(t, ExecType):
        mn, c, pre = "s_cbranch_execz", cond, []
    elif isinstance(t, VCCType):
        mn, c, pre = "s_cbranch_vccz", cond, []
    elif isinstance(t, RegType) and t.file == "s" and t.nregs == 2:
        cmp = inst_class("s_cmp_lg_u64")(uses=[cond], imm={1: 0}, implicit_defs=[special_type("scc")])
        mn, c, pre = "s_cbranch_scc0", cmp.results[0], [cmp]
    else:
        raise OpError(f"cannot branch on a condition of type {t}", at)
    br = inst_class(mn)(implicit_uses=[c], targets=[target, fallthrough])
    for o in (*pre, br):
        o.location = at.location
    return [*pre, br]


def _get_regs(values: list[SSAValue], block: Block, at: Operation) -> None:
    """Replace ``values`` by reads of their registers at the start of ``block``."""
    reads: list[Operation] = []
    for v in values:
        if not v.uses:
            continue
        t = v.type
        if isinstance(t, RegType) and not t.is_allocated:
            raise OpError("lower-structured runs after register allocation: "
                          f"'{v.name_hint or 'value'}' has no register", at)
        g = GetRegOp(t)
        g.location = at.location
        g.res.name_hint = v.name_hint
        v.replace_all_uses_with(g.res)
        reads.append(g)
    first = block.first_op
    for g in reads:
        if first is None:
            block.add_op(g)
        else:
            block.insert_op_before(g, first)


def _move_region_ops(src: Block, dst: Block) -> None:
    for op in list(src.ops):
        if isinstance(op, YieldOp | ConditionOp):
            continue
        op.detach()
        dst.add_op(op)


class _Lowering:
    def __init__(self, region: Region):
        self.region = region
        self.count = 0

    def run(self) -> None:
        work = list(self.region.blocks)
        while work:
            block = work.pop()
            # Last structured op first: each split then moves only the ops up to the
            # previous one's split point, so the whole lowering is linear.
            ops = [o for o in block.ops if isinstance(o, IfOp | WhileOp)]
            for op in reversed(ops):
                self.count += 1
                end = self._split_after(block, op)
                if isinstance(op, IfOp):
                    new = self._lower_if(block, op, end)
                else:
                    new = self._lower_while(block, op, end)
                work.extend(new)

    def _split_after(self, block: Block, op: Operation) -> Block:
        end = Block()
        self.region.insert_block_after(end, block)
        nxt = op.next_op
        while nxt is not None:
            after = nxt.next_op
            nxt.detach()
            end.add_op(nxt)
            nxt = after
        return end

    def _lower_if(self, block: Block, op: IfOp, end: Block) -> list[Block]:
        lane = not isinstance(op.cond.type, SCCType)
        then_b = Block()
        self.region.insert_block_after(then_b, block)
        _move_region_ops(op.then_region.block, then_b)
        else_ops = [o for o in op.else_region.block.ops if not isinstance(o, YieldOp)] if op.else_region.blocks else []
        new = [then_b]
        if else_ops:
            else_b = Block()
            self.region.insert_block_after(else_b, then_b)
            _move_region_ops(op.else_region.block, else_b)
            else_b.add_op(FallthroughOp(end))
            new.append(else_b)
            skip_to = else_b
            if lane:
                then_b.add_op(FallthroughOp(else_b))
            else:
                then_b.add_op(inst_class("s_branch")(targets=[end]))
        else:
            skip_to = end
            then_b.add_op(FallthroughOp(end))
        for o in _branch_unless(op.cond, skip_to, then_b, op):
            block.add_op(o)
        _get_regs(list(op.res), end, op)
        op.detach()
        op.erase(safe_erase=False)
        return new

    def _lower_while(self, block: Block, op: WhileOp, end: Block) -> list[Block]:
        head, body = Block(), Block()
        self.region.insert_block_after(head, block)
        self.region.insert_block_after(body, head)
        block.add_op(FallthroughOp(head))
        cond_op = op.before.block.last_op
        assert isinstance(cond_op, ConditionOp)
        _get_regs(list(op.before.block.args), op.before.block, op)
        _get_regs(list(op.after.block.args), op.after.block, op)
        _get_regs(list(op.res), end, op)
        _move_region_ops(op.before.block, head)
        for o in _branch_unless(cond_op.cond, end, body, cond_op):
            head.add_op(o)
        _move_region_ops(op.after.block, body)
        br = inst_class("s_branch")(targets=[head])
        br.location = op.location
        body.add_op(br)
        op.detach()
        op.erase(safe_erase=False)
        return [head, body]


@dataclass(frozen=True)
class LowerStructuredPass(ModulePass):
    """Lower cdna.if/cdna.while to blocks and branches (after register allocation)."""

    name = "lower-structured"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        n = 0
        for kernel in op.walk():
            if isinstance(kernel, KernelOp):
                lw = _Lowering(kernel.body)
                lw.run()
                n += lw.count
        stats(self).add("ops-lowered", n, "Structured ops lowered to branches")
