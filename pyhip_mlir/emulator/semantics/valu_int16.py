"""Semantics: VALU 16-bit, packed (VOP3P) and dot-product integer ops.

Covers the 16-bit integer VOP2/VOP3 opcodes (add/sub/subrev, mul_lo, min/max,
shifts, min3/max3/med3, ``mad_{u16,i16}`` and their ``_legacy`` forms,
``mad_{u32_u16,i32_i16}``), the packed VOP3P integer ops (``v_pk_*_{u16,i16,b16}``),
``v_sat_pk_u8_i16`` and the integer dot products ``v_dot{2,4,8}[c]_*``.

Sources: AMD CDNA3 ("MI300") ISA guide and LLVM's AMDGPU backend. The 16-bit
destination rule is LLVM's ``GCNSubtarget::zeroesHigh16BitsOfDest`` for GFX9: the
opcodes inherited from VOP1/VOP2 (``V_ADD_U16``, ``V_MUL_LO_U16``, the ``b16``
shifts, ``V_MIN/MAX_[IU]16``) and the legacy ``V_MAD_U16/I16_e64`` (assembled as
``v_mad_legacy_u16/i16`` on GFX9) zero bits 31:16; the GFX9 VOP3 opcodes with
``op_sel`` (``v_add_i16``, ``v_mad_u16``, ``v_min3_i16``, ...) preserve the other half
and write the half ``op_sel[3]`` selects. So: preserve iff the table gives the
opcode an ``op_sel`` modifier. SDWA forms follow ``dst_sel``/``dst_unused``.

VOP3P: ``op_sel[i]`` picks the half of source ``i`` feeding the low result,
``op_sel_hi[i]`` (default 1) the half feeding the high one; integer ops have no
``neg``. 16-bit shift amounts use the low 4 bits. ``clamp`` saturates each result
to its type. Dot products compute exactly, then wrap to 32 bits (or saturate with
``clamp``); the ``c`` forms accumulate into their tied destination (use slot 0).

Uncertain: an integer inline constant feeding a packed op is used as its 32-bit
pattern (so ``1`` gives halves (1, 0)), as the context reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from pyhip_mlir.emulator.semantics.registry import semantics
from pyhip_mlir.emulator.semantics.valu_int import M32, Fn, sext, u32

if TYPE_CHECKING:
    from pyhip_mlir.emulator.ctx import OpCtx

I64 = np.int64
U16_RANGE = (0, 0xFFFF)
I16_RANGE = (-(1 << 15), (1 << 15) - 1)
U32_RANGE = (0, M32)
I32_RANGE = (-(1 << 31), (1 << 31) - 1)


def u16(ctx: OpCtx, i: int) -> np.ndarray:
    """The 16-bit operand ``i`` (op_sel / SDWA selected) as unsigned int64."""
    if ctx.ins.idef.encoding == "sdwa":
        return u32(ctx, i) & 0xFFFF
    return ctx.half16(i).astype(I64)


def s16(x: np.ndarray) -> np.ndarray:
    return sext(x, 16)


def _sat(ctx: OpCtx, wide: np.ndarray, rng: tuple[int, int] | None) -> np.ndarray:
    if rng is not None and ctx.mod("clamp"):
        return np.clip(wide, *rng)
    return wide


def set16(ctx: OpCtx, wide: np.ndarray, rng: tuple[int, int] | None = None) -> None:
    """Write a 16-bit result (saturated with ``clamp`` to ``rng``) by the GFX9 rule."""
    h = _sat(ctx, np.asarray(wide, dtype=I64), rng) & 0xFFFF
    ctx.set_u16(0, h, zero_high="op_sel" not in ctx.ins.idef.modifiers)


def _med3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    return np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))


# --- scalar 16-bit ops: base -> (fn of unsigned 16-bit operands, clamp range) --------

_OPS16: dict[str, tuple[int, Fn, tuple[int, int] | None]] = {
    # base: (operand count, fn, clamp range)
    "v_add_u16": (2, lambda a, b: a + b, U16_RANGE),
    "v_sub_u16": (2, lambda a, b: a - b, U16_RANGE),
    "v_subrev_u16": (2, lambda a, b: b - a, U16_RANGE),
    "v_add_i16": (2, lambda a, b: s16(a) + s16(b), I16_RANGE),
    "v_sub_i16": (2, lambda a, b: s16(a) - s16(b), I16_RANGE),
    "v_mul_lo_u16": (2, lambda a, b: a * b, None),
    "v_min_u16": (2, np.minimum, None),
    "v_max_u16": (2, np.maximum, None),
    "v_min_i16": (2, lambda a, b: np.minimum(s16(a), s16(b)), None),
    "v_max_i16": (2, lambda a, b: np.maximum(s16(a), s16(b)), None),
    "v_lshlrev_b16": (2, lambda a, b: b << (a & 15), None),
    "v_lshrrev_b16": (2, lambda a, b: b >> (a & 15), None),
    "v_ashrrev_i16": (2, lambda a, b: s16(b) >> (a & 15), None),
    "v_min3_u16": (3, lambda a, b, c: np.minimum(np.minimum(a, b), c), None),
    "v_max3_u16": (3, lambda a, b, c: np.maximum(np.maximum(a, b), c), None),
    "v_med3_u16": (3, lambda a, b, c: _med3(a, b, c), None),
    "v_min3_i16": (3, lambda a, b, c: np.minimum(np.minimum(s16(a), s16(b)), s16(c)), None),
    "v_max3_i16": (3, lambda a, b, c: np.maximum(np.maximum(s16(a), s16(b)), s16(c)), None),
    "v_med3_i16": (3, lambda a, b, c: _med3(s16(a), s16(b), s16(c)), None),
    "v_mad_u16": (3, lambda a, b, c: a * b + c, U16_RANGE),
    "v_mad_legacy_u16": (3, lambda a, b, c: a * b + c, U16_RANGE),
    "v_mad_i16": (3, lambda a, b, c: s16(a) * s16(b) + s16(c), I16_RANGE),
    "v_mad_legacy_i16": (3, lambda a, b, c: s16(a) * s16(b) + s16(c), I16_RANGE),
}


def _make16(nargs: int, fn: Fn, rng: tuple[int, int] | None) -> Callable[[OpCtx], None]:
    def run(ctx: OpCtx) -> None:
        set16(ctx, fn(*(u16(ctx, i) for i in range(nargs))), rng)

    run.__doc__ = "16-bit integer VALU op (see the module table)."
    return run


for _name, (_n, _fn, _rng) in _OPS16.items():
    semantics(_name)(_make16(_n, _fn, _rng))


@semantics("v_mad_u32_u16")
def v_mad_u32_u16(ctx: OpCtx) -> None:
    ctx.set_int_clamped(0, u16(ctx, 0) * u16(ctx, 1) + u32(ctx, 2), *U32_RANGE)


@semantics("v_mad_i32_i16")
def v_mad_i32_i16(ctx: OpCtx) -> None:
    c = sext(u32(ctx, 2), 32)
    ctx.set_int_clamped(0, s16(u16(ctx, 0)) * s16(u16(ctx, 1)) + c, *I32_RANGE)


@semantics("v_sat_pk_u8_i16")
def v_sat_pk_u8_i16(ctx: OpCtx) -> None:
    """D = {16'b0, sat_u8(S0.i16[1]), sat_u8(S0.i16[0])}."""
    a = u32(ctx, 0)
    lo = np.clip(s16(a & 0xFFFF), 0, 255)
    hi = np.clip(s16(a >> 16), 0, 255)
    ctx.set(0, lo | (hi << 8))


# --- packed VOP3P ----------------------------------------------------------------------


def pk_halves(ctx: OpCtx, i: int) -> tuple[np.ndarray, np.ndarray]:
    """VOP3P source ``i`` as the unsigned 16-bit (low-result, high-result) inputs."""
    w = u32(ctx, i)
    sel = ctx.mod("op_sel") or ()
    sel_hi = ctx.mod("op_sel_hi")
    lo_from_hi = bool(sel[i]) if i < len(sel) else False
    hi_from_hi = bool(sel_hi[i]) if sel_hi is not None and i < len(sel_hi) else True
    return (w >> 16 if lo_from_hi else w & 0xFFFF), (w >> 16 if hi_from_hi else w & 0xFFFF)


_PK: dict[str, tuple[int, Fn, tuple[int, int] | None]] = {
    "v_pk_add_u16": (2, lambda a, b: a + b, U16_RANGE),
    "v_pk_sub_u16": (2, lambda a, b: a - b, U16_RANGE),
    "v_pk_add_i16": (2, lambda a, b: s16(a) + s16(b), I16_RANGE),
    "v_pk_sub_i16": (2, lambda a, b: s16(a) - s16(b), I16_RANGE),
    "v_pk_mul_lo_u16": (2, lambda a, b: a * b, None),
    "v_pk_min_u16": (2, np.minimum, None),
    "v_pk_max_u16": (2, np.maximum, None),
    "v_pk_min_i16": (2, lambda a, b: np.minimum(s16(a), s16(b)), None),
    "v_pk_max_i16": (2, lambda a, b: np.maximum(s16(a), s16(b)), None),
    "v_pk_lshlrev_b16": (2, lambda a, b: b << (a & 15), None),
    "v_pk_lshrrev_b16": (2, lambda a, b: b >> (a & 15), None),
    "v_pk_ashrrev_i16": (2, lambda a, b: s16(b) >> (a & 15), None),
    "v_pk_mad_u16": (3, lambda a, b, c: a * b + c, U16_RANGE),
    "v_pk_mad_i16": (3, lambda a, b, c: s16(a) * s16(b) + s16(c), I16_RANGE),
}


def _make_pk(nargs: int, fn: Fn, rng: tuple[int, int] | None) -> Callable[[OpCtx], None]:
    def run(ctx: OpCtx) -> None:
        srcs = [pk_halves(ctx, i) for i in range(nargs)]
        lo = _sat(ctx, fn(*(s[0] for s in srcs)), rng) & 0xFFFF
        hi = _sat(ctx, fn(*(s[1] for s in srcs)), rng) & 0xFFFF
        ctx.set(0, lo | (hi << 16))

    run.__doc__ = "Packed 2 x 16-bit integer VOP3P op (see the module table)."
    return run


for _name, (_n, _fn, _rng) in _PK.items():
    semantics(_name)(_make_pk(_n, _fn, _rng))


# --- dot products: base -> (element bits, signed) ----------------------------------------

_DOT: dict[str, tuple[int, bool]] = {
    "v_dot2_i32_i16": (16, True),
    "v_dot2_u32_u16": (16, False),
    "v_dot4_i32_i8": (8, True),
    "v_dot4_u32_u8": (8, False),
    "v_dot8_i32_i4": (4, True),
    "v_dot8_u32_u4": (4, False),
    "v_dot2c_i32_i16": (16, True),
    "v_dot4c_i32_i8": (8, True),
    "v_dot8c_i32_i4": (4, True),
}


def _make_dot(width: int, signed: bool, accumulate: bool) -> Callable[[OpCtx], None]:
    def run(ctx: OpCtx) -> None:
        first = 1 if accumulate else 0  # the c forms: use slot 0 is the tied vdst
        a, b = u32(ctx, first), u32(ctx, first + 1)
        acc = u32(ctx, 0 if accumulate else 2)
        total = sext(acc, 32) if signed else acc
        m = (1 << width) - 1
        for k in range(32 // width):
            x, y = (a >> (width * k)) & m, (b >> (width * k)) & m
            total = total + (sext(x, width) * sext(y, width) if signed else x * y)
        ctx.set_int_clamped(0, total, *(I32_RANGE if signed else U32_RANGE))

    run.__doc__ = "Integer dot product with a 32-bit accumulator."
    return run


for _name, (_w, _signed) in _DOT.items():
    semantics(_name)(_make_dot(_w, _signed, accumulate=_name.split("_")[1].endswith("c")))
