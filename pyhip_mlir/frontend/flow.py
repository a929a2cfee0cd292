"""Control flow of the builder ``J``: labels and jumps (the kernel's CFG) and the
structured blocks ``J.If``/``J.While``/``J.ExecMask`` with break and continue.

A mixin of :class:`pyhip_mlir.frontend.builder.JIT`: the frames themselves are in
:mod:`.control`, SSA construction across them in :mod:`.ssa` and :mod:`.cfg`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from xdsl.ir import Block, Operation, SSAValue

from pyhip_mlir.dialects.cdna.pseudo import FallthroughOp
from pyhip_mlir.frontend import control, instr, lower
from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.frontend.gpr import GPRs
from pyhip_mlir.frontend.loc import Loc, user_loc
from pyhip_mlir.frontend.ssa import CfgBlock, Edge, Scope

if TYPE_CHECKING:
    from pyhip_mlir.frontend.builder import JIT


class FlowMixin:
    """Labels, jumps and structured blocks of ``J``."""

    # --- the kernel's CFG ---------------------------------------------------------------

    def _cfg_block(self, block: Block | None = None, *, entry: bool = False, label: str | None = None) -> CfgBlock:
        blk = block or Block()
        scope = Scope(blk, None, "cfg")
        cb = CfgBlock(scope, label=label, entry=entry, sealed=entry or label is None)
        scope.resolver = cb
        if entry:
            self.cfg.append(cb)
        return cb

    def _place(self, cb: CfgBlock) -> None:
        """Append ``cb`` to the layout and make it current (the previous falls through)."""
        cur = self.scope
        if cur.kind != "cfg":
            raise DSLError("labels are only allowed at the top level of the kernel, not inside "
                           "J.If/J.While/J.ExecMask blocks", user_loc())
        prev: CfgBlock = cur.resolver
        if not cur.terminated:
            if prev.preds or prev.entry or prev.scope.block.ops:
                ft = FallthroughOp(cb.scope.block)
                cur.block.add_op(ft)
                cur.terminated = True
                cb.preds.append(Edge(prev, ft))
            else:  # an empty unreachable block (after s_branch): drop it
                self.region.detach_block(prev.scope.block)
                self.cfg.remove(prev)
        self.region.add_block(cb.scope.block)
        self.cfg.append(cb)
        self.scope = cb.scope

    def _unreachable_block(self) -> None:
        """Code after s_branch/s_endpgm with no label: a block nothing enters."""
        cb = self._cfg_block()
        self.region.add_block(cb.scope.block)
        self.cfg.append(cb)
        self.scope = cb.scope

    def _label_block(self, name: str, loc: Loc | None) -> CfgBlock:
        cb = self.labels.get(name)
        if cb is None:
            cb = self._cfg_block(label=name)
            cb.first_use = loc
            self.labels[name] = cb
        return cb

    def Label(self, name: str = "") -> instr.LabelName:
        """Start a new block named ``name`` (pyhip's ``J.Label``) at the top level."""
        loc = user_loc()
        if not name:
            name = f"L{self._new_var_id()}"
        cb = self._label_block(name, loc)
        if cb.placed:
            raise DSLError(f"label '{name}' is defined twice", loc)
        cb.placed = True
        self._place(cb)
        return instr.LabelName(name)

    def _branch_targets(self, mnemonic: str, labels: list[Any], loc: Loc | None) -> list[Block]:
        if self.scope.kind != "cfg":
            raise DSLError(f"{mnemonic} to label '{labels[0].name}' inside a J.If/J.While/"
                           "J.ExecMask block: jumps to labels are only allowed at the top level "
                           "(use loop['begin'] / loop['end'] to continue or break a J.While)", loc)
        target = self._label_block(labels[0].name, loc)
        out = [target.scope.block]
        if mnemonic.startswith("s_cbranch_"):
            self._pending_fallthrough = self._cfg_block()
            out.append(self._pending_fallthrough.scope.block)
        self._pending_target = target
        return out

    def _after_terminator(self, op: Operation, loc: Loc | None) -> None:
        cur = self.scope
        cur.terminated = True
        if cur.kind != "cfg":
            raise DSLError(f"{op.name.removeprefix('cdna.')} inside a J.If/J.While/J.ExecMask block "
                           "ends the region; only J.Jump to loop labels and structured blocks can "
                           "leave one", loc)
        prev: CfgBlock = cur.resolver
        target = self._pending_target
        if target is not None:
            target.preds.append(Edge(prev, op))
            self._pending_target = None
        ft = self._pending_fallthrough
        if ft is not None:
            self._pending_fallthrough = None
            ft.preds.append(Edge(prev, op))
            self.region.add_block(ft.scope.block)
            self.cfg.append(ft)
            self.scope = ft.scope
        else:
            self._unreachable_block()

    def Jump(self, label: Any, cond: Any = None, reverse: bool = False) -> None:
        """Branch to ``label`` (when ``cond`` holds; when it fails with ``reverse``)."""
        loc = user_loc()
        if isinstance(cond, bool):
            if cond == reverse:
                return
            cond = None
        if isinstance(label, control.LoopLabel):
            self._loop_jump(label, cond, reverse, loc)
            return
        name = label.name if isinstance(label, instr.LabelName) else label
        if not isinstance(name, str):
            raise DSLError(f"J.Jump target must be a label name or J.Label(...), not {label!r}", loc)
        if cond is None:
            self._op("s_branch", mod=instr.LabelName(name), loc=loc)
            return
        lower.condition_scc(self, cond, loc, "J.Jump")
        self._op("s_cbranch_scc0" if reverse else "s_cbranch_scc1", mod=instr.LabelName(name), loc=loc)

    # --- structured control flow -------------------------------------------------------

    def _push(self, frame: control.Frame) -> None:
        self.frames.append(frame)

    def _close_frames_above(self, frame: control.Frame) -> None:
        while self.frames and self.frames[-1] is not frame:
            self._close_top()

    def _close_top(self) -> None:
        f = self.frames.pop()
        f.close()
        if f.skips and self._innermost_loop() is not None and not isinstance(f, control.LoopFrame):
            self._open_guard(f.loc)

    def _innermost_loop(self) -> control.LoopFrame | None:
        for f in reversed(self.frames):
            if isinstance(f, control.LoopFrame):
                return f
        return None

    @contextmanager
    def While(self, cond: Any = None) -> Iterator[control.LoopFrame]:
        loc = user_loc()
        frame = control.LoopFrame(self, self.scope, loc)
        self._push(frame)
        scc = frame._true_cond() if cond is None else lower.condition_scc(self, cond, loc, "J.While")
        frame.start_body(scc)
        yield frame
        self._close_frames_above(frame)
        self.frames.pop()
        frame.close()
        self._after_region(frame)

    @contextmanager
    def If(self, cond: Any) -> Iterator[control.IfFrame]:
        loc = user_loc()
        if isinstance(cond, bool):
            cond_scc = self._scc_const(cond, loc)
        else:
            cond_scc = lower.condition_scc(self, cond, loc, "J.If")
        frame = control.IfFrame(self, self.scope, cond_scc, loc)
        self._push(frame)
        yield _IfHandle(self, frame)
        self._close_frames_above(frame)
        self.frames.pop()
        frame.close()
        self._after_region(frame)

    @contextmanager
    def ExecMask(self, cond: Any = None, early_skip: bool = True) -> Iterator[None]:
        """Run the block with EXEC narrowed to the lanes where ``cond`` holds."""
        loc = user_loc()
        mask = lower.lane_mask(self, cond, loc)
        saved = self._declare("s", "u32", (2,), 2, "exec_saved", loc)
        self._op("s_and_saveexec_b64", saved, mask, loc=loc)
        frame = None
        if early_skip:
            frame = control.IfFrame(self, self.scope, self._read_special("exec", loc), loc, lanes=True)
            self._push(frame)
        yield
        if frame is not None:
            self._close_frames_above(frame)
            self.frames.pop()
            frame.close()
            self._after_region(frame)
        self._op("s_mov_b64", "exec", saved, loc=loc)

    def SetMask(self, dst: Any, cond: Any = None) -> None:
        """Set ``dst`` ("vcc", "exec", "scc" or an SGPR pair) from a condition."""
        loc = user_loc()
        if isinstance(dst, str) and dst == "scc":  # a register's == builds an expression
            lower.condition_scc(self, cond, loc, "J.SetMask")
            return
        if isinstance(cond, int) and not isinstance(cond, bool):
            self._op("s_mov_b64", dst, cond, loc=loc)
            return
        mask = lower.lane_mask(self, cond, loc)
        self._op("s_mov_b64", dst, mask, loc=loc)

    def _after_region(self, frame: control.Frame) -> None:
        if frame.skips and self._innermost_loop() is not None:
            self._open_guard(frame.loc)

    def _scc_const(self, value: bool, loc: Loc | None) -> SSAValue:
        self._op("s_cmp_eq_u32" if value else "s_cmp_lg_u32", 0, 0, loc=loc)
        return self._read_special("scc", loc)

    # break / continue ---------------------------------------------------------------

    def _loop_jump(self, label: control.LoopLabel, cond: Any, reverse: bool, loc: Loc | None) -> None:
        if cond is None:
            self._loop_exit(label, None, loc)
            return
        scc = lower.condition_scc(self, cond, loc, "J.Jump")
        self._loop_exit(label, (scc, reverse), loc)

    def _branch_to_loop_label(self, mn: str, label: Any, operands: tuple[Any, ...], loc: Loc | None) -> None:
        lbl: control.LoopLabel = label
        if operands:
            raise DSLError(f"{mn} to a loop label takes no operands", loc)
        if mn == "s_branch":
            self._loop_exit(lbl, None, loc)
        elif mn in ("s_cbranch_scc0", "s_cbranch_scc1"):
            self._loop_exit(lbl, (self._read_special("scc", loc, mn), mn.endswith("0")), loc)
        else:
            raise DSLError(f"{mn} to a loop label: only s_branch, s_cbranch_scc0/1 and J.Jump can "
                           "break or continue a J.While", loc)

    def _loop_exit(self, label: control.LoopLabel, cond: tuple[SSAValue, bool] | None, loc: Loc | None) -> None:
        loop = label.loop_label
        if loop not in self.frames:
            raise DSLError(f"jump to {label} of a J.While that is not open here", loc)
        flag_name = "brk" if label.which == "end" else "cont"
        flag = getattr(loop, flag_name)
        if flag is None:
            g = self._declare("s", "u32", (1,), 1, f"loop_{flag_name}", loc, owner=loop.outer)
            flag = self.vars[g.id]
            setattr(loop, flag_name, flag)
            loop.flag_vars[flag_name] = g
            if flag_name == "cont":
                self._reset_continue(loop, g, loc)
        g = loop.flag_vars[flag_name]
        if cond is None:
            self._op("s_mov_b32", g[0], 1, loc=loc)
        else:
            scc, inverted = cond
            self._write_special("scc", scc)
            if inverted:
                self._op("s_cselect_b32", g[0], g[0], 1, loc=loc)
            else:
                self._op("s_cselect_b32", g[0], 1, g[0], loc=loc)
        for f in self.frames[self.frames.index(loop) + 1:]:
            f.skips = True
        self._open_guard(loc)

    def _reset_continue(self, loop: control.LoopFrame, g: GPRs, loc: Loc | None) -> None:
        assert loop.after is not None
        saved = self.scope
        tmp = Scope(loop.after.block, None, "cfg")
        self.scope = tmp
        self._op("s_mov_b32", g[0], 0, loc=loc)
        op = tmp.block.last_op
        assert op is not None
        tmp.block.detach_op(op)
        first = loop.after.block.first_op
        if first is None:
            loop.after.block.add_op(op)
        else:
            loop.after.block.insert_op_before(op, first)
        self.scope = saved
        loop.after.defs[(g.id, 0)] = (op.results[0], 0)

    def _open_guard(self, loc: Loc | None) -> None:
        loop = self._innermost_loop()
        assert loop is not None
        flags = [loop.flag_vars[n] for n in ("brk", "cont") if getattr(loop, n) is not None]
        if len(flags) == 2:
            t = self._op("s_or_b32", instr.Dst("s"), flags[0][0], flags[1][0], loc=loc)[0]
            self._op("s_cmp_eq_u32", instr.Val(t, "s", 1), 0, loc=loc)
        else:
            self._op("s_cmp_eq_u32", flags[0][0], 0, loc=loc)
        frame = control.IfFrame(self, self.scope, self._read_special("scc", loc), loc, guard=True)
        self._push(frame)

    def _define_zero(self, scope: Scope, var: Any, loc: Loc | None) -> None:
        saved = self.scope
        self.scope = scope
        self._op("s_mov_b32", instr.Dst("s", 1, var.name), 0, loc=loc)
        op = scope.block.last_op
        assert op is not None
        self.ssa.write(scope, var, 0, op.results[0])
        self.scope = saved

    def _and_not_flag(self, before: Scope, cond: SSAValue, flag: Any, loc: Loc | None) -> SSAValue:
        saved = self.scope
        self.scope = before
        self._write_special("scc", cond)
        f = self.ssa.read_value(before, flag, 0, 0, loc)
        assert f is not None
        t = self._op("s_cselect_b32", instr.Dst("s"), instr.Val(f, "s", 1), 1, loc=loc)[0]
        self._op("s_cmp_eq_u32", instr.Val(t, "s", 1), 0, loc=loc)
        scc = self._read_special("scc", loc)
        self.scope = saved
        return scc


class _IfHandle:
    """What ``with J.If(cond) as branch`` binds: pyhip's ``branch.Else()``."""

    def __init__(self, J: JIT, frame: control.IfFrame):
        self._J = J
        self._frame = frame

    def Else(self) -> None:  # noqa: N802 (pyhip's name)
        self._frame.else_(user_loc())
