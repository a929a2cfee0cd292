"""Integer division and remainder (``//`` and ``%``) lowering.

Semantics (the DSL's, which are pyhip's and HIP's, not Python's):

* unsigned (``u32``/``u64``): ``a // b`` is the floor of the quotient, ``a % b`` the
  remainder, ``a == (a // b) * b + a % b``;
* signed (``i32``/``i64``): C division, truncating toward zero; the remainder has the
  dividend's sign (``-7 // 2 == -3``, ``-7 % 2 == -1``). Python's ``//`` floors
  (``-7 // 2 == -4``) and its ``%`` takes the divisor's sign: code ported from Python
  must not rely on those meanings for negative operands. ``INT_MIN // -1`` wraps to
  ``INT_MIN`` (remainder 0), as the two's complement sequence gives;
* a constant operand takes the register's type as in C (``x_u32 // -3`` divides by
  ``0xfffffffd``); one C would not convert to that type (``x_i32 // 2**31``) is an
  error, as is a constant zero divisor. A register divisor of 0 gives what the sequence below gives:
  for 32 bits ``x % 0 == x`` and ``x // 0 == |x| + 1`` with the dividend's sign
  (``0 // 0 == 2``) — wrapped to 32 bits, never a trap.

How (the facts are Granlund & Montgomery, "Division by invariant integers using
multiplication", and Hacker's Delight, chapter 10; the code is this project's own):

* by a power of two: shifts and masks; signed dividends are biased by ``2**k - 1`` when
  negative before the arithmetic shift, so the shift truncates toward zero;
* by another 32-bit constant: a multiply-high by a "magic" reciprocal ``m`` and shifts.
  :func:`magic_u32` / :func:`magic_i32` pick ``m`` and the shift so that the result
  is exact for *every* 32-bit dividend (the derivation is in their docstrings);
  unsigned divisors that need a 33-bit ``m`` use the add-and-halve fix-up, signed ones
  whose ``m`` does not fit a signed multiplier add the dividend back;
* by a 32-bit register: an estimate of ``2**32 / b`` from the float reciprocal
  (``v_rcp_iflag_f32``), one integer Newton-Raphson step, a multiply-high, then two
  correction steps (see :func:`_udivrem32`). Scalar operands run the float part on
  the VALU and read the estimate back with ``v_readfirstlane_b32``, the rest on the
  SALU (so at least one lane must be active, as for any VALU instruction);
* ``%`` is ``a - (a // b) * b`` (by constants) or falls out of the correction steps;
* 64-bit: by power-of-two constants (and +-1) only; other 64-bit divisions raise a
  :class:`DSLError` naming the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyhip_mlir.codegen.asm_operands import is_inline_int
from pyhip_mlir.frontend.dtypes import SIGNED
from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.frontend.lower import Operand, Value, signed32

if TYPE_CHECKING:
    from pyhip_mlir.frontend.lower import Lowering

# 2**32 * (1 - 2**-21) as an f32: scales the reciprocal estimate so that it stays
# below 2**32 / b even when the conversion, v_rcp and this multiply all round up
# (3 roundings of at most 2**-23 relative each, with margin for a 1-ulp v_rcp).
_RCP_SCALE = 4294965248.0


def divmod_(L: Lowering, op: str, a: Operand, b: Operand, d: str) -> Operand:
    """``a // b`` or ``a % b`` (``op``) in dtype ``d``; one operand is a register."""
    bits = 64 if d in ("i64", "u64") else 32
    if not isinstance(b, Value):
        c = _divisor_constant(L, b, d, bits)
        assert isinstance(a, Value)  # two constants were folded by the caller
        if bits == 64:
            return _div64_const(L, op, a, c, d)
        return _div32_const(L, op, a, c, d)
    if bits == 64:
        raise DSLError(f"64-bit '{op}' ({d}) by a register is not supported: only 64-bit "
                       "division by a power-of-two constant is (use 32-bit operands where "
                       "the values fit)", L.loc)
    return _div32_reg(L, op, a, b, d)


def _divisor_constant(L: Lowering, b: Operand, d: str, bits: int) -> int:
    c = _int_constant(L, b, d, bits, "divisor")
    if c == 0:
        raise DSLError("division by zero (a constant zero divisor)", L.loc)
    return c


