"""MFMA semantics on the machine emulator, against numpy's A @ B + C.

Each case places A, B and C in registers by a per-instruction formula written out
here, independently of the emulator's generic layout rule: the 32x32x8 and 16x16x16
f16/bf16 formulas are copied from ISA_NOTES.md; the others are the per-instruction
formulas printed by AMD's Matrix Instruction Calculator (``--detail-instruction``,
architecture cdna3, or cdna2 for gfx90a-only instructions). It runs the instruction
with ``run_snippet`` and reads D back by the formula. The hardware's summation order
is unpublished, so float results are compared with a tolerance.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

import pyhip_mlir.emulator.semantics  # noqa: F401 - registers the semantics first
from pyhip_mlir.dialects.isa.table import get_table
from pyhip_mlir.emulator.ctx import EmulationError
from pyhip_mlir.emulator.semantics import SEMANTICS
from pyhip_mlir.emulator.semantics.mfma_layouts import MFMA_SHAPES
from pyhip_mlir.emulator.testing import run_snippet

Loc = Callable[[int, int, int], tuple[int, int, int]]  # (block, row, k) -> (reg, lane, pos)
DLoc = Callable[[int, int, int], tuple[int, int]]  # (block, i, j) -> (reg, lane)
BITS = {"f16": 16, "bf16": 16, "f32": 32, "xf32": 32, "i8": 8, "fp8": 8, "bf8": 8, "f64": 64}


@dataclass
class Case:
    mnemonic: str
    m: int
    n: int
    k: int
    blocks: int
    a_type: str
    out: str
    in_loc: Loc  # A[b][i][k]; B[b][k][j] uses the same formula with j for i
    d_loc: DLoc
    b_type: str | None = None
    arch: str = "gfx942"

    @property
    def btype(self) -> str:
        return self.b_type or self.a_type


# Output formulas (register, lane) shared by many instructions.
def d32(b: int, i: int, j: int) -> tuple[int, int]:  # ISA_NOTES 32x32x8 / calculator 32x32
    return 16 * b + 4 * (i // 8) + i % 4, (32 * (i // 4)) % 64 + j


def d16(b: int, i: int, j: int) -> tuple[int, int]:  # ISA_NOTES 16x16x16 / calculator 16x16
    return 4 * b + i % 4, 16 * (i // 4) + j


def d4(b: int, i: int, j: int) -> tuple[int, int]:  # calculator 4x4 (16 blocks)
    return i, 4 * b + j


def half_kpl4(group: int) -> Loc:
    """ISA_NOTES: A[i][k] in lane group*(k//4) + i, register (k//2) % 2, half k % 2."""
    return lambda b, i, k: ((k // 2) % 2, group * (k // 4) + i, k % 2)


def block_input(rows: int, per_dword: int) -> Loc:
    """Calculator block forms: lane rows*block + i, all k of the block in that lane."""
    return lambda b, i, k: (k // per_dword, rows * b + i, k % per_dword)


def byte_kpl8(group: int) -> Loc:
    """Calculator i8/fp8 K=16/32 forms: register (k//4) % 2, byte k % 4, lane group*(k//8) + i."""
    return lambda b, i, k: ((k // 4) % 2, group * (k // 8) + i, k % 4)


def dword_k(group: int, kpl: int) -> Loc:
    """One 32-bit value per register: register k % kpl, lane group * (k // kpl) + i."""
    return lambda b, i, k: (k % kpl, group * (k // kpl) + i, 0)


CASES: list[Case] = [
    Case("v_mfma_f32_32x32x8_f16", 32, 32, 8, 1, "f16", "f32", half_kpl4(32), d32),
    Case("v_mfma_f32_32x32x8_bf16", 32, 32, 8, 1, "bf16", "f32", half_kpl4(32), d32),
    Case("v_mfma_f32_16x16x16_f16", 16, 16, 16, 1, "f16", "f32", half_kpl4(16), d16),
    Case("v_mfma_f32_16x16x16_bf16", 16, 16, 16, 1, "bf16", "f32", half_kpl4(16), d16),
    Case("v_mfma_f32_32x32x2_f32", 32, 32, 2, 1, "f32", "f32", dword_k(32, 1), d32),
    Case("v_mfma_f32_16x16x4_f32", 16, 16, 4, 1, "f32", "f32", dword_k(16, 1), d16),
    Case("v_mfma_f32_32x32x1_2b_f32", 32, 32, 1, 2, "f32", "f32", block_input(32, 1), d32),
    Case("v_mfma_f32_16x16x1_4b_f32", 16, 16, 1, 4, "f32", "f32", block_input(16, 1), d16),
    Case("v_mfma_f32_4x4x1_16b_f32", 4, 4, 1, 16, "f32", "f32", block_input(4, 1), d4),
    Case("v_mfma_f32_32x32x4_2b_f16", 32, 32, 4, 2, "f16", "f32", block_input(32, 2), d32),
    Case("v_mfma_f32_16x16x4_4b_f16", 16, 16, 4, 4, "f16", "f32", block_input(16, 2), d16),
    Case("v_mfma_f32_4x4x4_16b_f16", 4, 4, 4, 16, "f16", "f32", block_input(4, 2), d4),
    Case("v_mfma_f32_32x32x4_2b_bf16", 32, 32, 4, 2, "bf16", "f32", block_input(32, 2), d32),
    Case("v_mfma_f32_16x16x4_4b_bf16", 16, 16, 4, 4, "bf16", "f32", block_input(16, 2), d16),
    Case("v_mfma_f32_4x4x4_16b_bf16", 4, 4, 4, 16, "bf16", "f32", block_input(4, 2), d4),
    Case("v_mfma_i32_32x32x16_i8", 32, 32, 16, 1, "i8", "i32", byte_kpl8(32), d32),
    Case("v_mfma_i32_16x16x32_i8", 16, 16, 32, 1, "i8", "i32", byte_kpl8(16), d16),
    Case("v_mfma_i32_32x32x4_2b_i8", 32, 32, 4, 2, "i8", "i32", block_input(32, 4), d32),
    Case("v_mfma_i32_16x16x4_4b_i8", 16, 16, 4, 4, "i8", "i32", block_input(16, 4), d16),
    Case("v_mfma_i32_4x4x4_16b_i8", 4, 4, 4, 16, "i8", "i32", block_input(4, 4), d4),
    Case("v_mfma_f32_32x32x4_xf32", 32, 32, 4, 1, "xf32", "f32", dword_k(32, 2), d32),
    Case("v_mfma_f32_16x16x8_xf32", 16, 16, 8, 1, "xf32", "f32", dword_k(16, 2), d16),
    # f64: A/B one register pair per lane; D[i][j] in pair i//4 (16x16) or pair 0 (4x4).
    Case("v_mfma_f64_16x16x4_f64", 16, 16, 4, 1, "f64", "f64",
         lambda b, i, k: (0, 16 * k + i, 0), lambda b, i, j: (i // 4, 16 * (i % 4) + j)),
    Case("v_mfma_f64_4x4x4_4b_f64", 4, 4, 4, 4, "f64", "f64",
         lambda b, i, k: (0, 4 * b + 16 * k + i, 0), lambda b, i, j: (0, 16 * (i % 4) + 4 * b + j)),
    # gfx90a spellings and gfx90a-only instructions (calculator cdna2)
    Case("v_mfma_f32_32x32x8f16", 32, 32, 8, 1, "f16", "f32", half_kpl4(32), d32, arch="gfx90a"),
    Case("v_mfma_f32_32x32x8bf16_1k", 32, 32, 8, 1, "bf16", "f32", half_kpl4(32), d32, arch="gfx90a"),
    Case("v_mfma_f32_32x32x4bf16", 32, 32, 4, 1, "bf16", "f32",
         lambda b, i, k: (0, 32 * (k // 2) + i, k % 2), d32, arch="gfx90a"),
    Case("v_mfma_f32_32x32x2bf16", 32, 32, 2, 2, "bf16", "f32", block_input(32, 2), d32, arch="gfx90a"),
    Case("v_mfma_i32_32x32x8i8", 32, 32, 8, 1, "i8", "i32",
         lambda b, i, k: (0, 32 * (k // 4) + i, k % 4), d32, arch="gfx90a"),
    Case("v_mfma_f64_16x16x4f64", 16, 16, 4, 1, "f64", "f64",
         lambda b, i, k: (0, 16 * k + i, 0), lambda b, i, j: (i // 4, 16 * (i % 4) + j), arch="gfx90a"),
    # old spelling accepted by gfx942
    Case("v_mfma_f32_32x32x4bf16", 32, 32, 4, 2, "bf16", "f32", block_input(32, 2), d32),
]
for _ta in ("fp8", "bf8"):
    for _tb in ("fp8", "bf8"):
        CASES.append(Case(f"v_mfma_f32_16x16x32_{_ta}_{_tb}", 16, 16, 32, 1, _ta, "f32",
                          byte_kpl8(16), d16, b_type=_tb))
        CASES.append(Case(f"v_mfma_f32_32x32x16_{_ta}_{_tb}", 32, 32, 16, 1, _ta, "f32",
                          byte_kpl8(32), d32, b_type=_tb))


# --- independent element encodings --------------------------------------------------


def fp8_value(code: int, ebits: int, bias: int, style: str) -> float:
    """Decode one 8-bit float: style "fnuz" (gfx942), "fn" (OCP E4M3), "ieee" (OCP E5M2)."""
    mbits = 7 - ebits
    sign = -1.0 if code & 0x80 else 1.0
    e, f = (code >> mbits) & ((1 << ebits) - 1), code & ((1 << mbits) - 1)
    if style == "fnuz" and code == 0x80:
        return math.nan
    if style == "fn" and e == (1 << ebits) - 1 and f == (1 << mbits) - 1:
        return math.nan
    if style == "ieee" and e == (1 << ebits) - 1:
        return sign * math.inf if f == 0 else math.nan
    if e == 0:
        return sign * f / (1 << mbits) * 2.0 ** (1 - bias)
    return sign * (1 + f / (1 << mbits)) * 2.0 ** (e - bias)


FP8_GFX942 = {"fp8": (4, 8, "fnuz"), "bf8": (5, 16, "fnuz")}
FP8_OCP = {"fp8": (4, 7, "fn"), "bf8": (5, 15, "ieee")}


def random_elements(rng: np.random.Generator, t: str, shape: tuple[int, ...],
                    fp8: dict[str, tuple[int, int, str]] = FP8_GFX942) -> tuple[np.ndarray, np.ndarray]:
    """(raw bit patterns as uint64, values as float64) of random finite elements."""
    if t == "f16":
        v = rng.standard_normal(shape).astype(np.float16)
        return v.view(np.uint16).astype(np.uint64), v.astype(np.float64)
    if t == "bf16":
        hi = (rng.standard_normal(shape).astype(np.float32).view(np.uint32) >> 16).astype(np.uint64)
        return hi, (hi.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    if t in ("f32", "xf32"):
        v = rng.standard_normal(shape).astype(np.float32)
        if t == "xf32":  # exactly representable in xf32: the rounding choice cannot matter
            v = (v.view(np.uint32) & np.uint32(0xFFFFE000)).view(np.float32)
        return v.view(np.uint32).astype(np.uint64), v.astype(np.float64)
    if t == "f64":
        v = rng.standard_normal(shape)
        return v.view(np.uint64), v
    if t == "i8":
        v = rng.integers(-128, 128, shape)
        return (v & 0xFF).astype(np.uint64), v.astype(np.float64)
    codes = rng.integers(0, 256, shape)
    vals = np.vectorize(lambda c: fp8_value(int(c), *fp8[t]))(codes)
    codes = np.where(np.isfinite(vals), codes, 0x01)  # avoid NaN/inf codes
    vals = np.vectorize(lambda c: fp8_value(int(c), *fp8[t]))(codes)
    return codes.astype(np.uint64), vals


def place_input(case: Case, raw: np.ndarray, t: str, ndwords: int, b_matrix: bool) -> np.ndarray:
    """raw[b, i, k] (A) or raw[b, k, j] (B) -> (64, ndwords) uint32 register words."""
    bits = BITS[t]
    words = np.zeros((64, ndwords), dtype=np.uint64)
    outer = case.n if b_matrix else case.m
    for b in range(case.blocks):
        for r in range(outer):
            for k in range(case.k):
                reg, lane, pos = case.in_loc(b, r, k)
                v = int(raw[b, k, r] if b_matrix else raw[b, r, k])
                if bits == 64:
                    words[lane, 2 * reg] = v & 0xFFFFFFFF
                    words[lane, 2 * reg + 1] = v >> 32
                else:
                    words[lane, reg] |= v << (bits * pos)
    return words.astype(np.uint32)


def place_acc(case: Case, raw: np.ndarray, ndwords: int) -> np.ndarray:
    words = np.zeros((64, ndwords), dtype=np.uint64)
    for b in range(case.blocks):
        for i in range(case.m):
            for j in range(case.n):
                reg, lane = case.d_loc(b, i, j)
                v = int(raw[b, i, j])
                if case.out == "f64":
                    words[lane, 2 * reg], words[lane, 2 * reg + 1] = v & 0xFFFFFFFF, v >> 32
                else:
                    words[lane, reg] = v
    return words.astype(np.uint32)


def read_acc(case: Case, words: np.ndarray) -> np.ndarray:
    """(64, ndwords) uint32 -> D[b, i, j] as float64 (or int64 for i32)."""
    out = np.zeros((case.blocks, case.m, case.n), dtype=np.int64 if case.out == "i32" else np.float64)
    for b in range(case.blocks):
        for i in range(case.m):
            for j in range(case.n):
                reg, lane = case.d_loc(b, i, j)
                if case.out == "f64":
                    pair = np.array([words[lane, 2 * reg], words[lane, 2 * reg + 1]], dtype=np.uint32)
                    out[b, i, j] = pair.view(np.float64)[0]
                elif case.out == "i32":
                    out[b, i, j] = np.uint32(words[lane, reg]).view(np.int32)
                else:
                    out[b, i, j] = np.uint32(words[lane, reg]).view(np.float32)
    return out


def rng_range(f: str, first: int, count: int) -> str:
    return f"{f}{first}" if count == 1 else f"{f}[{first}:{first + count - 1}]"


def in_dwords(case: Case, t: str, outer: int) -> int:
    return max(1, case.k * outer * case.blocks // 64 * BITS[t] // 32)


def out_dwords(case: Case) -> int:
    return case.blocks * case.m * case.n // 64 * (2 if case.out == "f64" else 1)


def run_case(case: Case, seed: int = 0, *, dst: str = "a", src2: str = "reg", mods: str = "",
             src_a_file: str = "v", fp8: dict[str, tuple[int, int, str]] = FP8_GFX942,
             a_raw_vals: tuple[np.ndarray, np.ndarray] | None = None,
             c_vals: np.ndarray | None = None, exec_mask: int = (1 << 64) - 1):
    """Run ``case`` on random data; returns (D read back, A, B, C as float64/int64)."""
    rng = np.random.default_rng(seed)
    bsz = case.blocks
    a_raw, a_val = a_raw_vals or random_elements(rng, case.a_type, (bsz, case.m, case.k), fp8)
    b_raw, b_val = random_elements(rng, case.btype, (bsz, case.k, case.n), fp8)
    nd = out_dwords(case)
    if case.out == "i32":
        c_val = rng.integers(-(2**20), 2**20, (bsz, case.m, case.n)) if c_vals is None else c_vals
        c_raw = c_val.astype(np.int64) & 0xFFFFFFFF
    elif case.out == "f64":
        c_val = rng.standard_normal((bsz, case.m, case.n)) if c_vals is None else c_vals
        c_raw = c_val.view(np.uint64)
    else:
        c32 = rng.standard_normal((bsz, case.m, case.n)).astype(np.float32) if c_vals is None else c_vals
        c_raw, c_val = c32.view(np.uint32), c32.astype(np.float64)
    if src2 != "reg":
        c_val = np.zeros_like(c_val)
    da, db = in_dwords(case, case.a_type, case.m), in_dwords(case, case.btype, case.n)
    wa = place_input(case, a_raw, case.a_type, da, False)
    wb = place_input(case, b_raw, case.btype, db, True)
    wc = place_acc(case, c_raw, nd)
    regs: dict[str, np.ndarray] = {}
    for r in range(da):
        regs[f"{src_a_file}{40 + r}"] = wa[:, r]
    for r in range(db):
        regs[f"v{48 + r}"] = wb[:, r]
    for r in range(nd):
        regs[f"{dst}{r}"] = wc[:, r]
    c_text = rng_range(dst, 0, nd) if src2 == "reg" else src2
    asm = (f"{case.mnemonic} {rng_range(dst, 0, nd)}, {rng_range(src_a_file, 40, da)}, "
           f"{rng_range('v', 48, db)}, {c_text} {mods}\ns_nop 15\ns_nop 3")
    snap = run_snippet(asm, regs=regs, arch=case.arch, exec_mask=exec_mask)
    get = snap.a if dst == "a" else snap.v
    words = np.stack([get(r) for r in range(nd)], axis=1)
    return read_acc(case, words), a_val, b_val, c_val


def check(case: Case, d: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> None:
    if case.out == "i32":
        ref = (np.matmul(a.astype(np.int64), b.astype(np.int64)) + c.astype(np.int64))
        ref = ((ref + 2**31) % 2**32) - 2**31
        np.testing.assert_array_equal(d, ref)
        return
    ref = np.matmul(a, b) + c
    scale = np.matmul(np.abs(a), np.abs(b)) + np.abs(c)
    tol = 1e-13 if case.out == "f64" else 2e-7
    assert np.all(np.abs(d - ref) <= tol * scale + 1e-30), np.max(np.abs(d - ref) / (scale + 1e-30))


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.arch}-{c.mnemonic}")
def test_mfma_random(case: Case) -> None:
    d, a, b, c = run_case(case)
    check(case, d, a, b, c)


def _case(mnemonic: str, arch: str = "gfx942") -> Case:
    return next(c for c in CASES if c.mnemonic == mnemonic and c.arch == arch)


def test_vgpr_destination() -> None:
    case = _case("v_mfma_f32_32x32x8_f16")
    d, a, b, c = run_case(case, seed=1, dst="v")
    check(case, d, a, b, c)


def test_vgpr_destination_f64() -> None:
    case = _case("v_mfma_f64_16x16x4_f64")
    d, a, b, c = run_case(case, seed=2, dst="v")
    check(case, d, a, b, c)


def test_agpr_source() -> None:
    case = _case("v_mfma_f32_16x16x16_bf16")
    d, a, b, c = run_case(case, seed=3, src_a_file="a")
    check(case, d, a, b, c)


@pytest.mark.parametrize("name", ["v_mfma_f32_32x32x8_f16", "v_mfma_i32_16x16x32_i8",
                                  "v_mfma_f64_4x4x4_4b_f64", "v_mfma_f32_4x4x1_16b_f32"])
def test_src2_inline_zero(name: str) -> None:
    case = _case(name)
    d, a, b, c = run_case(case, seed=4, src2="0")
    assert not c.any()
    check(case, d, a, b, c)


def test_src2_inline_float_constant() -> None:
    case = _case("v_mfma_f32_16x16x4_f32")
    d, a, b, _ = run_case(case, seed=5, src2="1.0")
    check(case, d, a, b, np.ones((1, 16, 16)))


def test_int_accumulator_wraps() -> None:
    case = _case("v_mfma_i32_16x16x32_i8")
    raw = np.full((1, 16, 32), 0x7F, dtype=np.uint64)
    c = np.full((1, 16, 16), 2**31 - 1, dtype=np.int64)
    d, a, b, _ = run_case(case, seed=6, a_raw_vals=(raw, np.full((1, 16, 32), 127.0)), c_vals=c)
    check(case, d, a, b, c)
    assert (d != np.matmul(a.astype(np.int64), b.astype(np.int64)) + c).any()


def test_nan_and_inf_propagate() -> None:
    case = _case("v_mfma_f32_16x16x4_f32")
    raw, vals = random_elements(np.random.default_rng(7), "f32", (1, 16, 4))
    vals[0, 0, 0], vals[0, 1, 0] = np.nan, np.inf
    raw = vals.astype(np.float32).view(np.uint32).astype(np.uint64)
    d, a, b, c = run_case(case, seed=7, a_raw_vals=(raw, vals))
    assert np.isnan(d[0, 0]).all()
    assert np.array_equal(np.isinf(d[0, 1]), np.isfinite(b[0, 0]) & (b[0, 0] != 0))
    check(case, d[:, 2:], a[:, 2:], b, c[:, 2:])


def test_f32_result_overflows_to_inf() -> None:
    case = _case("v_mfma_f32_32x32x2_f32")
    big = np.full((1, 32, 2), 3e38, dtype=np.float32)
    d, a, b, c = run_case(case, seed=8, a_raw_vals=(big.view(np.uint32).astype(np.uint64),
                                                    big.astype(np.float64)))
    ref = np.matmul(a, b) + c
    assert np.array_equal(np.isinf(d), np.abs(ref) > np.finfo(np.float32).max * (1 + 2**-25))


@pytest.mark.parametrize("neg", [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 1)])
def test_f64_neg(neg: tuple[int, int, int]) -> None:
    case = _case("v_mfma_f64_16x16x4_f64")
    d, a, b, c = run_case(case, seed=9, mods=f"neg:[{neg[0]},{neg[1]},{neg[2]}]")
    sa, sb, sc = (-1.0 if x else 1.0 for x in neg)
    check(case, d, sa * a, sb * b, sc * c)


@pytest.mark.parametrize("cbsz,abid", [(1, 0), (1, 1), (2, 3), (4, 13)])
def test_cbsz_abid_broadcast(cbsz: int, abid: int) -> None:
    # Calculator README: block b reads A from block (b // 2**cbsz) * 2**cbsz + abid.
    case = _case("v_mfma_f32_4x4x4_16b_f16")
    d, a, b, c = run_case(case, seed=10, mods=f"cbsz:{cbsz} abid:{abid}")
    src = [(blk >> cbsz << cbsz) + abid for blk in range(16)]
    check(case, d, a[src], b, c)


def _blgp_source(blgp: int, lane: int) -> int:
    """Calculator README: the lane whose B data lane ``lane`` receives."""
    return {0: lane, 1: lane % 32, 2: 32 + lane % 32, 3: (lane + 16) % 64,
            4: lane % 16, 5: 16 + lane % 16, 6: 32 + lane % 16, 7: 48 + lane % 16}[blgp]


@pytest.mark.parametrize("blgp", range(1, 8))
def test_blgp_lane_patterns(blgp: int) -> None:
    # 16x16x1_4b f32: B[b][0][j] sits in lane 16*b + j.
    case = _case("v_mfma_f32_16x16x1_4b_f32")
    d, a, b, c = run_case(case, seed=11, mods=f"blgp:{blgp}")
    eff = np.zeros_like(b)
    for blk in range(4):
        for j in range(16):
            src = _blgp_source(blgp, 16 * blk + j)
            eff[blk, 0, j] = b[src // 16, 0, src % 16]
    check(case, d, a, eff, c)


def test_blgp_undocumented_raises() -> None:
    with pytest.raises(EmulationError, match="blgp"):
        run_case(_case("v_mfma_f32_32x32x8_f16"), mods="blgp:1")


@pytest.mark.parametrize("name,mods", [("v_mfma_f32_32x32x8_f16", "cbsz:1 abid:1"),
                                       ("v_mfma_f32_16x16x4_4b_f16", "cbsz:1 abid:2"),
                                       ("v_mfma_f32_16x16x4_4b_f16", "cbsz:3")])
def test_bad_cbsz_abid_raises(name: str, mods: str) -> None:
    # cbsz <= log2(blocks), abid < 2**cbsz (calculator README)
    with pytest.raises(EmulationError, match="cbsz"):
        run_case(_case(name), mods=mods)


def test_gfx950_ocp_fp8() -> None:
    case = Case("v_mfma_f32_16x16x32_fp8_bf8", 16, 16, 32, 1, "fp8", "f32", byte_kpl8(16), d16,
                b_type="bf8", arch="gfx950")
    d, a, b, c = run_case(case, seed=12, fp8=FP8_OCP)
    check(case, d, a, b, c)


def test_gfx950_double_rate_f16() -> None:
    # Assumed layout (not in the calculator): 8 consecutive k per lane, lane 16*(k//8) + i.
    case = Case("v_mfma_f32_16x16x32_f16", 16, 16, 32, 1, "f16", "f32",
                lambda b, i, k: ((k % 8) // 2, 16 * (k // 8) + i, k % 2), d16, arch="gfx950")
    d, a, b, c = run_case(case, seed=13)
    check(case, d, a, b, c)


def test_exec_is_ignored() -> None:
    # Documented choice (mfma.py): MFMA writes all lanes of an active wave.
    case = _case("v_mfma_f32_16x16x4_f32")
    d, a, b, c = run_case(case, seed=14, exec_mask=0xFFFF)
    check(case, d, a, b, c)


GFX942_OPCODES = {get_table("gfx942").get(m).llvm_opcode for m in get_table("gfx942").instructions}


@pytest.mark.parametrize("arch", ["gfx90a", "gfx942", "gfx950"])
def test_table_coverage_and_widths(arch: str) -> None:
    """Every MFMA/SMFMAC of the table has semantics and a shape whose register widths
    match the table's operand widths (gfx950: except its new f8f6f4, scale and SMFMAC
    shapes)."""
    table = get_table(arch)
    for mnemonic in table.instructions:
        idef = table.get(mnemonic)
        if "mfma" not in mnemonic or idef is None:
            continue
        if arch == "gfx950" and ("f8f6f4" in mnemonic or (
                "smfmac" in mnemonic and idef.llvm_opcode not in GFX942_OPCODES)):
            continue
        assert idef.base in SEMANTICS, mnemonic
        s = MFMA_SHAPES[idef.llvm_opcode]
        vdst, src0, src1, src2 = (o.dwords for o in idef.operands)  # assembly order
        bits = {"f64": 64, "f32": 32, "i32": 32}[s.out_type]
        assert vdst == s.blocks * s.m * s.n * bits // 2048, mnemonic
        assert src2 == (1 if s.sparse else vdst), mnemonic
        ka = s.k // 2 if s.sparse else s.k
        assert src0 == max(1, ka * s.m * s.blocks * BITS[s.a_type] // 2048), mnemonic
        assert src1 == max(1, s.k * s.n * s.blocks * BITS[s.b_type] // 2048), mnemonic


# --- SMFMAC (gfx942): 4:2 structured-sparse A --------------------------------------
# Calculator (cdna3) formulas, restated per 4-wide k chunk g and stored slot s (0, 1):
# 16-bit A: register g % 2, half s, lane R*(g//2) + i; index bits 4*(g % 2) + 2*s (+ 8*abid)
#  8-bit A: register (g//2) % 2, byte 2*(g % 2) + s, lane R*(g//4) + i;
#           index bits 4*(g % 4) + 2*s (+ 16*abid)
# 16-bit B: register (k % 8) // 2, half k % 2, lane R*(k//8) + j
#  8-bit B: register (k // 4) % 4, byte k % 4, lane R*(k//16) + j
SPARSE = [
    ("v_smfmac_f32_16x16x32_f16", 16, 32, "f16", "f32"),
    ("v_smfmac_f32_32x32x16_f16", 32, 16, "f16", "f32"),
    ("v_smfmac_f32_16x16x32_bf16", 16, 32, "bf16", "f32"),
    ("v_smfmac_f32_32x32x16_bf16", 32, 16, "bf16", "f32"),
    ("v_smfmac_i32_16x16x64_i8", 16, 64, "i8", "i32"),
    ("v_smfmac_i32_32x32x32_i8", 32, 32, "i8", "i32"),
    ("v_smfmac_f32_16x16x64_fp8_bf8", 16, 64, "fp8", "f32"),
    ("v_smfmac_f32_32x32x32_bf8_bf8", 32, 32, "bf8", "f32"),
]


def run_sparse(name: str, r: int, k: int, t: str, out: str, seed: int, mods: str = "",
               index_shift: int = 0) -> None:
    rng = np.random.default_rng(seed)
    bits = BITS[t]
    tb = "bf8" if name.endswith("bf8") else t
    a_raw, a_val = random_elements(rng, t, (r, k // 2))
    b_raw, b_val = random_elements(rng, tb, (k, r))
    wa = np.zeros((64, 2), dtype=np.uint64)
    widx = rng.integers(0, 2**32, 64).astype(np.uint64)  # garbage outside the used bits
    dense = np.zeros((r, k))
    for i in range(r):
        for g in range(k // 4):
            pos = rng.choice(4, 2, replace=False)
            for s in range(2):
                v = int(a_raw[i, 2 * g + s])
                if bits == 16:
                    reg, lane, sh, ish = g % 2, r * (g // 2) + i, 16 * s, 4 * (g % 2) + 2 * s
                else:
                    reg, lane, sh = (g // 2) % 2, r * (g // 4) + i, 8 * (2 * (g % 2) + s)
                    ish = 4 * (g % 4) + 2 * s
                wa[lane, reg] |= v << sh
                ish += index_shift
                widx[lane] = (widx[lane] & ~np.uint64(3 << ish)) | np.uint64(int(pos[s]) << ish)
                dense[i, 4 * g + pos[s]] = a_val[i, 2 * g + s]
    wb = np.zeros((64, 4), dtype=np.uint64)
    for kk in range(k):
        for j in range(r):
            if bits == 16:
                reg, lane, sh = (kk % 8) // 2, r * (kk // 8) + j, 16 * (kk % 2)
            else:
                reg, lane, sh = (kk // 4) % 4, r * (kk // 16) + j, 8 * (kk % 4)
            wb[lane, reg] |= int(b_raw[kk, j]) << sh
    case = Case(name, r, r, k, 1, t, out, dword_k(r, 1), d32 if r == 32 else d16)
    nd = out_dwords(case)
    if out == "i32":
        c_val = rng.integers(-(2**20), 2**20, (1, r, r))
        c_raw = c_val & 0xFFFFFFFF
    else:
        c32 = rng.standard_normal((1, r, r)).astype(np.float32)
        c_raw, c_val = c32.view(np.uint32), c32.astype(np.float64)
    wc = place_acc(case, c_raw, nd)
    regs = {f"v{40 + q}": wa[:, q].astype(np.uint32) for q in range(2)}
    regs.update({f"v{48 + q}": wb[:, q].astype(np.uint32) for q in range(4)})
    regs["v56"] = widx.astype(np.uint32)
    regs.update({f"a{q}": wc[:, q] for q in range(nd)})
    snap = run_snippet(f"{name} a[0:{nd - 1}], v[40:41], v[48:51], v56 {mods}\ns_nop 15\ns_nop 3",
                       regs=regs)
    d = read_acc(case, np.stack([snap.a(q) for q in range(nd)], axis=1))
    check(case, d, dense[None], b_val[None], c_val)


@pytest.mark.parametrize("spec", SPARSE, ids=lambda s: s[0])
def test_smfmac_random(spec: tuple[str, int, int, str, str]) -> None:
    run_sparse(*spec, seed=20)


@pytest.mark.parametrize("abid", [1, 3])
def test_smfmac_abid_selects_index_set(abid: int) -> None:
    run_sparse(*SPARSE[0], seed=21, mods=f"cbsz:0 abid:{abid}", index_shift=8 * abid)


def test_smfmac_cbsz_ignores_abid() -> None:
    run_sparse(*SPARSE[4], seed=22, mods="cbsz:1 abid:1")
    run_sparse(*SPARSE[4], seed=23, mods="abid:1", index_shift=16)
