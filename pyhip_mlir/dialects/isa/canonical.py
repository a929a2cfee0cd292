"""Canonical assembly instances of an instruction-table record.

For each :class:`~pyhip_mlir.dialects.isa.table.InstrDef` this module spells one valid
assembly line (distinct, correctly aligned registers of the right file and width; the
simplest valid immediate where no register is accepted) and one line per modifier
(the modifier alone, with a valid value). The table generator assembles these with
``llvm-mc`` to check the table; tests and the printer's round-trip checks reuse them.

Pure functions: no subprocesses, no file access.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .table import InstrDef, OperandDef

LABEL = "Lcanon"
"""Branch target used by label operands; :func:`prelude` defines it."""

# One valid spelling per modifier, independent of the instruction.
_FLAG_MODIFIERS = (
    "glc",
    "slc",
    "sc0",
    "sc1",
    "nt",
    "gds",
    "lds",
    "idxen",
    "offen",
    "clamp",
    "a16",
    "d16",
    "da",
    "lwe",
    "unorm",
    "tfe",
    "r128",
)
_MODIFIER_VALUES: dict[str, str] = {
    "offset": "offset:16",
    "offset0": "offset0:1",
    "offset1": "offset1:2",
    "offset12": "offset:16",
    "offset13s": "offset:-16",
    "offset20u": "offset:16",
    "offset21s": "offset:-16",
    "pattern": "offset:swizzle(SWAP,16)",
    "omod": "mul:2",
    "fmt": "format:[BUF_DATA_FORMAT_32,BUF_NUM_FORMAT_FLOAT]",
    "cbsz": "cbsz:1",
    "abid": "abid:1",
    "blgp": "blgp:1",
    "dpp32_ctrl": "quad_perm:[1,0,3,2]",
    "dpp64_ctrl": "row_newbcast:1",
    "row_mask": "row_mask:0xf",
    "bank_mask": "bank_mask:0xf",
    "bound_ctrl": "bound_ctrl:0",
    "dst_sel": "dst_sel:WORD_1",
    "dst_unused": "dst_unused:UNUSED_PRESERVE",
    "src0_sel": "src0_sel:WORD_1",
    "src1_sel": "src1_sel:WORD_1",
    "m_op_sel": "op_sel:[1,0,0]",
    "m_op_sel_hi": "op_sel_hi:[1,0,0]",
    "neg": "neg:[1,0,0]",
}
# Modifiers whose list length follows the number of source operands.
_LIST_MODIFIERS = {"op_sel": 1, "op_sel_hi": 0, "neg_lo": 1, "neg_hi": 1}
# A dpp instruction needs a control; this is the identity one.
_DPP_DEFAULT = {"dpp32_ctrl": "quad_perm:[0,1,2,3]", "dpp64_ctrl": "row_newbcast:1"}

_IMM_VALUES: dict[str, str] = {
    "label": LABEL,
    "waitcnt": "vmcnt(0)",
    "hwreg": "hwreg(HW_REG_MODE)",
    "sendmsg": "sendmsg(MSG_INTERRUPT)",
    "simm16": "1",
    "inline": "1",
    "literal": "0x1234",
    "imm": "1",
}
_FIXED_SPECIALS = ("vcc", "exec", "m0", "scc")


def prelude() -> str:
    """Lines to put before the canonical lines of a probe file (the label target)."""
    return f"{LABEL}:"


def modifier_value(instr: InstrDef, modifier: str) -> str:
    """A valid spelling of ``modifier`` on ``instr`` (e.g. ``offset:16``)."""
    if modifier in _FLAG_MODIFIERS:
        return modifier
    if modifier in _LIST_MODIFIERS:
        n = _list_length(instr, modifier)
        first = _LIST_MODIFIERS[modifier]
        return f"{modifier}:[{','.join([str(first)] + ['0'] * (n - 1))}]"
    if modifier == "dmask":
        data = [o for o in instr.operands if o.name in ("vdst", "vdata")]
        n = min(data[0].dwords, 4) if data else 1
        return f"dmask:{hex((1 << n) - 1)}"
    if modifier in _MODIFIER_VALUES:
        return _MODIFIER_VALUES[modifier]
    return modifier


def _list_length(instr: InstrDef, modifier: str) -> int:
    nsrc = sum(1 for o in instr.operands if o.role == "use" and o.name.startswith(("src", "vsrc")))
    nsrc = max(nsrc, 1)
    if modifier == "op_sel" and instr.family != "VOP3P":
        return nsrc + 1  # VOP3 op_sel also selects the destination half
    return nsrc


@dataclass
class _Regs:
    """Hands out distinct, aligned register ranges per file."""

    next: dict[str, int] = field(default_factory=lambda: {"v": 1, "a": 1, "s": 1})
    sgpr_reads: int = 0  # VALU constant-bus uses so far

    def take(self, file: str, dwords: int, align: int = 1) -> str:
        if dwords >= 2:
            align = max(align, 4 if file == "s" and dwords >= 4 else 2)
        start = -(-self.next[file] // align) * align
        self.next[file] = start + dwords
        if dwords == 1:
            return f"{file}{start}"
        return f"{file}[{start}:{start + dwords - 1}]"


def _present(instr: InstrDef, op: OperandDef, mods: Iterable[str]) -> bool:
    """Whether an optional operand is spelled, given the modifiers in use."""
    if not op.optional:
        return True
    cond = instr.extra.get("when", {}).get(op.name)
    if cond is None:
        return False
    if cond.startswith("!"):
        return cond[1:] not in mods
    return cond in mods


_FILES = ("v", "s", "a")


def _pick_file(op: OperandDef) -> str:
    for f in ("v", "s", "a"):
        if f in op.files:
            return f
    return ""


# Spelling of each operand modifier around a source register.
OPMOD_TEXT: dict[str, str] = {"neg": "-{}", "abs": "|{}|", "sext": "sext({})"}


def _operand_text(
    instr: InstrDef,
    op: OperandDef,
    regs: _Regs,
    mods: set[str],
    form: str,
    choice: str = "",
    opmod: str = "",
) -> str:
    text = _plain_operand_text(instr, op, regs, mods, form, choice)
    return OPMOD_TEXT[opmod].format(text) if opmod else text


def _plain_operand_text(
    instr: InstrDef, op: OperandDef, regs: _Regs, mods: set[str], form: str, choice: str = ""
) -> str:
    if choice and choice not in _FILES:
        if op.is_use and instr.family.startswith("VOP") and choice != _IMM_VALUES["inline"]:
            regs.sgpr_reads += 1  # a special register or literal: on the constant bus
        return choice
    if _uses_off(instr, op, mods, form):
        return "off"
    dwords = _width(instr, op, mods, form)
    file = choice or _pick_file(op)
    if file == "s" and op.is_use and instr.family.startswith("VOP"):
        if regs.sgpr_reads and "inline" in op.imm:
            return _IMM_VALUES["inline"]  # gfx9 VALU: one SGPR on the constant bus
        regs.sgpr_reads += 1
    if file:
        return regs.take(file, dwords, instr.extra.get("align", {}).get(op.name, 1))
    fixed = [s for s in op.special if s in _FIXED_SPECIALS]
    if fixed:
        return fixed[0]
    for kind in op.imm:
        return _IMM_VALUES.get(kind, "1")
    return "off" if "off" in op.special else "0"


def _uses_off(instr: InstrDef, op: OperandDef, mods: set[str], form: str) -> bool:
    if "off" not in op.special:
        return False
    if instr.family in ("MUBUF", "MTBUF") and op.name == "vaddr":
        return not ({"offen", "idxen"} & mods)
    if op.name == "saddr":
        return form != "saddr"
    if instr.mnemonic.startswith("scratch_") and op.name == "vaddr":
        return form == "saddr"
    return False


def _width(instr: InstrDef, op: OperandDef, mods: set[str], form: str) -> int:
    alt = instr.extra.get("alt_dwords", {}).get(op.name)
    if alt is None:
        return op.dwords
    if instr.family == "FLAT" and form == "saddr":
        return alt
    if instr.family in ("MUBUF", "MTBUF") and {"offen", "idxen"} <= mods:
        return alt
    return op.dwords


def _modifier_texts(instr: InstrDef, chosen: list[str]) -> list[str]:
    """Chosen plus required modifiers, spelled, in the table's modifier order."""
    names = list(dict.fromkeys(chosen + list(instr.extra.get("required", ()))))
    order = {m: i for i, m in enumerate(instr.modifiers)}
    names.sort(key=lambda m: order.get(m, len(order)))
    out: list[str] = []
    if instr.encoding == "dpp":
        for ctrl, text in _DPP_DEFAULT.items():
            if ctrl in instr.modifiers and ctrl not in names:
                out.append(text)
                break
    return out + [modifier_value(instr, m) for m in names]


