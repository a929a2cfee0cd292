"""Hazard rules: wait states the hardware needs between two instructions.

CDNA has no interlocks for some producer/consumer pairs; software separates them by
independent instructions or ``s_nop N`` (N+1 wait states). The rules below are data:
one row per hazard with the producer class, the consumer class, how they must
overlap, the wait states, and the architectures that have it. The facts are those of
/shared/ISA_NOTES.md (from LLVM's ``GCNHazardRecognizer.cpp``, which guards the
VALU-SGPR rules by ``hasVDecCoExecHazard`` = gfx940 instructions, i.e. gfx942/gfx950).
The MFMA rows follow ``checkMAIHazards90A``/``checkMAIVALUHazards`` there: wait states
grow with the producer's passes, DGEMM (f64) has its own numbers, and on gfx940 the
MFMAs LLVM does not class as "XDL" (the f32-input ones) need one wait state less than
the others. Which MFMA is XDL or DGEMM is table data (``extra.xdl``/``extra.dgemm``,
LLVM's ``is_gfx940_xdl``/``is_dgemm``). An MFMA's SrcC is its ``src2`` slot, or the
tied (role "both") ``vdst`` of an SMFMAC; every other register source (SMFMAC's index
VGPR, a scaled MFMA's scale VGPRs) counts as SrcA/SrcB, as LLVM's loop over the
explicit uses does.

Every rule is checked against LLVM's own recognizer (``llc -run-pass=post-RA-hazard-rec``)
on random programs: ``tests/test_llvm_oracles.py``, docs/hazards.md. The XNACK soft-clause
rule (:func:`soft_clause_required`) looks at a run of instructions, not a pair; only
``insert-nop`` applies it.

:class:`HazardRules` answers ``required(producer, consumer)`` for any objects with
``idef`` (an :class:`~pyhip_mlir.dialects.isa.table.InstrDef`), ``reads``/``writes``
(register ranges with ``file``/``first``/``count``; special registers as SGPRs at their
encoding numbers: vcc 106-107, m0 124, exec 126-127), ``uses`` (per-slot operands with
a ``reg``) and ``mods``. The emulator's sanitizer and the ``insert-nop`` pass use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pyhip_mlir.dialects.isa.hwreg import hwreg_id

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


AGPR_BASE = 1024  # AGPR n is 1024 + n in a vector register set; VGPR n is n


def _regs(ranges: Any, file: str) -> set[int]:
    base = AGPR_BASE if file == "a" else 0
    out: set[int] = set()
    for r in ranges:
        if r.file == file:
            out.update(range(base + r.first, base + r.first + r.count))
    return out


def _slot_regs(i: Any, slots: tuple[int, ...], file: str | None = None) -> set[int]:
    """Registers in the given use slots: of ``file``, or (None) VGPRs and AGPRs as a
    vector register set."""
    out: set[int] = set()
    for k in slots:
        if k < len(i.uses) and i.uses[k] is not None and i.uses[k].reg is not None:
            r = i.uses[k].reg
            if r.file == file or (file is None and r.file in "va"):
                base = AGPR_BASE if r.file == "a" else 0
                out.update(range(base + r.first, base + r.first + r.count))
    return out


def _named_slots(i: Any, name: str) -> tuple[int, ...]:
    return tuple(k for k, s in enumerate(_use_slots(i)) if s.name == name)


def _cached(i: Any, key: str, make: Any) -> Any:
    """``make(i)``, remembered in the instruction's cache (rules ask per pair)."""
    cache = getattr(i, "cache", None)
    if cache is None:
        return make(i)
    hit = cache.get(key)
    if hit is None:
        hit = cache[key] = make(i)
    return hit


def _sgprs_written(p: Any) -> set[int]:
    return _cached(p, "hz-sw", lambda i: frozenset(_regs(i.writes, "s")))  # type: ignore[no-any-return]


