"""Emulator semantics of the VALU integer, bitwise, compare, select, lane and move ops.

Each test runs a snippet on one wave (``run_snippet``) and compares with a reference
computed here independently, lane by lane in plain Python integers, from the
documented semantics (AMD CDNA3 ISA guide; LLVM AMDGPU backend). Inputs mix random
values with edge cases (0, 1, INT_MIN, INT_MAX, all ones, shift amounts >= width).
"""

from __future__ import annotations

import numpy as np
import pytest

import pyhip_mlir.emulator.semantics  # noqa: F401  (registers the semantics first)
from pyhip_mlir.emulator.testing import run_snippet

M32 = 0xFFFFFFFF
M64 = (1 << 64) - 1
EDGE = [0, 1, 2, 31, 32, 33, 63, 64, 0x7FFFFFFF, 0x80000000, 0x80000001, M32, M32 - 1,
        0xFFFF, 0x10000, 0x7FFF, 0x8000, 0xFF, 0x80, 0x00FFFFFF, 0x00800000, 0xFF800000]
SENTINEL = 0xDEADBEEF


def rand32(seed: int, edges: bool = True) -> np.ndarray:
    r = np.random.default_rng(seed).integers(0, 2**32, 64, dtype=np.uint64).astype(np.uint32)
    if edges:
        r[: len(EDGE)] = np.array(EDGE, dtype=np.uint32)[np.random.default_rng(seed).permutation(len(EDGE))]
    return r


def rand64(seed: int) -> np.ndarray:
    g = np.random.default_rng(seed)
    r = g.integers(0, 2**63, 64, dtype=np.uint64) * np.uint64(2) + g.integers(0, 2, 64, dtype=np.uint64)
    r[:6] = np.array([0, 1, 2**63, 2**63 - 1, M64, 2**32], dtype=np.uint64)
    return r


def sx(v: int, bits: int) -> int:
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def ref(fn, *arrays, mask: int = M32) -> np.ndarray:  # noqa: ANN001
    """Apply ``fn`` to Python ints lane by lane; wrap to ``mask``."""
    out = [fn(*(int(np.asarray(a).reshape(-1)[i if np.size(a) > 1 else 0]) for a in arrays)) & mask for i in range(64)]
    return np.array(out, dtype=np.uint64)


def check(got: np.ndarray, want: np.ndarray) -> None:
    np.testing.assert_array_equal(np.asarray(got, dtype=np.uint64), np.asarray(want, dtype=np.uint64))


def lanes_mask(bits: np.ndarray) -> int:
    return sum(1 << i for i in range(64) if bits[i])


def clamp(v: int, lo: int, hi: int) -> int:
    return max(lo, min(hi, v))


A, B, C = rand32(1), rand32(2), rand32(3)
SH = np.array([0, 1, 5, 31, 32, 33, 63, 64, 100, M32] * 7, dtype=np.uint32)[:64]


def popc(v: int) -> int:
    return bin(v).count("1")


def ffbh(v: int) -> int:
    return M32 if v == 0 else 32 - v.bit_length()


def perm(s0: int, s1: int, sel: int) -> int:
    data = (s0 << 32) | s1
    out = 0
    for k in range(4):
        c = (sel >> (8 * k)) & 0xFF
        if c < 8:
            byte = (data >> (8 * c)) & 0xFF
        elif c < 12:
            byte = 0xFF if (data >> (16 * (c - 8) + 15)) & 1 else 0
        else:
            byte = 0 if c == 12 else 0xFF
        out |= byte << (8 * k)
    return out


def bfe_i(s0: int, off: int, width: int) -> int:
    off, width = off & 31, width & 31
    return 0 if width == 0 else sx(sx(s0, 32) >> off, width)


def sad8(a: int, b: int, masked: bool = False) -> int:
    return sum(abs(((a >> 8 * k) & 255) - ((b >> 8 * k) & 255)) for k in range(4)
               if not (masked and ((b >> 8 * k) & 255) == 0))


