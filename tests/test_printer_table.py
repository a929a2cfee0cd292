"""Every instruction of the table, built as IR and printed by the asm printer, must
assemble with llvm-mc-22: proof that table + printer agree with LLVM.

For each arch and each mnemonic we build ``inst_class(mnemonic)`` ops with allocated
registers of the right file, width and alignment in every slot (v[2:..], s[4:..]
4-aligned, a[0:..]), the table's implicit uses/defs as special-register values, a
valid immediate in immediate-only slots and a block in label slots, then print them
with :func:`format_inst`:

* the plain instruction (a DPP instruction always carries its control);
* the instruction with each of its modifiers alone (spellings from
  ``canonical.modifier_value``, turned into IR modifier values);
* all its (compatible) modifiers at once, given in reverse order: the printer must
  sort them into the order llvm-mc requires;
* an inline-constant immediate in the first source slot that takes one, and every
  source modifier (neg/abs/sext) each slot accepts.

All lines of one arch go through one llvm-mc run; errors (``<stdin>:LINE:``) are mapped
back to the op. The ops live in a ``cdna.kernel`` so ``op.arch()`` resolves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import pytest
from llvm_tools import mc_errors, requires_llvm_mc
from xdsl.ir import Attribute, Block, Region, SSAValue
from xdsl.utils.exceptions import VerifyException

from pyhip_mlir.codegen.asm_printer import format_inst
from pyhip_mlir.dialects.cdna import GetRegOp, InstOp, KernelOp, inst_class, reg_type, special_type
from pyhip_mlir.dialects.cdna.types import SPECIAL_TYPES, RegType
from pyhip_mlir.dialects.cdna.verify import verify_inst
from pyhip_mlir.dialects.isa import canonical
from pyhip_mlir.dialects.isa.table import ARCHS, InstrDef, OperandDef, get_table

LABEL = ".Lprinter_target"
pytestmark = requires_llvm_mc

# Immediate-only slots: a valid value per immediate kind.
IMM_VALUES: dict[str, object] = {
    "waitcnt": 0,  # printed decoded: vmcnt(0) expcnt(0) lgkmcnt(0)
    "hwreg": "hwreg(HW_REG_MODE)",
    "sendmsg": "sendmsg(MSG_INTERRUPT)",
    "simm16": 0x1234,
    "inline": 1,
    "literal": 0x1234,  # fits 16-bit literals too
    "imm": 1,
}
# Modifiers that change the operand list or need other modifiers: tested alone only.
NOT_COMBINED = {"lds", "gds", "tfe", "lwe", "d16", "a16", "da", "r128", "dpp64_ctrl"}
# With these the FLAT/MUBUF "vdst"/"vdata" slot is also a destination: tested alone only.
RETURN_BITS = {"glc", "sc0"}


@dataclass
class Case:
    mnemonic: str
    tag: str
    op: InstOp


@dataclass
class Builder:
    """Builds one op per case; register operands are cdna.get_reg results."""

    arch: str
    target: Block
    block: Block = field(default_factory=Block)

    values: dict[object, SSAValue] = field(default_factory=dict)

    def value(self, t: Attribute) -> SSAValue:
        """The contents of register ``t`` (one cdna.get_reg per register)."""
        # keyed by parameters, not by the Attribute (RegType subclasses compare equal)
        key = (t.name, tuple(getattr(p, "data", p) for p in t.parameters))  # type: ignore[attr-defined]
        if key not in self.values:
            op = GetRegOp(t)
            self.block.add_op(op)
            self.values[key] = op.res
        return self.values[key]


def _take(counters: dict[str, int], file: str, dwords: int, align: int = 1) -> Attribute:
    if dwords >= 2:
        align = max(align, 4 if file == "s" and dwords >= 4 else 2)
    start = -(-counters[file] // align) * align
    counters[file] = start + dwords
    return _reg(file, dwords, start)


@cache
def _reg(file: str, dwords: int, start: int) -> Attribute:
    return reg_type(file, dwords, start)


def _present(idef: InstrDef, slot: OperandDef, mods: set[str]) -> bool:
    if not slot.optional:
        return True
    cond = idef.extra.get("when", {}).get(slot.name)
    return cond is not None and _present_cond(cond, mods)


def _present_cond(cond: str, mods: set[str]) -> bool:
    return cond[1:] not in mods if cond.startswith("!") else cond in mods


def _uses_off(idef: InstrDef, slot: OperandDef, mods: set[str], form: str) -> bool:
    if "off" not in slot.special:
        return False
    if idef.family in ("MUBUF", "MTBUF") and slot.name == "vaddr":
        return not ({"offen", "idxen"} & mods)
    if slot.name == "saddr":
        return form != "saddr"
    if idef.mnemonic.startswith("scratch_") and slot.name == "vaddr":
        return form == "saddr"
    return False


def _width(idef: InstrDef, slot: OperandDef, mods: set[str], form: str) -> int:
    alt = idef.extra.get("alt_dwords", {}).get(slot.name)
    if alt is None:
        return slot.dwords
    if idef.family == "FLAT" and form == "saddr":
        return alt
    if idef.family in ("MUBUF", "MTBUF") and {"offen", "idxen"} <= mods:
        return alt
    return slot.dwords


def mod_values(idef: InstrDef, doc_names: list[str]) -> dict[str, object]:
    """IR modifiers (assembler keyword -> value) for table modifier names."""
    out: dict[str, object] = {}
    for name in doc_names:
        if name == "omod":
            out["omod"] = "mul:2"
            continue
        text = canonical.modifier_value(idef, name)
        key, sep, raw = text.partition(":")
        if not sep:
            out[key] = True
        elif raw.startswith("[") and re.fullmatch(r"\[[-\d,]*\]", raw):
            out[key] = [int(x) for x in raw[1:-1].split(",") if x]
        elif re.fullmatch(r"-?(0x[0-9a-fA-F]+|\d+)", raw):
            out[key] = int(raw, 0)
        else:
            out[key] = raw
    return out


def _fixed_specials(slot: OperandDef) -> list[str]:
    return [s for s in slot.special if s in SPECIAL_TYPES]


def _constant_bus_free(idef: InstrDef, mods: set[str], form: str) -> bool:
    """Whether a VALU op built with VGPR sources may still read one SGPR/special."""
    if not idef.family.startswith("VOP"):
        return True
    if any(r in ("vcc", "m0") for r in idef.implicit_uses):
        return False
    for slot in idef.operands:
        if slot.is_use and _present(idef, slot, mods):
            if "v" not in slot.files and (slot.files or _fixed_specials(slot)):
                return False
            if not slot.files and slot.imm == ("literal",):
                return False
    return True


def build_op(
    b: Builder,
    idef: InstrDef,
    doc_mods: list[str],
    *,
    form: str = "",
    variant: str = "",
) -> InstOp | None:
    """One op of ``idef`` with the given table modifiers; None if the variant is moot.

    variant: "" (registers everywhere), "inline" (an inline constant in the first
    slot taking one), "opmods" (every source modifier a slot accepts), "agpr" (AGPRs
    wherever accepted), "special" (a special register in the first source slot that
    accepts exec/vcc/m0/scc besides registers).
    """
    doc_mods = list(dict.fromkeys(doc_mods + list(idef.extra.get("required", ()))))
    mods = set(doc_mods)
    if idef.encoding == "dpp" and not mods & {"dpp32_ctrl", "dpp64_ctrl"}:
        ctrl = "dpp32_ctrl" if "dpp32_ctrl" in idef.modifiers else "dpp64_ctrl"
        if ctrl in idef.modifiers:
            doc_mods = [ctrl, *doc_mods]
            mods.add(ctrl)
    counters = {"v": 2, "s": 4, "a": 0}
    aligns = idef.extra.get("align", {})

    def reg(slot: OperandDef) -> Attribute:
        files = ("a", "v", "s") if variant == "agpr" else ("v", "s", "a")
        for f in files:
            if f in slot.files:
                width = _width(idef, slot, mods, form)
                return _take(counters, f, width, aligns.get(slot.name, 1))
        fixed = _fixed_specials(slot)
        assert fixed, f"{idef.mnemonic}: slot {slot.name} takes no register"
        return special_type(fixed[0])

    defs: list[Attribute] = []
    uses: list[SSAValue] = []
    imm: dict[int, object] = {}
    slot_mods: dict[int, str] = {}
    targets: list[Block] = []
    n_items = 0
    done = variant in ("", "agpr")
    bus_free = _constant_bus_free(idef, mods, form)
    sgpr_reads = 0
    for slot in idef.operands:
        if not _present(idef, slot, mods):
            if slot.role == "use":
                break  # later slots would shift: the IR has no gaps
            continue
        cond = idef.extra.get("when", {}).get(slot.name)
        writes = slot.role == "def" or (
            slot.role == "both" and (cond is None or _present_cond(cond, mods))
        )
        if writes:
            t = reg(slot)
            defs.append(t)
            if slot.role == "def":
                continue
            uses.append(b.value(t))  # tied: the input is the same register
        elif slot.role == "both":  # read only: the form that does not return a value
            uses.append(b.value(reg(slot)))
        elif "label" in slot.imm:
            targets.append(b.target)
            continue  # slot_items() puts the label last; label slots are last
        elif _uses_off(idef, slot, mods, form):
            imm[n_items] = "off"
        elif variant == "inline" and not done and "inline" in slot.imm and slot.files:
            imm[n_items] = -1
            done = True
        elif (
            variant == "special"
            and not done
            and bus_free
            and slot.files
            and (
                sp := [
                    s for s in _fixed_specials(slot) if slot.dwords == 1 or s not in ("m0", "scc")
                ]
            )
        ):
            if slot.dwords == 1 and sp[0] in ("vcc", "exec"):
                imm[n_items] = f"{sp[0]}_lo"  # the IR spells a 32-bit half as text
            else:
                uses.append(b.value(special_type(sp[0])))
            done = True
        elif (
            idef.family.startswith("VOP")
            and "v" not in slot.files
            and "inline" in slot.imm
            and sgpr_reads
        ):
            imm[n_items] = 1  # gfx9 VALU: one SGPR on the constant bus
        elif slot.files:
            t = reg(slot)
            sgpr_reads += isinstance(t, RegType) and t.file == "s"
            uses.append(b.value(t))
            if variant == "opmods" and slot.opmods:
                slot_mods[n_items] = ",".join(slot.opmods)
                done = True
        elif fixed := _fixed_specials(slot):
            uses.append(b.value(special_type(fixed[0])))
        elif slot.imm:
            imm[n_items] = IMM_VALUES.get(slot.imm[0], 1)
        else:
            imm[n_items] = "off" if "off" in slot.special else 0
        n_items += 1
    if not done:
        return None
    op = inst_class(idef.mnemonic)(
        defs=defs,
        uses=uses,
        imm=imm,  # type: ignore[arg-type]
        implicit_uses=[b.value(special_type(r)) for r in implicit_uses(idef, mods)],
        implicit_defs=[special_type(r) for r in idef.implicit_defs],
        targets=targets,
        mods=mod_values(idef, doc_mods),  # type: ignore[arg-type]
        opmods=slot_mods,
    )
    b.block.add_op(op)
    return op


def implicit_uses(idef: InstrDef, mods: set[str]) -> list[str]:
    """The table's implicit uses plus those a modifier adds (``lds`` reads m0)."""
    return list(idef.implicit_uses_with(mods))


