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

A state maps each outstanding operation to the fewest operations of its queue issued
after it on any path (the join keeps the minimum, and the union of operations), which
is exactly what a wait needs to know. Queues keep a running stamp so that an issue is
O(1): ``after = base - stamp``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyhip_mlir.dialects.cdna.inst import InstOp

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
    base: int = 0
    stamps: dict[InstOp, int] = field(default_factory=dict)

    def after(self, op: InstOp) -> int:
        return min(self.base - self.stamps[op], CAP)

    def copy(self) -> Queue:
        return Queue(self.base, dict(self.stamps))


@dataclass
class State:
    queues: dict[str, Queue] = field(default_factory=lambda: {k: Queue() for k in KINDS})

    def copy(self) -> State:
        return State({k: q.copy() for k, q in self.queues.items()})

    def issue(self, op: InstOp, kind: str) -> None:
        q = self.queues[kind]
        q.base += 1
        q.stamps[op] = q.base

    def wait(self, vmcnt: int, lgkmcnt: int) -> None:
        self._drain("vm", vmcnt)
        self._drain("lds", lgkmcnt)
        if lgkmcnt == 0:
            self.queues["smem"].stamps.clear()

    def _drain(self, kind: str, n: int) -> None:
        q = self.queues[kind]
        if q.stamps:
            q.stamps = {o: s for o, s in q.stamps.items() if q.base - s < n}

    def pending(self, op: InstOp) -> tuple[str, int] | None:
        """(queue, operations issued after it) if ``op`` may still be outstanding."""
        for kind, q in self.queues.items():
            if op in q.stamps:
                return kind, q.after(op)
        return None

    def key(self) -> tuple:
        return tuple(tuple(sorted((id(o), q.after(o)) for o in q.stamps)) for q in self.queues.values())


def join(a: State, b: State) -> State:
    """Outstanding on either path, with the fewest later issues of the two."""
    out = State()
    for k in KINDS:
        qa, qb = a.queues[k], b.queues[k]
        afters: dict[InstOp, int] = {o: qa.after(o) for o in qa.stamps}
        for o in qb.stamps:
            n = qb.after(o)
            afters[o] = min(afters.get(o, n), n)
        out.queues[k] = Queue(0, {o: -n for o, n in afters.items()})
    return out


def needed_wait(kind: str, after: int) -> str:
    """The wait that completes an operation of ``kind`` with ``after`` later issues."""
    if kind == "vm":
        return f"vmcnt({after})"
    if kind == "lds":
        return f"lgkmcnt({min(after, 15)})"
    return "lgkmcnt(0)"
