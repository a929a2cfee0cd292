"""Structured control flow while tracing: ``cdna.if`` and ``cdna.while`` frames.

A frame is opened by ``J.If``/``J.While``/``J.ExecMask`` (and by ``break``/``continue``,
see below) and closed when its ``with`` block ends; the regions are filled while the
body runs and the op is built at the close, when SSA construction knows which
variables the body wrote (those become the op's results, DESIGN.md decision 4).

``break``/``continue`` keep loops structured. A loop with a ``break`` carries a flag
register: the break sets it, the rest of the enclosing body runs under a *guard*
(``cdna.if`` on "no break/continue yet") that closes with that body, and the loop's
condition becomes ``cond && !flag``. ``continue`` uses a second flag, reset at the top
of every iteration. So ``J.Jump(loop["end"], cond)`` from anywhere in a loop body, even
inside nested ``J.If`` and ``J.ExecMask`` blocks, is still a ``cdna.while``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xdsl.ir import Block, Region, SSAValue

from pyhip_mlir.dialects.cdna.pseudo import ConditionOp, IfOp, WhileOp, YieldOp
from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.frontend.loc import Loc
from pyhip_mlir.frontend.ssa import Carry, Key, Part, Scope, VarInfo, _hint

if TYPE_CHECKING:
    from pyhip_mlir.frontend.builder import JIT


def _runs(keys: set[Key]) -> list[tuple[Any, int, int]]:
    """Sorted keys grouped into (var key, first, last) runs of consecutive dwords."""
    out: list[tuple[Any, int, int]] = []
    for var, k in sorted(keys, key=lambda t: (str(t[0]), t[1])):
        if out and out[-1][0] == var and out[-1][2] == k - 1:
            out[-1] = (var, out[-1][1], k)
        else:
            out.append((var, k, k))
    return out


def _split_runs(runs: list[tuple[Any, int, int]], scopes: list[Scope]) -> list[tuple[Any, int, int]]:
    """Cut runs where any scope's value changes, so each piece is one value per scope."""
    out = []
    for var, lo, hi in runs:
        start = lo
        for k in range(lo + 1, hi + 1):
            cut = False
            for s in scopes:
                a, b = s.defs.get((var, k - 1)), s.defs.get((var, k))
                if a is None or b is None or a[0] is not b[0] or a[1] + 1 != b[1]:
                    cut = True
                    break
            if cut:
                out.append((var, start, k - 1))
                start = k
        out.append((var, start, hi))
    return out


class Frame:
    """Base of the structured frames on the builder's stack."""

    guard = False
    skips = False  # a break/continue happened inside: guard the rest of the outer body

    def __init__(self, J: JIT, outer: Scope, loc: Loc | None):
        self.J = J
        self.outer = outer
        self.loc = loc

    def close(self) -> None:
        raise NotImplementedError


