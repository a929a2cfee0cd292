"""A kernel's CFG, decoded once into a flat list of instructions the drivers execute.

The machine emulator runs code as the hardware sees it: the cdna IR of a code
object's disassembly (``asm_parser.parse_asm``), whose ops are instructions,
``cdna.get_reg`` reads and ``cdna.fallthrough``. Decoding resolves every operand to
a register range, a special register or an immediate, maps branch targets to
instruction indices (the PC) and collects what each instruction reads and writes,
so that executing it needs no IR lookups.

Special registers live in the SGPR file at their encoding numbers (as the hardware
numbers scalar operands): ``vcc`` is s106:107, ``m0`` s124, ``exec`` s126:127. SCC is
its own one-bit file ``"scc"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xdsl.ir import Block, Operation, SSAValue

from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.dialects.cdna.kernel import KernelOp
from pyhip_mlir.dialects.cdna.pseudo import FallthroughOp, GetRegOp
from pyhip_mlir.dialects.cdna.types import RegType, SpecialRegType
from pyhip_mlir.dialects.cdna.verify import doc_modifiers
from pyhip_mlir.dialects.isa.table import InstrDef, OperandDef, lookup

if TYPE_CHECKING:  # the semantics table is imported only by the emulator itself
    from pyhip_mlir.emulator.semantics.registry import SemFn

# Special register -> (file, first index, dwords) in the emulator's register files.
SPECIAL_SLOTS: dict[str, tuple[str, int, int]] = {
    "vcc": ("s", 106, 2),
    "vcc_lo": ("s", 106, 1),
    "vcc_hi": ("s", 107, 1),
    "m0": ("s", 124, 1),
    "exec": ("s", 126, 2),
    "exec_lo": ("s", 126, 1),
    "exec_hi": ("s", 127, 1),
    "scc": ("scc", 0, 1),
}
SGPR_FILE_SIZE = 128
VCC, M0, EXEC = 106, 124, 126


class DecodeError(Exception):
    """A kernel the emulator cannot run (names the op and why)."""

    def __init__(self, message: str, op: Operation | None = None):
        super().__init__(message)
        self.op = op


@dataclass(frozen=True)
class RegRange:
    """``count`` registers of ``file`` ("s", "v", "a" or "scc") from ``first``."""

    file: str
    first: int
    count: int

    def __str__(self) -> str:
        if self.file == "scc":
            return "scc"
        if self.count == 1:
            return f"{self.file}{self.first}"
        return f"{self.file}[{self.first}:{self.first + self.count - 1}]"


@dataclass(frozen=True)
class Operand:
    """One explicit operand: a register range (``reg``) or an immediate (``value``)."""

    reg: RegRange | None = None
    value: int | float | str | None = None
    special: str | None = None  # "vcc", "exec", "m0", "scc" when the slot holds one

    @property
    def is_reg(self) -> bool:
        return self.reg is not None


@dataclass(eq=False)
class Instr:
    """One decoded instruction at ``pc`` (an index into :attr:`Program.instrs`)."""

    pc: int
    mnemonic: str
    idef: InstrDef
    uses: tuple[Operand | None, ...]  # per active use slot of the table, None if omitted
    use_slots: tuple[OperandDef, ...]
    defs: tuple[Operand, ...]
    def_slots: tuple[OperandDef, ...]
    mods: dict[str, Any]
    doc_mods: frozenset[str]
    opmods: dict[int, str]  # use-slot index -> "neg", "abs", "neg,abs", "sext"
    target: int | None  # taken-branch PC
    reads: tuple[RegRange, ...]
    writes: tuple[RegRange, ...]
    text: str
    loc: str
    sem: SemFn | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return self.idef.base

    def __str__(self) -> str:
        return self.text


@dataclass
class Program:
    kernel: str
    arch: str
    instrs: list[Instr]
    max_sgpr: int
    max_vgpr: int
    max_agpr: int
    # (producer pc, consumer pc) -> (wait states, rule) or None, shared by launches
    hazard_cache: dict[tuple[int, int], tuple[int, str] | None] = field(default_factory=dict)


def _range_of(value: SSAValue, op: Operation, virtual: bool = False) -> tuple[RegRange, str | None]:
    t = value.type
    if isinstance(t, RegType):
        if virtual and not t.is_allocated:
            return RegRange(t.file, -1, t.nregs), None
        if not t.is_allocated:
            raise DecodeError(f"{op.name}: operand {t} has no physical register", op)
        return RegRange(t.file, t.first, t.nregs), None
    if isinstance(t, SpecialRegType):
        f, first, n = SPECIAL_SLOTS[t.reg]
        return RegRange(f, first, n), t.reg
    raise DecodeError(f"{op.name}: operand of type {t} is not a register", op)


def _active_slots(idef: InstrDef, mods: frozenset[str], *, defs: bool) -> list[OperandDef]:
    return [
        s
        for s in idef.operands
        if (s.is_def if defs else s.is_use)
        # a tied slot's condition gates its write (an atomic's return), not its read
        and (idef.slot_active(s.name, mods) is not False or (not defs and s.role == "both"))
    ]


def _location(op: Operation) -> str:
    from pyhip_mlir.diagnostics import location_of

    loc = location_of(op)
    if loc is None:
        return ""
    return f"{loc.filename.data}:{loc.line.data}:{loc.column.data}"


def decode_kernel(kernel: KernelOp, arch: str, semantics: dict[str, SemFn] | None = None) -> Program:
    """Flatten ``kernel``'s blocks into a :class:`Program` (labels become PCs)."""
    from pyhip_mlir.codegen.asm_printer import AsmPrintError, check_edge_registers, format_inst

    def check_edge(op: Operation, dest: Block, values: Sequence[SSAValue]) -> None:
        # Values passed to block arguments must already be in place: an edge runs no
        # moves here, exactly as in printed assembly.
        try:
            check_edge_registers(op, dest, values)
        except AsmPrintError as e:
            raise DecodeError(str(e), op) from None

    blocks = list(kernel.body.blocks)
    # PCs: the position of every instruction; a block starts at its first one.
    start: dict[Block, int] = {}
    pc = 0
    for b in blocks:
        start[b] = pc
        pc += sum(1 for o in b.ops if isinstance(o, InstOp))
    end_pc = pc

    def label_of(block: Block) -> str:
        return f".L{start.get(block, -1)}"

    instrs: list[Instr] = []
    hi = {"s": 0, "v": 0, "a": 0}
    for b in blocks:
        for op in b.ops:
            if isinstance(op, GetRegOp):
                continue
            if isinstance(op, FallthroughOp):
                check_edge(op, op.dest, op.args)
                if start.get(op.dest) != len(instrs):
                    raise DecodeError("cdna.fallthrough to a block that does not follow", op)
                continue
            if not isinstance(op, InstOp):
                raise DecodeError(
                    f"{op.name} cannot be emulated: lower structured control flow and "
                    "pseudo ops (print to assembly) first",
                    op,
                )
            if op.target_args:
                check_edge(op, op.targets[0], op.target_args)
            ins = _decode_inst(op, arch, len(instrs), start, label_of, format_inst)
            for r in (*ins.reads, *ins.writes):
                if r.file in hi:
                    hi[r.file] = max(hi[r.file], r.first + r.count)
            if semantics is not None:
                ins.sem = semantics.get(ins.base)
            instrs.append(ins)
    assert len(instrs) == end_pc
    return Program(
        kernel=kernel.sym_name.data,
        arch=arch,
        instrs=instrs,
        max_sgpr=hi["s"],
        max_vgpr=hi["v"],
        max_agpr=hi["a"],
    )


