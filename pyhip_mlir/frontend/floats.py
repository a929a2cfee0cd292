"""Float expression lowering: f32, f64, fp16x2 (packed halves) and bf16x2.

What each dtype computes (all IEEE round to nearest even, denormals kept: the HIP
default modes):

* ``f32``: ``+ - *`` with ``v_add_f32``/``v_sub_f32``/``v_mul_f32``; ``/`` is the exact,
  correctly rounded IEEE division (the ``v_div_scale`` / ``v_rcp_f32`` / Newton-Raphson
  FMAs / ``v_div_fmas`` / ``v_div_fixup`` sequence), or one multiply when the divisor is
  a constant power of two (exact then). Compares: ``!=`` is unordered
  (``v_cmp_neq_f32``: true when an operand is NaN), the other five are ordered (false
  on NaN), as in C.
* ``f64``: the same with ``v_add_f64``/``v_mul_f64``/``v_fma_f64`` and the f64 division
  sequence.
* ``fp16x2``: ``+ - *`` on both halves at once (``v_pk_add_f16``, ``v_pk_mul_f16``; ``-``
  is an add with the second operand negated by ``neg_lo``/``neg_hi``). No ``/`` and no
  compares (a compare would need one mask per half).
* ``bf16x2``: gfx942 has no bf16 arithmetic: each half is widened to f32 (exact), the
  f32 operation runs (``/`` too), and the result is rounded to nearest even back to
  bf16 (a NaN stays a quiet NaN), then the halves are repacked. For ``+ - * /`` this is
  the correctly rounded bf16 result (f32 has more than twice bf16's precision, so the
  double rounding is harmless). No compares.

Unary ``-`` and ``abs()`` flip or clear sign bits (exact for every input, NaN
included); when the result feeds an f32/f64 operation directly, the bit operation is
dropped and the operation reads the operand with a ``neg``/``abs`` source modifier.

Operands: constants are rounded to the register's format first (an ``int`` constant
is a number here, ``x + 1`` adds 1.0 — unlike assigning an ``int`` to a float
register, which stores raw bits); a 32-bit integer register in f32/f64 arithmetic is
converted (``v_cvt_f32_i32``...), an f32 register in f64 arithmetic is widened, as in
C; other mixes are errors. Scalar (SGPR) operands are read by VALU instructions (at
most one SGPR per instruction; the other is copied to a VGPR): float arithmetic always
gives a vector value and a compare a lane mask, so assigning the result to an SGPR
variable, or branching on it with J.If, is the usual "per lane" error (use
J.v_readfirstlane_b32, or J.ExecMask).
"""

from __future__ import annotations

import math
import struct
from typing import TYPE_CHECKING, Any

from xdsl.ir import Operation, SSAValue

from pyhip_mlir.codegen.asm_operands import is_inline_float, is_inline_int
from pyhip_mlir.frontend.dtypes import bf16_bits, f32_bits
from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.frontend.instr import Val
from pyhip_mlir.frontend.lower import Operand, Value, signed32

if TYPE_CHECKING:
    from pyhip_mlir.frontend.lower import Lowering

# an operand with its source modifiers ("abs", "neg"); constants never carry any
Src = tuple[Operand, tuple[str, ...]]

_SIGN = {"f32": 0x80000000, "f64": 0x80000000, "fp16x2": 0x80008000, "bf16x2": 0x80008000}
_INT32 = ("i32", "u32")


# --- unary ---------------------------------------------------------------------------------


