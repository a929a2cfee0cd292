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

from collections.abc import Sequence
from functools import cache
from typing import ClassVar

from xdsl.dialects.builtin import (
    ArrayAttr,
    DictionaryAttr,
    FloatAttr,
    IntAttr,
    StringAttr,
    UnitAttr,
    f64,
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
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.printer import Printer
from xdsl.traits import EffectInstance, IsTerminator, MemoryEffect, MemoryEffectKind

from pyhip_mlir.dialects.cdna.types import SPECIAL_TYPES, RegType, SpecialRegType

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
        super().__init__(
            operands=[uses, implicit_uses],
            result_types=[defs, implicit_defs],
            successors=[targets],
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
        imms = self.imm_values()
        items: list[tuple[str, object]] = []
        regs = iter(self.uses)
        n = len(self.uses) + len(imms)
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
        opmods = self.opmod_values()
        items = self.slot_items()
        if items:
            printer.print_string(" ")
        for i, (kind, val) in enumerate(items):
            if i:
                printer.print_string(", ")
            if kind == "reg":
                _print_with_opmod(printer, val, opmods.get(i, ""))  # type: ignore[arg-type]
            elif kind == "imm":
                _print_imm(printer, val)  # type: ignore[arg-type]
            else:
                printer.print_block_name(val)  # type: ignore[arg-type]
        for extra in self.targets[1 if self.has_label_slot() else 0 :]:
            printer.print_string(", ")
            printer.print_block_name(extra)
        if self.implicit_uses or self.implicit_defs:
            printer.print_string(" implicit(")
            for j, v in enumerate(self.implicit_uses):
                if j:
                    printer.print_string(", ")
                printer.print_ssa_value(v)
                printer.print_string(" : ")
                printer.print_string(_special_name(v.type))
            printer.print_string(")")
            if self.implicit_defs:
                names = ", ".join(_special_name(r.type) for r in self.implicit_defs)
                printer.print_string(f" -> ({names})")
        mods = self.mod_values()
        if mods:
            printer.print_string(" [")
            for j, (k, v) in enumerate(mods.items()):
                if j:
                    printer.print_string(", ")
                printer.print_string(k)
                if v is not True:
                    printer.print_string(" = ")
                    _print_mod_value(printer, v)
            printer.print_string("]")
        if self.attributes:
            printer.print_op_attributes(self.attributes)
        if self.uses or self.defs:
            printer.print_string(" : (")
            printer.print_list([u.type for u in self.uses], printer.print_attribute)
            printer.print_string(") -> ")
            if len(self.defs) == 1:
                printer.print_attribute(self.defs[0].type)
            else:
                printer.print_string("(")
                printer.print_list([r.type for r in self.defs], printer.print_attribute)
                printer.print_string(")")

    @classmethod
    def parse(cls, parser: Parser) -> InstOp:
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
        (base,),
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
    return SPECIAL_TYPES[name]()


def _print_with_opmod(printer: Printer, value: SSAValue, mod: str) -> None:
    parts = set(mod.split(",")) if mod else set()
    if "neg" in parts:
        printer.print_string("-")
    if "abs" in parts:
        printer.print_string("|")
    if "sext" in parts:
        printer.print_string("sext(")
    printer.print_ssa_value(value)
    if "sext" in parts:
        printer.print_string(")")
    if "abs" in parts:
        printer.print_string("|")


def _print_imm(printer: Printer, value: ImmValue) -> None:
    if isinstance(value, str):
        printer.print_string_literal(value)
    elif isinstance(value, float):
        printer.print_string(repr(value))
    else:
        printer.print_string(str(value))


def _print_mod_value(printer: Printer, value: ImmValue | list[int] | bool) -> None:
    if isinstance(value, list):
        printer.print_string("[" + ", ".join(str(v) for v in value) + "]")
    elif isinstance(value, str):
        if value.isidentifier():
            printer.print_string(value)
        else:
            printer.print_string_literal(value)
    else:
        _print_imm(printer, value)  # type: ignore[arg-type]


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