def combined_mods(idef: InstrDef) -> list[str]:
    mods = [m for m in idef.modifiers if m not in NOT_COMBINED]
    if "dpp32_ctrl" not in mods and "dpp64_ctrl" in idef.modifiers:
        mods.insert(0, "dpp64_ctrl")
    if idef.family in ("FLAT", "MUBUF", "MTBUF", "SMEM") and any(
        o.role == "both" or o.optional for o in idef.operands
    ):
        mods = [m for m in mods if m not in RETURN_BITS]
    return mods[::-1]  # reversed: the printer must restore LLVM's order


@cache
def build_cases(arch: str) -> tuple[list[Case], KernelOp]:
    target = Block()
    b = Builder(arch, target)
    cases: list[Case] = []
    for mnemonic, idef in get_table(arch).instructions.items():
        variants: list[tuple[str, InstOp | None]] = [("plain", build_op(b, idef, []))]
        for m in idef.modifiers:
            variants.append((m, build_op(b, idef, [m])))
        combo = combined_mods(idef)
        if len(combo) > 1:
            variants.append(("all-modifiers", build_op(b, idef, combo)))
        if idef.family == "FLAT" and any(o.name == "saddr" for o in idef.operands):
            variants.append(("saddr", build_op(b, idef, [], form="saddr")))
        for v in ("inline", "opmods", "special"):
            variants.append((v, build_op(b, idef, [], variant=v)))
        if any("a" in o.files for o in idef.operands):
            variants.append(("agpr", build_op(b, idef, [], variant="agpr")))
        cases += [Case(mnemonic, tag, op) for tag, op in variants if op is not None]
    kernel = KernelOp("printer_table", Region([b.block, target]), arch=arch)
    return cases, kernel


