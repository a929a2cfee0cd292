"""``verify-waitcnt``: no instruction reads a load's result before a wait completes it.

Waits are the author's (pyhip's model) unless ``insert-waitcnt`` ran. A read of a
destination the hardware has not written yet reads stale data only sometimes, and
only on the chip, so this check is always in the default pipeline. For every
instruction operand that a memory operation writes (directly, through ``cdna.extract``,
``build``, ``copy`` and ``merge_lanes``, which move no data before allocation, or
through region/block arguments), that instance of the operation must be complete on
every path to the read (``waitcnt_model``); otherwise it is an error at the reading line that names the
load's line and the wait that would complete it. Runs on SSA IR before allocation; on
allocated IR (or parsed assembly) it also checks reads and overwrites by physical
register, as LLVM's SIInsertWaitcnts does.

Statistics: ``waits-checked``, ``reads-checked``.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass

from pyhip_mlir.diagnostics import ReportedError, emit, location_of
from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.dialects.cdna.kernel import KernelOp
from pyhip_mlir.dialects.cdna.types import describe_type
from pyhip_mlir.transforms.registry import stats
from pyhip_mlir.transforms.waitcnt_flow import Flow
from pyhip_mlir.transforms.waitcnt_model import State, needed_wait


def _line(op: Operation) -> str:
    loc = location_of(op)
    return f"{loc.filename.data}:{loc.line.data}" if loc is not None else "an unknown line"


@dataclass
class _Checker:
    errors: int = 0
    reads: int = 0
    waits: int = 0

    def visit(self, op: Operation, state: State) -> None:
        if not isinstance(op, InstOp):
            return
        if op.mnemonic == "s_waitcnt":
            self.waits += 1
            return
        for kind, after, load, v, overwrites in state.conflicts(op):
            name = v.name_hint or describe_type(v.type)
            what = (f"overwrites '{name}' while {load.mnemonic} at {_line(load)} may still "
                    "write it" if overwrites else
                    f"reads '{name}' loaded at {_line(load)} ({load.mnemonic})")
            emit(op, "error",
                 f"{what} before an s_waitcnt completes it (needs s_waitcnt "
                 f"{needed_wait(kind, after)} before this line)")
            self.errors += 1
            break
        self.reads += len(op.operands)


def check_kernel(kernel: KernelOp) -> _Checker:
    checker = _Checker()
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
            raise ReportedError(f"{errors} register access(es) before the s_waitcnt that completes the load")