BINARY = {
    "v_add_u32": lambda a, b: a + b,
    "v_sub_u32": lambda a, b: a - b,
    "v_subrev_u32": lambda a, b: b - a,
    "v_add_i32": lambda a, b: a + b,
    "v_sub_i32": lambda a, b: a - b,
    "v_mul_lo_u32": lambda a, b: a * b,
    "v_mul_hi_u32": lambda a, b: (a * b) >> 32,
    "v_mul_hi_i32": lambda a, b: (sx(a, 32) * sx(b, 32)) >> 32,
    "v_mul_u32_u24": lambda a, b: (a & 0xFFFFFF) * (b & 0xFFFFFF),
    "v_mul_hi_u32_u24": lambda a, b: ((a & 0xFFFFFF) * (b & 0xFFFFFF)) >> 32,
    "v_mul_i32_i24": lambda a, b: sx(a, 24) * sx(b, 24),
    "v_mul_hi_i32_i24": lambda a, b: (sx(a, 24) * sx(b, 24)) >> 32,
    "v_min_u32": min,
    "v_max_u32": max,
    "v_min_i32": lambda a, b: min(sx(a, 32), sx(b, 32)),
    "v_max_i32": lambda a, b: max(sx(a, 32), sx(b, 32)),
    "v_and_b32": lambda a, b: a & b,
    "v_or_b32": lambda a, b: a | b,
    "v_xor_b32": lambda a, b: a ^ b,
    "v_xnor_b32": lambda a, b: ~(a ^ b),
    "v_lshlrev_b32": lambda a, b: b << (a % 32),
    "v_lshrrev_b32": lambda a, b: b >> (a % 32),
    "v_ashrrev_i32": lambda a, b: sx(b, 32) >> (a % 32),
    "v_bfm_b32": lambda a, b: ((1 << (a % 32)) - 1) << (b % 32),
    "v_bcnt_u32_b32": lambda a, b: popc(a) + b,
}


@pytest.mark.parametrize("op", sorted(BINARY))
def test_binary_32(op: str) -> None:
    shift = op in ("v_lshlrev_b32", "v_lshrrev_b32", "v_ashrrev_i32", "v_bfm_b32")
    a = SH if shift else A
    b = rand32(7) if op == "v_bfm_b32" else B
    snap = run_snippet(f"{op} v2, v0, v1", regs={"v0": a, "v1": b})
    check(snap.v(2), ref(BINARY[op], a, b))


@pytest.mark.parametrize("op", ["v_add_u32", "v_and_b32", "v_max_i32", "v_lshlrev_b32"])
def test_binary_scalar_and_literal_operands(op: str) -> None:
    snap = run_snippet(f"{op} v2, s4, v1\n{op} v3, 0x12345678, v1\n{op}_e64 v4, v1, -7",
                       regs={"s4": 0x80000005, "v1": B})
    check(snap.v(2), ref(BINARY[op], 0x80000005, B))
    check(snap.v(3), ref(BINARY[op], 0x12345678, B))
    check(snap.v(4), ref(BINARY[op], B, (-7) & M32))


UNARY = {
    "v_not_b32": lambda a: ~a,
    "v_bfrev_b32": lambda a: int(f"{a:032b}"[::-1], 2),
    "v_ffbh_u32": ffbh,
    "v_ffbl_b32": lambda a: M32 if a == 0 else (a & -a).bit_length() - 1,
    "v_ffbh_i32": lambda a: M32 if a in (0, M32) else ffbh(a ^ M32 if a >> 31 else a),
}


@pytest.mark.parametrize("op", sorted(UNARY))
def test_unary_32(op: str) -> None:
    snap = run_snippet(f"{op} v2, v0\n{op}_e64 v3, v0", regs={"v0": A})
    check(snap.v(2), ref(UNARY[op], A))
    check(snap.v(3), ref(UNARY[op], A))


def test_ffbh_i32_examples() -> None:
    vals = np.array([0x40000000, 1, 0xFFFFFFFE, 0xBFFFFFFF, 0, M32] * 11, dtype=np.uint32)[:64]
    snap = run_snippet("v_ffbh_i32 v1, v0", regs={"v0": vals})
    assert list(snap.v(1)[:6]) == [1, 31, 31, 1, M32, M32]


