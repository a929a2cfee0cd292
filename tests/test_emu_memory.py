"""Memory instructions on the machine emulator: FLAT/GLOBAL, MUBUF, SMEM, DS.

Real numpy arrays are registered as global memory; their addresses go into SGPRs or
VGPRs. Expected values are computed here from the documented semantics (numpy or
plain Python loops), never by calling the semantic functions.
"""

from __future__ import annotations

import numpy as np
import pytest
from emu_atomics import INT_ATOMICS, sequential

from pyhip_mlir.emulator import EmulationError, SanitizerError
from pyhip_mlir.emulator.testing import run_snippet

LANES = np.arange(64)
FULL = (1 << 64) - 1


def ptr(a: np.ndarray) -> int:
    return int(a.ctypes.data)


def mask_of(lanes: np.ndarray) -> int:
    return int(sum(1 << int(i) for i in np.flatnonzero(lanes)))


def lane_addr(a: np.ndarray, byte_offsets: np.ndarray) -> np.ndarray:
    return (ptr(a) + np.asarray(byte_offsets, dtype=np.int64)).astype(np.uint64)


def rsrc(a: np.ndarray, num_records: int, stride: int = 0) -> list[int]:
    base = ptr(a)
    return [base & 0xFFFFFFFF, ((base >> 32) & 0xFFFF) | (stride << 16), num_records, 0x00027000]


def rng(seed: int = 1) -> np.random.Generator:
    return np.random.default_rng(seed)


# --- GLOBAL / FLAT loads ---------------------------------------------------------------


def test_global_load_vaddr64_negative_offset() -> None:
    a = rng().integers(0, 2**32, 300, dtype=np.uint32)
    idx = rng(2).permutation(64) + 100
    snap = run_snippet(
        "global_load_dword v1, v[2:3], off offset:-16\ns_waitcnt vmcnt(0)",
        regs={"v[2:3]": lane_addr(a, 4 * idx)},
        memory=[a],
    )
    np.testing.assert_array_equal(snap.v(1), a[idx - 4])


def test_global_load_saddr_form() -> None:
    a = rng().integers(0, 2**32, 256, dtype=np.uint32)
    snap = run_snippet(
        "global_load_dword v1, v2, s[4:5] offset:8\ns_waitcnt vmcnt(0)",
        regs={"v2": (4 * (63 - LANES)).astype(np.uint32), "s[4:5]": ptr(a)},
        memory=[a],
    )
    np.testing.assert_array_equal(snap.v(1), a[63 - LANES + 2])


def test_global_load_saddr_zero_extends_vaddr() -> None:
    a = np.arange(16, dtype=np.uint32)
    # vaddr 0x80000000 must be zero-extended: base - 0x80000000 + 0x80000000 = base
    snap = run_snippet(
        "global_load_dword v1, v2, s[4:5] offset:4\ns_waitcnt vmcnt(0)",
        regs={"v2": 0x80000000, "s[4:5]": ptr(a) - 0x80000000},
        memory=[a],
    )
    np.testing.assert_array_equal(snap.v(1), np.full(64, 1, np.uint32))


@pytest.mark.parametrize(
    ("suffix", "dtype", "nbytes"),
    [("ubyte", np.uint8, 1), ("sbyte", np.int8, 1), ("ushort", np.uint16, 2), ("sshort", np.int16, 2)],
)
def test_global_load_subdword_extension(suffix: str, dtype: type, nbytes: int) -> None:
    raw = rng(3).integers(0, 256, 64 * nbytes + 8, dtype=np.uint8)
    vals = raw[: 64 * nbytes].view(dtype)
    snap = run_snippet(
        f"global_load_{suffix} v1, v[2:3], off\ns_waitcnt vmcnt(0)",
        regs={"v[2:3]": lane_addr(raw, nbytes * LANES)},
        memory=[raw],
    )
    np.testing.assert_array_equal(snap.v(1), vals.astype(np.int64).astype(np.uint32))


@pytest.mark.parametrize("width", [2, 3, 4])
def test_global_load_dwordxn(width: int) -> None:
    a = rng(4).integers(0, 2**32, (64, 4), dtype=np.uint32)
    suffix = f"dwordx{width}"
    snap = run_snippet(
        f"global_load_{suffix} v[4:{3 + width}], v[2:3], off\ns_waitcnt vmcnt(0)",
        regs={"v[2:3]": lane_addr(a, 16 * LANES)},
        memory=[a],
    )
    for k in range(width):
        np.testing.assert_array_equal(snap.v(4 + k), a[:, k])


