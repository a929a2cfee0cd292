"""Table-driven verification of instruction ops, and of the values edges pass to blocks.

Everything checked about an instruction comes from the instruction table of the op's
architecture: the mnemonic exists, the operand count, each operand's register file,
width and alignment, immediates only where the slot takes one, implicit special
registers, and modifiers the instruction actually has. Errors are
``VerifyException``s whose text names the operand slot as the LLVM syntax docs do
(``vdst``, ``src1``, ``saddr``).

Block arguments (the phis of a CFG in SSA form) are checked per edge: a branch's
label target receives ``target_args``, a ``cdna.fallthrough`` its ``args``, and every
other edge (the fall-through successor of a conditional branch) passes nothing, so
it may only enter a block without arguments.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.utils.exceptions import VerifyException

from pyhip_mlir.dialects.cdna.types import UNALLOCATED, RegType, SpecialRegType, describe_type
from pyhip_mlir.dialects.isa.table import (
    ARCHS,
    InstrDef,
    OperandDef,
    UnknownArchError,
    get_table,
    normalize_arch,
)

if TYPE_CHECKING:
    from pyhip_mlir.dialects.cdna.inst import InstOp

# Assembler keywords of DPP controls; the docs group them as one "dpp*_ctrl" modifier.
DPP_CTRL_KEYS = frozenset(
    {
        "quad_perm", "row_shl", "row_shr", "row_ror", "wave_shl", "wave_rol", "wave_shr",
        "wave_ror", "row_mirror", "row_half_mirror", "row_bcast", "row_newbcast",
        "row_share", "row_xmask",
    }
)  # fmt: skip

# Architectures whose VGPR/AGPR tuples must start at an even register.
EVEN_VECTOR_TUPLES = frozenset({"gfx90a", "gfx942", "gfx950"})


def modifier_matches(key: str, doc_name: str) -> bool:
    """Whether assembler keyword ``key`` is the LLVM doc modifier ``doc_name``."""
    if key == doc_name:
        return True
    if key in ("offset0", "offset1"):
        return doc_name.startswith("ds_offset8") and doc_name.endswith(key[-1])
    if key == "offset":
        # ds_swizzle's offset:swizzle(...) is the doc's "pattern".
        return doc_name == "pattern" or (
            "offset" in doc_name and not doc_name.startswith("ds_offset8")
        )
    if key in DPP_CTRL_KEYS:
        return doc_name.startswith("dpp") and doc_name.endswith("ctrl")
    if key in ("dfmt", "nfmt", "format"):
        return "fmt" in doc_name or doc_name == "format"
    return doc_name.endswith("_" + key) or doc_name.startswith(key + "_")


def suggest(mnemonic: str, arch: str) -> str:
    table = get_table(arch)
    others = [a for a in ARCHS if a != arch and mnemonic in get_table(a)]
    if others:
        return f" (it exists on {', '.join(others)})"
    close = difflib.get_close_matches(mnemonic, table.instructions.keys(), n=3, cutoff=0.75)
    return f"; did you mean {', '.join(close)}?" if close else ""


def lookup_or_raise(mnemonic: str, arch: str) -> InstrDef:
    arch = normalize_arch(arch)
    idef = get_table(arch).get(mnemonic)
    if idef is None:
        raise VerifyException(f"'{mnemonic}' is not an instruction of {arch}{suggest(mnemonic, arch)}")
    return idef


def _alignment(t: RegType, arch: str, override: int = 1) -> int:
    if t.file == "s":
        base = 4 if t.nregs >= 4 else (2 if t.nregs == 2 else 1)
    else:
        base = 2 if t.nregs >= 2 and arch in EVEN_VECTOR_TUPLES else 1
    return max(base, override)


def check_register(
    t: Attribute,
    slot: OperandDef,
    arch: str,
    what: str,
    *,
    widths: tuple[int, ...] = (),
    align: int = 1,
) -> None:
    """A register of type ``t`` may stand in ``slot``; raise otherwise."""
    widths = widths or (slot.dwords,)
    if isinstance(t, RegType):
        # The common case, checked inline (this runs for every operand of every op).
        index = t.index.data
        if (
            t.FILE in slot.files
            and t.width.data in widths
            and (index == UNALLOCATED or index % _alignment(t, arch, align) == 0)
        ):
            return
    elif isinstance(t, SpecialRegType):
        if t.reg in slot.special and t.dwords in widths:
            return
        if t.reg in slot.special:
            raise VerifyException(
                f"{what} '{slot.name}' is {slot.dwords} dword(s) wide; {t.reg} is {t.dwords}"
                + (f" (write \"{t.reg}_lo\" or \"{t.reg}_hi\")" if t.dwords == 2 else "")
            )
        raise VerifyException(
            f"{what} '{slot.name}' does not accept {t.reg}"
            + (f" (accepts {_accepts(slot)})" if _accepts(slot) else "")
        )
    if not isinstance(t, RegType):
        raise VerifyException(f"{what} '{slot.name}' has non-register type {t}")
    if t.file not in slot.files:
        raise VerifyException(
            f"{what} '{slot.name}' does not accept a {t.file}gpr (accepts {_accepts(slot)})"
        )
    if t.nregs not in widths:
        want = " or ".join(str(w) for w in sorted(set(widths)))
        raise VerifyException(
            f"{what} '{slot.name}' must be {want} dword{'s' if max(widths) > 1 else ''}"
            f" wide, got {describe_type(t)}"
        )
    if t.is_allocated:
        need = _alignment(t, arch, align)
        if t.first % need:
            raise VerifyException(
                f"{what} '{slot.name}': {t.asm_name()} must start at a multiple of {need}"
            )


def _accepts(slot: OperandDef) -> str:
    kinds = [f"{f}gpr" for f in slot.files] + list(slot.special)
    if slot.imm:
        kinds.append("immediates")
    return ", ".join(kinds)


def doc_modifiers(idef: InstrDef, keys: list[str]) -> set[str]:
    """The table (doc) modifier names that the assembler keywords ``keys`` stand for."""
    return {m for k in keys for m in idef.modifiers if modifier_matches(k, m)}


def _def_present(idef: InstrDef, slot: OperandDef, mods: set[str]) -> bool | None:
    """Whether a destination slot is present: True/False, or None if either is valid."""
    active = idef.slot_active(slot.name, mods)
    if active is not None:
        return active
    if slot.optional and slot.role == "def":
        return None
    return True


def _pick_def_slots(idef: InstrDef, mods: set[str], n: int) -> list[OperandDef] | None:
    """The destination slots an op with ``n`` results fills, or None if none fits."""
    fixed: list[OperandDef] = []
    maybe: list[OperandDef] = []
    order: list[tuple[OperandDef, bool | None]] = []
    for o in idef.operands:
        if o.role in ("def", "both"):
            p = _def_present(idef, o, mods)
            order.append((o, p))
            (fixed if p else maybe if p is None else []).append(o)
    if len(fixed) == n:
        return [o for o, p in order if p]
    if len(fixed) + len(maybe) == n:
        return [o for o, p in order if p is not False]
    return None


@dataclass(frozen=True)
class _Shape:
    """What the table says about an instruction with given modifiers and result count:
    everything :func:`verify_inst` needs that does not depend on the operands.

    Computed once per (mnemonic, arch, modifier keywords, result count) instead of per
    op: matching keywords to doc modifiers and picking destination slots are most of
    the verifier's work otherwise.
    """

    arch: str
    idef: InstrDef
    def_slots: tuple[OperandDef, ...]
    def_checks: tuple[tuple[OperandDef, tuple[int, ...], int], ...]  # slot, widths, align
    use_slots: tuple[OperandDef, ...]
    use_checks: tuple[tuple[OperandDef, tuple[int, ...], int], ...]
    required: int
    want_uses: tuple[str, ...]
    constant_bus: bool
    # (result index, use-slot index) of read-and-written slots
    tied: tuple[tuple[int, int], ...]


@lru_cache(maxsize=4096)
def _shape(mnemonic: str, op_arch: str, mod_keys: tuple[str, ...], ndefs: int) -> _Shape:
    """Raises the verifier's errors about the mnemonic, modifiers and result count,
    in the order it checks them (exceptions are not cached)."""
    try:
        arch = normalize_arch(op_arch)
    except UnknownArchError as e:
        raise VerifyException(str(e)) from e
    idef = lookup_or_raise(mnemonic, arch)
    for key in mod_keys:
        if not any(modifier_matches(key, m) for m in idef.modifiers):
            have = ", ".join(idef.modifiers) or "none"
            raise VerifyException(
                f"'{mnemonic}' does not accept the modifier '{key}' (accepts: {have})"
            )
    mods = doc_modifiers(idef, list(mod_keys))
    for req in idef.extra.get("required", ()):
        if req not in mods:
            raise VerifyException(f"'{mnemonic}' requires the modifier '{req}'")
    alt = idef.extra.get("alt_dwords", {})
    aligns = idef.extra.get("align", {})

    def check(slot: OperandDef) -> tuple[OperandDef, tuple[int, ...], int]:
        widths = (slot.dwords, alt[slot.name]) if slot.name in alt else (slot.dwords,)
        return slot, widths, aligns.get(slot.name, 1)

    def_slots = _pick_def_slots(idef, mods, ndefs)
    if def_slots is None:
        names = [o.name for o in idef.operands if o.role in ("def", "both")]
        raise VerifyException(
            f"'{mnemonic}' with modifiers [{', '.join(mod_keys)}] cannot define "
            f"{ndefs} operand(s) (destination slots: {', '.join(names) or 'none'})"
        )
    use_slots = tuple(o for o in idef.operands if o.role in ("use", "both"))
    want_uses = list(idef.implicit_uses_with(mods))
    return _Shape(
        arch=arch,
        idef=idef,
        def_slots=tuple(def_slots),
        def_checks=tuple(check(s) for s in def_slots),
        use_slots=use_slots,
        use_checks=tuple(check(s) for s in use_slots),
        required=sum(1 for s in use_slots if not s.optional),
        want_uses=tuple(want_uses),
        constant_bus=idef.family.startswith("VOP") and idef.base not in ("v_readlane_b32", "v_readfirstlane_b32"),
        tied=tuple(
            (i, use_slots.index(slot)) for i, slot in enumerate(def_slots) if slot.role == "both"
        ),
    )


def verify_inst(op: InstOp) -> None:
    mod_keys = tuple(op.mod_values())
    defs = op.defs
    shape = _shape(op.mnemonic, op.arch(), mod_keys, len(defs))
    arch = shape.arch
    for r, (slot, widths, align) in zip(defs, shape.def_checks, strict=True):
        check_register(r.type, slot, arch, "result", widths=widths, align=align)

    use_slots = shape.use_slots
    items = op.slot_items()
    if not shape.required <= len(items) <= len(use_slots):
        required = shape.required
        expect = str(len(use_slots)) if required == len(use_slots) else f"{required}..{len(use_slots)}"
        raise VerifyException(
            f"'{op.mnemonic}' takes {expect} source operand(s) "
            f"({', '.join(s.name for s in use_slots) or 'none'}), got {len(items)}"
        )
    opmods = op.opmod_values()
    for i, ((kind, val), (slot, widths, align)) in enumerate(
        zip(items, shape.use_checks, strict=False)
    ):
        if kind == "reg":
            check_register(val.type, slot, arch, "operand", widths=widths, align=align)  # type: ignore[union-attr]
            if opmods:
                for m in opmods.get(i, "").split(","):
                    if m and m not in slot.opmods:
                        raise VerifyException(
                            f"operand '{slot.name}' of '{op.mnemonic}' does not take the '{m}' modifier"
                        )
        elif kind == "imm":
            if not slot.imm and not slot.special and not isinstance(val, str):
                raise VerifyException(
                    f"operand '{slot.name}' of '{op.mnemonic}' must be a register "
                    f"({_accepts(slot)}), not the immediate {val!r}"
                )
        elif "label" not in slot.imm:
            raise VerifyException(f"operand '{slot.name}' of '{op.mnemonic}' is not a branch target")

    _check_immediates(op, items, list(use_slots))
    if shape.constant_bus:
        _check_constant_bus(op, items, list(use_slots), shape.idef)
    if shape.idef.base.startswith("global_"):
        _check_global_address(op, items, list(use_slots))

    for r_idx, idx in shape.tied:
        if idx < len(items) and items[idx][0] == "reg":
            r = defs[r_idx]
            slot = shape.def_slots[r_idx]
            tied = items[idx][1].type  # type: ignore[union-attr]
            if tied != r.type:
                raise VerifyException(
                    f"'{slot.name}' of '{op.mnemonic}' is read and written: its input "
                    f"({describe_type(tied)}) and result ({describe_type(r.type)}) must match"
                )

    got_uses = [_special(v.type) for v in op.implicit_uses]
    if tuple(got_uses) != shape.want_uses:
        raise VerifyException(
            f"'{op.mnemonic}' implicitly reads ({', '.join(shape.want_uses)}), "
            f"got implicit({', '.join(got_uses)})"
        )
    want_defs = shape.idef.implicit_defs
    got_defs = [_special(r.type) for r in op.implicit_defs]
    if tuple(got_defs) != tuple(want_defs):
        raise VerifyException(
            f"'{op.mnemonic}' implicitly writes ({', '.join(want_defs)}), "
            f"got ({', '.join(got_defs)})"
        )
    if op.successors or op.target_args:
        _check_inst_edges(op)


# --- block arguments --------------------------------------------------------------


def block_name(block: Block) -> str:
    """How the printer names ``block``: its name hint, else ``^bb<index in region>``."""
    if block.name_hint:
        return f"^{block.name_hint}"
    region = block.parent
    if region is None:
        return "^bb?"
    return f"^bb{next(i for i, b in enumerate(region.blocks) if b is block)}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def check_edge_args(op: Operation, dest: Block, values: Sequence[SSAValue]) -> None:
    """The values an edge of ``op`` passes to ``dest`` match its block arguments."""
    args = dest.args
    if len(values) != len(args):
        raise VerifyException(
            f"{op.name} passes {_count(len(values), 'value')} to {block_name(dest)}, "
            f"which takes {_count(len(args), 'argument')}"
        )
    for i, (v, a) in enumerate(zip(values, args, strict=True)):
        if v.type != a.type:
            raise VerifyException(
                f"{op.name} passes a wrong type to {block_name(dest)}: argument {i} of "
                f"{block_name(dest)} is {a.type}, got {v.type}"
            )


def _check_inst_edges(op: InstOp) -> None:
    targets = op.targets
    label = op.has_label_slot()
    if label:
        check_edge_args(op, targets[0], op.target_args)
    elif op.target_args:
        raise VerifyException(f"{op.name} passes block arguments but has no branch target")
    for dest in targets[1 if label else 0 :]:
        if dest.args:
            raise VerifyException(
                f"{op.name} falls through to {block_name(dest)}, which takes "
                f"{_count(len(dest.args), 'argument')}: only the branch target receives "
                "values (fall through to a block without arguments that branches on)"
            )


# Inline constants of the gfx9 encoding: no literal dword needed.
INLINE_INTS = range(-16, 65)
INLINE_FLOATS = frozenset({0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 4.0, -4.0, 0.15915494309189535})
# What a VALU op may read besides VGPRs: on gfx9 one scalar value per instruction.
CONSTANT_BUS_LIMIT = 1


def is_inline_constant(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value in INLINE_INTS
    if isinstance(value, float):
        return value in INLINE_FLOATS or abs(value - 0.15915494309189535) < 1e-9
    return True  # symbolic operands (src_* constants, hwreg(...)) are not literals


def _check_immediates(op: InstOp, items: list[tuple[str, object]], slots: list[OperandDef]) -> None:
    for (kind, val), slot in zip(items, slots, strict=False):
        if kind != "imm" or is_inline_constant(val):
            continue
        if set(slot.imm) <= {"inline"} and slot.imm:
            raise VerifyException(
                f"operand '{slot.name}' of '{op.mnemonic}' takes only inline constants "
                f"(-16..64, ±0.5, ±1.0, ±2.0, ±4.0, 1/(2π)); {val!r} needs a register"
            )


def _check_global_address(op: InstOp, items: list[tuple[str, object]], slots: list[OperandDef]) -> None:
    """global_*: the VGPR address is 64 bits without an SGPR base (``off``), 32 bits
    (an offset) with one."""
    by_name = {slot.name: item for item, slot in zip(items, slots, strict=False)}
    vaddr, saddr = by_name.get("vaddr"), by_name.get("saddr")
    if vaddr is None or vaddr[0] != "reg":
        return
    t = vaddr[1].type  # type: ignore[union-attr]
    if not isinstance(t, RegType) or t.file != "v":
        return
    sgpr_base = saddr is not None and saddr[0] == "reg"
    want = 1 if sgpr_base else 2
    if t.nregs != want:
        how = ("with an SGPR base (saddr) the VGPR address is a 32-bit offset: one VGPR"
               if sgpr_base else "with saddr 'off' the VGPR address is 64 bits: a VGPR pair")
        raise VerifyException(f"'{op.mnemonic}': {how}, not {describe_type(t)}")


def _check_constant_bus(
    op: InstOp, items: list[tuple[str, object]], slots: list[OperandDef], idef: InstrDef
) -> None:
    """A gfx9 VALU instruction reads at most one SGPR, special register or literal."""
    scalars: list[str] = []
    seen: set[object] = set()
    for (kind, val), slot in zip(items, slots, strict=False):
        if kind == "reg":
            t = val.type  # type: ignore[union-attr]
            if isinstance(t, RegType) and t.file == "s":
                key: object = (t.first, t.nregs) if t.is_allocated else val
            elif isinstance(t, SpecialRegType) and t.reg == "m0" and slot.name == "ssrc1":
                continue  # v_writelane's lane select may be m0 on top of one SGPR
            elif isinstance(t, SpecialRegType) and t.reg in ("vcc", "m0", "exec"):
                key = t.reg
            else:
                continue
            if key not in seen:
                seen.add(key)
                scalars.append(describe_type(t))
        elif kind == "imm" and not is_inline_constant(val):
            scalars.append(f"literal {val!r}")
        elif kind == "imm" and isinstance(val, str) and val.startswith(("vcc", "exec", "m0", "ttmp", "flat_scratch", "xnack")):
            if val not in seen:
                seen.add(val)
                scalars.append(val)
    if "vcc" in idef.implicit_uses and "vcc" not in seen:
        scalars.append("vcc (implicit)")
    if len(scalars) > CONSTANT_BUS_LIMIT:
        raise VerifyException(
            f"'{op.mnemonic}' reads {len(scalars)} scalar values ({', '.join(scalars)}); "
            f"a gfx9 VALU instruction can read only {CONSTANT_BUS_LIMIT} (copy the others to VGPRs)"
        )


def _special(t: Attribute) -> str:
    if isinstance(t, SpecialRegType):
        return t.reg
    return describe_type(t)