TERNARY = {
    "v_add3_u32": lambda a, b, c: a + b + c,
    "v_lshl_add_u32": lambda a, b, c: (a << (b % 32)) + c,
    "v_add_lshl_u32": lambda a, b, c: ((a + b) & M32) << (c % 32),
    "v_lshl_or_b32": lambda a, b, c: (a << (b % 32)) | c,
    "v_and_or_b32": lambda a, b, c: (a & b) | c,
    "v_or3_b32": lambda a, b, c: a | b | c,
    "v_xad_u32": lambda a, b, c: (a ^ b) + c,
    "v_bfe_u32": lambda a, b, c: (a >> (b % 32)) & ((1 << (c % 32)) - 1),
    "v_bfe_i32": bfe_i,
    "v_bfi_b32": lambda a, b, c: (a & b) | (~a & c),
    "v_alignbit_b32": lambda a, b, c: ((a << 32) | b) >> (c % 32),
    "v_alignbyte_b32": lambda a, b, c: ((a << 32) | b) >> (8 * (c % 4)),
    "v_perm_b32": perm,
    "v_min3_u32": lambda a, b, c: min(a, b, c),
    "v_max3_u32": lambda a, b, c: max(a, b, c),
    "v_med3_u32": lambda a, b, c: sorted([a, b, c])[1],
    "v_min3_i32": lambda a, b, c: min(sx(a, 32), sx(b, 32), sx(c, 32)),
    "v_max3_i32": lambda a, b, c: max(sx(a, 32), sx(b, 32), sx(c, 32)),
    "v_med3_i32": lambda a, b, c: sorted([sx(a, 32), sx(b, 32), sx(c, 32)])[1],
    "v_mad_u32_u24": lambda a, b, c: (a & 0xFFFFFF) * (b & 0xFFFFFF) + c,
    "v_mad_i32_i24": lambda a, b, c: sx(a, 24) * sx(b, 24) + c,
    "v_lerp_u8": lambda a, b, c: sum(((((a >> 8 * k) & 255) + ((b >> 8 * k) & 255) + ((c >> 8 * k) & 1)) >> 1) << 8 * k
                                     for k in range(4)),
    "v_sad_u8": lambda a, b, c: sad8(a, b) + c,
    "v_sad_hi_u8": lambda a, b, c: (sad8(a, b) << 16) + c,
    "v_sad_u16": lambda a, b, c: abs((a & 0xFFFF) - (b & 0xFFFF)) + abs((a >> 16) - (b >> 16)) + c,
    "v_sad_u32": lambda a, b, c: abs(a - b) + c,
    "v_msad_u8": lambda a, b, c: sad8(a, b, masked=True) + c,
}


@pytest.mark.parametrize("op", sorted(TERNARY))
def test_ternary_32(op: str) -> None:
    b, c = B, C
    if op in ("v_bfe_u32", "v_bfe_i32", "v_alignbit_b32", "v_alignbyte_b32"):
        b, c = rand32(11) % 40, rand32(12) % 40
    if op in ("v_lshl_add_u32", "v_lshl_or_b32"):
        b = SH
    if op == "v_add_lshl_u32":
        c = SH
    if op == "v_msad_u8":  # make zero reference bytes common
        b = B & np.uint32(0xFF00FF00)
    snap = run_snippet(f"{op} v3, v0, v1, v2", regs={"v0": A, "v1": b, "v2": c})
    check(snap.v(3), ref(TERNARY[op], A, b, c))


def test_perm_b32_all_selectors() -> None:
    s0, s1 = 0x8899AABB & M32, 0x7F01F203
    sels = np.array([k * 0x01010101 + (k % 3) * 0x00010000 for k in range(256)], dtype=np.uint64)
    sel = (sels.reshape(4, 64)).astype(np.uint32)
    for chunk in sel:
        snap = run_snippet("v_perm_b32 v3, v0, v1, v2", regs={"v0": s0, "v1": s1, "v2": chunk})
        check(snap.v(3), ref(perm, s0, s1, chunk))
    snap = run_snippet(
        "v_perm_b32 v3, v0, v1, s4\nv_perm_b32 v4, v0, v1, s5\nv_perm_b32 v5, v0, v1, s6\nv_perm_b32 v6, v0, v1, s7",
        regs={"v0": s0, "v1": s1, "s4": 0x0C0C0C0C, "s5": 0x05040100, "s6": 0x0D0E0F10, "s7": 0x0B0A0908})
    assert snap.v(3)[0] == 0 and snap.v(4)[0] == 0xAABBF203 and snap.v(5)[0] == M32
    assert snap.v(6)[0] == 0xFFFF00FF  # sign copies of bytes 7 (0x88), 5 (0xAA), 3 (0x7F), 1 (0xF2)


