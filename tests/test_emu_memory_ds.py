"""LDS (DS) instructions on the machine emulator: reads, writes, read2/write2, atomics,
and the cross-lane swizzle / permute / bpermute.

Expected values are computed here from the documented semantics (numpy or plain
Python loops), never by calling the semantic functions.
"""

from __future__ import annotations

import numpy as np
import pytest
from emu_atomics import INT_ATOMICS, sequential

from pyhip_mlir.emulator.testing import run_snippet

LANES = np.arange(64)
M32 = (1 << 32) - 1


def mask_of(lanes: np.ndarray) -> int:
    return int(sum(1 << int(i) for i in np.flatnonzero(lanes)))


def rng(seed: int = 1) -> np.random.Generator:
    return np.random.default_rng(seed)


# --- DS: reads, writes, read2/write2 ------------------------------------------------------

LDS = 64 * 1024


def test_ds_write_read_b32_offset() -> None:
    data = rng(14).integers(0, 2**32, 64, dtype=np.uint32)
    snap = run_snippet(
        "ds_write_b32 v1, v2 offset:16\ns_waitcnt lgkmcnt(0)\n"
        "ds_read_b32 v3, v4 offset:20\ns_waitcnt lgkmcnt(0)",
        regs={"v1": (4 * LANES).astype(np.uint32), "v2": data,
              "v4": (4 * ((LANES + 1) % 63)).astype(np.uint32)},
        lds_bytes=LDS,
    )
    np.testing.assert_array_equal(snap.v(3), data[(LANES + 1) % 63 + 1])


@pytest.mark.parametrize(
    ("suffix", "dtype"), [("u8", np.uint8), ("i8", np.int8), ("u16", np.uint16), ("i16", np.int16)]
)
def test_ds_read_subdword(suffix: str, dtype: type) -> None:
    words = rng(15).integers(0, 2**32, 64, dtype=np.uint32)
    vals = words.view(dtype)
    n = np.dtype(dtype).itemsize
    snap = run_snippet(
        "ds_write_b32 v1, v2\ns_waitcnt lgkmcnt(0)\n"
        f"ds_read_{suffix} v3, v4\ns_waitcnt lgkmcnt(0)",
        regs={"v1": (4 * LANES).astype(np.uint32), "v2": words, "v4": (n * LANES).astype(np.uint32)},
        lds_bytes=LDS,
    )
    np.testing.assert_array_equal(snap.v(3), vals[:64].astype(np.int64).astype(np.uint32))


@pytest.mark.parametrize(
    ("suffix", "nbytes", "signed", "hi"),
    [("u8_d16", 1, False, False), ("u8_d16_hi", 1, False, True), ("i8_d16", 1, True, False),
     ("i8_d16_hi", 1, True, True), ("u16_d16", 2, False, False), ("u16_d16_hi", 2, False, True)],
)
def test_ds_read_d16(suffix: str, nbytes: int, signed: bool, hi: bool) -> None:
    words = rng(16).integers(0, 2**32, 64, dtype=np.uint32)
    old = rng(17).integers(0, 2**32, 64, dtype=np.uint32)
    snap = run_snippet(
        "ds_write_b32 v1, v2\ns_waitcnt lgkmcnt(0)\n"
        f"ds_read_{suffix} v3, v4 offset:{nbytes}\ns_waitcnt lgkmcnt(0)",
        regs={"v1": (4 * LANES).astype(np.uint32), "v2": words, "v3": old,
              "v4": (4 * LANES).astype(np.uint32)},
        lds_bytes=LDS,
    )
    raw = words.view(np.uint8).reshape(64, 4)
    if nbytes == 1:  # the byte at offset 1
        v = raw[:, 1].astype(np.int64)
        if signed:
            v = np.where(v >= 128, v - 256, v)
    else:  # the half at offset 2
        v = raw[:, 2].astype(np.int64) | (raw[:, 3].astype(np.int64) << 8)
    half = v & 0xFFFF
    want = (old & 0xFFFF) | (half << 16) if hi else (old & 0xFFFF0000) | half
    np.testing.assert_array_equal(snap.v(3), want.astype(np.uint32))


