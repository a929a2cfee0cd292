"""Machine-instruction ops: one op name per mnemonic, one class for all of them.

Every mnemonic of the instruction table is the op ``cdna.<mnemonic>``. The classes
are tiny subclasses of :class:`InstOp`, created on first use (see
``dialect.CdnaContext``), so the 2,000+ mnemonics cost nothing at import and the
semantics of an op come from the table, not from Python code: one place to fix an
ISA fact. (A class per mnemonic written out by a generator would take ~1 s to import;
a class per encoding family would print as ``cdna.vop2 "v_add_u32"``.)

Operands follow the table's explicit operand slots in assembly order:

* ``defs``           results for the slots with role def/both, in order;
* ``uses``           SSA operands for the register-valued use/both slots, in order;
* ``imm``            immediates of the other use slots (``{"1": 5}``: slot 1 is 5);
* ``implicit_uses``  special registers the table lists as implicit uses (exec, ...);
* ``implicit_defs``  special registers the table lists as implicit defs (scc, ...);
* ``targets``        branch targets (a ``label`` slot), plus the fall-through block of
                     a conditional branch;
* ``mods``           trailing modifiers by assembler keyword (``offset``, ``glc``, ...);
* ``opmods``         source modifiers per use slot (``neg``, ``abs``, ``neg,abs``,
                     ``sext``).

Custom syntax::

    %d = cdna.v_add_u32 %a, 5 implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
    %s = cdna.s_add_u32 %x, 1 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
    cdna.s_cbranch_scc1 ^bb2, ^bb1 implicit(%c : scc)
    %v = cdna.global_load_dword %a, "off" implicit(%e : exec) [offset = 16] : ...

The type list covers explicit SSA operands and explicit results only; implicit ones
are typed by their special-register names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import ClassVar

from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    DictionaryAttr,
    FloatAttr,
    IntAttr,
    StringAttr,
    UnitAttr,
    f64,
    i32,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    AttrSizedResultSegments,
    IRDLOperation,
    irdl_op_definition,
    opt_prop_def,
    traits_def,
    var_operand_def,
    var_result_def,
    var_successor_def,
)
from xdsl.parser import Parser, Span, UnresolvedOperand
from xdsl.printer import Printer
from xdsl.traits import EffectInstance, IsTerminator, MemoryEffect, MemoryEffectKind

from pyhip_mlir.dialects.cdna.types import (
    SPECIAL_TYPES,
    RegType,
    SpecialRegType,
    special_type,
    type_from_text,
)

# Mnemonics that end a basic block.
TERMINATOR_PREFIXES = ("s_branch", "s_cbranch_", "s_endpgm", "s_setpc_b64")

ImmValue = int | float | str


def imm_attr(value: ImmValue) -> Attribute:
    if isinstance(value, bool):
        raise TypeError("booleans are not immediates")
    if isinstance(value, int):
        return IntAttr(value)
    if isinstance(value, float):
        return FloatAttr(value, f64)
    return StringAttr(value)


def attr_value(attr: Attribute) -> ImmValue | list[int] | bool:
    """The Python value of an immediate or modifier attribute."""
    if isinstance(attr, IntAttr):
        return attr.data
    if isinstance(attr, FloatAttr):
        return attr.value.data
    if isinstance(attr, StringAttr):
        return attr.data
    if isinstance(attr, UnitAttr):
        return True
    if isinstance(attr, ArrayAttr):
        return [a.data for a in attr.data if isinstance(a, IntAttr)]
    raise TypeError(f"unexpected immediate attribute {attr}")


def mod_attr(value: ImmValue | Sequence[int] | bool) -> Attribute:
    if value is True:
        return UnitAttr()
    if isinstance(value, list | tuple):
        return ArrayAttr([IntAttr(int(v)) for v in value])
    return imm_attr(value)  # type: ignore[arg-type]


class InstEffects(MemoryEffect):
    """Effects from the table; an op that writes physical registers is a write.

    Before allocation an instruction without table effects is pure: its results are
    SSA values and its special-register inputs are explicit operands, so xDSL's cse
    and dce may merge and delete it. Memory ops are reads *and* writes for these
    generic passes because merging or deleting one changes what a later
    ``s_waitcnt`` counts (DESIGN.md decision 5). After allocation nothing is
    merged or deleted: other instructions read the registers it writes.
    """

    @classmethod
    def get_effects(cls, op: Operation) -> set[EffectInstance]:
        assert isinstance(op, InstOp)
        idef = op.instr_def()
        if idef is None:
            return {EffectInstance(MemoryEffectKind.WRITE)}
        if idef.effects or idef.counter is not None:
            return {
                EffectInstance(MemoryEffectKind.READ),
                EffectInstance(MemoryEffectKind.WRITE),
            }
        if _is_allocated(op):
            return {EffectInstance(MemoryEffectKind.WRITE)}
        return set()


def _is_allocated(op: InstOp) -> bool:
    """Whether ``op`` works on physical registers (then it is never merged or deleted).

    An op that only writes special registers (``s_cmp`` writing SCC) is physical when
    any of its inputs is: later ``cdna.get_reg : !cdna.scc`` reads what it wrote.
    """
    for v in (*op.results, *op.operands):
        if isinstance(v.type, RegType) and v.type.is_allocated:
            return True
    return any(getattr(v.owner, "name", "") == "cdna.get_reg" for v in op.operands)


class InstOp(IRDLOperation):
    """One machine instruction; see the module docstring for the operand model."""

    name = "cdna.inst"
    MNEMONIC: ClassVar[str] = ""

    @property
    def mnemonic(self) -> str:
        return self.MNEMONIC

    uses = var_operand_def()
    implicit_uses = var_operand_def()
    defs = var_result_def()
    implicit_defs = var_result_def()
    targets = var_successor_def()

    imm = opt_prop_def(DictionaryAttr)
    mods = opt_prop_def(DictionaryAttr)
    opmods = opt_prop_def(DictionaryAttr)

    irdl_options = (
        AttrSizedOperandSegments(as_property=True),
        AttrSizedResultSegments(as_property=True),
    )
    traits = traits_def(InstEffects())

    def __init__(
        self,
        *,
        defs: Sequence[Attribute] = (),
        uses: Sequence[SSAValue | Operation] = (),
        imm: dict[int, ImmValue] | None = None,
        implicit_uses: Sequence[SSAValue | Operation] = (),
        implicit_defs: Sequence[Attribute] = (),
        targets: Sequence[Block] = (),
        mods: dict[str, ImmValue | Sequence[int] | bool] | None = None,
        opmods: dict[int, str] | None = None,
    ):
        props: dict[str, Attribute] = {}
        if imm:
            props["imm"] = DictionaryAttr({str(k): imm_attr(v) for k, v in imm.items()})
        if mods:
            props["mods"] = DictionaryAttr({k: mod_attr(v) for k, v in mods.items()})
        if opmods:
            props["opmods"] = DictionaryAttr({str(k): StringAttr(v) for k, v in opmods.items()})
        # What IRDLOperation.__init__ would build (same operands, results, successors
        # and properties, in the same order), without its generic per-argument
        # machinery and with shared segment-size attributes: a third of parsing time.
        props[_OPERAND_SEGMENTS] = _segment_attr(len(uses), len(implicit_uses))
        props[_RESULT_SEGMENTS] = _segment_attr(len(defs), len(implicit_defs))
        Operation.__init__(
            self,
            operands=[*_values(uses), *_values(implicit_uses)],
            result_types=[*defs, *implicit_defs],
            successors=targets,
            properties=props,
        )

    # --- accessors ---------------------------------------------------------------

    def imm_values(self) -> dict[int, ImmValue]:
        if self.imm is None:
            return {}
        return {int(k): attr_value(v) for k, v in self.imm.data.items()}  # type: ignore[misc]

    def mod_values(self) -> dict[str, ImmValue | list[int] | bool]:
        if self.mods is None:
            return {}
        return {k: attr_value(v) for k, v in self.mods.data.items()}

    def opmod_values(self) -> dict[int, str]:
        if self.opmods is None:
            return {}
        return {int(k): v.data for k, v in self.opmods.data.items()}  # type: ignore[union-attr]

    def use_slot_count(self) -> int:
        """Number of explicit use-side slots present (registers, immediates, labels)."""
        label = 1 if self.has_label_slot() else 0
        return len(self.uses) + len(self.imm.data if self.imm else {}) + label

    def has_label_slot(self) -> bool:
        return len(self.targets) > 0 and not self.mnemonic.startswith("s_setpc")

    def slot_items(self) -> list[tuple[str, object]]:
        """Explicit use slots in order: ("reg", SSAValue) | ("imm", value) | ("label", Block)."""
        uses = self.uses
        if self.imm is None and not self.successors:  # the common case: registers only
            return [("reg", v) for v in uses]
        imms = self.imm_values()
        items: list[tuple[str, object]] = []
        regs = iter(uses)
        n = len(uses) + len(imms)
        for i in range(n):
            if i in imms:
                items.append(("imm", imms[i]))
            else:
                items.append(("reg", next(regs)))
        if self.has_label_slot():
            items.append(("label", self.targets[0]))
        return items

    def arch(self) -> str:
        from pyhip_mlir.dialects.cdna.kernel import arch_of

        return arch_of(self)

    def instr_def(self):  # -> InstrDef | None
        from pyhip_mlir.dialects.isa.table import lookup

        return lookup(self.mnemonic, self.arch())

    def verify_(self) -> None:
        from pyhip_mlir.dialects.cdna.verify import verify_inst

        verify_inst(self)

    # --- custom syntax -----------------------------------------------------------

    def print(self, printer: Printer) -> None:
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

    @classmethod
    def parse(cls, parser: Parser) -> InstOp:
        op = _parse_fast(cls, parser)
        return op if op is not None else cls._parse_slow(parser)

    @classmethod
    def _parse_slow(cls, parser: Parser) -> InstOp:
        regs: list[UnresolvedOperand] = []
        imm: dict[int, ImmValue] = {}
        opmods: dict[int, str] = {}
        targets: list[Block] = []
        slot = 0

        takes_label = _takes_label(cls.MNEMONIC)

        def parse_slot() -> bool:
            nonlocal slot
            # Only branches take blocks: elsewhere `^bb1` starts the next block.
            if takes_label and (blk := parser.parse_optional_successor()) is not None:
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

        if parse_slot():
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
        )
        op.attributes.update(attrs)
        return op


@irdl_op_definition
class _InstOpDef(InstOp):
    name = "cdna.inst"


@irdl_op_definition
class _TerminatorInstOpDef(InstOp):
    name = "cdna.inst_terminator"
    traits = traits_def(InstEffects(), IsTerminator())


# --- fast paths ---------------------------------------------------------------------
#
# Every instruction op has the same shape: two operand segments, two result segments,
# one successor list. xDSL's generic accessors decode the segment-size properties
# (struct.unpack) on every ``op.uses``; its generic verifier re-checks the segments
# and every operand constraint of every op. The mixin below answers both from
# segment-size attributes shared by all ops (see :func:`_segment_attr`), and defers to
# xDSL whenever an op holds anything else, so results and error messages are xDSL's.

_OPERAND_SEGMENTS = AttrSizedOperandSegments.attribute_name
_RESULT_SEGMENTS = AttrSizedResultSegments.attribute_name
_PROPERTY_NAMES = frozenset({"imm", "mods", "opmods", _OPERAND_SEGMENTS, _RESULT_SEGMENTS})

# id(attr) -> (attr, sizes) for the shared segment attributes (the attr is kept so its
# id is never reused). Keyed by identity: hashing a DenseArrayBase costs as much as
# decoding it.
_SEGMENT_SIZES: dict[int, tuple[Attribute, tuple[int, int]]] = {}


@cache
def _segment_attr(first: int, second: int) -> DenseArrayBase:
    """The shared (immutable) segment-size attribute ``array<i32: first, second>``."""
    attr = DenseArrayBase.from_list(i32, (first, second))
    _SEGMENT_SIZES[id(attr)] = (attr, (first, second))
    return attr


def _known_sizes(attr: Attribute | None) -> tuple[int, int] | None:
    """The sizes of a shared segment attribute; None for any other attribute."""
    hit = _SEGMENT_SIZES.get(id(attr))
    return hit[1] if hit is not None and hit[0] is attr else None


def _sizes(op: Operation, key: str) -> tuple[int, ...]:
    attr = op.properties[key]
    known = _known_sizes(attr)
    return known if known is not None else attr.get_values()  # type: ignore[attr-defined]


def _values(items: Sequence[SSAValue | Operation]) -> list[SSAValue]:
    return [v if isinstance(v, SSAValue) else SSAValue.get(v) for v in items]


class _InstFastPaths:
    """Placed before the IRDL class in every instruction class's MRO (see inst_class)."""

    @property
    def uses(self: Operation) -> Sequence[SSAValue]:  # type: ignore[misc]
        return self.operands[: _sizes(self, _OPERAND_SEGMENTS)[0]]

    @property
    def implicit_uses(self: Operation) -> Sequence[SSAValue]:  # type: ignore[misc]
        n = _sizes(self, _OPERAND_SEGMENTS)
        return self.operands[n[0] : n[0] + n[1]]

    @property
    def defs(self: Operation) -> Sequence[SSAValue]:  # type: ignore[misc]
        return self.results[: _sizes(self, _RESULT_SEGMENTS)[0]]

    @property
    def implicit_defs(self: Operation) -> Sequence[SSAValue]:  # type: ignore[misc]
        n = _sizes(self, _RESULT_SEGMENTS)
        return self.results[n[0] : n[0] + n[1]]

    @property
    def targets(self: Operation) -> Sequence[Block]:  # type: ignore[misc]
        return self.successors[:]

    def verify_(self) -> None:
        assert isinstance(self, InstOp)
        op_def = type(self).get_irdl_definition()
        if _irdl_invariants_hold(self):
            for trait in op_def.traits:  # the only other checks xDSL's verifier makes
                trait.verify(self)
        else:
            op_def.verify(self)  # exactly xDSL's checks and messages
        InstOp.verify_(self)


