"""Check table records against llvm-mc and repair them: llvm-mc wins every disagreement."""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import probe

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pyhip_mlir.dialects.isa import canonical  # noqa: E402
from pyhip_mlir.dialects.isa.table import InstrDef  # noqa: E402

Record = dict[str, Any]
Repair = Callable[[str, Record], Record | None]


@dataclass
class Report:
    fixups: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # mnemonic -> llvm-mc error
    added: dict[str, int] = field(default_factory=dict)  # field -> additions by probing


def instr_of(mnemonic: str, rec: Record) -> InstrDef:
    return InstrDef.from_json(mnemonic, rec)


def probe_all(
    records: dict[str, Record], arch: str
) -> dict[str, list[tuple[str, probe.LineResult]]]:
    """Assemble every probe line of every record in one batch."""
    keys: list[tuple[str, str]] = []
    lines: list[str] = []
    for mnemonic, rec in records.items():
        for tag, line in canonical.probe_lines(instr_of(mnemonic, rec)):
            keys.append((mnemonic, tag))
            lines.append(line)
    results = probe.assemble(lines, arch, canonical.prelude())
    out: dict[str, list[tuple[str, probe.LineResult]]] = {m: [] for m in records}
    for (mnemonic, tag), res in zip(keys, results, strict=True):
        out[mnemonic].append((tag, res))
    return out


# ------------------------------------------------------------------ repairs
# Each repair is keyed by a fragment of llvm-mc's error message for the canonical line,
# and returns a changed record (or None when it does not apply).


def _prefer_agpr(mnemonic: str, rec: Record) -> Record | None:
    new = copy.deepcopy(rec)
    hit = False
    for op in new["operands"]:
        if {"v", "a"} <= set(op.get("files", ())):
            op["files"] = [f for f in op["files"] if f != "v"]
            hit = True
    return new if hit else None


def _require(*candidates: str) -> Repair:
    """Make the first of ``candidates`` the record accepts a required modifier."""

    def repair(mnemonic: str, rec: Record) -> Record | None:
        required = rec.get("extra", {}).get("required", [])
        for mod in candidates:
            if mod in rec.get("modifiers", ()) and mod not in required:
                new = copy.deepcopy(rec)
                new.setdefault("extra", {})["required"] = required + [mod]
                return new
        return None

    return repair


def _even_align(mnemonic: str, rec: Record) -> Record | None:
    new = copy.deepcopy(rec)
    align = new.setdefault("extra", {}).setdefault("align", {})
    for op in new["operands"]:
        if op.get("dwords", 1) == 1 and set(op.get("files", ())) & {"v", "a"}:
            align[op["name"]] = 2
    return new if align and new != rec else None


def _dpp64(mnemonic: str, rec: Record) -> Record | None:
    mods = rec.get("modifiers", [])
    if "dpp32_ctrl" not in mods:
        return None
    new = copy.deepcopy(rec)
    new["modifiers"] = ["dpp64_ctrl" if m == "dpp32_ctrl" else m for m in mods]
    return new


def _drop_memory_dst(mnemonic: str, rec: Record) -> Record | None:
    """LDS-DMA loads list a vdst in some docs; they write LDS, not VGPRs."""
    if rec["family"] not in ("FLAT", "MUBUF") or "_lds_" not in mnemonic:
        return None
    ops = rec["operands"]
    if not ops or ops[0]["role"] != "def":
        return None
    new = copy.deepcopy(rec)
    new["operands"] = ops[1:]
    return new


GUESS_WIDTHS = (1, 2, 3, 4, 6, 8, 16, 32)


def _next_width(mnemonic: str, rec: Record) -> Record | None:
    """Operands whose page was guessed: try the next width (one operand at a time)."""
    guessed = rec.get("extra", {}).get("_guessed", [])
    new = copy.deepcopy(rec)
    for op in new["operands"]:
        if op["name"] not in guessed:
            continue
        tried = new["extra"].setdefault("_tried", {}).setdefault(op["name"], [1])
        left = [w for w in GUESS_WIDTHS if w not in tried]
        if left:
            tried.append(left[0])
            op["dwords"] = left[0]
            return new
        op["dwords"] = 1
    return None


REPAIRS: list[tuple[str, str, Repair]] = [
    ("too few operands", "gds/lds modifier is required", _require("gds", "lds")),
    ("invalid atomic image dmask", "dmask is required", _require("dmask")),
    ("image data size does not match dmask", "dmask is required", _require("dmask")),
    ("must be even aligned", "single VGPR operands must be even-aligned", _even_align),
    ("DP ALU dpp only supports row_newbcast", "64-bit DPP control (row_newbcast)", _dpp64),
    ("invalid register class", "accumulator operands must be AGPRs", _prefer_agpr),
    ("invalid operand for instruction", "LDS-DMA load has no VGPR destination", _drop_memory_dst),
    ("invalid operand for instruction", "operand width found by probing", _next_width),
]
MAX_ROUNDS = 16


def _pick_repair(mnemonic: str, rec: Record, error: str) -> tuple[str, Record] | None:
    for fragment, why, repair in REPAIRS:
        if fragment in error:
            fixed = repair(mnemonic, rec)
            if fixed is not None:
                return why, fixed
    return None