class IfFrame(Frame):
    """``cdna.if``: a then-region, maybe an else-region, results for what they wrote."""

    def __init__(self, J: JIT, outer: Scope, cond: SSAValue, loc: Loc | None, *, guard: bool = False,
                 lanes: bool = False):
        super().__init__(J, outer, loc)
        self.cond = cond
        self.guard = guard
        self.lanes = lanes  # a lane-mask region (J.ExecMask): unwritten lanes keep old contents
        self.then_scope = Scope(Block(), outer, "if")
        self.else_scope: Scope | None = None
        J.scope = self.then_scope

    def else_(self, loc: Loc | None) -> None:
        if self.else_scope is not None:
            raise DSLError("Else() is called twice for one J.If", loc)
        self.J._close_frames_above(self)
        self.else_scope = Scope(Block(), self.outer, "if")
        self.J.scope = self.else_scope

    def close(self) -> None:
        J, outer = self.J, self.outer
        scopes = [self.then_scope] + ([self.else_scope] if self.else_scope else [])
        written: set[Key] = set()
        for s in scopes:
            written |= {k for k in s.written if J._visible(k[0], outer)}
        vals: list[list[SSAValue]] = [[], []]
        result_runs = []
        for var_key, lo, hi in _split_runs(_runs(written), scopes + [outer]):
            var = J._varinfo(var_key)
            then_v = J.ssa.read_value(self.then_scope, var, lo, hi, self.loc, merge=True)
            else_src = self.else_scope or outer
            else_v = J.ssa.read_value(else_src, var, lo, hi, self.loc, merge=True)
            if self.lanes and (then_v is None) != (else_v is None):
                # the other lanes of a masked write keep whatever the register held
                undef = J._undef(outer if then_v is None and self.else_scope is None else
                                 (self.then_scope if then_v is None else else_src), var, hi - lo + 1)
                then_v, else_v = then_v or undef, else_v or undef
            if then_v is None or else_v is None:
                why = "in one branch of the J.If" if self.else_scope else "only inside the J.If"
                for k in range(lo, hi + 1):
                    outer.defs.pop((var_key, k), None)
                    outer.poison[(var_key, k)] = f"it is written {why} at line {self.loc.line if self.loc else '?'}"
                continue
            if then_v is else_v:
                continue
            vals[0].append(then_v)
            vals[1].append(else_v)
            result_runs.append((var, lo, hi))
        if self.guard and not self.then_scope.block.ops and not vals[0]:
            J.scope = outer  # nothing followed the break/continue in this body
            return
        self.then_scope.block.add_op(YieldOp(*vals[0]))
        else_region = Region()
        if self.else_scope is not None or vals[1]:
            blk = self.else_scope.block if self.else_scope is not None else Block()
            blk.add_op(YieldOp(*vals[1]))
            else_region = Region(blk)
        op = IfOp(self.cond, [v.type for v in vals[0]], Region(self.then_scope.block), else_region)
        J._insert_in(outer, op, self.loc)
        for (var, lo, _hi), res in zip(result_runs, op.res, strict=True):
            res.name_hint = _hint(var.name)
            J.ssa.write(outer, var, lo, res)
        J.scope = outer


class LoopLabel:
    """``loop["begin"]``/``loop["end"]``: pyhip's way to continue/break a J.While."""

    def __init__(self, frame: LoopFrame, which: str):
        self.loop_label = frame
        self.which = which

    def __str__(self) -> str:
        return f"<loop {self.which}>"


