"""Coalescing: sets of values that will share one register range.

A *group* is a virtual register range: each member value sits at a dword offset in it,
and the group keeps, per dword, the segments where some member holds that dword.
Two groups merge only if no dword is held by both at the same point (no interference)
and their alignment constraints agree, so every merge is safe; which merges are tried,
and in what order, is the allocator's policy (ties, edges, then the frontend's
variable tags).

Alignment is a congruence on the group's base (the physical index of offset 0):
``base % mod == res`` with ``mod`` a power of two; a pinned group has a fixed base.
"""

from __future__ import annotations

from xdsl.ir import SSAValue

from pyhip_mlir.transforms.regalloc.liveness import SegList, Segment


class Group:
    """Values sharing a register range, with per-dword occupancy."""

    __slots__ = ("file", "dwords", "lo", "hi", "mod", "res", "pinned", "members")

    def __init__(self, file: str, value: SSAValue, width: int, segs: list[Segment], align: int,
                 pinned: int | None):
        self.file = file
        self.dwords: dict[int, SegList] = {d: SegList(list(segs)) for d in range(width)}
        self.lo = 0
        self.hi = width
        self.mod = align
        self.res = 0
        self.pinned = pinned
        self.members: list[tuple[SSAValue, int]] = [(value, 0)]

    @property
    def width(self) -> int:
        return self.hi - self.lo

    def first(self) -> int:
        return min(s.first for s in self.dwords.values())

    def size(self) -> int:
        return sum(len(s.segs) for s in self.dwords.values())


def _align_ok(mod_a: int, res_a: int, mod_b: int, res_b: int) -> tuple[int, int] | None:
    m = min(mod_a, mod_b)
    if res_a % m != res_b % m:
        return None
    return (mod_a, res_a % mod_a) if mod_a >= mod_b else (mod_b, res_b % mod_b)


class Groups:
    """Union-find over values, with offsets (merging moves the smaller group)."""

    def __init__(self) -> None:
        self.of: dict[SSAValue, Group] = {}
        self.offset: dict[SSAValue, int] = {}

    def add(self, g: Group) -> None:
        v = g.members[0][0]
        self.of[v] = g
        self.offset[v] = 0

    def groups(self) -> list[Group]:
        seen: dict[int, Group] = {}
        for g in self.of.values():
            seen.setdefault(id(g), g)
        return list(seen.values())

    def same(self, a: SSAValue, b: SSAValue, shift: int = 0) -> bool:
        ga, gb = self.of.get(a), self.of.get(b)
        return ga is not None and ga is gb and self.offset[a] == self.offset[b] + shift

    def try_union(self, a: SSAValue, b: SSAValue, shift: int = 0) -> bool:
        """Put ``a`` at ``b``'s offset + ``shift`` in one group, if that is safe."""
        ga, gb = self.of.get(a), self.of.get(b)
        if ga is None or gb is None:
            return False
        # coordinate x of ga maps to x + k in gb
        k = self.offset[b] + shift - self.offset[a]
        if ga is gb:
            return k == 0
        if ga.file != gb.file:
            return False
        if ga.size() > gb.size():  # move the smaller group's segments
            ga, gb, k = gb, ga, -k
        merged = self._check(ga, gb, k)
        if merged is None:
            return False
        gb.mod, gb.res, gb.pinned = merged
        for d, sl in ga.dwords.items():
            dst = gb.dwords.get(d + k)
            if dst is None:
                gb.dwords[d + k] = SegList(list(sl.segs))
            else:
                dst.add(sl.segs)
        gb.lo = min(gb.lo, ga.lo + k)
        gb.hi = max(gb.hi, ga.hi + k)
        for v, off in ga.members:
            self.of[v] = gb
            self.offset[v] = off + k
            gb.members.append((v, off + k))
        return True

    @staticmethod
    def _check(ga: Group, gb: Group, k: int) -> tuple[int, int, int | None] | None:
        for d, sl in ga.dwords.items():
            other = gb.dwords.get(d + k)
            if other is not None and other.overlaps(sl.segs):
                return None
        # ga's base = gb's base + k
        al = _align_ok(ga.mod, (ga.res - k) % ga.mod, gb.mod, gb.res)
        if al is None:
            return None
        pinned = gb.pinned
        if ga.pinned is not None:
            want = ga.pinned - k
            if pinned is not None and pinned != want:
                return None
            pinned = want
        if pinned is not None and pinned % al[0] != al[1]:
            return None
        return al[0], al[1], pinned
