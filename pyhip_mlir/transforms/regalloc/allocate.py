"""The allocator: coalesce, insert the copies coalescing could not avoid, assign.

1. Number the program (``linear``) and compute live segments (``liveness``).
2. One group per register value (``groups``). Must-merges: a read-and-written operand
   with its result (an MFMA accumulating in place, ``v_mac``), a lane-mask ``if``'s
   result with its else-value; edges (block arguments, if results, loop-carried
   values) with their sources. A must-merge that would interfere becomes a copy: a
   ``cdna.copy`` before the instruction, or one ``cdna.parallel_copy`` at the edge;
   then the whole analysis runs again (the copies' results die where they are read,
   so they merge). Hints after that: an MFMA's result with its accumulator input, and
   values the frontend tagged with the same variable (``hints``), at their offsets.
3. Groups get registers first-fit in order of their first point, honouring alignment,
   pinned registers (entry arguments, already-allocated values) and the budget.
   Running out is a diagnostic at the point of peak pressure with the live values.
4. Every value's type becomes its physical register.

Special registers (exec, vcc, scc, m0) are not allocated; two values of one of them
live at the same point are reported (nothing could hold both).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.ir import Block, Operation, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter

from pyhip_mlir.diagnostics import OpError, location_of
from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.dialects.cdna.kernel import KernelOp, arch_of
from pyhip_mlir.dialects.cdna.pseudo import (
    BuildOp,
    ConditionOp,
    CopyOp,
    ExtractOp,
    IfOp,
    MergeLanesOp,
    ParallelCopyOp,
    WhileOp,
    YieldOp,
)
from pyhip_mlir.dialects.cdna.types import RegType, SpecialRegType, dwords_of, reg_type
from pyhip_mlir.dialects.cdna.verify import _alignment, _shape
from pyhip_mlir.transforms.regalloc.groups import Group, Groups
from pyhip_mlir.transforms.regalloc.hints import tags_of
from pyhip_mlir.transforms.regalloc.linear import Edge, Linear
from pyhip_mlir.transforms.regalloc.liveness import SegList, Segment, _normalize, segments

MAX_ROUNDS = 4


@dataclass
class Budget:
    """Registers the allocator may use per file (first index past the last usable)."""

    s: int = 102
    v: int = 256
    a: int = 256

    def of(self, file: str) -> int:
        return getattr(self, file)


@dataclass
class Result:
    copies: int = 0
    used: dict[str, int] = field(default_factory=lambda: {"s": 0, "v": 0, "a": 0})
    remarks: list[tuple[Operation, str]] = field(default_factory=list)


def allocate_kernel(kernel: KernelOp, budget: Budget) -> Result:
    result = Result()
    blocks = list(kernel.body.blocks)
    if not blocks:
        return result
    arch = arch_of(kernel)
    for _ in range(MAX_ROUNDS):
        lin = Linear(blocks)
        segs = segments(lin)
        need = _extend_lane_ties(lin, segs)
        if need:
            _copy_else_values(need, result)
            continue
        need_old = _clip_merges(lin, segs)
        if need_old:
            _copy_merge_olds(need_old, result)
            continue
        _extend_dead_loads(lin, segs)
        _check_specials(lin, segs)
        groups = _make_groups(kernel, lin, segs, arch)
        copies = _must_merges(lin, groups)
        if not copies.empty():
            result.copies += copies.insert(result)
            continue
        _hint_merges(kernel, lin, groups, segs)
        _assign(groups, lin, segs, budget, result)
        return result
    raise OpError("register allocation did not converge (internal error)", kernel)


# --- segments that liveness alone does not give ----------------------------------------


def _extend_lane_ties(lin: Linear, segs: dict[SSAValue, list[Segment]]) -> list[tuple[IfOp, int]]:
    """A lane-mask if writes its then-value per lane into the else-value's register.

    From the then-region's start to the else-yield, that register holds the merged
    value: the else-value until the then-value is written, the then-value from there to
    the else-yield (so nothing else is put there, and the else-region sees the merge).
    That is only right if the else-value is not read after the then-value is written;
    otherwise the else-value must be copied first (returned: (if, result index)).
    """
    need_copy: list[tuple[IfOp, int]] = []
    for tie in lin.lane_ties:
        then_yield = tie.op.then_region.block.last_op
        else_yield = tie.op.else_region.block.last_op
        assert isinstance(then_yield, YieldOp) and isinstance(else_yield, YieldOp)
        t = then_yield.values[tie.index]
        e = else_yield.values[tie.index]
        if t is e or not isinstance(t.type, RegType):
            continue
        owner = t.owner
        if not (isinstance(owner, Operation) and owner.parent_op() is tie.op):
            continue  # not written in the region: the edge gets a copy, tied next round
        t_def = lin.def_point[t]
        late = False
        for use in e.uses:
            user = use.operation
            if user is else_yield and use.index == tie.index:
                continue
            p = 2 * lin.pos[user] if user in lin.pos else None
            if p is None or p >= t_def:  # read after the then-value replaced its lanes
                late = True
        if late:
            need_copy.append((tie.op, tie.index))
            continue
        # e keeps the register until t is written, t from there to the else-yield
        segs[e] = [(a, min(b, t_def - 1)) for a, b in segs[e] if a < tie.then_start]
        segs[e].append((tie.then_start, t_def - 1))
        segs[e] = _normalize(segs[e])
        segs[t] = [(t_def, max(tie.else_end, segs[t][-1][1]))]
    return need_copy


def _defined_between(v: SSAValue, start: Operation, end: Operation) -> bool:
    o: Operation | None = start
    while o is not None and o is not end:
        if v.owner is o:
            return True
        o = o.next_op
    return False


def _copy_else_values(need: list[tuple[IfOp, int]], result: Result) -> None:
    """An else-value still read after a lane-mask region: the region's register starts
    as a copy of it, made before EXEC is narrowed (the copy must write every lane the
    region's merge keeps), and the original keeps its own register."""
    for op, i in need:
        else_yield = op.else_region.block.last_op
        assert isinstance(else_yield, YieldOp)
        e = else_yield.values[i]
        at = op.cond.owner if isinstance(op.cond.owner, Operation) else op
        if at.parent_block() is not op.parent_block() or _defined_between(e, at, op):
            at = op
        c = CopyOp(e, e.type)
        c.res.name_hint = e.name_hint
        c.location = op.location
        Rewriter.insert_op(c, InsertPoint.before(at))
        else_yield.operands[i] = c.res
        _retie_merge_old(op, i, e, c.res)
        result.copies += 1
        result.remarks.append((op, f"copy of '{e.name_hint or 'value'}': it is read after the "
                                   "lane-mask region that overwrites its register"))


def _retie_merge_old(op: IfOp, i: int, e: SSAValue, c: SSAValue) -> None:
    """The then-value's lane merge onto ``e`` now merges onto the copy ``c``: one register
    for both (else a second copy of ``e`` is made for the merge, and the then-value is
    moved into the if's register at the yield, reading a load before its wait)."""
    then_yield = op.then_region.block.last_op
    assert isinstance(then_yield, YieldOp)
    m = then_yield.values[i].owner
    while isinstance(m, MergeLanesOp):
        if m.old is e:
            m.operands[0] = c
            return
        m = m.old.owner


def _clip_merges(lin: Linear, segs: dict[SSAValue, list[Segment]]) -> list[MergeLanesOp]:
    """``cdna.merge_lanes old, new``: ``new`` is written into ``old``'s register, so
    ``old`` ends where ``new``'s instruction reads it, and ``new`` holds the register from
    there to the merge. If ``old`` is read after that instruction (another variable
    shares the value, after cse), the merge needs a copy of it: returned."""
    need: list[MergeLanesOp] = []
    for op in lin.ops:
        if not isinstance(op, MergeLanesOp):
            continue
        old, new = op.old, op.new
        if not isinstance(new.type, RegType) or new not in lin.def_point:
            continue
        writer = _def_op(new)
        p = lin.pos.get(writer) if writer is not None else None
        if p is None:
            continue
        if any(use.operation is not op and (q := lin.pos.get(use.operation)) is not None
               and q > p and not _else_yield_of(use.operation, op) for use in old.uses):
            need.append(op)
            continue
        cut = 2 * p
        segs[old] = [(a, min(b, cut)) for a, b in segs[old] if a <= cut] or [(cut, cut)]
        segs[new] = [(2 * p + 1, 2 * lin.pos[op])]
    return need


def _copy_merge_olds(need: list[MergeLanesOp], result: Result) -> None:
    """The old value of these merges gets a register of its own: a copy made before
    EXEC was narrowed (so it holds every lane the merge keeps), or right before the
    write when the old value only exists after that."""
    for op in need:
        old = op.old
        writer = _def_op(op.new)
        at = op.exec_.owner if isinstance(op.exec_.owner, Operation) else writer
        if at is None or writer is None or at.parent_block() is not writer.parent_block() \
                or _defined_between(old, at, writer):
            at = writer
        assert at is not None
        c = CopyOp(old, old.type)
        c.res.name_hint = old.name_hint
        c.location = op.location
        Rewriter.insert_op(c, InsertPoint.before(at))
        op.operands[0] = c.res
        result.copies += 1
        result.remarks.append((op, f"copy of '{old.name_hint or 'value'}': another variable "
                                   "still reads it after this write under a narrowed EXEC"))


def _else_yield_of(user: Operation, op: Operation) -> bool:
    """``user`` is the else-yield of a lane-mask if whose then-region holds ``op``: it
    reads the lanes the then-region did not write, which still hold the old value."""
    if not isinstance(user, YieldOp):
        return False
    parent = user.parent_op()
    if not isinstance(parent, IfOp) or user.parent_region() is not parent.else_region:
        return False
    return parent.then_region.is_ancestor(op) if hasattr(parent.then_region, "is_ancestor") else (
        _inside(op, parent.then_region))


def _inside(op: Operation, region: object) -> bool:
    r = op.parent_region()
    while r is not None:
        if r is region:
            return True
        owner = r.parent_op()
        r = owner.parent_region() if owner is not None else None
    return False


def _extend_dead_loads(lin: Linear, segs: dict[SSAValue, list[Segment]]) -> None:
    """A load writes its destination when it completes, not when it issues: a result
    nobody reads keeps its register until the next wait for that counter drains to 0
    in the same block, or to the end of the kernel."""
    from pyhip_mlir.transforms.regalloc.waits import completion_point

    for op in lin.ops:
        if not isinstance(op, InstOp) or not op.results:
            continue
        for r in op.defs:
            if r.uses or not isinstance(r.type, RegType):
                continue
            end = completion_point(op, lin)
            if end is not None:
                a, _ = segs[r][0]
                segs[r] = [(a, end)]


def _check_specials(lin: Linear, segs: dict[SSAValue, list[Segment]]) -> None:
    by_reg: dict[str, list[tuple[Segment, SSAValue]]] = {}
    for v, lst in segs.items():
        if isinstance(v.type, SpecialRegType):
            for s in lst:
                by_reg.setdefault(v.type.reg, []).append((s, v))
    for reg, items in by_reg.items():
        items.sort(key=lambda it: it[0])
        live_end, live_v = -1, None
        for (a, b), v in items:
            if a <= live_end and live_v is not None and live_v is not v:
                op = lin.ops[a // 2]
                first = _def_op(live_v)
                where = _where(first)
                raise OpError(
                    f"overwrites {reg} while the {reg} value from {where} is still needed "
                    f"(only one {reg} value can be live; save it in an SGPR first)",
                    op,
                )
            if b > live_end:
                live_end, live_v = b, v


# --- groups and merges -------------------------------------------------------------------


def _value_align(kernel: KernelOp, lin: Linear, arch: str) -> dict[SSAValue, int]:
    align: dict[SSAValue, int] = {}
    for op in lin.ops:
        if not isinstance(op, InstOp):
            continue
        shape = _shape(op.mnemonic, op.arch(), tuple(op.mod_values()), len(op.defs))
        for r, (_, _, a) in zip(op.defs, shape.def_checks, strict=False):
            if isinstance(r.type, RegType):
                align[r] = max(align.get(r, 1), _alignment(r.type, arch, a))
        regs = [v for kind, v in op.slot_items() if kind == "reg"]
        checks = [c for (kind, _), c in zip(op.slot_items(), shape.use_checks, strict=False)
                  if kind == "reg"]
        for v, (_, _, a) in zip(regs, checks, strict=False):
            assert isinstance(v, SSAValue)
            if isinstance(v.type, RegType):
                align[v] = max(align.get(v, 1), _alignment(v.type, arch, a))
    return align


def _make_groups(kernel: KernelOp, lin: Linear, segs: dict[SSAValue, list[Segment]],
                 arch: str) -> Groups:
    from pyhip_mlir.transforms.regalloc.abi import entry_pins

    align = _value_align(kernel, lin, arch)
    pins = entry_pins(kernel, arch)
    groups = Groups()
    for v, lst in segs.items():
        t = v.type
        if not isinstance(t, RegType):
            continue
        pinned = t.first if t.is_allocated else pins.get(v)
        groups.add(Group(t.file, v, t.nregs, lst, align.get(v, 1), pinned))
    return groups


@dataclass
class _Copies:
    tied: list[tuple[InstOp, int]] = field(default_factory=list)
    edges: dict[int, tuple[Edge, set[int]]] = field(default_factory=dict)
    merges: list[MergeLanesOp] = field(default_factory=list)
    merge_news: list[MergeLanesOp] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.tied or self.edges or self.merges or self.merge_news)

    def insert(self, result: Result) -> int:
        n = 0
        if self.merges:
            before = result.copies
            _copy_merge_olds(self.merges, result)
            n += result.copies - before
            result.copies = before  # counted by the caller
        for op in self.merge_news:
            # a move of the shared value under the same (narrowed) EXEC: it writes the
            # merge's lanes into this variable's register and leaves the others alone
            new = op.new
            c = CopyOp(new, new.type)
            c.res.name_hint = op.old.name_hint
            c.location = op.location
            Rewriter.insert_op(c, InsertPoint.before(op))
            op.operands[1] = c.res
            result.remarks.append((op, f"copy of '{new.name_hint or 'value'}', written into two "
                                       "variables under a narrowed EXEC"))
            n += 1
        for op, idx in self.tied:
            v = op.operands[idx]
            c = CopyOp(v, v.type)
            c.res.name_hint = v.name_hint
            c.location = op.location
            Rewriter.insert_op(c, InsertPoint.before(op))
            op.operands[idx] = c.res
            result.remarks.append((op, f"copy of '{v.name_hint or 'value'}' for a read-and-written operand"))
            n += 1
        for edge, which in self.edges.values():
            n += _insert_edge_copy(edge, sorted(which), result)
        return n


def _insert_edge_copy(edge: Edge, which: list[int], result: Result) -> int:
    op = edge.op
    srcs = [edge.sources[i] for i in which]
    pc = ParallelCopyOp(srcs, [s.type for s in srcs])
    pc.location = op.location
    for s, r in zip(srcs, pc.res, strict=True):
        r.name_hint = s.name_hint
    Rewriter.insert_op(pc, InsertPoint.before(op))
    base = _edge_operand_base(op)
    for k, i in enumerate(which):
        op.operands[base + i] = pc.res[k]
    names = ", ".join(f"'{s.name_hint or 'value'}'" for s in srcs)
    result.remarks.append((op, f"{len(srcs)} cop{'y' if len(srcs) == 1 else 'ies'} at a control "
                               f"flow edge ({names})"))
    return len(srcs)


def _edge_operand_base(op: Operation) -> int:
    """Index of an edge's first source among ``op.operands``."""
    if isinstance(op, InstOp):
        return len(op.uses) + len(op.implicit_uses)
    if isinstance(op, ConditionOp):
        return 1
    return 0  # yield, fallthrough, while (its inits)


def _must_merges(lin: Linear, groups: Groups) -> _Copies:
    copies = _Copies()
    for op in lin.ops:
        if isinstance(op, MergeLanesOp) and isinstance(op.res.type, RegType):
            if op.new.uses.get_length() > 1:  # one value written into two variables (cse)
                copies.merge_news.append(op)
            elif not (groups.try_union(op.new, op.old) and groups.try_union(op.res, op.old)):
                copies.merges.append(op)
        elif isinstance(op, InstOp):
            for r_idx, use_idx in _tied(op):
                u = op.operands[use_idx]
                r = op.defs[r_idx]
                if isinstance(r.type, RegType) and not groups.try_union(u, r):
                    copies.tied.append((op, use_idx))
    for tie in lin.lane_ties:
        r = tie.op.res[tie.index]
        else_yield = tie.op.else_region.block.last_op
        assert isinstance(else_yield, YieldOp)
        e = else_yield.values[tie.index]
        if isinstance(r.type, RegType) and not groups.try_union(e, r):
            raise OpError(
                f"cannot keep '{e.name_hint or 'value'}' in one register across this "
                "lane-mask region (the registers it needs are taken)", tie.op)
    for edge in lin.edges:
        for i, (s, t) in enumerate(zip(edge.sources, edge.targets, strict=True)):
            if not isinstance(t.type, RegType):
                continue
            if not groups.try_union(s, t):
                key = id(edge.op) if not isinstance(edge.op, WhileOp) else -id(edge.op)
                copies.edges.setdefault(key, (edge, set()))[1].add(i)
    return copies


def _tied(op: InstOp) -> list[tuple[int, int]]:
    """(result index, operand index) of read-and-written operands."""
    shape = _shape(op.mnemonic, op.arch(), tuple(op.mod_values()), len(op.defs))
    if not shape.tied:
        return []
    reg_index: dict[int, int] = {}
    n = 0
    for k, (kind, _) in enumerate(op.slot_items()):
        if kind == "reg":
            reg_index[k] = n
            n += 1
    return [(r, reg_index[u]) for r, u in shape.tied if u in reg_index]


def _hint_merges(kernel: KernelOp, lin: Linear, groups: Groups,
                 segs: dict[SSAValue, list[Segment]]) -> None:
    # Parts of a build/extract/copy in place make them no moves at all.
    for op in lin.ops:
        if isinstance(op, BuildOp):
            off = 0
            for part in op.parts:
                if isinstance(part.type, RegType):
                    groups.try_union(part, op.res, off)
                off += dwords_of(part.type) or 1
        elif isinstance(op, ExtractOp) and isinstance(op.src.type, RegType):
            _merge_extract(op, groups, segs)
        elif isinstance(op, CopyOp | ParallelCopyOp):
            for s, r in zip(op.operands, op.results, strict=True):
                if isinstance(r.type, RegType):
                    groups.try_union(s, r)
    for op in lin.ops:
        if isinstance(op, InstOp) and op.mnemonic.startswith("v_mfma") and op.defs:
            src2 = [v for k, v in op.slot_items() if k == "reg"]
            if len(src2) >= 3 and isinstance(src2[2], SSAValue):
                groups.try_union(src2[2], op.defs[0])
    tags = tags_of(kernel)
    anchors: dict[object, tuple[SSAValue, int]] = {}
    for v in list(groups.of):
        tag = tags.get(v) if tags is not None else None
        if tag is None:
            if tags is not None or not v.name_hint:
                continue
            # without the frontend's tags (IR from a file), one variable per name
            tag = ((v.name_hint, v.type.file, v.type.nregs), 0)  # type: ignore[attr-defined]
        key, off = tag
        if key not in anchors:
            anchors[key] = (v, off)
            continue
        a, a_off = anchors[key]
        groups.try_union(v, a, off - a_off)


def _merge_extract(op: ExtractOp, groups: Groups, segs: dict[SSAValue, list[Segment]]) -> None:
    """An extract is a view of its source's dwords: while the source is live those
    registers hold exactly the extracted value, so that part of the result's life
    needs no room of its own (an accumulator read element by element while it stays
    live is then read in place, not copied out first)."""
    res, src, off = op.res, op.src, op.offset.data
    g = groups.of.get(res)
    if g is None or len(g.members) != 1 or src not in segs:
        groups.try_union(res, src, off)
        return
    own = _subtract(segs.get(res, []), segs[src])
    saved = g.dwords
    g.dwords = {d: SegList(list(own)) for d in saved}
    if not groups.try_union(res, src, off):
        g.dwords = saved


def _subtract(a: list[Segment], b: list[Segment]) -> list[Segment]:
    """The points of ``a`` outside ``b`` (both sorted, inclusive segments)."""
    out: list[Segment] = []
    for s, e in a:
        cur = s
        for bs, be in b:
            if be < cur or bs > e:
                continue
            if bs > cur:
                out.append((cur, bs - 1))
            cur = max(cur, be + 1)
            if cur > e:
                break
        if cur <= e:
            out.append((cur, e))
    return out


# --- assignment ---------------------------------------------------------------------------


def _assign(groups: Groups, lin: Linear, segs: dict[SSAValue, list[Segment]], budget: Budget,
            result: Result) -> None:
    regs: dict[str, list[SegList]] = {f: [SegList() for _ in range(512)] for f in "sva"}
    last_end: dict[str, list[int]] = {f: [-1] * 512 for f in "sva"}
    todo = groups.groups()
    # pinned groups first (they cannot move), then by first point
    todo.sort(key=lambda g: (g.pinned is None, g.first()))
    base_of: dict[int, int] = {}
    for g in todo:
        limit = budget.of(g.file) if g.pinned is None else 512
        base = _place(g, regs[g.file], last_end[g.file], limit)
        if base is None:
            _out_of_registers(g, lin, segs, budget)
        base_of[id(g)] = base
        for d, sl in g.dwords.items():
            r = base + d
            regs[g.file][r].add(sl.segs)
            last_end[g.file][r] = max(last_end[g.file][r], sl.last)
            result.used[g.file] = max(result.used[g.file], r + 1)
    for g in todo:
        base = base_of[id(g)]
        for v, off in g.members:
            t = v.type
            assert isinstance(t, RegType)
            new = reg_type(t.file, t.nregs, base + off)
            if new != t:
                # Retyped in place: every use sees the register, no value is replaced.
                v._type = new  # type: ignore[attr-defined]


def _place(g: Group, regs: list, last_end: list[int], limit: int) -> int | None:
    if g.pinned is not None:
        cands: range | list[int] = [g.pinned]
    else:
        start = -g.lo
        start += (g.res - start) % g.mod
        cands = range(start, limit - g.hi + 1, g.mod)
    gfirst = g.first()
    for base in cands:
        if base + g.lo < 0 or base + g.hi > max(limit, 1):
            continue
        ok = True
        for d, sl in g.dwords.items():
            r = base + d
            if last_end[r] < gfirst:
                continue
            if regs[r].overlaps(sl.segs):
                ok = False
                break
        if ok:
            return base
    return None


def _out_of_registers(g: Group, lin: Linear, segs: dict[SSAValue, list[Segment]],
                      budget: Budget) -> None:
    file = g.file
    events: list[tuple[int, int]] = []
    for v, lst in segs.items():
        t = v.type
        if isinstance(t, RegType) and t.file == file:
            for a, b in lst:
                events.append((a, t.nregs))
                events.append((b + 1, -t.nregs))
    events.sort()
    cur = peak = 0
    peak_at = 0
    for p, w in events:
        cur += w
        if cur > peak:
            peak, peak_at = cur, p
    live = [v for v, lst in segs.items()
            if isinstance(v.type, RegType) and v.type.file == file
            and any(a <= peak_at <= b for a, b in lst)]
    live.sort(key=lambda v: -v.type.nregs)  # type: ignore[attr-defined]
    names = "; ".join(
        f"'{v.name_hint or 'value'}' ({v.type.nregs} dword{'s' if v.type.nregs > 1 else ''}, "  # type: ignore[attr-defined]
        f"{_origin(v)})" for v in live[:12])
    more = f"; and {len(live) - 12} more" if len(live) > 12 else ""
    op = lin.ops[min(peak_at // 2, len(lin.ops) - 1)]
    raise OpError(
        f"out of {file.upper()}GPRs: {peak} needed here, {budget.of(file)} available "
        f"(the allocator never spills). Live here, largest first: {names}{more}", op)


def _def_op(v: SSAValue) -> Operation | None:
    owner = v.owner
    if isinstance(owner, Operation):
        return owner
    if isinstance(owner, Block):
        return owner.parent_op() if owner.first_op is None else owner.first_op
    return None


def _origin(v: SSAValue) -> str:
    owner = v.owner
    if isinstance(owner, Block) and owner.parent_op() is not None and isinstance(owner.parent_op(), KernelOp) \
            and owner is owner.parent.blocks.first:  # type: ignore[union-attr]
        return "a launch input"
    return f"defined at {_where(_def_op(v))}"


def _where(op: Operation | None) -> str:
    loc = location_of(op)
    if loc is None:
        return "an unknown location"
    return f"{loc.filename.data}:{loc.line.data}"


