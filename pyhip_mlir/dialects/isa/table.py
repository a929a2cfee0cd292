"""The CDNA instruction table: one record per assembler mnemonic per architecture.

The data lives in ``data/<arch>.json`` and is produced by ``scripts/gen_isa_table.py``
from LLVM's generated AMDGPU syntax documentation, checked against ``llvm-mc-22``.
Everything that needs an ISA fact (verifier, printer, parser, passes, emulator) reads
it through :func:`get_table`; nothing else hard-codes per-instruction knowledge.

This module imports nothing heavy: the JSON is read on first use and cached.

Schema of one record (JSON object keyed by mnemonic, as the assembler spells it,
including encoding suffixes such as ``_e64``, ``_dpp`` and ``_sdwa``)::

    family        encoding family: the LLVM doc section (DS, FLAT, MUBUF, MTBUF, SMEM,
                  SOP1, SOP2, SOPC, SOPK, SOPP, VOP1, VOP2, VOP3, VOP3P, VOPC, ...)
    encoding      "e32" | "e64" | "dpp" | "sdwa" | "" (non-VALU)
    base          mnemonic without the encoding suffix (v_add_f32_e64 -> v_add_f32)
    operands      explicit operands in assembly order (see OperandDef)
    modifiers     trailing modifiers the instruction accepts, in LLVM doc names
                  (offset12, glc, sc0, clamp, omod, op_sel, dpp_ctrl, ...)
    implicit_defs special registers written without appearing as operands
    implicit_uses special registers read without appearing as operands
    counter       "vmcnt", "lgkmcnt", "vmcnt+lgkmcnt" (FLAT) or null
    latency       "salu", "valu", "trans", "mfma", "dot", "smem", "vmem", "lds",
                  "branch", "special" (waits, nops, barriers, ...)
    mfma_passes   pass count of an MFMA (4, 8, 16) or null
    effects       subset of "mem_read", "mem_write", "barrier", "branch",
                  "terminator", "side_effect" (must never be deleted or merged)
    llvm_opcode   LLVM MC opcode of the canonical instance, subtarget suffix dropped
                  (V_ADD_U32_e32, GLOBAL_LOAD_DWORD, V_MFMA_F32_32X32X8F16)
    extra         rarely needed facts, all optional:
                  when      {operand: "glc" | "sc0" | "!lds"}: an optional operand is
                            present, or a "both" operand is written, only when that
                            modifier is given ("!m": only when it is absent)
                  alt_dwords {operand: n}: width in the other addressing form (FLAT
                            vaddr with an SGPR saddr: 1; MUBUF vaddr with idxen+offen: 2)
                  required  modifiers that must always be spelled (gds of ds_gws_*)
                  align     {operand: n}: register alignment beyond the default
                  types     {operand: type}: operand type differing from the opcode's
                  modifier_implicit_uses {modifier: [reg]}: e.g. {"lds": ["m0"]}
                  xdl       true on an MFMA/SMFMAC that LLVM's hazard recognizer
                            classes as XDL on this arch (``isXDL``): on gfx942/
                            gfx950 the opcodes with ``is_gfx940_xdl`` in LLVM's
                            VOP3PInstructions.td (all but the f32-input and f64
                            MFMAs; every SMFMAC); on gfx90a every non-DGEMM MFMA,
                            as LLVM treats them. Absent: not XDL
                  dgemm     true on the f64 MFMAs (LLVM's ``is_dgemm``)

A special register the assembly spells in a fixed slot (``vcc`` in
``v_cmp_eq_u32 vcc, v1, v2``) is an explicit operand with ``special=("vcc",)`` and no
register files; ``implicit_defs``/``implicit_uses`` list only registers the assembly
does not mention. :attr:`InstrDef.special_defs` / :attr:`InstrDef.special_uses` merge
both views.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

ARCHS: tuple[str, ...] = ("gfx90a", "gfx942", "gfx950")
DEFAULT_ARCH = "gfx942"

# Special registers that may appear as operands or implicit defs/uses.
SPECIAL_REGS: tuple[str, ...] = ("exec", "vcc", "scc", "m0")


@dataclass(frozen=True)
class OperandDef:
    """One explicit operand slot of an instruction.

    name    LLVM doc label (vdst, src0, vaddr, srsrc, simm16, label, ...)
    role    "def" (written), "use" (read) or "both" (read and written: tied in SSA)
    files   register files accepted: subset of "s", "v", "a" (ttmp/flat_scratch/
            xnack_mask are not modelled as allocatable files)
    dwords  width in dwords (2 for a 64-bit pair, 16 for an MFMA accumulator)
    special special registers accepted in this slot ("vcc", "exec", "m0", "scc", ...)
    imm     immediate forms accepted: subset of "inline" (inline constants),
            "literal" (32-bit literal), "simm16", "label", "waitcnt", "hwreg",
            "sendmsg", "imm" (any other integer field)
    opmods  operand modifiers accepted: subset of "neg", "abs", "sext"
    optional whether the operand may be omitted (e.g. soffset of some forms)
    """

    name: str
    role: str
    files: tuple[str, ...] = ()
    dwords: int = 1
    special: tuple[str, ...] = ()
    imm: tuple[str, ...] = ()
    opmods: tuple[str, ...] = ()
    optional: bool = False

    @property
    def is_def(self) -> bool:
        return self.role in ("def", "both")

    @property
    def is_use(self) -> bool:
        return self.role in ("use", "both")

    @property
    def is_fixed_special(self) -> bool:
        """The slot holds one special register and nothing else (``vcc`` of VOPC e32)."""
        return not self.files and not self.imm and len(self.special) == 1 and (
            self.special[0] in SPECIAL_REGS
        )

    @staticmethod
    def from_json(d: dict[str, Any]) -> OperandDef:
        return OperandDef(
            name=d["name"],
            role=d["role"],
            files=tuple(d.get("files", ())),
            dwords=int(d.get("dwords", 1)),
            special=tuple(d.get("special", ())),
            imm=tuple(d.get("imm", ())),
            opmods=tuple(d.get("opmods", ())),
            optional=bool(d.get("optional", False)),
        )


def _merge(first: tuple[str, ...], more: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *more)))


@dataclass(frozen=True)
class InstrDef:
    """Everything the project knows about one mnemonic on one architecture."""

    mnemonic: str
    family: str
    encoding: str
    base: str
    operands: tuple[OperandDef, ...]
    modifiers: tuple[str, ...] = ()
    implicit_defs: tuple[str, ...] = ()
    implicit_uses: tuple[str, ...] = ()
    counter: str | None = None
    latency: str = "valu"
    mfma_passes: int | None = None
    effects: tuple[str, ...] = ()
    llvm_opcode: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def defs(self) -> tuple[OperandDef, ...]:
        return tuple(o for o in self.operands if o.is_def)

    @property
    def uses(self) -> tuple[OperandDef, ...]:
        return tuple(o for o in self.operands if o.is_use)

    @property
    def special_defs(self) -> tuple[str, ...]:
        """Special registers written: implicit defs plus fixed special def operands."""
        return _merge(self.implicit_defs, (o.special[0] for o in self.defs if o.is_fixed_special))

    def slot_active(self, slot_name: str, modifiers: set[str] | frozenset[str]) -> bool | None:
        """The ``when`` condition of a slot under ``modifiers`` (doc names): True/False,
        or None when the slot has no condition. ``"sc0"`` means the slot is active with
        sc0, ``"!lds"`` without lds."""
        cond = self.extra.get("when", {}).get(slot_name)
        if cond is None:
            return None
        return cond[1:] not in modifiers if cond.startswith("!") else cond in modifiers

    def implicit_uses_with(self, modifiers: set[str] | frozenset[str]) -> tuple[str, ...]:
        """Implicit uses when the doc modifiers ``modifiers`` are present (``lds`` reads m0)."""
        out = list(self.implicit_uses)
        for m, regs in self.extra.get("modifier_implicit_uses", {}).items():
            if m in modifiers:
                out += [r for r in regs if r not in out]
        return tuple(out)

    @property
    def special_uses(self) -> tuple[str, ...]:
        """Special registers read: implicit uses plus fixed special use operands."""
        return _merge(self.implicit_uses, (o.special[0] for o in self.uses if o.is_fixed_special))

    @property
    def has_side_effects(self) -> bool:
        return bool(self.effects)

    @property
    def is_memory(self) -> bool:
        return self.counter is not None

    @staticmethod
    def from_json(mnemonic: str, d: dict[str, Any]) -> InstrDef:
        return InstrDef(
            mnemonic=mnemonic,
            family=d["family"],
            encoding=d.get("encoding", ""),
            base=d.get("base", mnemonic),
            operands=tuple(OperandDef.from_json(o) for o in d.get("operands", ())),
            modifiers=tuple(d.get("modifiers", ())),
            implicit_defs=tuple(d.get("implicit_defs", ())),
            implicit_uses=tuple(d.get("implicit_uses", ())),
            counter=d.get("counter"),
            latency=d.get("latency", "valu"),
            mfma_passes=d.get("mfma_passes"),
            effects=tuple(d.get("effects", ())),
            llvm_opcode=d.get("llvm_opcode"),
            extra=d.get("extra", {}),
        )


class LazyInstrDefs(Mapping[str, InstrDef]):
    """Mnemonic -> InstrDef, building each record from its JSON on first access.

    A kernel uses a few dozen mnemonics; building all ~2,000 records up front would
    cost more than the rest of a small compile.
    """

    def __init__(self, raw: dict[str, dict[str, Any]]):
        self._raw = raw
        self._built: dict[str, InstrDef] = {}

    def __getitem__(self, mnemonic: str) -> InstrDef:
        idef = self._built.get(mnemonic)
        if idef is None:
            idef = InstrDef.from_json(mnemonic, self._raw[mnemonic])
            self._built[mnemonic] = idef
        return idef

    def __contains__(self, mnemonic: object) -> bool:
        return mnemonic in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


@dataclass(frozen=True)
class IsaTable:
    """All instructions of one architecture, keyed by mnemonic."""

    arch: str
    instructions: Mapping[str, InstrDef]
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def get(self, mnemonic: str) -> InstrDef | None:
        return self.instructions.get(mnemonic)

    def __contains__(self, mnemonic: str) -> bool:
        return mnemonic in self.instructions

    def __len__(self) -> int:
        return len(self.instructions)


class UnknownArchError(ValueError):
    pass


def normalize_arch(arch: str) -> str:
    """Accept gfx942 family spellings (gfx940/gfx941 share gfx942's table)."""
    arch = arch.strip().lower().split(":")[0]
    if arch in ("gfx940", "gfx941"):
        return "gfx942"
    if arch not in ARCHS:
        raise UnknownArchError(
            f"unknown architecture '{arch}'; supported: {', '.join(ARCHS)}"
        )
    return arch


@cache
def get_table(arch: str = DEFAULT_ARCH) -> IsaTable:
    """Load (once) and return the instruction table of ``arch``."""
    arch = normalize_arch(arch)
    text = resources.files(__package__).joinpath("data", f"{arch}.json").read_text()
    raw = json.loads(text)
    instrs = LazyInstrDefs(raw["instructions"])
    meta = {k: v for k, v in raw.items() if k != "instructions"}
    return IsaTable(arch=arch, instructions=instrs, meta=meta)


@cache
def all_mnemonics() -> frozenset[str]:
    """Every mnemonic of every supported architecture."""
    names: set[str] = set()
    for arch in ARCHS:
        names.update(get_table(arch).instructions)
    return frozenset(names)


def lookup(mnemonic: str, arch: str = DEFAULT_ARCH) -> InstrDef | None:
    return get_table(arch).get(mnemonic)
