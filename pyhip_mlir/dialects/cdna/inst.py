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
* ``target_args``    values passed to the block arguments of ``targets[0]`` (the label
                     target); the fall-through block never takes arguments;
* ``mods``           trailing modifiers by assembler keyword (``offset``, ``glc``, ...);
* ``opmods``         source modifiers per use slot (``neg``, ``abs``, ``neg,abs``,
                     ``sext``).

Custom syntax::

    %d = cdna.v_add_u32 %a, 5 implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
    %s = cdna.s_add_u32 %x, 1 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
    cdna.s_cbranch_scc1 ^bb2, ^bb1 implicit(%c : scc)
    cdna.s_cbranch_scc1 ^bb2(%x : !cdna.sgpr<1>), ^bb1 implicit(%c : scc)
    %v = cdna.global_load_dword %a, "off" implicit(%e : exec) [offset = 16] : ...

The type list covers explicit SSA operands and explicit results only; implicit ones
are typed by their special-register names.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, ClassVar

from xdsl.dialects.builtin import (
    UNKNOWN_LOC,
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
from xdsl.ir import (
    Attribute,
    Block,
    BlockArgument,
    Operation,
    OpResult,
    SSAValue,
    SSAValues,
    Use,
)
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
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import EffectInstance, IsTerminator, MemoryEffect, MemoryEffectKind

from pyhip_mlir.dialects.cdna.types import (
    RegType,
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
    target_args = var_operand_def()
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
        target_args: Sequence[SSAValue | Operation] = (),
    ):
        props: dict[str, Attribute] = {}
        if imm:
            items = tuple(imm.items())
            if all(type(v) is int for _, v in items):  # exact as a cache key
                props["imm"] = _imm_dict_int(items)
            else:
                props["imm"] = _imm_dict(tuple((k, v, repr(v)) for k, v in items))
        if mods:
            props["mods"] = _mods_dict(tuple((k, tuple(v) if isinstance(v, list) else v, type(v))
                                             for k, v in mods.items()))
        if opmods:
            props["opmods"] = DictionaryAttr({str(k): StringAttr(v) for k, v in opmods.items()})
        # What IRDLOperation.__init__ would build (same operands, results, successors
        # and properties, in the same order), without its generic per-argument
        # machinery and with shared segment-size attributes: a third of parsing time.
        props[_OPERAND_SEGMENTS] = _segment_attr(len(uses), len(implicit_uses), len(target_args))
        props[_RESULT_SEGMENTS] = _segment_attr(len(defs), len(implicit_defs))
        _init_operation(
            self,
            [*_values(uses), *_values(implicit_uses), *_values(target_args)],
            [*defs, *implicit_defs],
            targets,
            props,
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
        print_inst(self, printer)

    @classmethod
    def parse(cls, parser: Parser) -> InstOp:
        return parse_inst(cls, parser)


@irdl_op_definition
class _InstOpDef(InstOp):
    name = "cdna.inst"


@irdl_op_definition
class _TerminatorInstOpDef(InstOp):
    name = "cdna.inst_terminator"
    traits = traits_def(InstEffects(), IsTerminator())


# --- fast paths ---------------------------------------------------------------------
#
# Every instruction op has the same shape: three operand segments (uses, implicit uses,
# target arguments), two result segments, one successor list. xDSL's generic accessors decode the segment-size properties
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
_SEGMENT_SIZES: dict[int, tuple[Attribute, tuple[int, ...]]] = {}
_OPERAND_SEGMENT_COUNT = 3
_RESULT_SEGMENT_COUNT = 2


@cache
def _segment_attr(*sizes: int) -> DenseArrayBase:
    """The shared (immutable) segment-size attribute ``array<i32: sizes...>``."""
    attr = DenseArrayBase.from_list(i32, sizes)
    _SEGMENT_SIZES[id(attr)] = (attr, sizes)
    return attr


def _known_sizes(attr: Attribute | None) -> tuple[int, ...] | None:
    """The sizes of a shared segment attribute; None for any other attribute."""
    hit = _SEGMENT_SIZES.get(id(attr))
    return hit[1] if hit is not None and hit[0] is attr else None


def _sizes(op: Operation, key: str) -> tuple[int, ...]:
    attr = op.properties[key]
    known = _known_sizes(attr)
    return known if known is not None else attr.get_values()  # type: ignore[attr-defined]


def _init_operation(op: Operation, operands: list[SSAValue], result_types: list[Attribute],
                    successors: Sequence[Block], props: dict[str, Attribute]) -> None:
    """Exactly what xDSL 0.74's ``Operation.__init__`` does for an op without regions
    and attributes, without its generic setters and the IRDL default-filling
    ``__post_init__`` (instruction ops have no default properties): two thirds of the
    cost of building an instruction, which tracing and parsing do per line. Kept in
    step with xDSL by the exact-version pin and by tests that compare ops built both
    ways."""
    ops = SSAValues(operands)
    uses = tuple([Use(op, i) for i in range(len(ops))])
    for v, u in zip(ops, uses, strict=True):
        v.add_use(u)
    op._operands = ops
    op._operand_uses = uses
    op.results = SSAValues([OpResult(t, op, i) for i, t in enumerate(result_types)])
    op.properties = props
    op.attributes = {}
    op.location = UNKNOWN_LOC
    succ = tuple(successors)
    if succ:
        su = tuple([Use(op, i) for i in range(len(succ))])
        for b, u in zip(succ, su, strict=True):
            b.add_use(u)
        op._successors = succ
        op._successor_uses = su
    else:
        op._successors = ()
        op._successor_uses = ()
    op.regions = ()


@cache
def _imm_dict_int(items: tuple[tuple[int, int], ...]) -> DictionaryAttr:
    return DictionaryAttr({str(k): IntAttr(v) for k, v in items})


@cache
def _imm_dict(items: tuple[tuple[int, ImmValue, str], ...]) -> DictionaryAttr:
    # the repr is part of the key: 2 == 2.0 and 0.0 == -0.0 would share an entry
    return DictionaryAttr({str(k): imm_attr(v) for k, v, _ in items})


@cache
def _mods_dict(items: tuple[tuple[str, Any, type], ...]) -> DictionaryAttr:
    # the type is part of the key: True == 1 would share an entry
    return DictionaryAttr({k: mod_attr(list(v) if isinstance(v, tuple) else v) for k, v, _ in items})


_VALUE_TYPES = (OpResult, BlockArgument)


def _values(items: Sequence[SSAValue | Operation]) -> list[SSAValue]:
    # exact-type test first: isinstance against the SSAValue ABC costs 10x more
    return [v if type(v) in _VALUE_TYPES or isinstance(v, SSAValue) else SSAValue.get(v)
            for v in items]


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
    def target_args(self: Operation) -> Sequence[SSAValue]:  # type: ignore[misc]
        n = _sizes(self, _OPERAND_SEGMENTS)
        start = n[0] + n[1]
        return self.operands[start : start + n[2]]

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
    # A shared attribute of another length (built for the other segment kind) would
    # pass the sums below but not xDSL's segment count check.
    if len(operand_sizes) != _OPERAND_SEGMENT_COUNT or len(result_sizes) != _RESULT_SEGMENT_COUNT:
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


# Last: the syntax module needs the classes above (and this module needs its functions
# only when an op is printed or parsed).
from pyhip_mlir.dialects.cdna.inst_syntax import parse_inst, print_inst  # noqa: E402
