"""Match the operands of an assembly line to an instruction-table form.

LLVM spells one machine instruction several ways: llvm-objdump adds ``_e32``/``_e64``
(``v_add_u32_e32``), the LLVM syntax docs (the table's keys) name VOP2/VOPC/VOP1 e32
forms bare and VOP3 forms with ``_e64`` (``v_cndmask_b32_e64``) while VOP3-only
instructions stay bare (``v_lshl_add_u32``), and a bare mnemonic means "whichever
encoding fits the operands" (``v_cmp_eq_u32 s[0:1], v1, v2`` is the e64 form).
:func:`candidate_forms` lists the table records a spelling may stand for, in the
order the assembler prefers them; :func:`match_form` picks the first whose operand
slots and modifiers accept the line, or explains why none does.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from functools import cache

from pyhip_mlir.codegen.asm_operands import Modifier, Operand, is_inline_float, is_inline_int
from pyhip_mlir.dialects.cdna.types import SPECIAL_TYPES
from pyhip_mlir.dialects.cdna.verify import modifier_matches
from pyhip_mlir.dialects.isa.table import ARCHS, InstrDef, OperandDef, get_table

_ENC_ORDER = {"e32": 0, "": 0, "e64": 1, "sdwa": 2, "dpp": 3}
_ANY_INT = frozenset({"literal", "simm16", "imm", "waitcnt", "hwreg", "sendmsg"})


@cache
def _by_base(arch: str) -> dict[str, tuple[InstrDef, ...]]:
    index: dict[str, list[InstrDef]] = {}
    for d in get_table(arch).instructions.values():
        index.setdefault(d.base, []).append(d)
    return {
        k: tuple(sorted(v, key=lambda d: _ENC_ORDER.get(d.encoding, 9))) for k, v in index.items()
    }


def candidate_forms(mnemonic: str, arch: str) -> list[InstrDef]:
    """Table records ``mnemonic`` may denote, preferred first ([] if none)."""
    table = get_table(arch)
    index = _by_base(arch)
    for suffix in ("_e32", "_e64"):
        if mnemonic.endswith(suffix):
            enc = suffix[1:]
            forms = [d for d in index.get(mnemonic[: -len(suffix)], ()) if d.encoding == enc]
            exact = table.get(mnemonic)
            if exact is not None and exact not in forms:
                forms.insert(0, exact)
            return forms
    exact = table.get(mnemonic)
    if exact is not None and (exact.base != mnemonic or exact.encoding in ("dpp", "sdwa")):
        return [exact]
    forms = list(index.get(mnemonic, ()))
    if exact is not None and exact in forms:
        forms.remove(exact)
        forms.insert(0, exact)
    return forms


def unknown_mnemonic_message(mnemonic: str, arch: str) -> str:
    msg = f"unknown instruction '{mnemonic}' for {arch}"
    stem = mnemonic.removesuffix("_e32").removesuffix("_e64")
    others = [
        a for a in ARCHS if a != arch and (candidate_forms(mnemonic, a) or stem in get_table(a))
    ]
    if others:
        return msg + f" (it exists on {', '.join(others)})"
    names = set(get_table(arch).instructions) | set(_by_base(arch))
    close = difflib.get_close_matches(mnemonic, sorted(names), n=3, cutoff=0.75)
    return msg + (f"; did you mean {', '.join(close)}?" if close else "")


def mod_accepted(key: str, idef: InstrDef) -> bool:
    return any(modifier_matches(key, m) for m in idef.modifiers)


def slot_dwords(idef: InstrDef, slot: OperandDef) -> tuple[int, ...]:
    alt = idef.extra.get("alt_dwords", {}).get(slot.name) if idef.extra else None
    return (slot.dwords,) if alt is None else (slot.dwords, int(alt))


def accepts(idef: InstrDef, slot: OperandDef, op: Operand, numeric_labels: bool) -> str | None:
    """None if ``op`` may stand in ``slot``, else what the slot accepts."""
    if any(m not in slot.opmods for m in op.mods):
        return f"'{slot.name}' takes no {'/'.join(op.mods)} modifier"
    writes = slot.role in ("def", "both")
    kinds = set(slot.imm)
    if op.kind == "reg":
        if op.file in slot.files and op.width in slot_dwords(idef, slot):
            return None
    elif op.kind == "special":
        if op.text in slot.special and SPECIAL_TYPES[op.text].DWORDS in slot_dwords(idef, slot):
            return None
    elif op.kind == "named" and not writes:
        cat = op.category
        if cat == "off":
            if "off" in slot.special:
                return None
        elif cat and cat in slot.special and (slot.dwords == 1 or cat in ("vccz", "execz", "scc")):
            return None
        elif "s" in slot.files:
            return None
    elif writes:
        if op.kind == "named":
            return (
                f"cannot write '{op.text}': the IR defines only whole v/s/a registers, "
                "exec, vcc, scc and m0"
            )
    elif op.kind == "int":
        if kinds & _ANY_INT or ("inline" in kinds and is_inline_int(int(op.value))):
            return None
        if "label" in kinds and numeric_labels:
            return None
    elif op.kind == "float":
        if "literal" in kinds or ("inline" in kinds and is_inline_float(float(op.value))):
            return None
    elif op.kind == "label":
        if kinds & {"label", "literal"}:
            return None
    elif op.kind == "expr":
        head = str(op.value).split("(")[0]
        if head in ("hwreg", "sendmsg") and head in kinds:
            return None
        if head not in ("hwreg", "sendmsg") and kinds & {"literal", "imm", "simm16"}:
            return None
    elif op.kind == "waitcnt" and "waitcnt" in kinds:
        return None
    return f"'{slot.name}' accepts {describe_slot(idef, slot)}"


def describe_slot(idef: InstrDef, slot: OperandDef) -> str:
    widths = "/".join(str(w) for w in slot_dwords(idef, slot))
    parts = [f"{f}gpr x{widths}" for f in slot.files]
    parts += [s for s in slot.special if s in ("exec", "vcc", "scc", "m0", "off")]
    if slot.imm:
        parts.append("immediates (" + ", ".join(slot.imm) + ")")
    return ", ".join(parts) or "nothing"


def _assign(
    idef: InstrDef, ops: Sequence[Operand], numeric_labels: bool
) -> tuple[list[Operand | None] | None, tuple[int, str]]:
    """Operands per slot (None for an omitted optional slot), or the deepest failure."""
    slots = idef.operands
    out: list[Operand | None] = []
    worst: list[tuple[int, str]] = [(-1, "")]

    def rec(si: int, oi: int) -> bool:
        if si == len(slots):
            if oi == len(ops):
                return True
            if oi > worst[0][0]:
                worst[0] = (oi, f"too many operands: '{idef.mnemonic}' takes {_arity(idef)}")
            return False
        slot = slots[si]
        if oi < len(ops):
            why = accepts(idef, slot, ops[oi], numeric_labels)
            if why is None:
                out.append(ops[oi])
                if rec(si + 1, oi + 1):
                    return True
                out.pop()
            elif oi > worst[0][0]:
                worst[0] = (oi, why)
        elif not slot.optional and oi >= worst[0][0]:
            worst[0] = (
                oi,
                f"missing operand '{slot.name}': '{idef.mnemonic}' takes {_arity(idef)}",
            )
        if slot.optional:
            out.append(None)
            if rec(si + 1, oi):
                return True
            out.pop()
        return False

    if rec(0, 0):
        return out, (0, "")
    return None, worst[0]


def _arity(idef: InstrDef) -> str:
    req = sum(1 for s in idef.operands if not s.optional)
    n = len(idef.operands)
    names = ", ".join(s.name for s in idef.operands) or "none"
    return f"{req if req == n else f'{req}..{n}'} operand(s) ({names})"


class MatchError(Exception):
    def __init__(self, col: int, message: str):
        super().__init__(message)
        self.col = col
        self.message = message


def match_form(
    forms: Sequence[InstrDef],
    ops: Sequence[Operand],
    mods: Sequence[Modifier],
    numeric_labels: bool,
    mnemonic_col: int,
    end_col: int,
) -> tuple[InstrDef, list[Operand | None]]:
    """The first form accepting the operands and modifiers; MatchError otherwise."""
    reasons: list[tuple[InstrDef, int, str]] = []
    ops_failed: set[str] = set()  # forms that take the modifiers but not the operands
    for idef in forms:
        bad = next((m for m in mods if not mod_accepted(m.key, idef)), None)
        if bad is not None:
            have = ", ".join(idef.modifiers) or "none"
            reasons.append(
                (
                    idef,
                    bad.col,
                    f"'{idef.mnemonic}' does not take the modifier '{bad.key}' (takes: {have})",
                )
            )
            continue
        assignment, (oi, why) = _assign(idef, ops, numeric_labels)
        if assignment is not None:
            return idef, assignment
        col = ops[oi].col if 0 <= oi < len(ops) else (end_col if oi >= len(ops) else mnemonic_col)
        if 0 <= oi < len(ops):
            why = f"operand {oi + 1} '{ops[oi].text}' does not fit: {why}"
        reasons.append((idef, col, why))
        ops_failed.add(idef.mnemonic)
    assert reasons
    if len(reasons) == 1:
        _, col, why = reasons[0]
        raise MatchError(col, why)
    # Report the form that got furthest, preferring forms that take the modifiers.
    first = max(reasons, key=lambda r: (r[0].mnemonic in ops_failed, r[1]))
    names = ", ".join(r[0].mnemonic for r in reasons)
    raise MatchError(
        first[1], f"no form of the instruction ({names}) fits; {first[0].mnemonic}: {first[2]}"
    )