def canonical_line(
    instr: InstrDef,
    modifiers: Iterable[str] = (),
    form: str = "",
    choice: Mapping[str, str] | None = None,
    opmods: Mapping[str, str] | None = None,
) -> str:
    """One assembly line for ``instr`` with the given table modifiers applied.

    ``form`` selects an alternative addressing form: ``"saddr"`` (FLAT global/scratch
    with an SGPR address) or ``""`` (the default form). ``choice`` overrides operands
    by name: a register file (``"v"``, ``"s"``, ``"a"``) or verbatim text. ``opmods``
    wraps operands by name in an operand modifier (``"neg"``, ``"abs"``, ``"sext"``).
    """
    mods = list(modifiers)
    modset = set(mods)
    choice = choice or {}
    opmods = opmods or {}
    regs = _Regs()
    ops = [
        _operand_text(
            instr, op, regs, modset, form, choice.get(op.name, ""), opmods.get(op.name, "")
        )
        for op in instr.operands
        if _present(instr, op, modset)
    ]
    tail = _modifier_texts(instr, mods)
    text = instr.mnemonic
    if ops:
        text += " " + ", ".join(ops)
    if tail:
        text += " " + " ".join(tail)
    return text


def alternative_forms(instr: InstrDef) -> list[str]:
    """Names of the addressing forms besides the default one (see canonical_line)."""
    names = {o.name for o in instr.operands}
    if instr.family == "FLAT" and "saddr" in names:
        return ["saddr"]
    return []