class LoopFrame(Frame):
    """``cdna.while``: the header computes the condition, the body yields carried values."""

    def __init__(self, J: JIT, outer: Scope, loc: Loc | None):
        super().__init__(J, outer, loc)
        self.before = Scope(Block(), outer, "loop", self)
        self.after: Scope | None = None
        self.carries: list[Carry] = []
        self.cond: SSAValue | None = None
        self.brk: VarInfo | None = None
        self.cont: VarInfo | None = None
        self.flag_vars: dict[str, Any] = {}  # "brk"/"cont" -> the flag register
        J.scope = self.before

    def __getitem__(self, which: str) -> LoopLabel:
        if which not in ("begin", "end", "check"):
            raise DSLError(f"a loop has labels 'begin' and 'end', not {which!r}", None)
        return LoopLabel(self, "begin" if which == "check" else which)

    def start_body(self, cond: SSAValue) -> None:
        self.cond = cond
        self.after = Scope(Block(), self.outer, "loop", self)
        for c in self.carries:
            c.after_arg = self.after.block.insert_arg(c.before_arg.type, len(self.after.block.args))
            c.after_arg.name_hint = c.before_arg.name_hint
            for i in range(c.hi - c.lo + 1):
                self.after.defs.setdefault((c.var.key, c.lo + i), (c.after_arg, i))
        self.J.scope = self.after

    # called by SSA construction for a read that misses in a loop region
    def carried_parts(self, ssa: Any, scope: Scope, var: VarInfo, lo: int, hi: int, loc: Loc | None,
                      merge: bool = False) -> list[Part | None]:
        out: list[Part | None] = []
        k = lo
        while k <= hi:
            hit = next((c for c in self.carries if c.var.key == var.key and c.lo <= k <= c.hi), None)
            if hit is not None:
                arg = hit.before_arg if scope is self.before else hit.after_arg
                hit.from_read |= not merge
                out.append((arg, k - hit.lo))
                k += 1
                continue
            end = k
            while end < hi and not any(c.var.key == var.key and c.lo <= end + 1 <= c.hi for c in self.carries):
                end += 1
            c = self._new_carry(var, k, end, loc, from_read=not merge)
            arg = c.before_arg if scope is self.before else c.after_arg
            out.extend((arg, i) for i in range(end - k + 1))
            k = end + 1
        return out

    def _new_carry(self, var: VarInfo, lo: int, hi: int, loc: Loc | None, *, from_read: bool) -> Carry:
        t = var.type_of(hi - lo + 1)
        b = self.before.block.insert_arg(t, len(self.before.block.args))
        b.name_hint = _hint(var.name)
        a = None
        if self.after is not None:
            a = self.after.block.insert_arg(t, len(self.after.block.args))
            a.name_hint = b.name_hint
        c = Carry(var, lo, hi, b, a, loc, from_read)  # type: ignore[arg-type]
        self.carries.append(c)
        for i in range(hi - lo + 1):
            self.before.defs.setdefault((var.key, lo + i), (b, i))
            if self.after is not None:
                self.after.defs.setdefault((var.key, lo + i), (a, i))  # type: ignore[arg-type]
        return c

    def close(self) -> None:
        J, outer = self.J, self.outer
        if self.after is None:
            self.start_body(self._true_cond())
        assert self.after is not None and self.cond is not None
        cond = self.cond
        if self.brk is not None:
            J._define_zero(outer, self.brk, self.loc)
            cond = J._and_not_flag(self.before, cond, self.brk, self.loc)
        written = {k for s in (self.before, self.after) for k in s.written if J._visible(k[0], outer)}
        covered = {(c.var.key, c.lo + i) for c in self.carries for i in range(c.hi - c.lo + 1)}
        for var_key, lo, hi in _split_runs(_runs(written - covered), [self.after]):
            self._new_carry(J._varinfo(var_key), lo, hi, self.loc, from_read=False)
        keep: list[Carry] = []
        inits: list[SSAValue] = []
        for c in list(self.carries):
            keys = [(c.var.key, c.lo + i) for i in range(c.hi - c.lo + 1)]
            modified = any(k in written for k in keys)
            init = J.ssa.read_value(outer, c.var, c.lo, c.hi, c.loc, merge=True)
            if init is None and not c.from_read:
                init = J._undef(outer, c.var, c.hi - c.lo + 1)  # only merges read it
            if not modified:
                if init is None:
                    J._undefined(c.var, c.lo, c.hi, outer, c.loc)
                c.before_arg.replace_all_uses_with(init)  # type: ignore[arg-type]
                c.after_arg.replace_all_uses_with(init)  # type: ignore[arg-type]
                self.before.block.erase_arg(c.before_arg)
                self.after.block.erase_arg(c.after_arg)
                continue
            if init is None:
                if c.from_read or any(u for u in (c.before_arg.uses, c.after_arg.uses) if u):
                    J._undefined(c.var, c.lo, c.hi, outer, c.loc or self.loc)
                # written only inside the loop: local to it
                for k in keys:
                    outer.defs.pop(k, None)
                    outer.poison[k] = (f"it is written only inside the J.While at line "
                                       f"{self.loc.line if self.loc else '?'}")
                self.before.block.erase_arg(c.before_arg)
                self.after.block.erase_arg(c.after_arg)
                continue
            keep.append(c)
            inits.append(init)
        self.carries = keep
        passed = [J.ssa.read_value(self.before, c.var, c.lo, c.hi, self.loc, merge=True) for c in keep]
        yielded = [J.ssa.read_value(self.after, c.var, c.lo, c.hi, self.loc, merge=True) for c in keep]
        self.before.block.add_op(ConditionOp(cond, *passed))  # type: ignore[arg-type]
        self.after.block.add_op(YieldOp(*yielded))  # type: ignore[arg-type]
        op = WhileOp(inits, [c.before_arg.type for c in keep], Region(self.before.block),
                     Region(self.after.block))
        J._insert_in(outer, op, self.loc)
        for c, res in zip(keep, op.res, strict=True):
            res.name_hint = _hint(c.var.name)
            J.ssa.write(outer, c.var, c.lo, res)
        J.scope = outer

    def _true_cond(self) -> SSAValue:
        return self.J._scc_const(True, self.loc)

