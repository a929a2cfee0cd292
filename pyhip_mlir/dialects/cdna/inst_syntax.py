"""Custom syntax of instruction ops: printing and parsing ``cdna.<mnemonic>``.

The grammar is described in :mod:`pyhip_mlir.dialects.cdna.inst`. Parsing has two
paths: a regular expression that reads the usual spelling (plain values, integers,
strings, ``implicit``, modifiers, register types) and builds the op directly, and the
general token parser for everything else, which also produces every error message.
Both produce identical ops; the fast path exists because xDSL's generic parsing of
~30 tokens per instruction dominated the time to read large kernels.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from xdsl.ir import Attribute, Block, SSAValue
from xdsl.parser import Parser, Span, UnresolvedOperand
from xdsl.printer import Printer

from pyhip_mlir.dialects.cdna.inst import ImmValue, InstOp, _takes_label
from pyhip_mlir.dialects.cdna.types import (
    SPECIAL_TYPES,
    RegType,
    SpecialRegType,
    special_type,
    type_from_text,
)


def print_inst(self: InstOp, printer: Printer) -> None:
    """The custom syntax of an instruction op (see the inst module docstring)."""
    # Text is gathered in `out` and handed to the printer in few pieces: xDSL's
    # print_string costs a Python call chain per piece, and an op has ~30 of them.
    # Only SSA values, blocks and foreign attributes go through the printer itself
    # (it names values and blocks); the output is exactly the piecewise one.
    out: list[str] = []

    def flush() -> None:
        if out:
            printer.print_string("".join(out))
            out.clear()

    def value(v: SSAValue) -> None:
        flush()
        printer.print_ssa_value(v)

    def block(b: Block) -> None:
        flush()
        printer.print_block_name(b)

    def type_(t: Attribute) -> None:
        text = _type_text(t)
        if text is None:
            flush()
            printer.print_attribute(t)
        else:
            out.append(text)

    opmods = self.opmod_values()
    items = self.slot_items()
    if items:
        out.append(" ")
    for i, (kind, val) in enumerate(items):
        if i:
            out.append(", ")
        if kind == "reg":
            parts = set(opmods[i].split(",")) if opmods.get(i) else set()
            out.append(("-" if "neg" in parts else "") + ("|" if "abs" in parts else "")
                       + ("sext(" if "sext" in parts else ""))
            value(val)  # type: ignore[arg-type]
            out.append((")" if "sext" in parts else "") + ("|" if "abs" in parts else ""))
        elif kind == "imm":
            out.append(_imm_text(val))  # type: ignore[arg-type]
        else:
            block(val)  # type: ignore[arg-type]
            if target_args := self.target_args:
                out.append("(")
                for j, v in enumerate(target_args):
                    if j:
                        out.append(", ")
                    value(v)
                out.append(" : ")
                for j, v in enumerate(target_args):
                    if j:
                        out.append(", ")
                    type_(v.type)
                out.append(")")
    targets = self.targets
    for extra in targets[1 if self.has_label_slot() else 0 :]:
        out.append(", ")
        block(extra)
    implicit_uses = self.implicit_uses
    implicit_defs = self.implicit_defs
    if implicit_uses or implicit_defs:
        out.append(" implicit(")
        for j, v in enumerate(implicit_uses):
            if j:
                out.append(", ")
            value(v)
            out.append(" : " + _special_name(v.type))
        out.append(")")
        if implicit_defs:
            names = ", ".join(_special_name(r.type) for r in implicit_defs)
            out.append(f" -> ({names})")
    mods = self.mod_values()
    if mods:
        out.append(" [")
        for j, (k, v) in enumerate(mods.items()):
            if j:
                out.append(", ")
            out.append(k)
            if v is not True:
                out.append(" = " + _mod_text(v))
        out.append("]")
    if self.attributes:
        flush()
        printer.print_op_attributes(self.attributes)
    uses = self.uses
    defs = self.defs
    if uses or defs:
        out.append(" : (")
        for j, u in enumerate(uses):
            if j:
                out.append(", ")
            type_(u.type)
        out.append(") -> ")
        if len(defs) == 1:
            type_(defs[0].type)
        else:
            out.append("(")
            for j, r in enumerate(defs):
                if j:
                    out.append(", ")
                type_(r.type)
            out.append(")")
    flush()


@cache
def _takes_sources(mnemonic: str) -> bool:
    """Whether any architecture's table gives ``mnemonic`` a use slot (unknown: True)."""
    from pyhip_mlir.dialects.isa.table import ARCHS, get_table

    defs = [get_table(a).get(mnemonic) for a in ARCHS]
    known = [d for d in defs if d is not None]
    return not known or any(o.is_use for d in known for o in d.operands)


