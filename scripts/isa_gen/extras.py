"""Parser of the compact instruction list ``scripts/isa_src/gfx950_extra.txt``.

Format (one instruction per line, ``#`` starts a comment)::

    [VOP3P]
    v_mfma_f32_32x32x16_f16 ; vdst@gfx950_vdst_d6f4bd:f32x16 ; vsrc0@gfx950_vsrc_848ff7:f16x8, ... ; cbsz abid blgp
    @op gfx950_vdst_d6f4bd size=16 kinds=v,a

Fields of an instruction line: mnemonic ; destination operands ; source operands ;
modifiers. An operand is ``label@page`` followed by ``:tag`` items (``m`` = operand
modifiers, ``opt`` = optional, ``dst`` = also written, anything else = type).
``@op`` lines describe operand pages: ``size=N`` (dwords), ``kinds=a,b,...``, and
optionally ``title=...`` and ``cond=...``.
"""

from __future__ import annotations

import re
from pathlib import Path

from .model import OperandPage, RawInstr, RawOperand


def _operand(text: str, column: str) -> RawOperand:
    head, *tags = text.strip().split(":")
    label, _, page = head.partition("@")
    return RawOperand(label.strip(), page.strip(), column, [(t.strip(), "") for t in tags if t])


def _operands(field: str, dst: bool) -> list[RawOperand]:
    items = [x for x in (s.strip() for s in field.split(",")) if x]
    return [_operand(x, "DST" if dst else f"SRC{i}") for i, x in enumerate(items)]


def _page(line: str) -> OperandPage:
    parts = line.split()
    page_id = parts[1]
    fields = dict(p.split("=", 1) for p in parts[2:] if "=" in p)
    m = re.match(r"gfx\d+[0-9a-z]*_(.*?)(_[0-9a-f]{6})?$", page_id)
    title = fields.get("title", m.group(1) if m else page_id)
    size = fields.get("size", "")
    kinds = [k for k in fields.get("kinds", "").split(",") if k]
    rec = OperandPage(page_id, title, int(size) if size.isdigit() else None, kinds)
    rec.cond = fields.get("cond") or None
    return rec


def parse_extras(path: Path) -> tuple[list[RawInstr], dict[str, OperandPage]]:
    instrs: list[RawInstr] = []
    pages: dict[str, OperandPage] = {}
    section = ""
    for lineno, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif line.startswith("@op"):
            page = _page(line)
            pages[page.page] = page
        else:
            fields = [f.strip() for f in line.split(";")]
            if len(fields) != 4 or not section:
                raise ValueError(f"{path}:{lineno}: expected 'mnemonic ; dst ; src ; mods'")
            ops = _operands(fields[1], True) + _operands(fields[2], False)
            instrs.append(RawInstr(fields[0], section, ops, fields[3].split(), source="extras"))
    return instrs, pages


# ------------------------------------------------------------------ normalization
# The gfx950 page comes from a newer LLVM doc generator whose conventions differ from
# the LLVM 22 gfx9 pages; map them onto the gfx9 ones so one builder handles both.

SECTION_ALIASES = {
    "FLAT_GLBL": "FLAT",
    "FLAT_SCRATCH": "FLAT",
    "FLAT_FLAT": "FLAT",
    "VOP3PX2": "VOP3P",
}
LABEL_ALIASES = {"addr": "vaddr"}
DPP_CONTROLS = {
    "quad_perm",
    "row_shl",
    "row_shr",
    "row_ror",
    "row_bcast",
    "row_mirror",
    "row_half_mirror",
    "wave_shl",
    "wave_shr",
    "wave_rol",
    "wave_ror",
    "row_newbcast",
    "dpp_ctrl",
}
KIND_ALIASES = {"imm16": "imm16"}
KNOWN_KINDS = {
    "v",
    "s",
    "a",
    "vcc",
    "exec",
    "m0",
    "scc",
    "vccz",
    "execz",
    "off",
    "ttmp",
    "flat_scratch",
    "xnack_mask",
    "constant",
    "iconst",
    "fconst",
    "ival",
    "literal",
    "lds_direct",
    "simm21",
    "uimm20",
}
# Kinds assumed for a VALU source whose page lists nothing usable; llvm-mc probing
# then removes whatever is not accepted.
VALU_SOURCE_KINDS = ["v", "s", "vcc", "m0", "exec", "vccz", "execz", "scc", "constant"]
IMM_PAGE_TITLES = {"imm16": "imm16", "simm16": "imm16"}


def _normalize_modifiers(mods: list[str]) -> list[str]:
    out: list[str] = []
    for m in mods:
        name = "dpp32_ctrl" if m in DPP_CONTROLS else m
        if name not in out:
            out.append(name)
    return out


def _normalize_page(page: OperandPage, warnings: list[str]) -> None:
    if page.kinds == ["imm16"] or page.title in IMM_PAGE_TITLES:
        page.title, page.kinds, page.size = "imm16", [], None
        return
    unknown = [k for k in page.kinds if k not in KNOWN_KINDS]
    page.kinds = [k for k in page.kinds if k in KNOWN_KINDS]
    if unknown and not any(k in ("v", "s", "a") for k in page.kinds):
        warnings.append(f"{page.page}: kinds {unknown} unknown; assuming a VALU source")
        page.kinds = list(VALU_SOURCE_KINDS)
        page.guessed = True


def normalize(
    instrs: list[RawInstr], pages: dict[str, OperandPage], known: dict[str, str]
) -> tuple[list[RawInstr], list[str]]:
    """Bring extras records to the conventions of the LLVM 22 gfx9 docs.

    ``known`` maps the mnemonics already in the table (from the gfx940 doc) to their
    section."""
    warnings: list[str] = []
    for page in pages.values():
        _normalize_page(page, warnings)
    short = {r.mnemonic for r in instrs if r.section in ("VOP1", "VOP2", "VOPC")}
    short |= {m for m, sec in known.items() if sec in ("VOP1", "VOP2", "VOPC")}
    out: list[RawInstr] = []
    seen: set[str] = set()
    for r in instrs:
        r.section = SECTION_ALIASES.get(r.section, r.section)
        if r.section == "VOP3" and r.mnemonic in short:
            r.mnemonic += "_e64"  # the VOP3 form of a VOP1/VOP2/VOPC opcode
        if r.mnemonic + "_b32" in known:
            warnings.append(f"{r.mnemonic}: alias of {r.mnemonic}_b32, skipped")
            continue
        if r.mnemonic in seen:
            warnings.append(f"{r.mnemonic}: listed twice, first kept")
            continue
        seen.add(r.mnemonic)
        for op in r.operands:
            op.label = LABEL_ALIASES.get(op.label, op.label)
        r.modifiers = _normalize_modifiers(r.modifiers)
        out.append(r)
    return out, warnings
