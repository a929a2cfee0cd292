"""Pseudo ops: no machine code of their own, needed by SSA, the allocator and the CFG.

* ``cdna.get_reg``     the current contents of a physical register (allocated IR and
                       imported assembly read registers whose writer is elsewhere);
* ``cdna.copy``        a register-to-register move the allocator may coalesce away;
* ``cdna.parallel_copy`` several copies at once (an edge's moves after allocation);
* ``cdna.merge_lanes`` old lanes kept where a write under a narrowed EXEC left them;
* ``cdna.build``       concatenate registers into one wider tuple (v[0:1] from v0, v1);
* ``cdna.extract``     a sub-range of a tuple (``offset`` dwords in, result's width);
* ``cdna.fallthrough`` end of a block that continues into the next one in layout
                       (passing values to its block arguments, if it has any);
* ``cdna.if``/``cdna.while``/``cdna.yield``/``cdna.condition``: structured control
  flow with explicit loop-carried values (DESIGN.md decision 4), lowered to labels
  and ``s_cbranch_*`` after allocation.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from xdsl.dialects.builtin import IntAttr
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    prop_def,
    region_def,
    result_def,
    successor_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import (
    IsTerminator,
    MemoryReadEffect,
    MemoryWriteEffect,
    Pure,
    RecursiveMemoryEffect,
)
from xdsl.utils.exceptions import VerifyException

from pyhip_mlir.dialects.cdna.types import (
    ExecType,
    RegType,
    SCCType,
    SpecialRegType,
    VCCType,
    dwords_of,
)
from pyhip_mlir.dialects.cdna.verify import check_edge_args


def _width(t: Attribute) -> int:
    n = dwords_of(t)
    if n is None:
        raise VerifyException(f"{t} is not a register type")
    return n


@cache
def _int_attr(v: int) -> IntAttr:
    return IntAttr(v)


# The constructors below call ``Operation.__init__`` directly: for these fixed-shape
# ops it builds exactly what IRDL's generic ``__init__`` builds, at a fifth of the
# cost (the DSL creates one per register merge, extract and region end).


@irdl_op_definition
class GetRegOp(IRDLOperation):
    """The value held by a physical register at this point (reads, never writes)."""

    name = "cdna.get_reg"
    res = result_def()
    # Opaque to cse/dce: which instruction last wrote the register is not an SSA
    # edge, so two reads are only the same value if nothing wrote in between.
    traits = traits_def(MemoryReadEffect(), MemoryWriteEffect())
    assembly_format = "attr-dict `:` type($res)"

    def __init__(self, t: Attribute):
        super().__init__(result_types=[t])

    def verify_(self) -> None:
        t = self.res.type
        if isinstance(t, RegType) and not t.is_allocated:
            raise VerifyException("cdna.get_reg needs an allocated register type")
        if not isinstance(t, RegType | SpecialRegType):
            raise VerifyException(f"cdna.get_reg of non-register type {t}")


@irdl_op_definition
class CopyOp(IRDLOperation):
    """A copy between registers of the same width (a move after allocation)."""

    name = "cdna.copy"
    src = operand_def()
    res = result_def()
    traits = traits_def(Pure())
    assembly_format = "$src attr-dict `:` type($src) `->` type($res)"

    def __init__(self, src: SSAValue | Operation, t: Attribute):
        Operation.__init__(self, operands=[SSAValue.get(src)], result_types=[t])

    def verify_(self) -> None:
        if _width(self.src.type) != _width(self.res.type):
            raise VerifyException(
                f"cdna.copy between registers of different widths "
                f"({_width(self.src.type)} and {_width(self.res.type)})"
            )


@irdl_op_definition
class ParallelCopyOp(IRDLOperation):
    """Copy every source to its result at once (an edge's copies after allocation).

    All sources are read before any result is written, so a register may be both a
    source and a destination (a swap). The allocator inserts it where an edge's values
    cannot share the target's register; the printer orders the moves.
    """

    name = "cdna.parallel_copy"
    srcs = var_operand_def()
    res = var_result_def()
    traits = traits_def(Pure())
    assembly_format = "$srcs attr-dict `:` type($srcs) `->` type($res)"

    def __init__(self, srcs: Sequence[SSAValue | Operation], types: Sequence[Attribute]):
        Operation.__init__(self, operands=[SSAValue.get(v) for v in srcs], result_types=list(types))

    def verify_(self) -> None:
        if len(self.srcs) != len(self.res):
            raise VerifyException("cdna.parallel_copy needs one result per source")
        for s, r in zip(self.srcs, self.res, strict=True):
            if _width(s.type) != _width(r.type):
                raise VerifyException(
                    f"cdna.parallel_copy between registers of different widths "
                    f"({_width(s.type)} and {_width(r.type)})"
                )


@irdl_op_definition
class MergeLanesOp(IRDLOperation):
    """A vector register after an instruction wrote it under ``exec``: ``new`` in the
    lanes ``exec`` has set, ``old`` in the others (the hardware leaves them alone).

    No machine code: the register allocator gives ``old``, ``new`` and the result one
    register, which is exactly what makes the other lanes keep ``old``. The DSL emits
    it when a variable that already has a value is written under a narrowed EXEC.
    """

    name = "cdna.merge_lanes"
    old = operand_def()
    new = operand_def()
    exec_ = operand_def()
    res = result_def()
    traits = traits_def(Pure())
    assembly_format = (
        "$old `,` $new `under` $exec_ attr-dict `:` type($old) `,` type($new) `,` type($exec_)"
        " `->` type($res)"
    )

    def __init__(self, old: SSAValue, new: SSAValue, exec_: SSAValue):
        Operation.__init__(self, operands=[old, new, exec_], result_types=[old.type])

    def verify_(self) -> None:
        if not (self.old.type == self.new.type == self.res.type):
            raise VerifyException("cdna.merge_lanes: old, new and result must have one type")
        if not isinstance(self.exec_.type, ExecType):
            raise VerifyException(f"cdna.merge_lanes: the lane mask must be exec, not {self.exec_.type}")


@irdl_op_definition
class BuildOp(IRDLOperation):
    """Concatenate registers into one tuple, first operand at the lowest dword."""

    name = "cdna.build"
    parts = var_operand_def()
    res = result_def()
    traits = traits_def(Pure())
    assembly_format = "$parts attr-dict `:` type($parts) `->` type($res)"

    def __init__(self, parts: Sequence[SSAValue | Operation], t: Attribute):
        Operation.__init__(self, operands=[SSAValue.get(p) for p in parts], result_types=[t])

    def verify_(self) -> None:
        total = sum(_width(p.type) for p in self.parts)
        if total != _width(self.res.type):
            raise VerifyException(
                f"cdna.build of {total} dwords into a {_width(self.res.type)}-dword register"
            )


@irdl_op_definition
class ExtractOp(IRDLOperation):
    """Dwords ``offset .. offset+width-1`` of a register tuple."""

    name = "cdna.extract"
    src = operand_def()
    offset = prop_def(IntAttr)
    res = result_def()
    traits = traits_def(Pure())
    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.src)
        printer.print_string(f"[{self.offset.data}]")
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.src.type)
        printer.print_string(" -> ")
        printer.print_attribute(self.res.type)

    @classmethod
    def parse(cls, parser: Parser) -> ExtractOp:
        src = parser.parse_unresolved_operand()
        parser.parse_punctuation("[")
        offset = parser.parse_integer(allow_boolean=False, allow_negative=False)
        parser.parse_punctuation("]")
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        src_t = parser.parse_type()
        parser.parse_punctuation("->")
        res_t = parser.parse_type()
        op = cls(parser.resolve_operand(src, src_t), offset, res_t)
        op.attributes.update(attrs)
        return op

    def __init__(self, src: SSAValue | Operation, offset: int, t: Attribute):
        Operation.__init__(self, operands=[SSAValue.get(src)], result_types=[t],
                           properties={"offset": _int_attr(offset)})

    def verify_(self) -> None:
        o = self.offset.data
        if o < 0 or o + _width(self.res.type) > _width(self.src.type):
            raise VerifyException(
                f"cdna.extract of dwords {o}..{o + _width(self.res.type) - 1} from a "
                f"{_width(self.src.type)}-dword register"
            )


@irdl_op_definition
class FallthroughOp(IRDLOperation):
    """Continue into ``dest``, which must be the next block in layout order, passing
    ``args`` to its block arguments."""

    name = "cdna.fallthrough"
    args = var_operand_def()
    dest = successor_def()
    traits = traits_def(IsTerminator(), Pure())
    assembly_format = "$dest (`(` $args^ `:` type($args) `)`)? attr-dict"

    def __init__(self, dest: Block, args: Sequence[SSAValue | Operation] = ()):
        Operation.__init__(self, operands=[SSAValue.get(a) for a in args], successors=[dest])

    def verify_(self) -> None:
        block = self.parent_block()
        if block is not None and block.next_block is not self.dest:
            raise VerifyException("cdna.fallthrough must target the next block in layout")
        check_edge_args(self, self.dest, self.args)


def _check_condition(cond: SSAValue) -> None:
    if not isinstance(cond.type, SCCType | VCCType | ExecType) and not (
        isinstance(cond.type, RegType) and cond.type.file == "s" and cond.type.nregs == 2
    ):
        raise VerifyException(
            f"condition must be scc, or a 64-bit lane mask (vcc, exec, an SGPR pair), not {cond.type}"
        )


@irdl_op_definition
class YieldOp(IRDLOperation):
    """Values a structured region hands back to its parent op."""

    name = "cdna.yield"
    values = var_operand_def()
    traits = traits_def(IsTerminator(), Pure())
    assembly_format = "($values^ `:` type($values))? attr-dict"

    def __init__(self, *values: SSAValue | Operation):
        Operation.__init__(self, operands=[SSAValue.get(v) for v in values])


@irdl_op_definition
class ConditionOp(IRDLOperation):
    """End of a ``cdna.while`` header: loop again while ``cond`` is set."""

    name = "cdna.condition"
    cond = operand_def()
    values = var_operand_def()
    traits = traits_def(IsTerminator(), Pure())
    assembly_format = "`(` $cond `:` type($cond) `)` ($values^ `:` type($values))? attr-dict"

    def __init__(self, cond: SSAValue | Operation, *values: SSAValue | Operation):
        Operation.__init__(self, operands=[SSAValue.get(cond), *[SSAValue.get(v) for v in values]])

    def verify_(self) -> None:
        _check_condition(self.cond)


@irdl_op_definition
class IfOp(IRDLOperation):
    """Run ``then`` when ``cond`` holds (scc: uniform branch; lane mask: per lane).

    With a lane-mask condition (exec, vcc, an SGPR pair) the regions run when any lane
    is set (``s_cbranch_execz`` skips them otherwise) and vector results merge per
    lane: the then-value in the mask's lanes, the else-value elsewhere. The register
    allocator must give such a result and both yielded values one register (or copy
    the else-value into it before the region), since a VALU write under a narrowed
    EXEC leaves the other lanes of its register unchanged.
    """

    name = "cdna.if"
    cond = operand_def()
    res = var_result_def()
    then_region = region_def("single_block")
    else_region = region_def()
    traits = traits_def(RecursiveMemoryEffect())
    assembly_format = (
        "`(` $cond `:` type($cond) `)` (`->` `(` type($res)^ `)`)? $then_region "
        "(`else` $else_region^)? attr-dict"
    )

    def __init__(
        self,
        cond: SSAValue | Operation,
        result_types: Sequence[Attribute],
        then_region: Region,
        else_region: Region | None = None,
    ):
        Operation.__init__(
            self,
            operands=[SSAValue.get(cond)],
            result_types=list(result_types),
            regions=[then_region, else_region if else_region is not None else Region()],
        )

    def verify_(self) -> None:
        _check_condition(self.cond)


@irdl_op_definition
class WhileOp(IRDLOperation):
    """A loop: ``before`` computes the condition, ``after`` is the body.

    Loop-carried values enter as ``inits``, flow into ``before``'s block arguments,
    through ``cdna.condition`` into ``after``'s arguments and back via ``cdna.yield``.
    """

    name = "cdna.while"
    inits = var_operand_def()
    res = var_result_def()
    before = region_def("single_block")
    after = region_def("single_block")
    traits = traits_def(RecursiveMemoryEffect())
    assembly_format = (
        "($inits^ `:` type($inits))? `->` `(` type($res) `)` $before `do` $after attr-dict"
    )

    def __init__(
        self,
        inits: Sequence[SSAValue | Operation],
        result_types: Sequence[Attribute],
        before: Region,
        after: Region,
    ):
        Operation.__init__(self, operands=[SSAValue.get(v) for v in inits],
                           result_types=list(result_types), regions=[before, after])

    def verify_(self) -> None:
        before_args = [a.type for a in self.before.block.args]
        init_types = [v.type for v in self.inits]
        if before_args != init_types:
            raise VerifyException(
                "cdna.while: 'before' block arguments must match the initial values' types"
            )
