"""Allocated cdna IR -> AMDGPU assembly text (the instructions of a kernel body).

Every instruction is printed from the instruction table (DESIGN.md decision 2): the
table's explicit operand slots, in assembly order, say where each result, register
operand, immediate and branch label goes. A slot with role ``def`` prints the next
result, ``use`` the next item of :meth:`InstOp.slot_items`, ``both`` (read and
written, tied in SSA) prints once, as the result -- or as the operand in a form that
does not write it (an atomic without glc/sc0 returns nothing). Implicit operands
(exec, scc, ...) print nothing. Trailing modifiers are printed in the order the LLVM assembler
requires (:data:`MODIFIER_RANK`), whatever order the IR holds them in.

Pseudo ops print as the moves they stand for once registers are known:
``cdna.copy``/``cdna.build``/``cdna.extract`` become ``s_mov_b32``/``s_mov_b64``/
``v_mov_b32``/``v_accvgpr_*`` per dword (nothing when the registers coincide; a
parallel copy is ordered so no source is overwritten before it is read, cycles of
VGPRs are broken with ``v_swap_b32``); ``cdna.get_reg`` prints nothing;
``cdna.fallthrough`` prints nothing, or ``s_branch`` when its target is not the next
block. Values a branch or fall-through passes to block arguments print nothing: they
must already be in the arguments' registers (equal types), else printing fails.
Structured control flow must have been lowered before printing.

Kernel directives and metadata live in :mod:`pyhip_mlir.codegen.kernel_directives`;
:func:`kernel_to_asm` and :func:`print_module_asm` are re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from xdsl.ir import Attribute, Block, Operation, SSAValue

from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.dialects.cdna.pseudo import (
    BuildOp,
    ConditionOp,
    CopyOp,
    ExtractOp,
    FallthroughOp,
    GetRegOp,
    IfOp,
    MergeLanesOp,
    ParallelCopyOp,
    WhileOp,
    YieldOp,
)
from pyhip_mlir.dialects.cdna.types import (
    RegType,
    SpecialRegType,
    describe_type,
)
from pyhip_mlir.dialects.cdna.undef import UndefOp
from pyhip_mlir.dialects.cdna.verify import block_name, doc_modifiers
from pyhip_mlir.dialects.isa.table import InstrDef, OperandDef, lookup, normalize_arch

if TYPE_CHECKING:
    from xdsl.dialects.builtin import ModuleOp

    from pyhip_mlir.dialects.cdna.kernel import KernelOp

LabelOf = Callable[[Block], str]

STRUCTURED_OPS = (IfOp, WhileOp, YieldOp, ConditionOp)
STRUCTURED_MSG = "structured control flow must be lowered before printing"

# DPP control keywords (all take the first place among a DPP instruction's modifiers).
DPP_CTRL_KEYS = (
    "quad_perm", "row_shl", "row_shr", "row_ror", "wave_shl", "wave_rol", "wave_shr",
    "wave_ror", "row_mirror", "row_half_mirror", "row_bcast", "row_newbcast",
    "row_share", "row_xmask",
)  # fmt: skip

# Position of each modifier keyword in LLVM's operand order (checked with llvm-mc-22:
# e.g. DPP needs ctrl, row_mask, bank_mask, bound_ctrl; VOP3 op_sel before clamp
# before omod; MUBUF format, idxen, offen, offset, cache bits, lds, tfe). Cache-policy
# bits (glc slc sc0 sc1 nt dlc scc) share a rank: LLVM takes them in any order.
MODIFIER_RANK: dict[str, int] = {
    **dict.fromkeys(DPP_CTRL_KEYS, 0),
    "row_mask": 1, "bank_mask": 2, "bound_ctrl": 3, "fi": 4,
    "format": 5, "dfmt": 5, "nfmt": 6,
    "dmask": 7, "unorm": 8,
    "idxen": 10, "offen": 11, "offset": 12, "offset0": 13, "offset1": 14,
    **dict.fromkeys(("glc", "slc", "sc0", "sc1", "nt", "dlc", "scc"), 20),
    "r128": 22, "a16": 22, "lds": 23, "gds": 24, "tfe": 25, "lwe": 26, "da": 27, "d16": 28,
    "op_sel": 30, "op_sel_hi": 31, "neg_lo": 32, "neg_hi": 33,
    "clamp": 40, "omod": 41, "mul": 41, "div": 41,
    "dst_sel": 50, "dst_unused": 51, "src0_sel": 52, "src1_sel": 53,
    "cbsz": 60, "abid": 61, "blgp": 62, "neg": 63,  # MFMA f64: neg:[..] last
}  # fmt: skip

# omod as an integer field value (VOP3 encoding) -> assembler spelling.
OMOD_NAMES = {0: "", 1: "mul:2", 2: "mul:4", 3: "div:2"}

# gfx9 s_waitcnt simm16 fields: (name, [(bit offset, width), ...] low bits first).
WAITCNT_FIELDS: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("vmcnt", ((0, 4), (14, 2))),
    ("expcnt", ((4, 3),)),
    ("lgkmcnt", ((8, 4),)),
)
WAITCNT_MASK = 0xCF7F  # bits that belong to some counter


class AsmPrintError(Exception):
    """An op that cannot be printed as assembly; ``op`` is the offending op."""

    def __init__(self, message: str, op: Operation | None = None):
        super().__init__(message)
        self.op = op


# --- operands ---------------------------------------------------------------------


def _value_name(value: SSAValue, what: str) -> str:
    return f"%{value.name_hint}" if value.name_hint else what


def reg_text(t: Attribute, slot_dwords: int | None = None) -> str:
    """Assembler name of a register type: ``v5``, ``s[4:5]``, ``exec``, ``vcc_lo``.

    A 64-bit special register (exec, vcc) in a 32-bit slot prints as its low half.
    Raises ``ValueError`` for unallocated or non-register types.
    """
    if isinstance(t, RegType):
        return t.asm_name()
    if isinstance(t, SpecialRegType):
        if t.dwords == 2 and slot_dwords == 1:
            return f"{t.reg}_lo"
        return t.reg
    raise ValueError(f"{t} is not a register type")


def _operand_text(op: InstOp, value: SSAValue, slot: OperandDef | None, what: str) -> str:
    t = value.type
    if isinstance(t, RegType) and not t.is_allocated:
        slot_name = f" '{slot.name}'" if slot else ""
        raise AsmPrintError(
            f"{op.mnemonic}: {what}{slot_name} {_value_name(value, '')}".rstrip()
            + f" is not allocated ({describe_type(t)})",
            op,
        )
    try:
        return reg_text(t, slot.dwords if slot else None)
    except ValueError as e:
        raise AsmPrintError(f"{op.mnemonic}: {what} has non-register type {t}", op) from e


def imm_text(value: object) -> str:
    """An immediate as llvm-mc reads it: ints up to 64 (and negatives) in decimal,
    larger ones in hex; floats as Python spells them (1.0, 0.5, 1e-05); strings verbatim."""
    if isinstance(value, bool):
        raise ValueError("booleans are not immediates")
    if isinstance(value, int):
        return str(value) if value <= 64 else hex(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"non-finite float immediate {value}")
        return repr(value)
    if isinstance(value, str):
        return value
    raise ValueError(f"unexpected immediate {value!r}")


def waitcnt_text(value: int) -> str:
    """Decode a gfx9 s_waitcnt simm16 as ``vmcnt(N) expcnt(N) lgkmcnt(N)``.

    Fields at their maximum (no wait) are omitted; a value with bits outside the
    counters prints as a plain integer.
    """
    if value & ~WAITCNT_MASK & 0xFFFF or not 0 <= value <= 0xFFFF:
        return imm_text(value)
    parts: list[str] = []
    every: list[str] = []
    for name, pieces in WAITCNT_FIELDS:
        n = 0
        shift = 0
        full = 0
        for off, width in pieces:
            n |= ((value >> off) & ((1 << width) - 1)) << shift
            full |= ((1 << width) - 1) << shift
            shift += width
        every.append(f"{name}({n})")
        if n != full:
            parts.append(f"{name}({n})")
    return " ".join(parts or every)


def modifier_text(key: str, value: object) -> str:
    """One trailing modifier: ``glc``, ``offset:16``, ``op_sel:[1,0]``, ``mul:2``."""
    if value is True:
        return key
    if key == "omod":
        if isinstance(value, int) and value in OMOD_NAMES:
            return OMOD_NAMES[value]
        return str(value)
    if isinstance(value, list | tuple):
        return f"{key}:[{','.join(str(int(v)) for v in value)}]"
    if isinstance(value, int) and not isinstance(value, bool):
        if key.endswith("mask"):
            return f"{key}:{hex(value)}"
        return f"{key}:{value}"
    return f"{key}:{value}"


def modifiers_text(mods: dict[str, object]) -> list[str]:
    """Modifiers in LLVM's order (stable for keys of equal or unknown rank)."""
    keys = [k for k, v in mods.items() if v is not False]
    order = sorted(range(len(keys)), key=lambda i: (MODIFIER_RANK.get(keys[i], 100), i))
    out = [modifier_text(keys[i], mods[keys[i]]) for i in order]
    return [t for t in out if t]