def _irdl_invariants_hold(op: Operation) -> bool:
    """Whether xDSL's generic checks of an instruction op (segments, properties,
    regions) pass; True only in the common case that decides this cheaply."""
    props = op.properties
    operand_sizes = _known_sizes(props.get(_OPERAND_SEGMENTS))
    result_sizes = _known_sizes(props.get(_RESULT_SEGMENTS))
    if operand_sizes is None or result_sizes is None or op.regions:
        return False
    if sum(operand_sizes) != len(op.operands) or sum(result_sizes) != len(op.results):
        return False
    if len(props) > 2:
        if not props.keys() <= _PROPERTY_NAMES:
            return False
        for key in ("imm", "mods", "opmods"):
            if key in props and type(props[key]) is not DictionaryAttr:
                return False
    return True


@cache
def _takes_label(mnemonic: str) -> bool:
    """Whether any architecture's table gives ``mnemonic`` a branch-target slot."""
    from pyhip_mlir.dialects.isa.table import ARCHS, DEFAULT_ARCH, get_table

    for arch in (DEFAULT_ARCH, *ARCHS):
        idef = get_table(arch).get(mnemonic)
        if idef is not None:  # one arch's answer holds for all
            return any("label" in o.imm for o in idef.operands)
    return mnemonic.startswith(("s_branch", "s_cbranch_"))


def is_terminator_mnemonic(mnemonic: str) -> bool:
    return mnemonic.startswith(TERMINATOR_PREFIXES)


@cache
def inst_class(mnemonic: str) -> type[InstOp]:
    """The op class of ``cdna.<mnemonic>`` (created once, on first use)."""
    base = _TerminatorInstOpDef if is_terminator_mnemonic(mnemonic) else _InstOpDef
    cls_name = "".join(p.capitalize() for p in mnemonic.split("_")) + "Op"
    return type(
        cls_name,
        (_InstFastPaths, base),
        {"name": f"cdna.{mnemonic}", "MNEMONIC": mnemonic, "__module__": __name__},
    )


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