def _int_constant(L: Lowering, c: Operand, d: str, bits: int, what: str) -> int:
    """A constant operand as a value of ``d`` (C's conversion: ``-3`` as u32 is
    ``2**32 - 3``). A value C would not convert to ``d`` is an error rather than
    silently reinterpreted bits (``2**31`` is no i32)."""
    if not isinstance(c, int):
        raise DSLError(f"integer ({d}) division with the float constant {c!r}", L.loc)
    top = 1 << (bits - 1 if d in SIGNED else bits)
    if not -(1 << (bits - 1)) <= c < top:
        raise DSLError(f"the {what} {c} does not fit in {d}", L.loc)
    c &= (1 << bits) - 1
    return c - (1 << bits) if d in SIGNED and c >> (bits - 1) else c


# --- magic numbers ---------------------------------------------------------------------


@dataclass(frozen=True)
class UMagic:
    """``q = mulhi(a >> pre, m) >> post`` (``add`` False), or with the 33-bit fix-up
    ``t = mulhi(a, m); q = (((a - t) >> 1) + t) >> post`` (``add`` True)."""

    m: int
    pre: int
    post: int
    add: bool


def magic_u32(c: int) -> UMagic:
    """Magic number for unsigned division by ``c`` (not a power of two, ``3 <= c < 2**32``).

    With ``m = ceil(2**(32+s) / c)`` and ``e = m*c - 2**(32+s)`` (``0 < e < c``), and
    ``a = q*c + r``: ``a*m / 2**(32+s) = q + (r + a*e / 2**(32+s)) / c``, so
    ``floor(a*m / 2**(32+s)) == q`` for every ``a <= amax`` when
    ``amax * e < 2**(32+s)``. The smallest such ``s`` with ``m < 2**32`` is taken;
    for an even ``c`` whose ``m`` is too wide, ``a`` is first shifted right by the
    divisor's trailing zeros (a smaller ``amax``); failing both, ``s = ceil(log2 c)``
    always satisfies the bound with a 33-bit ``m`` (the fix-up adds ``a`` back).
    """
    for pre in (0, (c & -c).bit_length() - 1):
        cc, amax = c >> pre, (1 << (32 - pre)) - 1
        for s in range(33):
            m = -(-(1 << (32 + s)) // cc)
            if m >= 1 << 32:
                break
            if amax * (m * cc - (1 << (32 + s))) < 1 << (32 + s):
                return UMagic(m, pre, s, False)
        if c & 1:
            break
    s = (c - 1).bit_length()
    m = -(-(1 << (32 + s)) // c)
    return UMagic(m - (1 << 32), 0, s - 1, True)


@dataclass(frozen=True)
class SMagic:
    """``t = mulhi_i32(a, m) (+ a if add); q0 = t >> s`` (arithmetic); ``q = q0 + (a < 0)``
    for a positive divisor, ``-(q0 + (a < 0))`` for a negative one."""

    m: int  # as a signed 32-bit multiplier
    s: int
    add: bool


def magic_i32(c: int) -> SMagic:
    """Magic number for signed division by ``c`` (``|c| >= 3``, not a power of two).

    For ``n = |c|``, ``m = ceil(2**(32+s) / n)``, ``e = m*n - 2**(32+s)``:
    a dividend ``0 <= a < 2**31`` gives ``floor(a*m / 2**(32+s)) == a // n`` when
    ``a*e < 2**(32+s)``; a negative one, ``a = -k`` with ``k <= 2**31``, gives
    ``floor(a*m / 2**(32+s)) + 1 == -(k // n)`` (truncation) when ``0 < r*2**(32+s)
    + k*e <= n*2**(32+s)`` — both hold for all such ``a`` when ``e <= 2**(s+1)``. The
    smallest such ``s`` has ``m < 2**32``; an ``m >= 2**31`` is used as ``m - 2**32``
    with ``a`` added back to the product.
    """
    n = abs(c)
    for s in range(32):
        m = -(-(1 << (32 + s)) // n)
        if m * n - (1 << (32 + s)) <= 1 << (s + 1):
            assert m < 1 << 32
            return SMagic(signed32(m), s, m >= 1 << 31)
    raise AssertionError(f"no magic number for {c}")  # unreachable: s = ceil(log2 n) - 1 fits


# --- helpers ------------------------------------------------------------------------------


def _as(x: Operand, dtype: str) -> Operand:
    """``x`` read as ``dtype`` (same bits): picks signed/unsigned shifts and compares."""
    return Value(x.value, x.file, dtype, x.width) if isinstance(x, Value) else x


def _mulhi(L: Lowering, a: Operand, b: Operand, signed: bool, file: str) -> Value:
    """The high 32 bits of the 64-bit product (``s_mul_hi_*`` or ``v_mul_hi_*``)."""
    kind = "i32" if signed else "u32"
    if file == "s":
        return Value(L.op(f"s_mul_hi_{kind}", "s", 1, L._s(a, kind), L._s(b, kind)), "s", kind, 1)
    if not isinstance(a, Value):
        a, b = b, a
    if not isinstance(b, Value) and isinstance(a, Value) and a.file == "v":
        c = L.const32(b, kind)  # VOP3 takes no literal: a non-inline constant in an SGPR
        b = c if is_inline_int(c) else L.sgpr(c, kind)
    return Value(L.op(f"v_mul_hi_{kind}", "v", 1, *L._vop3(a, b, d=kind)), "v", kind, 1)


def _value(x: Operand, d: str) -> Value:
    assert isinstance(x, Value)  # results of ops on a register operand
    return x if x.dtype == d else Value(x.value, x.file, d, x.width)


# --- 32-bit by a constant --------------------------------------------------------------------


def _div32_const(L: Lowering, op: str, a: Value, c: int, d: str) -> Operand:
    signed = d in SIGNED
    n = abs(c) if signed else c
    if n == 1:
        if op == "%":
            return 0
        return L.binary("-", 0, a) if c < 0 else a
    if n & (n - 1) == 0:
        return _div32_pow2(L, op, a, c, d) if signed else (
            L.binary(">>", a, n.bit_length() - 1) if op == "//" else L.binary("&", a, n - 1))
    if not signed and c > 1 << 31:
        # the quotient is 0 or 1: a compare is cheaper than any multiply
        diff = L.binary("-", a, c) if op == "%" else 0  # before the compare: SCC
        ge = L.compare("ge", _as(a, "u32"), c)
        if op == "//":
            return _as(L.number(ge), d)
        return L.select(ge, diff, a, d)
    q = _div32_magic(L, a, c, d, signed)
    if op == "//":
        return q
    return L.binary("-", a, L.binary("*", q, c))


def _div32_pow2(L: Lowering, op: str, a: Value, c: int, d: str) -> Operand:
    k = abs(c).bit_length() - 1
    # bias = 2**k - 1 for negative a, else 0: makes the arithmetic shift truncate
    if k == 1:
        bias = L.binary(">>", _as(a, "u32"), 31)
    else:
        bias = L.binary(">>", _as(L.binary(">>", _as(a, "i32"), 31), "u32"), 32 - k)
    t = _as(L.binary("+", a, bias), "i32")
    if op == "%":  # the sign of c does not matter for the remainder
        return _as(L.binary("-", a, L.binary("&", t, -(1 << k))), d)
    q = L.binary(">>", t, k)
    return _as(L.binary("-", 0, q) if c < 0 else q, d)


def _div32_magic(L: Lowering, a: Value, c: int, d: str, signed: bool) -> Value:
    file = a.file
    if not signed:
        mg = magic_u32(c)
        x: Operand = _as(a, "u32")
        if mg.pre:
            x = L.binary(">>", x, mg.pre)
        t = _mulhi(L, x, mg.m, False, file)
        if mg.add:  # floor((a + t) / 2) without the 33rd bit, then the rest of the shift
            t = _as(L.binary("+", L.binary(">>", L.binary("-", x, t), 1), t), "u32")
        return _value(L.binary(">>", t, mg.post), d)
    sm = magic_i32(c)
    a = _as(a, "i32")  # type: ignore[assignment]
    t = _mulhi(L, a, sm.m, True, file)
    if sm.add:
        t = _as(L.binary("+", t, a), "i32")  # type: ignore[assignment]
    q0 = L.binary(">>", t, sm.s)
    sign = L.binary(">>", a, 31)  # -1 for a negative dividend: adds 1 below
    q = L.binary("-", q0, sign) if c > 0 else L.binary("-", sign, q0)
    return _value(q, d)


# --- 32-bit by a register ------------------------------------------------------------------


def _div32_reg(L: Lowering, op: str, a: Operand, b: Value, d: str) -> Operand:
    file = L.file_of(a, b)
    if not isinstance(a, Value):
        a = _int_constant(L, a, d, 32, "dividend")
    if d not in SIGNED:
        q, r = _udivrem32(L, _as(a, "u32"), _as(b, "u32"), op, file)
        return _as(q if op == "//" else r, d)  # type: ignore[arg-type]
    ua = L.unary("abs", a)
    ub = L.unary("abs", _as(b, "i32"))
    q, r = _udivrem32(L, _as(ua, "u32"), _as(ub, "u32"), op, file)
    # negate (x ^ s) - s where s is -1: the quotient when the signs differ, the
    # remainder when the dividend is negative
    if op == "//":
        s = L.binary(">>", _as(L.binary("^", a, b), "i32"), 31)
        res = q
    else:
        s = L.binary(">>", a, 31)
        res = r
    assert res is not None
    if not isinstance(s, Value):
        return _as(L.binary("-", 0, res) if s else res, d)
    return _as(L.binary("-", L.binary("^", res, s), s), d)


def _udivrem32(L: Lowering, x: Operand, y: Value, op: str, file: str) -> tuple[Value | None, Value | None]:
    """Unsigned ``x // y`` and ``x % y`` (those ``op`` needs) for a register ``y``.

    ``z ~ 2**32 / y`` from the f32 reciprocal is scaled to stay *below* it, so that
    ``e = 2**32 - y*z`` is exact mod 2**32; one Newton-Raphson step
    ``z += mulhi(z, e)`` keeps ``z <= 2**32 / y`` and leaves ``2**32 / y - z < 1.26``
    when ``y <= 2**30`` (the squared relative error ``(y/2**32 + 2**-20)**2`` times
    ``2**32 / y``, plus the truncation) and ``< 1 + 2**-18`` otherwise (there
    ``z`` is within 1 already). Then ``q = mulhi(x, z)`` is at most 2 below the true
    quotient and never above it: two steps "if r >= y: q += 1, r -= y" finish.
    """
    fy = L.op("v_cvt_f32_u32", "v", 1, y)
    rcp = L.op("v_rcp_iflag_f32", "v", 1, Value(fy, "v", "f32", 1))
    scaled = L.op("v_mul_f32", "v", 1, _RCP_SCALE, Value(rcp, "v", "f32", 1))
    zv = L.op("v_cvt_u32_f32", "v", 1, Value(scaled, "v", "f32", 1))
    z = Value(zv, "v", "u32", 1)
    if file == "s":
        z = Value(L.op("v_readfirstlane_b32", "s", 1, z), "s", "u32", 1)
    e = L.binary("*", L.binary("-", 0, y), z)
    z = _as(L.binary("+", z, _mulhi(L, z, e, False, file)), "u32")  # type: ignore[assignment]
    q = _mulhi(L, x, z, False, file)
    r = _as(L.binary("-", x, L.binary("*", q, y)), "u32")
    assert isinstance(r, Value)
    for step in (0, 1):
        want_q = op == "//"
        want_r = op == "%" or step == 0
        if file == "s":
            t = L.op("s_sub_u32", "s", 1, r, y)  # SCC = borrow = (r < y)
            if want_r:
                r = Value(L.op("s_cselect_b32", "s", 1, r, Value(t, "s", "u32", 1)), "s", "u32", 1)
            if want_q:  # q - (-1) - borrow
                q = Value(L.op("s_subb_u32", "s", 1, q, -1), "s", "u32", 1)
        else:
            yv = y if y.file == "v" else None
            if yv is not None:
                t = L.op("v_sub_co_u32", "v", 1, "vcc", r, yv)
            else:
                t = L.op("v_subrev_co_u32", "v", 1, "vcc", y, r)
            if want_r:
                r = Value(L.op("v_cndmask_b32", "v", 1, Value(t, "v", "u32", 1), r, "vcc"), "v", "u32", 1)
            if want_q:  # q - (-1) - borrow, as subrev: src1 - src0 - borrow
                q = Value(L.op("v_subbrev_co_u32", "v", 1, "vcc", -1, q, "vcc"), "v", "u32", 1)
    return (q if op == "//" else None), (r if op == "%" else None)


# --- 64-bit -----------------------------------------------------------------------------------


def _div64_const(L: Lowering, op: str, a: Value, c: int, d: str) -> Operand:
    signed = d in SIGNED
    n = abs(c) if signed else c
    if n & (n - 1):
        raise DSLError(f"64-bit '{op}' ({d}) by the constant {c} is not supported: only "
                       "64-bit division by a power-of-two constant is", L.loc)
    k = n.bit_length() - 1
    if k == 0:
        if op == "%":
            return 0
        return L.binary("-", 0, a) if c < 0 else a
    if not signed:
        return L.binary(">>", a, k) if op == "//" else L.binary("&", a, n - 1)
    sign = L.binary(">>", _as(a, "i64"), 63)
    bias = L.binary(">>", _as(sign, "u64"), 64 - k)
    t = _as(L.binary("+", a, bias), "i64")
    if op == "%":
        return _as(L.binary("-", a, L.binary("&", t, -(1 << k))), d)
    q = L.binary(">>", t, k)
    return _as(L.binary("-", 0, q) if c < 0 else q, d)