@pytest.mark.parametrize(("suffix", "nbytes", "shift"),
                         [("b8", 1, 0), ("b8_d16_hi", 1, 16), ("b16", 2, 0), ("b16_d16_hi", 2, 16)])
def test_ds_write_subdword(suffix: str, nbytes: int, shift: int) -> None:
    data = rng(18).integers(0, 2**32, 64, dtype=np.uint32)
    fill = np.full(64, 0xA5A5A5A5, np.uint32)
    snap = run_snippet(
        "ds_write_b32 v1, v5\ns_waitcnt lgkmcnt(0)\n"
        f"ds_write_{suffix} v1, v2 offset:{nbytes}\ns_waitcnt lgkmcnt(0)\n"
        "ds_read_b32 v3, v1\ns_waitcnt lgkmcnt(0)",
        regs={"v1": (4 * LANES).astype(np.uint32), "v2": data, "v5": fill},
        lds_bytes=LDS,
    )
    pos = 8 * nbytes  # the field sits at byte offset nbytes
    field = ((data.astype(np.int64) >> shift) & ((1 << (8 * nbytes)) - 1)) << pos
    mask = ((1 << (8 * nbytes)) - 1) << pos
    want = (0xA5A5A5A5 & ~mask) | field
    np.testing.assert_array_equal(snap.v(3), want.astype(np.uint32))


@pytest.mark.parametrize("width", [2, 3, 4])
def test_ds_write_read_wide(width: int) -> None:
    data = rng(19).integers(0, 2**32, (64, width), dtype=np.uint32)
    bits = {2: "b64", 3: "b96", 4: "b128"}[width]
    regs = {f"v{10 + k}": data[:, k] for k in range(width)}
    snap = run_snippet(
        f"ds_write_{bits} v1, v[10:{9 + width}]\ns_waitcnt lgkmcnt(0)\n"
        f"ds_read_{bits} v[20:{19 + width}], v2\ns_waitcnt lgkmcnt(0)",
        regs={"v1": (16 * LANES).astype(np.uint32), "v2": (16 * LANES[::-1]).astype(np.uint32), **regs},
        lds_bytes=LDS,
    )
    for k in range(width):
        np.testing.assert_array_equal(snap.v(20 + k), data[::-1, k])


@pytest.mark.parametrize("st64", [False, True])
@pytest.mark.parametrize("b64", [False, True])
def test_ds_read2_write2(st64: bool, b64: bool) -> None:
    size = 8 if b64 else 4
    scale = size * (64 if st64 else 1)
    o0, o1 = 3, 7
    d = 2 if b64 else 1
    a = rng(20).integers(0, 2**32, (64, d), dtype=np.uint32)
    b = rng(21).integers(0, 2**32, (64, d), dtype=np.uint32)
    sfx = ("2st64_" if st64 else "2_") + ("b64" if b64 else "b32")
    # lanes spaced so that no two lanes' pairs overlap
    base = (size * LANES * (1 if st64 else 8)).astype(np.uint32)
    ra = "v[10:11]" if b64 else "v10"
    rb = "v[12:13]" if b64 else "v12"
    dst = "v[20:23]" if b64 else "v[20:21]"
    snap = run_snippet(
        f"ds_write{sfx} v1, {ra}, {rb} offset0:{o0} offset1:{o1}\ns_waitcnt lgkmcnt(0)\n"
        f"ds_read{sfx} {dst}, v1 offset0:{o0} offset1:{o1}\ns_waitcnt lgkmcnt(0)\n"
        "ds_read_b32 v30, v2\ns_waitcnt lgkmcnt(0)",
        regs={"v1": base, ra: a if b64 else a[:, 0], rb: b if b64 else b[:, 0],
              "v2": (base + o1 * scale).astype(np.uint32)},
        lds_bytes=LDS,
    )
    for k in range(d):
        np.testing.assert_array_equal(snap.v(20 + k), a[:, k])
        np.testing.assert_array_equal(snap.v(20 + d + k), b[:, k])
    np.testing.assert_array_equal(snap.v(30), b[:, 0])  # the second element sits at o1 * scale


# --- DS atomics -------------------------------------------------------------------------