def _vgprs_written(p: Any) -> set[int]:
    return _cached(p, "hz-vw",  # type: ignore[no-any-return]
                   lambda i: frozenset(_regs(i.writes, "v") | _regs(i.writes, "a")))


_EXEC_SET = frozenset(EXEC_REGS)
_VCC_SET = frozenset(VCC_REGS)


def _writes_exec(p: Any) -> bool:
    return bool(_sgprs_written(p) & _EXEC_SET)


def _sgpr_reads(c: Any) -> frozenset[int]:
    return _cached(c, "hz-sr", lambda i: frozenset(_regs(i.reads, "s")))  # type: ignore[no-any-return]


def _explicit_sgpr_reads(c: Any) -> set[int]:
    def make(i: Any) -> frozenset[int]:
        out: set[int] = set()
        for op in i.uses:
            if op is not None and op.reg is not None and op.reg.file == "s":
                out.update(range(op.reg.first, op.reg.first + op.reg.count))
        return frozenset(out)

    return _cached(c, "hz-esr", make)  # type: ignore[no-any-return]


def _use_slots(i: Any) -> tuple[Any, ...]:
    """The table slots behind ``i.uses`` (``use_slots`` of an emulator instruction)."""
    slots = getattr(i, "use_slots", None)
    return tuple(slots) if slots is not None else i.idef.uses


def _srcc_slots(c: Any) -> tuple[int, ...]:
    """Use-slot indices of the MFMA's accumulator input (LLVM's operand ``src2``): the
    tied ``vdst`` of an SMFMAC (whose index VGPR gfx950's docs also call ``src2``),
    else the slot named ``src2``."""
    slots = _use_slots(c)
    tied = tuple(k for k, s in enumerate(slots) if s.role == "both")
    return tied or tuple(k for k, s in enumerate(slots) if s.name == "src2")


def _mfma_srcc(c: Any) -> set[int]:
    return _slot_regs(c, _srcc_slots(c))


def _mfma_srcab(c: Any) -> set[int]:
    """Registers of the MFMA's other sources (SrcA, SrcB, SMFMAC index, scales)."""
    srcc = _srcc_slots(c)
    return _slot_regs(c, tuple(k for k in range(len(_use_slots(c))) if k not in srcc))


def _vgpr_reads(c: Any) -> set[int]:
    return _cached(c, "hz-vr",  # type: ignore[no-any-return]
                   lambda i: frozenset(_regs(i.reads, "v") | _regs(i.reads, "a")))


Overlap = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Rule:
    """A hazard: producer and consumer tests, then either an ``overlap`` test and a
    fixed number of ``states``, or (``overlap`` None) ``states(p, c, arch)`` giving the
    wait states directly (0: no hazard) for rules whose count depends on both."""

    name: str
    archs: tuple[str, ...]
    producer: Callable[[Any], bool]
    consumer: Callable[[Any], bool]
    overlap: Overlap | None
    states: Any

    def required(self, p: Any, c: Any, arch: str) -> int:
        if self.overlap is None:
            return int(self.states(p, c, arch))
        return int(self.states) if self.overlap(p, c) else 0


def _passes(p: Any) -> int:
    return int(p.idef.mfma_passes or 8)


def is_dgemm(i: Any) -> bool:
    """LLVM's isDGEMM (the f64 MFMAs): the table's ``extra.dgemm``."""
    return is_mfma(i) and bool(i.idef.extra.get("dgemm"))


def is_xdl(i: Any, arch: str) -> bool:
    """LLVM's isXDL on the table's arch: the table's ``extra.xdl`` (gfx90a: every
    non-DGEMM MFMA; gfx942/gfx950: ``is_gfx940_xdl``, not the f32-input MFMAs, which
    need one wait state less). ``arch`` is the table's; kept for the callers."""
    return is_mfma(i) and bool(i.idef.extra.get("xdl"))