def _source_text(
    op: InstOp,
    kind: str,
    val: object,
    slot: OperandDef | None,
    opmod: str,
    label_of: LabelOf,
    index: int,
) -> str:
    if kind == "reg":
        assert isinstance(val, SSAValue)
        text = _operand_text(op, val, slot, f"operand {index}")
        parts = set(opmod.split(",")) if opmod else set()
        if "sext" in parts:
            text = f"sext({text})"
        if "abs" in parts:
            text = f"|{text}|"
        if "neg" in parts:
            text = f"-{text}"
        return text
    if kind == "label":
        assert isinstance(val, Block)
        return label_of(val)
    if (
        isinstance(val, int)
        and slot is not None
        and ("waitcnt" in slot.imm or op.mnemonic == "s_waitcnt")
    ):
        return waitcnt_text(val)
    try:
        return imm_text(val)
    except ValueError as e:
        raise AsmPrintError(f"{op.mnemonic}: operand {index}: {e}", op) from e


def instr_def_or_raise(op: InstOp, arch: str) -> InstrDef:
    idef = lookup(op.mnemonic, normalize_arch(arch))
    if idef is None:
        raise AsmPrintError(f"'{op.mnemonic}' is not an instruction of {arch}", op)
    return idef


def def_slot_indices(idef: InstrDef, op: InstOp) -> list[int]:
    """Indices (into ``idef.operands``) of the destination slots ``op``'s results fill.

    Mirrors the verifier: a slot with a ``when`` condition (an atomic's returned value
    exists only with glc/sc0; a buffer load's vdst only without lds) is present iff
    the condition holds for the op's modifiers; an optional destination without a
    condition may be left out.
    """
    mods = doc_modifiers(idef, list(op.mod_values()))
    when = idef.extra.get("when", {})
    fixed: list[int] = []
    maybe: list[int] = []
    for i, slot in enumerate(idef.operands):
        if not slot.is_def:
            continue
        cond = when.get(slot.name)
        if cond is not None:
            holds = cond[1:] not in mods if cond.startswith("!") else cond in mods
            if holds:
                fixed.append(i)
        elif slot.optional and slot.role == "def":
            maybe.append(i)
        else:
            fixed.append(i)
    n = len(op.defs)
    if len(fixed) == n:
        return fixed
    if len(fixed) + len(maybe) == n:
        return sorted(fixed + maybe)
    raise AsmPrintError(
        f"{op.mnemonic}: {n} result(s) do not fit its destination slots "
        f"({', '.join(s.name for s in idef.operands if s.is_def) or 'none'})",
        op,
    )