# DS mnemonic stem -> generic name of INT_ATOMICS (u32/i32/b32 and 64-bit types)
DS_INT = {
    "add_u": "add", "sub_u": "sub", "inc_u": "inc", "dec_u": "dec", "min_i": "smin",
    "max_i": "smax", "min_u": "umin", "max_u": "umax", "and_b": "and", "or_b": "or",
    "xor_b": "xor", "wrxchg_rtn_b": "swap",
}


@pytest.mark.parametrize("wide", [False, True])
@pytest.mark.parametrize("stem", sorted(DS_INT))
def test_ds_atomic_int_rtn_all_lanes_one_address(stem: str, wide: bool) -> None:
    name = DS_INT[stem]
    width = 64 if wide else 32
    m = (1 << width) - 1
    r = rng(sum(map(ord, stem)) + width)
    if name in ("inc", "dec"):
        data, init = [int(x) for x in r.integers(20, 40, 64)], 30
    else:
        data = [int(x) & m for x in r.integers(0, 2**62, 64)]
        data = [d | (1 << (width - 1)) if k % 3 == 0 else d for k, d in enumerate(data)]
        init = int(r.integers(0, 2**62)) & m
    ex = (LANES % 7) != 3
    olds, final = sequential(init, [d for d, e in zip(data, ex, strict=True) if e], INT_ATOMICS[name], m)
    dt = np.uint64 if wide else np.uint32
    mnem = f"ds_{stem}{width}" if stem.endswith("rtn_b") else f"ds_{stem.replace('_', '_rtn_')}{width}"
    vd, vdst, vi = ("v[4:5]", "v[6:7]", "v[8:9]") if wide else ("v4", "v6", "v8")
    snap = run_snippet(
        f"ds_write_b{width} v1, {vi} offset:8\ns_waitcnt lgkmcnt(0)\n"
        f"{mnem} {vdst}, v1, {vd} offset:8\ns_waitcnt lgkmcnt(0)\n"
        f"ds_read_b{width} {vi}, v1 offset:8\ns_waitcnt lgkmcnt(0)",
        regs={"v1": 0, vi: np.full(64, init, dt), vd: np.array(data, dt), vdst: np.full(64, 9, dt)},
        exec_mask=mask_of(ex),
        lds_bytes=64,
    )
    got = snap.v(6).astype(np.uint64) | (snap.v(7).astype(np.uint64) << np.uint64(32) if wide else 0)
    np.testing.assert_array_equal(got[ex], np.array(olds, np.uint64))
    assert np.all(got[~ex] == 9)
    after = snap.v(8).astype(np.uint64) | (snap.v(9).astype(np.uint64) << np.uint64(32) if wide else 0)
    assert int(after[0]) == final


def test_ds_add_u32_no_rtn_sum() -> None:
    snap = run_snippet(
        "ds_write_b64 v1, v[6:7]\ns_waitcnt lgkmcnt(0)\nds_add_u32 v1, v2\n"
        "ds_rsub_u32 v1, v2 offset:4\ns_waitcnt lgkmcnt(0)\n"
        "ds_read_b64 v[4:5], v1\ns_waitcnt lgkmcnt(0)",
        regs={"v1": 0, "v2": LANES.astype(np.uint32) + 1, "v6": 0, "v7": 1000},
        lds_bytes=64,
    )
    assert snap.v(4)[0] == sum(range(1, 65))
    want = 1000
    for d in range(1, 65):
        want = (d - want) & M32
    assert snap.v(5)[0] == want