def test_carry_ops_vcc_and_sdst() -> None:
    a, b = A, np.where(np.arange(64) % 3 == 0, ~A, B).astype(np.uint32)
    asm = """
    v_add_co_u32 v2, vcc, v0, v1
    v_sub_co_u32_e64 v3, s[4:5], v0, v1
    v_subrev_co_u32_e64 v4, s[6:7], v0, v1
    """
    snap = run_snippet(asm, regs={"v0": a, "v1": b})
    check(snap.v(2), ref(lambda x, y: x + y, a, b))
    assert snap.vcc == lanes_mask([int(a[i]) + int(b[i]) > M32 for i in range(64)])
    check(snap.v(3), ref(lambda x, y: x - y, a, b))
    assert snap.s64(4) == lanes_mask([int(b[i]) > int(a[i]) for i in range(64)])
    check(snap.v(4), ref(lambda x, y: y - x, a, b))
    assert snap.s64(6) == lanes_mask([int(a[i]) > int(b[i]) for i in range(64)])


@pytest.mark.parametrize("enc", ["e32", "e64"])
def test_carry_in_ops(enc: str) -> None:
    cin = 0x5A5A5A5A_F0F00FF1
    carry = [(cin >> i) & 1 for i in range(64)]
    b = np.where(np.arange(64) % 4 == 0, ~A, B).astype(np.uint32)  # a + b = M32: carry chains
    ops = {
        "v_addc_co_u32": (lambda x, y, c: x + y + c, lambda x, y, c: x + y + c > M32),
        "v_subb_co_u32": (lambda x, y, c: x - y - c, lambda x, y, c: y + c > x),
        "v_subbrev_co_u32": (lambda x, y, c: y - x - c, lambda x, y, c: x + c > y),
    }
    for op, (fn, cout) in ops.items():
        asm = f"{op} v2, vcc, v0, v1, vcc" if enc == "e32" else f"{op}_e64 v2, s[4:5], v0, v1, s[6:7]"
        snap = run_snippet(asm, regs={"v0": A, "v1": b, "vcc": cin, "s[6:7]": cin})
        want = [fn(int(A[i]), int(b[i]), carry[i]) & M32 for i in range(64)]
        check(snap.v(2), np.array(want, dtype=np.uint64))
        out = snap.vcc if enc == "e32" else snap.s64(4)
        assert out == lanes_mask([cout(int(A[i]), int(b[i]), carry[i]) for i in range(64)]), op


def test_carry_out_is_exec_masked_and_inactive_lanes_keep_values() -> None:
    ex = 0x00FF00FF_0F0F0F0F
    snap = run_snippet("v_add_co_u32 v2, vcc, v0, v1", regs={"v0": M32, "v1": 1, "v2": SENTINEL},
                       exec_mask=ex)
    assert snap.vcc == ex
    check(snap.v(2), [0 if (ex >> i) & 1 else SENTINEL for i in range(64)])