@pytest.mark.parametrize(
    ("suffix", "nbytes", "signed", "hi"),
    [
        ("short_d16", 2, False, False), ("short_d16_hi", 2, False, True),
        ("ubyte_d16", 1, False, False), ("ubyte_d16_hi", 1, False, True),
        ("sbyte_d16", 1, True, False), ("sbyte_d16_hi", 1, True, True),
    ],
)
def test_global_load_d16_preserves_other_half(suffix: str, nbytes: int, signed: bool, hi: bool) -> None:
    raw = rng(5).integers(0, 256, 64 * nbytes, dtype=np.uint8)
    old = rng(6).integers(0, 2**32, 64, dtype=np.uint32)
    snap = run_snippet(
        f"global_load_{suffix} v1, v[2:3], off\ns_waitcnt vmcnt(0)",
        regs={"v1": old, "v[2:3]": lane_addr(raw, nbytes * LANES)},
        memory=[raw],
    )
    vals = raw.view(np.uint16 if nbytes == 2 else (np.int8 if signed else np.uint8)).astype(np.int64)
    half = vals & 0xFFFF
    want = (old & 0xFFFF) | (half << 16) if hi else (old & 0xFFFF0000) | half
    np.testing.assert_array_equal(snap.v(1), want.astype(np.uint32))


def test_global_load_inactive_lanes_keep_old_value() -> None:
    a = np.arange(64, dtype=np.uint32) + 1000
    ex = rng(7).integers(0, 2, 64).astype(bool)
    ex[0] = True
    old = np.full(64, 0xDEAD, np.uint32)
    snap = run_snippet(
        "global_load_dword v1, v[2:3], off\ns_waitcnt vmcnt(0)",
        regs={"v1": old, "v[2:3]": lane_addr(a, 4 * LANES)},
        exec_mask=mask_of(ex),
        memory=[a],
    )
    np.testing.assert_array_equal(snap.v(1), np.where(ex, a, old))


def test_inactive_lanes_do_not_access_memory() -> None:
    a = np.arange(8, dtype=np.uint32)
    addrs = lane_addr(a, 4 * (LANES % 8))
    addrs[1:] = 8  # invalid addresses in the inactive lanes: must not fault
    snap = run_snippet(
        "global_load_dword v1, v[2:3], off\ns_waitcnt vmcnt(0)",
        regs={"v1": 0, "v[2:3]": addrs},
        exec_mask=1,
        memory=[a],
    )
    assert snap.v(1)[0] == 0 and snap.v(1)[1] == 0


def test_flat_load_store_as_global() -> None:
    a = np.arange(64, dtype=np.uint32) * 3
    out = np.zeros(64, dtype=np.uint32)
    run_snippet(
        "flat_load_dword v1, v[2:3] offset:4\ns_waitcnt vmcnt(0) lgkmcnt(0)\n"
        "flat_store_dword v[4:5], v1\ns_waitcnt vmcnt(0) lgkmcnt(0)",
        regs={"v[2:3]": lane_addr(a, 4 * (LANES % 63)), "v[4:5]": lane_addr(out, 4 * LANES)},
        memory=[a, out],
    )
    np.testing.assert_array_equal(out, a[LANES % 63 + 1])


def test_flat_lds_aperture_is_refused() -> None:
    with pytest.raises(EmulationError, match="LDS aperture"):
        run_snippet("flat_load_dword v1, v[2:3]\ns_waitcnt vmcnt(0)",
                    regs={"v[2:3]": np.full(64, (1 << 48) + 64, np.uint64)})


# --- GLOBAL stores ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "nbytes", "shift"),
    [("byte", 1, 0), ("byte_d16_hi", 1, 16), ("short", 2, 0), ("short_d16_hi", 2, 16),
     ("dword", 4, 0)],
)
def test_global_store_writes_only_its_bytes(suffix: str, nbytes: int, shift: int) -> None:
    out = np.full(64 * 4, 0xA5, dtype=np.uint8)
    data = rng(8).integers(0, 2**32, 64, dtype=np.uint32)
    run_snippet(
        f"global_store_{suffix} v[2:3], v1, off offset:1\ns_waitcnt vmcnt(0)",
        regs={"v1": data, "v[2:3]": lane_addr(out, 4 * LANES - 1)},
        memory=[out],
    )
    want = np.full(64 * 4, 0xA5, dtype=np.uint8)
    for lane in range(64):
        for k in range(nbytes):
            want[4 * lane + k] = (int(data[lane]) >> (shift + 8 * k)) & 0xFF
    np.testing.assert_array_equal(out, want)


