"""Emulator semantics of the scalar ALU and program control (SOP1/SOP2/SOPC/SOPK/SOPP).

Expected values come from plain-Python models of the AMD ISA pseudocode (CDNA3/CDNA4
ISA guide, chapter "Instructions"), written independently of the numpy semantics.
SCC after an instruction is captured with ``s_cselect_b32 sN, 1, 0`` (tested first).
"""

from __future__ import annotations

import random

import pytest

from pyhip_mlir.dialects.isa.table import get_table
from pyhip_mlir.emulator.ctx import EmulationError
from pyhip_mlir.emulator.semantics.registry import SEMANTICS
from pyhip_mlir.emulator.testing import run_snippet

M32 = (1 << 32) - 1
M64 = (1 << 64) - 1
rng = random.Random(1234)


def signed(x: int, size: int = 32) -> int:
    x &= (1 << size) - 1
    return x - (1 << size) if x >> (size - 1) else x


def r32() -> int:
    return rng.getrandbits(32)


def r64() -> int:
    return rng.getrandbits(64)


EDGE32 = [0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x80000001, 0xFFFF0000, 0x0000FFFF]
EDGE64 = [0, 1, (1 << 63) - 1, 1 << 63, M64, 0xFFFFFFFF, 1 << 32, 0x8000000080000000]


def reg(first: int, wide: bool) -> str:
    return f"s[{first}:{first + 1}]" if wide else f"s{first}"


def run_binary(op: str, cases: list[tuple[int, int]], w0: bool = False, w1: bool = False,
               wd: bool = False, scc_in: list[int] | None = None) -> list[tuple[int, int]]:
    """Run ``op d, a, b`` per case (at most 10); returns (d, scc) per case."""
    assert len(cases) <= 10
    lines: list[str] = []
    regs: dict[str, object] = {"scc": 1}  # ops that do not write SCC must leave it 1
    for k, (a, b) in enumerate(cases):
        ra, rb, rd = reg(4 * k, w0), reg(4 * k + 2, w1), reg(40 + 2 * k, wd)
        regs[ra], regs[rb] = a, b
        if scc_in is not None:
            lines.append(f"s_cmp_eq_u32 {scc_in[k]}, 1")
        lines += [f"{op} {rd}, {ra}, {rb}", f"s_cselect_b32 s{70 + k}, 1, 0"]
    snap = run_snippet("\n".join(lines), regs=regs)
    return [(snap.s64(40 + 2 * k) if wd else snap.s(40 + 2 * k), snap.s(70 + k)) for k in range(len(cases))]


def run_unary(op: str, cases: list[int], ws: bool = False, wd: bool = False) -> list[tuple[int, int]]:
    assert len(cases) <= 10
    lines: list[str] = []
    regs: dict[str, object] = {"scc": 1}  # ops that do not write SCC must leave it 1
    for k, a in enumerate(cases):
        ra, rd = reg(4 * k, ws), reg(40 + 2 * k, wd)
        regs[ra] = a
        lines += [f"{op} {rd}, {ra}", f"s_cselect_b32 s{70 + k}, 1, 0"]
    snap = run_snippet("\n".join(lines), regs=regs)
    return [(snap.s64(40 + 2 * k) if wd else snap.s(40 + 2 * k), snap.s(70 + k)) for k in range(len(cases))]


def pairs32(n: int = 10) -> list[tuple[int, int]]:
    edge = [(0x7FFFFFFF, 1), (0x80000000, 0xFFFFFFFF), (0xFFFFFFFF, 1), (0, 0), (5, 5)]
    return (edge + [(r32(), r32()) for _ in range(n)])[:n]


def pairs64(n: int = 10) -> list[tuple[int, int]]:
    edge = [(M64, 1), (1 << 63, M64), (0, 0), (0xF0F0, 0x0F0F)]
    return (edge + [(r64(), r64()) for _ in range(n)])[:n]


# --- SCC capture, moves -------------------------------------------------------------------


@pytest.mark.parametrize("scc", [0, 1])
def test_cselect(scc: int) -> None:
    snap = run_snippet("s_cselect_b32 s2, s0, s1\ns_cselect_b64 s[4:5], s[6:7], s[8:9]",
                       regs={"s0": 11, "s1": 22, "s[6:7]": 1 << 40, "s[8:9]": 7, "scc": scc})
    assert snap.s(2) == (11 if scc else 22)
    assert snap.s64(4) == ((1 << 40) if scc else 7)
    assert snap.scc == scc  # not changed


