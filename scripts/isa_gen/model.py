"""Raw records read from LLVM's AMDGPU syntax docs (or the gfx950 extras file)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawOperand:
    """One operand as the syntax doc spells it: ``label@page:tag:tag``."""

    label: str
    page: str  # operand page id, e.g. "gfx940_vdst_89680f" ("" when unknown)
    column: str  # "DST", "DST1", "SRC0", ... (the doc column it sits in)
    tags: list[tuple[str, str]] = field(default_factory=list)  # (tag, page id or "")

    @property
    def is_dst_column(self) -> bool:
        return self.column.startswith("DST")


@dataclass
class RawInstr:
    mnemonic: str
    section: str
    operands: list[RawOperand]
    modifiers: list[str]
    source: str = "doc"


@dataclass
class OperandPage:
    """What an operand page says: width, accepted kinds, or a condition (opt/dst/m)."""

    page: str
    title: str
    size: int | None = None  # dwords; None when variable or not a register
    kinds: list[str] = field(default_factory=list)
    cond: str | None = None  # "glc", "sc0" or "!lds" for opt/dst pages
    opmods: tuple[str, ...] = ()  # for "m" pages
    text: str = ""
    guessed: bool = False  # kinds/size assumed, to be settled by llvm-mc probing