def test_global_store_dwordx3_saddr_inactive_lanes() -> None:
    out = np.zeros((64, 4), dtype=np.uint32)
    data = rng(9).integers(0, 2**32, (64, 3), dtype=np.uint32)
    ex = (LANES % 3) != 0
    run_snippet(
        "global_store_dwordx3 v1, v[4:6], s[2:3]\ns_waitcnt vmcnt(0)",
        regs={"v1": (16 * LANES).astype(np.uint32), "v4": data[:, 0], "v5": data[:, 1],
              "v6": data[:, 2], "s[2:3]": ptr(out)},
        exec_mask=mask_of(ex),
        memory=[out],
    )
    want = np.zeros((64, 4), dtype=np.uint32)
    want[ex, :3] = data[ex]
    np.testing.assert_array_equal(out, want)


# --- GLOBAL atomics --------------------------------------------------------------------



@pytest.mark.parametrize("x2", [False, True])
@pytest.mark.parametrize("name", sorted(INT_ATOMICS))
def test_global_atomic_int_all_lanes_one_address(name: str, x2: bool) -> None:
    r = rng(sum(map(ord, name)))
    width = 64 if x2 else 32
    m = (1 << width) - 1
    if name in ("inc", "dec"):
        data = [int(x) for x in r.integers(20, 40, 64)]
        init = 30
    else:
        data = [int(x) for x in r.integers(0, 2**62, 64)]
        data = [d & m if k % 3 else (d | (1 << (width - 1))) & m for k, d in enumerate(data)]
        init = int(r.integers(0, 2**62)) & m
    dt = np.uint64 if x2 else np.uint32
    mem = np.array([init, 0x1234], dtype=dt)
    ex = LANES != 5  # lane 5 inactive: no effect, old value not written
    olds, final = sequential(init, [d for d, e in zip(data, ex, strict=True) if e], INT_ATOMICS[name], m)
    sfx = "_x2" if x2 else ""
    vd, vdst = ("v[4:5]", "v[6:7]") if x2 else ("v4", "v6")
    snap = run_snippet(
        f"global_atomic_{name}{sfx} {vdst}, v[2:3], {vd}, off sc0\ns_waitcnt vmcnt(0)",
        regs={"v[2:3]": lane_addr(mem, np.zeros(64)), vd: np.array(data, dtype=dt),
              vdst: np.full(64, 7, dt)},
        exec_mask=mask_of(ex),
        memory=[mem],
    )
    assert int(mem[0]) == final and int(mem[1]) == 0x1234
    got = snap.v(6).astype(np.uint64) | (snap.v(7).astype(np.uint64) << np.uint64(32) if x2 else 0)
    np.testing.assert_array_equal(got[ex], np.array(olds, dtype=np.uint64))
    assert got[5] == 7


def test_global_atomic_add_sum_and_old_values_in_lane_order() -> None:
    mem = np.zeros(1, dtype=np.uint32)
    snap = run_snippet(
        "global_atomic_add v1, v[2:3], v4, off sc0\ns_waitcnt vmcnt(0)",
        regs={"v[2:3]": lane_addr(mem, np.zeros(64)), "v4": LANES.astype(np.uint32) + 1},
        memory=[mem],
    )
    assert int(mem[0]) == sum(range(1, 65))
    np.testing.assert_array_equal(snap.v(1), np.cumsum(LANES + 1) - (LANES + 1))


def test_global_atomic_no_return_leaves_vgprs() -> None:
    mem = np.zeros(64, dtype=np.uint32) + 5
    run_snippet(
        "global_atomic_add v[2:3], v4, off\ns_waitcnt vmcnt(0)",
        regs={"v[2:3]": lane_addr(mem, 4 * LANES), "v4": LANES.astype(np.uint32)},
        memory=[mem],
    )
    np.testing.assert_array_equal(mem, LANES + 5)