def _settle(note: str, rec: Record) -> str:
    """Spell out the widths a successful width search found."""
    if not note.startswith("operand width found by probing"):
        return note
    guessed = rec.get("extra", {}).get("_guessed", [])
    widths = ", ".join(
        f"{op['name']}={op.get('dwords', 1)}" for op in rec["operands"] if op["name"] in guessed
    )
    return note.replace("by probing", f"by probing: {widths} dwords")


def repair_rejected(
    records: dict[str, Record], rejected: dict[str, str], arch: str, report: Report
) -> None:
    """Repair records whose canonical line llvm-mc rejected, guided by its error;
    drop those no repair makes acceptable."""
    pending = dict(rejected)
    notes: dict[str, list[str]] = {m: [] for m in pending}
    for _ in range(MAX_ROUNDS):
        trial: dict[str, Record] = {}
        for mnemonic, err in pending.items():
            picked = _pick_repair(mnemonic, records[mnemonic], err)
            if picked is not None:
                notes[mnemonic].append(f"{picked[0]} (llvm-mc: {err})")
                trial[mnemonic] = picked[1]
        if not trial:
            break
        for mnemonic, res in probe_all(trial, arch).items():
            records[mnemonic] = trial[mnemonic]
            if res[0][1].ok:
                notes[mnemonic] = [
                    _settle(n, trial[mnemonic]) for n in dict.fromkeys(notes[mnemonic])
                ]
                report.fixups.extend(f"{arch} {mnemonic}: {n}" for n in notes[mnemonic])
                del pending[mnemonic]
            else:
                pending[mnemonic] = res[0][1].error
    for mnemonic, err in pending.items():
        del records[mnemonic]
        report.dropped.append(mnemonic)
        report.errors[mnemonic] = err


def prune_modifiers(
    records: dict[str, Record],
    results: dict[str, list[tuple[str, probe.LineResult]]],
    arch: str,
    report: Report,
) -> None:
    for mnemonic, res in results.items():
        rec = records.get(mnemonic)
        if rec is None:
            continue
        for tag, r in res[1:]:
            if r.ok:
                continue
            if tag.startswith("%"):
                _narrow_operand(rec, tag)
                report.fixups.append(
                    f"{arch} {mnemonic}: operand variant {tag[1:]} rejected ({r.error})"
                )
            elif tag.startswith("@"):
                rec.get("extra", {}).get("alt_dwords", {}).clear()
                report.fixups.append(f"{arch} {mnemonic}: form {tag[1:]} rejected ({r.error})")
            else:
                rec["modifiers"] = [m for m in rec.get("modifiers", []) if m != tag]
                rec.get("extra", {}).get("modifier_implicit_uses", {}).pop(tag, None)
                report.fixups.append(f"{arch} {mnemonic}: modifier {tag} rejected ({r.error})")
        if not rec.get("modifiers"):
            rec.pop("modifiers", None)
        extra = rec.get("extra", {})
        for key in ("alt_dwords", "modifier_implicit_uses"):
            if key in extra and not extra[key]:
                del extra[key]
        if "extra" in rec and not extra:
            del rec["extra"]


def _narrow_operand(rec: Record, tag: str) -> None:
    """Remove what an operand variant (see canonical.operand_variants) exercised."""
    kind, *rest = tag[1:].split(":")
    for op in rec["operands"]:
        if kind == "a" and "a" in op.get("files", ()) and "v" in op.get("files", ()):
            op["files"] = [f for f in op["files"] if f != "a"]
        elif rest and op["name"] == rest[0]:
            key, value = {
                "s": ("files", "s"),
                "inline": ("imm", "inline"),
                "literal": ("imm", "literal"),
                "special": ("special", rest[-1]),
                "opmod": ("opmods", rest[-1]),
            }[kind]
            op[key] = [x for x in op.get(key, ()) if x != value]
            if not op[key]:
                del op[key]


def drop_wide_specials(records: dict[str, Record]) -> None:
    """Special registers are 1-2 dwords: a wider slot cannot hold one."""
    for rec in records.values():
        for op in rec["operands"]:
            if op.get("dwords", 1) > 2 and "special" in op:
                op["special"] = [r for r in op["special"] if r == "off"]
                if not op["special"]:
                    del op["special"]


Extend = Callable[[dict[str, Record], str, Report], dict[str, int]]


def verify(records: dict[str, Record], arch: str, extend: Extend | None = None) -> Report:
    """Make every record's canonical and modifier lines assemble on ``arch``.

    ``extend`` (``discover.discover``) adds what llvm-mc accepts beyond the docs, after
    the canonical lines are repaired and before every probe line is checked."""
    report = Report()
    results = probe_all(records, arch)
    rejected = {m: res[0][1].error for m, res in results.items() if not res[0][1].ok}
    repair_rejected(records, rejected, arch, report)
    drop_wide_specials(records)
    if extend is not None:
        report.added = extend(records, arch, report)
    results = probe_all(records, arch)
    prune_modifiers(records, results, arch, report)
    final = probe_all(records, arch)
    for mnemonic, res in final.items():
        bad = [(tag, r.error) for tag, r in res if not r.ok]
        if bad:
            report.errors[mnemonic] = "; ".join(f"{t or 'canonical'}: {e}" for t, e in bad)
        opcode = res[0][1].opcode
        if opcode:
            records[mnemonic]["llvm_opcode"] = opcode
    return report
