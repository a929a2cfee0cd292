"""Floating-point building blocks shared by the VALU float and conversion semantics.

Nothing here registers an instruction; :mod:`valu_float`, :mod:`valu_fcmp` and
:mod:`valu_cvt` do. The helpers work on numpy arrays of any shape and never warn
(every entry point runs under ``np.errstate(all="ignore")``).

Rounding facts (IEEE 754, round to nearest even, the default HIP mode):

* f32 and f64 ``+ - *`` in numpy are the IEEE operations themselves, denormals kept.
* A fused multiply-add must round once. The f32 and f16 products are exact in
  float64; the sum is formed with an error-free transformation (TwoSum) and rounded
  *to odd* in float64, which then rounds correctly to any format at least two bits
  narrower (Boldo & Melquiond, "Emulation of FMA and correctly-rounded sums: proved
  algorithms using rounding to odd", IEEE TC 2008). The f64 FMA splits the product
  exactly (Dekker) and adds three terms with the same round-to-odd step; lanes near
  the limits of the exponent range fall back to exact rational arithmetic.
* Half-precision results are produced as float32 values that are already "rounded to
  odd" from the exact result, so the final float32 -> float16 cast (round to nearest
  even, in ``OpCtx.set_f16``) is a single correct rounding.

NaN handling follows the MI300 (CDNA3) ISA guide's pseudocode for IEEE mode (on in
HIP kernels): ``v_min``/``v_max`` return the other operand for a quiet NaN and the
quieted NaN for a signalling one.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

F32, F64, U32, U64 = np.float32, np.float64, np.uint32, np.uint64
_TWO27P1 = F64(134217729.0)  # 2**27 + 1, Dekker's splitting constant

# (uint view dtype, quiet bit, exponent mask, mantissa mask) per float dtype
_LAYOUT = {
    np.dtype(F32): (U32, 0x00400000, 0x7F800000, 0x007FFFFF),
    np.dtype(F64): (U64, 0x0008000000000000, 0x7FF0000000000000, 0x000FFFFFFFFFFFFF),
    np.dtype(np.float16): (np.uint16, 0x0200, 0x7C00, 0x03FF),
}
MIN_NORMAL = {np.dtype(F32): 2.0**-126, np.dtype(F64): 2.0**-1022, np.dtype(np.float16): 2.0**-14}


def as_bits(x: np.ndarray) -> np.ndarray:
    x = np.ascontiguousarray(x)
    return x.view(_LAYOUT[x.dtype][0])


def from_bits(b: np.ndarray, dtype: type) -> np.ndarray:
    return np.ascontiguousarray(b, dtype=_LAYOUT[np.dtype(dtype)][0]).view(dtype)


def biased_exponent(x: np.ndarray) -> np.ndarray:
    """The exponent field of an f32/f64 array, as int64 (0 for zero/denormals)."""
    x = np.asarray(x)
    b = as_bits(x).astype(np.int64) if x.dtype == F32 else as_bits(x).view(np.int64)
    return (b >> 23) & 0xFF if x.dtype == F32 else (b >> 52) & 0x7FF


def is_snan(x: np.ndarray) -> np.ndarray:
    """Signalling NaN (quiet bit clear) of an f32/f64 array."""
    x = np.asarray(x)
    ut, quiet, _, _ = _LAYOUT[x.dtype]
    return np.isnan(x) & ((as_bits(x) & ut(quiet)) == 0)


def quiet(x: np.ndarray) -> np.ndarray:
    """NaNs with the quiet bit set (payload kept); other values unchanged."""
    x = np.asarray(x)
    ut, q, _, _ = _LAYOUT[x.dtype]
    return np.where(np.isnan(x), from_bits(as_bits(x) | ut(q), x.dtype), x)


def is_denorm(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    return (x != 0) & (np.abs(x) < x.dtype.type(MIN_NORMAL[x.dtype]))


def flush(x: np.ndarray) -> np.ndarray:
    """Denormals -> zero of the same sign (the transcendental units' flushing)."""
    x = np.asarray(x)
    return np.where(is_denorm(x), np.copysign(x.dtype.type(0), x), x)


def ieee_min(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``v_min_*`` in IEEE mode: sNaN -> quieted sNaN, qNaN -> other operand,
    -0 < +0, otherwise ``a < b ? a : b`` (ISA guide pseudocode)."""
    with np.errstate(all="ignore"):
        r = np.where(a < b, a, b)
        zeros = (a == 0) & (b == 0)
        r = np.where(zeros, np.where(np.signbit(a), a, b), r)
        r = np.where(np.isnan(b), a, r)
        r = np.where(np.isnan(a), b, r)
        r = np.where(is_snan(b), quiet(b), r)
        return np.where(is_snan(a), quiet(a), r)


def ieee_max(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``v_max_*`` in IEEE mode (mirror of :func:`ieee_min`, +0 > -0)."""
    with np.errstate(all="ignore"):
        r = np.where(a >= b, a, b)
        zeros = (a == 0) & (b == 0)
        r = np.where(zeros, np.where(np.signbit(a), b, a), r)
        r = np.where(np.isnan(b), a, r)
        r = np.where(np.isnan(a), b, r)
        r = np.where(is_snan(b), quiet(b), r)
        return np.where(is_snan(a), quiet(a), r)


def ieee_med3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``v_med3_*``: min3 when any input is NaN, else the median (ISA pseudocode)."""
    with np.errstate(all="ignore"):
        mx = ieee_max(ieee_max(a, b), c)
        med = np.where(mx == a, ieee_max(b, c), np.where(mx == b, ieee_max(a, c), ieee_max(a, b)))
        anynan = np.isnan(a) | np.isnan(b) | np.isnan(c)
        return np.where(anynan, ieee_min(ieee_min(a, b), c), med)


# --- round to odd ---------------------------------------------------------------


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _odd_fix(s: np.ndarray, err: np.ndarray) -> np.ndarray:
    """Given s = RN(x) and x = s + err exactly, return RO(x) (round to odd)."""
    even = (as_bits(s) & 1) == 0
    fix = (err != 0) & even & np.isfinite(s)
    toward = np.where(err > 0, np.inf, -np.inf).astype(s.dtype)
    return np.where(fix, np.nextafter(s, toward), s)


def ro_sum(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a + b (float64) rounded to odd."""
    with np.errstate(all="ignore"):
        s, e = _two_sum(a, b)
        return _odd_fix(s, np.where(np.isfinite(s), e, 0.0))


def ro_to_f32(x: np.ndarray) -> np.ndarray:
    """float64 -> float32 rounded to odd (NaN/inf kept; overflow -> max finite)."""
    with np.errstate(all="ignore"):
        x = np.asarray(x, dtype=F64)
        f = x.astype(F32)
        back = f.astype(F64)
        inexact = (back != x) & ~np.isnan(x) & ~np.isinf(x)
        even = (as_bits(f) & U32(1)) == 0
        toward = np.where(x > back, np.inf, -np.inf).astype(F32)
        return np.where(inexact & even, np.nextafter(f, toward), f)


def f16_exact(x: np.ndarray) -> np.ndarray:
    """An exact (float64) or odd-rounded value -> float32 whose f16 cast is correct."""
    return ro_to_f32(x)


# --- fused multiply-add -----------------------------------------------------------


def fma_ro64(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """a*b + c rounded to odd in float64, for f32/f16 inputs (their product is exact)."""
    with np.errstate(all="ignore"):
        p = np.asarray(a, dtype=F64) * np.asarray(b, dtype=F64)
        return ro_sum(p, np.asarray(c, dtype=F64))


def fma32(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Correctly rounded single-precision fma.

    The float64 sum of the exact product and ``c`` rounds to the right float32 unless it
    lands exactly on a float32 rounding midpoint, which needs its low 28 mantissa bits
    zero (29 or more bits are dropped going to float32). Only those lanes take the
    round-to-odd path.
    """
    with np.errstate(all="ignore"):
        p = np.asarray(a, dtype=F64) * np.asarray(b, dtype=F64)
        c64 = np.asarray(c, dtype=F64)
        s = p + c64
        maybe = ((s.view(np.uint64) & np.uint64(0x0FFFFFFF)) == 0) & np.isfinite(s)
        if maybe.any():
            pb, cb = np.broadcast_arrays(p, c64)
            s = np.array(s, copy=True)
            s[maybe] = ro_sum(pb[maybe], cb[maybe])
        return s.astype(F32)


def fma16(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """fma of f16 values (given as float32): float32 ready for the f16 cast."""
    return ro_to_f32(fma_ro64(a, b, c))


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = _TWO27P1 * a
    hi = t - (t - a)
    return hi, a - hi


def _fma64_exact(a: float, b: float, c: float, scale: int) -> float:
    """One lane of fma(a, b, c) * 2**scale, exactly, rounded once (slow path)."""
    if not (np.isfinite(a) and np.isfinite(b) and np.isfinite(c)):
        return float(F64(a) * F64(b) + F64(c))
    prod = Fraction(a) * Fraction(b)
    exact = (prod + Fraction(c)) * Fraction(2) ** scale
    if exact == 0:
        psign = np.signbit(a) != np.signbit(b)
        if prod == 0 and c == 0:  # (+-0) + (+-0): -0 only if both are -0
            return -0.0 if (psign and np.signbit(c)) else 0.0
        return 0.0
    try:
        return exact.numerator / exact.denominator
    except OverflowError:
        return float("inf") if exact > 0 else float("-inf")


def fma64(a: np.ndarray, b: np.ndarray, c: np.ndarray, scale: np.ndarray | int = 0) -> np.ndarray:
    """Correctly rounded double-precision ``fma(a, b, c) * 2**scale`` (one rounding).

    Fast path: Dekker's exact product ph + pl, (th, tl) = TwoSum(c, ph),
    v = RO(tl + pl), z = RN(th + v) (Boldo-Melquiond). Lanes where a split could
    overflow, a partial term could be subnormal or the scaled result could be
    subnormal are recomputed exactly with rationals.
    """
    a, b, c = (np.asarray(x, dtype=F64) for x in (a, b, c))
    a, b, c = np.broadcast_arrays(a, b, c)
    sc = np.broadcast_to(np.asarray(scale, dtype=np.int64), a.shape)
    with np.errstate(all="ignore"):
        ph = a * b
        ah, al = _split(a)
        bh, bl = _split(b)
        pl = ((ah * bh - ph) + ah * bl + al * bh) + al * bl
        th, tl = _two_sum(c, ph)
        v = ro_sum(tl, pl)
        z = th + v
        res = np.ldexp(z, sc.astype(np.int32))
        mags = np.stack([np.abs(a), np.abs(b), np.abs(ph), np.abs(c), np.abs(z)])
        big = (mags > 2.0**990).any(axis=0)
        tiny_p = (ph != 0) & (np.abs(ph) < 2.0**-960)
        tiny_p |= (ph == 0) & (a != 0) & (b != 0)
        tiny_c = (c != 0) & (np.abs(c) < 2.0**-960)
        tiny_r = (res != 0) & (np.abs(res) < 2.0**-1020) | ((z != 0) & (res == 0))
        finite = np.isfinite(a) & np.isfinite(b) & np.isfinite(c)
        slow = finite & (big | tiny_p | tiny_c | tiny_r)
        # exact zero sums: numpy's RN addition already has the IEEE sign rules
        zero_in = (a == 0) | (b == 0)
        res = np.where(zero_in & finite & (sc == 0), ph + c, res)
        slow &= ~(zero_in & (sc == 0))
        # a non-finite input: IEEE rules of a*b + c, except that an infinite c
        # wins over a finite product that only overflows in float64
        ab_finite = np.isfinite(a) & np.isfinite(b)
        res = np.where(finite, res, np.where(ab_finite & np.isinf(c), c, a * b + c))
    if slow.any():
        res = res.copy()
        for idx in zip(*np.nonzero(slow), strict=True):
            res[idx] = _fma64_exact(float(a[idx]), float(b[idx]), float(c[idx]), int(sc[idx]))
    return res


# --- classification ---------------------------------------------------------------


def class_bits(x: np.ndarray) -> np.ndarray:
    """The ``v_cmp_class`` bit index (0..9) of each element of an f32/f64 array."""
    x = np.asarray(x)
    neg = np.signbit(x)
    inf = np.isinf(x)
    zero = x == 0
    den = is_denorm(x)
    idx = np.where(neg, 3, 8)  # normal
    idx = np.where(den, np.where(neg, 4, 7), idx)
    idx = np.where(zero, np.where(neg, 5, 6), idx)
    idx = np.where(inf, np.where(neg, 2, 9), idx)
    idx = np.where(np.isnan(x), np.where(is_snan(x), 0, 1), idx)
    return idx


def sin_revolutions(x: np.ndarray) -> np.ndarray:
    """sin(2*pi*x) in float64, with the argument reduced exactly (x in revolutions)."""
    with np.errstate(all="ignore"):
        x = np.asarray(x, dtype=F64)
        r = x - np.rint(x)  # exact, in [-0.5, 0.5]
        r = np.where(r > 0.25, 0.5 - r, np.where(r < -0.25, -0.5 - r, r))
        out = np.sin(2.0 * np.pi * r)
        return np.where(x == 0, x, out)


def cos_revolutions(x: np.ndarray) -> np.ndarray:
    """cos(2*pi*x) = sin(2*pi*(x + 1/4)); the shift is exact after reducing x."""
    with np.errstate(all="ignore"):
        x = np.asarray(x, dtype=F64)
        r = x - np.rint(x)
        return np.where(np.isinf(x), np.nan, sin_revolutions(r + 0.25))