def format_inst(op: InstOp, label_of: LabelOf, arch: str) -> str:
    """One instruction as one line of assembly (no indentation, no newline)."""
    idef = instr_def_or_raise(op, arch)
    defs = list(op.defs)
    items = op.slot_items()
    opmods = op.opmod_values()
    with_def = set(def_slot_indices(idef, op))
    texts: list[str] = []
    di = ii = 0
    for idx, slot in enumerate(idef.operands):
        if idx in with_def:
            texts.append(_operand_text(op, defs[di], slot, f"result {di}"))
            di += 1
            if slot.role == "both" and ii < len(items):
                ii += 1  # the tied input: same register, printed once
            continue
        if slot.role == "def":
            continue  # a destination this form does not have
        if ii >= len(items):
            if slot.optional:
                continue
            raise AsmPrintError(f"{op.mnemonic}: operand '{slot.name}' is missing", op)
        kind, val = items[ii]
        texts.append(_source_text(op, kind, val, slot, opmods.get(ii, ""), label_of, ii))
        ii += 1
    if ii < len(items):
        raise AsmPrintError(
            f"{op.mnemonic}: more operands than the instruction has slots "
            f"({', '.join(s.name for s in idef.operands)})",
            op,
        )
    line = op.mnemonic
    if texts:
        line += " " + ", ".join(texts)
    mods = modifiers_text(op.mod_values())  # type: ignore[arg-type]
    if mods:
        line += " " + " ".join(mods)
    return line