def test_integer_clamp() -> None:
    asm = """
    v_add_u32_e64 v2, v0, v1 clamp
    v_sub_u32_e64 v3, v0, v1 clamp
    v_add_i32 v4, v0, v1 clamp
    v_sub_i32 v5, v0, v1 clamp
    v_add_co_u32_e64 v6, s[4:5], v0, v1 clamp
    v_mad_u32_u24 v7, v0, v1, v0 clamp
    v_mad_i32_i24 v8, v0, v1, v0 clamp
    v_add_i32 v9, v0, v1
    """
    snap = run_snippet(asm, regs={"v0": A, "v1": B})
    check(snap.v(2), ref(lambda a, b: min(a + b, M32), A, B))
    check(snap.v(3), ref(lambda a, b: max(a - b, 0), A, B))
    check(snap.v(4), ref(lambda a, b: clamp(sx(a, 32) + sx(b, 32), -2**31, 2**31 - 1), A, B))
    check(snap.v(5), ref(lambda a, b: clamp(sx(a, 32) - sx(b, 32), -2**31, 2**31 - 1), A, B))
    check(snap.v(6), ref(lambda a, b: min(a + b, M32), A, B))
    check(snap.v(7), ref(lambda a, b: min((a & 0xFFFFFF) * (b & 0xFFFFFF) + a, M32), A, B))
    check(snap.v(8), ref(lambda a, b: clamp(sx(a, 24) * sx(b, 24) + sx(a, 32), -2**31, 2**31 - 1), A, B))
    check(snap.v(9), ref(lambda a, b: a + b, A, B))


def test_64bit_shifts_and_lshl_add() -> None:
    x, y = rand64(5), rand64(6)
    sh = np.array([0, 1, 31, 32, 33, 63, 64, 65, 127, 200] * 7, dtype=np.uint32)[:64]
    asm = """
    v_lshlrev_b64 v[4:5], v0, v[2:3]
    v_lshrrev_b64 v[6:7], v0, v[2:3]
    v_ashrrev_i64 v[8:9], v0, v[2:3]
    v_lshl_add_u64 v[10:11], v[2:3], v1, v[12:13]
    v_lshl_add_u64 v[14:15], v[2:3], 3, s[4:5]
    """
    s1 = np.arange(64, dtype=np.uint32) % 5
    snap = run_snippet(asm, regs={"v0": sh, "v1": s1, "v[2:3]": x, "v[12:13]": y, "s[4:5]": 0xFFFFFFFF_00000001})

    def v64(i: int) -> np.ndarray:
        return snap.v(i).astype(np.uint64) | (snap.v(i + 1).astype(np.uint64) << np.uint64(32))

    check(v64(4), ref(lambda s, v: v << (s % 64), sh, x, mask=M64))
    check(v64(6), ref(lambda s, v: v >> (s % 64), sh, x, mask=M64))
    check(v64(8), ref(lambda s, v: sx(v, 64) >> (s % 64), sh, x, mask=M64))
    check(v64(10), ref(lambda v, s, z: (v << s) + z, x, s1, y, mask=M64))
    check(v64(14), ref(lambda v: (v << 3) + 0xFFFFFFFF_00000001, x, mask=M64))


def test_mad_u64_u32_and_i64_i32() -> None:
    acc = rand64(9)
    asm = """
    v_mad_u64_u32 v[4:5], s[6:7], v0, v1, v[2:3]
    v_mad_i64_i32 v[8:9], s[10:11], v0, v1, v[2:3]
    v_mad_u64_u32 v[12:13], vcc, v0, v1, v[2:3] clamp
    """
    snap = run_snippet(asm, regs={"v0": A, "v1": B, "v[2:3]": acc})

    def v64(i: int) -> np.ndarray:
        return snap.v(i).astype(np.uint64) | (snap.v(i + 1).astype(np.uint64) << np.uint64(32))

    exact_u = [int(A[i]) * int(B[i]) + int(acc[i]) for i in range(64)]
    check(v64(4), np.array([e & M64 for e in exact_u], dtype=np.uint64))
    assert snap.s64(6) == lanes_mask([e > M64 for e in exact_u])
    check(v64(12), np.array([min(e, M64) for e in exact_u], dtype=np.uint64))
    exact_s = [sx(int(A[i]), 32) * sx(int(B[i]), 32) + sx(int(acc[i]), 64) for i in range(64)]
    check(v64(8), np.array([e & M64 for e in exact_s], dtype=np.uint64))
    assert snap.s64(10) == lanes_mask([e < 0 for e in exact_s])  # bit 64 of the 65-bit result


