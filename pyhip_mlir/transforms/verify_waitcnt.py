"""``verify-waitcnt``: no instruction reads a load's result before a wait completes it.

Waits are the author's (pyhip's model) unless ``insert-waitcnt`` ran. A read of a
destination the hardware has not written yet reads stale data only sometimes, and
only on the chip, so this check is always in the default pipeline. For every
instruction operand that comes from a memory operation (through ``cdna.extract``,
``build``, ``copy`` and ``merge_lanes``, which move no data before allocation, and
through region/block arguments), the operation must be complete on every path to the
read (``waitcnt_model``); otherwise it is an error at the reading line that names the
load's line and the wait that would complete it. Runs on SSA IR before allocation.

Statistics: ``waits-checked``, ``reads-checked``.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass

from pyhip_mlir.diagnostics import ReportedError, emit, location_of
from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.dialects.cdna.kernel import KernelOp
from pyhip_mlir.dialects.cdna.pseudo import (
    BuildOp,
    ConditionOp,
    CopyOp,
    ExtractOp,
    FallthroughOp,
    IfOp,
    MergeLanesOp,
    ParallelCopyOp,
    WhileOp,
    YieldOp,
)
from pyhip_mlir.transforms.registry import stats
from pyhip_mlir.transforms.waitcnt_flow import Flow
from pyhip_mlir.transforms.waitcnt_model import State, kind_of, needed_wait

PASS_THROUGH = (ExtractOp, BuildOp, CopyOp, ParallelCopyOp, MergeLanesOp)


class _Sources:
    """Which memory operations each value's contents come from (static, via SSA)."""

    def __init__(self) -> None:
        self.of: dict[SSAValue, frozenset[InstOp]] = {}

    def get(self, v: SSAValue) -> frozenset[InstOp]:
        return self.of.get(v, frozenset())

    def build(self, kernel: KernelOp) -> None:
        # Block and region arguments take the union of their incoming values: iterate
        # to a fixed point (sets only grow).
        for _ in range(8):
            changed = False
            for op in kernel.walk():
                changed |= self._op(op)
            if not changed:
                return

    def _add(self, v: SSAValue, ops: frozenset[InstOp]) -> bool:
        if not ops:
            return False
        old = self.of.get(v, frozenset())
        new = old | ops
        if new != old:
            self.of[v] = new
            return True
        return False

    def _op(self, op: Operation) -> bool:
        ch = False
        if isinstance(op, InstOp):
            if kind_of(op) is not None:
                for r in op.defs:
                    ch |= self._add(r, frozenset([op]))
            if op.successors and op.target_args:
                ch |= self._edge(op.target_args, op.successors[0].args)
        elif isinstance(op, PASS_THROUGH):
            srcs = frozenset().union(*(self.get(v) for v in op.operands if not _is_exec(v)))
            for r in op.results:
                ch |= self._add(r, srcs)
        elif isinstance(op, FallthroughOp):
            ch |= self._edge(op.args, op.dest.args)
        elif isinstance(op, YieldOp):
            parent = op.parent_op()
            if isinstance(parent, IfOp):
                ch |= self._edge(op.values, parent.res)
            elif isinstance(parent, WhileOp):
                ch |= self._edge(op.values, parent.before.block.args)
        elif isinstance(op, ConditionOp):
            parent = op.parent_op()
            assert isinstance(parent, WhileOp)
            ch |= self._edge(op.values, parent.after.block.args)
            ch |= self._edge(op.values, parent.res)
        elif isinstance(op, WhileOp):
            ch |= self._edge(op.inits, op.before.block.args)
        return ch

    def _edge(self, srcs: object, dsts: object) -> bool:
        ch = False
        for s, d in zip(srcs, dsts, strict=False):  # type: ignore[call-overload]
            ch |= self._add(d, self.get(s))
        return ch


def _is_exec(v: SSAValue) -> bool:
    from pyhip_mlir.dialects.cdna.types import ExecType

    return isinstance(v.type, ExecType)


def _line(op: Operation) -> str:
    loc = location_of(op)
    return f"{loc.filename.data}:{loc.line.data}" if loc is not None else "an unknown line"


@dataclass
class _Checker:
    sources: _Sources
    errors: int = 0
    reads: int = 0
    waits: int = 0
    reported: set[Operation] | None = None

    def visit(self, op: Operation, state: State) -> None:
        if not isinstance(op, InstOp):
            return
        if op.mnemonic == "s_waitcnt":
            self.waits += 1
            return
        for v in op.operands:
            srcs = self.sources.get(v)
            if not srcs:
                continue
            self.reads += 1
            for load in srcs:
                hit = state.pending(load)
                if hit is None:
                    continue
                if self.reported is None:
                    self.reported = set()
                if op in self.reported:
                    break
                self.reported.add(op)
                kind, after = hit
                name = v.name_hint or "a value"
                emit(op, "error",
                     f"reads '{name}' loaded at {_line(load)} ({load.mnemonic}) before an "
                     f"s_waitcnt completes it (needs s_waitcnt {needed_wait(kind, after)} "
                     "before this line)")
                self.errors += 1
                break


def check_kernel(kernel: KernelOp) -> _Checker:
    sources = _Sources()
    sources.build(kernel)
    checker = _Checker(sources)
    if sources.of:
        Flow(checker.visit).region(list(kernel.body.blocks), State())
    return checker


@dataclass(frozen=True)
class VerifyWaitcntPass(ModulePass):
    """Reject reads of a load's result before an s_waitcnt completes the load."""

    name = "verify-waitcnt"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        errors = reads = waits = 0
        for kernel in op.walk():
            if isinstance(kernel, KernelOp):
                c = check_kernel(kernel)
                errors += c.errors
                reads += c.reads
                waits += c.waits
        st = stats(self)
        st.add("reads-checked", reads, "Reads of memory results checked")
        st.add("waits-checked", waits, "s_waitcnt instructions seen")
        if errors:
            raise ReportedError(f"{errors} read(s) before the wait that completes the load")