@pytest.mark.parametrize("x2", [False, True])
def test_global_atomic_cmpswap(x2: bool) -> None:
    dt = np.uint64 if x2 else np.uint32
    mem = (np.arange(64) % 4).astype(dt)
    src = (np.arange(64) + 100).astype(dt)
    cmp = (np.arange(64) % 2).astype(dt)  # equal to memory in lanes 0,1 (mod 4)
    if x2:
        asm = "global_atomic_cmpswap_x2 v[10:11], v[2:3], v[4:7], off sc0"
        regs = {"v[4:5]": src, "v[6:7]": cmp, "v[10:11]": np.zeros(64, dt)}
    else:
        asm = "global_atomic_cmpswap v10, v[2:3], v[4:5], off sc0"
        regs = {"v4": src, "v5": cmp, "v10": 0}
    old = mem.copy()
    snap = run_snippet(asm + "\ns_waitcnt vmcnt(0)", regs={"v[2:3]": lane_addr(mem, mem.itemsize * LANES), **regs},
                       memory=[mem])
    np.testing.assert_array_equal(mem, np.where(old == cmp, src, old))
    got = snap.v(10).astype(np.uint64) | (snap.v(11).astype(np.uint64) << np.uint64(32) if x2 else 0)
    np.testing.assert_array_equal(got, old)


def test_global_atomic_cmpswap_same_address_lane_order() -> None:
    mem = np.zeros(1, dtype=np.uint32)
    # lane i swaps i -> i + 1: in lane order every lane succeeds
    snap = run_snippet(
        "global_atomic_cmpswap v10, v[2:3], v[4:5], off sc0\ns_waitcnt vmcnt(0)",
        regs={"v[2:3]": lane_addr(mem, np.zeros(64)), "v4": LANES.astype(np.uint32) + 1,
              "v5": LANES.astype(np.uint32)},
        memory=[mem],
    )
    assert int(mem[0]) == 64
    np.testing.assert_array_equal(snap.v(10), LANES)


def test_global_atomic_float_ops() -> None:
    f32 = np.array([1.5, -0.0], dtype=np.float32)
    data = rng(11).standard_normal(64).astype(np.float32)
    snap = run_snippet(
        "global_atomic_add_f32 v1, v[2:3], v4, off sc0\ns_waitcnt vmcnt(0)",
        regs={"v[2:3]": lane_addr(f32, np.zeros(64)), "v4": data},
        memory=[f32],
    )
    acc, olds = np.float32(1.5), []
    for d in data:
        olds.append(acc)
        acc = np.float32(acc + d)
    assert f32[0] == acc
    np.testing.assert_array_equal(snap.vf(1), np.array(olds, np.float32))

    f64 = np.array([2.0, np.nan, 3.0], dtype=np.float64)
    d64 = np.array([0.25] * 64)
    d64[3] = np.nan
    run_snippet(
        "global_atomic_add_f64 v[2:3], v[4:5], off\n"
        "global_atomic_min_f64 v[6:7], v[4:5], off\n"
        "global_atomic_max_f64 v[8:9], v[4:5], off\ns_waitcnt vmcnt(0)",
        regs={"v[2:3]": lane_addr(f64, np.zeros(64)), "v[6:7]": lane_addr(f64, np.full(64, 8)),
              "v[8:9]": lane_addr(f64, np.full(64, 16)), "v[4:5]": d64},
        memory=[f64],
    )
    assert np.isnan(f64[0])  # a NaN addend propagates through add
    assert f64[1] == 0.25 and f64[2] == 3.0  # IEEE-mode min/max: the NaN operand loses


def test_global_atomic_pk_add_f16_bf16() -> None:
    h = np.array([1.0, -2.0], dtype=np.float16)
    hd = np.array([0.5, 0.25], dtype=np.float16)
    b = np.array([0x3F80, 0x4000], dtype=np.uint16)  # bf16 1.0, 2.0
    bd = np.array([0x3F00, 0xBF80], dtype=np.uint16)  # bf16 0.5, -1.0
    ex = 0b11  # two lanes
    run_snippet(
        "global_atomic_pk_add_f16 v[2:3], v4, off\nglobal_atomic_pk_add_bf16 v[6:7], v5, off\n"
        "s_waitcnt vmcnt(0)",
        regs={"v[2:3]": lane_addr(h, np.zeros(64)), "v4": int(hd.view(np.uint32)[0]),
              "v[6:7]": lane_addr(b, np.zeros(64)), "v5": int(bd.view(np.uint32)[0])},
        exec_mask=ex,
        memory=[h, b],
    )
    np.testing.assert_array_equal(h, np.array([2.0, -1.5], dtype=np.float16))
    np.testing.assert_array_equal(b, np.array([0x4000, 0x0000], dtype=np.uint16))  # 2.0, +0.0


