"""``dse``: delete loads whose results nobody reads (pyhip's dead-load elimination).

A load is deleted when none of its results has a use, it is not an atomic (an atomic
with return writes memory even if the returned value is dropped), and it has no other
effect (``buffer_load ... lds`` writes LDS). Run after ``dce``, which removes the dead
computations that kept loads alive.

Deleting a memory operation changes what later waits count: ``vmcnt(N)`` after loads
A, B, C waits for A when it is N = 2 ... so a wait that had deleted operations of its
queue outstanding would now wait for fewer. Every ``s_waitcnt`` where d deleted
operations of a queue may be outstanding (on any path, ``waitcnt_model``) has that
counter lowered by d: each surviving operation it completed had at most d of them
issued after it, so it still completes them all (it may now wait for more, never less).

Statistics: ``loads-removed``, ``waits-rewritten``.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass

from pyhip_mlir.dialects.cdna.inst import InstOp, inst_class
from pyhip_mlir.dialects.cdna.kernel import KernelOp
from pyhip_mlir.transforms.registry import stats
from pyhip_mlir.transforms.waitcnt_flow import Flow
from pyhip_mlir.transforms.waitcnt_model import State, decode_waitcnt, encode_waitcnt, kind_of


def is_dead_load(op: InstOp) -> bool:
    if not op.results or any(r.uses for r in op.results):
        return False
    if kind_of(op) is None or "atomic" in op.mnemonic:
        return False
    if "lds" in op.mod_values():
        return False
    return bool(op.defs)


def rewrite_waits(kernel: KernelOp, removed: set[InstOp]) -> int:
    """Lower the counts of the waits that had ``removed`` operations outstanding (call
    before erasing them); returns how many waits changed."""
    lower: dict[InstOp, tuple[int, int]] = {}

    def visit(op: Operation, state: State) -> None:
        if isinstance(op, InstOp) and op.mnemonic == "s_waitcnt":
            vm = len(state.pending_ops("vm") & removed)
            lds = len(state.pending_ops("lds") & removed)
            if vm or lds:
                old = lower.get(op, (0, 0))
                lower[op] = (max(old[0], vm), max(old[1], lds))

    Flow(visit).region(list(kernel.body.blocks), State())
    changed = 0
    for w, (dvm, dlds) in lower.items():
        vm, exp, lgkm = decode_waitcnt(int(w.imm_values().get(0, 0)))
        new_vm = vm if vm >= 63 else max(0, vm - dvm)
        new_lgkm = lgkm if lgkm >= 15 else max(0, lgkm - dlds)
        if (new_vm, new_lgkm) == (vm, lgkm):
            continue
        changed += 1
        new = inst_class("s_waitcnt")(imm={0: encode_waitcnt(new_vm, exp, new_lgkm)})
        new.location = w.location
        w.parent_block().insert_op_before(new, w)  # type: ignore[union-attr]
        w.detach()
        w.erase()
    return changed


@dataclass(frozen=True)
class DSEPass(ModulePass):
    """Delete loads nobody reads, lowering the wait counts that counted them."""

    name = "dse"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        removed_total = rewritten = 0
        for kernel in op.walk():
            if not isinstance(kernel, KernelOp):
                continue
            dead = {o for o in kernel.walk() if isinstance(o, InstOp) and is_dead_load(o)}
            if not dead:
                continue
            rewritten += rewrite_waits(kernel, dead)
            for o in dead:
                o.detach()
                o.erase()
            removed_total += len(dead)
        st = stats(self)
        st.add("loads-removed", removed_total, "Loads nobody reads, deleted")
        st.add("waits-rewritten", rewritten, "s_waitcnt counts lowered for them")