def test_mov_and_constants() -> None:
    snap = run_snippet(
        "s_mov_b32 s0, s10\ns_mov_b64 s[2:3], s[12:13]\ns_mov_b64 s[4:5], -1\n"
        "s_mov_b64 s[6:7], 0xffffffff\ns_mov_b32 s8, -16\ns_mov_b64 s[14:15], 1.0\n"
        "s_mov_b32 s9, 0.5\ns_movk_i32 s16, 0x8000\ns_movk_i32 s17, 0x7fff",
        regs={"s10": 0xDEADBEEF, "s[12:13]": 0x0123456789ABCDEF},
    )
    assert snap.s(0) == 0xDEADBEEF
    assert snap.s64(2) == 0x0123456789ABCDEF
    assert snap.s64(4) == M64  # inline constants sign-extend to 64 bits
    assert snap.s64(6) == 0xFFFFFFFF  # a 32-bit literal of a b64 move is zero-extended
    assert snap.s(8) == (-16) & M32
    assert snap.s64(14) == 0x3FF0000000000000  # inline 1.0 of a 64-bit operand is the f64
    assert snap.s(9) == 0x3F000000
    assert snap.s(16) == 0xFFFF8000  # simm16 sign-extends
    assert snap.s(17) == 0x7FFF


@pytest.mark.parametrize("scc", [0, 1])
def test_cmov(scc: int) -> None:
    snap = run_snippet(
        "s_cmov_b32 s0, s1\ns_cmov_b64 s[2:3], s[4:5]\ns_cmovk_i32 s6, 0xfffe",
        regs={"s0": 1, "s1": 2, "s[2:3]": 3, "s[4:5]": 1 << 50, "s6": 9, "scc": scc},
    )
    assert (snap.s(0), snap.s64(2), snap.s(6)) == ((2, 1 << 50, 0xFFFFFFFE) if scc else (1, 3, 9))


# --- SOP2 bitwise ----------------------------------------------------------------------------

BITWISE = {
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
    "andn2": lambda a, b: a & ~b,
    "orn2": lambda a, b: a | ~b,
    "nand": lambda a, b: ~(a & b),
    "nor": lambda a, b: ~(a | b),
    "xnor": lambda a, b: ~(a ^ b),
}


@pytest.mark.parametrize("name", list(BITWISE))
@pytest.mark.parametrize("wide", [False, True])
def test_bitwise(name: str, wide: bool) -> None:
    mask = M64 if wide else M32
    cases = pairs64(8) if wide else pairs32(8)
    cases += [(0, 0), (mask, mask)]
    got = run_binary(f"s_{name}_b{64 if wide else 32}", cases, wide, wide, wide)
    for (a, b), (d, scc) in zip(cases, got, strict=True):
        want = BITWISE[name](a, b) & mask
        assert (d, scc) == (want, int(want != 0)), (name, hex(a), hex(b))


# --- SOP2 arithmetic --------------------------------------------------------------------------


def test_add_sub_u32() -> None:
    cases = pairs32()
    for (a, b), (d, scc) in zip(cases, run_binary("s_add_u32", cases), strict=True):
        assert (d, scc) == ((a + b) & M32, int(a + b > M32))
    for (a, b), (d, scc) in zip(cases, run_binary("s_sub_u32", cases), strict=True):
        assert (d, scc) == ((a - b) & M32, int(b > a))


def test_add_sub_i32_overflow() -> None:
    cases = pairs32()
    for (a, b), (d, scc) in zip(cases, run_binary("s_add_i32", cases), strict=True):
        t = signed(a) + signed(b)
        assert (d, scc) == (t & M32, int(not -(1 << 31) <= t < (1 << 31)))
    for (a, b), (d, scc) in zip(cases, run_binary("s_sub_i32", cases), strict=True):
        t = signed(a) - signed(b)
        assert (d, scc) == (t & M32, int(not -(1 << 31) <= t < (1 << 31)))


def test_addc_subb() -> None:
    cases = [(M32, 0), (M32, M32), (0, 0), (0, M32), (5, 5), (r32(), r32()), (r32(), r32()), (1, 2)]
    carries = [1, 1, 1, 0, 1, 0, 1, 0]
    for (a, b), c, (d, scc) in zip(cases, carries, run_binary("s_addc_u32", cases, scc_in=carries), strict=True):
        t = a + b + c
        assert (d, scc) == (t & M32, int(t > M32))
    for (a, b), c, (d, scc) in zip(cases, carries, run_binary("s_subb_u32", cases, scc_in=carries), strict=True):
        assert (d, scc) == ((a - b - c) & M32, int(b + c > a))


