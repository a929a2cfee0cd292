"""Hazard rules: wait states the hardware needs between two instructions.

CDNA has no interlocks for some producer/consumer pairs; software separates them by
independent instructions or ``s_nop N`` (N+1 wait states). The rules below are data:
one row per hazard with the producer class, the consumer class, how they must
overlap, the wait states, and the architectures that have it. The facts are those of
/shared/ISA_NOTES.md (from LLVM's ``GCNHazardRecognizer.cpp``, which guards the
VALU-SGPR rules by ``hasVDecCoExecHazard`` = gfx940 instructions, i.e. gfx942/gfx950).

:class:`HazardRules` answers ``required(producer, consumer)`` for any objects with
``idef`` (an :class:`~pyhip_mlir.dialects.isa.table.InstrDef`), ``reads``/``writes``
(register ranges with ``file``/``first``/``count``; special registers as SGPRs at their
encoding numbers: vcc 106-107, m0 124, exec 126-127), ``uses`` (per-slot operands with
a ``reg``) and ``mods``. The emulator's sanitizer and the ``insert-nop`` pass use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

VCC_REGS = (106, 107)
EXEC_REGS = (126, 127)
M0_REG = 124
VMEM_FAMILIES = ("MUBUF", "MTBUF", "FLAT", "MIMG")
GFX940 = ("gfx942", "gfx950")
ALL = ("gfx90a", "gfx942", "gfx950")
LANE_OPS = ("v_readlane_b32", "v_readfirstlane_b32", "v_writelane_b32")


def is_valu(i: Any) -> bool:
    return i.idef.family.startswith("VOP") and i.idef.latency != "mfma"


def is_mfma(i: Any) -> bool:
    return i.idef.latency == "mfma"


def is_trans(i: Any) -> bool:
    return i.idef.latency == "trans"


def is_vmem(i: Any) -> bool:
    return i.idef.family in VMEM_FAMILIES


def is_salu(i: Any) -> bool:
    return i.idef.family.startswith("SOP")


def _regs(ranges: Any, file: str) -> set[int]:
    out: set[int] = set()
    for r in ranges:
        if r.file == file:
            out.update(range(r.first, r.first + r.count))
    return out


def _slot_regs(i: Any, slots: tuple[int, ...], file: str | None = None) -> set[int]:
    out: set[int] = set()
    for k in slots:
        if k < len(i.uses) and i.uses[k] is not None and i.uses[k].reg is not None:
            r = i.uses[k].reg
            if file is None or r.file == file:
                out.update(range(r.first, r.first + r.count))
    return out


def _sgprs_written(p: Any) -> set[int]:
    return _regs(p.writes, "s")


def _vgprs_written(p: Any) -> set[int]:
    return _regs(p.writes, "v") | _regs(p.writes, "a")


def _writes_exec(p: Any) -> bool:
    return bool(_sgprs_written(p) & set(EXEC_REGS))


def _explicit_sgpr_reads(c: Any) -> set[int]:
    out: set[int] = set()
    for op in c.uses:
        if op is not None and op.reg is not None and op.reg.file == "s":
            out.update(range(op.reg.first, op.reg.first + op.reg.count))
    return out


def _mfma_srcc(c: Any) -> set[int]:
    return _slot_regs(c, (2,))


def _mfma_srcab(c: Any) -> set[int]:
    return _slot_regs(c, (0, 1))


def _vgpr_reads(c: Any) -> set[int]:
    return _regs(c.reads, "v") | _regs(c.reads, "a")


# A rule: (name, archs, producer test, consumer test, overlap test, wait states). The
# wait states may depend on the producer (MFMA passes).
Overlap = Callable[[Any, Any], bool]
States = Callable[[Any], int] | int


@dataclass(frozen=True)
class Rule:
    name: str
    archs: tuple[str, ...]
    producer: Callable[[Any], bool]
    consumer: Callable[[Any], bool]
    overlap: Overlap
    states: States

    def wait_states(self, p: Any) -> int:
        return self.states(p) if callable(self.states) else self.states


def _passes(p: Any) -> int:
    return int(p.idef.mfma_passes or 8)


def _mfma_d_to_srcc_partial(p: Any, c: Any) -> bool:
    d = _vgprs_written(p)
    srcc = _mfma_srcc(c)
    return bool(d & srcc) and d != srcc


RULES: tuple[Rule, ...] = (
    Rule("VALU writes SGPR -> VMEM reads it", ALL, is_valu, is_vmem,
         lambda p, c: bool(_sgprs_written(p) & _regs(c.reads, "s") - set(EXEC_REGS)), 5),
    Rule("VALU writes SGPR/VCC -> VALU reads it", GFX940, is_valu, is_valu,
         lambda p, c: bool(_sgprs_written(p) - set(EXEC_REGS)
                           & (_explicit_sgpr_reads(c) | (_regs(c.reads, "s") & set(VCC_REGS))))
         , 2),
    Rule("VALU writes EXEC -> v_readlane/v_readfirstlane/v_writelane", GFX940, is_valu,
         lambda c: c.idef.base in LANE_OPS, lambda p, c: _writes_exec(p), 4),
    Rule("VALU writes VGPR -> v_readlane/v_readfirstlane reads it", GFX940, is_valu,
         lambda c: c.idef.base in LANE_OPS[:2],
         lambda p, c: bool(_vgprs_written(p) & _slot_regs(c, (0,), "v")), 1),
    Rule("VALU writes SGPR -> v_readlane/v_writelane lane select", ALL, is_valu,
         lambda c: c.idef.base in ("v_readlane_b32", "v_writelane_b32"),
         lambda p, c: bool(_sgprs_written(p) & _slot_regs(c, (1,), "s")), 4),
    Rule("transcendental VALU -> non-transcendental VALU reads its result", GFX940, is_trans,
         lambda c: is_valu(c) and not is_trans(c),
         lambda p, c: bool(_vgprs_written(p) & _vgpr_reads(c)), 1),
    Rule("VALU writes VGPR -> DPP reads it", ALL, is_valu, lambda c: c.idef.encoding == "dpp",
         lambda p, c: bool(_vgprs_written(p) & _slot_regs(c, (0,))), 2),
    Rule("VALU writes EXEC -> DPP", ALL, is_valu, lambda c: c.idef.encoding == "dpp",
         lambda p, c: _writes_exec(p), 5),
    Rule("VALU writes VCC -> v_div_fmas", ALL, is_valu, lambda c: c.idef.base.startswith("v_div_fmas"),
         lambda p, c: bool(_sgprs_written(p) & set(VCC_REGS)), 4),
    Rule("SALU writes M0 -> s_movrel/s_sendmsg/LDS DMA/GDS", ALL, is_salu,
         lambda c: c.idef.base.startswith(("s_movrel", "s_sendmsg")) or "lds" in c.mods or "gds" in c.mods,
         lambda p, c: M0_REG in _sgprs_written(p), 1),
    Rule("VALU writes VGPR -> MFMA reads it", ALL, is_valu, is_mfma,
         lambda p, c: bool(_vgprs_written(p) & _vgpr_reads(c)), 2),
    Rule("VALU writes EXEC -> MFMA", ALL, is_valu, is_mfma, lambda p, c: _writes_exec(p), 4),
    Rule("MFMA result -> MFMA SrcC overlapping partly", ALL, is_mfma, is_mfma,
         _mfma_d_to_srcc_partial, lambda p: _passes(p) + 1),
    Rule("MFMA result -> MFMA SrcA/SrcB", ALL, is_mfma, is_mfma,
         lambda p, c: bool(_vgprs_written(p) & _mfma_srcab(c)), lambda p: _passes(p) + 3),
    Rule("MFMA result -> VALU/VMEM/DS/FLAT read or VALU write", ALL, is_mfma,
         lambda c: is_valu(c) or is_vmem(c) or c.idef.family == "DS",
         lambda p, c: bool(_vgprs_written(p) & (_vgpr_reads(c) | _vgprs_written(c))),
         lambda p: _passes(p) + 3),
    Rule("MFMA reads SrcC -> VALU overwrites it", ALL, is_mfma, is_valu,
         lambda p, c: bool(_mfma_srcc(p) & _vgprs_written(c)) and not (_vgprs_written(p) >= _mfma_srcc(p)),
         lambda p: 2 * _passes(p) - 1),
)


class HazardRules:
    """The rules of one architecture, matched pairwise."""

    def __init__(self, arch: str):
        self.arch = arch
        self.rules = tuple(r for r in RULES if arch in r.archs)

    def required(self, producer: Any, consumer: Any) -> tuple[int, str] | None:
        """The largest wait-state requirement between the two, with its rule name."""
        best: tuple[int, str] | None = None
        for r in self.rules:
            if r.producer(producer) and r.consumer(consumer) and r.overlap(producer, consumer):
                n = r.wait_states(producer)
                if best is None or n > best[0]:
                    best = (n, r.name)
        return best