def unary(L: Lowering, op: str, x: Value) -> Operand:
    """``-x`` / ``abs(x)`` by sign-bit operations (see the module docstring)."""
    d = x.dtype
    if op == "~":
        raise DSLError(f"'~' on a float ({d}) register: bitwise ops need an integer view "
                       "(declare the register as u32)", L.loc)
    sign = _SIGN[d]
    if d == "f64":
        lo, hi = L.halves(x, "f64")
        assert isinstance(lo, Value) and isinstance(hi, Value)
        new_hi = _sign_op(L, op, hi, sign)
        res = L._pair(lo, new_hi, "f64")
        if x.file == "v":
            _remember(L, res, x, op, [res.value.owner, new_hi.value.owner,  # type: ignore[list-item]
                                      hi.value.owner, lo.value.owner])  # type: ignore[list-item]
        return res
    res = _sign_op(L, op, x, sign)
    if x.file == "v" and d == "f32":
        _remember(L, res, x, op, [res.value.owner])  # type: ignore[list-item]
    return res


def _sign_op(L: Lowering, op: str, x: Value, sign: int) -> Value:
    """x ^ sign (neg) or x & ~sign (abs), on the SALU for scalars."""
    bits = signed32(sign if op == "neg" else ~sign)
    if x.file == "s":
        mn = "s_xor_b32" if op == "neg" else "s_and_b32"
        return Value(L.op(mn, "s", 1, x, bits), "s", x.dtype, 1)
    mn = "v_xor_b32" if op == "neg" else "v_and_b32"
    return Value(L.op(mn, "v", 1, bits, x), "v", x.dtype, 1)


def _remember(L: Lowering, res: Value, x: Value, op: str, ops: list[Operation]) -> None:
    """Record that ``res`` is ``op(x)`` so a consumer can use a source modifier instead."""
    table = _mods_table(L)
    inner = table.get(x.value)
    base, mods = (inner[0], inner[1]) if inner is not None else (x, ())
    if inner is not None:
        ops = ops + inner[2]  # erased outermost first, once each loses its last use
    if op == "abs":
        new = ("abs",)  # abs(-y) == abs(y)
    else:
        new = tuple(m for m in mods if m != "neg") if "neg" in mods else (*mods, "neg")
    table[res.value] = (base, new, ops)


def _mods_table(L: Lowering) -> dict[SSAValue, Any]:
    table = getattr(L, "_float_mods", None)
    if table is None:
        table = {}
        L._float_mods = table  # type: ignore[attr-defined]  # lives as long as the expression
    return table


def _src(L: Lowering, x: Operand) -> Src:
    """``x`` as base value and modifiers when it is an unused neg/abs result."""
    if isinstance(x, Value):
        hit = _mods_table(L).get(x.value)
        if hit is not None and not x.value.uses:
            return hit[0], hit[1]
    return x, ()


def _cleanup(L: Lowering, srcs: list[Operand]) -> None:
    """Erase the sign-bit ops whose results a modifier replaced (now without uses)."""
    table = _mods_table(L)
    for x in srcs:
        if not isinstance(x, Value) or x.value not in table:
            continue
        for op in table[x.value][2]:
            if op.parent is not None and not any(r.uses for r in op.results):
                op.detach()
                op.erase()


# --- operands --------------------------------------------------------------------------------


def _coerce(L: Lowering, x: Operand, d: str) -> Operand:
    """``x`` converted to dtype ``d`` as C would (see the module docstring)."""
    if isinstance(x, bool | int):
        return float(x)
    if isinstance(x, float) or x.dtype == d:
        return x
    if d in ("f32", "f64") and x.dtype in _INT32 and x.width == 1:
        kind = "i32" if x.dtype == "i32" else "u32"
        w = 2 if d == "f64" else 1
        return Value(L.op(f"v_cvt_{d}_{kind}", "v", w, x), "v", d, w)
    if d == "f64" and x.dtype == "f32":
        return Value(L.op("v_cvt_f64_f32", "v", 2, x), "v", "f64", 2)
    raise DSLError(f"{x.dtype} and {d} in one float expression: convert explicitly "
                   "(J.v_cvt_...)", L.loc)


def _const_f32(c: float) -> float | int:
    """An f32 operand for ``c``: the float when it is exactly an f32 the assembler spells
    safely, else its bits (NaN, -0.0, values rounded to f32)."""
    bits = f32_bits(c)
    v = struct.unpack("<f", struct.pack("<I", bits))[0]
    if math.isnan(v) or (v == 0.0 and math.copysign(1.0, v) < 0) or math.isinf(v):
        return signed32(bits)
    return v