@pytest.mark.parametrize("name", ["min", "max"])
@pytest.mark.parametrize("typ", ["i32", "u32"])
def test_min_max(name: str, typ: str) -> None:
    cases = pairs32()
    conv = signed if typ == "i32" else (lambda x: x)
    for (a, b), (d, scc) in zip(cases, run_binary(f"s_{name}_{typ}", cases), strict=True):
        first = conv(a) < conv(b) if name == "min" else conv(a) >= conv(b)  # ISA: SCC = S0 chosen
        assert (d, scc) == (a if first else b, int(first))


def test_absdiff_abs() -> None:
    cases = [(2, 5), (0xFFFFFFFF, 0), (0x80000000, 0), (0x80000000, 1), (0x80000000, 0xFFFFFFFF),
             (0x80000000, 0xFFFFFFFE), (7, 7), (r32(), r32())]
    for (a, b), (d, scc) in zip(cases, run_binary("s_absdiff_i32", cases), strict=True):
        want = abs(signed(a - b)) & M32
        assert (d, scc) == (want, int(want != 0))
    vals = [1, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFF, 0, r32()]
    for a, (d, scc) in zip(vals, run_unary("s_abs_i32", vals), strict=True):
        want = abs(signed(a)) & M32
        assert (d, scc) == (want, int(want != 0))


def test_multiplies() -> None:
    cases = pairs32()
    for (a, b), (d, scc) in zip(cases, run_binary("s_mul_i32", cases), strict=True):
        assert (d, scc) == ((a * b) & M32, 1)  # SCC untouched
    for (a, b), (d, scc) in zip(cases, run_binary("s_mul_hi_u32", cases), strict=True):
        assert (d, scc) == ((a * b) >> 32, 1)
    for (a, b), (d, scc) in zip(cases, run_binary("s_mul_hi_i32", cases), strict=True):
        assert (d, scc) == (((signed(a) * signed(b)) >> 32) & M32, 1)


def test_mulk_addk() -> None:
    snap = run_snippet(
        "s_mulk_i32 s0, 0xfffd\ns_addk_i32 s1, 0x10\ns_cselect_b32 s10, 1, 0\n"
        "s_addk_i32 s2, 0x8000\ns_cselect_b32 s11, 1, 0\ns_addk_i32 s3, 1\ns_cselect_b32 s12, 1, 0",
        regs={"s0": 100000, "s1": 0x7FFFFFF8, "s2": 0x80000000, "s3": 5},
    )
    assert snap.s(0) == (100000 * -3) & M32
    assert (snap.s(1), snap.s(10)) == (0x80000008, 1)  # signed overflow
    assert (snap.s(2), snap.s(11)) == ((-(1 << 31) - 0x8000) & M32, 1)
    assert (snap.s(3), snap.s(12)) == (6, 0)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_lshl_add(n: int) -> None:
    cases = [(0x80000000, 0), (0x7FFFFFFF, 1), (M32, M32), (1, 2)] + [(r32(), r32()) for _ in range(6)]
    for (a, b), (d, scc) in zip(cases, run_binary(f"s_lshl{n}_add_u32", cases), strict=True):
        t = (a << n) + b
        assert (d, scc) == (t & M32, int(t > M32))


# --- shifts, bit fields, packs ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["lshl_b32", "lshr_b32", "ashr_i32", "lshl_b64", "lshr_b64", "ashr_i64"])
def test_shifts(name: str) -> None:
    wide = name.endswith("64")
    size = 64 if wide else 32
    vals = [M64, 1 << 63, 0x8000000000000001, r64(), r64()] if wide else [M32, 0x80000000, 0x80000001, r32(), r32()]
    amounts = [0, 1, size - 1, size, size + 3, 0xFFFFFFFF, 17, 200, 5, 63]
    cases = [(vals[k % len(vals)], amounts[k]) for k in range(10)]
    for (a, s), (d, scc) in zip(cases, run_binary(f"s_{name}", cases, w0=wide, wd=wide), strict=True):
        s &= size - 1
        if name.startswith("lshl"):
            want = (a << s) & ((1 << size) - 1)
        elif name.startswith("lshr"):
            want = a >> s
        else:
            want = (signed(a, size) >> s) & ((1 << size) - 1)
        assert (d, scc) == (want, int(want != 0)), (name, hex(a), s)


