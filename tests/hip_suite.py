"""Spec of the HIP C++ differential validation suite (``tests/data/hip_suite``).

Every :class:`Case` names one kernel of one ``.hip`` file and says

* how to launch it for a given size: ``make(rng, size)`` returns a :class:`Launch` (grid in
  work-groups per dimension, work-group size, the kernel arguments in order, and the indices of
  the arguments that are outputs). Pointer arguments are numpy arrays, by-value arguments numpy
  scalars of the parameter's C type (``np.int32`` for ``int``, ``np.uint32`` for ``unsigned``,
  ``np.float32`` for ``float``);
* what the kernel computes, as numpy/Python code of its **C semantics**:
  ``reference(launch)`` gets the launch with the arguments as they were *before* the kernel ran
  and returns one expected array per output (same shape and dtype as the output argument);
* how to compare: one :class:`Tol` per output, or a tuple of them, one per column of the
  output viewed as ``(-1, len(tuple))`` when columns need different tolerances;
* which instructions the compiled kernel must contain (``mnemonics``: regexes searched in the
  ``llvm-objdump-22 -d`` lines of that kernel), so the suite demonstrably exercises them.

Semantics conventions of the references:

* integers are exact with wrap-around; signed overflow, division by zero, ``INT_MIN / -1`` and
  out-of-range float -> int conversions are undefined in C, so the inputs avoid them;
* f32/f64 ``+ - * /``, ``fma`` and ``sqrt`` are correctly rounded (IEEE mode, denormals kept,
  which is what clang-22 sets for HIP on gfx942), conversions round to nearest even, so those are
  compared bit for bit (NaN equals NaN whatever its payload). Results of exact rational
  arithmetic are rounded with :func:`round_fraction` so no double rounding sneaks in;
* hardware approximations (``v_rcp_f32``, ``v_rsq_f32``, ``v_sqrt_f32``, ``v_exp_f32``,
  ``v_log_f32``) allow 1 ulp (log2 2 ulp or 1e-6 absolute), ``v_sin_f32``/``v_cos_f32``
  2 ulp or 4e-6 absolute; f64 ``sqrt`` (LLVM's v_rsq_f64 + fma refinement) allows 1 ulp;
* MFMA results are compared with a tolerance (the dot-product summation order inside the
  hardware is not published); integer MFMAs are exact;
* atomics are checked through order-independent final memory states (counters, bit sets of
  returned tickets, sums of values that add exactly in any order).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

SUITE_DIR = Path(__file__).parent / "data" / "hip_suite"

COMPILE_FLAGS = (
    "-x",
    "hip",
    "--offload-arch=gfx942",
    "--offload-device-only",
    "--no-gpu-bundle-output",
    "-nogpuinc",
    "-nogpulib",
    "-O3",
    "-cuid=pyhip",
    "-c",
)


def compile_command(clang: str, src: Path, out: Path, arch: str = "gfx942") -> list[str]:
    """The clang-22 command line that builds one suite file into a code object."""
    flags = [f"--offload-arch={arch}" if f.startswith("--offload-arch=") else f for f in COMPILE_FLAGS]
    return [clang, *flags, str(src), "-o", str(out)]


Arg = Any  # np.ndarray (pointer argument) or np.generic (by-value argument)


class Launch(NamedTuple):
    """One kernel launch: grid in work-groups, work-group size, arguments, output indices."""

    grid: tuple[int, ...]
    block: tuple[int, ...]
    args: list[Arg]
    outputs: list[int]


@dataclass(frozen=True)
class Tol:
    """Comparison rule for one output (or one column of it).

    All zero means exact: integers equal, floats bit-identical except that any NaN matches any
    NaN. Otherwise a float element passes if it is exact, or within ``ulp`` units in the last
    place, or ``|actual - expected| <= atol + rtol * |expected|``.
    """

    ulp: int = 0
    rtol: float = 0.0
    atol: float = 0.0

    @property
    def exact(self) -> bool:
        return self.ulp == 0 and self.rtol == 0.0 and self.atol == 0.0


EXACT = Tol()
ToleranceSpec = Tol | tuple[Tol, ...]

MakeFn = Callable[[np.random.Generator, int], Launch]
RefFn = Callable[[Launch], list[np.ndarray]]


@dataclass(frozen=True)
class Case:
    """One kernel of the suite with its launch builder, reference and checks."""

    name: str
    file: str
    kernel: str
    make: MakeFn
    reference: RefFn
    sizes: tuple[int, ...]
    tol: tuple[ToleranceSpec, ...] = ()  # one per output; missing entries are EXACT
    mnemonics: tuple[str, ...] = ()

    def tolerance(self, k: int) -> ToleranceSpec:
        return self.tol[k] if k < len(self.tol) else EXACT


# ---------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------


def _ordered(bits: np.ndarray, width: int) -> list[int]:
    """Map float bit patterns to integers whose difference counts ulps."""
    sign = 1 << (width - 1)
    return [-(b & (sign - 1)) if b & sign else b for b in (int(v) for v in bits)]


def _float_mismatch(actual: np.ndarray, expected: np.ndarray, tol: Tol) -> np.ndarray:
    itype = {2: np.uint16, 4: np.uint32, 8: np.uint64}[actual.dtype.itemsize]
    a_bits, e_bits = actual.view(itype), expected.view(itype)
    both_nan = np.isnan(actual) & np.isnan(expected)
    ok = (a_bits == e_bits) | both_nan
    if tol.exact or ok.all():
        return ~ok
    a64, e64 = actual.astype(np.float64), expected.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.abs(a64 - e64) <= tol.atol + tol.rtol * np.abs(e64)
    ok |= close & np.isfinite(a64) & np.isfinite(e64)
    if tol.ulp:
        idx = np.nonzero(~ok)[0]
        width = 8 * actual.dtype.itemsize
        oa = _ordered(a_bits[idx], width)
        oe = _ordered(e_bits[idx], width)
        finite = np.isfinite(actual[idx]) & np.isfinite(expected[idx])
        for j, i in enumerate(idx):
            if finite[j] and abs(oa[j] - oe[j]) <= tol.ulp:
                ok[i] = True
    return ~ok


def mismatches(actual: np.ndarray, expected: np.ndarray, tol: Tol) -> np.ndarray:
    """Boolean mask (flat) of the elements of ``actual`` that fail ``tol`` against ``expected``."""
    a = np.ascontiguousarray(actual).reshape(-1)
    e = np.ascontiguousarray(expected).reshape(-1)
    if a.dtype.kind == "f":
        return _float_mismatch(a, e, tol)
    return a != e


def compare(actual: np.ndarray, expected: np.ndarray, tol: ToleranceSpec) -> str | None:
    """None if ``actual`` matches ``expected`` under ``tol``, else a short description."""
    if actual.shape != expected.shape or actual.dtype != expected.dtype:
        return (
            f"reference shape/dtype {expected.shape}/{expected.dtype} does not match the "
            f"output {actual.shape}/{actual.dtype}"
        )
    a = np.ascontiguousarray(actual).reshape(-1)
    e = np.ascontiguousarray(expected).reshape(-1)
    if isinstance(tol, tuple):
        cols = len(tol)
        bad = np.zeros(a.size, dtype=bool)
        for c, t in enumerate(tol):
            bad[c::cols] = mismatches(a[c::cols], e[c::cols], t)
    else:
        cols = 1
        bad = mismatches(a, e, tol)
    if not bad.any():
        return None
    where = np.nonzero(bad)[0]
    lines = [f"{where.size} of {a.size} elements differ"]
    for i in where[:8]:
        pos = f"[{i // cols}, {i % cols}]" if cols > 1 else f"[{i}]"
        lines.append(f"  {pos}: got {a[i]!r}, expected {e[i]!r}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Exact rounding helpers (C semantics of float arithmetic and conversions)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FloatFormat:
    mant_bits: int  # explicit fraction bits
    emin: int  # exponent of the smallest normal
    emax: int  # exponent of the largest finite


F16 = FloatFormat(10, -14, 15)
BF16 = FloatFormat(7, -126, 127)
F32 = FloatFormat(23, -126, 127)
F64 = FloatFormat(52, -1022, 1023)


def round_fraction(value: Fraction, fmt: FloatFormat, negative_zero: bool = False) -> float:
    """Round an exact rational to ``fmt`` (nearest, ties to even; subnormals; overflow -> inf).

    ``negative_zero`` gives the sign of an exact zero result (IEEE rules are the caller's).
    """
    if value == 0:
        return -0.0 if negative_zero else 0.0
    sign = -1.0 if value < 0 else 1.0
    mag = abs(value)
    e = mag.numerator.bit_length() - mag.denominator.bit_length()
    if Fraction(2) ** e > mag:
        e -= 1
    e = max(e, fmt.emin)
    quantum = Fraction(2) ** (e - fmt.mant_bits)
    q = mag / quantum
    m = q.numerator // q.denominator
    rem = q - m
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and m % 2 == 1):
        m += 1
    result = m * quantum
    if result >= Fraction(2) ** (fmt.emax + 1):
        return sign * math.inf
    return sign * float(result)


def cvt(x: float, fmt: FloatFormat) -> float:
    """C conversion of a double-representable value to ``fmt`` (round to nearest even)."""
    if not math.isfinite(x):
        return x
    return round_fraction(Fraction(x), fmt, math.copysign(1.0, x) < 0)


def _nonfinite(*xs: float) -> bool:
    return not all(math.isfinite(x) for x in xs)


def f_add(x: float, y: float, fmt: FloatFormat) -> float:
    if _nonfinite(x, y):
        return x + y
    return round_fraction(
        Fraction(x) + Fraction(y), fmt, math.copysign(1, x) < 0 and math.copysign(1, y) < 0
    )


def f_sub(x: float, y: float, fmt: FloatFormat) -> float:
    return f_add(x, -y, fmt)


def f_mul(x: float, y: float, fmt: FloatFormat) -> float:
    if _nonfinite(x, y):
        return x * y
    neg = (math.copysign(1, x) < 0) != (math.copysign(1, y) < 0)
    return round_fraction(Fraction(x) * Fraction(y), fmt, neg)


def f_fma(x: float, y: float, z: float, fmt: FloatFormat) -> float:
    if _nonfinite(x, y, z):
        return x * y + z
    prod = Fraction(x) * Fraction(y)
    prod_neg = (math.copysign(1, x) < 0) != (math.copysign(1, y) < 0)
    neg_zero = prod == 0 and prod_neg and math.copysign(1, z) < 0
    return round_fraction(prod + Fraction(z), fmt, neg_zero)


def bf16_bits(x: float) -> int:
    """Bit pattern of a bf16-representable value."""
    return int(np.array([x], dtype=np.float32).view(np.uint32)[0]) >> 16


def bf16_value(bits: int) -> float:
    return float(np.array([bits << 16], dtype=np.uint32).view(np.float32)[0])


# ---------------------------------------------------------------------------------------------
# Integer helpers
# ---------------------------------------------------------------------------------------------

M32 = 0xFFFFFFFF
M64 = (1 << 64) - 1
INT_MIN = -(1 << 31)
INT_MAX = (1 << 31) - 1


def s32(v: int) -> int:
    v &= M32
    return v - (1 << 32) if v >> 31 else v


def s64(v: int) -> int:
    v &= M64
    return v - (1 << 64) if v >> 63 else v


def sext(v: int, bits: int) -> int:
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def cdiv(a: int, b: int) -> int:
    """C division: truncate toward zero."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def cmod(a: int, b: int) -> int:
    """C remainder: sign of the dividend."""
    return a - cdiv(a, b) * b


def ints(values: Sequence[int], dtype: Any) -> np.ndarray:
    """Python ints (any sign) wrapped into the integer ``dtype``."""
    dt = np.dtype(dtype)
    bits = 8 * dt.itemsize
    mask = (1 << bits) - 1
    unsigned = {8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}[bits]
    return np.array([int(v) & mask for v in values], dtype=unsigned).view(dt)


def floats(values: Sequence[float], dtype: Any) -> np.ndarray:
    """Values already rounded to ``dtype`` (exact conversion)."""
    return np.array(values, dtype=np.float64).astype(dtype)


def popcount(v: int) -> int:
    return bin(v).count("1")


# ---------------------------------------------------------------------------------------------
# Random inputs
# ---------------------------------------------------------------------------------------------


def _sprinkle(rng: np.random.Generator, arr: np.ndarray, specials: Sequence[Any]) -> np.ndarray:
    """Put some special values at random positions (at most a quarter of the array)."""
    k = min(len(specials), arr.size // 4)
    if k:
        pos = rng.choice(arr.size, size=k, replace=False)
        chosen = rng.choice(len(specials), size=k, replace=False)
        for p, c in zip(pos, chosen, strict=True):
            arr.flat[p] = specials[c]
    return arr


U32_SPECIALS = (0, 1, 2, 3, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFF, 0xFFFFFFFE, 0x10000)
U64_SPECIALS = (0, 1, 1 << 63, M64, 1 << 32, M32, (1 << 63) - 1, 0x1_0000_0001)


def rand_u32(rng: np.random.Generator, n: int, special: bool = True) -> np.ndarray:
    x = rng.integers(0, 1 << 32, size=n, dtype=np.uint64).astype(np.uint32)
    return _sprinkle(rng, x, U32_SPECIALS) if special else x


def rand_i32(rng: np.random.Generator, n: int, special: bool = True) -> np.ndarray:
    return rand_u32(rng, n, special).view(np.int32)


def rand_u64(rng: np.random.Generator, n: int, special: bool = True) -> np.ndarray:
    x = rng.integers(0, 1 << 64, size=n, dtype=np.uint64)
    return _sprinkle(rng, x, U64_SPECIALS) if special else x


def rand_f32(
    rng: np.random.Generator, n: int, lo: float = -6, hi: float = 6, specials: Sequence[float] = ()
) -> np.ndarray:
    """Random signed floats with log-uniform magnitude 2**lo .. 2**hi."""
    mag = np.exp2(rng.uniform(lo, hi, n))
    x = (mag * rng.choice([-1.0, 1.0], n)).astype(np.float32)
    return _sprinkle(rng, x, [np.float32(s) for s in specials])


def rand_f64(
    rng: np.random.Generator, n: int, lo: float = -6, hi: float = 6, specials: Sequence[float] = ()
) -> np.ndarray:
    mag = np.exp2(rng.uniform(lo, hi, n))
    x = mag * rng.choice([-1.0, 1.0], n)
    return _sprinkle(rng, x, list(specials))


def groups(n: int, block: int) -> int:
    return max(1, -(-n // block))


def launch_1d(n: int, block: int, args: list[Arg], outputs: list[int]) -> Launch:
    return Launch((groups(n, block),), (block,), args, outputs)


def pick(rng: np.random.Generator, options: Sequence[Any]) -> Any:
    return options[int(rng.integers(len(options)))]


def n_of(launch: Launch) -> int:
    """The trailing ``int n`` argument of the element-wise kernels."""
    return int(launch.args[-1])


# ---------------------------------------------------------------------------------------------
# Integer arithmetic
# ---------------------------------------------------------------------------------------------


def make_int_arith32(rng: np.random.Generator, n: int) -> Launch:
    a, b = rand_u32(rng, n), rand_u32(rng, n)
    return launch_1d(n, 96, [a, b, np.zeros(8 * n, np.uint32), np.int32(n)], [2])


def ref_int_arith32(launch: Launch) -> list[np.ndarray]:
    a, b = launch.args[0].tolist(), launch.args[1].tolist()
    rows: list[int] = []
    for x, y in zip(a, b, strict=True):
        x24, y24 = x & 0xFFFFFF, y & 0xFFFFFF
        rows += [
            x + y,
            x - y,
            x * y,
            (x * y) >> 32,
            (s32(x) * s32(y)) >> 32,
            x24 * y24,
            x * 0x9E3779B9 + (y ^ 0x5BD1E995),
            (x24 * y24) >> 32,
        ]
    return [ints(rows, np.uint32)]


def make_int_minmax_abs(rng: np.random.Generator, n: int) -> Launch:
    a, b = rand_i32(rng, n), rand_i32(rng, n)
    a[a == INT_MIN] = 12345  # abs(INT_MIN) is undefined
    small = rng.integers(-1500, 1500, n).astype(np.int32)
    a = np.where(rng.random(n) < 0.3, small, a).astype(np.int32)
    return launch_1d(n, 128, [a, b, np.zeros(10 * n, np.int32), np.int32(n)], [2])


def ref_int_minmax_abs(launch: Launch) -> list[np.ndarray]:
    rows: list[int] = []
    for x, y in zip(launch.args[0].tolist(), launch.args[1].tolist(), strict=True):
        ux, uy = x & M32, y & M32
        rows += [
            min(x, y),
            max(x, y),
            min(ux, uy),
            max(ux, uy),
            abs(x),
            min(max(x, -1000), 1000),
            min(max(ux, 100), 0x80000000),
            min(ux + uy, M32),
            min(max(x + y, INT_MIN), INT_MAX),
            max(ux - uy, 0),
        ]
    return [ints(rows, np.int32)]


def make_int_div_const(rng: np.random.Generator, n: int) -> Launch:
    a = _sprinkle(rng, rand_i32(rng, n, False).copy(), [INT_MIN, INT_MAX, -1, 0, -7, -16, -1000, 6])
    b = _sprinkle(rng, rand_u32(rng, n, False), [0, 6, 7, 0x80000001, 0xFFFFFFFF, 0x80000000])
    args = [a, b, np.zeros(8 * n, np.int32), np.zeros(8 * n, np.uint32), np.int32(n)]
    return launch_1d(n, 256, args, [2, 3])


def ref_int_div_const(launch: Launch) -> list[np.ndarray]:
    srows: list[int] = []
    urows: list[int] = []
    for x in launch.args[0].tolist():
        srows += [cdiv(x, 7), cmod(x, 7), cdiv(x, -3), cmod(x, -3), cdiv(x, 16), cmod(x, 16)]
        srows += [cdiv(x, 1000), cmod(x, -1000)]
    for y in launch.args[1].tolist():
        urows += [y // 7, y % 7, y // 10, y % 10, y // 0x12345, y % 0x12345, y // 0x80000001]
        urows += [y % 16]
    return [ints(srows, np.int32), ints(urows, np.uint32)]


def make_int_div_runtime(rng: np.random.Generator, n: int) -> Launch:
    a = rand_i32(rng, n)
    small = rng.integers(-20, 21, n)
    d = np.where(rng.random(n) < 0.5, small, rand_i32(rng, n, False)).astype(np.int32)
    d = _sprinkle(rng, d, [1, -1, INT_MIN, INT_MAX, 2, -2])
    d[d == 0] = 3
    d[(a == INT_MIN) & (d == -1)] = -2  # INT_MIN / -1 overflows
    return launch_1d(n, 64, [a, d, np.zeros(4 * n, np.int32), np.int32(n)], [2])


def ref_int_div_runtime(launch: Launch) -> list[np.ndarray]:
    rows: list[int] = []
    for x, y in zip(launch.args[0].tolist(), launch.args[1].tolist(), strict=True):
        ux, uy = x & M32, y & M32
        rows += [cdiv(x, y), cmod(x, y), ux // uy, ux % uy]
    return [ints(rows, np.int32)]


def make_int_div_uniform(rng: np.random.Generator, n: int) -> Launch:
    a = rand_u32(rng, n)
    ud = pick(rng, [1, 2, 3, 10, 641, 0x10001, 0x80000000, M32, int(rng.integers(1, 1 << 32))])
    sd = pick(rng, [1, -1, 2, -3, 7, -1000, 65536, INT_MIN, int(rng.integers(-(1 << 20), 1 << 20))])
    if sd == 0:
        sd = 5
    if sd == -1:
        a[a == 0x80000000] = 0x80000001  # INT_MIN / -1 overflows
    args = [a, np.zeros(4 * n, np.uint32), np.uint32(ud), np.int32(sd), np.int32(n)]
    return launch_1d(n, 192, args, [1])


def ref_int_div_uniform(launch: Launch) -> list[np.ndarray]:
    ud, sd = int(launch.args[2]), int(launch.args[3])
    rows: list[int] = []
    for x in launch.args[0].tolist():
        rows += [x // ud, x % ud, cdiv(s32(x), sd), cmod(s32(x), sd)]
    return [ints(rows, np.uint32)]


def make_int64_arith(rng: np.random.Generator, n: int) -> Launch:
    a, b = rand_u64(rng, n), rand_u64(rng, n)
    return launch_1d(n, 128, [a, b, np.zeros(12 * n, np.uint64), np.int32(n)], [2])


def ref_int64_arith(launch: Launch) -> list[np.ndarray]:
    rows: list[int] = []
    for x, y in zip(launch.args[0].tolist(), launch.args[1].tolist(), strict=True):
        sh = y & 63
        rows += [
            x + y,
            x - y,
            x * y,
            (x * y) >> 64,
            x << sh,
            x >> sh,
            s64(x) >> sh,
            min(x, y),
            x if s64(x) > s64(y) else y,
            s32(x),
            (x & M32) * (y & M32) + (y >> 32),
            s32(x) * s32(y),
        ]
    return [ints(rows, np.uint64)]


def make_int64_div(rng: np.random.Generator, n: int) -> Launch:
    a = rand_u64(rng, n)
    kind = rng.integers(0, 4, n)
    small = rng.integers(1, 1000, n, dtype=np.uint64)
    mid = rng.integers(1, 1 << 32, n, dtype=np.uint64)
    big = rand_u64(rng, n, False)
    neg = (-(rng.integers(1, 1 << 40, n))).astype(np.int64).view(np.uint64)
    d = np.select([kind == 0, kind == 1, kind == 2], [small, mid, big], neg).astype(np.uint64)
    d = _sprinkle(rng, d, [1, M64, 1 << 63, M32, 1 << 32])
    d[d == 0] = 7
    d[(a == (1 << 63)) & (d == M64)] = 3  # INT64_MIN / -1 overflows
    return launch_1d(n, 64, [a, d, np.zeros(6 * n, np.uint64), np.int32(n)], [2])


def ref_int64_div(launch: Launch) -> list[np.ndarray]:
    rows: list[int] = []
    for x, y in zip(launch.args[0].tolist(), launch.args[1].tolist(), strict=True):
        sx, sy = s64(x), s64(y)
        rows += [x // y, x % y, cdiv(sx, sy), cmod(sx, sy), x // 1000000007, cmod(sx, -12345)]
    return [ints(rows, np.uint64)]


# ---------------------------------------------------------------------------------------------
# Floating point
# ---------------------------------------------------------------------------------------------

F32_SPECIALS = (0.0, -0.0, 1e-40, -3e-39, 1.0, 3.0, 1e30, -1e-30, 0.1)


def make_f32_arith(rng: np.random.Generator, n: int) -> Launch:
    a = rand_f32(rng, n, -20, 20, F32_SPECIALS)
    b = rand_f32(rng, n, -20, 20, (1e-40, -2.5, 1e-30, 1.0, 1e30, 3.0))
    c = rand_f32(rng, n, -20, 20, (-0.0, 1e-38, 0.0, -1e-39))
    b[b == 0] = np.float32(0.75)
    # fused vs separately rounded: (1 + 2^-12)^2 - (1 + 2^-11) is 2^-24 only when fused
    a[0], b[0], c[0] = 1 + 2.0**-12, 1 + 2.0**-12, -(1 + 2.0**-11)
    args = [a, b, c, np.zeros(10 * n, np.float32), np.int32(n)]
    return launch_1d(n, 100, args, [3])


def ref_f32_arith(launch: Launch) -> list[np.ndarray]:
    a, b, c = launch.args[:3]
    with np.errstate(all="ignore"):
        half, three = np.float32(0.5), np.float32(3.0)
        cols = [
            a + b,
            a - b,
            a * b,
            a / b,
            floats(
                [
                    f_fma(x, y, z, F32)
                    for x, y, z in zip(a.tolist(), b.tolist(), c.tolist(), strict=True)
                ],
                np.float32,
            ),
            np.sqrt(np.abs(a)),
            (-a * b) + c,
            floats(
                [
                    f_fma(-x, abs(y), -z, F32)
                    for x, y, z in zip(a.tolist(), b.tolist(), c.tolist(), strict=True)
                ],
                np.float32,
            ),
            np.abs(a) * -b,
            (a + b) * half - c * three,
        ]
    return [np.stack(cols, axis=1).astype(np.float32).reshape(-1)]


def make_f32_transcendental(rng: np.random.Generator, n: int) -> Launch:
    x = rng.uniform(-20, 20, n).astype(np.float32)
    x[np.abs(x) < 1e-3] = np.float32(0.5)
    x = _sprinkle(rng, x, [np.float32(v) for v in (1.0, -1.0, 0.5, 16.0, -0.125)])
    pos = np.exp2(rng.uniform(-20, 20, n)).astype(np.float32)
    pos = _sprinkle(rng, pos, [np.float32(v) for v in (1.0, 4.0, 2.0, 0.25, 1.0000001)])
    rev = rng.uniform(-2, 2, n).astype(np.float32)
    rev = _sprinkle(rng, rev, [np.float32(v) for v in (0.0, 0.25, 0.5, -0.75, 1.0)])
    args = [x, pos, rev, np.zeros(7 * n, np.float32), np.int32(n)]
    return launch_1d(n, 64, args, [3])


def ref_f32_transcendental(launch: Launch) -> list[np.ndarray]:
    x, pos, rev = (v.astype(np.float64) for v in launch.args[:3])
    cols = [
        1.0 / x,
        1.0 / np.sqrt(pos),
        np.sqrt(pos),
        np.exp2(x),
        np.log2(pos),
        np.sin(2 * np.pi * rev),
        np.cos(2 * np.pi * rev),
    ]
    return [np.stack(cols, axis=1).astype(np.float32).reshape(-1)]


TRANSCENDENTAL_TOL = (
    Tol(ulp=1),  # v_rcp_f32
    Tol(ulp=1),  # v_rsq_f32
    Tol(ulp=1),  # v_sqrt_f32
    Tol(ulp=1),  # v_exp_f32
    Tol(ulp=2, atol=1e-6),  # v_log_f32
    Tol(ulp=2, atol=4e-6),  # v_sin_f32
    Tol(ulp=2, atol=4e-6),  # v_cos_f32
)


def make_f32_round_minmax(rng: np.random.Generator, n: int) -> Launch:
    halves = (rng.integers(-40, 41, n) / 2).astype(np.float32)
    wide = rand_f32(rng, n, -10, 24)
    a = np.where(rng.random(n) < 0.4, halves, wide).astype(np.float32)
    a = _sprinkle(
        rng,
        a,
        [np.float32(v) for v in (0.0, -0.0, 0.5, -0.5, 2.5, -2.5, 8388609.0, 1e-40, -0.3, 1e30)],
    )
    b = rand_f32(rng, n, -10, 24, (math.nan, math.nan, 1.0, -1.0))
    k = rng.integers(-20, 21, n).astype(np.int32)
    args = [a, b, k, np.zeros(11 * n, np.float32), np.zeros(n, np.int32), np.int32(n)]
    return launch_1d(n, 128, args, [3, 4])


def ref_f32_round_minmax(launch: Launch) -> list[np.ndarray]:
    a, b, k = launch.args[:3]
    mant, exps = np.frexp(a)
    a64 = a.astype(np.float64)
    with np.errstate(all="ignore"):
        cols = [
            np.floor(a),
            np.ceil(a),
            np.trunc(a),
            np.rint(a),
            np.copysign(np.floor(np.abs(a64) + 0.5), a64).astype(np.float32),
            np.fmin(a, b),
            np.fmax(a, b),
            a - np.floor(a),
            np.ldexp(a, k),
            mant,
            np.copysign(b, a),
        ]
    out = np.stack([c.astype(np.float32) for c in cols], axis=1).reshape(-1)
    return [out, exps.astype(np.int32)]


def make_f32_compare_select(rng: np.random.Generator, n: int) -> Launch:
    pool = np.array(
        [0.0, -0.0, 1.0, -1.0, 0.5, math.inf, -math.inf, math.nan, 1e-40, -1e-40, 3.4e38, 2.0],
        dtype=np.float32,
    )
    a = np.where(rng.random(n) < 0.5, pool[rng.integers(0, pool.size, n)], rand_f32(rng, n, -3, 3))
    b = np.where(rng.random(n) < 0.5, pool[rng.integers(0, pool.size, n)], rand_f32(rng, n, -3, 3))
    same = rng.random(n) < 0.15
    b = np.where(same, a, b)
    a, b = a.astype(np.float32), b.astype(np.float32)
    args = [a, b, np.zeros(n, np.uint32), np.zeros(n, np.float32), np.int32(n)]
    return launch_1d(n, 64, args, [2, 3])


def ref_f32_compare_select(launch: Launch) -> list[np.ndarray]:
    x, y = launch.args[:2]
    with np.errstate(all="ignore"):
        bits = [
            x < y,
            x <= y,
            x > y,
            x >= y,
            x == y,
            x != y,
            ~(x < y),
            np.isnan(x) | np.isnan(y),
            np.isnan(x),
            np.isinf(x),
            np.isfinite(x),
            np.isfinite(x) & (np.abs(x) >= np.float32(2.0**-126)),
            np.signbit(x),
            x == 0,
            (x < y) | (x > y),
        ]
        mask = np.zeros(x.size, np.uint32)
        for i, bit in enumerate(bits):
            mask |= bit.astype(np.uint32) << np.uint32(i)
        s = np.where(
            x < y, x * np.float32(2.0), np.where(x == y, np.float32(1.5), y - np.float32(1.0))
        )
        sel = np.where(np.isnan(x), np.float32(-7.0), s).astype(np.float32)
    return [mask, sel]


def make_f64_arith(rng: np.random.Generator, n: int) -> Launch:
    sp = (0.0, -0.0, 5e-324, -1e-310, 1.0, 3.0, 1e300, 0.1)
    a = rand_f64(rng, n, -60, 60, sp)
    b = rand_f64(rng, n, -60, 60, (1e-310, -2.5, 1.0, 3.0, 1e-300))
    c = rand_f64(rng, n, -60, 60, (-0.0, 0.0, 1e-308))
    b[b == 0] = 0.75
    a[0], b[0], c[0] = 1 + 2.0**-27, 1 + 2.0**-27, -(1 + 2.0**-26)  # 2^-54 only when fused
    args = [a, b, c, np.zeros(11 * n, np.float64), np.int32(n)]
    return launch_1d(n, 64, args, [3])


def ref_f64_arith(launch: Launch) -> list[np.ndarray]:
    a, b, c = launch.args[:3]
    i = np.arange(a.size)
    with np.errstate(all="ignore"):
        cols = [
            a + b,
            a - b,
            a * b,
            a / b,
            np.array(
                [
                    f_fma(x, y, z, F64)
                    for x, y, z in zip(a.tolist(), b.tolist(), c.tolist(), strict=True)
                ]
            ),
            np.sqrt(np.abs(a)),
            np.floor(a),
            np.trunc(a),
            np.rint(a),
            np.fmin(a, b) + np.fmax(b, c),
            np.ldexp(a, (i % 41) - 20),
        ]
    return [np.stack(cols, axis=1).astype(np.float64).reshape(-1)]


F64_TOL = (EXACT,) * 5 + (Tol(ulp=1),) + (EXACT,) * 5


# ---------------------------------------------------------------------------------------------
# Conversions and memory widths
# ---------------------------------------------------------------------------------------------


def make_cvt_int_float(rng: np.random.Generator, n: int) -> Launch:
    iv = _sprinkle(
        rng,
        rand_i32(rng, n, False).copy(),
        [16777217, -16777217, INT_MIN, INT_MAX, 0, -1, 0x7FFFFF80, 255, -129],
    )
    lv = rand_u64(rng, n, False).view(np.int64).copy()
    shift = rng.integers(0, 63, n).astype(np.uint64)
    lv = np.where(rng.random(n) < 0.5, lv >> shift.astype(np.int64), lv).astype(np.int64)
    lv = _sprinkle(
        rng,
        lv,
        [
            (1 << 53) + 1,
            (1 << 63) - 1,
            -(1 << 63),
            (1 << 40) + (1 << 16),
            (1 << 40) + (3 << 16),
            -1,
            0,
        ],
    )
    fv = rand_f32(
        rng, n, -3, 30.9, (0.5, -0.5, 2147483520.0, -2147483648.0, 0.0, -0.0, 16777217.0, 1e-20)
    )
    dv = rand_f64(
        rng, n, -3, 30.9, (2147483647.9, -2147483648.5, 0.99999, -0.0, 4294967295.0 / 2, 1e-300)
    )
    args = [
        iv,
        lv,
        fv,
        dv,
        np.zeros(6 * n, np.float32),
        np.zeros(6 * n, np.int32),
        np.zeros(4 * n, np.float64),
        np.zeros(3 * n, np.int64),
        np.int32(n),
    ]
    return launch_1d(n, 128, args, [4, 5, 6, 7])


def _f32(x: float) -> float:
    return float(np.float32(x))


def ref_cvt_int_float(launch: Launch) -> list[np.ndarray]:
    iv, lv, fv, dv = (v.tolist() for v in launch.args[:4])
    of: list[float] = []
    oi: list[int] = []
    od: list[float] = []
    ol: list[int] = []
    e5, e7 = _f32(1e-5), _f32(1e-7)
    for x, lval, f, d in zip(iv, lv, fv, dv, strict=True):
        of += [
            round_fraction(Fraction(x), F32),
            round_fraction(Fraction(x & M32), F32),
            round_fraction(Fraction(lval), F32),
            round_fraction(Fraction(lval & M64), F32),
            cvt(d, F32),
            f_add(float(x & 0xFFFF), float(sext(x, 8)), F32),
        ]
        oi += [
            math.trunc(f),
            math.trunc(abs(f)),
            math.trunc(d),
            math.trunc(abs(d)),
            sext(math.trunc(f_mul(f, e5, F32)), 16),
            math.trunc(f_mul(abs(f), e7, F32)) & 0xFF,
        ]
        od += [float(x), float(x & M32), f, float(lval)]
        ol += [
            math.trunc(f_mul(f, 4096.0, F32)),
            math.trunc(abs(d) * 1048576.0),
            math.trunc(d * -3.0),
        ]
    return [floats(of, np.float32), ints(oi, np.int32), floats(od, np.float64), ints(ol, np.int64)]


def _f16_ties(rng: np.random.Generator, n: int) -> np.ndarray:
    """f32 values exactly halfway between two adjacent finite f16 values."""
    bits = rng.integers(0, 0x7BFF, n).astype(np.uint16)
    lo = bits.view(np.float16).astype(np.float64)
    hi = (bits + 1).view(np.float16).astype(np.float64)
    sign = rng.choice([-1.0, 1.0], n)
    return (sign * (lo + hi) / 2).astype(np.float32)


def make_cvt_f16(rng: np.random.Generator, n: int) -> Launch:
    f = np.where(rng.random(n) < 0.3, _f16_ties(rng, n), rand_f32(rng, n, -26, 17))
    f = _sprinkle(
        rng,
        f.astype(np.float32),
        [
            np.float32(v)
            for v in (65520.0, 65519.0, -65504.0, 2.0**-25, 3 * 2.0**-26, 0.0, -0.0, 1e-10)
        ],
    )
    ties = _f16_ties(rng, n).astype(np.float64)
    nudge = rng.choice([-1.0, 1.0], n) * 2.0**-35
    d = np.where(rng.random(n) < 0.5, ties * (1 + nudge), rand_f64(rng, n, -26, 17))
    d = _sprinkle(rng, d, [65519.999, 65520.0, 2.0**-25 * (1 + 2.0**-40), -0.0])
    h = (rng.uniform(-8, 8, 3 * n) * np.exp2(rng.integers(-14, 3, 3 * n))).astype(np.float16)
    h = _sprinkle(rng, h, [np.float16(v) for v in (0.0, -0.0, 2.0**-24, -(2.0**-20), 1.0, 3.0)])
    h[:3] = [1 + 2.0**-6, 1 + 2.0**-6, -(1 + 2.0**-5)]  # fma: 2^-12 only when fused
    args = [f, d, h, np.zeros(8 * n, np.float16), np.zeros(2 * n, np.float32), np.int32(n)]
    return launch_1d(n, 64, args, [3, 4])


def ref_cvt_f16(launch: Launch) -> list[np.ndarray]:
    fv, dv = launch.args[0].tolist(), launch.args[1].tolist()
    h = launch.args[2].astype(np.float64).tolist()
    hout: list[float] = []
    fout: list[float] = []
    for i, (f, d) in enumerate(zip(fv, dv, strict=True)):
        a, b, c = h[3 * i], h[3 * i + 1], h[3 * i + 2]
        hout += [
            cvt(f, F16),
            cvt(d, F16),
            f_add(a, b, F16),
            f_mul(a, b, F16),
            f_fma(a, b, c, F16),
            f_add(f_mul(a, c, F16), a, F16),
            f_add(f_mul(b, a, F16), b, F16),
            f_sub(a, c, F16),
        ]
        fout += [a, f_mul(b, c, F32)]
    return [floats(hout, np.float16), floats(fout, np.float32)]


def make_cvt_bf16(rng: np.random.Generator, n: int) -> Launch:
    upper = rng.integers(0, 0x10000, n).astype(np.uint32)
    upper[(upper & 0x7F80) == 0x7F80] &= 0xBFFF  # keep finite: clear an exponent bit
    tie_bits = (upper << 16) | 0x8000
    wide = rand_f32(rng, n, -130, 127).view(np.uint32)
    fbits = np.where(rng.random(n) < 0.4, tie_bits, wide).astype(np.uint32)
    specials = [
        0x7F7FFFFF,
        0x7F800000,
        0xFF800000,
        0x00008000,
        0x00018000,
        0x80000000,
        0x3F808000,
        0x3F818000,
    ]
    f = _sprinkle(rng, fbits, specials).view(np.float32)
    bexp = rng.integers(0x3C00, 0x4300, 2 * n).astype(np.uint32)  # exponents around 2^-7 .. 2^7
    bbits = ((bexp & 0x7FF0) | rng.integers(0, 0x10, 2 * n).astype(np.uint32)) | (
        rng.integers(0, 2, 2 * n).astype(np.uint32) << 15
    )
    b = bbits.astype(np.uint16)
    args = [f, b, np.zeros(4 * n, np.uint16), np.zeros(2 * n, np.float32), np.int32(n)]
    return launch_1d(n, 128, args, [2, 3])


def ref_cvt_bf16(launch: Launch) -> list[np.ndarray]:
    fv = launch.args[0].tolist()
    b = [bf16_value(v) for v in launch.args[1].tolist()]
    hout: list[int] = []
    fout: list[float] = []
    for i, f in enumerate(fv):
        a, c = b[2 * i], b[2 * i + 1]
        hout += [
            bf16_bits(cvt(f, BF16)),
            bf16_bits(cvt(f_add(a, c, F32), BF16)),
            bf16_bits(cvt(f_mul(a, c, F32), BF16)),
            bf16_bits(cvt(f_mul(f, 3.0, F32), BF16)),
        ]
        fout += [a, f_sub(a, c, F32)]
    return [ints(hout, np.uint16), floats(fout, np.float32)]


def make_mem_widths(rng: np.random.Generator, n: int) -> Launch:
    sb = rng.integers(-128, 128, n).astype(np.int8)
    ub = rng.integers(0, 256, n).astype(np.uint8)
    ss = rng.integers(-32768, 32768, n).astype(np.int16)
    us = rng.integers(0, 65536, n).astype(np.uint16)
    v4 = rand_f32(rng, 4 * n, -5, 5).reshape(n, 4)
    q = rand_u64(rng, n)
    uni = np.array([rng.integers(-1000, 1000), rng.integers(-100, 100)], dtype=np.int32)
    args = [
        sb, ub, ss, us, v4, q, uni,
        np.zeros(6 * n, np.int32), np.zeros(n, np.int8), np.zeros(n, np.int16),
        np.zeros((n, 4), np.float32), np.int32(n),
    ]  # fmt: skip
    return launch_1d(n, 160, args, [7, 8, 9, 10])


def ref_mem_widths(launch: Launch) -> list[np.ndarray]:
    sb, ub, ss, us, v4, q, uni = launch.args[:7]
    n = n_of(launch)
    rows: list[int] = []
    for i in range(n):
        w = int(q[i])
        rows += [int(sb[i]), int(ub[i]), int(ss[i]), int(us[i]), s32(w >> 32) ^ s32(w)]
        rows += [int(uni[0]) + int(uni[1]) * i]
    bout = ints([int(sb[i]) + int(ub[i]) for i in range(n)], np.int8)
    sout = ints([int(ss[i]) - int(us[i]) for i in range(n)], np.int16)
    return [ints(rows, np.int32), bout, sout, (v4[:, ::-1] * np.float32(2.0)).astype(np.float32)]


# ---------------------------------------------------------------------------------------------
# Bit manipulation and comparisons
# ---------------------------------------------------------------------------------------------


def rotl(x: int, k: int, bits: int) -> int:
    k %= bits
    mask = (1 << bits) - 1
    return ((x << k) | (x >> (bits - k))) & mask if k else x


def make_bits_shift_rotate(rng: np.random.Generator, n: int) -> Launch:
    a, s, w = rand_u32(rng, n), rand_u32(rng, n), rand_u64(rng, n)
    args = [a, s, w, np.zeros(7 * n, np.uint32), np.zeros(3 * n, np.uint64), np.int32(n)]
    return launch_1d(n, 64, args, [3, 4])


def ref_bits_shift_rotate(launch: Launch) -> list[np.ndarray]:
    rows: list[int] = []
    wrows: list[int] = []
    for x, sv, q in zip(*(v.tolist() for v in launch.args[:3]), strict=True):
        k, k2, k6 = sv & 31, (sv >> 8) & 31, sv & 63
        rows += [
            x << k,
            x >> k,
            s32(x) >> k,
            rotl(x, k, 32),
            rotl(x, 32 - k2, 32),
            ((x << 32) | sv) >> k,
            (x << 3) + (x >> 29) + (x << k2),
        ]
        wrows += [q << k6, q >> k6, rotl(q, k6, 64)]
    return [ints(rows, np.uint32), ints(wrows, np.uint64)]


def clz(v: int, bits: int) -> int:
    return bits - v.bit_length()


def ctz(v: int, bits: int) -> int:
    return (v & -v).bit_length() - 1 if v else bits


def make_bits_count(rng: np.random.Generator, n: int) -> Launch:
    a = rand_u32(rng, n)
    a = np.where(rng.random(n) < 0.3, a >> rng.integers(0, 32, n).astype(np.uint32), a).astype(
        np.uint32
    )
    w = rand_u64(rng, n)
    w = np.where(rng.random(n) < 0.3, w >> rng.integers(0, 64, n).astype(np.uint64), w).astype(
        np.uint64
    )
    args = [a, w, np.zeros(9 * n, np.int32), np.zeros(n, np.uint32), np.int32(n)]
    return launch_1d(n, 256, args, [2, 3])


def ref_bits_count(launch: Launch) -> list[np.ndarray]:
    rows: list[int] = []
    rev: list[int] = []
    for x, q in zip(launch.args[0].tolist(), launch.args[1].tolist(), strict=True):
        sx = s32(x)
        rows += [
            popcount(x),
            popcount(q),
            clz(x, 32),
            ctz(x, 32),
            clz(q, 64),
            ctz(q, 64),
            ctz(x, 32) + 1 if x else 0,
            clz((x ^ (sx >> 31)) & M32, 32) - 1,
            popcount(x) & 1,
        ]
        rev.append(int(f"{x:032b}"[::-1], 2))
    return [ints(rows, np.int32), ints(rev, np.uint32)]


def perm_byte(data: int, sel: int) -> int:
    """One byte of v_perm_b32: ``data`` is {src0, src1} as a 64-bit value."""
    if sel >= 13:
        return 0xFF
    if sel == 12:
        return 0
    if sel >= 8:  # sign of bytes 1, 3, 5, 7
        return 0xFF if (data >> (16 * (sel - 8) + 15)) & 1 else 0
    return (data >> (8 * sel)) & 0xFF


def make_bits_field(rng: np.random.Generator, n: int) -> Launch:
    a, b, c = rand_u32(rng, n), rand_u32(rng, n), rand_u32(rng, n, False)
    return launch_1d(n, 128, [a, b, c, np.zeros(12 * n, np.uint32), np.int32(n)], [3])


def ref_bits_field(launch: Launch) -> list[np.ndarray]:
    rows: list[int] = []
    for x, y, c in zip(*(v.tolist() for v in launch.args[:3]), strict=True):
        off, width = c & 15, ((c >> 4) & 15) + 1
        mask = (1 << width) - 1
        field = (x >> off) & mask
        sel = c & 0x0F0F0F0F
        data = (x << 32) | y
        rows += [
            field,
            sext(field, width),
            (x & ~(mask << off)) | ((y & mask) << off),
            (x & c) | (y & ~c),
            sum(perm_byte(data, (sel >> (8 * j)) & 0xFF) << (8 * j) for j in range(4)),
            int.from_bytes(x.to_bytes(4, "little"), "big"),
            data >> (8 * (c & 3)),
            field,
            sext(field, width),
            sext(x >> 12, 12),
            (x >> 8) & 0xFF,
            ((x & 0xFF) << 24) | ((y >> 24) << 16) | ((x >> 16) & 0xFFFF),
        ]
    return [ints(rows, np.uint32)]


def make_int_compare_select(rng: np.random.Generator, n: int) -> Launch:
    def mixed() -> np.ndarray:
        small = rng.integers(-5, 12, n).astype(np.int32)
        return np.where(rng.random(n) < 0.5, small, rand_i32(rng, n)).astype(np.int32)

    a, b = mixed(), mixed()
    hi = rng.integers(-3, 3, n).astype(np.int64)
    la = (hi << 32) | rng.integers(0, 4, n).astype(np.int64)
    lb = np.where(rng.random(n) < 0.5, hi, rng.integers(-3, 3, n)).astype(np.int64) << 32
    lb = lb | rng.integers(0, 4, n).astype(np.int64)
    la = _sprinkle(rng, la, [-(1 << 63), (1 << 63) - 1])
    args = [a, b, la, lb, np.zeros(n, np.uint32), np.zeros(n, np.uint32), np.int32(n)]
    return launch_1d(n, 96, args, [4, 5])


def ref_int_compare_select(launch: Launch) -> list[np.ndarray]:
    masks: list[int] = []
    vals: list[int] = []
    for x, y, p, q in zip(*(v.tolist() for v in launch.args[:4]), strict=True):
        ux, uy = x & M32, y & M32
        bits = [
            x < y, x <= y, x > y, x >= y, x == y, x != y, ux < uy, ux >= uy,
            p < q, p == q, (p & M64) > (q & M64), (x < 0) != (y > 100),
            bool(x & 1) and bool(y & 2), x == 0 or uy > 0x80000000,
        ]  # fmt: skip
        masks.append(sum(int(bit) << i for i, bit in enumerate(bits)))
        r = (uy - ((x >> 1) & M32)) & M32 if x < y else (x ^ y) & M32
        r = (r + 5) & M32 if p > q else r
        r = r if (ux > 7 and x != y) else ~r & M32
        vals.append(r)
    return [ints(masks, np.uint32), ints(vals, np.uint32)]


# ---------------------------------------------------------------------------------------------
# Control flow
# ---------------------------------------------------------------------------------------------


def _mix(v: int) -> int:
    v ^= v >> 13
    v = (v * 0x5BD1E995) & M32
    return v ^ (v >> 15)


SIDE_INIT = 0x5EED5EED


def make_branch_divergent(rng: np.random.Generator, n: int) -> Launch:
    a = rand_u32(rng, n)
    args = [a, np.zeros(n, np.uint32), np.full(n, SIDE_INIT, np.uint32), np.int32(n)]
    return launch_1d(n, 100, args, [1, 2])


def ref_branch_divergent(launch: Launch) -> list[np.ndarray]:
    out: list[int] = []
    side = launch.args[2].tolist()
    for i, x in enumerate(launch.args[0].tolist()):
        if x & 1:
            r = _mix(x) if x & 2 else (x * 3 + 1) & M32
        elif (x >> 2) % 3 == 0:
            r = x >> 1
            side[i] = r ^ 0xABCD
        else:
            r = ~x & M32
        sw = (x >> 4) & 7
        if sw == 0:
            r += 100
        elif sw in (1, 2):
            r ^= 0xFFFF0000
        elif sw in (5, 6):
            if sw == 5:
                r = _mix(r)
            r -= x
        else:
            r *= 7
        out.append(r)
    return [ints(out, np.uint32), ints(side, np.uint32)]


def make_loop_data_dependent(rng: np.random.Generator, n: int) -> Launch:
    a, b = rand_u32(rng, n), rand_u32(rng, n)
    return launch_1d(n, 128, [a, b, np.zeros(3 * n, np.uint32), np.int32(n)], [2])


def ref_loop_data_dependent(launch: Launch) -> list[np.ndarray]:
    rows: list[int] = []
    for x, y in zip(launch.args[0].tolist(), launch.args[1].tolist(), strict=True):
        steps, c = 0, x % 1000 + 1
        while c != 1 and steps < 200:
            c = (3 * c + 1) & M32 if c & 1 else c >> 1
            steps += 1
        rows += [steps, math.gcd(x % 100000 + 1, y % 100000 + 1)]
        acc, v = 0, y
        while v:
            acc = (acc * 3 + (v & 3)) & M32
            v >>= 2
        rows.append(acc)
    return [ints(rows, np.uint32)]


OUT_INIT = -1234567


def make_early_return(rng: np.random.Generator, n: int) -> Launch:
    a = rng.integers(-1000, 5001, n).astype(np.int32)
    a = _sprinkle(rng, a, [0, -500, -501, -1, 5000, 1 << 12])
    args = [a, np.full(n, OUT_INIT, np.int32), np.zeros(n, np.int32), np.int32(n)]
    return launch_1d(n, 96, args, [1, 2])


def ref_early_return(launch: Launch) -> list[np.ndarray]:
    out, flag = launch.args[1].tolist(), launch.args[2].tolist()
    for i, x in enumerate(launch.args[0].tolist()):
        if x < -500:
            continue
        if x < 0:
            out[i] = -x
            continue
        flag[i] = 1
        acc = 0
        for k in range(64):
            if not (x >> (k & 15)) & 1:
                continue
            acc += k * x
            if acc > 20000:
                break
        if acc:
            out[i] = acc
    return [ints(out, np.int32), ints(flag, np.int32)]


# ---------------------------------------------------------------------------------------------
# LDS
# ---------------------------------------------------------------------------------------------


def make_lds_reverse(rng: np.random.Generator, n: int) -> Launch:
    block = pick(rng, [64, 100, 256])
    x = rand_f32(rng, n, -4, 4)
    return launch_1d(n, block, [x, np.zeros(n, np.float32), np.int32(n)], [1])


def ref_lds_reverse(launch: Launch) -> list[np.ndarray]:
    x, n, bd = launch.args[0], n_of(launch), launch.block[0]
    out = np.zeros(n, np.float32)
    for base in range(0, n, bd):
        seg = x[base : min(base + bd, n)]
        out[base : base + seg.size] = seg[::-1] * np.float32(2.0)
    return [out]


def _tdims(size: int) -> tuple[int, int]:
    return size, max(1, size * 5 // 7 + 3)


def make_lds_transpose_pad(rng: np.random.Generator, size: int) -> Launch:
    w, h = _tdims(size)
    x = rand_u32(rng, w * h, False)
    grid = (groups(w, 16), groups(h, 16))
    return Launch(grid, (16, 16), [x, np.zeros(w * h, np.uint32), np.int32(w), np.int32(h)], [1])


def ref_lds_transpose_pad(launch: Launch) -> list[np.ndarray]:
    w, h = int(launch.args[2]), int(launch.args[3])
    return [np.ascontiguousarray(launch.args[0].reshape(h, w).T).reshape(-1)]


def make_lds_reduce_tree(rng: np.random.Generator, n: int) -> Launch:
    block = pick(rng, [64, 128, 256, 512])
    x = rand_u32(rng, n)
    g = groups(n, block)
    args = [x, np.zeros(g, np.uint32), np.zeros(g, np.uint32), np.int32(n)]
    return launch_1d(n, block, args, [1, 2])


def ref_lds_reduce_tree(launch: Launch) -> list[np.ndarray]:
    x, bd = launch.args[0].tolist(), launch.block[0]
    g = launch.grid[0]
    sums = [sum(x[b * bd : (b + 1) * bd]) for b in range(g)]
    maxs = [max(x[b * bd : (b + 1) * bd], default=0) for b in range(g)]
    return [ints(sums, np.uint32), ints(maxs, np.uint32)]


def make_lds_scan(rng: np.random.Generator, n: int) -> Launch:
    block = pick(rng, [64, 128, 160, 256])
    x = rand_u32(rng, n)
    args = [x, np.zeros(n, np.uint32), np.zeros((n, 2), np.uint32), np.int32(n)]
    return launch_1d(n, block, args, [1, 2])


def ref_lds_scan(launch: Launch) -> list[np.ndarray]:
    x, n, bd = launch.args[0].tolist(), n_of(launch), launch.block[0]
    out: list[int] = []
    pairs: list[int] = []
    for i in range(n):
        base, t = i - i % bd, i % bd
        out.append(sum(x[base : i + 1]))
        j = base + bd - 1 - t
        v = x[j] if j < n else 0
        pairs += [v, ~v]
    return [ints(out, np.uint32), ints(pairs, np.uint32).reshape(n, 2)]


# ---------------------------------------------------------------------------------------------
# Cross-lane operations (wave64)
# ---------------------------------------------------------------------------------------------


def lanes_of(launch: Launch, values: Sequence[int], fill: int | Sequence[int]) -> list[list[int]]:
    """Per-wavefront lane values for a 1-D launch whose block size is a multiple of 64.

    Item ``i`` (``i < n``) takes ``values[i]``; items past ``n`` take ``fill`` (or ``fill[lane]``).
    """
    total = launch.grid[0] * launch.block[0]
    assert launch.block[0] % 64 == 0
    full = []
    for i in range(total):
        if i < len(values):
            full.append(int(values[i]))
        else:
            full.append(fill if isinstance(fill, int) else int(fill[i % 64]))
    return [full[w : w + 64] for w in range(0, total, 64)]


def make_xlane_bpermute(rng: np.random.Generator, n: int) -> Launch:
    block = pick(rng, [64, 128, 256])
    x = rand_u32(rng, n, False)
    idx = rng.integers(0, 1 << 16, n).astype(np.uint32)
    mul, add = np.uint32(rng.integers(0, 64)), np.uint32(rng.integers(0, 1 << 20))
    return launch_1d(n, block, [x, idx, np.zeros(3 * n, np.uint32), mul, add, np.int32(n)], [2])


def ref_xlane_bpermute(launch: Launch) -> list[np.ndarray]:
    x, idx = launch.args[0].tolist(), launch.args[1].tolist()
    mul, add, n = int(launch.args[3]) | 1, int(launch.args[4]), n_of(launch)
    rows: list[int] = []
    vw = lanes_of(launch, x, 0xDEADBEEF)
    kw = lanes_of(launch, idx, list(range(64)))
    for v, k in zip(vw, kw, strict=True):
        pushed = [0] * 64
        for lane in range(64):
            pushed[(lane * mul + add) & 63] = v[lane] ^ lane
        for lane in range(64):
            rows += [v[k[lane] & 63], pushed[lane], v[(lane + 1) & 63]]
    return [ints(rows[: 3 * n], np.uint32)]


def swizzle_src(lane: int, offset: int) -> int:
    """Source lane of ds_swizzle_b32 with the given offset (gfx9 modes)."""
    if offset & 0x8000:
        return (lane & ~3) | ((offset >> (2 * (lane & 3))) & 3)
    and_m, or_m, xor_m = offset & 0x1F, (offset >> 5) & 0x1F, (offset >> 10) & 0x1F
    return (lane & 0x20) | ((((lane & 0x1F) & and_m) | or_m) ^ xor_m)


SWIZZLE_OFFSETS = (
    0x1F | (1 << 10),
    0x18 | (3 << 5),
    0x1F | (0x1F << 10),
    0x8000 | 3 | (2 << 2) | (1 << 4),
    5 << 5,
    0x8000 | 1 | (1 << 2) | (3 << 4),
    0x1C | (1 << 5) | (6 << 10),
)


def make_xlane_swizzle(rng: np.random.Generator, n: int) -> Launch:
    block = pick(rng, [64, 128])
    return launch_1d(n, block, [rand_u32(rng, n), np.zeros(7 * n, np.uint32), np.int32(n)], [1])


def ref_xlane_swizzle(launch: Launch) -> list[np.ndarray]:
    rows: list[int] = []
    for v in lanes_of(launch, launch.args[0].tolist(), 0x5A5A5A5A):
        for lane in range(64):
            rows += [v[swizzle_src(lane, off)] for off in SWIZZLE_OFFSETS]
    return [ints(rows[: 7 * n_of(launch)], np.uint32)]


def dpp_src(ctrl: int, lane: int) -> int | None:
    """Source lane of a gfx9 DPP control for ``lane``; None if the source is out of range."""
    row, pos = lane // 16, lane % 16
    if ctrl <= 0xFF:
        return (lane & ~3) | ((ctrl >> (2 * (lane & 3))) & 3)
    if 0x101 <= ctrl <= 0x10F:
        s = pos + (ctrl - 0x100)
        return row * 16 + s if s < 16 else None
    if 0x111 <= ctrl <= 0x11F:
        s = pos - (ctrl - 0x110)
        return row * 16 + s if s >= 0 else None
    if 0x121 <= ctrl <= 0x12F:
        return row * 16 + (pos - (ctrl - 0x120)) % 16
    table: dict[int, Callable[[], int | None]] = {
        0x130: lambda: lane + 1 if lane < 63 else None,
        0x134: lambda: (lane + 1) % 64,
        0x138: lambda: lane - 1 if lane > 0 else None,
        0x13C: lambda: (lane - 1) % 64,
        0x140: lambda: row * 16 + 15 - pos,
        0x141: lambda: row * 16 + (pos & 8) + 7 - (pos & 7),
        0x142: lambda: row * 16 - 1 if row > 0 else None,
        0x143: lambda: 31 if row >= 2 else None,
    }
    return table[ctrl]()


def dpp(
    old: Sequence[int], src: Sequence[int], ctrl: int, row_mask: int, bank_mask: int, bound: bool
) -> list[int]:
    """llvm.amdgcn.update.dpp on one full wavefront (all lanes active)."""
    out = []
    for lane in range(64):
        if not (row_mask >> (lane // 16)) & 1 or not (bank_mask >> ((lane % 16) // 4)) & 1:
            out.append(old[lane])
            continue
        s = dpp_src(ctrl, lane)
        out.append(src[s] if s is not None else (0 if bound else old[lane]))
    return out


DPP_UPDATES = (  # (ctrl, row_mask, bank_mask, bound_ctrl) of r[1..12] and r[15] in xlane_dpp.hip
    (0x101, 0xF, 0xF, False),
    (0x113, 0xF, 0xF, True),
    (0x125, 0xF, 0xF, False),
    (0x138, 0xF, 0xF, False),
    (0x134, 0xF, 0xF, False),
    (0x140, 0x5, 0xF, False),
    (0x141, 0xF, 0x6, False),
    (0x142, 0xA, 0xF, False),
    (0x143, 0xC, 0xF, False),
    (0x130, 0xF, 0xF, True),
    (0x13C, 0xF, 0xF, False),
    (0 | (0 << 2) | (3 << 4) | (1 << 6), 0x9, 0xB, False),
)


def make_xlane_dpp(rng: np.random.Generator, n: int) -> Launch:
    block = pick(rng, [64, 192])
    src, old = rand_u32(rng, n), rand_u32(rng, n)
    f = rand_f32(rng, n, -8, 8)
    return launch_1d(n, block, [src, old, f, np.zeros(16 * n, np.uint32), np.int32(n)], [3])


def ref_xlane_dpp(launch: Launch) -> list[np.ndarray]:
    fbits = launch.args[2].view(np.uint32).tolist()
    sw = lanes_of(launch, launch.args[0].tolist(), 0x77777777)
    ow = lanes_of(launch, launch.args[1].tolist(), 0x33333333)
    fw = lanes_of(launch, fbits, 0)
    rows: list[int] = []
    for s, o, fb in zip(sw, ow, fw, strict=True):
        r: list[list[int]] = [dpp(o, s, 0x4E, 0xF, 0xF, False)]
        r += [dpp(o, s, *u) for u in DPP_UPDATES]
        shr1 = dpp([0] * 64, s, 0x111, 0xF, 0xF, True)
        r.append([(a + b) & M32 for a, b in zip(s, shr1, strict=True)])
        g = np.array(dpp([0] * 64, fb, 0x102, 0xF, 0xF, True), np.uint32).view(np.float32)
        fsum = np.array(fb, np.uint32).view(np.float32) + g
        r.append(fsum.view(np.uint32).tolist())
        r.append(dpp(o, s, 0x10F, 0xF, 0xF, False))
        for lane in range(64):
            rows += [col[lane] for col in r]
    return [ints(rows[: 16 * n_of(launch)], np.uint32)]


def make_xlane_readlane_ballot(rng: np.random.Generator, n: int) -> Launch:
    block = pick(rng, [64, 128, 256])
    x = rand_u32(rng, n)
    waves = groups(n, block) * block // 64
    sel = np.uint32(rng.integers(0, 64))
    args = [x, np.zeros(7 * n, np.uint32), np.full(waves, 0xABABABAB, np.uint64), sel, np.int32(n)]
    return launch_1d(n, block, args, [1, 2])


def ref_xlane_readlane_ballot(launch: Launch) -> list[np.ndarray]:
    sel = int(launch.args[3])
    rows: list[int] = []
    ballots: list[int] = []
    for v in lanes_of(launch, launch.args[0].tolist(), 0):
        odd = [lane for lane in range(64) if v[lane] & 1]
        b = sum(1 << lane for lane in odd)
        ballots.append(b)
        inner = popcount(sum(1 << lane for lane in range(64) if v[lane] & 2 and v[lane] & 4))
        for lane in range(64):
            rows += [
                v[0],
                v[37],
                v[sel],
                (v[0] + v[37]) & M32 if lane == 7 else v[lane],
                v[odd[0]] if v[lane] & 1 else M32,
                popcount(b & ((1 << lane) - 1)),
                inner if v[lane] & 2 else M32,
            ]
    return [ints(rows[: 7 * n_of(launch)], np.uint32), ints(ballots, np.uint64)]


MASK_INIT = 0xAAAAAAAAAAAAAAAA


def make_xlane_vote(rng: np.random.Generator, n: int) -> Launch:
    block = pick(rng, [64, 96, 160, 256])
    a = rng.integers(-100, 100, n).astype(np.int32)
    f = rng.uniform(0, 1, n).astype(np.float32)
    f = _sprinkle(rng, f, [np.float32(math.nan), np.float32(0.5)])
    thresh = np.int32(rng.integers(-120, 120))
    g = groups(n, block)
    masks = np.full(4 * g * -(-block // 64), MASK_INIT, np.uint64)
    args = [a, f, np.zeros(5 * n, np.uint32), masks, thresh, np.int32(n)]
    return launch_1d(n, block, args, [2, 3])


def ref_xlane_vote(launch: Launch) -> list[np.ndarray]:
    a, f = launch.args[0].tolist(), launch.args[1].tolist()
    thresh, n, bd = int(launch.args[4]), n_of(launch), launch.block[0]
    out = [0] * (5 * n)
    masks = launch.args[3].tolist()
    wpb = -(-bd // 64)
    for blk in range(launch.grid[0]):
        for w in range(wpb):
            items = [(t - 64 * w, blk * bd + t) for t in range(64 * w, min(64 * w + 64, bd))]
            items = [(lane, i) for lane, i in items if i < n]
            if not items:
                continue
            active = sum(1 << lane for lane, _ in items)
            pred = sum(1 << lane for lane, i in items if a[i] > thresh)
            lt = sum(1 << lane for lane, i in items if a[i] < thresh)
            flt = sum(1 << lane for lane, i in items if f[i] < 0.5)
            masks[4 * (blk * wpb + w) : 4 * (blk * wpb + w) + 4] = [active, pred, lt, flt]
            for lane, i in items:
                out[5 * i : 5 * i + 5] = [
                    popcount(active),
                    int(pred != 0),
                    int(pred == active),
                    popcount(pred),
                    popcount(pred & ((1 << lane) - 1)),
                ]
    return [ints(out, np.uint32), ints(masks, np.uint64)]


# ---------------------------------------------------------------------------------------------
# Atomics
# ---------------------------------------------------------------------------------------------


def make_atomic_global_int(rng: np.random.Generator, n: int) -> Launch:
    block = pick(rng, [64, 100, 256])
    keys = rand_u32(rng, n, False)
    nbins = int(rng.integers(1, 20))
    c0 = int(rng.integers(0, 40))
    bits = np.concatenate(
        [np.zeros(8, np.uint32), np.full(8, M32, np.uint32), rand_u32(rng, 2, False)]
    )
    args = [
        keys,
        np.zeros(nbins, np.uint32),
        np.array([c0], np.uint32),
        np.zeros((c0 + n + 31) // 32 + 1, np.uint32),
        bits,
        rand_u32(rng, n, False),
        np.zeros(n, np.uint32),
        np.int32(nbins),
        np.int32(n),
    ]
    return launch_1d(n, block, args, [1, 2, 3, 4, 5, 6])


def ref_atomic_global_int(launch: Launch) -> list[np.ndarray]:
    keys = launch.args[0].tolist()
    hist = launch.args[1].tolist()
    c0 = int(launch.args[2][0])
    seen = launch.args[3].tolist()
    bits = launch.args[4].tolist()
    slots = launch.args[5].tolist()
    nbins = int(launch.args[7])
    for t in range(c0, c0 + len(keys)):
        seen[t >> 5] |= 1 << (t & 31)
    for key in keys:
        k = key % nbins
        hist[k] += 1
        bits[k & 7] |= 1 << (key >> 27)
        bits[8 + (k & 7)] &= ~(1 << (key & 31))
        bits[16] ^= key
        if key & 7 == 0:
            bits[17] += k | 1
    return [
        ints(hist, np.uint32),
        ints([c0 + len(keys)], np.uint32),
        ints(seen, np.uint32),
        ints(bits, np.uint32),
        ints([key ^ 0xFFFF for key in keys], np.uint32),
        ints(slots, np.uint32),
    ]


def eighths(rng: np.random.Generator, n: int, limit: int) -> np.ndarray:
    """Multiples of 1/8 in [-limit, limit]: sums of them are exact in any order."""
    return (rng.integers(-8 * limit, 8 * limit + 1, n) / 8).astype(np.float32)


def make_atomic_global_float(rng: np.random.Generator, n: int) -> Launch:
    block = pick(rng, [64, 128])
    vals = eighths(rng, n, 64)
    keys = rand_u32(rng, n, False)
    nbins = int(rng.integers(1, 12))
    args = [
        vals,
        keys,
        eighths(rng, nbins, 8),
        np.zeros(nbins, np.float32),
        np.zeros(nbins, np.float64),
        np.full(nbins, -1000.0, np.float32),
        np.zeros(1, np.float32),
        np.int32(nbins),
        np.int32(n),
    ]
    return launch_1d(n, block, args, [2, 3, 4, 5, 6])


def ref_atomic_global_float(launch: Launch) -> list[np.ndarray]:
    vals, keys = launch.args[0].astype(np.float64), launch.args[1]
    nbins = int(launch.args[7])
    k = keys % np.uint32(nbins)
    fsum = launch.args[2].astype(np.float64).copy()
    fsum2 = launch.args[3].astype(np.float64).copy()
    dsum = launch.args[4].copy()
    fmax = launch.args[5].copy()
    np.add.at(fsum, k, vals)
    np.add.at(fsum2, k, 2 * vals)
    np.add.at(dsum, k, 0.5 * vals)
    np.maximum.at(fmax, k, launch.args[0])
    total = np.array([launch.args[6][0] + vals.sum()], np.float32)
    return [fsum.astype(np.float32), fsum2.astype(np.float32), dsum, fmax, total]


def make_atomic_minmax(rng: np.random.Generator, n: int) -> Launch:
    block = pick(rng, [64, 96])
    nbins = int(rng.integers(1, 10))
    a = rand_i32(rng, n)
    la = rand_u64(rng, n).view(np.int64)
    args = [
        a,
        la,
        rand_i32(rng, nbins, False),
        rand_i32(rng, nbins, False),
        rand_u32(rng, nbins, False),
        rand_u32(rng, nbins, False),
        rand_u64(rng, nbins, False).view(np.int64),
        rand_u64(rng, nbins, False),
        rand_i32(rng, n, False),
        np.zeros(n, np.int32),
        np.int32(nbins),
        np.int32(n),
    ]
    return launch_1d(n, block, args, [2, 3, 4, 5, 6, 7, 8, 9])


def ref_atomic_minmax(launch: Launch) -> list[np.ndarray]:
    a, la = launch.args[0].tolist(), launch.args[1].tolist()
    smax, smin, umax, umin, lmax, lumin, slots = (launch.args[j].tolist() for j in range(2, 9))
    nbins = int(launch.args[10])
    olds = list(slots)
    for i, (x, lv) in enumerate(zip(a, la, strict=True)):
        k = i % nbins
        smax[k], smin[k] = max(smax[k], x), min(smin[k], x)
        umax[k], umin[k] = max(umax[k], x & M32), min(umin[k], x & M32)
        lmax[k], lumin[k] = max(lmax[k], lv), min(lumin[k], lv & M64)
        slots[i] = min(slots[i], x)
    return [
        ints(smax, np.int32),
        ints(smin, np.int32),
        ints(umax, np.uint32),
        ints(umin, np.uint32),
        ints(lmax, np.int64),
        ints(lumin, np.uint64),
        ints(slots, np.int32),
        ints(olds, np.int32),
    ]


def make_atomic_lds(rng: np.random.Generator, n: int) -> Launch:
    block = pick(rng, [64, 96, 256])
    keys = rand_u32(rng, n, False)
    vals = eighths(rng, n, 16)
    g = groups(n, block)
    args = [
        keys,
        vals,
        np.zeros(32 * g, np.uint32),
        np.zeros(32 * g, np.float32),
        np.zeros(8 * g, np.uint32),
        np.zeros(g, np.uint32),
        np.int32(n),
    ]
    return launch_1d(n, block, args, [2, 3, 4, 5])


def ref_atomic_lds(launch: Launch) -> list[np.ndarray]:
    keys, vals = launch.args[0].tolist(), launch.args[1].tolist()
    n, bd, g = n_of(launch), launch.block[0], launch.grid[0]
    hist = [0] * (32 * g)
    fs = [0.0] * (32 * g)
    seen = [0] * (8 * g)
    mx = [0] * g
    for b in range(g):
        items = range(b * bd, min((b + 1) * bd, n))
        for i in items:
            hist[32 * b + keys[i] % 32] += 1
            fs[32 * b + keys[i] % 32] += vals[i]
            mx[b] = max(mx[b], keys[i])
        for t in range(len(items)):
            seen[8 * b + (t >> 5)] |= 1 << (t & 31)
    return [
        ints(hist, np.uint32),
        floats(fs, np.float32),
        ints(seen, np.uint32),
        ints(mx, np.uint32),
    ]


# ---------------------------------------------------------------------------------------------
# Launch geometry
# ---------------------------------------------------------------------------------------------


def make_launch_2d(rng: np.random.Generator, size: int) -> Launch:
    bx, by = pick(rng, [(16, 8), (32, 4), (8, 8), (64, 2)])
    w, h = size, max(1, (size * 3) // 4 + 1)
    x = rand_f32(rng, w * h, -4, 8)
    grid = (groups(w, bx), groups(h, by))
    args = [
        x,
        np.zeros(w * h, np.float32),
        np.zeros(w * h, np.uint32),
        np.full(9, M32, np.uint32),
        np.int32(w),
        np.int32(h),
    ]
    return Launch(grid, (bx, by), args, [1, 2, 3])


def ref_launch_2d(launch: Launch) -> list[np.ndarray]:
    x = launch.args[0]
    w, h = int(launch.args[4]), int(launch.args[5])
    (gx, gy), (bx, by) = launch.grid, launch.block
    ys, xs = np.divmod(np.arange(w * h), w)
    fx, fy = xs.astype(np.float32), ys.astype(np.float32)
    out = (x * np.float32(2.0) + fx) - fy
    ids = (xs % bx) | (ys % by) << 8 | (xs // bx) << 16 | (ys // by) << 24
    dims = [gx, gy, 1, bx, by, 1, 0, 0, 0]
    return [out.astype(np.float32), ids.astype(np.uint32), ints(dims, np.uint32)]


def make_launch_3d(rng: np.random.Generator, size: int) -> Launch:
    block = pick(rng, [(8, 4, 2), (4, 4, 4), (16, 2, 3)])
    dims = (size, max(1, size // 2 + 1), max(1, size // 3 + 2))
    total = dims[0] * dims[1] * dims[2]
    grid = tuple(groups(d, b) for d, b in zip(dims, block, strict=True))
    args = [rand_u32(rng, total), np.zeros(total, np.uint32), np.zeros(total, np.uint32)]
    args += [np.int32(d) for d in dims]
    return Launch(grid, block, args, [1, 2])


def ref_launch_3d(launch: Launch) -> list[np.ndarray]:
    nx, ny, nz = (int(v) for v in launch.args[3:6])
    bx, by, bz = launch.block
    idx = np.arange(nx * ny * nz)
    z, rem = np.divmod(idx, nx * ny)
    y, x = np.divmod(rem, nx)
    vals = launch.args[0].astype(np.int64) * 3 + x * 100 + y * 10 + z
    flat = ((z % bz) * by + (y % by)) * bx + (x % bx)
    tids = flat | (z // bz) << 16 | (z % bz) << 24
    return [(vals & M32).astype(np.uint32), tids.astype(np.uint32)]


def make_launch_grid_stride(rng: np.random.Generator, n: int) -> Launch:
    block = pick(rng, [64, 128])
    blocks = int(rng.integers(1, 4))
    a, b = rand_f32(rng, n, -4, 4), rand_f32(rng, n, -4, 4)
    alpha = np.float32(rng.uniform(-3, 3))
    args = [a, b, np.zeros(n, np.float32), np.full(n, M32, np.uint32), alpha, np.int32(n)]
    return Launch((blocks,), (block,), args, [2, 3])


def ref_launch_grid_stride(launch: Launch) -> list[np.ndarray]:
    a, b, alpha = launch.args[0], launch.args[1], launch.args[4]
    stride = launch.grid[0] * launch.block[0]
    out = (alpha * a + b).astype(np.float32)
    return [out, (np.arange(a.size) % stride).astype(np.uint32)]


# ---------------------------------------------------------------------------------------------
# MFMA
# ---------------------------------------------------------------------------------------------


def _mfma_launch(
    rng: np.random.Generator, tiles: int, args: list[Arg], outputs: list[int]
) -> Launch:
    waves = pick(rng, [1, 2])  # one or two wavefronts (tiles) per work-group
    return Launch((groups(tiles, waves),), (64 * waves,), args, outputs)


def _k_for(tiles: int, step: int) -> int:
    return step * (tiles % 3 + 1)


def make_mfma_f16(m: int, step: int) -> MakeFn:
    def make(rng: np.random.Generator, tiles: int) -> Launch:
        k = _k_for(tiles, step)
        a = rng.uniform(-1, 1, (tiles, m, k)).astype(np.float16)
        b = rng.uniform(-1, 1, (tiles, k, m)).astype(np.float16)
        c = rng.uniform(-1, 1, (tiles, m, m)).astype(np.float32)
        d = np.zeros((tiles, m, m), np.float32)
        return _mfma_launch(rng, tiles, [a, b, c, d, np.int32(k), np.int32(tiles)], [3])

    return make


def make_mfma_f32(m: int, step: int) -> MakeFn:
    def make(rng: np.random.Generator, tiles: int) -> Launch:
        k = _k_for(tiles, step)
        a = rng.uniform(-1, 1, (tiles, m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (tiles, k, m)).astype(np.float32)
        c = rng.uniform(-1, 1, (tiles, m, m)).astype(np.float32)
        d = np.zeros((tiles, m, m), np.float32)
        return _mfma_launch(rng, tiles, [a, b, c, d, np.int32(k), np.int32(tiles)], [3])

    return make


def _bf16_matrix(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    vals = rng.uniform(-1, 1, shape).astype(np.float32)
    return (vals.view(np.uint32) >> 16).astype(np.uint16)


def make_mfma_bf16(m: int, k: int) -> MakeFn:
    def make(rng: np.random.Generator, tiles: int) -> Launch:
        a = _bf16_matrix(rng, (tiles, m, k))
        b = _bf16_matrix(rng, (tiles, k, m))
        c = rng.uniform(-1, 1, (tiles, m, m)).astype(np.float32)
        d = np.zeros((tiles, m, m), np.float32)
        return _mfma_launch(rng, tiles, [a, b, c, d, np.int32(tiles)], [3])

    return make


def make_mfma_i8(m: int, k: int) -> MakeFn:
    def make(rng: np.random.Generator, tiles: int) -> Launch:
        a = rng.integers(-128, 128, (tiles, m, k)).astype(np.int8)
        b = rng.integers(-128, 128, (tiles, k, m)).astype(np.int8)
        c = rng.integers(-(1 << 28), 1 << 28, (tiles, m, m)).astype(np.int32)
        d = np.zeros((tiles, m, m), np.int32)
        return _mfma_launch(rng, tiles, [a, b, c, d, np.int32(tiles)], [3])

    return make


def ref_mfma_float(launch: Launch) -> list[np.ndarray]:
    a, b, c = launch.args[:3]
    if a.dtype == np.uint16:  # bf16 bit patterns
        a = (a.astype(np.uint32) << 16).view(np.float32)
        b = (b.astype(np.uint32) << 16).view(np.float32)
    d = np.matmul(a.astype(np.float64), b.astype(np.float64)) + c
    return [d.astype(np.float32)]


def ref_mfma_int(launch: Launch) -> list[np.ndarray]:
    a, b, c = (v.astype(np.int64) for v in launch.args[:3])
    return [(np.matmul(a, b) + c).astype(np.int32)]


MFMA_TOL = (Tol(rtol=1e-5, atol=1e-4),)
MFMA_SIZES = (1, 2, 3, 5)


# ---------------------------------------------------------------------------------------------
# The suite
# ---------------------------------------------------------------------------------------------

SIZES = (1, 64, 257, 700)

CASES: tuple[Case, ...] = (
    Case("int_arith32", "int_arith32.hip", "int_arith32", make_int_arith32, ref_int_arith32, SIZES,
         mnemonics=(r"v_mul_hi_u32\s", r"v_mul_hi_i32\s", r"v_mul_u32_u24", r"v_mul_hi_u32_u24", r"v_mul_lo_u32")),
    Case("int_minmax_abs", "int_minmax_abs.hip", "int_minmax_abs", make_int_minmax_abs, ref_int_minmax_abs, SIZES,
         mnemonics=(r"v_min_i32", r"v_max_u32", r"v_med3_i32", r"v_med3_u32", r"v_add_u32_e64 .*clamp", r"v_add_i32 .*clamp", r"v_sub_u32_e64 .*clamp")),
    Case("int_div_const", "int_div_const.hip", "int_div_const", make_int_div_const, ref_int_div_const, SIZES,
         mnemonics=(r"v_mul_hi_u32\s", r"v_mul_hi_i32\s")),
    Case("int_div_runtime", "int_div_runtime.hip", "int_div_runtime", make_int_div_runtime, ref_int_div_runtime, SIZES,
         mnemonics=(r"v_rcp_iflag_f32", r"v_cvt_u32_f32", r"v_cvt_f32_u32", r"v_mul_hi_u32\s")),
    Case("int_div_uniform", "int_div_uniform.hip", "int_div_uniform", make_int_div_uniform, ref_int_div_uniform, SIZES,
         mnemonics=(r"v_rcp_iflag_f32", r"s_abs_i32", r"s_load_dwordx4")),
    Case("int64_arith", "int64_arith.hip", "int64_arith", make_int64_arith, ref_int64_arith, SIZES,
         mnemonics=(r"v_mad_u64_u32", r"v_mad_i64_i32", r"v_lshlrev_b64", r"v_lshrrev_b64", r"v_ashrrev_i64", r"v_cmp_lt_u64", r"v_cmp_gt_i64", r"v_sub_co_u32", r"v_subb_co_u32")),
    Case("int64_div", "int64_div.hip", "int64_div", make_int64_div, ref_int64_div, SIZES,
         mnemonics=(r"v_rcp_f32", r"v_add_co_u32", r"v_addc_co_u32", r"v_cmp_ne_u64", r"v_mad_u64_u32")),
    Case("f32_arith", "f32_arith.hip", "f32_arith", make_f32_arith, ref_f32_arith, SIZES,
         mnemonics=(r"v_div_scale_f32", r"v_div_fmas_f32", r"v_div_fixup_f32", r"v_fma_f32", r"v_sqrt_f32", r"v_cmp_class_f32")),
    Case("f32_transcendental", "f32_transcendental.hip", "f32_transcendental", make_f32_transcendental, ref_f32_transcendental, SIZES,
         tol=(TRANSCENDENTAL_TOL,),
         mnemonics=(r"v_rcp_f32", r"v_rsq_f32", r"v_sqrt_f32", r"v_exp_f32", r"v_log_f32", r"v_sin_f32", r"v_cos_f32")),
    Case("f32_round_minmax", "f32_round_minmax.hip", "f32_round_minmax", make_f32_round_minmax, ref_f32_round_minmax, SIZES,
         mnemonics=(r"v_floor_f32", r"v_ceil_f32", r"v_trunc_f32", r"v_rndne_f32", r"v_min_f32", r"v_max_f32", r"v_ldexp_f32", r"v_frexp_mant_f32", r"v_frexp_exp_i32_f32", r"v_bfi_b32")),
    Case("f32_compare_select", "f32_compare_select.hip", "f32_compare_select", make_f32_compare_select, ref_f32_compare_select, SIZES,
         mnemonics=(r"v_cmp_class_f32", r"v_cmp_u_f32", r"v_cmp_nlt_f32", r"v_cmp_lg_f32", r"v_cmp_neq_f32", r"v_cndmask_b32")),
    Case("f64_arith", "f64_arith.hip", "f64_arith", make_f64_arith, ref_f64_arith, SIZES,
         tol=(F64_TOL,),
         mnemonics=(r"v_add_f64", r"v_mul_f64", r"v_fma_f64", r"v_div_scale_f64", r"v_div_fmas_f64", r"v_div_fixup_f64", r"v_rsq_f64", r"v_floor_f64", r"v_trunc_f64", r"v_rndne_f64", r"v_min_f64", r"v_max_f64", r"v_ldexp_f64")),
    Case("cvt_int_float", "cvt_int_float.hip", "cvt_int_float", make_cvt_int_float, ref_cvt_int_float, SIZES,
         mnemonics=(r"v_cvt_f32_i32", r"v_cvt_f32_u32", r"v_cvt_i32_f32", r"v_cvt_u32_f32", r"v_cvt_i32_f64", r"v_cvt_u32_f64", r"v_cvt_f64_i32", r"v_cvt_f64_u32", r"v_cvt_f64_f32", r"v_cvt_f32_f64", r"v_ffbh_u32", r"_sdwa")),
    Case("cvt_f16", "cvt_f16.hip", "cvt_f16", make_cvt_f16, ref_cvt_f16, SIZES,
         mnemonics=(r"v_cvt_f16_f32", r"v_cvt_f32_f16", r"v_add_f16", r"v_sub_f16", r"v_mul_f16", r"v_fma_f16", r"v_pk_mul_f16", r"v_pk_add_f16")),
    Case("cvt_bf16", "cvt_bf16.hip", "cvt_bf16", make_cvt_bf16, ref_cvt_bf16, SIZES,
         mnemonics=(r"v_bfe_u32", r"v_add3_u32", r"v_cmp_u_f32", r"v_perm_b32")),
    Case("mem_widths", "mem_widths.hip", "mem_widths", make_mem_widths, ref_mem_widths, SIZES,
         mnemonics=(r"global_load_ubyte", r"global_load_ushort", r"global_load_dwordx4", r"global_store_byte", r"global_store_short", r"global_store_dwordx4", r"v_pk_add_f32")),
    Case("bits_shift_rotate", "bits_shift_rotate.hip", "bits_shift_rotate", make_bits_shift_rotate, ref_bits_shift_rotate, SIZES,
         mnemonics=(r"v_alignbit_b32", r"v_lshlrev_b64", r"v_lshrrev_b64", r"v_ashrrev_i32")),
    Case("bits_count", "bits_count.hip", "bits_count", make_bits_count, ref_bits_count, SIZES,
         mnemonics=(r"v_bcnt_u32_b32", r"v_ffbh_u32", r"v_ffbl_b32", r"v_bfrev_b32", r"v_min3_u32")),
    Case("bits_field", "bits_field.hip", "bits_field", make_bits_field, ref_bits_field, SIZES,
         mnemonics=(r"v_bfe_u32", r"v_bfe_i32", r"v_perm_b32", r"v_alignbyte_b32")),
    Case("int_compare_select", "int_compare_select.hip", "int_compare_select", make_int_compare_select, ref_int_compare_select, SIZES,
         mnemonics=(r"v_cmp_lt_i64", r"v_cmp_gt_u64", r"v_cmp_eq_u64", r"v_cmp_lt_u32", r"v_cndmask_b32")),
    Case("branch_divergent", "branch_divergent.hip", "branch_divergent", make_branch_divergent, ref_branch_divergent, SIZES,
         mnemonics=(r"s_and_saveexec_b64", r"s_cbranch_execz", r"s_andn2_saveexec_b64|s_or_saveexec_b64", r"s_xor_b64")),
    Case("loop_data_dependent", "loop_data_dependent.hip", "loop_data_dependent", make_loop_data_dependent, ref_loop_data_dependent, SIZES,
         mnemonics=(r"s_cbranch_execnz", r"s_andn2_b64", r"s_or_b64 exec")),
    Case("early_return", "early_return.hip", "early_return", make_early_return, ref_early_return, SIZES,
         mnemonics=(r"s_cbranch_execz", r"s_cbranch_execnz", r"s_and_saveexec_b64")),
    Case("lds_reverse", "lds_reverse.hip", "lds_reverse", make_lds_reverse, ref_lds_reverse, SIZES,
         mnemonics=(r"ds_write_b32", r"ds_read_b32", r"s_barrier")),
    Case("lds_transpose_pad", "lds_transpose_pad.hip", "lds_transpose_pad", make_lds_transpose_pad, ref_lds_transpose_pad, (1, 16, 37, 70),
         mnemonics=(r"ds_write_b32", r"ds_read_b32", r"s_barrier", r"v_bfe_u32 v\d+, v0, 10, 10")),
    Case("lds_reduce_tree", "lds_reduce_tree.hip", "lds_reduce_tree", make_lds_reduce_tree, ref_lds_reduce_tree, SIZES,
         mnemonics=(r"ds_read2st64_b32|ds_read2_b32", r"ds_write_b32", r"s_barrier", r"v_max_u32")),
    Case("lds_scan", "lds_scan.hip", "lds_scan", make_lds_scan, ref_lds_scan, SIZES,
         mnemonics=(r"ds_write_b64", r"ds_read_b64", r"ds_read_b32", r"s_barrier")),
    Case("xlane_bpermute", "xlane_bpermute.hip", "xlane_bpermute", make_xlane_bpermute, ref_xlane_bpermute, SIZES,
         mnemonics=(r"ds_bpermute_b32", r"ds_permute_b32", r"v_mbcnt_lo_u32_b32", r"v_mbcnt_hi_u32_b32")),
    Case("xlane_swizzle", "xlane_swizzle.hip", "xlane_swizzle", make_xlane_swizzle, ref_xlane_swizzle, SIZES,
         mnemonics=(r"ds_swizzle_b32 .*QUAD_PERM", r"ds_swizzle_b32 .*SWAP", r"ds_swizzle_b32 .*REVERSE", r"ds_swizzle_b32 .*BROADCAST", r"ds_swizzle_b32 .*BITMASK_PERM")),
    Case("xlane_dpp", "xlane_dpp.hip", "xlane_dpp", make_xlane_dpp, ref_xlane_dpp, SIZES,
         mnemonics=(r"v_mov_b32_dpp .*quad_perm", r"v_mov_b32_dpp .*row_shl:1 ", r"v_mov_b32_dpp .*row_shr:3 .*bound_ctrl", r"v_mov_b32_dpp .*row_ror:5", r"v_mov_b32_dpp .*wave_shr:1", r"v_mov_b32_dpp .*wave_rol:1", r"v_mov_b32_dpp .*wave_shl:1", r"v_mov_b32_dpp .*wave_ror:1", r"v_mov_b32_dpp .*row_mirror", r"v_mov_b32_dpp .*row_half_mirror", r"v_mov_b32_dpp .*row_bcast:15", r"v_mov_b32_dpp .*row_bcast:31")),
    Case("xlane_readlane_ballot", "xlane_readlane_ballot.hip", "xlane_readlane_ballot", make_xlane_readlane_ballot, ref_xlane_readlane_ballot, SIZES,
         mnemonics=(r"v_readfirstlane_b32", r"v_readlane_b32", r"v_mbcnt_lo_u32_b32", r"v_mbcnt_hi_u32_b32", r"s_bcnt1_i32_b64", r"v_cmp_ne_u32_e64 s\[")),
    Case("xlane_vote", "xlane_vote.hip", "xlane_vote", make_xlane_vote, ref_xlane_vote, (1, 64, 150, 700),
         mnemonics=(r"s_bcnt1_i32_b64", r"s_ff1_i32_b64", r"v_cmp_gt_f32|v_cmp_lt_f32|v_cmp_ngt|v_cmp_nle", r"v_cmp_gt_i64|v_cmp_lt_i64", r"v_mbcnt_hi_u32_b32")),
    Case("atomic_global_int", "atomic_global_int.hip", "atomic_global_int", make_atomic_global_int, ref_atomic_global_int, SIZES,
         mnemonics=(r"global_atomic_add ", r"global_atomic_add .* sc0", r"global_atomic_or ", r"global_atomic_and ", r"global_atomic_xor ", r"global_atomic_cmpswap ", r"global_atomic_swap ")),
    Case("atomic_global_float", "atomic_global_float.hip", "atomic_global_float", make_atomic_global_float, ref_atomic_global_float, SIZES,
         mnemonics=(r"global_atomic_add_f32", r"global_atomic_add_f64", r"global_atomic_cmpswap ")),
    Case("atomic_minmax", "atomic_minmax.hip", "atomic_minmax", make_atomic_minmax, ref_atomic_minmax, SIZES,
         mnemonics=(r"global_atomic_smax ", r"global_atomic_smin ", r"global_atomic_umax ", r"global_atomic_umin ", r"global_atomic_smax_x2", r"global_atomic_umin_x2", r"global_atomic_smin .* sc0")),
    Case("atomic_lds", "atomic_lds.hip", "atomic_lds", make_atomic_lds, ref_atomic_lds, SIZES,
         mnemonics=(r"ds_add_u32", r"ds_add_rtn_u32", r"ds_add_f32", r"ds_max_u32", r"ds_or_b32", r"s_barrier")),
    Case("launch_2d", "launch_2d.hip", "launch_2d", make_launch_2d, ref_launch_2d, (1, 20, 33, 70),
         mnemonics=(r"v_bfe_u32 v\d+, v0, 10, 10", r"s_add_u32 s\d+, s0, 40", r"s_addc_u32")),
    Case("launch_3d", "launch_3d.hip", "launch_3d", make_launch_3d, ref_launch_3d, (1, 9, 17),
         mnemonics=(r"v_bfe_u32 v\d+, v0, 10, 10", r"v_bfe_u32 v\d+, v0, 20, 10")),
    Case("launch_grid_stride", "launch_grid_stride.hip", "launch_grid_stride", make_launch_grid_stride, ref_launch_grid_stride, (1, 100, 700),
         mnemonics=(r"s_cbranch_execnz", r"s_mul_i32")),
    Case("mfma_f32_32x32x8f16", "mfma_f32_32x32x8f16.hip", "mfma_f32_32x32x8f16", make_mfma_f16(32, 8), ref_mfma_float, MFMA_SIZES,
         tol=MFMA_TOL, mnemonics=(r"v_mfma_f32_32x32x8_f16",)),
    Case("mfma_f32_16x16x16f16", "mfma_f32_16x16x16f16.hip", "mfma_f32_16x16x16f16", make_mfma_f16(16, 16), ref_mfma_float, MFMA_SIZES,
         tol=MFMA_TOL, mnemonics=(r"v_mfma_f32_16x16x16_f16",)),
    Case("mfma_f32_32x32x8bf16_1k", "mfma_f32_32x32x8bf16_1k.hip", "mfma_f32_32x32x8bf16_1k", make_mfma_bf16(32, 8), ref_mfma_float, MFMA_SIZES,
         tol=MFMA_TOL, mnemonics=(r"v_mfma_f32_32x32x8_bf16",)),
    Case("mfma_f32_16x16x16bf16_1k", "mfma_f32_16x16x16bf16_1k.hip", "mfma_f32_16x16x16bf16_1k", make_mfma_bf16(16, 16), ref_mfma_float, MFMA_SIZES,
         tol=MFMA_TOL, mnemonics=(r"v_mfma_f32_16x16x16_bf16",)),
    Case("mfma_f32_32x32x2f32", "mfma_f32_32x32x2f32.hip", "mfma_f32_32x32x2f32", make_mfma_f32(32, 2), ref_mfma_float, MFMA_SIZES,
         tol=MFMA_TOL, mnemonics=(r"v_mfma_f32_32x32x2_f32",)),
    Case("mfma_f32_16x16x4f32", "mfma_16x16_more.hip", "mfma_f32_16x16x4f32", make_mfma_f32(16, 4), ref_mfma_float, MFMA_SIZES,
         tol=MFMA_TOL, mnemonics=(r"v_mfma_f32_16x16x4_f32",)),
    Case("mfma_i32_32x32x16_i8", "mfma_i32_32x32x16_i8.hip", "mfma_i32_32x32x16_i8", make_mfma_i8(32, 16), ref_mfma_int, MFMA_SIZES,
         mnemonics=(r"v_mfma_i32_32x32x16_i8",)),
    Case("mfma_i32_16x16x32_i8", "mfma_16x16_more.hip", "mfma_i32_16x16x32_i8", make_mfma_i8(16, 32), ref_mfma_int, MFMA_SIZES,
         mnemonics=(r"v_mfma_i32_16x16x32_i8",)),
)  # fmt: skip


def seed_for(case: Case, size: int) -> int:
    """Deterministic per-(case, size) seed for ``numpy.random.default_rng``."""
    return zlib.crc32(case.name.encode()) ^ size


def source_files() -> list[str]:
    """The distinct .hip files of the suite, in a stable order."""
    return sorted({c.file for c in CASES})