def decode_op(op: InstOp, arch: str) -> Instr:
    """One instruction of SSA IR (virtual registers allowed; ``first`` is -1)."""
    from pyhip_mlir.codegen.asm_printer import format_inst

    return _decode_inst(op, arch, -1, {}, lambda b: "^bb", format_inst, virtual=True)


def _decode_inst(op: InstOp, arch: str, pc: int, start: dict[Block, int], label_of, fmt,  # noqa: ANN001
                 virtual: bool = False) -> Instr:
    idef = lookup(op.mnemonic, arch)
    if idef is None:
        raise DecodeError(f"'{op.mnemonic}' is not an instruction of {arch}", op)
    mods = op.mod_values()
    doc_mods = frozenset(doc_modifiers(idef, list(mods)))
    use_slots = _active_slots(idef, doc_mods, defs=False)
    def_slots = _active_slots(idef, doc_mods, defs=True)
    reads: list[RegRange] = []
    writes: list[RegRange] = []
    uses: list[Operand | None] = []
    items = [it for it in op.slot_items() if it[0] != "label"]
    target = start.get(op.targets[0]) if op.has_label_slot() else None
    use_slots = [s for s in use_slots if "label" not in s.imm]
    for i in range(len(use_slots)):
        if i >= len(items):
            uses.append(None)
            continue
        kind, val = items[i]
        if kind == "reg":
            assert isinstance(val, SSAValue)
            rng, special = _range_of(val, op, virtual)
            uses.append(Operand(reg=rng, special=special))
            reads.append(rng)
        else:
            named = SPECIAL_SLOTS.get(val) if isinstance(val, str) else None
            if named is not None:  # vcc_lo, exec_hi, ...: spelled as names, read as SGPRs
                rng = RegRange(*named)
                uses.append(Operand(reg=rng, special=val))  # type: ignore[arg-type]
                reads.append(rng)
            else:
                uses.append(Operand(value=val))  # type: ignore[arg-type]
    if len(items) > len(use_slots):
        raise DecodeError(f"{op.mnemonic}: more operands than the table's slots", op)
    defs: list[Operand] = []
    explicit_defs = list(op.defs)
    if len(explicit_defs) < len(def_slots):  # an optional destination left out
        def_slots = [s for s in def_slots if not s.optional][: len(explicit_defs)]
    for v in explicit_defs:
        rng, special = _range_of(v, op, virtual)
        defs.append(Operand(reg=rng, special=special))
        writes.append(rng)
    for v in op.implicit_uses:
        reads.append(_range_of(v, op, virtual)[0])
    for v in op.implicit_defs:
        writes.append(_range_of(v, op, virtual)[0])
    for slot in def_slots:
        if slot.role == "both":  # the tied input is read too
            k = def_slots.index(slot)
            reads.append(defs[k].reg)  # type: ignore[arg-type]
    try:
        text = fmt(op, label_of, arch)
    except Exception:  # noqa: BLE001 - a report text must never fail the decode
        text = op.mnemonic
    return Instr(
        pc=pc,
        mnemonic=op.mnemonic,
        idef=idef,
        uses=tuple(uses),
        use_slots=tuple(use_slots),
        defs=tuple(defs),
        def_slots=tuple(def_slots[: len(defs)]),
        mods=mods,
        doc_mods=doc_mods,
        opmods=op.opmod_values(),
        target=target,
        reads=tuple(dict.fromkeys(reads)),
        writes=tuple(dict.fromkeys(writes)),
        text=text,
        loc=_location(op),
    )