def parse_inst(cls: type[InstOp], parser: Parser) -> InstOp:
    op = _parse_fast(cls, parser)
    return op if op is not None else parse_inst_slow(cls, parser)


def parse_inst_slow(cls: type[InstOp], parser: Parser) -> InstOp:
    """The general parser: every spelling, and every error message."""
    regs: list[UnresolvedOperand] = []
    imm: dict[int, ImmValue] = {}
    opmods: dict[int, str] = {}
    targets: list[Block] = []
    target_args: list[SSAValue] = []
    slot = 0

    takes_label = _takes_label(cls.MNEMONIC)

    def parse_slot() -> bool:
        nonlocal slot
        # Only branches take blocks: elsewhere `^bb1` starts the next block.
        if takes_label and (blk := parser.parse_optional_successor()) is not None:
            pos = parser.pos
            if parser.parse_optional_punctuation("(") is not None:
                if targets:
                    parser.raise_error(
                        f"{cls.name}: only the branch target takes block arguments, "
                        "not the fall-through successor",
                        pos,
                        parser.pos,
                    )
                target_args.extend(parse_successor_args(parser))
            targets.append(blk)
            return True
        mod = ""
        neg = parser.parse_optional_punctuation("-") is not None
        if neg:
            if (num := parser.parse_optional_number()) is not None:
                imm[slot] = -num
                slot += 1
                return True
        absv = parser.parse_optional_punctuation("|") is not None
        sext = False
        if not neg and not absv and parser.parse_optional_keyword("sext"):
            parser.parse_punctuation("(")
            sext = True
        operand = parser.parse_optional_unresolved_operand()
        if operand is None:
            if neg or absv or sext:
                parser.raise_error("expected an SSA value after a source modifier")
            num = parser.parse_optional_number()
            if num is not None:
                imm[slot] = num
            else:
                text = parser.parse_optional_str_literal()
                if text is None:
                    return False
                imm[slot] = text
            slot += 1
            return True
        if absv:
            parser.parse_punctuation("|")
        if sext:
            parser.parse_punctuation(")")
        mod = ",".join(m for m, on in (("neg", neg), ("abs", absv), ("sext", sext)) if on)
        if mod:
            opmods[slot] = mod
        regs.append(operand)
        slot += 1
        return True

    # An instruction without source slots (s_barrier) must not take the next line's
    # `%x = ...` for an operand.
    if _takes_sources(cls.MNEMONIC) and parse_slot():
        while parser.parse_optional_punctuation(","):
            if not parse_slot():
                parser.raise_error("expected an operand, immediate or block")

    implicit_uses: list[SSAValue] = []
    implicit_defs: list[Attribute] = []
    if parser.parse_optional_keyword("implicit"):
        parser.parse_punctuation("(")
        if parser.parse_optional_punctuation(")") is None:
            while True:
                operand = parser.parse_unresolved_operand()
                parser.parse_punctuation(":")
                implicit_uses.append(parser.resolve_operand(operand, _parse_special(parser)))
                if parser.parse_optional_punctuation(")"):
                    break
                parser.parse_punctuation(",")
        if parser.parse_optional_punctuation("->"):
            implicit_defs = parser.parse_comma_separated_list(
                parser.Delimiter.PAREN, lambda: _parse_special(parser)
            )

    mods: dict[str, ImmValue | Sequence[int] | bool] = {}
    if parser.parse_optional_punctuation("["):
        if parser.parse_optional_punctuation("]") is None:
            while True:
                key = parser.parse_identifier(" (modifier name)")
                mods[key] = _parse_mod_value(parser) if parser.parse_optional_punctuation("=") else True
                if parser.parse_optional_punctuation("]"):
                    break
                parser.parse_punctuation(",")

    attrs = parser.parse_optional_attr_dict()
    def_types: list[Attribute] = []
    if parser.parse_optional_punctuation(":"):
        pos = parser.pos
        ftype = parser.parse_function_type()
        if len(ftype.inputs.data) != len(regs):
            parser.raise_error(
                f"{cls.name} has {len(regs)} register operands but its type lists "
                f"{len(ftype.inputs.data)}",
                pos,
                parser.pos,
            )
        uses = [parser.resolve_operand(o, t) for o, t in zip(regs, ftype.inputs.data, strict=True)]
        def_types = list(ftype.outputs.data)
    elif regs:
        parser.raise_error(f"{cls.name}: expected ':' and the types of the register operands")
    else:
        uses = []
    op = cls(
        defs=def_types,
        uses=uses,
        imm=imm,
        implicit_uses=implicit_uses,
        implicit_defs=implicit_defs,
        targets=targets,
        mods=mods,
        opmods=opmods,
        target_args=target_args,
    )
    op.attributes.update(attrs)
    return op


