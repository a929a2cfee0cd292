"""How the SSA interpreter walks a region: groups of waves, one block at a time.

The machine runs each wave on its own and re-merges waves that sit at the same PC
(:mod:`pyhip_mlir.emulator.machine`). Over SSA values that hold every wave at once,
the same idea reads: keep a *pending* set ``{block: (wave mask, block-argument
values per wave)}``; run the pending block that comes first in layout order with
``SSAState.active`` set to its mask; at its terminator split the running waves
between the successors by their own branch outcome, merging into a successor's
pending entry (``np.where`` over the wave mask) when another group already waits
there. Two groups reaching one block continue as one, which keeps the waves of a
workgroup in step at a join before an ``s_barrier``. ``s_endpgm`` ends its group's
waves; ``cdna.yield``/``cdna.condition`` hand values back to the parent op, merged
per wave when several groups return.

Values are per-wave arrays, so a value written by a group is merged into what the
other waves hold (a loop that some waves leave while others iterate redefines the
loop body's values only for the waves still in it). When a group is the only one
left it simply overwrites: no other wave of the region can read the old value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from xdsl.interpreter import Interpreter
from xdsl.ir import Block, BlockArgument, Region, SSAValue

from pyhip_mlir.dialects.cdna.inst import InstOp, is_terminator_mnemonic
from pyhip_mlir.dialects.cdna.pseudo import ConditionOp, FallthroughOp, YieldOp
from pyhip_mlir.emulator.ctx import EmulationError
from pyhip_mlir.emulator.program import decode_op
from pyhip_mlir.emulator.ssa_ctx import U32, SSACtx, SSAState, dwords_of, lanes_of


class Machine(Protocol):
    """What running code needs: the launch state and the architecture."""

    state: SSAState
    arch: str


def exec_inst(ft: Machine, op: InstOp, args: tuple[Any, ...]) -> tuple[tuple[Any, ...], np.ndarray | None]:
    """Run one instruction for the active waves: (results, per-wave branch outcome)."""
    st = ft.state
    ins = st.decoded.get(op)
    if ins is None:
        ins = decode_op(op, ft.arch)
        from pyhip_mlir.emulator.semantics import SEMANTICS

        ins.sem = SEMANTICS.get(ins.base)
        st.decoded[op] = ins
    if ins.sem is None:
        where = f" at {ins.loc}" if ins.loc else ""
        raise EmulationError(f"'{op.mnemonic}'{where} is not covered by the emulator (see docs/emulator.md)")
    st.steps += 1
    if st.max_steps is not None and st.steps > st.max_steps:
        where = f" at {ins.loc}" if ins.loc else ""
        raise EmulationError(
            f"no end after {st.max_steps} instructions (max_steps); last: {op.mnemonic}{where}"
        )
    # The operands of an instruction are its uses and implicit uses; values it passes
    # to block arguments are the edge's business (see run_region).
    n_args = len(args) - len(op.target_args)
    ctx = SSACtx(st, op, ins, args[:n_args])
    ctx.arch = ft.arch
    ins.sem(ctx)
    st.wave_instructions += int(st.active.sum())
    for k, r in enumerate(op.results):
        if ctx.results[k] is None:  # a result the semantics did not produce: zeros
            ctx.results[k] = np.zeros((st.n, lanes_of(r.type), dwords_of(r.type)), dtype=U32)
    return tuple(ctx.results), ctx.taken


@dataclass
class _Group:
    """Waves about to run one block, and the values they bring to its arguments."""

    mask: np.ndarray  # (waves,) bool
    args: list[np.ndarray]  # one (waves, L, dwords) array per block argument


def _enter(pending: dict[Block, _Group], dest: Block, mask: np.ndarray, values: Sequence[Any]) -> None:
    """The waves of ``mask`` go to ``dest`` passing ``values``; join any group there."""
    if not mask.any():
        return
    group = pending.get(dest)
    if group is None:
        pending[dest] = _Group(mask, list(values))
        return
    m = mask[:, None, None]
    group.args = [np.where(m, new, old) for new, old in zip(values, group.args, strict=True)]
    group.mask = group.mask | mask


def _where(op: Any) -> str:
    from pyhip_mlir.diagnostics import location_of

    loc = location_of(op)
    return f" at {loc.filename.data}:{loc.line.data}:{loc.column.data}" if loc is not None else ""


def run_region(ft: Machine, interp: Interpreter, region: Region, args: Sequence[Any], name: str) -> tuple[Any, ...]:
    """Run ``region`` for the waves active now, entering its first block with ``args``.

    Returns the values its ``cdna.yield``/``cdna.condition`` hand back (merged per
    wave), or ``()`` when every group ended (the kernel body).
    """
    st = ft.state
    entry = region.blocks.first
    if entry is None:
        return ()
    saved = st.active
    pending: dict[Block, _Group] = {entry: _Group(saved, list(args))}
    order: dict[Block, int] | None = None  # layout positions, computed once needed
    returned: list[Any] | None = None
    ran: set[Block] = set()  # blocks some group has run: their values exist
    interp.push_scope(name)
    try:
        while pending:
            if len(pending) == 1:
                block = next(iter(pending))
            else:
                if order is None:
                    order = {b: i for i, b in enumerate(region.blocks)}
                block = min(pending, key=order.__getitem__)
            group = pending.pop(block)
            mask = st.active = group.mask
            # Alone, a group overwrites: no other wave of this region reads old values.
            merge = None if not pending else (mask, ran)
            _define(interp, merge, block.args, group.args)
            for op in block.ops:
                if isinstance(op, InstOp) and is_terminator_mnemonic(op.mnemonic):
                    values, taken = exec_inst(ft, op, interp.get_values(op.operands))
                    _define(interp, merge, op.results, values)
                    _branch(op, mask, taken, interp, pending)
                elif isinstance(op, FallthroughOp):
                    _enter(pending, op.dest, mask, interp.get_values(op.args))
                elif isinstance(op, YieldOp | ConditionOp):
                    out = interp.get_values(op.operands)
                    if returned is None:
                        returned = list(out)
                    else:
                        m = mask[:, None, None]
                        returned = [np.where(m, v, r) for v, r in zip(out, returned, strict=True)]
                else:
                    _define(interp, merge, op.results, interp.run_op(op, interp.get_values(op.operands)))
            ran.add(block)
    finally:
        interp.pop_scope()
        st.active = saved
    return tuple(returned) if returned is not None else ()


def _define(interp: Interpreter, merge: tuple[np.ndarray, set[Block]] | None,
            values: Sequence[SSAValue], arrays: Sequence[Any]) -> None:
    """Bind ``values`` (all of one block); with ``merge = (mask, ran)`` only the waves of
    ``mask`` change what they hold if their block ran before (is in ``ran``)."""
    if merge is None or not values:
        interp.set_values(zip(values, arrays, strict=True))
        return
    mask, ran = merge
    v0 = values[0]
    if (v0.block if isinstance(v0, BlockArgument) else v0.owner.parent) not in ran:
        interp.set_values(zip(values, arrays, strict=True))
        return
    m = mask[:, None, None]
    old = interp.get_values(values)
    interp.set_values((v, np.where(m, a, o)) for v, a, o in zip(values, arrays, old, strict=True))


def _branch(op: InstOp, mask: np.ndarray, taken: np.ndarray | None, interp: Interpreter,
            pending: dict[Block, _Group]) -> None:
    """Send the waves of ``mask`` on from a terminating instruction (s_endpgm: nowhere)."""
    mnemonic = op.mnemonic
    if mnemonic.startswith("s_endpgm"):
        return  # the semantics marked the waves ended
    targets = op.targets
    if not targets:
        raise EmulationError(
            f"{mnemonic}{_where(op)}: indirect branches are not supported by the SSA interpreter"
        )
    target_args = interp.get_values(op.target_args)
    if mnemonic.startswith("s_branch"):
        _enter(pending, targets[0], mask, target_args)
        return
    yes = mask & taken if taken is not None else np.zeros_like(mask)
    no = mask & ~yes
    _enter(pending, targets[0], yes, target_args)
    if no.any():
        if len(targets) < 2:
            raise EmulationError(f"{mnemonic}{_where(op)}: no fall-through successor")
        _enter(pending, targets[1], no, ())
