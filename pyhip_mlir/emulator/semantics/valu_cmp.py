"""Semantics: VALU integer compares (``v_cmp_*``, ``v_cmpx_*``) and ``v_cndmask_b32``.

Every integer compare base of the gfx90a/gfx942/gfx950 tables
(``v_cmp[x]_{f,lt,eq,le,gt,ne,ge,t}_{i16,u16,i32,u32,i64,u64}``) is registered from
the tables themselves, so a new opcode is either covered or fails loudly in the
coverage test.

Rules (AMD CDNA3 ISA "Vector Compare" section; GFX9 VOPC):

* a compare writes a 64-bit lane mask to its destination slot (``vcc`` in the e32
  form, the ``sdst`` SGPR pair in e64/SDWA); bits of inactive lanes are 0 (the ISA's
  ``VCC[n] = EXEC[n] & test``; LLVM's ``isMaskedByExec`` relies on it);
* ``v_cmpx`` additionally writes the same mask to EXEC. On GFX9 (CDNA included)
  ``v_cmpx`` still writes its vcc/sdst destination too (GFX10+ dropped that); the
  table gives the e32 form a ``vcc`` def and an implicit ``exec`` def;
* ``f`` is always false, ``t`` always true (then masked by EXEC);
* 16-bit compares read the low half (SDWA: the selected byte/word).

``v_cndmask_b32``: ``D = mask[lane] ? src1 : src0`` with the mask from the vcc (e32,
SDWA, DPP) or ``ssrc2`` (e64) slot. The e64/SDWA/DPP forms accept float ``neg``/``abs``
source modifiers: they act on the sign bit (bit 31) as for an f32 operand.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from pyhip_mlir.dialects.isa.table import ARCHS, get_table
from pyhip_mlir.emulator import bits
from pyhip_mlir.emulator.semantics.registry import semantics
from pyhip_mlir.emulator.semantics.valu_int import s32, sext, u32

if TYPE_CHECKING:
    from pyhip_mlir.emulator.ctx import OpCtx

I64 = np.int64

_CMP: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "f": lambda a, b: np.zeros(np.broadcast_shapes(a.shape, b.shape), dtype=bool),
    "lt": np.less,
    "eq": np.equal,
    "le": np.less_equal,
    "gt": np.greater,
    "ne": np.not_equal,
    "lg": np.not_equal,
    "ge": np.greater_equal,
    "t": lambda a, b: np.ones(np.broadcast_shapes(a.shape, b.shape), dtype=bool),
}


def _read16(ctx: OpCtx, i: int, signed: bool) -> np.ndarray:
    if ctx.ins.idef.encoding == "sdwa":
        v = u32(ctx, i) & 0xFFFF
    else:
        v = ctx.half16(i).astype(I64)
    return sext(v, 16) if signed else v


_READ: dict[str, Callable[[OpCtx, int], np.ndarray]] = {
    "i16": lambda ctx, i: _read16(ctx, i, True),
    "u16": lambda ctx, i: _read16(ctx, i, False),
    "i32": lambda ctx, i: s32(u32(ctx, i)),
    "u32": u32,
    "i64": lambda ctx, i: ctx.i64(i),
    "u64": lambda ctx, i: ctx.u64(i),
}

_CMP_RE = re.compile(r"^v_(cmpx?)_([a-z]+)_([iu](?:16|32|64))$")


def _make_cmp(cond: str, ty: str, x: bool) -> Callable[[OpCtx], None]:
    op, read = _CMP[cond], _READ[ty]

    def run(ctx: OpCtx) -> None:
        result = op(read(ctx, 0), read(ctx, 1)) & ctx.exec_lanes()
        ctx.set_lanes(0, result)
        if x:
            ctx.set_exec(result)

    run.__doc__ = f"v_cmp{'x' if x else ''}_{cond}_{ty}: lane mask (inactive lanes 0)."
    return run


def _integer_compare_bases() -> dict[str, tuple[str, str, bool]]:
    found: dict[str, tuple[str, str, bool]] = {}
    for arch in ARCHS:
        table = get_table(arch).instructions
        for mnemonic in table:
            m = _CMP_RE.match(table[mnemonic].base)
            if m and m.group(2) in _CMP:
                found[table[mnemonic].base] = (m.group(2), m.group(3), m.group(1) == "cmpx")
    return found


INTEGER_COMPARES = _integer_compare_bases()
for _base, (_cond, _ty, _x) in sorted(INTEGER_COMPARES.items()):
    semantics(_base)(_make_cmp(_cond, _ty, _x))


def _bits_with_fmods(ctx: OpCtx, i: int) -> np.ndarray:
    """A b32 source: neg/abs (when given) flip/clear bit 31 as for an f32 operand."""
    mods = ctx.ins.opmods.get(i, "")
    if "neg" in mods or "abs" in mods:
        return bits.f32_bits(ctx.f32(i)).astype(I64)
    return u32(ctx, i)


@semantics("v_cndmask_b32")
def v_cndmask_b32(ctx: OpCtx) -> None:
    ctx.set(0, np.where(ctx.lanes(2), _bits_with_fmods(ctx, 1), _bits_with_fmods(ctx, 0)))
