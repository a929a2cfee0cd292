"""Turn raw doc records into table records (JSON dicts in the schema of ``table.py``)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from .docparse import PageCache
from .model import OperandPage, RawInstr, RawOperand

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import isa_facts as facts  # noqa: E402

FILES = ("s", "v", "a")
# Special operands recorded; ttmp, flat_scratch and xnack_mask are accepted by LLVM in
# most scalar slots but are not modelled (trap handlers and scratch setup only).
SPECIALS = ("vcc", "exec", "m0", "scc", "vccz", "execz", "off")
INLINE_KINDS = ("constant", "iconst", "fconst", "ival")
IMM_KINDS = {"literal": "literal", "simm21": "imm", "uimm20": "imm"}
# Operand pages without an operand list: what kind of immediate they take.
IMM_TITLES = {
    "label": "label",
    "waitcnt": "waitcnt",
    "hwreg": "hwreg",
    "msg": "sendmsg",
    "imm16": "simm16",
    "simm32": "literal",
    "probe": "imm",
    "imask": "imm",
}
ENCODING_SUFFIXES = ("_e32", "_e64", "_dpp", "_sdwa")
VALU_FAMILIES = ("VOP1", "VOP2", "VOP3", "VOP3P", "VOPC")
TAG_PAGES = ("opt", "dst", "m")


def split_encoding(mnemonic: str, family: str) -> tuple[str, str]:
    """Return (base, encoding) for a mnemonic of a family."""
    for suffix in ENCODING_SUFFIXES:
        if mnemonic.endswith(suffix):
            return mnemonic.removesuffix(suffix), suffix[1:]
    if family in ("VOP1", "VOP2", "VOPC"):
        return mnemonic, "e32"
    if family in ("VOP3", "VOP3P"):
        return mnemonic, "e64"
    return mnemonic, ""


def _operand_kinds(page: OperandPage | None) -> tuple[list[str], list[str], list[str]]:
    files: list[str] = []
    special: list[str] = []
    imm: list[str] = []
    if page is None:
        return files, special, imm
    for kind in page.kinds:
        if kind in FILES:
            files.append(kind)
        elif kind in SPECIALS:
            special.append(kind)
        elif kind in INLINE_KINDS and "inline" not in imm:
            imm.append("inline")
        elif kind in IMM_KINDS and IMM_KINDS[kind] not in imm:
            imm.append(IMM_KINDS[kind])
    if not page.kinds and page.title in IMM_TITLES:
        imm.append(IMM_TITLES[page.title])
    return files, special, imm


def _default_opmods(mnemonic: str) -> tuple[str, ...]:
    """Operand modifiers of an ``:m`` tag whose page is unknown (extras file)."""
    base = mnemonic.split("_e64")[0]
    return (
        ("sext",)
        if re.search(r"_[iu](8|16|32|64)\b", base) and "_f" not in base
        else (
            "abs",
            "neg",
        )
    )


class RecordBuilder:
    def __init__(self, pages: PageCache, arch: str) -> None:
        self.pages = pages
        self.arch = arch
        self.problems: list[str] = []

    def operand(self, raw: RawInstr, op: RawOperand, extra: dict[str, Any]) -> dict[str, Any]:
        page = self.pages.get(op.page) if op.page else None
        if page is None and op.page:
            self.problems.append(f"{raw.mnemonic}: no page {op.page}")
        files, special, imm = _operand_kinds(page)
        d: dict[str, Any] = {"name": op.label, "role": "def" if op.is_dst_column else "use"}
        if not files and not special:
            d["role"] = "use"  # immediates (hwreg of s_setreg, ...) are never written
        if files:
            d["files"] = files
        dwords = self._width(raw, op, page.size if page is not None else None, special, extra)
        if dwords != 1:
            d["dwords"] = dwords
        if special:
            d["special"] = special
        if imm:
            d["imm"] = imm
        self._apply_tags(raw, op, d, extra)
        if page is not None and page.guessed:
            extra.setdefault("_guessed", []).append(op.label)
        return d

    def _width(
        self,
        raw: RawInstr,
        op: RawOperand,
        size: int | None,
        special: list[str],
        extra: dict[str, Any],
    ) -> int:
        """Operand width; FLAT/MUBUF addresses depend on the addressing form."""
        labels = {o.label for o in raw.operands}
        if raw.section == "FLAT" and raw.mnemonic.startswith("global_") and "saddr" in labels:
            if op.label == "vaddr":
                extra.setdefault("alt_dwords", {})[op.label] = 1  # with an SGPR saddr
                return 2
            if op.label == "saddr" and "off" not in special:
                special.append("off")  # off selects the 64-bit vaddr form
        if raw.section in ("MUBUF", "MTBUF") and op.label == "vaddr":
            extra.setdefault("alt_dwords", {})[op.label] = 2  # with idxen and offen
            if "off" not in special:
                special.append("off")  # neither idxen nor offen
            return 1
        if size is not None:
            return size
        if raw.section == "MIMG" and op.label == "vdata" and "cmpswap" in raw.mnemonic:
            return 2  # two data elements (compare value and new value)
        return 1

    def _apply_tags(
        self, raw: RawInstr, op: RawOperand, d: dict[str, Any], extra: dict[str, Any]
    ) -> None:
        for tag, page_id in op.tags:
            page = self.pages.get(page_id) if page_id else None
            if tag == "m":
                d["opmods"] = list(page.opmods if page else _default_opmods(raw.mnemonic))
            elif tag == "opt":
                d["optional"] = True
                extra.setdefault("when", {})[op.label] = self._cond(page, raw)
            elif tag == "dst":
                d["role"] = "both"
                extra.setdefault("when", {})[op.label] = self._cond(page, raw)
            elif tag == "fx":
                extra.setdefault("types", {})[op.label] = "fx"
            else:
                extra.setdefault("types", {})[op.label] = tag

    def _cond(self, page: OperandPage | None, raw: RawInstr) -> str:
        if page is not None and page.cond:
            return page.cond
        if "lds" in raw.modifiers and raw.section == "MUBUF":
            return "!lds"
        return "glc" if "glc" in raw.modifiers else "sc0"

    def record(self, raw: RawInstr) -> dict[str, Any]:
        base, encoding = split_encoding(raw.mnemonic, raw.section)
        extra: dict[str, Any] = {}
        operands = [self.operand(raw, op, extra) for op in raw.operands]
        rec: dict[str, Any] = {"family": raw.section, "operands": operands}
        if encoding:
            rec["encoding"] = encoding
        if base != raw.mnemonic:
            rec["base"] = base
        if raw.modifiers:
            rec["modifiers"] = list(dict.fromkeys(raw.modifiers))
        apply_facts(rec, base, raw.section, encoding)
        mod_uses = {
            m: list(r) for m, r in facts.MODIFIER_IMPLICIT_USES.items() if m in raw.modifiers
        }
        if mod_uses:
            extra["modifier_implicit_uses"] = mod_uses
        if extra:
            rec["extra"] = extra
        return rec


def _all(
    table: list[tuple[facts.Rule, tuple[str, ...]]], base: str, fam: str, enc: str
) -> list[str]:
    out: list[str] = []
    for rule, values in table:
        if rule.matches(base, fam, enc):
            out.extend(v for v in values if v not in out)
    return out


def _first(table: list[tuple[facts.Rule, Any]], base: str, fam: str, enc: str, default: Any) -> Any:
    for rule, value in table:
        if rule.matches(base, fam, enc):
            return value
    return default


def _explicit_specials(rec: dict[str, Any], role: str) -> set[str]:
    out: set[str] = set()
    for op in rec["operands"]:
        if not op.get("files") and len(op.get("special", ())) == 1 and op["role"] in (role, "both"):
            out.add(op["special"][0])
    return out


def apply_facts(rec: dict[str, Any], base: str, family: str, encoding: str) -> None:
    explicit_defs = _explicit_specials(rec, "def")
    explicit_uses = _explicit_specials(rec, "use")
    defs = [r for r in _all(facts.IMPLICIT_DEFS, base, family, encoding) if r not in explicit_defs]
    uses = [r for r in _all(facts.IMPLICIT_USES, base, family, encoding) if r not in explicit_uses]
    if defs:
        rec["implicit_defs"] = sorted(defs)
    if uses:
        rec["implicit_uses"] = sorted(uses)
    counter = _first(facts.COUNTER, base, family, encoding, None)
    if counter:
        rec["counter"] = counter
    latency = _first(facts.LATENCY, base, family, encoding, "valu")
    if latency != "valu":
        rec["latency"] = latency
    effects = _all(facts.EFFECTS, base, family, encoding)
    if "exec" in defs and "side_effect" not in effects:
        effects.append("side_effect")
    if effects:
        rec["effects"] = sorted(effects)
    both = _all(facts.BOTH, base, family, encoding)
    for op in rec["operands"]:
        if op["name"] in both and op.get("files"):
            op["role"] = "both"