def _is_v(x: Operand) -> bool:
    return isinstance(x, Value) and x.file == "v"


def _inline(c: Any) -> bool:
    if isinstance(c, int):
        return is_inline_int(c)
    return is_inline_float(c) and not (c == 0.0 and math.copysign(1.0, c) < 0)


def _operand(x: Operand, mods: tuple[str, ...]) -> Any:
    if isinstance(x, Value) and mods:
        return Val(x.value, x.file, x.width, mods)
    return x


def _vop3_srcs(L: Lowering, srcs: list[Src], d: str) -> list[Any]:
    """Operands of a VOP3/VOP3P instruction: no literal, at most one SGPR (one value)."""
    out: list[Any] = []
    sgpr: SSAValue | None = None
    for x, mods in srcs:
        if not isinstance(x, Value):
            c = _const_f32(x) if d == "f32" else x
            if d in ("f32", "f64") and _inline(c):
                out.append(c)
                continue
            x = _materialize(L, x, d, sgpr is None and d != "f64")
        if x.file == "s":
            if sgpr is None or sgpr is x.value:
                sgpr = x.value
            else:
                x = L.vgpr(x, d)
        out.append(_operand(x, mods))
    return out


def _materialize(L: Lowering, c: Any, d: str, sgpr_ok: bool) -> Value:
    if d == "f32":
        c = _const_f32(c)
    return L.sgpr(c, d) if sgpr_ok else L.vgpr(c, d)


def _vop2(L: Lowering, mn: str, rev: str, x: Src, y: Src, d: str) -> SSAValue:
    """``x op y`` with an e32 form (src1 must be a VGPR; ``rev`` computes ``y op x``)."""
    if not _is_v(y[0]) and (_is_v(x[0]) or isinstance(y[0], Value)):
        x, y, mn = y, x, rev
    if not _is_v(y[0]):
        y = (L.vgpr(y[0], d) if isinstance(y[0], Value) else _materialize(L, y[0], d, False), y[1])
    a: Any = x[0]
    if not isinstance(a, Value):
        a = _const_f32(a)
        if (x[1] or y[1]) and not _inline(a):  # a modifier needs e64: no literal there
            a = _materialize(L, a, d, True)
    return L.op(mn, "v", 1, _operand(a, x[1]), _operand(y[0], y[1]))


# --- binary ------------------------------------------------------------------------------------


def binary(L: Lowering, op: str, a: Operand, b: Operand, d: str) -> Operand:
    """``a op b`` for a float dtype ``d`` (one operand at least is a register)."""
    if op not in ("+", "-", "*", "/"):
        raise DSLError(f"'{op}' on {d} registers: floats take + - * / and compares (bitwise "
                       "ops need an integer view of the register)", L.loc)
    if d == "fp16x2" and op == "/":
        raise DSLError("'/' on fp16x2 is not supported (divide as f32: J.v_cvt_f32_f16 ...)",
                       L.loc)
    a, b = _coerce(L, a, d), _coerce(L, b, d)
    if d == "f32":
        return _f32(L, op, a, b)
    if d == "f64":
        return _f64(L, op, a, b)
    if d == "fp16x2":
        return _pk_f16(L, op, a, b)
    return _bf16x2(L, op, a, b)


def _pow2_reciprocal(c: Operand, limit: int) -> float | None:
    """``1 / c`` when ``c`` is +-2**k and the reciprocal is a normal number (exact)."""
    if isinstance(c, float) and c != 0.0 and math.isfinite(c):
        m, e = math.frexp(abs(c))
        if m == 0.5 and -limit < e - 1 < limit:
            return 1.0 / c
    return None