def _d_overlaps(p: Any, regs: set[int]) -> bool:
    return bool(_vgprs_written(p) & regs)


def _gfx950_xdl(need: int, p: Any, arch: str) -> int:
    """gfx950 needs one wait state more after an XDL MFMA writes its result (LLVM 22's
    recognizer; measured with llc-22 in tests/test_hazard_rules.py)."""
    return need + 1 if need and arch == "gfx950" and is_xdl(p, arch) else need


def mfma_to_mfma(p: Any, c: Any, arch: str) -> int:
    """Wait states between MFMA ``p`` writing D and MFMA ``c`` reading it (0: none)."""
    d = _vgprs_written(p)
    n = _passes(p)
    need = 0
    srcc = _mfma_srcc(c)
    if d & srcc:
        if d == srcc:  # the same accumulator: forwarded
            if is_dgemm(p) and is_dgemm(c) and n == 4:
                need = 4
            elif arch in GFX940 and not is_xdl(p, arch) and not is_dgemm(p) and n == 2:
                need = 2
        elif is_dgemm(p):
            if not is_xdl(c, arch):
                need = 9 if n > 4 else 4
        elif arch in GFX940:
            if not (is_xdl(c, arch) and not is_xdl(p, arch)):
                need = n + 1 if is_xdl(p, arch) else n
        else:
            need = n + 1 if is_dgemm(c) else n
    if d & _mfma_srcab(c):
        if is_dgemm(p):
            ab = 11 if n > 4 else 6
        elif arch in GFX940:
            ab = n + 3 if is_xdl(p, arch) else n + 2
        else:
            ab = n + 3
        need = max(need, ab)
    return _gfx950_xdl(need, p, arch)


def mfma_to_other(p: Any, c: Any, arch: str) -> int:
    """Wait states between MFMA ``p`` writing D and a VALU/VMEM/DS op reading or writing
    it (LLVM's ``checkMAIVALUHazards``: a load overwriting D is a hazard too)."""
    d = _vgprs_written(p)
    n = _passes(p)
    mem = is_vmem(c) or c.idef.family == "DS"
    need = 0
    if d & _vgpr_reads(c):
        if is_dgemm(p):
            need = (9 if n == 4 else 18) if mem else (6 if n == 4 else 11)
        elif arch in GFX940:
            need = n + 3 if is_xdl(p, arch) else n + 2
        else:
            need = n + 3
    if d & _vgprs_written(c):  # VALU, VMEM and DS writes alike (WAW)
        if is_dgemm(p):
            waw = 6 if n == 4 else 11
        elif arch in GFX940:
            waw = n + 3 if is_xdl(p, arch) else n + 2
        else:
            waw = n + 3
        need = max(need, waw)
    return _gfx950_xdl(need, p, arch)


_WAR = {2: 1, 4: 3, 8: 7, 16: 15}


def srcc_read_to_valu_write(p: Any, c: Any, arch: str) -> int:
    """An MFMA reading SrcC, then a VALU or a load overwriting it (XDL MFMAs on gfx940)."""
    if is_dgemm(p) or (arch in GFX940 and not is_xdl(p, arch)):
        return 0
    if _mfma_srcc(p) & _vgprs_written(c) and not (_vgprs_written(p) >= _mfma_srcc(p)):
        return _WAR.get(_passes(p), 15)
    return 0


def _hwreg_id(i: Any) -> int | str:
    """The hardware register an s_setreg/s_getreg names."""
    return hwreg_id(next((op.value for op in i.uses if op is not None and op.value is not None), None))


def is_setreg(i: Any) -> bool:
    return i.idef.base.startswith("s_setreg")


def same_hwreg(p: Any, c: Any) -> bool:
    return _hwreg_id(p) == _hwreg_id(c)