def test_bfm() -> None:
    cases = [(0, 0), (32, 0), (31, 1), (5, 30), (8, 4), (37, 33), (16, 16)]
    for (w, o), (d, scc) in zip(cases, run_binary("s_bfm_b32", cases), strict=True):
        assert (d, scc) == ((((1 << (w & 31)) - 1) << (o & 31)) & M32, 1)
    cases64 = [(0, 0), (63, 1), (64, 3), (40, 30), (1, 63), (70, 70)]
    for (w, o), (d, _) in zip(cases64, run_binary("s_bfm_b64", cases64, wd=True), strict=True):
        assert d == (((1 << (w & 63)) - 1) << (o & 63)) & M64


def bfe_model(x: int, ctl: int, size: int, is_signed: bool) -> int:
    off, width = ctl & (size - 1), (ctl >> 16) & 0x7F
    v = (signed(x, size) if is_signed else x) >> off
    if width == 0:
        return 0
    if width >= size:
        return v & ((1 << size) - 1)
    field = v & ((1 << width) - 1)
    if is_signed and field >> (width - 1):
        field -= 1 << width
    return field & ((1 << size) - 1)


@pytest.mark.parametrize("name", ["u32", "i32", "u64", "i64"])
def test_bfe(name: str) -> None:
    size = int(name[1:])
    wide = size == 64
    ctls = [(4 << 16) | 4, (0 << 16) | 3, (32 << 16), (8 << 16) | 28, (127 << 16) | 1, (1 << 16) | 31,
            (20 << 16) | 16, (31 << 16) | 1, (64 << 16) | 60 | 0xFF00, (3 << 16) | 0x3F]
    x = [0xFFFFFFF0, 0x8000_0000, 0x1234_5678, 0xF000_000F] if not wide else [
        0xFFFF_FFFF_FFFF_FFF0, 1 << 63, 0x1234_5678_9ABC_DEF0, 0x8000_0000_0000_0001]
    cases = [(x[k % 4], ctls[k]) for k in range(10)]
    for (a, c), (d, scc) in zip(cases, run_binary(f"s_bfe_{name}", cases, w0=wide, wd=wide), strict=True):
        want = bfe_model(a, c, size, name[0] == "i")
        assert (d, scc) == (want, int(want != 0)), (name, hex(a), hex(c))


def test_pack() -> None:
    a, b = 0x1111_2222, 0x3333_4444
    snap = run_snippet("s_pack_ll_b32_b16 s2, s0, s1\ns_pack_lh_b32_b16 s3, s0, s1\n"
                       "s_pack_hh_b32_b16 s4, s0, s1", regs={"s0": a, "s1": b})
    assert (snap.s(2), snap.s(3), snap.s(4)) == (0x4444_2222, 0x3333_2222, 0x3333_1111)


# --- SOP1 unary -------------------------------------------------------------------------------


def bits_of(x: int, size: int) -> list[int]:
    return [(x >> i) & 1 for i in range(size)]


def first(bs: list[int], want: int) -> int:
    return next((i for i, b in enumerate(bs) if b == want), -1) & M32


def flbit_signed(x: int, size: int) -> int:
    msb = bits_of(x, size)[::-1]
    return next((i for i in range(1, size) if msb[i] != msb[0]), -1) & M32


def wqm(x: int, size: int) -> int:
    return sum((0xF << q) for q in range(0, size, 4) if (x >> q) & 0xF)


