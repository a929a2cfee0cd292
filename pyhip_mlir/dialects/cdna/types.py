"""Register types of the cdna dialect.

A value of the cdna dialect *is* a register range (DESIGN.md decision 1): its type
names the register file, the width in dwords and, once allocated, the first physical
register. Unallocated values are pure SSA values; allocated ones name real registers.

Syntax::

    !cdna.vgpr<4>          four VGPRs, not yet allocated
    !cdna.vgpr<v[8:11]>    v8..v11
    !cdna.sgpr<s5>         s5
    !cdna.exec !cdna.vcc !cdna.scc !cdna.m0    the special registers
    !cdna.imm              an immediate materialised as a value (rare; see ops.py)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from xdsl.dialects.builtin import IntAttr
from xdsl.ir import Attribute, ParametrizedAttribute, TypeAttribute
from xdsl.irdl import irdl_attr_definition
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

UNALLOCATED = -1

# Architectural register file sizes (per wave, gfx9 CDNA). The allocator may use
# fewer; these bound what the verifier accepts.
FILE_SIZES: dict[str, int] = {"s": 102, "v": 512, "a": 256}


# The base declares the parameters, so it must be a dataclass itself: otherwise the
# subclasses compare and hash equal whatever their width and index.
@dataclass(frozen=True, init=False)
class RegType(ParametrizedAttribute, TypeAttribute):
    """A range of ``width`` consecutive registers of one file, maybe allocated."""

    FILE: ClassVar[str] = "?"

    width: IntAttr
    index: IntAttr

    @property
    def file(self) -> str:
        return self.FILE

    @classmethod
    def get(cls, width: int = 1, index: int = UNALLOCATED) -> RegType:
        return cls(IntAttr(width), IntAttr(index))

    @property
    def nregs(self) -> int:
        return self.width.data

    @property
    def first(self) -> int:
        return self.index.data

    @property
    def is_allocated(self) -> bool:
        return self.index.data != UNALLOCATED

    def asm_name(self) -> str:
        """``v5``, ``s[4:5]``: the register as the assembler spells it."""
        if not self.is_allocated:
            raise ValueError(f"{self.file}gpr<{self.nregs}> is not allocated")
        lo = self.first
        if self.nregs == 1:
            return f"{self.file}{lo}"
        return f"{self.file}[{lo}:{lo + self.nregs - 1}]"

    def registers(self) -> range:
        return range(self.first, self.first + self.nregs)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        parser.parse_punctuation("<")
        width = parser.parse_optional_integer(allow_boolean=False, allow_negative=False)
        if width is not None:
            parser.parse_punctuation(">")
            return (IntAttr(width), IntAttr(UNALLOCATED))
        pos = parser.pos
        name = parser.parse_identifier(f" (a {cls.FILE}-register such as {cls.FILE}0)")
        if name == cls.FILE:
            parser.parse_punctuation("[")
            lo = parser.parse_integer(allow_boolean=False, allow_negative=False)
            hi = lo
            if parser.parse_optional_punctuation(":"):
                hi = parser.parse_integer(allow_boolean=False, allow_negative=False)
            parser.parse_punctuation("]")
        elif name.startswith(cls.FILE) and name[1:].isdigit():
            lo = hi = int(name[1:])
        else:
            parser.raise_error(
                f"expected a register width or a '{cls.FILE}' register, got '{name}'",
                pos,
                parser.pos,
            )
        if hi < lo:
            parser.raise_error(f"empty register range {cls.FILE}[{lo}:{hi}]", pos, parser.pos)
        parser.parse_punctuation(">")
        return (IntAttr(hi - lo + 1), IntAttr(lo))

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            if self.is_allocated:
                printer.print_string(self.asm_name())
            else:
                printer.print_string(str(self.nregs))

    def verify(self) -> None:
        if self.nregs < 1 or self.nregs > 32:
            raise VerifyException(f"register width {self.nregs} is not in 1..32")
        if self.is_allocated:
            if self.first < 0 or self.first + self.nregs > FILE_SIZES[self.file]:
                raise VerifyException(
                    f"{self.asm_name()} is outside the {self.file}-register file "
                    f"(0..{FILE_SIZES[self.file] - 1})"
                )


@irdl_attr_definition
class SGPRType(RegType):
    """Scalar registers: one 32-bit value shared by the wave."""

    name = "cdna.sgpr"
    FILE: ClassVar[str] = "s"


@irdl_attr_definition
class VGPRType(RegType):
    """Vector registers: one 32-bit value per lane."""

    name = "cdna.vgpr"
    FILE: ClassVar[str] = "v"


@irdl_attr_definition
class AGPRType(RegType):
    """Accumulation registers (MFMA accumulators), one 32-bit value per lane."""

    name = "cdna.agpr"
    FILE: ClassVar[str] = "a"


class SpecialRegType(ParametrizedAttribute, TypeAttribute):
    """A fixed architectural register; every write defines a new SSA value of it."""

    REG: ClassVar[str] = "?"
    DWORDS: ClassVar[int] = 1

    @property
    def reg(self) -> str:
        return self.REG

    @property
    def dwords(self) -> int:
        return self.DWORDS


@irdl_attr_definition
class ExecType(SpecialRegType):
    """The 64-bit lane mask: VALU, VMEM, DS and MFMA ops read it implicitly."""

    name = "cdna.exec"
    REG: ClassVar[str] = "exec"
    DWORDS: ClassVar[int] = 2


@irdl_attr_definition
class VCCType(SpecialRegType):
    """The 64-bit vector condition code (VOPC e32 results, carries)."""

    name = "cdna.vcc"
    REG: ClassVar[str] = "vcc"
    DWORDS: ClassVar[int] = 2


@irdl_attr_definition
class SCCType(SpecialRegType):
    """The 1-bit scalar condition code."""

    name = "cdna.scc"
    REG: ClassVar[str] = "scc"


@irdl_attr_definition
class M0Type(SpecialRegType):
    """M0: LDS limits/offsets, message data, movrel index."""

    name = "cdna.m0"
    REG: ClassVar[str] = "m0"


REG_TYPES: dict[str, type[RegType]] = {"s": SGPRType, "v": VGPRType, "a": AGPRType}
SPECIAL_TYPES: dict[str, type[SpecialRegType]] = {
    "exec": ExecType,
    "vcc": VCCType,
    "scc": SCCType,
    "m0": M0Type,
}


@cache
def reg_type(file: str, width: int = 1, index: int = UNALLOCATED) -> RegType:
    """The register type (types are immutable: one instance per (file, width, index))."""
    return REG_TYPES[file].get(width, index)


def special_type(name: str) -> SpecialRegType:
    return _SPECIAL_INSTANCES[name]


# Types are immutable and compare by value, so one instance per special register.
_SPECIAL_INSTANCES: dict[str, SpecialRegType] = {n: t() for n, t in SPECIAL_TYPES.items()}

# The canonical spellings of register types, as the printer writes them. Only these
# are parsed by :func:`type_from_text`; anything else goes through xDSL's parser.
_TYPE_TEXT = re.compile(
    r"!cdna\.(?:(?P<special>exec|vcc|scc|m0)"
    r"|(?P<file>[sva])gpr<(?:(?P<width>[0-9]+)|(?P=file)(?P<reg>[0-9]+)"
    r"|(?P=file)\[(?P<lo>[0-9]+):(?P<hi>[0-9]+)\])>)",
    re.ASCII,
)
_TYPES_BY_TEXT: dict[str, Attribute] = {}


def type_from_text(text: str) -> Attribute | None:
    """The type spelled ``text`` (``!cdna.vgpr<v[2:3]>``, ``!cdna.exec``), or None if
    ``text`` is not a canonical, valid register type.

    Memoised: a kernel names a few hundred distinct types, and xDSL's generic type
    parser plus attribute verification cost ~50 us per use.
    """
    t = _TYPES_BY_TEXT.get(text)
    if t is not None:
        return t
    m = _TYPE_TEXT.fullmatch(text)
    if m is None:
        return None
    if m["special"]:
        t = _SPECIAL_INSTANCES[m["special"]]
    elif m["width"] is not None:
        width = int(m["width"])
        if not 1 <= width <= 32:
            return None  # let the parser report it
        t = REG_TYPES[m["file"]].get(width)
    else:
        lo = int(m["reg"] if m["reg"] is not None else m["lo"])
        hi = int(m["hi"]) if m["hi"] is not None else lo
        try:
            t = REG_TYPES[m["file"]].get(hi - lo + 1, lo)
        except VerifyException:
            return None
    if len(_TYPES_BY_TEXT) < 65536:  # bounded: texts come from user input
        _TYPES_BY_TEXT[text] = t
    return t


def dwords_of(t: Attribute) -> int | None:
    """Width in dwords of a register type (special registers too); None for others."""
    if isinstance(t, RegType):
        return t.nregs
    if isinstance(t, SpecialRegType):
        return t.dwords
    return None


def describe_type(t: Attribute) -> str:
    """Short human name of a type for diagnostics: ``vgpr x2``, ``exec``."""
    if isinstance(t, RegType):
        where = f" ({t.asm_name()})" if t.is_allocated else ""
        return f"{t.file}gpr x{t.nregs}{where}"
    if isinstance(t, SpecialRegType):
        return t.reg
    return str(t)
