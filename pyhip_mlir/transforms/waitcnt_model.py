"""Outstanding memory operations at every program point (the model of ``s_waitcnt``).

A memory instruction defines its results at issue, but its destination is written when
it completes; ``s_waitcnt`` blocks until few enough operations of a counter remain.
What completes when (ISA_NOTES.md; LLVM's SIInsertWaitcnts models the same):

* ``vm``  (MUBUF/MTBUF/FLAT/global/scratch, loads, stores and atomics): complete in
  issue order, so after ``vmcnt(N)`` every vm operation with at least N vm operations
  issued after it is complete;
* ``lds`` (DS): in order among themselves; after ``lgkmcnt(N)``, an LDS operation with
  at least N LDS operations issued after it is complete (scalar loads sharing the
  counter may return early, so they are not counted);
* ``smem`` (scalar memory, ``s_sendmsg``): may return out of order: complete only after
  ``lgkmcnt(0)``.

A state maps each value an outstanding operation will write to the fewest operations
of its queue issued after it on any path (the join keeps the minimum, and the union),
which is exactly what a wait needs to know. Queues keep a running stamp so that an
issue is O(1): ``after = base - stamp``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from xdsl.ir import Attribute, SSAValue

from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.dialects.cdna.types import RegType

KINDS = ("vm", "lds", "smem")
CAP = 64  # counts beyond the widest counter field all mean "many"


def decode_waitcnt(simm16: int) -> tuple[int, int, int]:
    """gfx9 ``s_waitcnt`` simm16 -> (vmcnt, expcnt, lgkmcnt)."""
    v = int(simm16)
    return (v & 0xF) | (((v >> 14) & 0x3) << 4), (v >> 4) & 0x7, (v >> 8) & 0xF


def encode_waitcnt(vmcnt: int = 63, expcnt: int = 7, lgkmcnt: int = 15) -> int:
    """(vmcnt, expcnt, lgkmcnt) -> gfx9 simm16 (63/7/15: do not wait on that counter)."""
    return (vmcnt & 0xF) | ((vmcnt >> 4) << 14) | ((expcnt & 0x7) << 4) | ((lgkmcnt & 0xF) << 8)


def kind_of(op: InstOp) -> str | None:
    """The queue ``op`` joins, or None if it is not an asynchronous memory operation."""
    idef = op.instr_def()
    if idef is None or not idef.counter:
        return None
    fam = idef.family
    if fam == "SMEM" or idef.base == "s_sendmsg":
        return "smem"
    if fam == "DS":
        return "lds"
    if "vmcnt" in idef.counter:
        return "vm"
    return "smem"  # anything else on lgkmcnt: assume out of order


@dataclass
class Queue:
    """Outstanding values of one queue: value -> (issue stamp, the memory op)."""

    base: int = 0
    stamps: dict[SSAValue, tuple[int, InstOp]] = field(default_factory=dict)

    def after(self, v: SSAValue) -> int:
        return min(self.base - self.stamps[v][0], CAP)

    def copy(self) -> Queue:
        return Queue(self.base, dict(self.stamps))


@dataclass
class State:
    """What may still be outstanding: the *values* a memory operation will write.

    Values, not operations: a load in a loop body defines a new value each iteration;
    the previous iteration's value (reaching a block argument through the back edge)
    completed at its own wait, whatever the new instance does. Values move along
    edges (block and region arguments) and through ops that move no data before
    allocation (``alias``)."""

    queues: dict[str, Queue] = field(default_factory=lambda: {k: Queue() for k in KINDS})

    def copy(self) -> State:
        return State({k: q.copy() for k, q in self.queues.items()})

    def issue(self, op: InstOp, kind: str) -> None:
        q = self.queues[kind]
        q.base += 1
        for r in op.results:
            q.stamps[r] = (q.base, op)

    def wait(self, vmcnt: int, lgkmcnt: int) -> None:
        self._drain("vm", vmcnt)
        self._drain("lds", lgkmcnt)
        if lgkmcnt == 0:
            self.queues["smem"].stamps.clear()

    def _drain(self, kind: str, n: int) -> None:
        q = self.queues[kind]
        if q.stamps:
            q.stamps = {v: s for v, s in q.stamps.items() if q.base - s[0] < n}

    def pending(self, v: SSAValue) -> tuple[str, int, InstOp] | None:
        """(queue, operations issued after it, the memory op) if ``v`` may be outstanding."""
        for kind, q in self.queues.items():
            hit = q.stamps.get(v)
            if hit is not None:
                return kind, min(q.base - hit[0], CAP), hit[1]
        return None

    def pending_regs(self, t: Attribute) -> list[tuple[str, int, InstOp]]:
        """Outstanding operations writing any physical register of type ``t`` (through
        whichever value): after allocation, or in parsed assembly, a register is read
        or overwritten by values other than the load's own result."""
        units = reg_units(t)
        if not units:
            return []
        out = []
        for kind, q in self.queues.items():
            for v, (stamp, op) in q.stamps.items():
                if reg_units(v.type) & units:
                    out.append((kind, min(q.base - stamp, CAP), op))
        return out

    def conflicts(self, op: InstOp) -> list[tuple[str, int, InstOp, SSAValue, bool]]:
        """What must complete before ``op`` issues: (queue, later issues, memory op,
        the value, whether ``op`` overwrites it) for each operand an outstanding
        operation will write, and for each result register it will write. A vm
        operation overwriting a register a vm load will write needs no wait: vm
        operations write back in issue order."""
        out = []
        for v in op.operands:
            hit = self.pending(v)
            if hit is not None:
                out.append((*hit, v, False))
            out += [(*h, v, False) for h in self.pending_regs(v.type)]
        in_order = kind_of(op) == "vm"
        for r in op.results:
            out += [(*h, r, True) for h in self.pending_regs(r.type)
                    if not (in_order and h[0] == "vm")]
        return out

    def alias(self, dst: SSAValue, srcs: Sequence[SSAValue]) -> None:
        """``dst`` holds what ``srcs`` hold (outstanding if any of them is; the newest)."""
        for q in self.queues.values():
            q.stamps.pop(dst, None)
            best = None
            for s in srcs:
                hit = q.stamps.get(s)
                if hit is not None and (best is None or hit[0] > best[0]):
                    best = hit
            if best is not None:
                q.stamps[dst] = best

    def pending_ops(self, kind: str) -> set[InstOp]:
        return {op for _, op in self.queues[kind].stamps.values()}

    def key(self) -> tuple:
        return tuple(tuple(sorted((id(v), q.after(v)) for v in q.stamps)) for q in self.queues.values())


@cache
def reg_units(t: Attribute) -> frozenset[tuple[str, int]]:
    """The physical registers of an allocated register type (empty otherwise)."""
    if isinstance(t, RegType) and t.is_allocated:
        return frozenset((t.file, r) for r in t.registers())
    return frozenset()


def join(a: State, b: State) -> State:
    """Outstanding on either path, with the fewest later issues of the two."""
    out = State()
    for k in KINDS:
        qa, qb = a.queues[k], b.queues[k]
        afters: dict[SSAValue, tuple[int, InstOp]] = {v: (qa.after(v), s[1]) for v, s in qa.stamps.items()}
        for v, s in qb.stamps.items():
            n = qb.after(v)
            if v not in afters or n < afters[v][0]:
                afters[v] = (n, s[1])
        out.queues[k] = Queue(0, {v: (-n, op) for v, (n, op) in afters.items()})
    return out


def needed_wait(kind: str, after: int) -> str:
    """The wait that completes an operation of ``kind`` with ``after`` later issues."""
    if kind == "vm":
        return f"vmcnt({after})"
    if kind == "lds":
        return f"lgkmcnt({min(after, 15)})"
    return "lgkmcnt(0)"
