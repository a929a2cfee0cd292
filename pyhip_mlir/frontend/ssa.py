"""SSA construction while tracing: which SSA value each register dword holds where.

The author mutates register variables; the IR is SSA (DESIGN.md decision 3). Each
:class:`Scope` is one straight-line stretch of IR (an xDSL block) with a map from
``(variable, dword)`` to the ``(value, offset)`` that last wrote it. A read that misses
the map is resolved by the scope's kind:

* ``if``: the enclosing scope's value (its tracing is paused at the ``cdna.if``);
* ``loop``: a *carried* placeholder, a block argument of both ``cdna.while`` regions,
  kept at the loop's close only if the loop writes the variable (else replaced by the
  value from before the loop);
* ``cfg``: a block of the kernel's CFG (labels and jumps), resolved with Braun et
  al.'s on-the-fly algorithm ("Simple and Efficient Construction of SSA Form", CC
  2013): a single predecessor is asked directly, several make a block-argument phi,
  unsealed label blocks (whose predecessors may still grow) make an incomplete phi
  completed when the block is sealed at the end of tracing; trivial phis are removed.

Values cover ranges: a ``global_load_dwordx4`` into ``v[0:3]`` is one 4-dword value
and every dword maps to it at its offset, so reading ``v[0:3]`` back is that value
(no ops), ``v[1]`` is a ``cdna.extract`` and a mix of writers is a ``cdna.build``.
Placeholders and phis are made per contiguous missing range for the same reason.

Special registers (exec, vcc, scc, m0) are variables keyed by their name, so a
branch on scc reads the scc written by the last SALU op, across regions as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from xdsl.ir import Attribute, Block, BlockArgument, Operation, SSAValue

from pyhip_mlir.dialects.cdna.pseudo import BuildOp, ExtractOp
from pyhip_mlir.dialects.cdna.types import reg_type, special_type
from pyhip_mlir.frontend.loc import Loc

Key = tuple[Any, int]  # (variable id or special name, dword)
Part = tuple[SSAValue, int]  # (value, dword offset in it)


@dataclass(eq=False)
class VarInfo:
    """What SSA construction needs of a variable (a GPRs or a special register)."""

    key: Any
    name: str
    file: str  # "s" | "v" | "a" | special name
    owner: Scope | None = None  # where it was declared (None: the kernel, visible everywhere)

    def type_of(self, width: int) -> Attribute:
        if self.file in ("s", "v", "a"):
            return reg_type(self.file, width)
        return special_type(self.file)


@dataclass(eq=False)
class Carry:
    """A loop-carried range: ``var`` dwords ``lo..hi``, one argument per loop region."""

    var: VarInfo
    lo: int
    hi: int
    before_arg: BlockArgument
    after_arg: BlockArgument
    loc: Loc | None  # the read that made it (None: made for a write)
    from_read: bool


@dataclass(eq=False)
class Phi:
    var: VarInfo
    lo: int
    hi: int
    arg: BlockArgument
    loc: Loc | None
    incoming: list[SSAValue | None] = field(default_factory=list)  # one per predecessor


@dataclass(eq=False)
class Edge:
    pred: CfgBlock
    op: Operation | None  # the terminator of pred (None until pred is terminated)


@dataclass(eq=False)
class CfgBlock:
    """A block of the kernel's top-level CFG."""

    scope: Scope
    label: str | None = None
    preds: list[Edge] = field(default_factory=list)
    sealed: bool = False
    entry: bool = False
    phis: list[Phi] = field(default_factory=list)
    placed: bool = False  # the label was placed (J.Label), not only jumped to
    first_use: Loc | None = None


class Scope:
    """One block being filled, with the SSA value of every register dword in it."""

    def __init__(self, block: Block, parent: Scope | None, kind: str, resolver: Any = None):
        self.block = block
        self.parent = parent
        self.kind = kind  # "cfg" | "if" | "loop"
        self.resolver = resolver  # LoopFrame for "loop", CfgBlock for "cfg"
        self.defs: dict[Key, Part] = {}
        self.written: set[Key] = set()
        self.poison: dict[Key, str] = {}  # undefined after a region, and why
        self.extracts: dict[tuple[SSAValue, int, int], SSAValue] = {}
        self.terminated = False

    def inside(self, other: Scope) -> bool:
        """Whether this scope is ``other`` or nested in it."""
        s: Scope | None = self
        while s is not None:
            if s is other:
                return True
            s = s.parent
        return False

    def insert(self, op: Operation) -> None:
        """Append ``op``; in a finished block, before its terminator."""
        block = self.block
        last = block.last_op
        if self.terminated and last is not None:
            block.insert_op_before(op, last)
        elif op.regions or op.parent is not None:
            block.add_op(op)
        else:
            _append(block, op)


def _append(block: Block, op: Operation) -> None:
    """``block.add_op(op)`` for a fresh op without regions: the same links, without
    xDSL's check that ``op`` is not an ancestor of ``block`` (a walk to the root per op,
    which costs more than building the op in nested regions; an op without regions
    is no one's ancestor)."""
    last = block._last_op  # noqa: SLF001
    op.parent = block
    if last is None:
        block._first_op = op  # noqa: SLF001
    else:
        last._next_op = op  # noqa: SLF001
        op._prev_op = last  # noqa: SLF001
    block._last_op = op  # noqa: SLF001


