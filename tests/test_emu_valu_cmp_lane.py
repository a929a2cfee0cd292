"""Emulator semantics of the VALU integer compares, v_cndmask, lane ops and moves.

Each test runs a snippet on one wave (``run_snippet``) and compares with a reference
computed here independently, lane by lane in plain Python integers, from the
documented semantics (AMD CDNA3 ISA guide; LLVM AMDGPU backend). The arithmetic ops
are in ``test_emu_valu_int.py``.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import pyhip_mlir.emulator.semantics  # noqa: F401  (registers the semantics first)
from pyhip_mlir.dialects.isa.table import get_table
from pyhip_mlir.emulator.semantics import SEMANTICS
from pyhip_mlir.emulator.testing import run_snippet

M32 = 0xFFFFFFFF
M64 = (1 << 64) - 1
SENTINEL = 0xDEADBEEF


def rand32(seed: int) -> np.ndarray:
    r = np.random.default_rng(seed).integers(0, 2**32, 64, dtype=np.uint64).astype(np.uint32)
    r[:8] = [0, 1, 0x7FFFFFFF, 0x80000000, M32, 0xFFFF, 0x8000, 0x7FFF]
    return r


def rand64(seed: int) -> np.ndarray:
    g = np.random.default_rng(seed)
    r = g.integers(0, 2**63, 64, dtype=np.uint64) * np.uint64(2) + g.integers(0, 2, 64, dtype=np.uint64)
    r[:6] = np.array([0, 1, 2**63, 2**63 - 1, M64, 2**32], dtype=np.uint64)
    return r


def sx(v: int, bits: int) -> int:
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def check(got: np.ndarray, want: object) -> None:
    np.testing.assert_array_equal(np.asarray(got, dtype=np.uint64), np.asarray(want, dtype=np.uint64))


def lanes_mask(bits: object) -> int:
    return sum(1 << i for i in range(64) if bits[i])  # type: ignore[index]


def popc(v: int) -> int:
    return bin(v).count("1")


A, B = rand32(1), rand32(2)


# --- compares and select -------------------------------------------------------------------

CONDS = {"f": lambda a, b: False, "lt": lambda a, b: a < b, "eq": lambda a, b: a == b,
         "le": lambda a, b: a <= b, "gt": lambda a, b: a > b, "ne": lambda a, b: a != b,
         "ge": lambda a, b: a >= b, "t": lambda a, b: True}
CMP_BASES = sorted(b for b in {get_table("gfx942").instructions[m].base for m in get_table("gfx942").instructions}
                   if re.fullmatch(r"v_cmpx?_[a-z]+_[iu](16|32|64)", b))


def test_compare_list_is_complete() -> None:
    assert len(CMP_BASES) == 2 * 8 * 6  # cmp/cmpx x 8 conditions x 6 types
    for arch in ("gfx90a", "gfx942", "gfx950"):
        t = get_table(arch).instructions
        for m in t:
            if re.fullmatch(r"v_cmpx?_[a-z]+_[iu](16|32|64)", t[m].base):
                assert t[m].base in SEMANTICS, t[m].base


@pytest.mark.parametrize("base", CMP_BASES)
def test_integer_compare(base: str) -> None:
    m = re.fullmatch(r"v_(cmpx?)_([a-z]+)_([iu])(\d+)", base)
    kind, cond, sign, width = m.group(1), m.group(2), m.group(3), int(m.group(4))
    ex = 0xF0F0FFFF_FFFF0F3F
    if width == 64:
        a, b = rand64(31), rand64(32)
        regs = {"v[0:1]": a, "v[2:3]": np.where(np.arange(64) % 3 == 0, a, b)}
        b = regs["v[2:3]"]
        srcs = "v[0:1], v[2:3]"
    else:
        a, b = A, np.where(np.arange(64) % 3 == 0, A ^ np.uint32(0xFFFF0000), B).astype(np.uint32)
        regs = {"v0": a, "v1": b}
        srcs = "v0, v1"

    def value(v: int) -> int:
        v &= (1 << width) - 1
        return sx(v, width) if sign == "i" else v

    want = lanes_mask([(ex >> i) & 1 and CONDS[cond](value(int(a[i])), value(int(b[i]))) for i in range(64)])
    snap = run_snippet(f"{base} vcc, {srcs}\n{base}_e64 s[4:5], {srcs}" if kind == "cmp" else f"{base}_e64 s[4:5], {srcs}",
                       regs={**regs, "s[4:5]": 0x1234}, exec_mask=ex)
    assert snap.s64(4) == want
    if kind == "cmp":
        assert snap.vcc == want and snap.exec == ex
    else:
        assert snap.exec == want
        snap = run_snippet(f"{base} vcc, {srcs}", regs={**regs, "vcc": M64}, exec_mask=ex)
        assert snap.vcc == want and snap.exec == want  # GFX9 cmpx writes vcc and exec


def test_compare_sdwa_and_scalar_operands() -> None:
    snap = run_snippet("v_cmp_eq_u32_sdwa s[4:5], v0, v1 src0_sel:WORD_1 src1_sel:WORD_1\n"
                       "v_cmp_gt_i32_e64 s[6:7], s8, v0\nv_cmp_lt_u64_e64 s[10:11], v[2:3], -1",
                       regs={"v0": A, "v1": np.where(np.arange(64) % 2 == 0, A, B).astype(np.uint32),
                             "s8": 5, "v[2:3]": rand64(3)})
    b = np.where(np.arange(64) % 2 == 0, A, B)
    assert snap.s64(4) == lanes_mask([(int(A[i]) >> 16) == (int(b[i]) >> 16) for i in range(64)])
    assert snap.s64(6) == lanes_mask([5 > sx(int(A[i]), 32) for i in range(64)])
    assert snap.s64(10) == lanes_mask([int(x) < M64 for x in rand64(3)])


def test_cndmask() -> None:
    mask = 0x0123456789ABCDEF
    asm = """
    v_cndmask_b32 v2, v0, v1, vcc
    v_cndmask_b32_e64 v3, v0, v1, s[4:5]
    v_cndmask_b32_e64 v4, 0, 1, s[4:5]
    v_cndmask_b32_e64 v5, -v0, |v1|, s[4:5]
    """
    snap = run_snippet(asm, regs={"v0": A, "v1": B, "vcc": mask, "s[4:5]": ~mask & M64})
    sel = [(mask >> i) & 1 for i in range(64)]
    check(snap.v(2), [int(B[i]) if sel[i] else int(A[i]) for i in range(64)])
    check(snap.v(3), [int(A[i]) if sel[i] else int(B[i]) for i in range(64)])
    check(snap.v(4), [0 if sel[i] else 1 for i in range(64)])
    check(snap.v(5), [int(A[i]) ^ 0x80000000 if sel[i] else int(B[i]) & 0x7FFFFFFF for i in range(64)])


# --- lanes and moves -------------------------------------------------------------------------


def test_readlane_readfirstlane_writelane() -> None:
    asm = """
    v_readlane_b32 s2, v0, s10
    v_readlane_b32 s3, v0, 5
    v_readlane_b32 s4, v0, m0
    v_readfirstlane_b32 s5, v0
    s_mov_b32 m0, s12
    v_writelane_b32 v1, s11, m0
    v_writelane_b32 v1, s11, 1
    """
    ex = 0xFFFF0000_00000000 | (1 << 13) | (1 << 40)
    snap = run_snippet(asm, regs={"v0": A, "v1": B, "s10": 64 + 37, "m0": 63, "s11": 0xCAFEF00D, "s12": 6},
                       exec_mask=ex)
    assert (snap.s(2), snap.s(3), snap.s(4), snap.s(5)) == (A[37], A[5], A[63], A[13])
    want = B.copy()
    want[[1, 6]] = 0xCAFEF00D  # lanes 1 and 6 are inactive: written anyway
    check(snap.v(1), want)
    snap = run_snippet("v_readfirstlane_b32 s5, v0", regs={"v0": A}, exec_mask=0)
    assert snap.s(5) == A[0]


def test_mbcnt() -> None:
    mask = 0xA5A5A5A5_3C3C3C3C
    asm = """
    v_mbcnt_lo_u32_b32 v2, -1, 0
    v_mbcnt_hi_u32_b32 v2, -1, v2
    v_mbcnt_lo_u32_b32 v3, s4, 7
    v_mbcnt_hi_u32_b32 v4, s5, v0
    """
    snap = run_snippet(asm, regs={"s[4:5]": mask, "v0": A})
    check(snap.v(2), np.arange(64))
    check(snap.v(3), [popc(mask & M32 & ((1 << i) - 1)) + 7 for i in range(64)])
    check(snap.v(4), [(popc((mask >> 32) & (((1 << i) - 1) >> 32)) + int(A[i])) & M32 for i in range(64)])


def test_moves_swap_accvgpr() -> None:
    x = rand64(41)
    ex = 0x00000000_FFFFFFF0
    asm = """
    v_mov_b32 v2, v0
    v_mov_b32 v3, 1.0
    v_mov_b32 v4, -3
    v_mov_b64 v[6:7], v[8:9]
    v_mov_b64 v[10:11], s[4:5]
    v_swap_b32 v0, v1
    v_accvgpr_write_b32 a0, v8
    v_accvgpr_mov_b32 a1, a0
    v_accvgpr_read_b32 v12, a1
    v_nop
    """
    init = {f"v{i}": SENTINEL for i in (2, 3, 4, 6, 7, 10, 11, 12)}
    snap = run_snippet(asm, regs={**init, "v0": A, "v1": B, "v[8:9]": x, "s[4:5]": 0x11223344_55667788, "a1": 0},
                       exec_mask=ex)
    act = [(ex >> i) & 1 for i in range(64)]

    def masked(vals: list[int]) -> list[int]:
        return [v if act[i] else SENTINEL for i, v in enumerate(vals)]

    check(snap.v(2), masked(list(map(int, A))))
    check(snap.v(3), masked([0x3F800000] * 64))
    check(snap.v(4), masked([M32 - 2] * 64))
    check(snap.v(6), masked([int(v) & M32 for v in x]))
    check(snap.v(7), masked([int(v) >> 32 for v in x]))
    check(snap.v(10), masked([0x55667788] * 64))
    check(snap.v(11), masked([0x11223344] * 64))
    check(snap.v(0), [int(B[i]) if act[i] else int(A[i]) for i in range(64)])
    check(snap.v(1), [int(A[i]) if act[i] else int(B[i]) for i in range(64)])
    check(snap.v(12), masked([int(v) & M32 for v in x]))


def test_mov_dpp_and_sdwa() -> None:
    snap = run_snippet("v_mov_b32_dpp v2, v0 quad_perm:[1,0,3,2] row_mask:0xf bank_mask:0xf\n"
                       "v_mov_b32_sdwa v3, sext(v0) dst_sel:DWORD dst_unused:UNUSED_PAD src0_sel:BYTE_1",
                       regs={"v0": A, "v2": 0})
    check(snap.v(2), [int(A[i ^ 1]) for i in range(64)])
    check(snap.v(3), [sx(int(a) >> 8, 8) & M32 for a in A])


def test_permlane_swaps_gfx950() -> None:
    snap = run_snippet("v_permlane16_swap_b32 v0, v1\nv_permlane32_swap_b32 v2, v3",
                       regs={"v0": A, "v1": B, "v2": A, "v3": B}, arch="gfx950")
    lane = np.arange(64)
    check(snap.v(0), np.where(lane & 16, B[lane ^ 16], A))
    check(snap.v(1), np.where(lane & 16, B, A[lane ^ 16]))
    check(snap.v(2), np.where(lane & 32, B[lane ^ 32], A))
    check(snap.v(3), np.where(lane & 32, B, A[lane ^ 32]))


# --- coverage -----------------------------------------------------------------------------

ELSEWHERE = {  # integer-looking gfx942 bases other modules own, or left out on purpose
    "v_pk_mov_b32",  # valu_float (packed-f32 family)
    "v_cvt_pk_i16_i32", "v_cvt_pk_u16_u32",  # valu_cvt
    "v_screen_partition_4se_b32",  # graphics-only lookup table, not covered
}


def test_gfx942_integer_bases_are_covered() -> None:
    t = get_table("gfx942").instructions
    bases = {t[m].base for m in t if t[m].family.startswith("VOP")}
    skip = re.compile(r"_(f16|f32|f64|bf16|bf8|fp8|xf32)\b|_f(16|32|64)_|mfma|smfmac|_pk_f|cvt_")
    integer = {b for b in bases if not skip.search(b)} - ELSEWHERE
    missing = sorted(b for b in integer if b not in SEMANTICS)
    assert not missing, missing