def wide_store_data(p: Any) -> frozenset[int]:
    """The data VGPRs of a store whose data a following VALU must not overwrite yet
    (LLVM's ``createsVALUHazard``): more than 64 bits of data, from FLAT/global/scratch,
    or from MUBUF/MTBUF whose soffset is not an SGPR."""
    def make(i: Any) -> frozenset[int]:
        if "mem_write" not in i.idef.effects or not is_vmem(i):
            return frozenset()
        data = _named_slots(i, "vdata")
        regs = _slot_regs(i, data)
        if len(regs) <= 2:
            return frozenset()
        if i.idef.family in ("MUBUF", "MTBUF") and _slot_regs(i, _named_slots(i, "soffset"), "s"):
            return frozenset()
        return frozenset(regs)

    return _cached(p, "hz-wsd", make)  # type: ignore[no-any-return]


def store_data_overwrite(p: Any, c: Any, arch: str) -> int:
    """A wide store, then a VALU (MFMA included) writing its data VGPRs."""
    if wide_store_data(p) & _vgprs_written(c):
        return 2 if arch in GFX940 else 1
    return 0


def _dpp_vgprs(c: Any) -> set[int]:
    """What a DPP instruction reads: its VGPR sources and the old value of ``vdst``
    (kept in the lanes the row/bank masks or bound_ctrl leave unwritten)."""
    return _cached(c, "hz-dpp",  # type: ignore[no-any-return]
                   lambda i: frozenset(_regs(i.reads, "v") | _regs(i.writes, "v")))


def soft_clause_required(clause: Sequence[Any], c: Any) -> int:
    """Wait states before memory instruction ``c`` that follows ``clause``, the run of
    instructions of its own kind (VMEM/FLAT, or SMEM) right before it (LLVM's
    ``checkSoftClauseHazards``; XNACK may replay a clause, so no instruction in it may
    write what another reads, and a store ends it). 0 or 1."""
    def units(ranges: Any) -> set[tuple[str, int]]:
        return {(r.file, k) for r in ranges for k in range(r.first, r.first + r.count)}

    defs = set().union(*(units(i.writes) for i in clause))
    if not defs:
        return 0
    if "mem_write" in c.idef.effects:
        return 1
    uses = set().union(*(units(i.reads) for i in [*clause, c]))
    return 1 if (defs | units(c.writes)) & uses else 0


def clause_kind(i: Any) -> str | None:
    """The soft-clause kind of an instruction: "vmem", "smem" or None."""
    if is_vmem(i):
        return "vmem"
    if i.idef.family == "SMEM":
        return "smem"
    return None


