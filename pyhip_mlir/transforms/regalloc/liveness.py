"""Live segments of every value: where in the program its register must hold it.

Classic backward dataflow over the linear blocks (live-in = uses before defs, plus
live-out minus defs; live-out = union of the successors' live-in), then one segment
per value and block: from its definition (or the block's start) to its last use (or
the block's end when it is live out). Segments are closed intervals of points; two
values interfere when a segment of one intersects a segment of the other.
"""

from __future__ import annotations

import bisect

from xdsl.ir import SSAValue

from pyhip_mlir.transforms.regalloc.linear import LBlock, Linear

Segment = tuple[int, int]


def live_sets(lin: Linear) -> dict[LBlock, set[SSAValue]]:
    """Live-out set of each linear block."""
    gen: dict[LBlock, set[SSAValue]] = {}
    kill: dict[LBlock, set[SSAValue]] = {}
    for lb in lin.blocks:
        defined = {v for v, _ in lb.defs}
        # a use is upward exposed unless the block defines the value before it
        g: set[SSAValue] = set()
        for v, point in lb.uses:
            d = lin.def_point.get(v)
            if v not in defined or d is None or d > point:
                g.add(v)
        gen[lb] = g
        kill[lb] = defined
    live_in: dict[LBlock, set[SSAValue]] = {lb: set(gen[lb]) for lb in lin.blocks}
    live_out: dict[LBlock, set[SSAValue]] = {lb: set() for lb in lin.blocks}
    changed = True
    order = list(reversed(lin.blocks))
    while changed:
        changed = False
        for lb in order:
            out: set[SSAValue] = set()
            for s in lb.succs:
                out |= live_in[s]
            if out != live_out[lb]:
                live_out[lb] = out
                new_in = gen[lb] | (out - kill[lb])
                if new_in != live_in[lb]:
                    live_in[lb] = new_in
                changed = True
    return live_out


def segments(lin: Linear) -> dict[SSAValue, list[Segment]]:
    """Sorted, disjoint segments of every value (unused values: their def point)."""
    live_out = live_sets(lin)
    segs: dict[SSAValue, list[Segment]] = {}
    for lb in lin.blocks:
        lo_pt, hi_pt = 2 * lb.start, 2 * lb.end + 1
        first: dict[SSAValue, int] = {}
        last: dict[SSAValue, int] = {}
        for v, point in lb.defs:
            first[v] = point
            last.setdefault(v, point)
        for v, point in lb.uses:
            if v not in first or first[v] > point:
                first[v] = lo_pt  # live in
            if last.get(v, -1) < point:
                last[v] = point
        out = live_out[lb]
        for v in out:
            if v not in first:
                first[v] = lo_pt
            last[v] = hi_pt
        for v, a in first.items():
            segs.setdefault(v, []).append((a, last[v]))
    for v, lst in segs.items():
        if len(lst) > 1:
            segs[v] = _normalize(lst)
    return segs


def _normalize(lst: list[Segment]) -> list[Segment]:
    lst.sort()
    out = [lst[0]]
    for a, b in lst[1:]:
        pa, pb = out[-1]
        if a <= pb + 1:
            out[-1] = (pa, max(pb, b))
        else:
            out.append((a, b))
    return out


class SegList:
    """Sorted disjoint segments with their starts kept alongside (for bisection)."""

    __slots__ = ("segs", "starts")

    def __init__(self, segs: list[Segment] | None = None):
        self.segs: list[Segment] = segs or []
        self.starts: list[int] = [a for a, _ in self.segs]

    def hits(self, s: int, e: int) -> bool:
        """Whether [s, e] intersects a segment."""
        i = bisect.bisect_right(self.starts, e)
        return bool(i) and self.segs[i - 1][1] >= s

    def overlaps(self, other: list[Segment]) -> bool:
        return any(self.hits(s, e) for s, e in other)

    def add(self, other: list[Segment]) -> None:
        for seg in other:
            i = bisect.bisect_right(self.starts, seg[0])
            self.starts.insert(i, seg[0])
            self.segs.insert(i, seg)

    @property
    def first(self) -> int:
        return self.starts[0] if self.starts else 1 << 60

    @property
    def last(self) -> int:
        return max((e for _, e in self.segs), default=-1)