# --- pseudo ops: moves ------------------------------------------------------------


def dword_names(t: Attribute) -> list[str]:
    """The 32-bit registers a type covers, as assembler names (``s4``, ``exec_lo``)."""
    if isinstance(t, RegType):
        return [f"{t.file}{i}" for i in t.registers()]
    if isinstance(t, SpecialRegType):
        return [f"{t.reg}_lo", f"{t.reg}_hi"] if t.dwords == 2 else [t.reg]
    raise ValueError(f"{t} is not a register type")


def _dword_file(name: str) -> str:
    if name == "scc":
        return "scc"
    if name[0] in "va" and name[1:].isdigit():
        return name[0]
    return "s"  # sN, exec_lo/hi, vcc_lo/hi, m0


def _pair_name(lo: str, hi: str) -> str | None:
    """``s[4:5]``/``exec``/``vcc`` if (lo, hi) is an aligned 64-bit SGPR pair."""
    for reg in ("exec", "vcc"):
        if (lo, hi) == (f"{reg}_lo", f"{reg}_hi"):
            return reg
    if lo[0] == "s" and hi[0] == "s" and lo[1:].isdigit() and hi[1:].isdigit():
        a, b = int(lo[1:]), int(hi[1:])
        if a % 2 == 0 and b == a + 1:
            return f"s[{a}:{b}]"
    return None


def _move_line(dst: str, src: str) -> str:
    fd, fs = _dword_file(dst), _dword_file(src)
    if fd == "s" and fs == "s":
        return f"s_mov_b32 {dst}, {src}"
    if fd == "s" and fs == "scc":
        return f"s_cselect_b32 {dst}, 1, 0"
    if fd == "scc" and fs == "s":
        return f"s_cmp_lg_u32 {src}, 0"
    if fd == "v" and fs in ("v", "s"):
        return f"v_mov_b32 {dst}, {src}"
    if fd == "v" and fs == "scc":
        return f"v_mov_b32 {dst}, src_scc"
    if fd == "v" and fs == "a":
        return f"v_accvgpr_read_b32 {dst}, {src}"
    if fd == "a" and fs in ("v", "s"):
        return f"v_accvgpr_write_b32 {dst}, {src}"
    if fd == "a" and fs == "a":
        return f"v_accvgpr_mov_b32 {dst}, {src}"
    raise ValueError(
        f"cannot move {src} to {dst}"
        + (" (a vector value needs v_readfirstlane_b32)" if fd in ("s", "scc") else "")
    )


