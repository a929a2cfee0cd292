"""Where a load's destination is written at the latest (its completing wait).

Conservative and local: the first later ``s_waitcnt`` in the same block that drains
the load's counter to 0; failing that, the end of the kernel. Only results nobody
reads need it (a read must come after the completing wait anyway), and those are
rare once ``dse`` has run.
"""

from __future__ import annotations

from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.transforms.regalloc.linear import Linear


def decode_waitcnt(simm16: int) -> tuple[int, int, int]:
    """gfx9 ``s_waitcnt`` simm16 -> (vmcnt, expcnt, lgkmcnt)."""
    v = int(simm16)
    return (v & 0xF) | (((v >> 14) & 0x3) << 4), (v >> 4) & 0x7, (v >> 8) & 0xF


def completion_point(op: InstOp, lin: Linear) -> int | None:
    """Read point of the wait completing ``op``'s result; None if ``op`` is no load."""
    idef = op.instr_def()
    if idef is None or not idef.counter:
        return None
    need_vm = "vmcnt" in idef.counter
    need_lgkm = "lgkmcnt" in idef.counter
    block = op.parent_block()
    p = lin.pos[op]
    for q in range(p + 1, len(lin.ops)):
        other = lin.ops[q]
        if other.parent_block() is not block:
            break
        if isinstance(other, InstOp) and other.mnemonic == "s_waitcnt":
            vm, _, lgkm = decode_waitcnt(int(other.imm_values().get(0, 0)))
            if (not need_vm or vm == 0) and (not need_lgkm or lgkm == 0):
                return 2 * q
    return lin.end
