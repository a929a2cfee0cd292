"""Emulator semantics: VALU float compares, conversions, rounding, transcendentals, FP8,
trig_preop.

Expected values: numpy casts and IEEE arithmetic, the ISA guide's functional
examples and tables, and independently written decoders (never the semantic
functions under test).
"""

from __future__ import annotations

import numpy as np
import pytest

from pyhip_mlir.emulator.testing import run_snippet

F16, F32, F64, U32 = np.float16, np.float32, np.float64, np.uint32
RNG = np.random.default_rng(99)
# the expected values deliberately cast out-of-range inputs (f32 -> f16 overflow)
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")


def lanes(values: object, dtype: type = F32) -> np.ndarray:
    return np.resize(np.asarray(values, dtype), 64)


def u(x: object) -> np.ndarray:
    return np.asarray(x, F32).view(U32)


def h_words(lo: np.ndarray) -> np.ndarray:
    """f16 values in the low half of 32-bit lane words."""
    return np.asarray(lo, F16).view(np.uint16).astype(U32)


def h16(w: np.ndarray, hi: bool = False) -> np.ndarray:
    return ((w >> 16) if hi else (w & 0xFFFF)).astype(np.uint16).view(F16)


def f64_of(s, i: int) -> np.ndarray:  # noqa: ANN001
    return (s.v(i).astype(np.uint64) | (s.v(i + 1).astype(np.uint64) << np.uint64(32))).view(F64)


def same(got: np.ndarray, ref: np.ndarray) -> bool:
    got, ref = np.asarray(got), np.asarray(ref)
    ut = {2: np.uint16, 4: U32, 8: np.uint64}[got.dtype.itemsize]
    return bool(np.all((got.view(ut) == ref.astype(got.dtype).view(ut)) | (np.isnan(got) & np.isnan(ref))))