def _f32(L: Lowering, op: str, a: Operand, b: Operand) -> Value:
    if op == "/":
        r = _pow2_reciprocal(b, 127)
        if r is None:
            return _fdiv(L, a, b, "f32")
        op, b = "*", r
    if op == "-" and not isinstance(b, Value):
        op, b = "+", -b  # x - c == x + (-c) exactly, signed zeros included
    x, y = _src(L, a), _src(L, b)
    mn, rev = {"+": ("v_add_f32", "v_add_f32"), "*": ("v_mul_f32", "v_mul_f32"),
               "-": ("v_sub_f32", "v_subrev_f32")}[op]
    res = Value(_vop2(L, mn, rev, x, y, "f32"), "v", "f32", 1)
    _cleanup(L, [a, b])
    return res


def _f64(L: Lowering, op: str, a: Operand, b: Operand) -> Value:
    if op == "/":
        r = _pow2_reciprocal(b, 1023)
        if r is None:
            return _fdiv(L, a, b, "f64")
        op, b = "*", r
    x, y = _src(L, a), _src(L, b)
    if op == "-":  # a + (-b)
        if isinstance(y[0], Value):
            mods = y[1]
            y = (y[0], tuple(m for m in mods if m != "neg") if "neg" in mods else (*mods, "neg"))
        else:
            y = (-y[0], ())
    mn = "v_mul_f64" if op == "*" else "v_add_f64"
    res = Value(L.op(mn, "v", 2, *_vop3_srcs(L, [x, y], "f64")), "v", "f64", 2)
    _cleanup(L, [a, b])
    return res


def _fdiv(L: Lowering, a: Operand, b: Operand, t: str) -> Value:
    """Correctly rounded ``a / b``: scale both (``v_div_scale``), refine ``1/b`` by
    Newton-Raphson from ``v_rcp``, form and correct the quotient with FMAs, undo the
    scaling (``v_div_fmas`` reads VCC from the numerator's scale) and patch the special
    cases (``v_div_fixup``: zeros, infinities, NaN, overflow)."""
    w = 2 if t == "f64" else 1
    num, den = _vop3_srcs(L, [(a, ()), (b, ())], t)

    def v(x: SSAValue) -> Value:
        return Value(x, "v", t, w)

    def neg(x: SSAValue) -> Val:
        return Val(x, "v", w, ("neg",))

    def fma(x: Any, y: Any, z: Any) -> SSAValue:
        return L.op(f"v_fma_{t}", "v", w, x, y, z)

    ds = L.op(f"v_div_scale_{t}", "v", w, "vcc", den, den, num)
    rcp = L.op(f"v_rcp_{t}", "v", w, v(ds))
    if t == "f32":
        ns = L.op("v_div_scale_f32", "v", 1, "vcc", num, den, num)
        e = fma(neg(ds), v(rcp), 1.0)
        r = fma(v(e), v(rcp), v(rcp))
        q = L.op("v_mul_f32", "v", 1, v(ns), v(r))
        e = fma(neg(ds), v(q), v(ns))
        q = fma(v(e), v(r), v(q))
        e = fma(neg(ds), v(q), v(ns))
    else:  # two reciprocal refinements: f64 needs 53 bits
        e = fma(neg(ds), v(rcp), 1.0)
        r = fma(v(rcp), v(e), v(rcp))
        e = fma(neg(ds), v(r), 1.0)
        r = fma(v(r), v(e), v(r))
        ns = L.op("v_div_scale_f64", "v", 2, "vcc", num, den, num)
        q = L.op("v_mul_f64", "v", 2, v(ns), v(r))
        e = fma(neg(ds), v(q), v(ns))
    q = L.op(f"v_div_fmas_{t}", "v", w, v(e), v(r), v(q))
    return v(L.op(f"v_div_fixup_{t}", "v", w, v(q), den, num))


# --- packed halves --------------------------------------------------------------------------


