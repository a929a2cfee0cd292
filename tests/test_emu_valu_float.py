"""Emulator semantics: VALU float arithmetic, fma, min/max, division, packed, compares.

Expected values come from numpy's IEEE float32/float64 arithmetic, from exact
rational arithmetic (``fractions``) rounded by the helpers below, or from the ISA
guide's tables; never from the semantic functions under test. Conversions and
transcendentals are in test_emu_valu_float_cvt.py.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest

from pyhip_mlir.dialects.isa.table import get_table
from pyhip_mlir.emulator.semantics import SEMANTICS
from pyhip_mlir.emulator.testing import run_snippet

F16, F32, F64, U32 = np.float16, np.float32, np.float64, np.uint32
RNG = np.random.default_rng(1234)
ALL = (1 << 64) - 1
SPECIAL32 = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.5, 1e-45, -3e-39, 3.4e38, 2.0, -7.25], F32)


def u(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, F32).view(U32)


def lanes(values: np.ndarray, dtype: type = F32) -> np.ndarray:
    return np.resize(np.asarray(values, dtype), 64)


def rand32(lo: int = 1, hi: int = 254, n: int = 64) -> np.ndarray:
    """Random f32 bit patterns with biased exponent in [lo, hi)."""
    b = RNG.integers(0, 2**23, n) | (RNG.integers(lo, hi, n) << 23) | (RNG.integers(0, 2, n) << 31)
    return b.astype(U32).view(F32)


def rand16(n: int = 64) -> np.ndarray:
    b = RNG.integers(0, 0x7C00, n) | (RNG.integers(0, 2, n) << 15)
    return b.astype(np.uint16).view(F16)


def h_words(lo: np.ndarray, hi: np.ndarray | int = 0) -> np.ndarray:
    """Two f16 arrays (or bit patterns) packed into 32-bit lane words."""
    lo_b = np.asarray(lo).view(np.uint16) if np.asarray(lo).dtype == F16 else np.asarray(lo)
    hi_b = np.asarray(hi).view(np.uint16) if np.asarray(hi).dtype == F16 else np.asarray(hi)
    return (lo_b.astype(U32) & U32(0xFFFF)) | (hi_b.astype(U32) << U32(16))


def f64_of(s, i: int) -> np.ndarray:  # noqa: ANN001
    return (s.v(i).astype(np.uint64) | (s.v(i + 1).astype(np.uint64) << np.uint64(32))).view(F64)


def same(got: np.ndarray, ref: np.ndarray) -> bool:
    """Bit-identical, any NaN matching any NaN."""
    got, ref = np.asarray(got), np.asarray(ref)
    ut = {2: np.uint16, 4: U32, 8: np.uint64}[got.dtype.itemsize]
    eq = got.view(ut) == ref.astype(got.dtype).view(ut)
    return bool(np.all(eq | (np.isnan(got) & np.isnan(ref))))


def round_exact(x: Fraction, mant: int, emin: int, emax: int) -> float:
    """Round an exact rational to a binary format with ``mant`` fraction bits, RNE."""
    if x == 0:
        return 0.0
    a = abs(x)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e > a:
        e -= 1
    q = max(e, emin) - mant
    scaled = a / Fraction(2) ** q
    n, rem = divmod(scaled.numerator, scaled.denominator)
    if 2 * rem > scaled.denominator or (2 * rem == scaled.denominator and n % 2):
        n += 1
    val = n * 2.0**q if n * Fraction(2) ** q < Fraction(2) ** (emax + 1) else float("inf")
    return -val if x < 0 else val


def fma_ref(a: float, b: float, c: float, fmt: str) -> float:
    if np.isfinite(a) and np.isfinite(b) and np.isinf(c):
        return c  # the exact product is finite
    if not all(np.isfinite([a, b, c])):
        with np.errstate(all="ignore"):
            return float(F64(a) * F64(b) + F64(c))
    mant, emin, emax = {"f32": (23, -126, 127), "f16": (10, -14, 15), "f64": (52, -1022, 1023)}[fmt]
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    if exact == 0:
        return float(F64(a) * F64(b) + F64(c))
    return round_exact(exact, mant, emin, emax)


# --- coverage ---------------------------------------------------------------------


def _family() -> dict[str, list[str]]:
    t = get_table("gfx942").instructions
    fam: dict[str, list[str]] = {}
    for m in t:
        d = t[m]
        if not d.family.startswith("VOP") or d.base.startswith(("v_mfma", "v_smfmac")):
            continue
        if re.search(r"f16|f32|f64|fp8|bf8", d.base) or d.base.startswith("v_cvt_") or d.base == "v_pk_mov_b32":
            fam.setdefault(d.base, []).append(m)
    return fam


FAMILY = _family()


def test_family_is_registered_by_the_float_modules() -> None:
    assert len(FAMILY) > 240
    for base in FAMILY:
        assert base in SEMANTICS, base
        assert SEMANTICS[base].__module__.rsplit(".", 1)[1] in ("valu_float", "valu_cvt", "valu_fcmp"), base


def _operand_text(o, nxt: int) -> tuple[str, int]:  # noqa: ANN001
    if o.is_fixed_special:
        return o.special[0], nxt
    if "v" in o.files:
        r = f"v{nxt}" if o.dwords == 1 else f"v[{nxt}:{nxt + o.dwords - 1}]"
        return r, nxt + o.dwords + (nxt + o.dwords) % 2
    if "s" in o.files:
        return ("s[2:3]" if o.dwords == 2 else "s2"), nxt
    return "0x3c00", nxt


@pytest.mark.parametrize("mnemonic", sorted(m for ms in FAMILY.values() for m in ms))
def test_every_encoding_runs(mnemonic: str) -> None:
    """Each mnemonic of the family executes on random registers without error."""
    d = get_table("gfx942").instructions[mnemonic]
    nxt, ops = 2, []
    for o in d.operands:
        txt, nxt = _operand_text(o, nxt)
        ops.append(txt)
    asm = f"{mnemonic} " + ", ".join(ops)
    if d.encoding == "dpp":
        asm += " quad_perm:[1,0,3,2] row_mask:0xf bank_mask:0xf"
    if d.encoding == "sdwa" and "src0_sel" in d.modifiers:
        asm += " src0_sel:WORD_1"
    words = RNG.integers(0, 2**32, (64, nxt + 2)).astype(U32)
    with np.errstate(all="raise"):
        run_snippet(asm, regs={f"v[0:{nxt + 1}]": words, "vcc": 0x5555, "s[2:3]": 7})


# --- f32 / f64 / f16 two-operand arithmetic ---------------------------------------

_NP = {"add": np.add, "sub": np.subtract, "subrev": lambda a, b: b - a, "mul": np.multiply}
_NP64 = ("add", "mul")  # gfx942 has no v_sub_f64 / v_subrev_f64


@pytest.mark.parametrize("op", sorted(_NP))
def test_f32_binary(op: str) -> None:
    a = np.concatenate([np.repeat(SPECIAL32, 4)[:48], rand32(n=16)])
    b = np.concatenate([np.tile(SPECIAL32, 4)[:48], rand32(n=16)])
    s = run_snippet(f"v_{op}_f32 v2, v0, v1\nv_{op}_f32_e64 v3, -v0, |v1|", regs={"v0": a, "v1": b})
    with np.errstate(all="ignore"):
        assert same(s.vf(2), _NP[op](a, b))
        assert same(s.vf(3), _NP[op](-a, np.abs(b)))


@pytest.mark.parametrize("op", _NP64)
def test_f64_binary(op: str) -> None:
    a = RNG.standard_normal(64) * 10.0 ** RNG.integers(-300, 300, 64)
    b = RNG.standard_normal(64) * 10.0 ** RNG.integers(-300, 300, 64)
    a[:4], b[:4] = [np.inf, 0.0, -0.0, np.nan], [np.inf, -0.0, -0.0, 1.0]
    s = run_snippet(f"v_{op}_f64 v[4:5], v[0:1], v[2:3]", regs={"v[0:1]": a, "v[2:3]": b})
    with np.errstate(all="ignore"):
        assert same(f64_of(s, 4), _NP[op](a, b))


@pytest.mark.parametrize("op", sorted(_NP))
def test_f16_binary_rounds_once_and_zeroes_high(op: str) -> None:
    a, b = rand16(), rand16()
    s = run_snippet(f"v_{op}_f16 v2, v0, v1", regs={"v0": h_words(a, 0x1234), "v1": h_words(b), "v2": 0xFFFFFFFF})
    with np.errstate(all="ignore"):
        ref = _NP[op](a.astype(F64), b.astype(F64)).astype(F16)  # exact in f64, one rounding
    assert same(s.v(2).astype(np.uint16).view(F16), ref)
    assert np.all(s.v(2) >> 16 == 0)


def test_f16_sdwa_and_vop3_op_sel_destinations() -> None:
    a, b = rand16(), rand16()
    regs = {"v0": h_words(0x1111, a), "v1": h_words(b, 0x2222), "v2": 0xABCD0000, "v3": 0x0000BEEF}
    s = run_snippet(
        "v_add_f16_sdwa v2, v0, v1 dst_sel:WORD_0 dst_unused:UNUSED_PRESERVE src0_sel:WORD_1 src1_sel:WORD_0\n"
        "v_fma_f16 v3, v0, v1, v1 op_sel:[1,0,1,1]",
        regs=regs,
    )
    with np.errstate(all="ignore"):
        add = (a.astype(F64) + b.astype(F64)).astype(F16)
        fma = np.array([fma_ref(float(x), float(y), float(F16(np.uint16(0x2222).view(F16))), "f16")
                        for x, y in zip(a, b, strict=True)]).astype(F16)
    assert np.all(s.v(2) >> 16 == 0xABCD) and same((s.v(2) & 0xFFFF).astype(np.uint16).view(F16), add)
    assert np.all(s.v(3) & 0xFFFF == 0xBEEF)  # op_sel[3]: high half written, low preserved
    assert same((s.v(3) >> 16).astype(np.uint16).view(F16), fma)


def test_mul_legacy_and_omod_clamp() -> None:
    a = lanes([0.0, -0.0, np.inf, np.nan, 3.0, 0.25, -2.0, 1e30])
    b = lanes([np.inf, np.nan, 0.0, -0.0, 0.5, 3.0, 0.1, 1e30])
    s = run_snippet("v_mul_legacy_f32 v2, v0, v1\nv_mul_f32_e64 v3, v0, v1 mul:2 clamp", regs={"v0": a, "v1": b})
    with np.errstate(all="ignore"):
        ref = np.where((a == 0) | (b == 0), F32(0), a * b)
        assert same(s.vf(2), ref)
        m = (a * b) * F32(2)
        assert same(s.vf(3), np.where(np.isnan(m), F32(0), np.clip(m, 0, 1)))


def test_inactive_lanes_keep_their_values() -> None:
    a, b = rand32(), rand32()
    old = RNG.integers(0, 2**32, 64).astype(U32)
    mask = 0xF0F0_0000_FFFF_0001
    s = run_snippet("v_fma_f32 v2, v0, v1, v0", regs={"v0": a, "v1": b, "v2": old}, exec_mask=mask)
    act = np.array([(mask >> i) & 1 for i in range(64)], bool)
    assert np.array_equal(s.v(2)[~act], old[~act])
    assert not np.array_equal(s.v(2)[act], old[act])


# --- fused multiply-add -------------------------------------------------------------


def _fma_cases32() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = rand32(60, 190), rand32(60, 190)
    prod = a.astype(F64) * b.astype(F64)
    c = (-prod * (1 + RNG.integers(-3, 4, 64) * 2.0**-24)).astype(F32)  # heavy cancellation
    c[:8] = (-prod[:8]).astype(F32)
    c[8:16] = np.ldexp(np.ones(8), (np.frexp(prod[8:16])[1] - 26)).astype(F32)  # near ties
    a[16:20], b[16:20], c[16:20] = 1e-30, 1e-30, 1e-45  # denormal result
    return a, b, c


def test_fma_f32_rounds_once() -> None:
    a, b, c = _fma_cases32()
    s = run_snippet(
        "v_fma_f32 v3, v0, v1, v2\nv_fmac_f32 v2, v0, v1\nv_fmamk_f32 v4, v0, 0x3f800001, v1\n"
        "v_fmaak_f32 v5, v0, v1, 0xb3000000",
        regs={"v0": a, "v1": b, "v2": c},
    )
    ref = np.array([fma_ref(float(x), float(y), float(z), "f32") for x, y, z in zip(a, b, c, strict=True)], F32)
    assert same(s.vf(3), ref)
    assert same(s.vf(2), ref)  # tied accumulator
    k = float(np.uint32(0x3F800001).view(F32))
    assert same(s.vf(4), np.array([fma_ref(float(x), k, float(y), "f32") for x, y in zip(a, b, strict=True)], F32))
    k2 = float(np.uint32(0xB3000000).view(F32))
    assert same(s.vf(5), np.array([fma_ref(float(x), float(y), k2, "f32") for x, y in zip(a, b, strict=True)], F32))


def test_fma_f64_rounds_once() -> None:
    a = RNG.uniform(1, 2, 64) * 2.0 ** RNG.integers(-500, 500, 64)
    b = RNG.uniform(1, 2, 64) * 2.0 ** RNG.integers(-500, 500, 64)
    c = -(a * b) * (1 + RNG.integers(-3, 4, 64) * 2.0**-53)
    c[:4] = np.ldexp(1.0, np.frexp(a[:4] * b[:4])[1] - 55)
    a[60:], b[60:], c[60:] = [1e-200, 3e300, np.inf, 0.0], [1e-200, 3e300, 0.0, -5.0], [5e-324, -np.inf, 1.0, -0.0]
    s = run_snippet("v_fma_f64 v[6:7], v[0:1], v[2:3], v[4:5]\nv_fmac_f64 v[4:5], v[0:1], v[2:3]",
                    regs={"v[0:1]": a, "v[2:3]": b, "v[4:5]": c})
    ref = np.array([fma_ref(x, y, z, "f64") for x, y, z in zip(a, b, c, strict=True)])
    assert same(f64_of(s, 6), ref)
    assert same(f64_of(s, 4), ref)


def test_fma_f16_and_mad_f16() -> None:
    a, b, c = rand16(), rand16(), rand16()
    s = run_snippet(
        "v_fma_f16 v3, v0, v1, v2\nv_mad_f16 v4, v0, v1, v2\nv_mac_f16 v2, v0, v1",
        regs={"v0": h_words(a), "v1": h_words(b), "v2": h_words(c, 0x7777), "v3": 0x55550000, "v4": 0x66660000},
    )
    fma = np.array([fma_ref(float(x), float(y), float(z), "f16") for x, y, z in zip(a, b, c, strict=True)]).astype(F16)
    assert same((s.v(3) & 0xFFFF).astype(np.uint16).view(F16), fma)
    assert np.all(s.v(3) >> 16 == 0x5555)  # op_sel form: high half preserved

    def flush(x: np.ndarray) -> np.ndarray:
        return np.where(np.abs(x) < 2.0**-14, 0 * x, x)

    with np.errstate(all="ignore"):
        p = flush((flush(a).astype(F64) * flush(b).astype(F64)).astype(F16))
        mad = flush((p.astype(F64) + flush(c).astype(F64)).astype(F16))
    assert same((s.v(4) & 0xFFFF).astype(np.uint16).view(F16), mad)
    assert same(s.v(2).astype(np.uint16).view(F16), mad) and np.all(s.v(2) >> 16 == 0)  # v_mac: zeroed


def test_fmac_dpp_permutes_the_source_not_the_accumulator() -> None:
    a, b, acc = rand32(100, 150), rand32(100, 150), rand32(100, 150)
    s = run_snippet("v_fmac_f32_dpp v2, v0, v1 quad_perm:[1,0,3,2] row_mask:0xf bank_mask:0xf",
                    regs={"v0": a, "v1": b, "v2": acc})
    perm = np.arange(64) ^ 1
    ref = np.array([fma_ref(float(x), float(y), float(z), "f32") for x, y, z in zip(a[perm], b, acc, strict=True)], F32)
    assert same(s.vf(2), ref)


# --- min / max / med3 ---------------------------------------------------------------

SNAN32 = np.uint32(0x7F800123).view(F32)


def _minmax_ref(a: np.float32, b: np.float32, is_max: bool) -> np.float32:
    """The ISA pseudocode, on float32 scalars (never via Python floats, which would
    quiet a signalling NaN)."""
    ua, ub = u(a)[()], u(b)[()]
    snan = [np.isnan(x) and not (int(y) & 0x400000) for x, y in ((a, ua), (b, ub))]
    if snan[0]:
        return np.uint32(ua | 0x400000).view(F32)
    if snan[1]:
        return np.uint32(ub | 0x400000).view(F32)
    if np.isnan(a):
        return b
    if np.isnan(b):
        return a
    if a == 0 and b == 0:
        neg = np.signbit(a) and np.signbit(b) if is_max else np.signbit(a) or np.signbit(b)
        return F32(-0.0) if neg else F32(0.0)
    return max(a, b) if is_max else min(a, b)


def test_min_max_ieee_mode() -> None:
    vals = np.array([0.0, -0.0, np.nan, SNAN32, -np.inf, 1.0, -2.0, np.inf], F32)
    a, b = np.repeat(vals, 8), np.tile(vals, 8)
    s = run_snippet("v_min_f32 v2, v0, v1\nv_max_f32 v3, v0, v1\nv_min_f16 v4, v5, v6",
                    regs={"v0": a, "v1": b, "v5": h_words(a.astype(F16)), "v6": h_words(b.astype(F16))})
    for i in range(64):
        assert u(s.vf(2)[i]) == u(_minmax_ref(a[i], b[i], False)), (a[i], b[i])
        assert u(s.vf(3)[i]) == u(_minmax_ref(a[i], b[i], True)), (a[i], b[i])
    h = s.v(4).astype(np.uint16).view(F16)
    assert same(h, s.vf(2).astype(F16))  # the same selection in f16
    assert (s.v(4)[24:32] & 0x7E00 == 0x7E00).all()  # sNaN operand -> quieted NaN


def test_min3_max3_med3() -> None:
    a, b, c = rand32(120, 135), rand32(120, 135), rand32(120, 135)
    a[:3], b[:3], c[:3] = [np.nan, 1.0, 5.0], [2.0, np.nan, 1.0], [3.0, 0.5, np.nan]
    s = run_snippet("v_min3_f32 v3, v0, v1, v2\nv_max3_f32 v4, v0, v1, v2\nv_med3_f32 v5, v0, v1, v2",
                    regs={"v0": a, "v1": b, "v2": c})
    stack = np.stack([a, b, c])
    assert same(s.vf(3), np.fmin(np.fmin(a, b), c))
    assert same(s.vf(4), np.fmax(np.fmax(a, b), c))
    med = np.median(stack, axis=0).astype(F32)
    med[:3] = np.fmin(np.fmin(a, b), c)[:3]  # any NaN: min3
    assert same(s.vf(5), med)


def test_ldexp() -> None:
    a = rand32(1, 254)
    e = RNG.integers(-300, 300, 64).astype(np.int32)
    e[:4] = [2**31 - 1, -(2**31), 0, -149]
    h = rand16()
    s = run_snippet("v_ldexp_f32 v2, v0, v1\nv_ldexp_f16 v3, v4, v1\nv_ldexp_f64 v[6:7], v[8:9], v1",
                    regs={"v0": a, "v1": e, "v4": h_words(h), "v[8:9]": a.astype(F64)})
    with np.errstate(all="ignore"):
        ref32 = np.array([round_exact(Fraction(float(x)) * Fraction(2) ** int(np.clip(k, -400, 400)), 23, -126, 127)
                          for x, k in zip(a, e, strict=True)], F32)
        e16 = ((e & 0xFFFF) ^ 0x8000) - 0x8000
        ref16 = np.ldexp(h.astype(F64), np.clip(e16, -80, 80)).astype(F16)
    assert same(s.vf(2), ref32)
    assert same(s.v(3).astype(np.uint16).view(F16), ref16)
    with np.errstate(all="ignore"):
        assert same(f64_of(s, 6), np.ldexp(a.astype(F64), e))


# --- division: clang's sequences must give the correctly rounded quotient -----------

# clang-22 -O3 --offload-arch=gfx942 for `a / b`, with the s_nop the vcc hazard needs.
DIV_F32 = """v_div_scale_f32 v5, s[2:3], v4, v4, v2
v_rcp_f32_e32 v6, v5
v_div_scale_f32 v7, vcc, v2, v4, v2
v_fma_f32 v8, -v5, v6, 1.0
v_fmac_f32_e32 v6, v8, v6
v_mul_f32_e32 v8, v7, v6
v_fma_f32 v9, -v5, v8, v7
v_fmac_f32_e32 v8, v9, v6
v_fma_f32 v5, -v5, v8, v7
s_nop 4
v_div_fmas_f32 v5, v5, v6, v8
v_div_fixup_f32 v2, v5, v4, v2"""

DIV_F64 = """v_div_scale_f64 v[8:9], s[2:3], v[6:7], v[6:7], v[4:5]
v_rcp_f64_e32 v[10:11], v[8:9]
v_div_scale_f64 v[12:13], vcc, v[4:5], v[6:7], v[4:5]
v_fma_f64 v[14:15], -v[8:9], v[10:11], 1.0
v_fmac_f64_e32 v[10:11], v[10:11], v[14:15]
v_fma_f64 v[14:15], -v[8:9], v[10:11], 1.0
v_fmac_f64_e32 v[10:11], v[10:11], v[14:15]
v_mul_f64 v[14:15], v[12:13], v[10:11]
v_fma_f64 v[8:9], -v[8:9], v[14:15], v[12:13]
s_nop 4
v_div_fmas_f64 v[8:9], v[8:9], v[10:11], v[14:15]
v_div_fixup_f64 v[4:5], v[8:9], v[6:7], v[4:5]"""

DIV_F16 = """v_cvt_f32_f16_e32 v7, v21
v_cvt_f32_f16_e32 v6, v22
v_rcp_f32_e32 v6, v6
s_nop 0
v_mul_f32_e32 v7, v7, v6
v_fma_mix_f32 v8, -v22, v7, v21 op_sel_hi:[1,0,1]
v_fmac_f32_e32 v7, v8, v6
v_fma_mix_f32 v8, -v22, v7, v21 op_sel_hi:[1,0,1]
v_mul_f32_e32 v6, v8, v6
v_and_b32_e32 v6, 0xff800000, v6
v_add_f32_e32 v6, v6, v7
v_cvt_f16_f32_e32 v8, v6
v_div_fixup_f16 v8, v8, v22, v21"""

_RANGES = [(1, 254, 1, 254), (0, 30, 200, 255), (200, 255, 0, 30), (0, 3, 0, 3), (250, 255, 0, 2), (0, 255, 0, 255)]


@pytest.mark.parametrize(("nlo", "nhi", "dlo", "dhi"), _RANGES)
def test_f32_division_sequence_is_correctly_rounded(nlo: int, nhi: int, dlo: int, dhi: int) -> None:
    for _ in range(4):
        n, d = rand32(nlo, nhi), rand32(dlo, dhi)
        s = run_snippet(DIV_F32, regs={"v2": n, "v4": d})
        with np.errstate(all="ignore"):
            assert same(s.vf(2), n / d)


def test_f32_division_special_values() -> None:
    sp = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -3.0, 1e-45, -3.4e38, 1e-38, 7.0], F32)
    nn, dd = (x.ravel() for x in np.meshgrid(sp, sp))
    for k in range(0, nn.size, 64):
        n, d = lanes(nn[k : k + 64]), lanes(dd[k : k + 64])
        s = run_snippet(DIV_F32, regs={"v2": n, "v4": d})
        with np.errstate(all="ignore"):
            assert same(s.vf(2), n / d)


def rand64(lo: int, hi: int) -> np.ndarray:
    b = (RNG.integers(0, 2**52, 64, dtype=np.uint64) | (RNG.integers(lo, hi, 64).astype(np.uint64) << np.uint64(52))
         | (RNG.integers(0, 2, 64).astype(np.uint64) << np.uint64(63)))
    return b.view(F64)


@pytest.mark.parametrize(("nlo", "nhi", "dlo", "dhi"), [(1, 2046, 1, 2046), (0, 90, 1950, 2047), (1950, 2047, 0, 90),
                                                        (0, 3, 0, 3), (0, 2047, 0, 2047)])
def test_f64_division_sequence_is_correctly_rounded(nlo: int, nhi: int, dlo: int, dhi: int) -> None:
    for _ in range(3):
        n, d = rand64(nlo, nhi), rand64(dlo, dhi)
        s = run_snippet(DIV_F64, regs={"v[4:5]": n, "v[6:7]": d})
        with np.errstate(all="ignore"):
            assert same(f64_of(s, 4), n / d)


def test_f16_division_sequence_is_correctly_rounded() -> None:
    for _ in range(6):
        n, d = rand16(), rand16()
        n[:4], d[:4] = [0.0, np.inf, 1.0, 65504.0], [0.0, np.inf, 0.0, 2.0**-24]
        s = run_snippet(DIV_F16, regs={"v21": h_words(n), "v22": h_words(d)})
        with np.errstate(all="ignore"):
            assert same((s.v(8) & 0xFFFF).astype(np.uint16).view(F16), (n.astype(F64) / d.astype(F64)).astype(F16))


def test_div_scale_fmas_fixup_corner_cases() -> None:
    # div_scale: S0=S1=D tiny (denormal) -> scaled by 2**64, vcc 0; N/D near max -> vcc 1
    n = lanes([1.0, 3e38, 1.0, 0.0, 1e-40])
    d = lanes([1e-40, 1e-3, 1.0, 2.0, 1e30])
    s = run_snippet("v_div_scale_f32 v2, vcc, v1, v1, v0\nv_div_scale_f32 v3, s[4:5], v0, v1, v0",
                    regs={"v0": n, "v1": d})
    assert s.vf(2)[0] == F32(1e-40) * F32(2.0**64)
    assert np.isnan(s.vf(2)[3]) and np.isnan(s.vf(3)[3])  # zero numerator
    vcc = s.s64(4)
    assert (vcc >> 1) & 1 == 1 and (vcc >> 2) & 1 == 0  # 3e38/1e-3 needs post-scaling
    # div_fmas: vcc lanes scaled by 2**64 (quotient large) or 2**-64 (small)
    a, b, c = lanes([1.0, 1.0, 1.0, 1.0]), lanes([2.0, 2.0, 2.0, 2.0]), lanes([1e10, 1e-10, 1e10, 1e-10])
    s = run_snippet("v_div_fmas_f32 v3, v0, v1, v2", regs={"v0": a, "v1": b, "v2": c, "vcc": 0b0011})
    ref = (a.astype(F64) * b + c.astype(F64))
    ref[[0, 1]] *= [2.0**64, 2.0**-64]
    assert same(s.vf(3)[:4], ref[:4].astype(F32))
    # div_fixup: the IEEE special cases of N/D, the quotient sign from N and D
    q = lanes([5.0, 5.0, 5.0, 5.0, 5.0, 5.0, -5.0, np.nan])
    dd = lanes([0.0, np.inf, 0.0, 1.0, np.nan, 2.0, -2.0, 2.0])
    nn = lanes([0.0, np.inf, 3.0, np.inf, 1.0, 0.0, 10.0, 1e30])
    s = run_snippet("v_div_fixup_f32 v3, v0, v1, v2", regs={"v0": q, "v1": dd, "v2": nn})
    r = s.vf(3)
    assert u(r[0]) == 0xFFC00000 and u(r[1]) == 0xFFC00000  # 0/0, inf/inf
    assert r[2] == np.inf and r[3] == np.inf and np.isnan(r[4])
    assert u(r[5]) == 0 and r[6] == -5.0 and r[7] == np.inf  # NaN quotient: overflow -> inf


# --- packed f16 / f32, fma_mix, dot ---------------------------------------------------


def test_pk_f16_ops_with_op_sel_and_neg() -> None:
    a0, a1, b0, b1, c0, c1 = (rand16() for _ in range(6))
    regs = {"v0": h_words(a0, a1), "v1": h_words(b0, b1), "v2": h_words(c0, c1)}
    s = run_snippet(
        "v_pk_add_f16 v3, v0, v1\n"
        "v_pk_mul_f16 v4, v0, v1 op_sel:[1,0] op_sel_hi:[0,1] neg_lo:[0,1]\n"
        "v_pk_fma_f16 v5, v0, v1, v2 neg_hi:[1,0,0]\n"
        "v_pk_max_f16 v6, v0, v1\nv_pk_fmac_f16 v2, v0, v1",
        regs=regs,
    )

    def halves(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (w & 0xFFFF).astype(np.uint16).view(F16), (w >> 16).astype(np.uint16).view(F16)

    def f(x: np.ndarray) -> np.ndarray:
        return x.astype(F64)

    with np.errstate(all="ignore"):
        lo, hi = halves(s.v(3))
        assert same(lo, (f(a0) + f(b0)).astype(F16)) and same(hi, (f(a1) + f(b1)).astype(F16))
        lo, hi = halves(s.v(4))  # lo: a.hi * -b.lo ; hi: a.lo * b.hi
        assert same(lo, (f(a1) * -f(b0)).astype(F16)) and same(hi, (f(a0) * f(b1)).astype(F16))
        lo, hi = halves(s.v(5))
        fma = np.vectorize(lambda x, y, z: fma_ref(float(x), float(y), float(z), "f16"))
        assert same(lo, fma(a0, b0, c0).astype(F16)) and same(hi, fma(-a1, b1, c1).astype(F16))
        lo, hi = halves(s.v(6))
        assert same(lo, np.fmax(a0, b0)) and same(hi, np.fmax(a1, b1))
        lo, hi = halves(s.v(2))
        assert same(lo, fma(a0, b0, c0).astype(F16)) and same(hi, fma(a1, b1, c1).astype(F16))


def test_pk_f32_ops_select_dwords() -> None:
    a, b, c = (rand32(100, 150, 128).reshape(64, 2) for _ in range(3))
    regs = {"v[0:1]": a.view(U32), "v[2:3]": b.view(U32), "v[4:5]": c.view(U32)}
    s = run_snippet(
        "v_pk_add_f32 v[6:7], v[0:1], v[2:3]\n"
        "v_pk_mul_f32 v[8:9], v[0:1], v[2:3] op_sel:[1,0] op_sel_hi:[0,1]\n"
        "v_pk_fma_f32 v[10:11], v[0:1], v[2:3], v[4:5] op_sel_hi:[1,1,0]\n"
        "v_pk_mul_f32 v[12:13], v[0:1], 2.0\n"
        "v_pk_mov_b32 v[14:15], v[0:1], v[2:3] op_sel:[1,0]",
        regs=regs,
    )
    assert same(s.vf(6), a[:, 0] + b[:, 0]) and same(s.vf(7), a[:, 1] + b[:, 1])
    assert same(s.vf(8), a[:, 1] * b[:, 0]) and same(s.vf(9), a[:, 0] * b[:, 1])
    fma = np.vectorize(lambda x, y, z: fma_ref(float(x), float(y), float(z), "f32"))
    assert same(s.vf(10), fma(a[:, 0], b[:, 0], c[:, 0]).astype(F32))
    assert same(s.vf(11), fma(a[:, 1], b[:, 1], c[:, 0]).astype(F32))  # op_sel_hi[2]=0: c.lo
    assert same(s.vf(12), a[:, 0] * 2) and same(s.vf(13), a[:, 1] * 2)
    assert np.array_equal(s.v(14), a[:, 1].view(U32)) and np.array_equal(s.v(15), b[:, 0].view(U32))


def test_fma_mix() -> None:
    h0, h1 = rand16(), rand16()
    x, y = rand32(110, 140), rand32(110, 140)
    regs = {"v0": h_words(h0, h1), "v1": x, "v2": y, "v3": 0xAAAA5555, "v4": 0xAAAA5555}
    s = run_snippet(
        "v_fma_mix_f32 v5, v0, v1, v0 op_sel:[1,0,0] op_sel_hi:[1,0,1]\n"
        "v_fma_mixlo_f16 v3, -v1, v2, v0 op_sel_hi:[0,0,1] clamp\n"
        "v_fma_mixhi_f16 v4, v1, |v0|, v2 op_sel:[0,1,0] op_sel_hi:[0,1,0]",
        regs=regs,
    )
    ref = np.array([fma_ref(float(p), float(q), float(r), "f32") for p, q, r in zip(h1, x, h0, strict=True)], F32)
    assert same(s.vf(5), ref)
    lo = np.array([fma_ref(-float(p), float(q), float(r), "f16") for p, q, r in zip(x, y, h0, strict=True)])
    lo = np.where(np.isnan(lo), 0.0, np.clip(lo, 0.0, 1.0)).astype(F16)
    assert same((s.v(3) & 0xFFFF).astype(np.uint16).view(F16), lo) and np.all(s.v(3) >> 16 == 0xAAAA)
    hi = np.array([fma_ref(float(p), abs(float(q)), float(r), "f16") for p, q, r in zip(x, h1, y, strict=True)])
    assert same((s.v(4) >> 16).astype(np.uint16).view(F16), hi.astype(F16)) and np.all(s.v(4) & 0xFFFF == 0x5555)


def test_dot2_f32_f16() -> None:
    a0, a1, b0, b1 = (rand16() for _ in range(4))
    c = rand32(120, 135)
    s = run_snippet("v_dot2_f32_f16 v3, v0, v1, v2 neg_lo:[0,0,1]\nv_dot2c_f32_f16 v2, v0, v1",
                    regs={"v0": h_words(a0, a1), "v1": h_words(b0, b1), "v2": c})
    with np.errstate(all="ignore"):
        p0 = a0.astype(F32) * b0.astype(F32)  # exact
        p1 = a1.astype(F32) * b1.astype(F32)
        assert same(s.vf(3), (-c + p0) + p1)
        assert same(s.vf(2), (c + p0) + p1)


# --- gfx90a's f32 mad family (unfused, denormals flushed) ----------------------------


def test_gfx90a_mad_f32() -> None:
    a, b, c = rand32(100, 150), rand32(100, 150), rand32(100, 150)
    a[:3], b[:3], c[:3] = [0.0, 1e-40, 2.0], [np.inf, 3.0, 1e-40], [1.0, 1.0, 1.0]
    s = run_snippet("v_mad_f32 v3, v0, v1, v2\nv_mad_legacy_f32 v4, v0, v1, v2\nv_madmk_f32 v5, v0, 0x40000000, v2\n"
                    "v_mac_f32 v2, v0, v1", regs={"v0": a, "v1": b, "v2": c}, arch="gfx90a")

    def fl(x: np.ndarray) -> np.ndarray:
        return np.where(np.abs(x) < 2.0**-126, 0 * x, x).astype(F32)

    with np.errstate(all="ignore"):
        mad = fl(fl(fl(a) * fl(b)) + fl(c))
        assert same(s.vf(3), mad) and same(s.vf(2), mad)
        assert same(s.vf(4), np.where((a == 0) | (b == 0), fl(c), mad))
        assert same(s.vf(5), fl(fl(fl(a) * F32(2)) + fl(c)))