def parse_successor_args(parser: Parser) -> list[SSAValue]:
    """``%a, %b : T1, T2)`` after a successor's ``(``: the values passed to its block."""
    operands = parser.parse_comma_separated_list(
        parser.Delimiter.NONE, parser.parse_unresolved_operand, " (block argument value)"
    )
    parser.parse_punctuation(":")
    pos = parser.pos
    types = parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_type)
    if len(types) != len(operands):
        parser.raise_error(
            f"{len(operands)} block argument value(s) but {len(types)} type(s)", pos, parser.pos
        )
    parser.parse_punctuation(")")
    return [parser.resolve_operand(o, t) for o, t in zip(operands, types, strict=True)]


def _special_name(t: Attribute) -> str:
    if isinstance(t, SpecialRegType):
        return t.reg
    raise ValueError(f"implicit operand of non-special type {t}")


def _parse_special(parser: Parser) -> SpecialRegType:
    pos = parser.pos
    name = parser.parse_identifier(" (exec, vcc, scc or m0)")
    if name not in SPECIAL_TYPES:
        parser.raise_error(
            f"'{name}' is not a special register (expected one of {', '.join(SPECIAL_TYPES)})",
            pos,
            parser.pos,
        )
    return special_type(name)


# --- the fast parser ------------------------------------------------------------------
#
# xDSL's parser lexes an instruction's ~30 tokens one Python call chain at a time and
# parses every type through the generic attribute machinery: ~0.5 ms per op. The
# common spelling (plain SSA values, integers and plain strings as slots; implicit
# registers; modifiers; canonical register types; no attribute dictionary, source
# modifiers, floats, branch targets or comments) is matched here with one regular
# expression over the source text instead. Anything else, including every error, goes
# through ``_parse_slow``, so accepted syntax and diagnostics are unchanged. A match
# must reach the type list (``: (...) -> ...``), after which the slow parser would
# stop too: the end of the op is never guessed.

_ID_CHAR = r"[A-Za-z0-9$._-]"
_SSA = rf"%(?:[0-9]+|[A-Za-z$._-]{_ID_CHAR}*)(?!{_ID_CHAR}|#)"
_INT = r"-?[0-9]+(?![A-Za-z0-9_$.])"
_STR = r'"[^"\\\n]*"'
_IDENT = r"[A-Za-z_][A-Za-z0-9_$.]*"
_SPECIAL = r"(?:exec|vcc|scc|m0)(?![A-Za-z0-9_$.])"
_TYPE = rf"!{_ID_CHAR}+(?:<[^<>\n]*>)?"
_SLOT = rf"(?:{_SSA}|{_INT}|{_STR})"
_IMPLICIT = rf"{_SSA}\s*:\s*{_SPECIAL}"
_MOD = rf"{_IDENT}(?:\s*=\s*(?:\[\s*(?:{_INT}(?:\s*,\s*{_INT})*)?\s*\]|{_INT}|{_STR}|{_IDENT}))?"


def _list(item: str) -> str:
    return rf"{item}(?:\s*,\s*{item})*"


_FAST_INST = re.compile(
    rf"(?P<slots>{_list(_SLOT)})?"
    rf"(?:\s*implicit(?![A-Za-z0-9_$.])\s*\(\s*(?P<iuses>{_list(_IMPLICIT)})?\s*\)"
    rf"(?:\s*->\s*\(\s*(?P<idefs>{_list(_SPECIAL)})?\s*\))?)?"
    rf"(?:\s*\[\s*(?P<mods>{_list(_MOD)})?\s*\])?"
    rf"\s*:\s*\(\s*(?P<ins>{_list(_TYPE)})?\s*\)"
    rf"\s*->\s*(?:\(\s*(?P<outs>{_list(_TYPE)})?\s*\)|(?P<out>{_TYPE}))",
    re.ASCII,
)
_SLOT_ITEM = re.compile(rf"(?P<ssa>{_SSA})|(?P<int>{_INT})|(?P<str>{_STR})", re.ASCII)
_IMPLICIT_USE = re.compile(rf"(?P<ssa>{_SSA})\s*:\s*(?P<reg>{_SPECIAL})", re.ASCII)
_SPECIAL_ITEM = re.compile(_SPECIAL, re.ASCII)
_MOD_ITEM = re.compile(
    rf"(?P<key>{_IDENT})(?:\s*=\s*(?:(?P<list>\[[^\]]*\])|(?P<int>{_INT})|(?P<str>{_STR})"
    rf"|(?P<id>{_IDENT})))?",
    re.ASCII,
)
_INT_ITEM = re.compile(_INT, re.ASCII)
_TYPE_ITEM = re.compile(_TYPE, re.ASCII)