def _pk_f16(L: Lowering, op: str, a: Operand, b: Operand) -> Value:
    if op == "-" and not isinstance(b, Value):
        op, b = "+", -b  # type: ignore[operator]
    srcs = _vop3_srcs(L, [(a, ()), (b, ())], "fp16x2")
    mn = "v_pk_mul_f16" if op == "*" else "v_pk_add_f16"
    mods: dict[str, Any] = {"neg_lo": [0, 1], "neg_hi": [0, 1]} if op == "-" else {}
    return Value(L.op(mn, "v", 1, *srcs, **mods), "v", "fp16x2", 1)


def _bf16_half(L: Lowering, x: Operand, half: int) -> Operand:
    """One bf16 half of ``x`` widened to f32 (exact: bf16 is the top half of an f32)."""
    if not isinstance(x, Value):
        bits = bf16_bits(float(x)) << 16
        return struct.unpack("<f", struct.pack("<I", bits))[0]
    if x.file == "s":
        if half == 0:
            return Value(L.op("s_lshl_b32", "s", 1, x, 16), "s", "f32", 1)
        return Value(L.op("s_and_b32", "s", 1, x, signed32(0xFFFF0000)), "s", "f32", 1)
    if half == 0:
        return Value(L.op("v_lshlrev_b32", "v", 1, 16, x), "v", "f32", 1)
    return Value(L.op("v_and_b32", "v", 1, signed32(0xFFFF0000), x), "v", "f32", 1)


def _const_sgpr(L: Lowering, c: int) -> Value:
    """A 32-bit constant in an SGPR, one per expression (VOP3 takes no literals)."""
    cache = getattr(L, "_bf16_consts", None)
    if cache is None:
        cache = {}
        L._bf16_consts = cache  # type: ignore[attr-defined]
    if c not in cache:
        cache[c] = L.sgpr(signed32(c), "u32")
    return cache[c]


def _round_bf16(L: Lowering, f: Value) -> Value:
    """f32 ``f`` rounded to nearest even bf16, in bits 31:16 (bits 15:0 are garbage).

    Adding ``0x7fff`` plus the lowest kept bit carries into bit 16 exactly when the
    dropped half is above one half, or equal with an odd kept part. A NaN keeps its
    own (quiet) top half instead: the addition could carry it into the sign bit.
    """
    lsb = L.op("v_bfe_u32", "v", 1, f, 16, 1)
    t = L.op("v_add3_u32", "v", 1, f, _const_sgpr(L, 0x7FFF), Value(lsb, "v", "u32", 1))
    nan = L.op("v_cmp_u_f32_e64", "s", 2, f, f)
    r = L.op("v_cndmask_b32_e64", "v", 1, Value(t, "v", "u32", 1), f, Val(nan, "s", 2))
    return Value(r, "v", "u32", 1)


def _bf16x2(L: Lowering, op: str, a: Operand, b: Operand) -> Value:
    halves = []
    for half in (0, 1):
        r = _f32(L, op, _bf16_half(L, a, half), _bf16_half(L, b, half))
        halves.append(_round_bf16(L, r))
    # bytes 2,3 of the low result then bytes 2,3 of the high one (src1 = bytes 0-3)
    sel = _const_sgpr(L, 0x07060302)
    return Value(L.op("v_perm_b32", "v", 1, halves[1], halves[0], sel), "v", "bf16x2", 1)


# --- compares ----------------------------------------------------------------------------------


def compare(L: Lowering, op: str, a: Operand, b: Operand, d: str) -> Value:
    """A lane mask of ``a op b`` (f32/f64); ``ne`` is unordered, the others ordered."""
    if d not in ("f32", "f64"):
        raise DSLError(f"compares of {d} registers are not supported (compare each half as "
                       "f32: J.v_cvt_f32_f16 / a shift for bf16)", L.loc)
    a, b = _coerce(L, a, d), _coerce(L, b, d)
    cc = "neq" if op == "ne" else op
    srcs = _vop3_srcs(L, [_src(L, a), _src(L, b)], d)
    res = Value(L.op(f"v_cmp_{cc}_{d}_e64", "s", 2, *srcs), "mask", "i32", 2)
    _cleanup(L, [a, b])
    return res