RULES: tuple[Rule, ...] = (
    Rule("VALU writes SGPR/EXEC -> VMEM reads it", ALL, is_valu, is_vmem,
         lambda p, c: bool(_sgprs_written(p) and _sgprs_written(p) & _sgpr_reads(c)), 5),
    Rule("VALU writes SGPR/VCC -> VALU reads it", GFX940, is_valu, is_valu,
         lambda p, c: bool(_sgprs_written(p) and _sgprs_written(p) - _EXEC_SET
                           & (_explicit_sgpr_reads(c) | (_sgpr_reads(c) & _VCC_SET)))
         , 2),
    Rule("VALU writes EXEC -> v_readlane/v_readfirstlane/v_writelane", GFX940, is_valu,
         lambda c: c.idef.base in LANE_OPS, lambda p, c: _writes_exec(p), 4),
    Rule("VALU writes VGPR -> v_readlane/v_readfirstlane reads it", GFX940, is_valu,
         lambda c: c.idef.base in LANE_OPS[:2],
         lambda p, c: bool(_vgprs_written(p) & _slot_regs(c, (0,), "v")), 1),
    Rule("VALU writes SGPR -> v_readlane/v_writelane lane select", ALL, is_valu,
         lambda c: c.idef.base in ("v_readlane_b32", "v_writelane_b32"),
         lambda p, c: bool(_sgprs_written(p) & _slot_regs(c, _named_slots(c, "ssrc1"), "s")), 4),
    Rule("transcendental VALU -> non-transcendental VALU reads its result", GFX940, is_trans,
         lambda c: is_valu(c) and not is_trans(c),
         lambda p, c: bool(_vgprs_written(p) & _vgpr_reads(c)), 1),
    Rule("any write of a VGPR -> DPP reads it (sources and old vdst)", ALL, lambda p: True,
         lambda c: c.idef.encoding == "dpp",
         lambda p, c: bool(_vgprs_written(p) & _dpp_vgprs(c)), 2),
    Rule("VALU writes EXEC -> DPP", ALL, is_valu, lambda c: c.idef.encoding == "dpp",
         lambda p, c: _writes_exec(p), 5),
    Rule("VALU writes VCC -> v_div_fmas", ALL, is_valu, lambda c: c.idef.base.startswith("v_div_fmas"),
         lambda p, c: bool(_sgprs_written(p) & set(VCC_REGS)), 4),
    Rule("SALU writes M0 -> s_movrel/s_sendmsg/LDS DMA/GDS", ALL, is_salu,
         lambda c: c.idef.base.startswith(("s_movrel", "s_sendmsg")) or "lds" in c.mods or "gds" in c.mods,
         lambda p, c: M0_REG in _sgprs_written(p), 1),
    Rule("VALU writes VGPR -> MFMA reads it", ALL, lambda p: is_valu(p) and not p.idef.base.startswith("v_dot"),
         is_mfma, lambda p, c: bool(_vgprs_written(p) & _vgpr_reads(c)), 2),
    Rule("VALU writes EXEC -> MFMA", ALL, is_valu, is_mfma, lambda p, c: _writes_exec(p), 4),
    Rule("MFMA result -> MFMA source", ALL, is_mfma, is_mfma, None, mfma_to_mfma),
    Rule("MFMA result -> VALU/VMEM/DS/FLAT read or VALU write", ALL, is_mfma,
         lambda c: is_valu(c) or is_vmem(c) or c.idef.family == "DS", None, mfma_to_other),
    Rule("MFMA reads SrcC -> VALU/VMEM/DS overwrites it", ALL, is_mfma,
         lambda c: is_valu(c) or is_vmem(c) or c.idef.family == "DS", None, srcc_read_to_valu_write),
    Rule("s_setreg -> s_getreg/s_setreg of the same hwreg", ALL, is_setreg,
         lambda c: c.idef.base.startswith(("s_setreg", "s_getreg")), same_hwreg, 2),
    Rule("VMEM store of >64 bits -> VALU overwrites its data", ALL, lambda p: bool(wide_store_data(p)),
         lambda c: is_valu(c) or is_mfma(c), None, store_data_overwrite),
)


class HazardRules:
    """The rules of one architecture, matched pairwise."""

    def __init__(self, arch: str):
        self.arch = arch
        self.rules = tuple(r for r in RULES if arch in r.archs)

    def _roles(self, i: Any, role: str) -> frozenset[int]:
        """Indices of the rules ``i`` can be the producer (consumer) of; kept in the
        instruction's cache, as the predicates only look at the instruction itself."""
        cache = getattr(i, "cache", None)
        key = f"hazard-{role}-{self.arch}"
        if cache is not None and key in cache:
            return cache[key]  # type: ignore[no-any-return]
        out = frozenset(k for k, r in enumerate(self.rules) if getattr(r, role)(i))
        if cache is not None:
            cache[key] = out
        return out

    def required(self, producer: Any, consumer: Any) -> tuple[int, str] | None:
        """The largest wait-state requirement between the two, with its rule name."""
        best: tuple[int, str] | None = None
        both = self._roles(producer, "producer") & self._roles(consumer, "consumer")
        for k in sorted(both):
            r = self.rules[k]
            n = r.required(producer, consumer, self.arch)
            if n > 0 and (best is None or n > best[0]):
                best = (n, r.name)
        return best
