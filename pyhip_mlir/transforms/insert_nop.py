"""``insert-nop``: the wait states the hardware needs between dependent instructions.

CDNA does not interlock some producer/consumer pairs (a VALU writing an SGPR that the
next VALU reads as a lane mask, a transcendental result, MFMA results, DPP sources,
...); the program must separate them by independent instructions or ``s_nop N``
(N+1 wait states). The rules are data (``dialects/isa/hazards.py``), shared with the
emulator's sanitizer, which reports any violation at run time: this pass makes the
program satisfy exactly what the sanitizer checks.

Runs last, on allocated and lowered IR (physical registers, blocks and branches): for
each instruction, every producer within the rules' window — in its block and, across
block boundaries, at the end of every predecessor (fall-through, branches, loop back
edges; the maximum over paths, iterated to a fixed point) — gives the wait states
still missing after the ones already issued in between; the largest is inserted right
before the consumer, growing an ``s_nop`` already there before adding one (at most 8
wait states per ``s_nop 7``). Copies (``cdna.copy``/``parallel_copy``/``build``/
``extract``) count as the moves the printer emits for them.

Statistics: ``nops-inserted`` (new ``s_nop`` instructions), ``wait-states-added``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation
from xdsl.passes import ModulePass
from xdsl.traits import IsTerminator

from pyhip_mlir.diagnostics import OpError
from pyhip_mlir.dialects.cdna.inst import InstOp, inst_class
from pyhip_mlir.dialects.cdna.kernel import KernelOp, arch_of
from pyhip_mlir.dialects.cdna.pseudo import (
    BuildOp,
    ConditionOp,
    CopyOp,
    ExtractOp,
    FallthroughOp,
    IfOp,
    ParallelCopyOp,
    WhileOp,
    YieldOp,
)
from pyhip_mlir.dialects.isa.hazards import (
    HazardRules,
    clause_kind,
    is_mfma,
    is_setreg,
    soft_clause_required,
    wide_store_data,
)
from pyhip_mlir.transforms.registry import stats

WINDOW = 24  # wait states: more than any rule asks for (DGEMM: 18 + 1)
MAX_NOP = 8  # wait states of one s_nop 7
COPIES = (CopyOp, ParallelCopyOp, BuildOp, ExtractOp)


@dataclass
class _Item:
    view: Any
    end: int  # wait-state clock right after the producer issued


def _states(op: Operation) -> int:
    """Wait states ``op`` issues (0 for ops that print nothing)."""
    if isinstance(op, InstOp):
        if op.mnemonic == "s_nop":
            return int(op.imm_values().get(0, 0)) + 1
        return 1
    if isinstance(op, COPIES):
        from pyhip_mlir.codegen.asm_printer import pseudo_lines

        return len(pseudo_lines(op))
    return 0


class _Views:
    """The decoded view (register ranges, slots) of each op, as the sanitizer sees it."""

    def __init__(self, arch: str):
        self.arch = arch
        self.cache: dict[Operation, Any] = {}

    def of(self, op: Operation) -> Any:
        v = self.cache.get(op)
        if v is None and op not in self.cache:
            v = self._make(op)
            self.cache[op] = v
        return v

    def _make(self, op: Operation) -> Any:
        from pyhip_mlir.emulator.program import _decode_inst

        if isinstance(op, InstOp):
            if op.mnemonic == "s_nop":
                return None
            v = _decode_inst(op, self.arch, -1, {}, _no_label, _no_text)
            v.cache["w"] = _regset(v.writes)
            v.cache["r"] = _regset(v.reads)
            return v
        if isinstance(op, COPIES):
            return _copy_view(op, self.arch)
        return None


def _copy_view(op: Operation, arch: str) -> Any:
    """The moves a copy prints, as one move instruction writing all their destinations
    (v_mov_b32 for vector registers, s_mov_b32 for scalars): the class the rules care
    about. None when it prints nothing (source and destination coincide)."""
    from types import SimpleNamespace

    from pyhip_mlir.codegen.asm_printer import _pseudo_moves
    from pyhip_mlir.dialects.isa.table import lookup
    from pyhip_mlir.emulator.program import Operand, RegRange

    moves = [(d, s) for d, s in _pseudo_moves(op) if d != s]
    if not moves:
        return None

    def rng(name: str) -> RegRange:
        return RegRange(name[0], int(name[1:]), 1)

    writes = tuple(rng(d) for d, _ in moves)
    reads = tuple(rng(s) for _, s in moves if s[0] in "sva" and s[1:].isdigit())
    vector = any(w.file in "va" for w in writes)
    idef = lookup("v_mov_b32" if vector else "s_mov_b32", arch)
    uses = (Operand(reg=reads[0]),) if reads else (None,)
    return SimpleNamespace(idef=idef, reads=reads, writes=writes, uses=uses,
                           use_slots=idef.uses if idef is not None else (), mods={},
                           cache={"w": _regset(writes), "r": _regset(reads)})


def _no_label(block: Block) -> str:
    return ""


def _no_text(*args: Any) -> str:
    return ""  # the text is for the sanitizer's reports; not needed here


def _regset(ranges: Any) -> frozenset[tuple[str, int]]:
    return frozenset((r.file, i) for r in ranges for i in range(r.first, r.first + r.count))


_EXEC = frozenset({("s", 126), ("s", 127)})


def _successors(block: Block) -> list[Block]:
    last = block.last_op
    if last is None or not last.has_trait(IsTerminator):
        return [block.next_block] if block.next_block is not None else []
    return list(last.successors)


class _Fixer:
    def __init__(self, kernel: KernelOp):
        self.arch = arch_of(kernel)
        self.rules = HazardRules(self.arch)
        self.views = _Views(self.arch)
        self.blocks = list(kernel.body.blocks)
        self.preds: dict[Block, list[Block]] = {b: [] for b in self.blocks}
        for b in self.blocks:
            for s in _successors(b):
                self.preds.setdefault(s, []).append(b)
        self.out: dict[Block, list[tuple[Any, int]]] = {b: [] for b in self.blocks}
        self.pair_cache: dict[tuple[int, int], int] = {}
        self.clause_out: dict[Block, list[Any]] = {}
        self.nops = 0
        self.states = 0

    def run(self) -> None:
        seen_in: dict[Block, list[tuple[int, int]]] = {}
        for _ in range(8):
            changed = False
            for b in self.blocks:
                hist = self._incoming(b)
                key = [(id(it.view), it.end) for it in hist]
                if seen_in.get(b) == key:
                    continue  # same history coming in, and nops only grow: nothing new
                seen_in[b] = key
                out, grew = self._block(b, hist)
                if out != self.out[b]:
                    self.out[b] = out
                    changed = True
                changed = changed or grew
            if not changed:
                return

    def _incoming(self, b: Block) -> list[_Item]:
        """The producers still within the window at the end of every predecessor, each
        once with its smallest distance, oldest first (clock 0 = the block's start)."""
        best: dict[int, tuple[int, Any]] = {}
        for p in self.preds.get(b, []):
            for view, dist in self.out[p]:
                k = id(view)
                if k not in best or dist < best[k][0]:
                    best[k] = (dist, view)
        items = [_Item(view, -dist) for dist, view in best.values()]
        items.sort(key=lambda it: it.end)
        return items

    def _need(self, p: Any, c: Any) -> int:
        pw, cw = p.cache["w"], c.cache["w"]
        # every rule needs the producer to write what the consumer reads or writes, to
        # read what it writes (MFMA SrcC), to write EXEC, or to be an s_setreg
        if not (pw & c.cache["r"] or pw & cw or p.cache["r"] & cw or pw & _EXEC
                or is_setreg(p)):
            return 0
        key = (id(p), id(c))
        n = self.pair_cache.get(key)
        if n is None:
            r = self.rules.required(p, c)
            n = r[0] if r is not None else 0
            self.pair_cache[key] = n
        return n

    def _block(self, b: Block, hist: list[_Item]) -> tuple[list[tuple[Any, int]], bool]:
        """Fix ``b`` given the producers coming in; returns those still in the window
        at its end. Candidates are found by register: every rule needs the producer
        to write something the consumer reads or writes, to write EXEC, or (MFMA) to
        read what the consumer writes."""
        clock = 0
        grew = False
        by_reg: dict[tuple[str, int], list[_Item]] = {}
        special: list[_Item] = []  # EXEC writers, MFMAs, s_setreg: checked against everyone
        live: list[_Item] = []
        clause = list(self.clause_in(b))  # the memory instructions issued back to back

        def index(it: _Item) -> None:
            live.append(it)
            w = it.view.cache["w"]
            if w & _EXEC or is_mfma(it.view) or is_setreg(it.view):
                special.append(it)
            for r in w:
                by_reg.setdefault(r, []).append(it)
            if wide_store_data(it.view):  # hazardous for whoever overwrites its data
                for r in it.view.cache["r"] - w:
                    by_reg.setdefault(r, []).append(it)

        for it in hist:
            index(it)
        for op in list(b.ops):
            view = self.views.of(op)
            if view is not None:
                need = 0
                seen: set[int] = set()
                for regs in (view.cache["r"], view.cache["w"]):
                    for r in regs:
                        for it in by_reg.get(r, ()):
                            if id(it) not in seen:
                                seen.add(id(it))
                                have = clock - it.end
                                if have < WINDOW:
                                    n = self._need(it.view, view) - have
                                    if n > need:
                                        need = n
                for it in special:
                    if id(it) not in seen:
                        have = clock - it.end
                        if have < WINDOW:
                            n = self._need(it.view, view) - have
                            if n > need:
                                need = n
                kind = clause_kind(view)
                if kind is not None and clause and clause_kind(clause[-1]) == kind:
                    need = max(need, soft_clause_required(clause, view))
                if need > 0:
                    clock += self._insert(op, need)
                    grew = True
                    clause = []
                if kind is None:
                    clause = []
                elif clause and clause_kind(clause[-1]) == kind:
                    clause = [*clause, view]
                else:
                    clause = [view]
            elif _states(op):
                clause = []  # an s_nop ends a clause
            clock += _states(op)
            if view is not None:
                index(_Item(view, clock))
                if len(live) > 256:  # forget what is out of the window for good
                    live = [it for it in live if clock - it.end < WINDOW]
                    keep = {id(it) for it in live}
                    by_reg = {r: [it for it in lst if id(it) in keep] for r, lst in by_reg.items()}
                    by_reg = {r: lst for r, lst in by_reg.items() if lst}
                    special = [it for it in special if id(it) in keep]
        out = [(it.view, clock - it.end) for it in live if clock - it.end < WINDOW]
        self.clause_out[b] = clause
        return out, grew

    def clause_in(self, b: Block) -> list[Any]:
        """The memory clause still open when ``b`` starts: the one ending the block laid
        out before it, if that block falls through without a branch instruction."""
        prev = b.prev_block
        last = prev.last_op if prev is not None else None
        if prev is None or (last is not None and last.has_trait(IsTerminator)
                            and not isinstance(last, FallthroughOp)):
            return []
        return self.clause_out.get(prev, [])

    def _insert(self, op: Operation, need: int) -> int:
        """Add ``need`` wait states right before ``op``; returns how many were added."""
        added = 0
        prev = op.prev_op
        while prev is not None and not isinstance(prev, InstOp) and _states(prev) == 0:
            prev = prev.prev_op  # get_reg, a copy that moves nothing: no wait states
        if isinstance(prev, InstOp) and prev.mnemonic == "s_nop":
            n = int(prev.imm_values().get(0, 0))
            grow = min(MAX_NOP - 1 - n, need)
            if grow > 0:
                grown = inst_class("s_nop")(imm={0: n + grow})
                grown.location = prev.location
                prev.parent_block().insert_op_before(grown, prev)  # type: ignore[union-attr]
                prev.detach()
                prev.erase()
                self.views.cache.pop(prev, None)
                added += grow
        while added < need:
            k = min(MAX_NOP, need - added)
            nop = inst_class("s_nop")(imm={0: k - 1})
            nop.location = op.location
            op.parent_block().insert_op_before(nop, op)  # type: ignore[union-attr]
            self.nops += 1
            added += k
        self.states += added
        return added


@dataclass(frozen=True)
class InsertNopPass(ModulePass):
    """Insert s_nop wait states between hazardous instruction pairs (after allocation)."""

    name = "insert-nop"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        st = stats(self)
        nops = states = 0
        for kernel in op.walk():
            if not isinstance(kernel, KernelOp):
                continue
            for inner in kernel.walk():
                if isinstance(inner, IfOp | WhileOp | YieldOp | ConditionOp):
                    raise OpError("insert-nop runs on lowered code: run lower-structured first", inner)
            fixer = _Fixer(kernel)
            fixer.run()
            nops += fixer.nops
            states += fixer.states
        st.add("nops-inserted", nops, "s_nop instructions inserted")
        st.add("wait-states-added", states, "Wait states added (new and grown s_nop)")