# Spelling of a special register in a slot of the given width (1 or 2 dwords).
_SPECIAL_TEXT = {
    ("vcc", 1): "vcc_lo",
    ("vcc", 2): "vcc",
    ("exec", 1): "exec_lo",
    ("exec", 2): "exec",
    ("m0", 1): "m0",
    ("scc", 1): "src_scc",
    ("scc", 2): "src_scc",
    ("vccz", 1): "src_vccz",
    ("vccz", 2): "src_vccz",
    ("execz", 1): "src_execz",
    ("execz", 2): "src_execz",
}


def special_text(reg: str, dwords: int) -> str | None:
    """How special register ``reg`` is spelled in a slot ``dwords`` wide (None: cannot)."""
    return _SPECIAL_TEXT.get((reg, dwords)) if dwords <= 2 else None


def _bus_readers(instr: InstrDef) -> list[str]:
    """What the canonical VALU line reads over the constant bus (gfx9 allows one value):
    operand names, ``""`` for an implicit VCC/M0 read."""
    if not instr.family.startswith("VOP"):
        return []
    out = [""] if any(r in ("vcc", "m0") for r in instr.implicit_uses) else []
    first = next((o.name for o in instr.operands if o.is_use and _pick_file(o) == "s"), "")
    for o in instr.operands:
        if not o.is_use:
            continue
        if o.is_fixed_special or o.imm == ("literal",):
            out.append(o.name)
        elif _pick_file(o) == "s" and (o.name == first or "inline" not in o.imm):
            out.append(o.name)  # later SGPR slots taking inline constants get one
    return out


def operand_variants(instr: InstrDef) -> list[tuple[str, dict[str, str], str]]:
    """(tag, choice, form) of lines exercising each register file, immediate kind and
    special register an operand accepts besides the canonical choice. Tags: ``%a``
    (every operand that accepts AGPRs uses them), ``%s:NAME``, ``%inline:NAME``,
    ``%literal:NAME``, ``%special:NAME:REG``. VALU forms that would need two
    constant-bus reads are skipped; special registers of destinations are tried too."""
    out: list[tuple[str, dict[str, str], str]] = []
    multi = [o for o in instr.operands if len(o.files) > 1 or (o.files and (o.imm or o.special))]
    agpr = {o.name: "a" for o in multi if "a" in o.files and _pick_file(o) != "a"}
    if agpr:
        out.append(("%a", agpr, ""))
    readers = _bus_readers(instr)
    bus_free = not readers
    for o in multi:
        if not o.is_use or o.role == "both":
            if o.files and o.dwords <= 2:
                for reg in o.special:
                    text = special_text(reg, o.dwords)
                    if text in ("vcc", "exec", "m0"):  # whole registers only
                        out.append((f"%special:{o.name}:{reg}", {o.name: text}, ""))
            continue
        form = "saddr" if o.name == "saddr" else ""
        if "s" in o.files and _pick_file(o) != "s" and bus_free:
            out.append((f"%s:{o.name}", {o.name: "s"}, form))
        if "inline" in o.imm:
            out.append((f"%inline:{o.name}", {o.name: _IMM_VALUES["inline"]}, form))
        if "literal" in o.imm and bus_free:
            out.append((f"%literal:{o.name}", {o.name: _IMM_VALUES["literal"]}, form))
        # replacing the one SGPR the line reads costs no extra constant-bus read
        slot_free = readers in ([], [o.name])
        for reg in o.special:
            text = special_text(reg, o.dwords)
            if text and slot_free:
                out.append((f"%special:{o.name}:{reg}", {o.name: text}, form))
    return out


def opmod_variants(instr: InstrDef) -> list[tuple[str, dict[str, str]]]:
    """(tag, opmods) of lines exercising each operand modifier of each source register
    slot alone. Tag: ``%opmod:NAME:MOD``."""
    return [
        (f"%opmod:{o.name}:{m}", {o.name: m})
        for o in instr.operands
        if o.files and o.role == "use"
        for m in o.opmods
    ]


def probe_lines(instr: InstrDef) -> list[tuple[str, str]]:
    """(tag, line) pairs: ``""`` for the canonical line, the modifier name for each
    modifier line, ``"@form"`` for each alternative addressing form, ``"%..."`` for
    each operand variant (see :func:`operand_variants`, :func:`opmod_variants`)."""
    out = [("", canonical_line(instr))]
    out.extend((m, canonical_line(instr, [m])) for m in instr.modifiers)
    out.extend((f"@{f}", canonical_line(instr, form=f)) for f in alternative_forms(instr))
    out.extend((t, canonical_line(instr, form=f, choice=c)) for t, c, f in operand_variants(instr))
    out.extend((t, canonical_line(instr, opmods=m)) for t, m in opmod_variants(instr))
    return out
