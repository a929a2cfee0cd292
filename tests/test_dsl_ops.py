"""Every operator the DSL lowers, run on the SSA interpreter and compared with numpy.

Each launch evaluates a batch of expressions (``fns``) on per-lane operands loaded from
memory (VALU), per-workgroup scalars (SALU), or one of each, and stores every result;
the references are C's meaning (truncating signed division, infinite-width constant
shifts, hardware low-5-bit register shifts, IEEE round to nearest even). Also: the
magic numbers of constant division checked over many dividends in numpy, constant
folding checked by value and by instruction count, and the documented errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest

import pyhip_mlir as pyhip
from pyhip_mlir.frontend.divide import magic_i32, magic_u32
from pyhip_mlir.frontend.dtypes import DTYPES
from pyhip_mlir.frontend.errors import DSLError

# an expression of (a, b) and the dtype of its result; "v" before the dtype stores it from
# a vector register even when the others are scalar (a per-lane result of scalar operands)
Fn = tuple[Callable[..., object], str]
_LOAD = {1: ("global_load_dword", "s_load_dword"), 2: ("global_load_dwordx2", "s_load_dwordx2")}
_STORE = {1: ("global_store_dword", "s_store_dword"), 2: ("global_store_dwordx2", "s_store_dwordx2")}


@pyhip.jit()
def ops_kernel(J, p_out: "int*", p_a: "int*", p_b: "int*", n: int, dta: str, dtb: str,
               mode: str, sdst: bool, fns: tuple[Fn, ...]):
    """out[i, lane] = fns[i](a, b); an operand is per lane ("v") or per workgroup ("s")."""
    lane = J.gpr("vu32")
    lane[0] = J.blockIdx.x[0] * 64 + J.threadIdx.x[0]
    ops = []
    for kind, dt, p in ((mode[0], dta, p_a), (mode[1], dtb, p_b)):
        w = DTYPES[dt]
        x = J.gpr(kind + dt)
        if kind == "v":
            va = J.gpr("vu32")
            va[0] = lane[0] * (4 * w)
            getattr(J, _LOAD[w][0])(x, va, p)
        else:
            so = J.gpr("su32")
            so[0] = J.blockIdx.x[0] * (256 * w)  # lane 0 of the workgroup
            getattr(J, _LOAD[w][1])(x, p, so)
        ops.append(x)
    J.s_waitcnt(vmcnt=0, lgkmcnt=0)
    a, b = ops
    for i, (f, odt) in enumerate(fns):
        vec = odt.startswith("v")
        odt = odt[1:] if vec else odt
        w = DTYPES[odt]
        if sdst and not vec:
            r = J.gpr("s" + odt)
            r[0] = f(a[0], b[0])
            addr = J.gpr(2, "su32")
            addr[:] = p_out[:] + (J.blockIdx.x[0] * 512 + i * n * 8)
            getattr(J, _STORE[w][1])(r, addr, 0, mod="glc")
        else:
            r = J.gpr("v" + odt)
            r[0] = f(a[0], b[0])
            vo = J.gpr("vu32")
            vo[0] = (lane[0] << 3) + i * n * 8
            getattr(J, _STORE[w][0])(vo, r, p_out)
    J.s_waitcnt(lgkmcnt=0)


_NP = {"i32": np.int32, "u32": np.uint32, "i64": np.int64, "u64": np.uint64, "f32": np.float32,
       "f64": np.float64, "fp16x2": np.uint32, "bf16x2": np.uint32}


def run(fns: list[Fn], A: np.ndarray, B: np.ndarray, dta: str, dtb: str, mode: str,
        sdst: bool = False) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Results (one array per fn, in its dtype) and the operands each lane saw."""
    n = len(A)
    out = np.zeros((len(fns), n, 2), dtype=np.uint32)
    args = (n, dta, dtb, mode, sdst, tuple(fns))
    ops_kernel([n // 64], [64], out, A, B, *args)
    ops_kernel.trace(*args)[0].verify()  # the table's operand and constant-bus rules
    res = []
    for i, (_, odt) in enumerate(fns):
        odt = odt.lstrip("v")
        raw = out[i] if DTYPES[odt] == 2 else out[i, :, :1]
        res.append(np.ascontiguousarray(raw).view(_NP[odt]).reshape(n))
    a = A if mode[0] == "v" else np.repeat(A[::64], 64)
    b = B if mode[1] == "v" else np.repeat(B[::64], 64)
    if sdst:  # one result per workgroup (the first lane's for vector results)
        res, a, b = [r[::64] for r in res], a[::64], b[::64]
    return res, a, b


# --- integer references (Python ints, C semantics) -----------------------------------------


def cdiv(x: int, y: int) -> int:
    q = abs(x) // abs(y)
    return -q if (x < 0) != (y < 0) else q


def wrap(v: int, dt: str) -> int:
    bits = 64 if dt in ("i64", "u64") else 32
    v &= (1 << bits) - 1
    return v - (1 << bits) if dt.startswith("i") and v >> (bits - 1) else v


def py_div(x: int, y: int, dt: str) -> int:
    """``x // y`` as the DSL computes it, division by a zero register included."""
    if y == 0:
        mag = abs(x) + 1 if x else 2
        return wrap(-mag if x < 0 else mag, dt)
    return wrap(cdiv(x, y), dt)


def py_mod(x: int, y: int, dt: str) -> int:
    return wrap(x if y == 0 else x - cdiv(x, y) * y, dt)


def shift_const(x: int, s: int, op: str, dt: str) -> int:
    return wrap(x << s if op == "<<" else x >> s, dt)  # Python ints are infinitely wide


def check_int(fns: list[Fn], refs: list[Callable[[int, int], int]], res: list[np.ndarray],
              a: np.ndarray, b: np.ndarray) -> None:
    al, bl = [int(x) for x in a], [int(x) for x in b]
    for i, (ref, got) in enumerate(zip(refs, res, strict=True)):
        odt = fns[i][1].lstrip("v")
        want = np.array([wrap(ref(x, y), odt) for x, y in zip(al, bl, strict=True)],
                        dtype=_NP[odt])
        bad = np.nonzero(got != want)[0]
        assert not len(bad), (f"fn {i}: a={al[bad[0]]} b={bl[bad[0]]} got {got[bad[0]]} "
                              f"want {want[bad[0]]} ({len(bad)} lanes differ)")


EDGES32 = [0, 1, -1, 2, -2, 3, -3, 7, -7, 10, 641, -641, 65537, 2**31 - 1, -2**31, -2**31 + 1,
           1 << 20, -(1 << 20), 100, -100, 0x55555555, 2**30 + 1]
DIVISORS = [3, 7, 10, 641, 65537, 2**31 - 1, -3, -641, 1, -1, 2, -2, 8, 1 << 20, -2**31, 0,
            2**31 + 5, -7, 12, 25]


def int_data(dt: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Operands: full-range random, small, edge values, and multiples of the divisors +-1;
    the first lane of each workgroup (the scalar operand) walks the edge lists."""
    rng = np.random.default_rng(seed)
    lo, hi = (-2**31, 2**31) if dt == "i32" else (0, 2**32)
    pools = [rng.integers(lo, hi, n), rng.integers(-300, 300, n),
             rng.choice(np.array(EDGES32, dtype=np.int64), n),
             rng.choice(np.array(DIVISORS[:8], dtype=np.int64), n) * rng.integers(-2**20, 2**20, n)
             + rng.integers(-1, 2, n)]
    which = rng.integers(0, 4, (2, n))
    A = np.choose(which[0], pools)
    B = np.choose(which[1], [rng.integers(lo, hi, n), rng.integers(-50, 50, n),
                             rng.choice(np.array(DIVISORS, dtype=np.int64), n),
                             rng.choice(np.array(DIVISORS, dtype=np.int64), n)])
    if n >= 2048:  # every edge value by every divisor
        ea, eb = np.meshgrid(np.array(EDGES32, dtype=np.int64), np.array(DIVISORS, dtype=np.int64))
        A[-ea.size:], B[-ea.size:] = ea.ravel(), eb.ravel()
    g = n // 64
    B[::64] = np.resize(np.array(DIVISORS, dtype=np.int64), g)
    A[::64] = np.resize(np.array(EDGES32[::-1], dtype=np.int64), g)
    A[64::128] = rng.integers(lo, hi, len(A[64::128]))
    mask = (1 << 32) - 1
    A, B = A & mask, B & mask
    return A.astype(np.uint32).view(_NP[dt]), B.astype(np.uint32).view(_NP[dt])


def int_cases(dt: str) -> tuple[list[Fn], list[Callable[[int, int], int]]]:
    """The expressions of one integer test and their references."""
    cases: list[tuple[Callable[..., object], Callable[[int, int], int], str]] = [
        (lambda a, b: a + b, lambda x, y: x + y, dt),
        (lambda a, b: a - b, lambda x, y: x - y, dt),
        (lambda a, b: a * b, lambda x, y: x * y, dt),
        (lambda a, b: a // b, lambda x, y: py_div(x, y, dt), dt),
        (lambda a, b: a % b, lambda x, y: py_mod(x, y, dt), dt),
        # register shift counts: the hardware's low 5 bits; constant counts: C's
        # infinitely wide shift (below)
        (lambda a, b: a << b, lambda x, y: x << (y & 31), dt),
        (lambda a, b: a >> b, lambda x, y: x >> (y & 31), dt),
        (lambda a, b: a & b, lambda x, y: x & y, dt),
        (lambda a, b: a | b, lambda x, y: x | y, dt),
        (lambda a, b: a ^ b, lambda x, y: x ^ y, dt),
        (lambda a, b: ~a, lambda x, y: ~x, dt),
        (lambda a, b: -a, lambda x, y: -x, dt),
        (lambda a, b: a < b, lambda x, y: int(x < y), "u32"),
        (lambda a, b: a <= b, lambda x, y: int(x <= y), "u32"),
        (lambda a, b: a > b, lambda x, y: int(x > y), "u32"),
        (lambda a, b: a >= b, lambda x, y: int(x >= y), "u32"),
        (lambda a, b: a == b, lambda x, y: int(x == y), "u32"),
        (lambda a, b: a != b, lambda x, y: int(x != y), "u32"),
        (lambda a, b: a + 100000, lambda x, y: x + 100000, dt),
        (lambda a, b: a - 3, lambda x, y: x - 3, dt),
        (lambda a, b: 5 - a, lambda x, y: 5 - x, dt),
        (lambda a, b: a * -3, lambda x, y: x * -3, dt),
        (lambda a, b: a * 12, lambda x, y: x * 12, dt),
        (lambda a, b: 1000 // b, lambda x, y: py_div(1000, y, dt), dt),
        (lambda a, b: -7 % b, lambda x, y: py_mod(wrap(-7, dt), y, dt), dt),
        (lambda a, b: a < 5, lambda x, y: int(x < 5), "u32"),
        (lambda a, b: 5 <= a, lambda x, y: int(5 <= x), "u32"),
    ]
    if dt == "i32":
        cases.append((lambda a, b: abs(a), lambda x, y: abs(x), dt))
    for s in (0, 1, 31, 32, 40):
        cases.append((lambda a, b, s=s: a << s, lambda x, y, s=s: shift_const(x, s, "<<", dt), dt))
        cases.append((lambda a, b, s=s: a >> s, lambda x, y, s=s: shift_const(x, s, ">>", dt), dt))
    consts = [3, 7, 10, 641, 65537, 2**31 - 1, -3, -641, 1, -1, 2, 8, -8, 1 << 20, 6, 14, 1000]
    consts += [-2**31] if dt == "i32" else [2**31, 2**31 + 5, 0xFFFFFFFF, 0xFFFFFFFD]
    for c in consts:
        cv = wrap(c, dt)
        cases.append((lambda a, b, c=c: a // c, lambda x, y, c=cv: py_div(x, c, dt), dt))
        cases.append((lambda a, b, c=c: a % c, lambda x, y, c=cv: py_mod(x, c, dt), dt))
    return [(f, o) for f, _, o in cases], [r for _, r, _ in cases]


@pytest.mark.parametrize("mode", ["vv", "vs", "sv", "ss"])
@pytest.mark.parametrize("dt", ["i32", "u32"])
def test_int32_ops(dt: str, mode: str) -> None:
    fns, refs = int_cases(dt)
    n = 64 * (256 if mode == "ss" else 32)
    A, B = int_data(dt, n, seed=hash((dt, mode)) & 0xFFFF)
    res, a, b = run(fns, A, B, dt, dt, mode, sdst=mode == "ss")
    check_int(fns, refs, res, a, b)


def test_magic_numbers_exact() -> None:
    """The constant-division sequences, modelled in numpy, for many divisors and
    dividends near every multiple boundary (the registers path is checked above)."""
    rng = np.random.default_rng(7)
    u64 = np.uint64
    divs = [3, 5, 6, 7, 10, 11, 12, 14, 25, 641, 65537, 2**31 - 1, 2**31 + 1, 0xFFFFFFFD, 7 << 20]
    divs += [int(x) for x in rng.integers(3, 2**32, 60)]
    for c in divs:
        if c & (c - 1) == 0:
            continue
        mult = np.arange(0, 2**32 // c + 1, max(1, 2**32 // c // 2000), dtype=np.int64) * c
        a = np.concatenate([mult - 1, mult, mult + 1, rng.integers(0, 2**32, 4000),
                            np.array([0, 2**32 - 1, 2**31])])
        a = a[(a >= 0) & (a < 2**32)].astype(u64)
        mg = magic_u32(c)
        if mg.add:
            t = (a * u64(mg.m)) >> u64(32)
            q = (((a - t) >> u64(1)) + t) >> u64(mg.post)
        else:
            q = (((a >> u64(mg.pre)) * u64(mg.m)) >> u64(32)) >> u64(mg.post)
        assert np.array_equal(q, a // u64(c)), (c, mg)
    for c in [3, 5, 6, 7, 10, 641, 65537, 2**31 - 1, -3, -641, -7, -(2**31 - 1), 1000000007]:
        n = abs(c)
        mult = np.arange(-(2**31 // n), 2**31 // n + 1, max(1, 2**31 // n // 2000), dtype=np.int64) * n
        a = np.concatenate([mult - 1, mult, mult + 1, rng.integers(-2**31, 2**31, 4000),
                            np.array([-2**31, 2**31 - 1, -1, 0])])
        a = a[(a >= -2**31) & (a < 2**31)]
        sm = magic_i32(c)
        t = (a * sm.m) >> 32
        t = t + a if sm.add else t
        q0, sign = t >> sm.s, a >> 31
        q = q0 - sign if c > 0 else sign - q0
        want = np.where((a < 0) != (c < 0), -(np.abs(a) // n), np.abs(a) // n)
        assert np.array_equal(q, want), (c, sm)


# --- 64-bit --------------------------------------------------------------------------------------


def int64_data(dt: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    edges = [0, 1, 2**32 - 1, 2**32, 2**32 + 1, 2**63 - 1, 2**63, 2**64 - 1, 2**31, 0xFFFFFFFF00000000]
    pools = [rng.integers(0, 2**64, n, dtype=np.uint64),
             rng.integers(2**32 - 5, 2**32 + 5, n, dtype=np.uint64),  # carries cross dword 0
             (0 - rng.integers(0, 300, n, dtype=np.uint64)),
             rng.choice(np.array(edges, dtype=np.uint64), n)]
    A = np.choose(rng.integers(0, 4, n), pools)
    B = np.choose(rng.integers(0, 4, n), pools[::-1])
    return A.view(_NP[dt]), B.view(_NP[dt])


def int64_cases(dt: str) -> tuple[list[Fn], list[Callable[[int, int], int]]]:
    cases: list[tuple[Callable[..., object], Callable[[int, int], int], str]] = [
        (lambda a, b: a + b, lambda x, y: x + y, dt),
        (lambda a, b: a - b, lambda x, y: x - y, dt),
        (lambda a, b: a * b, lambda x, y: x * y, dt),
        (lambda a, b: a & b, lambda x, y: x & y, dt),
        (lambda a, b: a | b, lambda x, y: x | y, dt),
        (lambda a, b: a ^ b, lambda x, y: x ^ y, dt),
        (lambda a, b: ~a, lambda x, y: ~x, dt),
        (lambda a, b: -a, lambda x, y: -x, dt),
        (lambda a, b: a + 0x1_0000_0001, lambda x, y: x + 0x1_0000_0001, dt),
        (lambda a, b: a - 5, lambda x, y: x - 5, dt),
        (lambda a, b: a * 8, lambda x, y: x * 8, dt),
    ]
    # ordered 64-bit compares of scalars run on the VALU (the SALU compares 64 bits for
    # equality only): a per-lane result ("v")
    for expr, f in ((lambda a, b: a < b, lambda x, y: x < y), (lambda a, b: a <= b, lambda x, y: x <= y),
                    (lambda a, b: a > b, lambda x, y: x > y), (lambda a, b: a >= b, lambda x, y: x >= y),
                    (lambda a, b: a == b, lambda x, y: x == y), (lambda a, b: a != b, lambda x, y: x != y)):
        cases.append((expr, lambda x, y, f=f: int(f(x, y)), "vu32"))
    for s in (0, 1, 31, 32, 33, 63, 64, 70):
        cases.append((lambda a, b, s=s: a << s, lambda x, y, s=s: shift_const(x, s, "<<", dt), dt))
        cases.append((lambda a, b, s=s: a >> s, lambda x, y, s=s: shift_const(x, s, ">>", dt), dt))
    for c in (1, 2, 1 << 20, 1 << 32, 1 << 40) + ((-1, -8, -(1 << 35), -(2**63)) if dt == "i64" else ()):
        cases.append((lambda a, b, c=c: a // c, lambda x, y, c=c: cdiv(x, c), dt))
        cases.append((lambda a, b, c=c: a % c, lambda x, y, c=c: x - cdiv(x, c) * c, dt))
    return [(f, o) for f, _, o in cases], [r for _, r, _ in cases]


@pytest.mark.parametrize("mode", ["vv", "ss", "vs"])
@pytest.mark.parametrize("dt", ["i64", "u64"])
def test_int64_ops(dt: str, mode: str) -> None:
    fns, refs = int64_cases(dt)
    n = 64 * (64 if mode == "ss" else 8)
    A, B = int64_data(dt, n, seed=len(dt + mode) + (dt == "i64"))
    res, a, b = run(fns, A, B, dt, dt, mode, sdst=mode == "ss")
    check_int(fns, refs, res, a, b)


@pytest.mark.parametrize("mode", ["vv", "ss"])
def test_int64_mixed_widths(mode: str) -> None:
    """u64 + u32 zero-extends, i64 + i32 sign-extends (C's conversions)."""
    rng = np.random.default_rng(3)
    n = 64 * (32 if mode == "ss" else 4)
    A = rng.integers(2**32 - 3, 2**32 + 3, n, dtype=np.uint64)
    A[1::3] = rng.integers(0, 2**64, len(A[1::3]), dtype=np.uint64)
    B = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32)
    for dta, dtb in (("u64", "u32"), ("i64", "i32")):
        fns: list[Fn] = [(lambda a, b: a + b, dta), (lambda a, b: a - b, dta),
                         (lambda a, b: b + a, dta), (lambda a, b: a < b, "vu32")]
        refs = [lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x + y, lambda x, y: int(x < y)]
        res, a, b = run(fns, A.view(_NP[dta]), B.view(_NP[dtb]), dta, dtb, mode, sdst=mode == "ss")
        check_int(fns, refs, res, a, b)


def test_unsupported_divisions() -> None:
    for expr, what in ((lambda a, b: a // b, "64-bit '//' (i64) by a register"),
                       (lambda a, b: a % 3, "64-bit '%' (i64) by the constant 3"),
                       (lambda a, b: a // 0, "division by zero")):
        A = np.zeros(64, dtype=np.int64)
        with pytest.raises(DSLError, match=re.escape(what)):
            run([(expr, "i64")], A, A, "i64", "i64", "vv")
    A32 = np.zeros(64, dtype=np.int32)
    for expr in (lambda a, b: a // 2**31, lambda a, b: 2**31 % b):
        with pytest.raises(DSLError, match="2147483648 does not fit in i32"):
            run([(expr, "i32")], A32, A32, "i32", "i32", "vv")
    with pytest.raises(DSLError, match="4294967296 does not fit in u32"):
        run([(lambda a, b: a // 2**32, "u32")], A32, A32, "u32", "u32", "vv")
    with pytest.raises(DSLError, match="division by zero"):
        run([(lambda a, b: a % 0, "i32")], A32, A32, "i32", "i32", "ss", sdst=True)


# --- floats --------------------------------------------------------------------------------------


def same_float(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Bit-exact, except that any NaN matches any NaN (payloads are not specified)."""
    iv = {4: np.uint32, 8: np.uint64, 2: np.uint16}[want.dtype.itemsize]
    return (got.view(iv) == want.view(iv)) | (np.isnan(got) & np.isnan(want))


def float_data(dt: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ft = np.float32 if dt == "f32" else np.float64
    top = 38 if dt == "f32" else 300
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 3.0, 0.1, 1e-45 if dt == "f32"
                        else 5e-324, 1e-40 if dt == "f32" else 1e-310, 3.4e38 if dt == "f32" else 1.7e308,
                        2.0, 0.5], dtype=ft)

    def one() -> np.ndarray:
        x = (rng.standard_normal(n) * 10.0 ** rng.integers(-top - 8, top, n)).astype(ft)
        small = rng.integers(-8, 9, n).astype(ft) * ft(0.25)
        return np.where(rng.random(n) < 0.25, rng.choice(special, n), np.where(rng.random(n) < 0.2, small, x))
    A, B = one(), one()
    sa, sb = np.meshgrid(special, special)  # every special value with every other
    A[-sa.size:], B[-sa.size:] = sa.ravel(), sb.ravel()
    return A, B


def float_cases(dt: str) -> tuple[list[Fn], list[Callable[..., np.ndarray]]]:
    ft = np.float32 if dt == "f32" else np.float64
    c = ft  # numpy constants in the operand's precision
    cases: list[tuple[Callable[..., object], Callable[..., np.ndarray], str]] = [
        (lambda a, b: a + b, lambda x, y: x + y, dt),
        (lambda a, b: a - b, lambda x, y: x - y, dt),
        (lambda a, b: a * b, lambda x, y: x * y, dt),
        (lambda a, b: a / b, lambda x, y: x / y, dt),
        (lambda a, b: -a, lambda x, y: -x, dt),
        (lambda a, b: abs(a), lambda x, y: np.abs(x), dt),
        (lambda a, b: -a * b, lambda x, y: -x * y, dt),
        (lambda a, b: a - abs(b), lambda x, y: x - np.abs(y), dt),
        (lambda a, b: abs(-a) + -b, lambda x, y: np.abs(x) + -y, dt),
        (lambda a, b: a + 1.5, lambda x, y: x + c(1.5), dt),
        (lambda a, b: a * 0.1, lambda x, y: x * c(0.1), dt),
        (lambda a, b: 2.0 - a, lambda x, y: c(2.0) - x, dt),
        (lambda a, b: a - 0.0, lambda x, y: x - c(0.0), dt),
        (lambda a, b: a + 1, lambda x, y: x + c(1), dt),
        (lambda a, b: a / 3.0, lambda x, y: x / c(3.0), dt),
        (lambda a, b: a / 0.25, lambda x, y: x / c(0.25), dt),
        (lambda a, b: 1.0 / a, lambda x, y: c(1.0) / x, dt),
        (lambda a, b: a < b, lambda x, y: (x < y).astype(np.uint32), "u32"),
        (lambda a, b: a <= b, lambda x, y: (x <= y).astype(np.uint32), "u32"),
        (lambda a, b: a > b, lambda x, y: (x > y).astype(np.uint32), "u32"),
        (lambda a, b: a >= b, lambda x, y: (x >= y).astype(np.uint32), "u32"),
        (lambda a, b: a == b, lambda x, y: (x == y).astype(np.uint32), "u32"),
        (lambda a, b: a != b, lambda x, y: (x != y).astype(np.uint32), "u32"),
        (lambda a, b: -a < b, lambda x, y: (-x < y).astype(np.uint32), "u32"),
        (lambda a, b: a > 0.5, lambda x, y: (x > c(0.5)).astype(np.uint32), "u32"),
    ]
    return [(f, o) for f, _, o in cases], [r for _, r, _ in cases]


@pytest.mark.parametrize("mode", ["vv", "vs", "sv", "ss"])
@pytest.mark.parametrize("dt", ["f32", "f64"])
def test_float_ops(dt: str, mode: str) -> None:
    fns, refs = float_cases(dt)
    A, B = float_data(dt, 64 * 4, seed=len(mode) + 17 * (dt == "f64") + ord(mode[0]))
    res, a, b = run(fns, A, B, dt, dt, mode)
    with np.errstate(all="ignore"):
        for i, (ref, got) in enumerate(zip(refs, res, strict=True)):
            want = ref(a, b)
            ok = same_float(got, want) if fns[i][1] == dt else got == want
            bad = np.nonzero(~ok)[0]
            assert not len(bad), f"fn {i}: a={a[bad[0]]!r} b={b[bad[0]]!r} got {got[bad[0]]!r} want {want[bad[0]]!r}"


def bf16_round(x: np.ndarray) -> np.ndarray:
    """float32 -> bf16 bits, round to nearest even; NaN -> a quiet NaN."""
    u = x.astype(np.float32).view(np.uint32).astype(np.uint64)
    r = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16) & 0xFFFF
    return np.where(np.isnan(x), ((u >> 16) | 0x40) & 0xFFFF, r).astype(np.uint16)


def bf16_to_f32(h: np.ndarray) -> np.ndarray:
    return (h.astype(np.uint32) << 16).view(np.float32)


def packed_data(kind: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)

    def halves() -> np.ndarray:
        x = (rng.standard_normal(2 * n) * 2.0 ** rng.integers(-30, 30, 2 * n)).astype(np.float32)
        specials = np.array([0, -0.0, np.inf, -np.inf, np.nan, 1, 65504, 1e-7, 3e38], dtype=np.float32)
        x = np.where(rng.random(2 * n) < 0.15, rng.choice(specials, 2 * n), x)
        with np.errstate(all="ignore"):
            h = x.astype(np.float16).view(np.uint16) if kind == "fp16x2" else bf16_round(x)
        if kind == "fp16x2":  # f16 denormals and the largest values, too
            h = np.where(rng.random(2 * n) < 0.1, rng.integers(0, 0x10000, 2 * n), h).astype(np.uint16)
        return h.view(np.uint32)
    return halves(), halves()


def packed_ref(kind: str, op: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Bits of the packed result: numpy f16 (correctly rounded for + - *), or f32 then
    bf16 round to nearest even."""
    fa = x.view(np.float16) if kind == "fp16x2" else bf16_to_f32(x.view(np.uint16))
    fb = y.view(np.float16) if kind == "fp16x2" else bf16_to_f32(y.view(np.uint16))
    with np.errstate(all="ignore"):
        r = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}[op](fa, fb)
    return r.view(np.uint16) if kind == "fp16x2" else bf16_round(r)


def same_packed(kind: str, got: np.ndarray, want: np.ndarray) -> np.ndarray:
    g, w = got.view(np.uint16), want.view(np.uint16)
    isnan = (lambda h: h.view(np.float16) != h.view(np.float16)) if kind == "fp16x2" else (
        lambda h: np.isnan(bf16_to_f32(h)))
    return ((g == w) | (isnan(g) & isnan(w))).reshape(-1, 2).all(axis=1)


@pytest.mark.parametrize("mode", ["vv", "sv", "vs", "ss"])
@pytest.mark.parametrize("kind", ["fp16x2", "bf16x2"])
def test_packed_ops(kind: str, mode: str) -> None:
    fns: list[Fn] = [(lambda a, b: a + b, kind), (lambda a, b: a - b, kind), (lambda a, b: a * b, kind),
                     (lambda a, b: -a, kind), (lambda a, b: abs(a), kind), (lambda a, b: a * 1.5, kind),
                     (lambda a, b: 0.75 - b, kind), (lambda a, b: b - 2, kind)]
    ops = ["+", "-", "*"]
    if kind == "bf16x2":
        fns.append((lambda a, b: a / b, kind))
        ops.append("/")
    A, B = packed_data(kind, 64 * 4, seed=len(mode) + (kind == "bf16x2"))
    res, a, b = run(fns, A, B, kind, kind, mode)
    wants = [packed_ref(kind, op, a, b) for op in ops[:3]]
    one = np.ones_like(a)

    def const(v: float) -> np.ndarray:
        h = np.array([v], dtype=np.float16).view(np.uint16) if kind == "fp16x2" else bf16_round(np.array([v]))
        return (one * (int(h[0]) * 0x10001)).astype(np.uint32)
    wants += [a ^ 0x80008000, a & 0x7FFF7FFF, packed_ref(kind, "*", a, const(1.5)),
              packed_ref(kind, "-", const(0.75), b), packed_ref(kind, "-", b, const(2.0))]
    if kind == "bf16x2":
        wants.append(packed_ref(kind, "/", a, b))
    for i, (got, want) in enumerate(zip(res, wants, strict=True)):
        ok = same_packed(kind, got, want)
        bad = np.nonzero(~ok)[0]
        assert not len(bad), f"fn {i}: a={a[bad[0]]:#x} b={b[bad[0]]:#x} got {got[bad[0]]:#x} want {want[bad[0]]:#x}"


def test_float_errors() -> None:
    A = np.zeros(64, dtype=np.uint32)
    for kind, expr, what in (("fp16x2", lambda a, b: a < b, "compares of fp16x2"),
                             ("bf16x2", lambda a, b: a == b, "compares of bf16x2"),
                             ("fp16x2", lambda a, b: a / b, "'/' on fp16x2"),
                             ("f32", lambda a, b: a // b, "'//' on f32"),
                             ("f32", lambda a, b: ~a, "'~' on a float (f32)")):
        with pytest.raises(DSLError, match=re.escape(what)):
            run([(expr, kind)], A, A, kind, kind, "vv")
    with pytest.raises(DSLError, match="v_readfirstlane_b32"):
        run([(lambda a, b: a + b, "f32")], A.view(np.float32), A.view(np.float32), "f32", "f32",
            "ss", sdst=True)


def test_float_int_conversions() -> None:
    """An i32/u32 register in f32 arithmetic is converted as in C; f32 widens to f64."""
    rng = np.random.default_rng(5)
    A = (rng.standard_normal(64) * 1e3).astype(np.float32)
    B = rng.integers(-2**31, 2**31, 64).astype(np.int32)
    res, a, b = run([(lambda a, b: a + b, "f32"), (lambda a, b: b * a, "f32")], A, B, "f32", "i32", "vv")
    assert np.array_equal(res[0], a + b.astype(np.float32))
    assert np.array_equal(res[1], b.astype(np.float32) * a)
    res, a, b = run([(lambda a, b: a - b, "f32")], A, B.view(np.uint32), "f32", "u32", "vs")
    assert np.array_equal(res[0], a - b.astype(np.float32))
    D = rng.standard_normal(64)
    res, a, b = run([(lambda a, b: a * b, "f64")], D, A, "f64", "f32", "vv")
    assert np.array_equal(res[0], a * b.astype(np.float64))


# --- constant folding ---------------------------------------------------------------------------


@pyhip.jit()
def fold_kernel(J, p_out: "int*", p_x: "int*", x_s: "int", vector: bool, fn: Callable[..., object]):
    if vector:
        va = J.gpr("vu32")
        va[0] = J.threadIdx.x[0] << 2
        x = J.gpr("vi32")
        J.global_load_dword(x, va, p_x)
        J.s_waitcnt(vmcnt=0)
        r = J.gpr("vi32")
        r[0] = fn(x[0])
        J.global_store_dword(va, r, p_out)
    else:
        r = J.gpr("si32")
        r[0] = fn(x_s)
        J.s_store_dword(r, p_out, 0, mod="glc")
        J.s_waitcnt(lgkmcnt=0)


def _count_alu(ir: str) -> int:
    skip = ("load", "store", "waitcnt", "endpgm")
    ops = re.findall(r"cdna\.([sv]_\w+)", ir)
    return sum(1 for o in ops if not any(s in o for s in skip))


FOLDS = [  # expression, its value for x, instructions (SALU, VALU) it may take
    (lambda x: (x + 3) + 5, lambda x: x + 8, (1, 1)),
    (lambda x: (x - 3) + 5, lambda x: x + 2, (1, 1)),
    (lambda x: (x * 2) * 4, lambda x: x * 8, (1, 1)),
    (lambda x: (3 - x) + 5, lambda x: 8 - x, (1, 1)),
    (lambda x: (x + 3) - 5, lambda x: x - 2, (1, 1)),
    (lambda x: ((((x + 1) + 2) - 3) + 4) - 10, lambda x: x - 6, (1, 1)),
    (lambda x: ((x - 3) + 5) * 4, lambda x: (x + 2) * 4, (2, 2)),
    # v_mul_lo_u32 (VOP3) takes no literal: 105 goes to a register first
    (lambda x: ((x * 3) * 5) * 7, lambda x: x * 105, (1, 2)),
    (lambda x: ((x & 0xFF) & 0xF0) | 1 | 2, lambda x: (x & 0xF0) | 3, (2, 2)),
    (lambda x: ((x ^ 5) ^ 3) + 1 + 1, lambda x: (x ^ 6) + 2, (2, 2)),
    (lambda x: (10 - x) + 5 - 20, lambda x: -5 - x, (1, 1)),
]


@pytest.mark.parametrize("vector", [False, True])
def test_constant_folding(vector: bool) -> None:
    X = np.array([0, 1, -1, 7, -2**31, 2**31 - 1, 123456, -99] * 8, dtype=np.int32)
    base = _count_alu(fold_kernel.ir(vector, lambda x: x, debuginfo=False)) - 1  # the copy
    for i, (fn, ref, n_ops) in enumerate(FOLDS):
        got_ops = _count_alu(fold_kernel.ir(vector, fn, debuginfo=False)) - base
        assert got_ops == n_ops[vector], f"fold {i}: {got_ops} instructions, expected {n_ops[vector]}"
        out = np.zeros(64, dtype=np.int32)
        xs = X if vector else X[:1]
        for xv in ([None] if vector else [int(v) for v in X[:8]]):
            fold_kernel([1], [64], out, X, xv if xv is not None else 0, vector, fn)
            want = [wrap(ref(int(v)), "i32") for v in (X if vector else [xv])]
            got = out if vector else out[:1]
            assert [int(v) for v in got] == want, f"fold {i}: {list(got)} != {want} for {xs}"


def test_division_instruction_counts() -> None:
    """Constant divisors stay short; the register divisor is one fixed sequence."""
    cases = [(lambda x: x // 8, 4), (lambda x: x // 7, 5), (lambda x: x // -3, 3),
             (lambda x: x % 8, 5), (lambda x: x // 641, 4)]
    base = _count_alu(fold_kernel.ir(False, lambda x: x, debuginfo=False)) - 1
    for i, (fn, most) in enumerate(cases):
        n = _count_alu(fold_kernel.ir(False, fn, debuginfo=False)) - base
        assert n <= most, f"case {i}: {n} > {most} instructions"


def test_bf16_reference_matches_encoder() -> None:
    # the test's rounding helper agrees with the frontend's constant encoder
    from pyhip_mlir.frontend.dtypes import bf16_bits

    for v in (1.0, 1.00390625, 1.01171875, -3.5e38, 3.4e38, 1e-40, float("inf"), float("nan")):
        with np.errstate(all="ignore"):
            assert int(bf16_round(np.array([v], dtype=np.float32))[0]) == bf16_bits(v), v


def _fn_ops(fn: Fn, dt: str) -> int:
    """ALU instructions of one expression in ops_kernel (the identity is one copy a dword)."""
    def count(f: Fn) -> int:
        return _count_alu(ops_kernel.ir(64, dt, dt, "vv", False, (f,), debuginfo=False))
    return count(fn) - count((lambda a, b: a, dt)) + DTYPES[dt]


def test_float_instruction_counts() -> None:
    """neg/abs fold into source modifiers; constant powers of two divide by a multiply."""
    cases = [((lambda a, b: -a * b, "f32"), 1), ((lambda a, b: a - abs(b), "f32"), 1),
             ((lambda a, b: abs(-a) + -b, "f32"), 1), ((lambda a, b: -a < abs(b), "u32"), 2),
             ((lambda a, b: -a, "f32"), 1), ((lambda a, b: a / 4.0, "f32"), 1),
             ((lambda a, b: a / b, "f32"), 11), ((lambda a, b: -a * b, "f64"), 1),
             ((lambda a, b: a - b, "f64"), 1), ((lambda a, b: a - b, "fp16x2"), 1)]
    for i, (fn, n) in enumerate(cases):
        dt = "f64" if fn[1] == "f64" else "fp16x2" if fn[1] == "fp16x2" else "f32"
        assert _fn_ops(fn, dt) == n, f"case {i}: {_fn_ops(fn, dt)} instructions, expected {n}"


# --- scalar 64-bit ordered compares (SALU borrow chain), usable as J.If conditions -----

_CMP64 = [0, 1, -1, 2**31, -(2**31), 2**32, -(2**32), 2**63 - 1, -(2**63), 12345678901, -12345678901]
_ORDERED = [lambda x, y: x < y, lambda x, y: x <= y, lambda x, y: x > y, lambda x, y: x >= y]


@pyhip.jit()
def _cmp64_scalar(J, a: "int64_t", b: "int64_t", ua: "uint64_t", ub: "uint64_t", p: "int*"):
    r = J.gpr("si32")
    for i, f in enumerate(_ORDERED):
        r[0] = f(a, b)
        J.s_store_dword(r, p, 4 * i)
        r[0] = f(ua, ub)
        J.s_store_dword(r, p, 16 + 4 * i)
        r[0] = f(a, 5)
        J.s_store_dword(r, p, 32 + 4 * i)
    with J.If(a < b):
        r[0] = 7
        J.s_store_dword(r, p, 48)
    J.s_waitcnt(lgkmcnt=0)


def test_scalar_64bit_ordered_compares() -> None:
    for x in _CMP64:
        for y in _CMP64:
            out = np.zeros(13, np.int32)
            ux, uy = x % 2**64, y % 2**64
            _cmp64_scalar([1], [64], x, y, ux, uy, out)
            expect = ([int(f(x, y)) for f in _ORDERED] + [int(f(ux, uy)) for f in _ORDERED]
                      + [int(f(x, 5)) for f in _ORDERED] + [7 if x < y else 0])
            assert out.tolist() == expect, (x, y)


# --- several scalar compares in one expression: SCC is one register --------------------

@pyhip.jit()
def _compares_as_numbers(J, a: "int", b: "int", c: "int", d: "int", p: "int*"):
    x = J.gpr("si32")
    x[0] = (a < b) + (c < d) * 2 + ((a < c) == (b < d)) * 4
    J.s_store_dword(x, p, 0)
    J.s_waitcnt(lgkmcnt=0)


def test_scalar_compares_become_numbers_before_the_next_compare() -> None:
    for a, b, c, d in [(0, 2, 1, 0), (2, 0, 3, 5), (1, 2, 1, 5), (2, 2, 3, 0)]:
        out = np.zeros(1, np.int32)
        _compares_as_numbers([1], [64], a, b, c, d, out)
        assert out[0] == int(a < b) + int(c < d) * 2 + int((a < c) == (b < d)) * 4
    # each SCC is read by the s_cselect right after the compare that wrote it, so the
    # allocator never has two SCC values live at once
    ops = [line.strip() for line in _compares_as_numbers.ir(debuginfo=False).splitlines()
           if "cdna." in line]
    for prev, op in zip(ops, ops[1:], strict=False):
        if "s_cselect_b32" in op:
            assert "s_cmp_" in prev, (prev, op)


# --- & | ^ of vector compares: one SALU op on the lane masks --------------------------

@pyhip.jit()
def _mask_logic(J, p_a: "int*", p_out: "int*", n: "int"):
    tid = J.threadIdx.x[0]
    a = J.gpr("vi32")
    J.global_load_dword(a, tid << 2, p_a)
    J.s_waitcnt(vmcnt=0)
    out = J.gpr(4, "vi32", 0)
    with J.ExecMask((a[0] > 0) & (tid < n[0])):  # a mask straight into EXEC
        out[0] = a[0]
    out[1] = ((a[0] < 10) | (tid >= n[0])) + 0  # a mask used as a number
    out[2] = ((a[0] < 10) ^ (tid >= n[0])) * 3
    out[3] = ((a[0] < 10) & (n[0] < 5)) + 0  # a vector and a scalar compare
    J.global_store_dwordx4(tid << 4, out, p_out)
    J.s_waitcnt(vmcnt=0)


def test_vector_compares_combine_as_lane_masks() -> None:
    a = np.random.default_rng(5).integers(-20, 20, 64).astype(np.int32)
    tid = np.arange(64)
    for n in (0, 17, 64):
        out = np.full((64, 4), -1, np.int32)
        _mask_logic([1], [64], a, out, n)
        np.testing.assert_array_equal(out[:, 0], np.where((a > 0) & (tid < n), a, 0))
        np.testing.assert_array_equal(out[:, 1], ((a < 10) | (tid >= n)).astype(np.int32))
        np.testing.assert_array_equal(out[:, 2], ((a < 10) ^ (tid >= n)).astype(np.int32) * 3)
        np.testing.assert_array_equal(out[:, 3], ((a < 10) & (n < 5)).astype(np.int32))
    ir = _mask_logic.ir(debuginfo=False)
    assert ir.count("s_and_b64") == 1 and "s_or_b64" in ir and "s_xor_b64" in ir