def ulps32(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance in f32 ulps (bit patterns as a monotonic integer line)."""
    def line(x: np.ndarray) -> np.ndarray:
        i = np.asarray(x, F32).view(np.int32).astype(np.int64)
        return np.where(i < 0, -(i & 0x7FFFFFFF), i)

    return np.abs(line(a) - line(b))


# --- float -> int -----------------------------------------------------------------------

EDGE = lanes([0.0, -0.0, 1.5, -1.5, 2.5, -2.7, np.nan, np.inf, -np.inf, 3e9, -3e9, 2147483520.0,
              4294967040.0, -1.0, 0.49999997, 1e-45, 65535.9, -32768.9, 70000.0, 0.5])


def _sat(x: np.ndarray, lo: int, hi: int, fn=np.trunc) -> np.ndarray:  # noqa: ANN001
    with np.errstate(all="ignore"):
        return np.where(np.isnan(x), 0, np.clip(fn(x.astype(F64)), lo, hi)).astype(np.int64)


def test_f32_to_int_truncates_and_saturates() -> None:
    s = run_snippet("v_cvt_i32_f32 v1, v0\nv_cvt_u32_f32 v2, v0\nv_cvt_flr_i32_f32 v3, v0\n"
                    "v_cvt_rpi_i32_f32 v4, v0\nv_cvt_i32_f64 v5, v[6:7]\nv_cvt_u32_f64 v8, v[6:7]",
                    regs={"v0": EDGE, "v[6:7]": EDGE.astype(F64)})
    i32 = (-(2**31), 2**31 - 1)
    assert np.array_equal(s.v(1).view(np.int32), _sat(EDGE, *i32))
    assert np.array_equal(s.v(2), _sat(EDGE, 0, 2**32 - 1).astype(U32))
    assert np.array_equal(s.v(3).view(np.int32), _sat(EDGE, *i32, np.floor))
    with np.errstate(all="ignore"):
        rpi = _sat(EDGE + F32(0.5), *i32, np.floor)  # the add rounds in f32: 0.49999997 -> 1
    assert np.array_equal(s.v(4).view(np.int32), rpi) and s.v(4)[14] == 1
    assert np.array_equal(s.v(5).view(np.int32), _sat(EDGE, *i32))
    assert np.array_equal(s.v(8), _sat(EDGE, 0, 2**32 - 1).astype(U32))


def test_f16_to_int16_and_norms() -> None:
    h = EDGE.astype(F16)
    s = run_snippet("v_cvt_i16_f16 v1, v0\nv_cvt_u16_f16 v2, v0\nv_cvt_norm_i16_f16 v3, v0\nv_cvt_norm_u16_f16 v4, v0",
                    regs={"v0": h.view(np.uint16).astype(U32) | U32(0xABCD0000), "v1": 0xFFFFFFFF})
    h32 = h.astype(F32)
    assert np.array_equal(s.v(1), (_sat(h32, -32768, 32767) & 0xFFFF).astype(U32))  # high half zeroed
    assert np.array_equal(s.v(2), _sat(h32, 0, 65535).astype(U32))
    sn = _sat(np.clip(h32.astype(F64), -1, 1) * 32767, -32768, 32767, np.rint)
    un = _sat(np.clip(h32.astype(F64), 0, 1) * 65535, 0, 65535, np.rint)
    assert np.array_equal(s.v(3), (sn & 0xFFFF).astype(U32)) and np.array_equal(s.v(4), un.astype(U32))


# --- int -> float, float -> float ---------------------------------------------------------


def test_int_to_float_rounds_to_nearest_even() -> None:
    i = RNG.integers(-(2**31), 2**31, 64)
    i[:6] = [2**24 + 1, 2**24 + 3, -(2**31), 2**31 - 1, 0, -1]
    w = i.astype(np.int64).astype(U32)
    s = run_snippet("v_cvt_f32_i32 v1, v0\nv_cvt_f32_u32 v2, v0\nv_cvt_f64_i32 v[4:5], v0\nv_cvt_f64_u32 v[6:7], v0\n"
                    "v_cvt_f16_u16 v8, v0\nv_cvt_f16_i16 v9, v0\nv_cvt_f32_ubyte2 v10, v0\nv_cvt_off_f32_i4 v11, v0",
                    regs={"v0": w})
    assert same(s.vf(1), i.astype(F32)) and same(s.vf(2), w.astype(F32))
    assert same(f64_of(s, 4), i.astype(F64)) and same(f64_of(s, 6), w.astype(F64))
    assert same(h16(s.v(8)), (w & 0xFFFF).astype(F16)) and np.all(s.v(8) >> 16 == 0)
    assert same(h16(s.v(9)), (w & 0xFFFF).astype(np.uint16).view(np.int16).astype(F16))
    assert same(s.vf(10), ((w >> 16) & 0xFF).astype(F32))
    nib = (w & 0xF).astype(np.int64)
    assert same(s.vf(11), (np.where(nib >= 8, nib - 16, nib) / 16.0).astype(F32))


def test_float_to_float() -> None:
    d = RNG.standard_normal(64) * 10.0 ** RNG.integers(-50, 50, 64)
    d[:5] = [1e-46, np.nan, -np.inf, 65520.0, 2.0**-25]  # tiny, nan, inf, f16 overflow, f16 tie
    x = d.astype(F32)
    s = run_snippet("v_cvt_f32_f64 v1, v[2:3]\nv_cvt_f64_f32 v[4:5], v6\nv_cvt_f16_f32 v7, v6\n"
                    "v_cvt_f32_f16 v8, v7\nv_cvt_f16_f32_e64 v9, -v6 clamp",
                    regs={"v[2:3]": d, "v6": x, "v7": 0xFFFFFFFF})
    with np.errstate(all="ignore"):
        assert same(s.vf(1), d.astype(F32)) and same(f64_of(s, 4), x.astype(F64))
        assert same(h16(s.v(7)), x.astype(F16)) and np.all(s.v(7) >> 16 == 0)
        assert same(s.vf(8), x.astype(F16).astype(F32))
        c = np.clip(-x, 0, 1)
        assert same(h16(s.v(9)), np.where(np.isnan(c), 0, c).astype(F16))


# --- packing ------------------------------------------------------------------------------


def test_pkrtz_pknorm_pk_u8_pack() -> None:
    a = lanes([1.0, 1.0009765, -1.0009765, 70000.0, -np.inf, np.nan, 1e-8, 65519.0, 0.3, -0.7, 2.0, 255.5])
    b = a[::-1].copy()
    s = run_snippet(
        "v_cvt_pkrtz_f16_f32 v2, v0, v1\nv_cvt_pknorm_i16_f32 v3, v0, v1\nv_cvt_pknorm_u16_f32 v4, v0, v1\n"
        "v_cvt_pk_u8_f32 v5, v0, 2, v6",
        regs={"v0": a, "v1": b, "v6": 0x11223344},
    )

    def rtz(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            h = x.astype(F16)
            up = np.isfinite(x) & (np.abs(h.astype(F32)) > np.abs(x))
            return np.where(up, h.view(np.uint16) - 1, h.view(np.uint16)).astype(U32)

    assert np.array_equal(s.v(2), rtz(a) | (rtz(b) << 16))
    assert np.isinf(h16(s.v(2))[4]) and h16(s.v(2))[3] == 65504.0  # rtz overflow: max finite

    def sn(x: np.ndarray) -> np.ndarray:
        return (_sat(np.clip(x.astype(F64), -1, 1) * 32767, -32768, 32767, np.rint) & 0xFFFF).astype(U32)

    def un(x: np.ndarray) -> np.ndarray:
        return _sat(np.clip(x.astype(F64), 0, 1) * 65535, 0, 65535, np.rint).astype(U32)

    assert np.array_equal(s.v(3), sn(a) | (sn(b) << 16)) and np.array_equal(s.v(4), un(a) | (un(b) << 16))
    byte = _sat(a, 0, 255, np.rint).astype(U32)
    assert np.array_equal(s.v(5), (U32(0x11223344) & ~U32(0xFF0000)) | (byte << 16))


def test_cvt_pk_int_saturation_and_pack_b32_f16() -> None:
    x = RNG.integers(-(2**31), 2**31, 64)
    y = RNG.integers(0, 2**32, 64)
    x[:4], y[:4] = [-(2**31), 40000, -5, 32767], [70000, 65535, 0, 2**32 - 1]
    h_lo = np.uint16(0x7C01)  # signalling NaN: pack keeps the bits
    regs = {"v0": x.astype(np.int64).astype(U32), "v1": y.astype(U32), "v2": h_lo | (U32(0xC000) << 16),
            "v3": np.full(64, 0x3C00, U32)}
    s = run_snippet("v_cvt_pk_i16_i32 v4, v0, v1\nv_cvt_pk_u16_u32 v5, v0, v1\n"
                    "v_pack_b32_f16 v6, v2, v3\nv_pack_b32_f16 v7, v2, -v3 op_sel:[1,0,0]", regs=regs)
    lo = np.clip(x, -(2**15), 2**15 - 1) & 0xFFFF
    hi = np.clip(y.astype(np.int64).astype(U32).view(np.int32), -(2**15), 2**15 - 1) & 0xFFFF
    assert np.array_equal(s.v(4), (lo | (hi << 16)).astype(U32))
    ulo = np.minimum(x.astype(np.int64).astype(U32), 0xFFFF)
    assert np.array_equal(s.v(5), (ulo | (np.minimum(y.astype(U32), 0xFFFF) << 16)).astype(U32))
    assert np.all(s.v(6) == 0x3C007C01) and np.all(s.v(7) == 0xBC00C000)


def test_pkaccum_u8_merges_into_destination() -> None:
    s = run_snippet("v_cvt_pkaccum_u8_f32 v2, v0, 1\nv_cvt_pkaccum_u8_f32 v2, v1, 3",
                    regs={"v0": lanes([7.4, 300.0, -2.0, np.nan]), "v1": lanes([200.5, 201.5, 0.0, 1.0]),
                          "v2": 0x55555555})
    b1 = _sat(lanes([7.4, 300.0, -2.0, np.nan]), 0, 255, np.rint)
    b3 = _sat(lanes([200.5, 201.5, 0.0, 1.0]), 0, 255, np.rint)
    assert np.array_equal(s.v(2), (0x00550055 | (b1 << 8) | (b3 << 24)).astype(U32))


# --- rounding, fract, frexp ----------------------------------------------------------------

ROUNDING = lanes([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, -0.0, np.inf, -np.inf, np.nan, 1e-40, -1e-40,
                  8388609.0, -3.75, 3.75, -1e-10, 123.456])


@pytest.mark.parametrize("t", ["f16", "f32", "f64"])
def test_floor_ceil_trunc_rndne_fract(t: str) -> None:
    dt = {"f16": F16, "f32": F32, "f64": F64}[t]
    x = ROUNDING.astype(dt)
    if t == "f64":
        regs, src, outs = {"v[0:1]": x}, "v[0:1]", ["v[2:3]", "v[4:5]", "v[6:7]", "v[8:9]", "v[10:11]"]
    else:
        w = x.view(np.uint16).astype(U32) if t == "f16" else x.view(U32)
        regs, src, outs = {"v0": w}, "v0", ["v2", "v4", "v6", "v8", "v10"]
    ops = ["floor", "ceil", "trunc", "rndne", "fract"]
    s = run_snippet("\n".join(f"v_{op}_{t} {o}, {src}" for op, o in zip(ops, outs, strict=True)), regs=regs)

    def got(k: int) -> np.ndarray:
        return f64_of(s, 2 + 2 * k) if t == "f64" else (h16(s.v(2 + 2 * k)) if t == "f16" else s.vf(2 + 2 * k))

    below1 = {F16: np.uint16(0x3BFF), F32: np.uint32(0x3F7FFFFF), F64: np.uint64(0x3FEFFFFFFFFFFFFF)}[dt].view(dt)
    with np.errstate(all="ignore"):
        refs = [np.floor(x), np.ceil(x), np.trunc(x), np.rint(x),
                np.minimum((x.astype(F64) - np.floor(x.astype(F64))).astype(dt), below1)]
    for k, ref in enumerate(refs):
        assert same(got(k), ref), ops[k]
    if t == "f32":
        assert got(4)[16] == below1  # fract(-1e-10) would round to 1.0


def test_frexp() -> None:
    x = lanes([1.0, -3.0, 1e-40, -1e-45, 0.0, np.inf, np.nan, 6.0e37, 0.75])
    s = run_snippet("v_frexp_mant_f32 v1, v0\nv_frexp_exp_i32_f32 v2, v0\nv_frexp_mant_f64 v[4:5], v[6:7]\n"
                    "v_frexp_exp_i32_f64 v8, v[6:7]\nv_frexp_exp_i16_f16 v9, v10\nv_frexp_mant_f16 v11, v10",
                    regs={"v0": x, "v[6:7]": x.astype(F64), "v10": x.astype(F16).view(np.uint16).astype(U32)})
    with np.errstate(all="ignore"):
        m, e = np.frexp(x)
        m64, e64 = np.frexp(x.astype(F64))
        h = x.astype(F16)
        m16, e16 = np.frexp(h.astype(F32))
    fin = np.isfinite(x)
    assert same(s.vf(1), m) and np.array_equal(s.v(2).view(np.int32), np.where(fin, e, 0))
    assert same(f64_of(s, 4), m64) and np.array_equal(s.v(8).view(np.int32), np.where(fin, e64, 0))
    fin16 = np.isfinite(h)
    assert np.array_equal(s.v(9), (np.where(fin16, e16, 0) & 0xFFFF).astype(U32))
    assert same(h16(s.v(11)), m16.astype(F16))


# --- transcendentals ----------------------------------------------------------------------

# ISA guide functional examples (input bits -> output bits)
ISA_EXAMPLES = {
    "v_rcp_f32": [(0xFF800000, 0x80000000), (0xC0000000, 0xBF000000), (0x80000000, 0xFF800000), (0x7F800000, 0)],
    "v_rsq_f32": [(0xFF800000, 0xFFC00000), (0x80000000, 0xFF800000), (0x40800000, 0x3F000000), (0x7F800000, 0)],
    "v_sqrt_f32": [(0xFF800000, 0xFFC00000), (0x80000000, 0x80000000), (0x40800000, 0x40000000)],
    "v_exp_f32": [(0xFF800000, 0), (0x80000000, 0x3F800000), (0x7F800000, 0x7F800000)],
    "v_log_f32": [(0xBF800000, 0xFFC00000), (0x80000000, 0xFF800000), (0x3F800000, 0), (0x7F800000, 0x7F800000)],
    "v_sin_f32": [(0xFF800000, 0xFFC00000), (0xFF7FFFFF, 0), (0x80000000, 0x80000000), (0x3E800000, 0x3F800000)],
    "v_cos_f32": [(0xFF800000, 0xFFC00000), (0xFF7FFFFF, 0x3F800000), (0x80000000, 0x3F800000), (0x3E800000, 0)],
    "v_rcp_f16": [(0xFC00, 0x8000), (0xC000, 0xB800), (0x8000, 0xFC00), (0x7C00, 0)],
    "v_sqrt_f16": [(0xFC00, 0xFE00), (0x8000, 0x8000), (0x4400, 0x4000), (0x7C00, 0x7C00)],
    "v_rsq_f16": [(0x8000, 0xFC00), (0x4400, 0x3800), (0x7C00, 0)],
    "v_log_f16": [(0xBC00, 0xFE00), (0x0000, 0xFC00), (0x3C00, 0), (0x7C00, 0x7C00)],
    "v_exp_f16": [(0xFC00, 0), (0x8000, 0x3C00), (0x7C00, 0x7C00)],
    "v_sin_f16": [(0xFC00, 0xFE00), (0xFBFF, 0), (0x8000, 0x8000), (0x3400, 0x3C00), (0x7BFF, 0)],
    "v_cos_f16": [(0xFC00, 0xFE00), (0xFBFF, 0x3C00), (0x8000, 0x3C00), (0x3400, 0)],
}


@pytest.mark.parametrize("op", sorted(ISA_EXAMPLES))
def test_isa_functional_examples(op: str) -> None:
    ins, outs = zip(*ISA_EXAMPLES[op], strict=True)
    s = run_snippet(f"{op} v1, v0", regs={"v0": lanes(ins, U32), "v1": 0xFFFFFFFF})
    half = op.endswith("f16")
    got = s.v(1)[: len(ins)] & (0xFFFF if half else 0xFFFFFFFF)

    def is_nan(w: int) -> bool:
        return (w & 0x7FFF) > 0x7C00 if half else (w & 0x7FFFFFFF) > 0x7F800000

    for g, want, i in zip(got, outs, ins, strict=True):
        assert (is_nan(want) and is_nan(int(g))) or g == want, (op, hex(i), hex(g), hex(want))
    if half:
        assert np.all(s.v(1) >> 16 == 0)


def test_f32_transcendentals_accuracy_and_flushing() -> None:
    x = np.abs(RNG.standard_normal(64).astype(F32)) * F32(10) + F32(0.01)
    x[:3] = [1e-40, 2.0**-130, 2.0**127]  # denormal inputs, a denormal reciprocal
    s = run_snippet("v_rcp_f32 v1, v0\nv_rsq_f32 v2, v0\nv_sqrt_f32 v3, v0\nv_log_f32 v4, v0\nv_exp_f32 v5, v6\n"
                    "v_sin_f32 v7, v0\nv_cos_f32 v8, v0",
                    regs={"v0": x, "v6": RNG.uniform(-20, 20, 64).astype(F32)})
    x64 = x.astype(F64)
    for reg, ref in ((1, 1 / x64), (2, 1 / np.sqrt(x64)), (3, np.sqrt(x64)), (4, np.log2(x64))):
        assert (ulps32(s.vf(reg)[3:], ref[3:].astype(F32)) <= 1).all(), reg
    assert s.vf(1)[0] == np.inf and s.vf(3)[0] == 0 and s.vf(4)[1] == -np.inf  # denormal inputs flushed
    assert s.vf(1)[2] == 0  # 2**-126 (denormal) result flushed
    assert (ulps32(s.vf(5), np.exp2(np.asarray(s.v(6)).view(F32).astype(F64)).astype(F32)) <= 1).all()
    r = x64 - np.rint(x64)
    assert np.allclose(s.vf(7), np.sin(2 * np.pi * r), atol=2e-7)
    assert np.allclose(s.vf(8), np.cos(2 * np.pi * r), atol=2e-7)


def test_f64_transcendentals() -> None:
    x = np.abs(RNG.standard_normal(64)) * 10.0 ** RNG.integers(-300, 300, 64)
    x[:2] = [5e-324, 0.0]
    s = run_snippet("v_rcp_f64 v[2:3], v[0:1]\nv_sqrt_f64 v[4:5], v[0:1]\nv_rsq_f64 v[6:7], v[0:1]", regs={"v[0:1]": x})
    with np.errstate(all="ignore"):
        assert same(f64_of(s, 2), 1 / x) and same(f64_of(s, 4), np.sqrt(x))
        assert np.allclose(f64_of(s, 6)[2:], 1 / np.sqrt(x[2:]), rtol=3e-16)


# --- FP8 / BF8 (FNUZ) ----------------------------------------------------------------------


def fnuz_decode(code: int, mbits: int, bias: int) -> float:
    """Independent decoder: sign | exponent | mantissa, 0x80 = NaN, no infinities."""
    if code == 0x80:
        return float("nan")
    sign = -1.0 if code & 0x80 else 1.0
    e, m = (code & 0x7F) >> mbits, code & ((1 << mbits) - 1)
    if e == 0:
        return sign * m * 2.0 ** (1 - bias - mbits)
    return sign * (1 + m / 2**mbits) * 2.0 ** (e - bias)


@pytest.mark.parametrize(("kind", "mbits", "bias", "largest"), [("fp8", 3, 8, 240.0), ("bf8", 2, 16, 57344.0)])
def test_fp8_decode_encode(kind: str, mbits: int, bias: int, largest: float) -> None:
    table = np.array([fnuz_decode(c, mbits, bias) for c in range(256)], F32)
    assert table[0x7F] == largest
    words = np.arange(256, dtype=U32).reshape(64, 4)
    w = words[:, 0] | (words[:, 1] << 8) | (words[:, 2] << 16) | (words[:, 3] << 24)
    s = run_snippet(f"v_cvt_f32_{kind} v1, v0\nv_cvt_f32_{kind}_sdwa v2, v0 src0_sel:BYTE_3\n"
                    f"v_cvt_pk_f32_{kind}_sdwa v[4:5], v0 src0_sel:WORD_1", regs={"v0": w})
    assert same(s.vf(1), table[words[:, 0]]) and same(s.vf(2), table[words[:, 3]])
    assert same(s.vf(4), table[words[:, 2]]) and same(s.vf(5), table[words[:, 3]])
    # encode: every code decodes and re-encodes to itself (0x80, NaN, too)
    for half in (0, 128):
        vals = table[half : half + 128].reshape(64, 2)
        s = run_snippet(f"v_cvt_pk_{kind}_f32 v2, v0, v1\nv_cvt_pk_{kind}_f32 v3, v0, v1 op_sel:[0,0,1]",
                        regs={"v0": vals[:, 0], "v1": vals[:, 1], "v2": 0xAAAA0000, "v3": 0x0000BBBB})
        codes = np.arange(half, half + 128, dtype=U32).reshape(64, 2)
        assert np.array_equal(s.v(2), U32(0xAAAA0000) | codes[:, 0] | (codes[:, 1] << 8))
        assert np.array_equal(s.v(3), U32(0xBBBB) | (codes[:, 0] << 16) | (codes[:, 1] << 24))
    # rounding to nearest even, overflow/NaN/inf -> 0x80, tiny -> 0
    step = largest / 15 if kind == "fp8" else 2.0**13  # the spacing below the largest value
    x = lanes([largest + step * 0.49, largest + step * 0.5, -largest * 4, np.inf, np.nan, 1e-30, -1e-30,
               float(table[1]) * 1.5, float(table[3]) * 0.5 + float(table[2]) * 0.5])
    s = run_snippet(f"v_cvt_pk_{kind}_f32 v2, v0, v0", regs={"v0": x, "v2": 0})
    lo = s.v(2) & 0xFF
    assert list(lo[:9]) == [0x7F, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00, 0x02, 0x02]


def test_sr_fp8_truncates_with_zero_seed_and_selects_a_byte() -> None:
    x = lanes([1.0, 1.1, 1.2, 250.0, -0.3])
    s = run_snippet("v_cvt_sr_fp8_f32 v2, v0, v1 op_sel:[0,0,1,1]\nv_cvt_sr_fp8_f32 v3, v0, v4",
                    regs={"v0": x, "v1": 0, "v2": 0x00112233, "v3": 0x00112233, "v4": 0xFFFFFFFF})
    table = np.array([fnuz_decode(c, 3, 8) for c in range(256)])
    top = s.v(2) >> 24
    assert np.all(s.v(2) & 0xFFFFFF == 0x112233)
    dec = table[top[:5]]
    assert list(dec[:4]) == [1.0, 1.0, 1.125, 240.0] and -0.3 < dec[4] < 0  # toward zero
    up = table[s.v(3)[:3] & 0xFF]
    assert list(up) == [1.0, 1.125, 1.25]  # a full seed rounds inexact values up, exact ones stay


def test_gfx950_ocp_fp8_is_refused_not_miscomputed() -> None:
    from pyhip_mlir.emulator.ctx import EmulationError

    with pytest.raises(EmulationError, match="OCP"):
        run_snippet("v_cvt_f32_fp8 v1, v0", regs={"v0": 0x38}, arch="gfx950")


# --- trig_preop ------------------------------------------------------------------------------

TWO_OVER_PI_HEX = "A2F9836E4E441529FC2757D1F534DDC0DB6295993C439041FE5163AB"  # Payne-Hanek table


def test_trig_preop_segments() -> None:
    bits2pi = int(TWO_OVER_PI_HEX, 16)
    nb = 4 * len(TWO_OVER_PI_HEX)
    segs = lanes([0, 1, 2, 0, 1], U32)
    x = lanes([1.0, 1.0, 1.0, 2.0**100, 2.0**100], F64)
    s = run_snippet("v_trig_preop_f64 v[2:3], v[0:1], v4", regs={"v[0:1]": x, "v4": segs})
    got = f64_of(s, 2)
    for lane, (seg, extra) in enumerate([(0, 0), (1, 0), (2, 0), (0, 100 + 1023 - 1077), (1, 100 + 1023 - 1077)]):
        shift = 53 * seg + extra
        want = ((bits2pi >> (nb - 53 - shift)) & ((1 << 53) - 1)) * 2.0 ** (-53 - shift)
        assert got[lane] == want, lane
    assert np.uint64(got[0:1].view(np.uint64)[0]) == np.uint64(0x3FE45F306DC9C882)


# --- compares -------------------------------------------------------------------------

_PRED = {
    "f": lambda a, b: np.zeros(a.shape, bool), "lt": lambda a, b: a < b, "eq": lambda a, b: a == b,
    "le": lambda a, b: a <= b, "gt": lambda a, b: a > b, "lg": lambda a, b: (a < b) | (a > b),
    "ge": lambda a, b: a >= b, "o": lambda a, b: ~(np.isnan(a) | np.isnan(b)),
    "u": lambda a, b: np.isnan(a) | np.isnan(b), "nge": lambda a, b: ~(a >= b),
    "nlg": lambda a, b: ~((a < b) | (a > b)), "ngt": lambda a, b: ~(a > b), "nle": lambda a, b: ~(a <= b),
    "neq": lambda a, b: ~(a == b), "nlt": lambda a, b: ~(a < b), "tru": lambda a, b: np.ones(a.shape, bool),
}


def mask_of(x: np.ndarray) -> int:
    return int(sum(1 << i for i in np.nonzero(x)[0]))


@pytest.mark.parametrize("cond", sorted(_PRED))
@pytest.mark.parametrize("t", ["f16", "f32", "f64"])
def test_compare(cond: str, t: str) -> None:
    vals = np.array([0.0, -0.0, 1.0, -2.0, np.inf, -np.inf, np.nan, 5e-8])
    a, b = np.repeat(vals, 8), np.tile(vals, 8)
    if t == "f64":
        regs, x, y = {"v[0:1]": a, "v[2:3]": b}, "v[0:1]", "v[2:3]"
    elif t == "f32":
        regs, x, y = {"v0": a.astype(F32), "v2": b.astype(F32)}, "v0", "v2"
    else:
        regs, x, y = {"v0": h_words(a.astype(F16)), "v2": h_words(b.astype(F16))}, "v0", "v2"
    ex = 0xFFFF_FFFF_0F0F_7FFE
    with np.errstate(all="ignore"):
        av, bv = (a, b) if t != "f16" else (a.astype(F16), b.astype(F16))
        want = mask_of(_PRED[cond](av, bv)) & ex
    s = run_snippet(f"v_cmp_{cond}_{t} vcc, {x}, {y}\nv_cmp_{cond}_{t}_e64 s[4:5], -{x}, {y}",
                    regs=regs, exec_mask=ex)
    assert s.vcc == want
    with np.errstate(all="ignore"):
        assert s.s64(4) == mask_of(_PRED[cond](-av, bv)) & ex
    s = run_snippet(f"v_cmpx_{cond}_{t} vcc, {x}, {y}", regs=regs, exec_mask=ex)
    assert s.vcc == want and s.exec == want


@pytest.mark.parametrize("t", ["f16", "f32", "f64"])
def test_cmp_class(t: str) -> None:
    dt = {"f16": F16, "f32": F32, "f64": F64}[t]
    fi = np.finfo(dt)
    snan = {"f16": np.uint16(0x7C01), "f32": np.uint32(0x7F800001), "f64": np.uint64(0x7FF0000000000001)}[t].view(dt)
    vals = np.array([snan, np.nan, -np.inf, -1.5, -fi.smallest_subnormal, -0.0, 0.0, fi.smallest_subnormal, 2.0,
                     np.inf], dt)  # class bit k for vals[k]
    x = np.resize(vals, 64)
    masks = (1 << (np.arange(64) % 10)) ^ np.where(np.arange(64) >= 30, 0x3FF, 0)
    masks[40:50] = 0
    if t == "f64":
        regs, src = {"v[0:1]": x, "v2": masks}, "v[0:1]"
    elif t == "f32":
        regs, src = {"v0": x, "v2": masks}, "v0"
    else:
        regs, src = {"v0": h_words(x), "v2": masks}, "v0"
    s = run_snippet(f"v_cmp_class_{t} vcc, {src}, v2\nv_cmpx_class_{t}_e64 s[4:5], {src}, v2", regs=regs)
    want = mask_of(np.arange(64) < 30)
    assert s.vcc == want and s.s64(4) == want and s.exec == want
