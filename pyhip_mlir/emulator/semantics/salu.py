"""Semantics: the scalar ALU (SOP1, SOP2, SOPC, SOPK data operations; EXEC masking).

Covers moves (``s_mov``/``s_cmov``/``s_movk``/``s_cmovk``), integer arithmetic with
carry/overflow in SCC, min/max, abs/absdiff, multiplies, the bitwise family (b32/b64,
SCC = result != 0), shifts (amount masked to 5 or 6 bits), bit-field extract/mask,
bit counting and searching, sign extension, 16-bit packing, compares (SOPC and the
SOPK ``s_cmpk_*`` forms) and every ``*_saveexec_b64`` / ``*_wrexec_b64`` form.
Program control, waits, hardware registers and timers are in ``salu_control``.

Operands are per wave: a scalar read is ``(n, 1)``. Sources are read before any
result is written, so a destination may alias a source. A ``both`` operand (the
destination of ``s_cmov``, ``s_bitset*``, ``s_addk``, ``s_mulk``, ``s_cmovk``) is use
slot 0 and the instruction's other source is use slot 1.

Sources of the facts: AMD "CDNA4 Instruction Set Architecture" chapter 12 (SOP2,
SOPK, SOP1, SOPC pseudocode; the scalar instructions are unchanged from CDNA3/MI300)
and the AMD "Vega" (GCN5) ISA guide, which together give:

* ``s_add_u32``/``s_addc_u32``: SCC = carry out of the 33-bit sum; ``s_sub_u32``/
  ``s_subb_u32``: SCC = borrow (``S1 (+ SCC) > S0`` unsigned); ``s_add_i32``/
  ``s_sub_i32``/``s_addk_i32``: SCC = signed overflow;
* ``s_min_*``: SCC = ``S0 < S1``; ``s_max_*``: SCC = ``S0 >= S1`` (SCC says "the first
  operand was selected");
* ``s_lshl{1..4}_add_u32``: ``tmp = (u64(S0) << N) + S1``, SCC = ``tmp >= 2**32`` (bits
  shifted out of the low 32 count as carry);
* ``s_bfe_*``: offset ``S1[4:0]`` (``[5:0]`` for 64-bit), width ``S1[22:16]``; a width
  of 0 gives 0; the signed forms sign-extend from bit ``width - 1``. A width at or
  beyond the operand size (possible: the field has 7 bits) is taken as "all the
  remaining bits" (mask of all ones); the pseudocode's ``(1 << width) - 1`` leaves this
  case implicit, so that reading is an assumption shared with the older GCN guides;
* ``s_abs_i32(0x80000000)`` and ``s_absdiff_i32(0x80000000, 0)`` give 0x80000000;
* ``s_ff0``/``s_ff1``/``s_flbit*`` return -1 when nothing is found; ``s_flbit_i32``
  counts the leading bits equal to the sign bit (0 and -1 give -1);
* ``s_cmpk_*_i32`` sign-extend the 16-bit constant, ``s_cmpk_*_u32`` zero-extend it;
  ``s_movk``/``s_cmovk``/``s_addk``/``s_mulk`` sign-extend it;
* saveexec: ``D = old EXEC; EXEC = op(S0, EXEC)``; wrexec: ``EXEC = op(S0, EXEC);
  D = new EXEC``; both set SCC = (new EXEC != 0).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from pyhip_mlir.emulator import bits
from pyhip_mlir.emulator.semantics.registry import SemFn, semantics

if TYPE_CHECKING:  # ctx imports program, which imports this package: no runtime import
    from pyhip_mlir.emulator.ctx import OpCtx

U32 = np.uint32
U64 = np.uint64
I64 = np.int64
M32 = 0xFFFFFFFF
INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1

Binary = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _register(name: str, fn: SemFn) -> None:
    semantics(name)(fn)


def _sext16(value: int) -> int:
    return ((int(value) & 0xFFFF) ^ 0x8000) - 0x8000


def _read(ctx: OpCtx, i: int, kind: str) -> np.ndarray:
    """Operand ``i`` typed as "u32" (uint32), "i32" (int64), "u64" or "i64"."""
    if kind == "u32":
        return ctx.u32(i)
    if kind == "i32":
        return ctx.i32(i)
    if kind == "u64":
        return ctx.u64(i)
    return ctx.i64(i)


def _write_scc_nz(ctx: OpCtx, value: np.ndarray, width: int) -> None:
    """Write def 0 and set SCC = (the ``width``-bit result != 0)."""
    v = np.asarray(value)
    if width == 32:  # keep the low 32 bits (signed values by their two's complement)
        v = (v.astype(I64).astype(U64) if v.dtype.kind == "i" else v.astype(U64)) & U64(M32)
    ctx.set(0, v)
    ctx.set_scc(v != 0)


# --- bit helpers (vectorised over (n, 1) values) ------------------------------------


def _bit_array(x: np.ndarray, width: int) -> np.ndarray:
    """(..., width) uint8 bits of ``x``, bit 0 first."""
    x64 = np.asarray(x).astype(U64)
    return ((x64[..., None] >> np.arange(width, dtype=U64)) & U64(1)).astype(np.uint8)


def _from_bits(b: np.ndarray) -> np.ndarray:
    """Inverse of :func:`_bit_array`: (..., w) bits -> uint64."""
    w = b.shape[-1]
    return np.bitwise_or.reduce(b.astype(U64) << np.arange(w, dtype=U64), axis=-1)


def _first_set(b: np.ndarray) -> np.ndarray:
    """Index of the first nonzero entry along the last axis, -1 if none (int64)."""
    return np.where(b.any(axis=-1), np.argmax(b, axis=-1), -1).astype(I64)


# --- SOP2: bitwise (b32 and b64; SCC = result != 0) ----------------------------------

_BITWISE: dict[str, Binary] = {
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
    "andn2": lambda a, b: a & ~b,
    "orn2": lambda a, b: a | ~b,
    "nand": lambda a, b: ~(a & b),
    "nor": lambda a, b: ~(a | b),
    "xnor": lambda a, b: ~(a ^ b),
}


def _bitwise(op: Binary, kind: str) -> SemFn:
    def fn(ctx: OpCtx) -> None:
        d = op(_read(ctx, 0, kind), _read(ctx, 1, kind))
        ctx.set(0, d)
        ctx.set_scc(d != 0)

    return fn


for _name, _op in _BITWISE.items():
    _register(f"s_{_name}_b32", _bitwise(_op, "u32"))
    _register(f"s_{_name}_b64", _bitwise(_op, "u64"))


# --- SOP2: arithmetic -----------------------------------------------------------------


@semantics("s_add_u32", "s_addc_u32")
def _s_add_u32(ctx: OpCtx) -> None:
    t = ctx.u32(0).astype(U64) + ctx.u32(1).astype(U64)
    if ctx.ins.base == "s_addc_u32":
        t = t + ctx.scc.astype(U64)
    ctx.set(0, t & U64(M32))
    ctx.set_scc((t >> U64(32)) != 0)


@semantics("s_sub_u32", "s_subb_u32")
def _s_sub_u32(ctx: OpCtx) -> None:
    a = ctx.u32(0).astype(I64)
    b = ctx.u32(1).astype(I64)
    if ctx.ins.base == "s_subb_u32":
        b = b + ctx.scc.astype(I64)
    ctx.set(0, a - b)  # wraps to 32 bits on the write
    ctx.set_scc(b > a)


def _signed_overflow(t: np.ndarray) -> np.ndarray:
    return (t > INT32_MAX) | (t < INT32_MIN)


@semantics("s_add_i32")
def _s_add_i32(ctx: OpCtx) -> None:
    t = ctx.i32(0) + ctx.i32(1)
    ctx.set(0, t)
    ctx.set_scc(_signed_overflow(t))


@semantics("s_sub_i32")
def _s_sub_i32(ctx: OpCtx) -> None:
    t = ctx.i32(0) - ctx.i32(1)
    ctx.set(0, t)
    ctx.set_scc(_signed_overflow(t))


def _minmax(kind: str, pick_first: Binary) -> SemFn:
    def fn(ctx: OpCtx) -> None:
        a, b = _read(ctx, 0, kind), _read(ctx, 1, kind)
        first = pick_first(a, b)
        ctx.set(0, np.where(first, a, b))
        ctx.set_scc(first)

    return fn


for _t in ("i32", "u32"):
    _register(f"s_min_{_t}", _minmax(_t, np.less))
    _register(f"s_max_{_t}", _minmax(_t, np.greater_equal))


@semantics("s_absdiff_i32")
def _s_absdiff_i32(ctx: OpCtx) -> None:
    d = (ctx.i32(0) - ctx.i32(1)).astype(np.int32).astype(I64)  # 32-bit wrap first
    _write_scc_nz(ctx, np.abs(d), 32)


@semantics("s_mul_i32")
def _s_mul_i32(ctx: OpCtx) -> None:
    ctx.set(0, ctx.i32(0) * ctx.i32(1))


@semantics("s_mul_hi_u32")
def _s_mul_hi_u32(ctx: OpCtx) -> None:
    ctx.set(0, (ctx.u32(0).astype(U64) * ctx.u32(1).astype(U64)) >> U64(32))


@semantics("s_mul_hi_i32")
def _s_mul_hi_i32(ctx: OpCtx) -> None:
    ctx.set(0, (ctx.i32(0) * ctx.i32(1)) >> 32)


def _lshl_add(n: int) -> SemFn:
    def fn(ctx: OpCtx) -> None:
        t = (ctx.u32(0).astype(U64) << U64(n)) + ctx.u32(1).astype(U64)
        ctx.set(0, t & U64(M32))
        ctx.set_scc(t >= U64(1 << 32))

    return fn


for _n in (1, 2, 3, 4):
    _register(f"s_lshl{_n}_add_u32", _lshl_add(_n))


@semantics("s_cselect_b32", "s_cselect_b64")
def _s_cselect(ctx: OpCtx) -> None:
    ctx.set(0, np.where(ctx.scc[..., None], ctx.raw(0), ctx.raw(1)))


# --- SOP2: shifts, bit fields, packing -------------------------------------------------


def _shift(kind: str, op: Binary) -> SemFn:
    wide = kind in ("u64", "i64")
    amount_mask = 63 if wide else 31

    def fn(ctx: OpCtx) -> None:
        s = ctx.u32(1) & U32(amount_mask)
        a = _read(ctx, 0, kind)
        d = op(a, s.astype(I64 if kind[0] == "i" else U64))
        _write_scc_nz(ctx, d, 64 if wide else 32)

    return fn


_register("s_lshl_b32", _shift("u32", lambda a, s: a.astype(U64) << s))
_register("s_lshl_b64", _shift("u64", lambda a, s: a << s))
_register("s_lshr_b32", _shift("u32", lambda a, s: a.astype(U64) >> s))
_register("s_lshr_b64", _shift("u64", lambda a, s: a >> s))
_register("s_ashr_i32", _shift("i32", lambda a, s: a >> s))
_register("s_ashr_i64", _shift("i64", lambda a, s: a >> s))


def _mask(width: np.ndarray, size: int) -> np.ndarray:
    """uint64 mask of ``width`` low ones; widths >= ``size`` give ``size`` ones."""
    w = np.minimum(width.astype(U64), U64(size))
    full = U64((1 << size) - 1)
    return np.where(w >= U64(size), full, (U64(1) << np.minimum(w, U64(63))) - U64(1))


@semantics("s_bfm_b32", "s_bfm_b64")
def _s_bfm(ctx: OpCtx) -> None:
    size = 64 if ctx.ins.base.endswith("b64") else 32
    m = U64(size - 1)
    width = ctx.u32(0).astype(U64) & m
    offset = ctx.u32(1).astype(U64) & m
    d = _mask(width, size) << offset
    ctx.set(0, d & U64((1 << size) - 1))


def _bfe(size: int, signed: bool) -> SemFn:
    full = U64((1 << size) - 1)

    def fn(ctx: OpCtx) -> None:
        ctl = ctx.u32(1).astype(U64)
        offset = ctl & U64(size - 1)
        width = (ctl >> U64(16)) & U64(0x7F)
        src = ctx.u64(0) if size == 64 else ctx.u32(0).astype(U64)
        if signed:  # arithmetic shift of the size-bit value, then sign-extend the field
            sv = src.view(I64) if size == 64 else bits.sext(src, 32)
            field = (sv >> offset.astype(I64)).astype(U64) & _mask(width, size)
            w = width.astype(I64)
            top = (field >> np.maximum(w - 1, 0).astype(U64)) & U64(1)
            negative = (w > 0) & (w < size) & (top != 0)
            field = np.where(negative, field | ~_mask(width, 64), field)
        else:
            field = (src >> offset) & _mask(width, size)
        _write_scc_nz(ctx, field & full, size)

    return fn


_register("s_bfe_u32", _bfe(32, False))
_register("s_bfe_i32", _bfe(32, True))
_register("s_bfe_u64", _bfe(64, False))
_register("s_bfe_i64", _bfe(64, True))

_PACK: dict[str, Binary] = {
    "ll": lambda a, b: (a & U32(0xFFFF)) | (b << U32(16)),
    "lh": lambda a, b: (a & U32(0xFFFF)) | (b & U32(0xFFFF0000)),
    "hh": lambda a, b: (a >> U32(16)) | (b & U32(0xFFFF0000)),
}
for _k, _op in _PACK.items():
    _register(f"s_pack_{_k}_b32_b16", lambda ctx, op=_op: ctx.set(0, op(ctx.u32(0), ctx.u32(1))))


# --- SOP1 ----------------------------------------------------------------------------


@semantics("s_mov_b32", "s_mov_b64")
def _s_mov(ctx: OpCtx) -> None:
    ctx.set(0, ctx.raw(0))


@semantics("s_cmov_b32", "s_cmov_b64")
def _s_cmov(ctx: OpCtx) -> None:
    # use slot 0 is the tied destination (its old value), slot 1 the source
    ctx.set(0, np.where(ctx.scc[..., None], ctx.raw(1), ctx.raw(0)))


@semantics("s_not_b32", "s_not_b64")
def _s_not(ctx: OpCtx) -> None:
    d = ~(ctx.u64(0) if ctx.ins.base.endswith("b64") else ctx.u32(0))
    ctx.set(0, d)
    ctx.set_scc(d != 0)


@semantics("s_abs_i32")
def _s_abs_i32(ctx: OpCtx) -> None:
    _write_scc_nz(ctx, np.abs(ctx.i32(0)), 32)


@semantics("s_sext_i32_i8", "s_sext_i32_i16")
def _s_sext(ctx: OpCtx) -> None:
    ctx.set(0, bits.sext(ctx.u32(0), 8 if ctx.ins.base.endswith("i8") else 16))


def _width_of(ctx: OpCtx) -> int:
    return 32 * ctx.ins.use_slots[0].dwords


def _src_bits(ctx: OpCtx) -> np.ndarray:
    """Bits of use slot 0 (its width from the table), (n, 1, width)."""
    w = _width_of(ctx)
    return _bit_array(ctx.u64(0) if w == 64 else ctx.u32(0), w)


@semantics("s_brev_b32", "s_brev_b64")
def _s_brev(ctx: OpCtx) -> None:
    ctx.set(0, _from_bits(_src_bits(ctx)[..., ::-1]))


@semantics("s_bcnt0_i32_b32", "s_bcnt0_i32_b64", "s_bcnt1_i32_b32", "s_bcnt1_i32_b64")
def _s_bcnt(ctx: OpCtx) -> None:
    ones = _src_bits(ctx).sum(axis=-1, dtype=I64)
    d = ones if ctx.ins.base.startswith("s_bcnt1") else _width_of(ctx) - ones
    ctx.set(0, d)
    ctx.set_scc(d != 0)


@semantics("s_ff0_i32_b32", "s_ff0_i32_b64", "s_ff1_i32_b32", "s_ff1_i32_b64")
def _s_ff(ctx: OpCtx) -> None:
    b = _src_bits(ctx)
    ctx.set(0, _first_set(b if ctx.ins.base.startswith("s_ff1") else 1 - b))


@semantics("s_flbit_i32_b32", "s_flbit_i32_b64")
def _s_flbit_u(ctx: OpCtx) -> None:
    ctx.set(0, _first_set(_src_bits(ctx)[..., ::-1]))


@semantics("s_flbit_i32", "s_flbit_i32_i64")
def _s_flbit_i(ctx: OpCtx) -> None:
    msb_first = _src_bits(ctx)[..., ::-1]
    differs = msb_first != msb_first[..., :1]  # entry 0 (the sign bit) never differs
    ctx.set(0, _first_set(differs))


@semantics("s_wqm_b32", "s_wqm_b64")
def _s_wqm(ctx: OpCtx) -> None:
    b = _src_bits(ctx)
    quads = b.reshape(*b.shape[:-1], -1, 4).any(axis=-1)
    d = _from_bits(np.repeat(quads, 4, axis=-1))
    ctx.set(0, d)
    ctx.set_scc(d != 0)


@semantics("s_quadmask_b32", "s_quadmask_b64")
def _s_quadmask(ctx: OpCtx) -> None:
    b = _src_bits(ctx)
    d = _from_bits(b.reshape(*b.shape[:-1], -1, 4).any(axis=-1))
    ctx.set(0, d)
    ctx.set_scc(d != 0)


@semantics("s_bitreplicate_b64_b32")
def _s_bitreplicate(ctx: OpCtx) -> None:
    ctx.set(0, _from_bits(np.repeat(_bit_array(ctx.u32(0), 32), 2, axis=-1)))


@semantics("s_bitset0_b32", "s_bitset0_b64", "s_bitset1_b32", "s_bitset1_b64")
def _s_bitset(ctx: OpCtx) -> None:
    wide = ctx.ins.base.endswith("b64")
    old = ctx.u64(0) if wide else ctx.u32(0).astype(U64)
    bit = U64(1) << (ctx.u32(1).astype(U64) & U64(63 if wide else 31))
    ctx.set(0, old | bit if ctx.ins.base.startswith("s_bitset1") else old & ~bit)


# --- SOP1: EXEC masking -----------------------------------------------------------------

_EXEC_OPS: dict[str, Binary] = {  # (S0, EXEC) -> new EXEC
    "and": lambda s, e: s & e,
    "or": lambda s, e: s | e,
    "xor": lambda s, e: s ^ e,
    "andn2": lambda s, e: s & ~e,
    "orn2": lambda s, e: s | ~e,
    "nand": lambda s, e: ~(s & e),
    "nor": lambda s, e: ~(s | e),
    "xnor": lambda s, e: ~(s ^ e),
    "andn1": lambda s, e: ~s & e,
    "orn1": lambda s, e: ~s | e,
}


def _exec_op(op: Binary, write_new: bool) -> SemFn:
    def fn(ctx: OpCtx) -> None:
        s = ctx.u64(0)
        old = bits.lanes_to_mask(ctx.exec_lanes())[:, None]
        new = op(s, old)
        ctx.set_exec(bits.mask_to_lanes(new[:, 0]))
        ctx.set(0, new if write_new else old)
        ctx.set_scc(new != 0)

    return fn


for _name, _op in _EXEC_OPS.items():
    _register(f"s_{_name}_saveexec_b64", _exec_op(_op, False))
_register("s_andn1_wrexec_b64", _exec_op(_EXEC_OPS["andn1"], True))
_register("s_andn2_wrexec_b64", _exec_op(_EXEC_OPS["andn2"], True))


# --- SOPC and SOPK compares, SOPK data ops ---------------------------------------------

_CMP: dict[str, Binary] = {
    "eq": np.equal,
    "lg": np.not_equal,
    "gt": np.greater,
    "ge": np.greater_equal,
    "lt": np.less,
    "le": np.less_equal,
}


def _cmp(op: Binary, kind: str) -> SemFn:
    return lambda ctx: ctx.set_scc(op(_read(ctx, 0, kind), _read(ctx, 1, kind)))


def _cmpk(op: Binary, signed: bool) -> SemFn:
    def fn(ctx: OpCtx) -> None:
        k = ctx.imm(1)
        if signed:
            ctx.set_scc(op(ctx.i32(0), I64(_sext16(k))))
        else:
            ctx.set_scc(op(ctx.u32(0), U32(int(k) & 0xFFFF)))

    return fn


for _c, _op in _CMP.items():
    for _t in ("i32", "u32"):
        _register(f"s_cmp_{_c}_{_t}", _cmp(_op, _t))
        _register(f"s_cmpk_{_c}_{_t}", _cmpk(_op, _t == "i32"))
for _c in ("eq", "lg"):
    _register(f"s_cmp_{_c}_u64", _cmp(_CMP[_c], "u64"))


@semantics("s_bitcmp0_b32", "s_bitcmp0_b64", "s_bitcmp1_b32", "s_bitcmp1_b64")
def _s_bitcmp(ctx: OpCtx) -> None:
    wide = ctx.ins.base.endswith("b64")
    src = ctx.u64(0) if wide else ctx.u32(0).astype(U64)
    bit = (src >> (ctx.u32(1).astype(U64) & U64(63 if wide else 31))) & U64(1)
    ctx.set_scc(bit == (1 if ctx.ins.base.startswith("s_bitcmp1") else 0))


@semantics("s_movk_i32")
def _s_movk(ctx: OpCtx) -> None:
    ctx.set(0, np.full((ctx.n, 1), _sext16(ctx.imm(0)), dtype=I64))


@semantics("s_cmovk_i32")
def _s_cmovk(ctx: OpCtx) -> None:
    ctx.set(0, np.where(ctx.scc, I64(_sext16(ctx.imm(1))), ctx.u32(0).astype(I64)))


@semantics("s_addk_i32")
def _s_addk(ctx: OpCtx) -> None:
    t = ctx.i32(0) + _sext16(ctx.imm(1))
    ctx.set(0, t)
    ctx.set_scc(_signed_overflow(t))


@semantics("s_mulk_i32")
def _s_mulk(ctx: OpCtx) -> None:
    ctx.set(0, ctx.i32(0) * _sext16(ctx.imm(1)))