class SSABuilder:
    """Reads and writes of variables in scopes; makes placeholders, phis and pseudo ops."""

    def __init__(self, locate: Callable[[Operation, Loc | None], None]):
        self.locate = locate

    # --- lookups --------------------------------------------------------------------

    def parts(self, scope: Scope, var: VarInfo, lo: int, hi: int, loc: Loc | None,
              merge: bool = False) -> list[Part | None]:
        """The (value, offset) of dwords lo..hi in ``scope``; None where undefined.

        ``merge``: the read is the frontend's own, at a region's close (what a branch
        that did not write the variable yields), not the program's.
        """
        out: list[Part | None] = []
        k = lo
        while k <= hi:
            got = scope.defs.get((var.key, k))
            if got is not None:
                out.append(got)
                k += 1
                continue
            end = k
            while end < hi and (var.key, end + 1) not in scope.defs:
                end += 1
            miss = self._resolve(scope, var, k, end, loc, merge)
            for i, p in enumerate(miss):
                if p is not None:
                    scope.defs[(var.key, k + i)] = p
            out.extend(miss)
            k = end + 1
        return out

    def _resolve(self, scope: Scope, var: VarInfo, lo: int, hi: int, loc: Loc | None,
                 merge: bool) -> list[Part | None]:
        n = hi - lo + 1
        if var.owner is not None and scope is var.owner:
            return [None] * n  # declared here and not written yet
        if scope.kind == "if":
            assert scope.parent is not None
            return self.parts(scope.parent, var, lo, hi, loc, merge)
        if scope.kind == "loop":
            return scope.resolver.carried_parts(self, scope, var, lo, hi, loc, merge)
        blk: CfgBlock = scope.resolver
        if blk.entry or (blk.sealed and not blk.preds):
            return [None] * n
        if blk.sealed and len(blk.preds) == 1:
            return self.parts(blk.preds[0].pred.scope, var, lo, hi, loc)
        arg = blk.scope.block.insert_arg(var.type_of(n), len(blk.scope.block.args))
        arg.name_hint = _hint(var.name)
        phi = Phi(var, lo, hi, arg, loc)
        blk.phis.append(phi)
        result: list[Part | None] = [(arg, i) for i in range(n)]
        for i in range(n):
            scope.defs[(var.key, lo + i)] = (arg, i)
        if blk.sealed:
            self.fill_phi(blk, phi)
        return result

    def fill_phi(self, blk: CfgBlock, phi: Phi) -> None:
        phi.incoming = [self.read_value(e.pred.scope, phi.var, phi.lo, phi.hi, phi.loc)
                        for e in blk.preds]

    # --- values -----------------------------------------------------------------------

    def read_value(self, scope: Scope, var: VarInfo, lo: int, hi: int, loc: Loc | None,
                   merge: bool = False) -> SSAValue | None:
        """The value of dwords lo..hi as one SSA value (None if any dword is undefined)."""
        first = scope.defs.get((var.key, lo))
        if first is not None and first[1] == 0:  # fast path: one value, exactly this range
            v = first[0]
            n = hi - lo + 1
            if _width(v) == n and (n == 1 or all(
                    scope.defs.get((var.key, lo + i)) == (v, i) for i in range(1, n))):
                return v
        parts = self.parts(scope, var, lo, hi, loc, merge)
        if any(p is None for p in parts):
            return None
        return self.materialize(scope, parts, var, loc)  # type: ignore[arg-type]

    def materialize(self, scope: Scope, parts: list[Part], var: VarInfo, loc: Loc | None) -> SSAValue:
        runs: list[tuple[SSAValue, int, int]] = []  # (value, first offset, count)
        for v, off in parts:
            if runs and runs[-1][0] is v and runs[-1][1] + runs[-1][2] == off:
                runs[-1] = (v, runs[-1][1], runs[-1][2] + 1)
            else:
                runs.append((v, off, 1))
        pieces = [self._extract(scope, v, off, cnt, var, loc) for v, off, cnt in runs]
        if len(pieces) == 1:
            return pieces[0]
        op = BuildOp(pieces, var.type_of(len(parts)))
        op.res.name_hint = _hint(var.name)
        self.locate(op, loc)
        scope.insert(op)
        return op.res

    def _extract(self, scope: Scope, v: SSAValue, off: int, cnt: int, var: VarInfo, loc: Loc | None) -> SSAValue:
        if off == 0 and _width(v) == cnt:
            return v
        s: Scope | None = scope
        while s is not None:  # structured parents dominate their nested scopes
            hit = s.extracts.get((v, off, cnt))
            if hit is not None:
                return hit
            s = s.parent
        t = var.type_of(cnt) if var.file in ("s", "v", "a") else v.type
        op = ExtractOp(v, off, t)
        op.res.name_hint = _hint(var.name)
        self.locate(op, loc)
        scope.insert(op)
        scope.extracts[(v, off, cnt)] = op.res
        return op.res

    @staticmethod
    def write(scope: Scope, var: VarInfo, lo: int, value: SSAValue) -> None:
        defs, written, poison, k0 = scope.defs, scope.written, scope.poison, var.key
        for i in range(_width(value)):
            key = (k0, lo + i)
            defs[key] = (value, i)
            written.add(key)
            if poison:
                poison.pop(key, None)


def _width(v: SSAValue) -> int:
    w = getattr(v.type, "width", None)  # RegType's parameter; special registers: 1
    return w.data if w is not None else 1


_VALID_HINTS: set[str] = set()


def set_hint(v: SSAValue, name: str | None) -> None:
    """``v.name_hint = name`` without re-validating a name seen before (xDSL checks
    every assignment with a regular expression; tracing names every value)."""
    if name is None or name not in _VALID_HINTS:
        v.name_hint = name
        if name is not None and v.name_hint == name:
            _VALID_HINTS.add(name)
    else:
        v._name = name  # noqa: SLF001


def _hint(name: str) -> str | None:
    out = "".join(c if c.isalnum() or c == "_" else "_" for c in name).strip("_")
    if not out:
        return None
    if out[0].isdigit():
        out = "v" + out
    return out