def test_ds_cmpst_mskor_wrap() -> None:
    init = np.array([3, 0xF0F0, 10, 0x3F800000], dtype=np.uint32)  # last: 1.0f
    snap = run_snippet(
        "ds_write_b128 v1, v[10:13]\ns_waitcnt lgkmcnt(0)\n"
        "ds_cmpst_rtn_b32 v20, v1, v2, v3\n"  # cmp = v2 (DATA0), src = v3 (DATA1)
        "ds_mskor_rtn_b32 v21, v1, v4, v5 offset:4\n"
        "ds_wrap_rtn_b32 v22, v1, v6, v7 offset:8\n"
        "ds_cmpst_rtn_f32 v23, v1, v8, v9 offset:12\ns_waitcnt lgkmcnt(0)\n"
        "ds_read_b128 v[24:27], v1\ns_waitcnt lgkmcnt(0)",
        regs={"v1": 0, "v[10:13]": init, "v2": 3, "v3": 77, "v4": 0xFF00, "v5": 0x0A00,
              "v6": 4, "v7": 100, "v8": 0x80000000, "v9": 0x40000000},  # -0.0 == 0.0? no: 1.0
        exec_mask=1,
        lds_bytes=64,
    )
    assert [snap.v(20)[0], snap.v(21)[0], snap.v(22)[0], snap.v(23)[0]] == [3, 0xF0F0, 10, 0x3F800000]
    assert snap.v(24)[0] == 77  # 3 == 3: swapped
    assert snap.v(25)[0] == ((0xF0F0 & ~0xFF00) | 0x0A00)
    assert snap.v(26)[0] == 6  # 10 >= 4: 10 - 4
    assert snap.v(27)[0] == 0x3F800000  # -0.0 != 1.0: unchanged


def test_ds_cmpst_f32_negative_zero_equals_zero() -> None:
    snap = run_snippet(
        "ds_write_b32 v1, v2\ns_waitcnt lgkmcnt(0)\nds_cmpst_f32 v1, v3, v4\ns_waitcnt lgkmcnt(0)\n"
        "ds_read_b32 v5, v1\ns_waitcnt lgkmcnt(0)",
        regs={"v1": 0, "v2": 0, "v3": 0x80000000, "v4": 0x41200000}, exec_mask=1, lds_bytes=16,
    )
    assert snap.v(5)[0] == 0x41200000


def test_ds_float_atomics() -> None:
    data = rng(22).standard_normal(64).astype(np.float32)
    snap = run_snippet(
        "ds_write_b32 v1, v1\ns_waitcnt lgkmcnt(0)\nds_add_rtn_f32 v3, v1, v2\n"
        "ds_write_b32 v1, v4 offset:4\ns_waitcnt lgkmcnt(0)\n"
        "ds_max_f32 v1, v2 offset:4\ns_waitcnt lgkmcnt(0)\n"
        "ds_read_b64 v[6:7], v1\ns_waitcnt lgkmcnt(0)",
        regs={"v1": 0, "v2": data, "v4": 0x7FC00000},  # max(NaN, x) -> x
        lds_bytes=64,
    )
    acc, olds = np.float32(0), []
    for d in data:
        olds.append(acc)
        acc = np.float32(acc + d)
    np.testing.assert_array_equal(snap.vf(3), np.array(olds, np.float32))
    assert snap.vf(6)[0] == acc
    assert snap.vf(7)[0] == data.max()


def test_ds_pk_add_f16() -> None:
    h = np.array([1.0, 2.0], np.float16).view(np.uint32)[0]
    d = np.array([0.5, -4.0], np.float16).view(np.uint32)[0]
    snap = run_snippet(
        "ds_write_b32 v1, v2\ns_waitcnt lgkmcnt(0)\nds_pk_add_rtn_f16 v4, v1, v3\ns_waitcnt lgkmcnt(0)\n"
        "ds_read_b32 v5, v1\ns_waitcnt lgkmcnt(0)",
        regs={"v1": 0, "v2": int(h), "v3": int(d)}, exec_mask=0b1, lds_bytes=16,
    )
    assert snap.v(4)[0] == h
    np.testing.assert_array_equal(np.array([snap.v(5)[0]], np.uint32).view(np.float16), [1.5, -2.0])


def test_ds_wrxchg2st64_rtn_b32() -> None:
    snap = run_snippet(
        "ds_write2st64_b32 v1, v2, v3 offset0:1 offset1:2\ns_waitcnt lgkmcnt(0)\n"
        "ds_wrxchg2st64_rtn_b32 v[10:11], v1, v4, v5 offset0:1 offset1:2\ns_waitcnt lgkmcnt(0)\n"
        "ds_read2st64_b32 v[12:13], v1 offset0:1 offset1:2\ns_waitcnt lgkmcnt(0)",
        regs={"v1": (4 * LANES).astype(np.uint32), "v2": LANES.astype(np.uint32),
              "v3": LANES.astype(np.uint32) + 100, "v4": LANES.astype(np.uint32) + 200,
              "v5": LANES.astype(np.uint32) + 300},
        lds_bytes=1024,
    )
    np.testing.assert_array_equal(snap.v(10), LANES)
    np.testing.assert_array_equal(snap.v(11), LANES + 100)
    np.testing.assert_array_equal(snap.v(12), LANES + 200)
    np.testing.assert_array_equal(snap.v(13), LANES + 300)