def parallel_copy(moves: Sequence[tuple[str, str]]) -> list[str]:
    """Move lines performing all (dst, src) dword moves as if simultaneously.

    A move is emitted once no other pending move still reads its destination;
    adjacent aligned SGPR pairs become one ``s_mov_b64``. A cycle is broken with
    ``v_swap_b32`` when it involves only VGPRs, else ``ValueError``.
    """
    pending = [[d, s] for d, s in moves if d != s]
    dsts = [d for d, _ in pending]
    if len(set(dsts)) != len(dsts):
        raise ValueError(f"register written twice by one copy: {dsts}")
    lines: list[str] = []
    while pending:
        for i, m in enumerate(pending):
            nxt = pending[i + 1] if i + 1 < len(pending) else None
            if nxt is not None:
                pd, ps = _pair_name(m[0], nxt[0]), _pair_name(m[1], nxt[1])
                if pd and ps and _ready([m, nxt], pending):
                    lines.append(f"s_mov_b64 {pd}, {ps}")
                    del pending[i : i + 2]
                    break
            if _ready([m], pending):
                lines.append(_move_line(m[0], m[1]))
                del pending[i]
                break
        else:
            d, s = pending[0]
            if _dword_file(d) != "v" or _dword_file(s) != "v":
                raise ValueError(f"copy cycle through {d} and {s} needs a scratch register")
            lines.append(f"v_swap_b32 {d}, {s}")
            pending.pop(0)
            for m in pending:  # old d now lives in s and old s in d
                if m[1] == d:
                    m[1] = s
                elif m[1] == s:
                    m[1] = d
            pending = [m for m in pending if m[0] != m[1]]
    return lines


def _ready(unit: list[list[str]], pending: list[list[str]]) -> bool:
    """No pending move outside ``unit`` still reads a register ``unit`` writes."""
    written = {d for d, _ in unit}
    return not any(s in written for m in pending if all(m is not u for u in unit) for s in m[1:])


def _pseudo_moves(op: Operation) -> list[tuple[str, str]]:
    if isinstance(op, CopyOp):
        return list(zip(_names(op, op.res.type), _names(op, op.src.type), strict=True))
    if isinstance(op, ExtractOp):
        src = _names(op, op.src.type)
        dst = _names(op, op.res.type)
        off = op.offset.data
        return list(zip(dst, src[off : off + len(dst)], strict=True))
    if isinstance(op, BuildOp):
        srcs = [n for p in op.parts for n in _names(op, p.type)]
        return list(zip(_names(op, op.res.type), srcs, strict=True))
    if isinstance(op, ParallelCopyOp):
        return [m for s, r in zip(op.srcs, op.res, strict=True)
                for m in zip(_names(op, r.type), _names(op, s.type), strict=True)]
    raise AssertionError(op)


def _names(op: Operation, t: Attribute) -> list[str]:
    if isinstance(t, RegType) and not t.is_allocated:
        raise AsmPrintError(f"{op.name}: {describe_type(t)} is not allocated", op)
    try:
        return dword_names(t)
    except ValueError as e:
        raise AsmPrintError(f"{op.name}: {e}", op) from e


def pseudo_lines(op: Operation) -> list[str]:
    """The moves of a ``cdna.copy``/``cdna.build``/``cdna.extract`` (maybe none)."""
    moves = _pseudo_moves(op)
    try:
        return parallel_copy(moves)
    except ValueError as e:
        raise AsmPrintError(f"{op.name}: {e}", op) from e


# --- blocks -----------------------------------------------------------------------


def check_lowered(root: Operation) -> None:
    """Raise AsmPrintError if ``root`` still holds structured control flow."""
    for op in root.walk():
        if isinstance(op, STRUCTURED_OPS):
            raise AsmPrintError(f"{op.name}: {STRUCTURED_MSG}", op)