def _types(text: str | None) -> list[Attribute] | None:
    out: list[Attribute] = []
    if text:
        for m in _TYPE_ITEM.finditer(text):
            t = type_from_text(m.group())
            if t is None:
                return None
            out.append(t)
    return out


def _parse_fast(cls: type[InstOp], parser: Parser) -> InstOp | None:
    """The op at the parser's position if it has the common spelling, else None
    (then nothing was consumed)."""
    source = parser.lexer.input
    text = source.content
    start = parser.pos
    m = _FAST_INST.match(text, start)
    if m is None:
        return None
    in_types = _types(m["ins"])
    out_types = _types(m["outs"] if m["out"] is None else m["out"])
    if in_types is None or out_types is None:
        return None
    regs: list[UnresolvedOperand] = []
    imm: dict[int, ImmValue] = {}
    if m["slots"]:
        base = m.start("slots")
        for slot, item in enumerate(_SLOT_ITEM.finditer(m["slots"])):
            if item["ssa"]:
                span = Span(base + item.start(), base + item.end(), source)
                regs.append(UnresolvedOperand(span, 0))
            elif item["int"]:
                imm[slot] = int(item["int"])
            else:
                imm[slot] = item["str"][1:-1]
    if len(regs) != len(in_types):
        return None  # the slow parser reports it
    # From here on as the slow parser: resolve implicit uses, then register operands.
    implicit_uses: list[SSAValue] = []
    if m["iuses"]:
        base = m.start("iuses")
        for item in _IMPLICIT_USE.finditer(m["iuses"]):
            span = Span(base + item.start("ssa"), base + item.end("ssa"), source)
            reg_type = special_type(item["reg"])
            implicit_uses.append(parser.resolve_operand(UnresolvedOperand(span, 0), reg_type))
    implicit_defs: list[Attribute] = (
        [special_type(r.group()) for r in _SPECIAL_ITEM.finditer(m["idefs"])] if m["idefs"] else []
    )
    mods: dict[str, ImmValue | Sequence[int] | bool] = {}
    if m["mods"]:
        for item in _MOD_ITEM.finditer(m["mods"]):
            value: ImmValue | Sequence[int] | bool = True
            if item["list"] is not None:
                value = [int(v.group()) for v in _INT_ITEM.finditer(item["list"])]
            elif item["int"] is not None:
                value = int(item["int"])
            elif item["str"] is not None:
                value = item["str"][1:-1]
            elif item["id"] is not None:
                value = item["id"]
            mods[item["key"]] = value
    uses = [parser.resolve_operand(o, t) for o, t in zip(regs, in_types, strict=True)]
    op = cls(
        defs=out_types,
        uses=uses,
        imm=imm,
        implicit_uses=implicit_uses,
        implicit_defs=implicit_defs,
        mods=mods,
    )
    parser._resume_from(m.end())  # noqa: SLF001 - continue after the matched text
    return op


def _type_text(t: Attribute) -> str | None:
    """How xDSL prints a register type (see RegType.print_parameters); None for others."""
    if isinstance(t, RegType):
        return f"!{t.name}<{t.asm_name() if t.is_allocated else t.nregs}>"
    if isinstance(t, SpecialRegType):
        return f"!{t.name}"
    return None


def _string_literal(text: str) -> str:
    """xDSL's Printer.print_string_literal, as one string."""
    chars = []
    for byte in text.encode("utf-8"):
        if byte == 0x5C:
            chars.append("\\\\")
        elif byte < 0x20 or byte > 0x7E or byte == 0x22:
            chars.append(f"\\{byte:02X}")
        else:
            chars.append(chr(byte))
    return '"' + "".join(chars) + '"'


def _imm_text(value: ImmValue) -> str:
    if isinstance(value, str):
        return _string_literal(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _mod_text(value: ImmValue | list[int] | bool) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, str) and value.isidentifier():
        return value
    return _imm_text(value)  # type: ignore[arg-type]


def _parse_mod_value(parser: Parser) -> ImmValue | list[int]:
    if parser.parse_optional_punctuation("["):
        vals: list[int] = []
        if parser.parse_optional_punctuation("]") is None:
            while True:
                vals.append(parser.parse_integer(allow_boolean=False))
                if parser.parse_optional_punctuation("]"):
                    break
                parser.parse_punctuation(",")
        return vals
    if (num := parser.parse_optional_number()) is not None:
        return num
    if (text := parser.parse_optional_str_literal()) is not None:
        return text
    return parser.parse_identifier(" (modifier value)")