# --- DS cross-lane ------------------------------------------------------------------------


def _swizzle_ref(offset: int, data: np.ndarray, active: np.ndarray, old: np.ndarray) -> np.ndarray:
    """Per-lane reference of the MI300 ds_swizzle pseudo code."""
    out = old.copy()
    for i in range(64):
        if not active[i]:
            continue
        if offset & 0x8000:
            j = (i & ~3) | ((offset >> (2 * (i & 3))) & 3)
        else:
            a, o, x = offset & 31, (offset >> 5) & 31, (offset >> 10) & 31
            j = (i & 32) | ((((i & 31) & a) | o) ^ x)
        out[i] = data[j] if active[j] else 0
    return out


# symbolic form -> offset field, as encoded by llvm-mc-22 -mcpu=gfx942
SWIZZLES = {
    "swizzle(SWAP,1)": 0x041F,
    "swizzle(SWAP,16)": 0x401F,
    "swizzle(REVERSE,4)": 0x0C1F,
    "swizzle(REVERSE, 30 + 2)": 0x7C1F,
    "swizzle(BROADCAST,8,3)": 0x0078,
    "swizzle(QUAD_PERM,1,2,3,0)": 0x8039,
    'swizzle(BITMASK_PERM,"01pi0")': 0x0906,
    'swizzle(BITMASK_PERM,"1pppp")': 0x020F,
}


@pytest.mark.parametrize("form", [*SWIZZLES, "0x8039", "0x041f"])
def test_ds_swizzle(form: str) -> None:
    offset = SWIZZLES.get(form, int(form, 0) if form.startswith("0x") else 0)
    data = rng(23).integers(0, 2**32, 64, dtype=np.uint32)
    active = (LANES % 5) != 2
    old = np.full(64, 0x5555, np.uint32)
    snap = run_snippet(
        f"ds_swizzle_b32 v1, v2 offset:{form}\ns_waitcnt lgkmcnt(0)",
        regs={"v1": old, "v2": data},
        exec_mask=mask_of(active),
    )
    np.testing.assert_array_equal(snap.v(1), _swizzle_ref(offset, data, active, old))


def test_ds_bpermute_pull_with_inactive_lanes() -> None:
    data = LANES.astype(np.uint32) + 1000
    src = rng(24).integers(0, 64, 64)
    addr = (4 * src + 0x100 - 8).astype(np.uint32)  # high bits ignored; offset adds 8
    active = (LANES % 4) != 1
    old = np.full(64, 7, np.uint32)
    snap = run_snippet(
        "ds_bpermute_b32 v1, v2, v3 offset:8\ns_waitcnt lgkmcnt(0)",
        regs={"v1": old, "v2": addr, "v3": data},
        exec_mask=mask_of(active),
    )
    want = np.where(active, np.where(active[src], data[src], 0), old)
    np.testing.assert_array_equal(snap.v(1), want)


def test_ds_permute_push_highest_source_wins() -> None:
    data = LANES.astype(np.uint32) + 2000
    dst = (LANES // 2) % 64  # lanes 2k and 2k+1 both push to lane k
    active = LANES != 7
    old = np.full(64, 9, np.uint32)
    snap = run_snippet(
        "ds_permute_b32 v1, v2, v3\ns_waitcnt lgkmcnt(0)",
        regs={"v1": old, "v2": (4 * dst).astype(np.uint32), "v3": data},
        exec_mask=mask_of(active),
    )
    want = np.zeros(64, np.uint32)
    for i in range(64):  # in lane order: a later (higher) source overwrites
        if active[i]:
            want[dst[i]] = data[i]
    want = np.where(active, want, old)
    np.testing.assert_array_equal(snap.v(1), want)
