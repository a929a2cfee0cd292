"""Add what llvm-mc accepts but the docs omit, driven by the candidate tables of
``isa_facts`` (``PROBED_MODIFIERS``, ``PROBED_OPERAND_FACTS``).

Each candidate is tried alone on the record's canonical line (all candidates of an arch
in one llvm-mc run); accepted ones are added to the record and listed as fixups. Records
changed by a round are probed again (a fixed ``vcc`` slot that is found to take SGPR
pairs is then a 2-dword SGPR slot, which may take ``exec``). The regular verification
that follows re-assembles every added modifier and operand variant
(``canonical.probe_lines``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from . import probe
from .verify import Record, Report, instr_of

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import isa_facts as facts  # noqa: E402

from pyhip_mlir.dialects.isa import canonical  # noqa: E402


@dataclass(frozen=True)
class Candidate:
    mnemonic: str
    field: str  # "modifiers", "opmods", "special" or "files" (PLAIN: the canonical line)
    value: str
    operand: str = ""  # operand name ("" for modifiers)
    group: tuple[str, ...] = ()  # the candidate list (keeps added values in its order)
    rename: str = ""  # new operand name when the candidate is accepted ("files" only)

    def describe(self) -> str:
        if self.field == "modifiers":
            return f"modifier {self.value}"
        kind = {"opmods": "opmod", "special": "special", "files": "file"}[self.field]
        renamed = f" (renamed {self.rename})" if self.rename else ""
        return f"{self.operand} {kind} {self.value}{renamed}"


def register_slot_name(rec: Record, op: dict[str, object]) -> str:
    """The name of a slot the docs call by its fixed register (``vcc``) once it is known
    to take a register file: as the docs name such slots elsewhere, ``sdst`` for a
    destination (the carry-out of ``v_add_co_u32_e64``, ``v_mad_u64_u32``) and
    ``ssrcN`` for the N-th source (the carry-in ``ssrc2`` of ``v_addc_co_u32_e64``,
    ``v_cndmask_b32_e64``). Other names are kept; so is one that would clash."""
    if op["name"] not in op.get("special", ()):  # type: ignore[operator]
        return ""
    if op["role"] == "def":
        name = "sdst"
    else:
        uses = [o for o in rec["operands"] if o["role"] != "def"]
        name = f"ssrc{next(i for i, o in enumerate(uses) if o is op)}"
    return "" if any(o["name"] == name for o in rec["operands"]) else name


def _key(rec: Record, mnemonic: str) -> tuple[str, str, str]:
    return rec.get("base", mnemonic), rec["family"], rec.get("encoding", "")


PLAIN = "plain"  # the field of the pseudo-candidate whose line is the canonical one


def candidates(
    records: dict[str, Record], arch: str, only: set[str] | None = None
) -> list[tuple[Candidate, str]]:
    """(candidate, probe line) for every candidate a record lacks (of the records in
    ``only``, if given), after the record's canonical line (a ``PLAIN`` pseudo-candidate)."""
    out: list[tuple[Candidate, str]] = []
    for mnemonic, rec in records.items():
        if only is not None and mnemonic not in only:
            continue
        key = _key(rec, mnemonic)
        instr = instr_of(mnemonic, rec)
        plain = canonical.canonical_line(instr)
        out.append((Candidate(mnemonic, PLAIN, ""), plain))
        have = set(rec.get("modifiers", ())) | set(rec.get("extra", {}).get("required", ()))
        for rule, mods in facts.PROBED_MODIFIERS.get(arch, ()):
            if rule.matches(*key):
                for m in mods:
                    if m not in have:
                        cand = Candidate(mnemonic, "modifiers", m, group=mods)
                        out.extend((cand, line) for line in _modifier_lines(mnemonic, rec, m))
        for op in rec["operands"]:
            for slot, field, values in facts.PROBED_OPERAND_FACTS:
                if not slot.matches(op, *key):
                    continue
                for value in values:
                    if value in op.get(field, ()):
                        continue
                    rename = ""
                    if field == "opmods":
                        line = canonical.canonical_line(instr, opmods={op["name"]: value})
                    elif field == "files":
                        line = canonical.canonical_line(instr, choice={op["name"]: value})
                        rename = register_slot_name(rec, op)
                    else:
                        text = canonical.special_text(value, op.get("dwords", 1))
                        if text is None:
                            continue
                        line = canonical.canonical_line(instr, choice={op["name"]: text})
                    if line != plain:  # an absent optional operand proves nothing
                        cand = Candidate(mnemonic, field, value, op["name"], values, rename)
                        out.append((cand, line))
    return out


