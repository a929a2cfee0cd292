"""Drop region results nothing reads, after tracing.

SSA construction makes a ``cdna.if`` yield every variable its regions wrote and a
``cdna.while`` carry every variable its body wrote, because while tracing it cannot
know what the rest of the kernel reads. Most of those are special registers (an If
whose body runs a SALU op "writes" SCC) or temporaries never read again. This removes,
to a fixpoint:

* ``cdna.if`` results without uses (and their yield operands);
* ``cdna.while`` carried values whose result is unused, whose body argument is unused
  and whose header argument only flows into the condition at the same position.

Only the structured ops' operand lists change; the computations that produced the
dropped values stay (they are dead code for ``dce``), so no instruction is deleted here;
``cdna.undef`` placeholders left without uses are removed.
"""

from __future__ import annotations

from xdsl.ir import Operation, Region

from pyhip_mlir.dialects.cdna.pseudo import ConditionOp, IfOp, WhileOp, YieldOp
from pyhip_mlir.dialects.cdna.undef import UndefOp


def prune(root: Operation) -> None:
    structured: list[Operation] = []
    undefs: list[UndefOp] = []
    for op in root.walk():  # pre-order: an outer op drops its yields before the inner
        if isinstance(op, IfOp | WhileOp):
            structured.append(op)
        elif isinstance(op, UndefOp):
            undefs.append(op)
    changed = True
    while changed:
        changed = False
        for k, op in enumerate(structured):
            new = _prune_if(op) if isinstance(op, IfOp) else _prune_while(op)  # type: ignore[arg-type]
            if new is not None:
                structured[k] = new
                changed = True
    for op in undefs:
        if not op.res.uses:
            op.detach()
            op.erase()


def _replace_terminator(region: Region, keep: list[int], cls: type) -> None:
    block = region.block
    term = block.last_op
    assert term is not None
    if isinstance(term, ConditionOp):
        vals = list(term.values)
        new: Operation = ConditionOp(term.cond, *[vals[i] for i in keep])
    else:
        vals = list(term.operands)
        new = cls(*[vals[i] for i in keep])
    new.location = term.location
    block.insert_op_before(new, term)
    block.erase_op(term)


def _move_results(old: Operation, new: Operation, keep: list[int]) -> Operation:
    for j, i in enumerate(keep):
        old.results[i].replace_all_uses_with(new.results[j])
        new.results[j].name_hint = old.results[i].name_hint
    new.location = old.location
    parent = old.parent_block()
    assert parent is not None
    parent.insert_op_before(new, old)
    parent.erase_op(old)
    return new


def _prune_if(op: IfOp) -> Operation | None:
    keep = [i for i, r in enumerate(op.res) if r.uses]
    if len(keep) == len(op.res):
        return None
    t_reg, e_reg = op.then_region, op.else_region
    then_r = op.detach_region(t_reg)
    else_r = op.detach_region(e_reg)
    _replace_terminator(then_r, keep, YieldOp)
    if else_r.blocks:
        _replace_terminator(else_r, keep, YieldOp)
    new = IfOp(op.cond, [op.res[i].type for i in keep], then_r, else_r)
    return _move_results(op, new, keep)


def _prune_while(op: WhileOp) -> Operation | None:
    before, after = op.before.block, op.after.block
    cond = before.last_op
    assert isinstance(cond, ConditionOp)
    dead = []
    for i, r in enumerate(op.res):
        barg, aarg = before.args[i], after.args[i]
        only_cond = all(u.operation is cond and u.index == i + 1 for u in barg.uses)
        if not r.uses and not aarg.uses and only_cond:
            dead.append(i)
    if not dead:
        return None
    keep = [i for i in range(len(op.res)) if i not in dead]
    b_reg, a_reg = op.before, op.after
    before_r = op.detach_region(b_reg)
    after_r = op.detach_region(a_reg)
    _replace_terminator(after_r, keep, YieldOp)
    _replace_terminator(before_r, keep, YieldOp)
    for i in reversed(dead):
        before_r.block.erase_arg(before_r.block.args[i])
        after_r.block.erase_arg(after_r.block.args[i])
    new = WhileOp([op.inits[i] for i in keep], [op.res[i].type for i in keep], before_r, after_r)
    return _move_results(op, new, keep)