# --- MUBUF -----------------------------------------------------------------------------


def test_buffer_load_offen_out_of_range_lanes_read_zero() -> None:
    a = rng(12).integers(1, 2**32, 80, dtype=np.uint32)
    num_records = 40 * 4 + 2  # bytes; the dword at 160 straddles the end
    voff = (4 * LANES).astype(np.uint32)
    snap = run_snippet(
        "buffer_load_dword v1, v2, s[4:7], s8 offen offset:4\ns_waitcnt vmcnt(0)",
        regs={"v2": voff, "s[4:7]": rsrc(a, num_records), "s8": 8, "v1": 0},
        memory=[a],
    )
    offset = voff.astype(np.int64) + 4  # soffset is not range checked
    ok = offset + 4 <= num_records
    want = np.where(ok, a[np.minimum((offset + 8) // 4, 79)], 0)
    np.testing.assert_array_equal(snap.v(1), want)
    assert ok.sum() == 39 and snap.v(1)[38] == a[41] and snap.v(1)[39] == 0


def test_buffer_store_out_of_range_dropped() -> None:
    out = np.zeros(80, dtype=np.uint32)
    data = LANES.astype(np.uint32) + 1
    run_snippet(
        "buffer_store_dword v1, v2, s[4:7], 0 offen\ns_waitcnt vmcnt(0)",
        regs={"v1": data, "v2": (4 * LANES).astype(np.uint32), "s[4:7]": rsrc(out, 100)},
        memory=[out],
    )
    want = np.zeros(80, dtype=np.uint32)
    want[:25] = data[:25]
    np.testing.assert_array_equal(out, want)


def test_buffer_load_dwordx4_checked_per_dword() -> None:
    a = np.arange(4 * 64 + 8, dtype=np.uint32) + 1
    num_records = 4 * 10  # dwords 0..9 in range
    snap = run_snippet(
        "buffer_load_dwordx4 v[4:7], v1, s[4:7], 0 offen\ns_waitcnt vmcnt(0)",
        regs={"v1": (4 * LANES).astype(np.uint32), "s[4:7]": rsrc(a, num_records)},
        memory=[a],
    )
    for k in range(4):
        dword = LANES + k
        np.testing.assert_array_equal(snap.v(4 + k), np.where(dword < 10, a[dword], 0))


def test_buffer_store_dwordx2_partially_in_range() -> None:
    out = np.zeros(140, dtype=np.uint32)
    lo, hi = LANES.astype(np.uint32) + 1, LANES.astype(np.uint32) + 1001
    run_snippet(
        "buffer_store_dwordx2 v[2:3], v1, s[4:7], 0 offen\ns_waitcnt vmcnt(0)",
        regs={"v1": (8 * LANES).astype(np.uint32), "v2": lo, "v3": hi, "s[4:7]": rsrc(out, 4 * 21)},
        memory=[out],
    )
    want = np.zeros(140, dtype=np.uint32)
    for lane in range(64):
        for k, v in ((0, lo[lane]), (1, hi[lane])):
            if 2 * lane + k < 21:
                want[2 * lane + k] = v
    np.testing.assert_array_equal(out, want)


def test_buffer_idxen_offen_stride_structured_range() -> None:
    a = np.arange(64 * 4, dtype=np.uint32)
    stride = 16
    index = (LANES[::-1] % 50).astype(np.uint32)
    offset = np.full(64, 4, np.uint32)
    snap = run_snippet(
        "buffer_load_dword v1, v[2:3], s[4:7], s9 idxen offen offset:4\ns_waitcnt vmcnt(0)",
        regs={"v2": index, "v3": offset, "s[4:7]": rsrc(a, 40, stride), "s9": 0, "v1": 0},
        memory=[a],
    )
    want = np.where(index < 40, a[(stride * index + 8) // 4], 0)
    np.testing.assert_array_equal(snap.v(1), want)


def test_buffer_load_no_vaddr_soffset_and_d16_hi() -> None:
    a = np.arange(32, dtype=np.uint16) + 0x100
    old = np.full(64, 0x11112222, np.uint32)
    snap = run_snippet(
        "buffer_load_short_d16_hi v1, off, s[4:7], s8 offset:6\ns_waitcnt vmcnt(0)",
        regs={"v1": old, "s[4:7]": rsrc(a, 64), "s8": 4},
        memory=[a],
    )
    np.testing.assert_array_equal(snap.v(1), np.full(64, (int(a[5]) << 16) | 0x2222, np.uint32))


def test_buffer_atomic_returning_and_range() -> None:
    mem = np.zeros(4, dtype=np.uint32)
    voff = np.where(LANES < 32, 0, 16).astype(np.uint32)  # upper half out of range
    snap = run_snippet(
        "buffer_atomic_add v1, v2, s[4:7], 0 offen sc0\ns_waitcnt vmcnt(0)",
        regs={"v1": np.ones(64, np.uint32), "v2": voff, "s[4:7]": rsrc(mem, 16)},
        memory=[mem],
    )
    assert int(mem[0]) == 32 and not mem[1:].any()
    np.testing.assert_array_equal(snap.v(1), np.where(LANES < 32, LANES, 0))


def test_buffer_atomic_cmpswap_returning() -> None:
    mem = np.array([5, 6], dtype=np.uint32)
    snap = run_snippet(
        "buffer_atomic_cmpswap v[0:1], v2, s[4:7], 0 offen sc0\ns_waitcnt vmcnt(0)",
        regs={"v0": 9, "v1": 5, "v2": 0, "s[4:7]": rsrc(mem, 8)},
        exec_mask=0b101,
        memory=[mem],
    )
    assert list(mem) == [9, 6]
    assert snap.v(0)[0] == 5 and snap.v(0)[2] == 9 and snap.v(0)[1] == 9


def test_buffer_atomic_no_return() -> None:
    mem = np.zeros(2, dtype=np.uint32)
    run_snippet("buffer_atomic_add v1, v2, s[4:7], 0 offen\ns_waitcnt vmcnt(0)",
                regs={"v1": 2, "v2": 0, "s[4:7]": rsrc(mem, 8)}, memory=[mem])
    assert int(mem[0]) == 128


def test_buffer_swizzled_resource_refused() -> None:
    a = np.zeros(4, dtype=np.uint32)
    r = rsrc(a, 16)
    r[1] |= 1 << 31
    with pytest.raises(EmulationError, match="swizzle"):
        run_snippet("buffer_load_dword v1, off, s[4:7], 0\ns_waitcnt vmcnt(0)", regs={"s[4:7]": r},
                    memory=[a])


def test_buffer_wbl2_counts_on_vmcnt_and_inv_is_free() -> None:
    run_snippet("buffer_wbl2 sc1\nbuffer_inv sc1\ns_waitcnt vmcnt(0)")


# --- SMEM ------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1, 2, 4, 8, 16])
def test_s_load_widths_imm_offset(width: int) -> None:
    a = rng(13).integers(0, 2**32, 40, dtype=np.uint32)
    sfx = "dword" if width == 1 else f"dwordx{width}"
    dst = "s20" if width == 1 else f"s[20:{19 + width}]"
    snap = run_snippet(f"s_load_{sfx} {dst}, s[2:3], 0x10\ns_waitcnt lgkmcnt(0)",
                       regs={"s[2:3]": ptr(a)}, memory=[a])
    assert [snap.s(20 + k) for k in range(width)] == [int(x) for x in a[4 : 4 + width]]


def test_s_load_sgpr_offset_plus_imm_and_low_bits_ignored() -> None:
    a = np.arange(64, dtype=np.uint32) * 7
    snap = run_snippet(
        "s_load_dwordx2 s[20:21], s[2:3], s4 offset:0x8\ns_load_dword s22, s[2:3], 0x13\n"
        "s_load_dword s23, s[2:3], s5\ns_waitcnt lgkmcnt(0)",
        regs={"s[2:3]": ptr(a), "s4": 0x20, "s5": 0x42},
        memory=[a],
    )
    assert (snap.s(20), snap.s(21)) == (int(a[10]), int(a[11]))
    assert snap.s(22) == int(a[4])  # 0x13 & ~3 = 0x10
    assert snap.s(23) == int(a[16])  # 0x42 & ~3 = 0x40


def test_s_load_negative_imm_offset() -> None:
    a = np.arange(16, dtype=np.uint32) + 50
    snap = run_snippet("s_load_dword s20, s[2:3], -0x8\ns_waitcnt lgkmcnt(0)",
                       regs={"s[2:3]": ptr(a) + 16}, memory=[a])
    assert snap.s(20) == int(a[2])


def test_s_buffer_load_range_check() -> None:
    a = np.arange(16, dtype=np.uint32) + 100
    snap = run_snippet(
        "s_buffer_load_dwordx4 s[20:23], s[4:7], 0x8\ns_buffer_load_dword s24, s[4:7], s9\n"
        "s_waitcnt lgkmcnt(0)",
        regs={"s[4:7]": rsrc(a, 16), "s9": 4},
        memory=[a],
    )
    assert [snap.s(20 + k) for k in range(4)] == [102, 103, 0, 0]
    assert snap.s(24) == 101


def test_s_store_dword_and_dcache() -> None:
    out = np.zeros(8, dtype=np.uint32)
    run_snippet(
        "s_store_dwordx2 s[10:11], s[2:3], 0x4\ns_store_dword s12, s[2:3], 0x10\n"
        "s_dcache_wb\ns_waitcnt lgkmcnt(0)",
        regs={"s[2:3]": ptr(out), "s[10:11]": 0x2222222211111111, "s12": 0x33},
        memory=[out],
    )
    assert list(out) == [0, 0x11111111, 0x22222222, 0, 0x33, 0, 0, 0]


# --- asynchronous completion and the sanitizer ----------------------------------------------


@pytest.mark.parametrize(
    ("load", "regs"),
    [
        ("global_load_dword v1, v[2:3], off", "global"),
        ("ds_read_b32 v1, v2", "lds"),
        ("ds_swizzle_b32 v1, v2 offset:swizzle(SWAP,1)", "lds"),
    ],
)
def test_load_result_not_readable_before_waitcnt(load: str, regs: str) -> None:
    a = np.arange(64, dtype=np.uint32)
    out = np.zeros(64, dtype=np.uint32)
    r = {"v[2:3]": lane_addr(a, 4 * LANES)} if regs == "global" else {"v2": (4 * LANES).astype(np.uint32)}
    pre = "" if regs == "global" else "ds_write_b32 v2, v2\ns_waitcnt lgkmcnt(0)\n"
    store = "global_store_dword v[4:5], v1, off\ns_waitcnt vmcnt(0)"
    common = {"v[4:5]": lane_addr(out, 4 * LANES), **r}
    with pytest.raises(SanitizerError) as info:
        run_snippet(f"{pre}{load}\n{store}", regs=common, memory=[a, out], lds_bytes=256)
    assert load.split()[0] in str(info.value)
    assert "read-before-wait" in str(info.value)
    # with the wait in between the same code is fine
    run_snippet(f"{pre}{load}\ns_waitcnt vmcnt(0) lgkmcnt(0)\n{store}", regs=common, memory=[a, out],
                lds_bytes=256)
    assert out.any()


def test_smem_result_not_readable_before_waitcnt() -> None:
    a = np.arange(4, dtype=np.uint32)
    out = np.zeros(2, dtype=np.uint32)
    with pytest.raises(SanitizerError, match="s_load_dword"):
        run_snippet("s_load_dword s4, s[2:3], 0x4\ns_store_dword s4, s[6:7], 0x0\ns_waitcnt lgkmcnt(0)",
                    regs={"s[2:3]": ptr(a), "s[6:7]": ptr(out)}, memory=[a, out])


def test_global_out_of_bounds_is_reported() -> None:
    a = np.zeros(4, dtype=np.uint32)
    with pytest.raises(SanitizerError, match="out-of-bounds"):
        run_snippet("global_load_dword v1, v[2:3], off offset:16\ns_waitcnt vmcnt(0)",
                    regs={"v[2:3]": lane_addr(a, np.zeros(64))}, memory=[a])


def test_gfx90a_glc_returning_atomic() -> None:
    mem = np.zeros(1, dtype=np.uint32)
    snap = run_snippet(
        "global_atomic_add v1, v[2:3], v4, off glc\ns_waitcnt vmcnt(0)",
        regs={"v[2:3]": lane_addr(mem, np.zeros(64)), "v4": 2},
        memory=[mem],
        arch="gfx90a",
    )
    assert int(mem[0]) == 128
    np.testing.assert_array_equal(snap.v(1), 2 * LANES)