def _modifier_lines(mnemonic: str, rec: Record, modifier: str) -> list[str]:
    """``modifier`` after, and (when others are always spelled, e.g. ``lds`` of
    ``buffer_store_lds_dword``) also before the required modifiers: the table keeps no
    order for it, so it must be accepted in either position."""
    lines = [canonical.canonical_line(instr_of(mnemonic, rec), [modifier])]
    if rec.get("extra", {}).get("required"):
        first = dict(rec, modifiers=[modifier, *rec.get("modifiers", ())])
        lines.append(canonical.canonical_line(instr_of(mnemonic, first), [modifier]))
    return lines


def _insert(values: list[str], value: str, group: tuple[str, ...]) -> list[str]:
    """``values`` plus ``value``, placed after the last member of ``group`` before it."""
    before = set(group[: group.index(value)])
    at = len(values)
    for i, v in enumerate(values):
        if v in before:
            at = i + 1
    if not before & set(values) and set(group) & set(values):
        at = min(i for i, v in enumerate(values) if v in group)
    return values[:at] + [value] + values[at:]


def apply(rec: Record, cand: Candidate) -> None:
    if cand.field == "modifiers":
        rec["modifiers"] = _insert(rec.get("modifiers", []), cand.value, cand.group)
        return
    op = next(o for o in rec["operands"] if o["name"] == cand.operand)
    if cand.field == "opmods":
        op["opmods"] = _insert(op.get("opmods", []), cand.value, cand.group)
    elif cand.field == "files":
        op["files"] = _insert(op.get("files", []), cand.value, cand.group)
        if cand.rename:
            op["name"] = cand.rename
    else:
        op["special"] = op.get("special", []) + [cand.value]


MAX_ROUNDS = 4


def _round(
    records: dict[str, Record], arch: str, only: set[str] | None, added: dict[str, list[str]]
) -> dict[str, int]:
    """Probe the candidates of the records in ``only`` (all if None) and add the
    accepted ones; return counts per field."""
    found = candidates(records, arch, only)
    results = probe.assemble([line for _, line in found], arch, canonical.prelude())
    plain: dict[str, probe.LineResult] = {}
    accepted: dict[Candidate, bool] = {}
    for (cand, _), res in zip(found, results, strict=True):
        if cand.field == PLAIN:
            plain[cand.mnemonic] = res
            continue
        base = plain[cand.mnemonic]
        encoded = res.ok and res.encoding is not None and base.ok and base.encoding is not None
        ok = encoded and res.encoding != base.encoding
        if cand.field == "files":  # the same instruction, not a promotion to e64
            ok = ok and res.opcode is not None and res.opcode == base.opcode
        accepted[cand] = accepted.get(cand, True) and ok
    counts = {"modifiers": 0, "opmods": 0, "special": 0, "files": 0}
    # renaming candidates last: others of the round find their operand by its old name
    for cand, ok in sorted(accepted.items(), key=lambda kv: bool(kv[0].rename)):
        if ok:
            apply(records[cand.mnemonic], cand)
            added.setdefault(cand.mnemonic, []).append(cand.describe())
            counts[cand.field] += 1
    return counts


def discover(records: dict[str, Record], arch: str, report: Report) -> dict[str, int]:
    """Add every candidate llvm-mc accepts on all its lines and encodes (llvm-mc takes
    ``sext`` on DPP sources and drops it); probe changed records again; return counts
    per field."""
    added: dict[str, list[str]] = {}
    counts = {"modifiers": 0, "opmods": 0, "special": 0, "files": 0}
    only: set[str] | None = None
    for _ in range(MAX_ROUNDS):
        before = {m: len(w) for m, w in added.items()}
        for field, n in _round(records, arch, only, added).items():
            counts[field] += n
        only = {m for m, w in added.items() if len(w) != before.get(m, 0)}
        if not only:
            break
    for mnemonic, what in added.items():
        report.fixups.append(
            f"{arch} {mnemonic}: accepted by llvm-mc, not in docs: {', '.join(what)}"
        )
    return counts