def test_sad_quad_ops() -> None:
    src0, acc = rand64(21), rand64(22)
    ref_b = B & np.uint32(0xFF00FFFF)
    acc4 = np.stack([rand32(23 + k) for k in range(4)], axis=1)
    asm = """
    v_qsad_pk_u16_u8 v[4:5], v[0:1], v2, v[6:7]
    v_mqsad_pk_u16_u8 v[8:9], v[0:1], v2, v[6:7]
    v_mqsad_u32_u8 v[10:13], v[0:1], v2, v[14:17]
    """
    snap = run_snippet(asm, regs={"v[0:1]": src0, "v2": ref_b, "v[6:7]": acc, "v[14:17]": acc4})
    for i in range(64):
        s0, r, a = int(src0[i]), int(ref_b[i]), int(acc[i])
        q = m = 0
        for k in range(4):
            win, ak = (s0 >> 8 * k) & M32, (a >> 16 * k) & 0xFFFF
            q |= ((sad8(win, r) + ak) & 0xFFFF) << 16 * k
            m |= ((sad8(win, r, True) + ak) & 0xFFFF) << 16 * k
            assert snap.v(10 + k)[i] == (sad8(win, r, True) + int(acc4[i, k])) & M32
        assert int(snap.v(4)[i]) | int(snap.v(5)[i]) << 32 == q
        assert int(snap.v(8)[i]) | int(snap.v(9)[i]) << 32 == m


# --- 16-bit -----------------------------------------------------------------------------

OPS16 = {  # base: (operands, fn on unsigned halves, preserves the high half (op_sel opcode))
    "v_add_u16": (2, lambda a, b: a + b, False),
    "v_sub_u16": (2, lambda a, b: a - b, False),
    "v_subrev_u16": (2, lambda a, b: b - a, False),
    "v_mul_lo_u16": (2, lambda a, b: a * b, False),
    "v_min_u16": (2, min, False),
    "v_max_u16": (2, max, False),
    "v_min_i16": (2, lambda a, b: min(sx(a, 16), sx(b, 16)), False),
    "v_max_i16": (2, lambda a, b: max(sx(a, 16), sx(b, 16)), False),
    "v_lshlrev_b16": (2, lambda a, b: b << (a % 16), False),
    "v_lshrrev_b16": (2, lambda a, b: b >> (a % 16), False),
    "v_ashrrev_i16": (2, lambda a, b: sx(b, 16) >> (a % 16), False),
    "v_add_i16": (2, lambda a, b: a + b, True),
    "v_sub_i16": (2, lambda a, b: a - b, True),
    "v_min3_u16": (3, lambda a, b, c: min(a, b, c), True),
    "v_max3_i16": (3, lambda a, b, c: max(sx(a, 16), sx(b, 16), sx(c, 16)), True),
    "v_med3_i16": (3, lambda a, b, c: sorted([sx(a, 16), sx(b, 16), sx(c, 16)])[1], True),
    "v_med3_u16": (3, lambda a, b, c: sorted([a, b, c])[1], True),
    "v_min3_i16": (3, lambda a, b, c: min(sx(a, 16), sx(b, 16), sx(c, 16)), True),
    "v_max3_u16": (3, lambda a, b, c: max(a, b, c), True),
    "v_mad_u16": (3, lambda a, b, c: a * b + c, True),
    "v_mad_i16": (3, lambda a, b, c: a * b + c, True),
    "v_mad_legacy_u16": (3, lambda a, b, c: a * b + c, False),
    "v_mad_legacy_i16": (3, lambda a, b, c: a * b + c, False),
}


@pytest.mark.parametrize("op", sorted(OPS16))
def test_16bit_low_half(op: str) -> None:
    n, fn, preserve = OPS16[op]
    a = SH if "sh" in op else A
    srcs = ", ".join(f"v{i}" for i in range(n))
    snap = run_snippet(f"{op} v4, {srcs}", regs={"v0": a, "v1": B, "v2": C, "v4": SENTINEL})
    high = SENTINEL & 0xFFFF0000 if preserve else 0
    check(snap.v(4), ref(lambda *x: (fn(*(v & 0xFFFF for v in x)) & 0xFFFF) | high, *(a, B, C)[:n]))


