"""``regalloc-linear-scan``: give every register value a physical register; never spill.

Liveness over the real control flow (structured ``if``/``while`` and label CFGs), one
register range per frontend variable where its versions do not overlap, copies only
where an edge or a read-and-written operand cannot share a register (counted, and
each reported as a remark with its line). Out of registers is an error at the point
of peak pressure listing what is live there. Details: ``transforms/regalloc/``.

Options:
  max-sgprs, max-vgprs, max-agprs  caps below the architectural budget (0: none)
  occupancy                        waves per SIMD to keep (caps VGPR+AGPR); 0: none
  remarks                          print a remark per inserted copy
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from pyhip_mlir.diagnostics import emit
from pyhip_mlir.dialects.cdna.kernel import KernelOp
from pyhip_mlir.transforms.regalloc.allocate import Budget, allocate_kernel
from pyhip_mlir.transforms.registry import stats

# Per-SIMD register file: 512 VGPR+AGPR lanes-wide registers, allocated in granules of 8.
UNIFIED_REGS = 512
GRANULE = 8


def budget_for(max_sgprs: int, max_vgprs: int, max_agprs: int, occupancy: int) -> Budget:
    b = Budget()
    if occupancy > 0:
        per_wave = (UNIFIED_REGS // occupancy) // GRANULE * GRANULE
        b.v = min(b.v, per_wave)
        b.a = min(b.a, max(0, per_wave - 0))
    if max_sgprs:
        b.s = min(b.s, max_sgprs)
    if max_vgprs:
        b.v = min(b.v, max_vgprs)
    if max_agprs:
        b.a = min(b.a, max_agprs)
    return b


@dataclass(frozen=True)
class RegallocLinearScan(ModulePass):
    """Allocate physical registers (coalescing by variable, never spilling)."""

    name = "regalloc-linear-scan"

    max_sgprs: int = 0
    max_vgprs: int = 0
    max_agprs: int = 0
    occupancy: int = 0
    remarks: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        budget = budget_for(self.max_sgprs, self.max_vgprs, self.max_agprs, self.occupancy)
        st = stats(self)
        for kernel in op.walk():
            if not isinstance(kernel, KernelOp):
                continue
            res = allocate_kernel(kernel, budget)
            st.add("copies-inserted", res.copies, "Copies the allocator had to insert")
            st.maximum("sgprs-used", res.used["s"], "Most SGPRs a kernel uses (highest index + 1)")
            st.maximum("vgprs-used", res.used["v"], "Most VGPRs a kernel uses")
            st.maximum("agprs-used", res.used["a"], "Most AGPRs a kernel uses")
            if self.remarks:
                for at, msg in res.remarks:
                    emit(at, "remark", msg)
