"""Registers the hardware puts the kernel's launch inputs in (entry block arguments)."""

from __future__ import annotations

from xdsl.ir import SSAValue

from pyhip_mlir.codegen.kernel_directives import WORKGROUP_IDS, infer_inputs
from pyhip_mlir.dialects.cdna.kernel import KernelOp
from pyhip_mlir.dialects.isa.table import normalize_arch


def entry_pins(kernel: KernelOp, arch: str) -> dict[SSAValue, int]:
    """Entry argument -> first physical register, per the launch ABI.

    The kernarg pointer is in s[0:1] (gfx90a: s[4:5], after the private segment buffer
    clang's layout enables there), the enabled workgroup ids follow it, and the packed
    workitem ids are in v0."""
    blocks = list(kernel.body.blocks)
    if not blocks:
        return {}
    args = list(blocks[0].args)
    if kernel.abi_inputs is not None:
        names = [s.data for s in kernel.abi_inputs.data]
    else:
        names = infer_inputs([a.type for a in args])
    by_name = dict(zip(names, args, strict=False))
    pins: dict[SSAValue, int] = {}
    nxt = 0
    if "kernarg_segment_ptr" in by_name:
        lo = 4 if normalize_arch(arch) == "gfx90a" else 0
        pins[by_name["kernarg_segment_ptr"]] = lo
        nxt = lo + 2
    for wg in WORKGROUP_IDS:
        if wg in by_name:
            pins[by_name[wg]] = nxt
            nxt += 1
    if "workitem_id" in by_name:
        pins[by_name["workitem_id"]] = 0
    return pins