def assemble_errors(lines: list[str], arch: str) -> dict[int, str]:
    """One llvm-mc run; 0-based line index -> first error."""
    return mc_errors(lines, arch, f"{LABEL}:")


@pytest.mark.parametrize("arch", ARCHS)
def test_every_instruction_prints_and_assembles(arch: str) -> None:
    cases, kernel = build_cases(arch)
    assert kernel.arch.data == arch and cases[0].op.arch() == arch
    lines = [format_inst(c.op, lambda _blk: LABEL, arch) for c in cases]
    errors = assemble_errors(lines, arch)
    n_instr = len(get_table(arch))
    covered = len({c.mnemonic for c in cases})
    print(
        f"\n{arch}: {n_instr} instructions, {covered} printed, {len(lines)} lines, "
        f"{len(lines) - len(errors)} accepted by llvm-mc"
    )
    assert covered == n_instr
    bad = [
        f"{cases[i].mnemonic} [{cases[i].tag}]: {lines[i]!r}: {e}"
        for i, e in sorted(errors.items())
    ]
    assert not bad, f"{len(bad)} of {len(lines)} lines rejected on {arch}:\n" + "\n".join(bad[:60])


@pytest.mark.parametrize("arch", ARCHS)
def test_every_built_op_verifies(arch: str) -> None:
    """The ops above are valid IR: verifier, printer and llvm-mc agree."""
    cases, _ = build_cases(arch)
    bad: list[str] = []
    for c in cases:
        try:
            verify_inst(c.op)
        except VerifyException as e:
            bad.append(f"{c.mnemonic} [{c.tag}]: {e}")
    assert not bad, f"{len(bad)} of {len(cases)} ops rejected on {arch}:\n" + "\n".join(bad[:40])


def test_a_wrong_line_is_reported() -> None:
    """The harness itself can fail: a bad line comes back with its index."""
    errors = assemble_errors(["s_nop 0", "v_add_u32 v0, v1", "s_nop 1"], "gfx942")
    assert list(errors) == [1]