@pytest.mark.parametrize("op", sorted(o for o, (_, _, p) in OPS16.items() if p))
def test_16bit_op_sel_high_halves(op: str) -> None:
    n, fn, _ = OPS16[op]
    srcs = ", ".join(f"v{i}" for i in range(n))
    sel = ",".join(["1"] * n + ["1"])
    snap = run_snippet(f"{op} v4, {srcs} op_sel:[{sel}]", regs={"v0": A, "v1": B, "v2": C, "v4": SENTINEL})
    check(snap.v(4), ref(lambda *x: ((fn(*(v >> 16 for v in x)) & 0xFFFF) << 16) | (SENTINEL & 0xFFFF), *(A, B, C)[:n]))


def test_16bit_clamp_and_mad_u32_u16() -> None:
    asm = """
    v_add_u16_e64 v4, v0, v1 clamp
    v_sub_u16_e64 v5, v0, v1 clamp
    v_add_i16 v6, v0, v1 clamp
    v_mad_i16 v7, v0, v1, v2 clamp
    v_mad_u32_u16 v8, v0, v1, v2 op_sel:[1,0,0,0]
    v_mad_i32_i16 v9, v0, v1, v2 op_sel:[0,1,0,0]
    v_mad_u32_u16 v10, v0, v1, v2 clamp
    """
    snap = run_snippet(asm, regs={"v0": A, "v1": B, "v2": C, "v6": 0, "v7": 0})
    lo = 0xFFFF
    check(snap.v(4), ref(lambda a, b: min((a & lo) + (b & lo), lo), A, B))
    check(snap.v(5), ref(lambda a, b: max((a & lo) - (b & lo), 0), A, B))
    check(snap.v(6), ref(lambda a, b: clamp(sx(a, 16) + sx(b, 16), -32768, 32767) & lo, A, B))
    check(snap.v(7), ref(lambda a, b, c: clamp(sx(a, 16) * sx(b, 16) + sx(c, 16), -32768, 32767) & lo, A, B, C))
    check(snap.v(8), ref(lambda a, b, c: (a >> 16) * (b & lo) + c, A, B, C))
    check(snap.v(9), ref(lambda a, b, c: sx(a, 16) * sx(b >> 16, 16) + sx(c, 32), A, B, C))
    check(snap.v(10), ref(lambda a, b, c: min((a & lo) * (b & lo) + c, M32), A, B, C))


def test_16bit_sdwa_and_sat_pk() -> None:
    asm = """
    v_add_u16_sdwa v4, v0, v1 dst_sel:WORD_1 dst_unused:UNUSED_PRESERVE src0_sel:BYTE_1 src1_sel:WORD_1
    v_sat_pk_u8_i16 v5, v0
    v_add_u32_sdwa v6, sext(v0), v1 dst_sel:DWORD dst_unused:UNUSED_PAD src0_sel:BYTE_0 src1_sel:WORD_0
    """
    snap = run_snippet(asm, regs={"v0": A, "v1": B, "v4": SENTINEL})
    check(snap.v(4), ref(lambda a, b: ((((a >> 8) & 255) + (b >> 16)) & 0xFFFF) << 16 | (SENTINEL & 0xFFFF), A, B))
    check(snap.v(5), ref(lambda a: clamp(sx(a, 16), 0, 255) | clamp(sx(a >> 16, 16), 0, 255) << 8, A))
    check(snap.v(6), ref(lambda a, b: sx(a, 8) + (b & 0xFFFF), A, B))


PK = {  # base: (operands, fn on unsigned halves, clamp range)
    "v_pk_add_u16": (2, lambda a, b: a + b, (0, 0xFFFF)),
    "v_pk_sub_u16": (2, lambda a, b: a - b, (0, 0xFFFF)),
    "v_pk_add_i16": (2, lambda a, b: sx(a, 16) + sx(b, 16), (-32768, 32767)),
    "v_pk_sub_i16": (2, lambda a, b: sx(a, 16) - sx(b, 16), (-32768, 32767)),
    "v_pk_mul_lo_u16": (2, lambda a, b: a * b, None),
    "v_pk_min_u16": (2, min, None),
    "v_pk_max_u16": (2, max, None),
    "v_pk_min_i16": (2, lambda a, b: min(sx(a, 16), sx(b, 16)), None),
    "v_pk_max_i16": (2, lambda a, b: max(sx(a, 16), sx(b, 16)), None),
    "v_pk_lshlrev_b16": (2, lambda a, b: b << (a % 16), None),
    "v_pk_lshrrev_b16": (2, lambda a, b: b >> (a % 16), None),
    "v_pk_ashrrev_i16": (2, lambda a, b: sx(b, 16) >> (a % 16), None),
    "v_pk_mad_u16": (3, lambda a, b, c: a * b + c, (0, 0xFFFF)),
    "v_pk_mad_i16": (3, lambda a, b, c: sx(a, 16) * sx(b, 16) + sx(c, 16), (-32768, 32767)),
}