def branch_targets(blocks: Sequence[Block]) -> set[Block]:
    """Blocks some op jumps to (they get a label)."""
    out: set[Block] = set()
    for block in blocks:
        for op in block.ops:
            succ = list(op.successors)
            if isinstance(op, InstOp) and op.has_label_slot():
                out.add(succ.pop(0))
            out.update(b for b in succ if b is not block.next_block)
    return out


def body_lines(kernel: KernelOp, arch: str) -> list[str]:
    """Labels (unindented) and instructions (tab-indented) of a kernel's body."""
    check_lowered(kernel)
    blocks = list(kernel.body.blocks)
    index = {b: i for i, b in enumerate(blocks)}
    name = kernel.sym_name.data

    def label_of(block: Block) -> str:
        if block not in index:
            raise AsmPrintError(f"branch to a block outside kernel @{name}")
        return f".LBB{name}_{index[block]}"

    targets = branch_targets(blocks)
    lines: list[str] = []
    for block in blocks:
        if block in targets:
            lines.append(f"{label_of(block)}:")
        for op in block.ops:
            lines.extend("\t" + t for t in op_lines(op, block, label_of, arch))
    return lines


def check_edge_registers(op: Operation, dest: Block, values: Sequence[SSAValue]) -> None:
    """An edge passing values to block arguments prints as nothing but the jump, so
    every value must already sit in its argument's registers; moving them is the
    allocator's job (it inserts ``cdna.copy`` before the branch when they differ)."""
    what = op.mnemonic if isinstance(op, InstOp) else op.name
    for i, (v, a) in enumerate(zip(values, dest.args, strict=False)):
        for t, whose in ((v.type, "value"), (a.type, "block argument")):
            if isinstance(t, RegType) and not t.is_allocated:
                raise AsmPrintError(
                    f"{what}: {whose} {i} passed to {block_name(dest)} "
                    f"{_value_name(v if whose == 'value' else a, '')}".rstrip()
                    + f" is not allocated ({describe_type(t)})",
                    op,
                )
        if v.type != a.type:
            raise AsmPrintError(
                f"{what}: passes {describe_type(v.type)} to argument {i} of {block_name(dest)}, "
                f"which is {describe_type(a.type)}: block arguments need copies, which "
                "register allocation inserts",
                op,
            )


def op_lines(op: Operation, block: Block, label_of: LabelOf, arch: str) -> list[str]:
    """Assembly lines of one op of ``block`` (instructions without indentation)."""
    if isinstance(op, InstOp):
        if op.target_args:
            check_edge_registers(op, op.targets[0], op.target_args)
        lines = [format_inst(op, label_of, arch)]
        extra = op.targets[1 if op.has_label_slot() else 0 :]
        for target in extra:  # fall-through of a conditional branch
            if target is not block.next_block:
                lines.append(f"s_branch {label_of(target)}")
        return lines
    if isinstance(op, GetRegOp | UndefOp | MergeLanesOp):
        return []  # reads whatever the register holds
    if isinstance(op, CopyOp | BuildOp | ExtractOp | ParallelCopyOp):
        return pseudo_lines(op)
    if isinstance(op, FallthroughOp):
        check_edge_registers(op, op.dest, op.args)
        if op.dest is block.next_block:
            return []
        return [f"s_branch {label_of(op.dest)}"]
    if isinstance(op, STRUCTURED_OPS):
        raise AsmPrintError(f"{op.name}: {STRUCTURED_MSG}", op)
    raise AsmPrintError(f"{op.name} has no assembly form", op)


# --- kernels and modules (see kernel_directives) ----------------------------------


def kernel_to_asm(kernel: KernelOp, arch: str | None = None) -> str:
    """A complete assembly file for one kernel: code, descriptor and metadata."""
    from pyhip_mlir.codegen.kernel_directives import kernel_to_asm as impl

    return impl(kernel, arch)


def print_module_asm(module: ModuleOp, out: TextIO, arch: str | None = None) -> None:
    """Write every kernel of ``module`` as one assembly file (``arch`` overrides)."""
    from pyhip_mlir.codegen.kernel_directives import print_module_asm as impl

    impl(module, out, arch)