def quadmask(x: int, size: int) -> int:
    return sum(1 << (q // 4) for q in range(0, size, 4) if (x >> q) & 0xF)


UNARY = {  # name -> (model(x, size) -> (d, scc or None), source wide, dest wide)
    "s_not_b32": (lambda x, s: (~x & M32, True), False, False),
    "s_not_b64": (lambda x, s: (~x & M64, True), True, True),
    "s_brev_b32": (lambda x, s: (int(f"{x:032b}"[::-1], 2), None), False, False),
    "s_brev_b64": (lambda x, s: (int(f"{x:064b}"[::-1], 2), None), True, True),
    "s_bcnt0_i32_b32": (lambda x, s: (32 - bin(x).count("1"), True), False, False),
    "s_bcnt0_i32_b64": (lambda x, s: (64 - bin(x).count("1"), True), True, False),
    "s_bcnt1_i32_b32": (lambda x, s: (bin(x).count("1"), True), False, False),
    "s_bcnt1_i32_b64": (lambda x, s: (bin(x).count("1"), True), True, False),
    "s_ff0_i32_b32": (lambda x, s: (first(bits_of(x, 32), 0), None), False, False),
    "s_ff0_i32_b64": (lambda x, s: (first(bits_of(x, 64), 0), None), True, False),
    "s_ff1_i32_b32": (lambda x, s: (first(bits_of(x, 32), 1), None), False, False),
    "s_ff1_i32_b64": (lambda x, s: (first(bits_of(x, 64), 1), None), True, False),
    "s_flbit_i32_b32": (lambda x, s: (first(bits_of(x, 32)[::-1], 1), None), False, False),
    "s_flbit_i32_b64": (lambda x, s: (first(bits_of(x, 64)[::-1], 1), None), True, False),
    "s_flbit_i32": (lambda x, s: (flbit_signed(x, 32), None), False, False),
    "s_flbit_i32_i64": (lambda x, s: (flbit_signed(x, 64), None), True, False),
    "s_sext_i32_i8": (lambda x, s: (signed(x, 8) & M32, None), False, False),
    "s_sext_i32_i16": (lambda x, s: (signed(x, 16) & M32, None), False, False),
    "s_wqm_b32": (lambda x, s: (wqm(x, 32), True), False, False),
    "s_wqm_b64": (lambda x, s: (wqm(x, 64), True), True, True),
    "s_quadmask_b32": (lambda x, s: (quadmask(x, 32), True), False, False),
    "s_quadmask_b64": (lambda x, s: (quadmask(x, 64), True), True, True),
    "s_bitreplicate_b64_b32": (lambda x, s: (sum(3 << (2 * i) for i in range(32) if x >> i & 1), None),
                               False, True),
}


@pytest.mark.parametrize("name", list(UNARY))
def test_unary(name: str) -> None:
    model, ws, wd = UNARY[name]
    size = 64 if ws else 32
    vals = [0, (1 << size) - 1, 1 << (size - 1), 0x0000CCCC, 0xFFFF3333, 0x7FFFFFFF, 0x80, 0x1_0000_0000 if ws else 0x8000,
            (r64() if ws else r32()), 0x0102_0000_0000_4000 if ws else 0x0010_4000]
    vals = [v & ((1 << size) - 1) for v in vals]
    for a, (d, scc) in zip(vals, run_unary(name, vals, ws, wd), strict=True):
        want, sets_scc = model(a, size)
        assert d == want, (name, hex(a), hex(d), hex(want))
        assert scc == (int(want != 0) if sets_scc else 1), (name, hex(a))


def test_flbit_examples() -> None:
    """The ISA guide's functional examples."""
    vals = [0, 0x0000CCCC, 0xFFFF3333, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]
    assert [d for d, _ in run_unary("s_flbit_i32_b32", vals)] == [M32, 16, 0, 1, 0, 0]
    assert [d for d, _ in run_unary("s_flbit_i32", vals)] == [M32, 16, 16, 1, 1, M32]
    assert [d for d, _ in run_unary("s_ff1_i32_b32", [0xAAAAAAAA, 0x55555555, 0, M32, 0x10000])] == [1, 0, M32, 0, 16]


def test_bitset() -> None:
    snap = run_snippet(
        "s_bitset1_b32 s0, s10\ns_bitset0_b32 s1, s11\ns_bitset1_b64 s[2:3], s12\ns_bitset0_b64 s[4:5], s13",
        regs={"s0": 0, "s1": M32, "s[2:3]": 0, "s[4:5]": M64, "s10": 37, "s11": 31, "s12": 0x7F, "s13": 32,
              "scc": 1},
    )
    assert snap.s(0) == 1 << 5  # index masked to 5 bits
    assert snap.s(1) == M32 & ~(1 << 31)
    assert snap.s64(2) == 1 << 63
    assert snap.s64(4) == M64 & ~(1 << 32)
    assert snap.scc == 1  # not changed


# --- compares ----------------------------------------------------------------------------------

CMP = {"eq": lambda a, b: a == b, "lg": lambda a, b: a != b, "gt": lambda a, b: a > b,
       "ge": lambda a, b: a >= b, "lt": lambda a, b: a < b, "le": lambda a, b: a <= b}


@pytest.mark.parametrize("c", list(CMP))
@pytest.mark.parametrize("typ", ["i32", "u32"])
def test_cmp(c: str, typ: str) -> None:
    cases = pairs32(8) + [(3, 3), (0x80000000, 0x7FFFFFFF)]
    conv = signed if typ == "i32" else (lambda x: x)
    lines, regs = [], {}
    for k, (a, b) in enumerate(cases):
        regs[f"s{2 * k}"], regs[f"s{2 * k + 1}"] = a, b
        lines += [f"s_cmp_{c}_{typ} s{2 * k}, s{2 * k + 1}", f"s_cselect_b32 s{40 + k}, 1, 0"]
    snap = run_snippet("\n".join(lines), regs=regs)
    for k, (a, b) in enumerate(cases):
        assert snap.s(40 + k) == int(CMP[c](conv(a), conv(b))), (c, typ, hex(a), hex(b))


@pytest.mark.parametrize("c", ["eq", "lg"])
def test_cmp_u64(c: str) -> None:
    cases = [(1 << 40, 1 << 40), (1 << 40, (1 << 40) | 1), (M64, M32), (0, 0)]
    lines, regs = [], {}
    for k, (a, b) in enumerate(cases):
        regs[f"s[{4 * k}:{4 * k + 1}]"], regs[f"s[{4 * k + 2}:{4 * k + 3}]"] = a, b
        lines += [f"s_cmp_{c}_u64 s[{4 * k}:{4 * k + 1}], s[{4 * k + 2}:{4 * k + 3}]",
                  f"s_cselect_b32 s{40 + k}, 1, 0"]
    snap = run_snippet("\n".join(lines), regs=regs)
    assert [snap.s(40 + k) for k in range(4)] == [int(CMP[c](a, b)) for a, b in cases]


@pytest.mark.parametrize("c", list(CMP))
@pytest.mark.parametrize("typ", ["i32", "u32"])
def test_cmpk(c: str, typ: str) -> None:
    imms = [0xFFFF, 0x8000, 0x7FFF, 0, 5]
    vals = [0xFFFFFFFF, 0xFFFF, 0xFFFF8000, 0x8000, 0x7FFF, 0, 5, 0x80000000]
    lines, regs, expect = [], {}, []
    k = 0
    for imm in imms:
        for v in vals:
            regs[f"s{k}"] = v
            lines += [f"s_cmpk_{c}_{typ} s{k}, {imm:#x}", f"s_cselect_b32 s{50 + k}, 1, 0"]
            kv = signed(imm, 16) if typ == "i32" else imm  # i32 sign-extends, u32 zero-extends
            expect.append(int(CMP[c](signed(v) if typ == "i32" else v, kv)))
            k += 1
            if k == 40:
                break
        if k == 40:
            break
    snap = run_snippet("\n".join(lines), regs=regs)
    assert [snap.s(50 + i) for i in range(k)] == expect


def test_bitcmp() -> None:
    x32, x64 = 0x8000_0021, 0x8000_0000_0000_0002
    lines = []
    idx32, idx64 = [0, 1, 5, 31, 37], [1, 2, 63, 65, 32]
    for k, i in enumerate(idx32):
        lines += [f"s_bitcmp1_b32 s0, {i}", f"s_cselect_b32 s{10 + k}, 1, 0",
                  f"s_bitcmp0_b32 s0, {i}", f"s_cselect_b32 s{20 + k}, 1, 0"]
    for k, i in enumerate(idx64):
        lines += [f"s_bitcmp1_b64 s[2:3], {i}", f"s_cselect_b32 s{30 + k}, 1, 0",
                  f"s_bitcmp0_b64 s[2:3], {i}", f"s_cselect_b32 s{40 + k}, 1, 0"]
    snap = run_snippet("\n".join(lines), regs={"s0": x32, "s[2:3]": x64})
    for k, i in enumerate(idx32):
        bit = (x32 >> (i & 31)) & 1
        assert (snap.s(10 + k), snap.s(20 + k)) == (bit, 1 - bit)
    for k, i in enumerate(idx64):
        bit = (x64 >> (i & 63)) & 1
        assert (snap.s(30 + k), snap.s(40 + k)) == (bit, 1 - bit)


# --- EXEC -----------------------------------------------------------------------------------------

EXEC_OPS = {
    "and": lambda s, e: s & e, "or": lambda s, e: s | e, "xor": lambda s, e: s ^ e,
    "andn2": lambda s, e: s & ~e, "orn2": lambda s, e: s | ~e, "nand": lambda s, e: ~(s & e),
    "nor": lambda s, e: ~(s | e), "xnor": lambda s, e: ~(s ^ e), "andn1": lambda s, e: ~s & e,
    "orn1": lambda s, e: ~s | e,
}


@pytest.mark.parametrize("name", [f"{k}_saveexec" for k in EXEC_OPS] + ["andn1_wrexec", "andn2_wrexec"])
@pytest.mark.parametrize("src,exec_mask", [(0x0000_FFFF_0000_F0F0, 0xFFFF_0000_FFFF_FF00), (0, M64), (M64, M64),
                                           (0x1234_5678_9ABC_DEF0, 0x0F0F_0F0F_0F0F_0F0F)])
def test_saveexec(name: str, src: int, exec_mask: int) -> None:
    snap = run_snippet(f"s_{name}_b64 s[2:3], s[4:5]\ns_cselect_b32 s6, 1, 0",
                       regs={"s[4:5]": src}, exec_mask=exec_mask)
    new = EXEC_OPS[name.split("_")[0]](src, exec_mask) & M64
    assert snap.exec == new
    assert snap.s64(2) == (new if name.endswith("wrexec") else exec_mask)
    assert snap.s(6) == int(new != 0)


def test_saveexec_aliasing_source() -> None:
    """sdst = ssrc: the source is read before the old EXEC is saved."""
    snap = run_snippet("s_and_saveexec_b64 s[2:3], s[2:3]", regs={"s[2:3]": 0xFF}, exec_mask=0xF0F)
    assert (snap.exec, snap.s64(2)) == (0xF, 0xF0F)


def test_exec_as_plain_operand() -> None:
    snap = run_snippet("s_mov_b64 s[2:3], exec\ns_and_b64 exec, exec, s[4:5]\ns_mov_b64 vcc, exec",
                       regs={"s[4:5]": 0xFF00FF}, exec_mask=0xFFFF)
    assert (snap.s64(2), snap.exec, snap.vcc) == (0xFFFF, 0xFF, 0xFF)


# --- program control ------------------------------------------------------------------------------

BRANCH = """{op} .Ltaken
s_mov_b32 s0, 1
s_branch .Ldone
.Ltaken:
s_mov_b32 s0, 2
.Ldone:
s_nop 0"""


@pytest.mark.parametrize("op,regs,exec_mask,taken", [
    ("s_branch", {}, M64, True),
    ("s_cbranch_scc0", {"scc": 0}, M64, True),
    ("s_cbranch_scc0", {"scc": 1}, M64, False),
    ("s_cbranch_scc1", {"scc": 1}, M64, True),
    ("s_cbranch_scc1", {"scc": 0}, M64, False),
    ("s_cbranch_execz", {}, 0, True),
    ("s_cbranch_execz", {}, 1 << 63, False),
    ("s_cbranch_execnz", {}, 1 << 63, True),
    ("s_cbranch_execnz", {}, 0, False),
])
def test_branches(op: str, regs: dict, exec_mask: int, taken: bool) -> None:
    snap = run_snippet(BRANCH.format(op=op), regs=regs, exec_mask=exec_mask)
    assert snap.s(0) == (2 if taken else 1)


def _machine_has_vcc() -> bool:
    from pyhip_mlir.emulator.machine import MachineCtx

    return "vcc" in MachineCtx.__dict__


@pytest.mark.skipif(not _machine_has_vcc(), reason="MachineCtx does not implement OpCtx.vcc() yet")
@pytest.mark.parametrize("op,vcc,taken", [
    ("s_cbranch_vccz", 0, True), ("s_cbranch_vccz", 1 << 40, False),
    ("s_cbranch_vccnz", 1 << 40, True), ("s_cbranch_vccnz", 0, False), ("s_cbranch_vccnz", 1, True),
])
def test_branch_vcc(op: str, vcc: int, taken: bool) -> None:
    snap = run_snippet(BRANCH.format(op=op), regs={"vcc": vcc})
    assert snap.s(0) == (2 if taken else 1)


def test_loop() -> None:
    """A counted loop: s_add/s_cmp/s_cbranch around a back edge."""
    snap = run_snippet(
        "s_mov_b32 s0, 0\ns_mov_b32 s1, 0\n.Lloop:\ns_add_u32 s1, s1, s0\ns_add_u32 s0, s0, 1\n"
        "s_cmp_lt_u32 s0, 10\ns_cbranch_scc1 .Lloop"
    )
    assert (snap.s(0), snap.s(1)) == (10, 45)


def test_endpgm_stops() -> None:
    snap = run_snippet("s_mov_b32 s0, 1\ns_endpgm\ns_mov_b32 s0, 2\ns_endpgm")
    assert snap.s(0) == 1


def test_hints_are_harmless() -> None:
    snap = run_snippet("s_mov_b32 s0, 7\ns_nop 15\ns_nop 0\ns_setprio 3\ns_sleep 2\ns_barrier\n"
                       "s_waitcnt vmcnt(0) expcnt(0) lgkmcnt(0)\ns_icache_inv\ns_mov_b32 s1, s0")
    assert (snap.s(0), snap.s(1)) == (7, 7)


def test_waitcnt_decoding() -> None:
    from pyhip_mlir.emulator.semantics.salu_control import decode_waitcnt

    assert decode_waitcnt(0xCF7F) == (63, 7, 15)  # no wait at all
    assert decode_waitcnt(0) == (0, 0, 0)
    assert decode_waitcnt((3 << 14) | (5 << 8) | (2 << 4) | 0x9) == (0x39, 2, 5)


def test_memtime_is_monotonic_and_waits_on_lgkmcnt() -> None:
    snap = run_snippet("s_memtime s[0:1]\ns_memrealtime s[4:5]\ns_waitcnt lgkmcnt(0)\n"
                       "s_memtime s[2:3]\ns_memrealtime s[6:7]\ns_waitcnt lgkmcnt(0)")
    assert snap.s64(2) > snap.s64(0)
    assert snap.s64(6) >= snap.s64(4) > 0
    with pytest.raises(EmulationError, match="read-before-wait|not delivered"):
        run_snippet("s_memtime s[0:1]\ns_mov_b64 s[2:3], s[0:1]")


def test_getpc() -> None:
    snap = run_snippet("s_getpc_b64 s[0:1]\ns_nop 0\ns_nop 0\ns_getpc_b64 s[2:3]")
    assert snap.s64(2) - snap.s64(0) == 12  # 4-byte instructions between them
    assert snap.s64(0) % 4 == 0


def test_trap_raises() -> None:
    with pytest.raises(EmulationError, match="s_trap 2"):
        run_snippet("s_trap 2")


def test_hwreg_mode() -> None:
    snap = run_snippet("s_getreg_b32 s0, hwreg(HW_REG_MODE)\ns_getreg_b32 s1, hwreg(HW_REG_MODE, 4, 4)\n"
                       "s_setreg_imm32_b32 hwreg(HW_REG_MODE, 4, 2), 3\ns_nop 1\ns_setreg_b32 hwreg(HW_REG_MODE, 0, 4), s2",
                       regs={"s2": 0})
    assert (snap.s(0), snap.s(1)) == (0x3F0, 0xF)  # RNE, denormals on, DX10 clamp, IEEE
    with pytest.raises(EmulationError, match="MODE"):
        run_snippet("s_setreg_imm32_b32 hwreg(HW_REG_MODE, 0, 4), 3")  # round toward zero
    with pytest.raises(EmulationError, match="HW_REG_HW_ID"):
        run_snippet("s_getreg_b32 s0, hwreg(HW_REG_HW_ID)")


def test_unsupported_is_reported() -> None:
    with pytest.raises(EmulationError, match="s_movrels_b32"):
        run_snippet("s_movrels_b32 s0, s1", regs={"m0": 1, "s1": 0, "s2": 0})


# --- coverage: driven by the instruction table ------------------------------------------------------

LEFT_OUT = {
    # need a code address model (byte PCs) or a branch stack
    "s_setpc_b64", "s_swappc_b64", "s_call_b64", "s_rfe_b64", "s_rfe_restore_b64",
    "s_cbranch_join", "s_cbranch_g_fork", "s_cbranch_i_fork",
    # relative SGPR addressing through M0 / VGPR index mode
    "s_movrels_b32", "s_movrels_b64", "s_movreld_b32", "s_movreld_b64",
    "s_set_gpr_idx_on", "s_set_gpr_idx_off", "s_set_gpr_idx_mode", "s_set_gpr_idx_idx",
    # debugger, halting, graphics-only, messages
    "s_setvskip", "s_cbranch_cdbgsys", "s_cbranch_cdbguser", "s_cbranch_cdbgsys_or_user",
    "s_cbranch_cdbgsys_and_user", "s_endpgm_saved", "s_endpgm_ordered_ps_done", "s_sethalt",
    "s_setkill", "s_sendmsg", "s_sendmsghalt",
}


def test_table_coverage() -> None:
    table = get_table("gfx942")
    bases = {d.base for d in table.instructions.values() if d.family in ("SOP1", "SOP2", "SOPC", "SOPK", "SOPP")}
    assert LEFT_OUT <= bases
    missing = sorted(bases - LEFT_OUT - set(SEMANTICS))
    assert not missing, f"scalar instructions without semantics: {missing}"
    assert not (LEFT_OUT & set(SEMANTICS)), "an instruction listed as left out is registered"
    assert {"s_memtime", "s_memrealtime"} <= set(SEMANTICS)