@pytest.mark.parametrize(
    ("op", "sel"),
    [
        (op, sel)
        for op in sorted(PK)
        for sel in ("", "op_sel:[1,0,1] op_sel_hi:[0,1,0]", "clamp")
        if sel != "clamp" or PK[op][2] is not None  # clamp only where it saturates
    ],
)
def test_packed_16(op: str, sel: str) -> None:
    n, fn, rng = PK[op]
    srcs = ", ".join(f"v{i}" for i in range(n))
    if sel.startswith("op_sel") and n == 2:
        sel = "op_sel:[1,0] op_sel_hi:[0,1]"
    snap = run_snippet(f"{op} v4, {srcs} {sel}", regs={"v0": A, "v1": B, "v2": C})
    os = [1, 0, 1] if "op_sel" in sel else [0, 0, 0]
    osh = [0, 1, 0] if "op_sel" in sel else [1, 1, 1]

    def one(*x: int) -> int:
        lo = fn(*((v >> 16 if os[i] else v) & 0xFFFF for i, v in enumerate(x)))
        hi = fn(*((v >> 16 if osh[i] else v) & 0xFFFF for i, v in enumerate(x)))
        if sel == "clamp":
            lo, hi = clamp(lo, *rng), clamp(hi, *rng)
        return (lo & 0xFFFF) | (hi & 0xFFFF) << 16

    check(snap.v(4), ref(one, *(A, B, C)[:n]))


DOT = {  # base: (element bits, signed)
    "v_dot2_i32_i16": (16, True), "v_dot2_u32_u16": (16, False), "v_dot4_i32_i8": (8, True),
    "v_dot4_u32_u8": (8, False), "v_dot8_i32_i4": (4, True), "v_dot8_u32_u4": (4, False),
}


def dot(a: int, b: int, c: int, width: int, signed: bool) -> int:
    conv = (lambda v: sx(v, width)) if signed else (lambda v: v & ((1 << width) - 1))
    total = sx(c, 32) if signed else c
    return total + sum(conv(a >> width * k) * conv(b >> width * k) for k in range(32 // width))


@pytest.mark.parametrize("op", sorted(DOT))
def test_dot(op: str) -> None:
    w, signed = DOT[op]
    big = np.where(np.arange(64) < 8, np.uint32(0x7FFFFFFF if signed else M32), C).astype(np.uint32)
    snap = run_snippet(f"{op} v4, v0, v1, v2\n{op} v5, v0, v1, v2 clamp", regs={"v0": A, "v1": B, "v2": big})
    check(snap.v(4), ref(lambda a, b, c: dot(a, b, c, w, signed), A, B, big))
    lo, hi = (-2**31, 2**31 - 1) if signed else (0, M32)
    check(snap.v(5), ref(lambda a, b, c: clamp(dot(a, b, c, w, signed), lo, hi), A, B, big))


@pytest.mark.parametrize("op,w", [("v_dot2c_i32_i16", 16), ("v_dot4c_i32_i8", 8), ("v_dot8c_i32_i4", 4)])
def test_dot_accumulate(op: str, w: int) -> None:
    snap = run_snippet(f"{op} v2, v0, v1\n{op}_e64 v3, v0, v1", regs={"v0": A, "v1": B, "v2": C, "v3": C})
    check(snap.v(2), ref(lambda a, b, c: dot(a, b, c, w, True), A, B, C))
    check(snap.v(3), ref(lambda a, b, c: dot(a, b, c, w, True), A, B, C))
