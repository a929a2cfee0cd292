"""Private (scratch) memory on the machine emulator.

Snippets: ``scratch_*`` with the vaddr / saddr / off / both address forms and offsets,
every load and store width, per-lane isolation, EXEC masking, the sanitizer reports
(out-of-bounds, uninitialized, read-before-wait), FLAT accesses in the private
aperture, and gfx90a MUBUF scratch through the dispatcher's scratch descriptor.
Expected values are computed here from the documented rules (a lane's private address
is ``vaddr + saddr + offset`` into its own segment), never by calling the semantics.

HIP: ``tests/data/hip_scratch/scratch.hip`` compiled by clang-22 -O3 (a local array
indexed at run time, a pointer that may point to a local array, register spills, a
recursive kernel) and run against numpy references.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from pyhip_mlir import emulator
from pyhip_mlir.emulator import EmulationError, SanitizerError
from pyhip_mlir.emulator.semantics.memory_scratch import scratch_rsrc_words
from pyhip_mlir.emulator.testing import run_snippet

LANES = np.arange(64)
PRIV = 128
PRIVATE_BASE = 2 << 48  # the private aperture (Linux KFD gfx9), what src_private_base reads


def rng(seed: int = 1) -> np.random.Generator:
    return np.random.default_rng(seed)


def words(seed: int, n: int = 64) -> np.ndarray:
    return rng(seed).integers(0, 2**32, n, dtype=np.uint32)


def dword_at(seg: np.ndarray, addr: int) -> int:
    return int(seg[addr : addr + 4].view("<u4")[0])


# --- address forms -------------------------------------------------------------------


def test_vaddr_with_offset() -> None:
    vals = words(1)
    addr = (4 * (LANES % 16)).astype(np.uint32)
    snap = run_snippet(
        "scratch_store_dword v2, v1, off offset:12\n"
        "scratch_load_dword v3, v2, off offset:12\ns_waitcnt vmcnt(0)",
        regs={"v1": vals, "v2": addr}, private_bytes=PRIV)
    np.testing.assert_array_equal(snap.v(3), vals)
    for lane in (0, 17, 63):
        assert dword_at(snap.private(lane), int(addr[lane]) + 12) == vals[lane]


def test_saddr_and_off_forms() -> None:
    vals = words(2)
    snap = run_snippet(
        "scratch_store_dword off, v1, s4 offset:-4\n"  # 20 - 4 = 16
        "scratch_load_dword v3, off, off offset:16\n"  # both off: the offset alone
        "s_waitcnt vmcnt(0)",
        regs={"v1": vals, "s4": 20}, private_bytes=PRIV)
    np.testing.assert_array_equal(snap.v(3), vals)
    assert dword_at(snap.private(9), 16) == vals[9]


def test_vaddr_plus_saddr() -> None:
    vals = words(3)
    addr = (8 * (63 - LANES) % 96).astype(np.uint32)
    snap = run_snippet(
        "scratch_store_dword v2, v1, s4 offset:-8\n"
        "scratch_load_dword v3, v5, off\ns_waitcnt vmcnt(0)",
        regs={"v1": vals, "v2": addr, "s4": 24, "v5": addr + 16}, private_bytes=PRIV)
    np.testing.assert_array_equal(snap.v(3), vals)


def test_lanes_do_not_collide() -> None:
    """Every lane writes its id at private address 0: 64 segments, 64 values."""
    snap = run_snippet(
        "scratch_store_dword off, v1, off\n"
        "scratch_load_dword v2, off, off\ns_waitcnt vmcnt(0)",
        regs={"v1": LANES.astype(np.uint32)}, private_bytes=PRIV)
    np.testing.assert_array_equal(snap.v(2), LANES)
    assert [dword_at(snap.private(lane), 0) for lane in range(64)] == list(range(64))


def test_exec_masks_lanes() -> None:
    mask = int("0" * 32 + "1" * 32, 2)  # lanes 0-31
    old = words(5)
    snap = run_snippet(
        "scratch_store_dword off, v1, off offset:4\n"
        "scratch_load_dword v2, off, off offset:4\ns_waitcnt vmcnt(0)",
        regs={"v1": words(4), "v2": old}, exec_mask=mask, private_bytes=PRIV)
    np.testing.assert_array_equal(snap.v(2)[:32], words(4)[:32])
    np.testing.assert_array_equal(snap.v(2)[32:], old[32:])
    assert not snap.private(40).any()


# --- widths --------------------------------------------------------------------------

STORES = [  # suffix, bytes, bit position of the stored bytes in the data dword
    ("byte", 1, 0), ("byte_d16_hi", 1, 16), ("short", 2, 0), ("short_d16_hi", 2, 16),
    ("dword", 4, 0), ("dwordx2", 8, 0), ("dwordx3", 12, 0), ("dwordx4", 16, 0),
]


@pytest.mark.parametrize(("suffix", "nbytes", "shift"), STORES)
def test_store_widths(suffix: str, nbytes: int, shift: int) -> None:
    data = rng(6).integers(0, 2**32, (64, 4), dtype=np.uint32)
    snap = run_snippet(f"scratch_store_{suffix} off, v[4:7], off offset:20".replace(
        "v[4:7]", {1: "v4", 2: "v4", 4: "v4", 8: "v[4:5]", 12: "v[4:6]", 16: "v[4:7]"}[nbytes]),
        regs={"v[4:7]": data}, private_bytes=PRIV)
    for lane in (0, 33, 63):
        if nbytes >= 4:
            want = data[lane, : nbytes // 4].astype("<u4").tobytes()
        else:
            want = (int(data[lane, 0]) >> shift).to_bytes(4, "little")[:nbytes]
        seg = snap.private(lane)
        assert seg[20 : 20 + nbytes].tobytes() == want
        assert not seg[20 + nbytes :].any() and not seg[:20].any()


def _sext(v: int, bits: int) -> int:
    return v - (1 << bits) if v >> (bits - 1) else v


LOADS = [  # suffix, address, (value from the segment bytes, old dst) -> expected dword
    ("ubyte", 5, lambda b, o: b[5]),
    ("sbyte", 5, lambda b, o: _sext(b[5], 8) & 0xFFFFFFFF),
    ("ushort", 6, lambda b, o: b[6] | b[7] << 8),
    ("sshort", 6, lambda b, o: _sext(b[6] | b[7] << 8, 16) & 0xFFFFFFFF),
    ("ubyte_d16", 5, lambda b, o: (o & 0xFFFF0000) | b[5]),
    ("sbyte_d16", 5, lambda b, o: (o & 0xFFFF0000) | (_sext(b[5], 8) & 0xFFFF)),
    ("ubyte_d16_hi", 5, lambda b, o: (o & 0xFFFF) | b[5] << 16),
    ("sbyte_d16_hi", 5, lambda b, o: (o & 0xFFFF) | (_sext(b[5], 8) & 0xFFFF) << 16),
    ("short_d16", 6, lambda b, o: (o & 0xFFFF0000) | b[6] | b[7] << 8),
    ("short_d16_hi", 6, lambda b, o: (o & 0xFFFF) | (b[6] | b[7] << 8) << 16),
]


@pytest.mark.parametrize(("suffix", "addr", "expect"), LOADS, ids=[x[0] for x in LOADS])
def test_subdword_loads(suffix: str, addr: int, expect) -> None:  # noqa: ANN001
    data = rng(7).integers(0, 2**32, (64, 4), dtype=np.uint32)
    data[::2, 1] |= 0x80808080  # sign bits set in half the lanes
    old = words(8)
    snap = run_snippet(
        f"scratch_store_dwordx4 off, v[4:7], off\nscratch_load_{suffix} v1, off, off offset:{addr}\n"
        "s_waitcnt vmcnt(0)",
        regs={"v[4:7]": data, "v1": old}, private_bytes=PRIV)
    for lane in range(64):
        b = data[lane].astype("<u4").tobytes()
        assert int(snap.v(1)[lane]) == expect(b, int(old[lane])), lane


@pytest.mark.parametrize("n", [2, 3, 4])
def test_multi_dword_loads(n: int) -> None:
    data = rng(9).integers(0, 2**32, (64, 4), dtype=np.uint32)
    dst = "v[8:9]" if n == 2 else f"v[8:{7 + n}]"
    first = 4 - n  # the load covers the stored dwords first .. 3
    snap = run_snippet(
        f"scratch_store_dwordx4 v1, v[4:7], off offset:32\n"
        f"scratch_load_dwordx{n} {dst}, v1, off offset:{32 + 4 * first}\ns_waitcnt vmcnt(0)",
        regs={"v[4:7]": data, "v1": (4 * (LANES % 4)).astype(np.uint32)}, private_bytes=PRIV)
    for k in range(n):
        np.testing.assert_array_equal(snap.v(8 + k), data[:, first + k])


# --- sanitizer -----------------------------------------------------------------------


def test_out_of_bounds_store_is_reported() -> None:
    addr = np.zeros(64, np.uint32)
    addr[5] = PRIV - 2  # a dword that ends 2 bytes past the segment
    with pytest.raises(SanitizerError, match=r"out-of-bounds: private \(scratch\) address 0x7e") as e:
        run_snippet("scratch_store_dword v2, v1, off", regs={"v1": 1, "v2": addr}, private_bytes=PRIV)
    assert e.value.report.lane == 5


def test_out_of_bounds_collected_reads_zero_and_drops_writes() -> None:
    snap = run_snippet(
        "scratch_store_dword off, v1, off offset:-4\n"  # wraps to 0xfffffffc: out of bounds
        "scratch_store_dword off, v1, off offset:4\n"
        "scratch_load_dword v2, off, off offset:4092\ns_waitcnt vmcnt(0)",
        regs={"v1": 7, "v2": 9}, private_bytes=PRIV, sanitize="collect")
    assert [r.kind for r in snap.reports] == ["out-of-bounds", "out-of-bounds"]
    assert "0xfffffffc" in snap.reports[0].message
    np.testing.assert_array_equal(snap.v(2), 0)
    assert dword_at(snap.private(3), 4) == 7 and snap.private(3)[:4].sum() == 0


def test_no_private_segment_is_out_of_bounds() -> None:
    with pytest.raises(SanitizerError, match="0-byte private segment"):
        run_snippet("scratch_store_dword off, v1, off", regs={"v1": 1})


def test_uninitialized_private_read() -> None:
    with pytest.raises(SanitizerError, match=r"uninitialized: reads private \(scratch\) byte 0x8"):
        run_snippet("scratch_store_byte off, v1, off offset:8\n"
                    "scratch_load_dword v2, off, off offset:8\ns_waitcnt vmcnt(0)",
                    regs={"v1": 1}, private_bytes=PRIV)


def test_read_before_wait_on_scratch_load() -> None:
    with pytest.raises(SanitizerError, match="read-before-wait: reads v2"):
        run_snippet("scratch_store_dword off, v1, off\nscratch_load_dword v2, off, off\n"
                    "v_add_u32 v3, v2, 1\ns_waitcnt vmcnt(0)",
                    regs={"v1": 1}, private_bytes=PRIV)


# --- FLAT in the private aperture -------------------------------------------------------


def test_src_private_base_reads_the_aperture() -> None:
    snap = run_snippet("s_mov_b64 s[2:3], src_private_base")
    assert snap.s64(2) == PRIVATE_BASE


def test_flat_private_and_global_lanes_mixed() -> None:
    out = np.zeros(64, np.uint32)
    vals = words(10)
    priv = LANES < 32
    addr = np.where(priv, PRIVATE_BASE + 8 + 4 * (LANES % 4),
                    int(out.ctypes.data) + 4 * LANES).astype(np.uint64)
    snap = run_snippet(
        "flat_store_dword v[2:3], v1\nflat_load_dword v4, v[2:3]\ns_waitcnt vmcnt(0) lgkmcnt(0)",
        regs={"v[2:3]": addr, "v1": vals}, memory=[out], private_bytes=PRIV)
    np.testing.assert_array_equal(snap.v(4), vals)
    np.testing.assert_array_equal(out[32:], vals[32:])
    assert not out[:32].any()
    assert dword_at(snap.private(6), 8 + 4 * 2) == vals[6]
    assert not snap.private(40).any()


def test_flat_atomic_in_private_aperture_is_refused() -> None:
    with pytest.raises(EmulationError, match=r"private \(scratch\) aperture"):
        run_snippet("flat_atomic_add v[2:3], v1", private_bytes=PRIV,
                    regs={"v[2:3]": np.full(64, PRIVATE_BASE, np.uint64), "v1": 1})


# --- gfx90a: MUBUF through the private segment buffer --------------------------------


def test_gfx90a_buffer_scratch() -> None:
    vals = words(11)
    snap = run_snippet(
        "buffer_store_dword v1, v2, s[0:3], s4 offen offset:4\n"  # 256 / 64 + v2 + 4
        "buffer_load_dword v3, off, s[0:3], 0 offset:16\ns_waitcnt vmcnt(0)",
        arch="gfx90a", regs={"s[0:3]": scratch_rsrc_words(), "s4": 256, "v1": vals, "v2": 8},
        private_bytes=PRIV)
    np.testing.assert_array_equal(snap.v(3), vals)
    assert dword_at(snap.private(63), 16) == vals[63]


def test_gfx90a_buffer_scratch_cross_lane_offset_is_refused() -> None:
    with pytest.raises(EmulationError, match="not a multiple of 256"):
        run_snippet("buffer_store_dword v1, off, s[0:3], s4", arch="gfx90a", private_bytes=PRIV,
                    regs={"s[0:3]": scratch_rsrc_words(), "s4": 4, "v1": 1})


# --- HIP kernels compiled by clang-22 -O3 --------------------------------------------

CLANG = shutil.which("clang-22")
OBJDUMP = shutil.which("llvm-objdump-22")
SRC = Path(__file__).parent / "data" / "hip_scratch" / "scratch.hip"
requires_toolchain = pytest.mark.skipif(CLANG is None or OBJDUMP is None,
                                        reason="clang-22 / llvm-objdump-22 not installed")


@pytest.fixture(scope="module")
def objects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("hip_scratch")
    cos = {}
    for arch in ("gfx942", "gfx90a"):
        co = out / f"scratch_{arch}.co"
        cmd = [str(CLANG), "-x", "hip", f"--offload-arch={arch}", "--offload-device-only",
               "--no-gpu-bundle-output", "-nogpuinc", "-nogpulib", "-O3", "-cuid=pyhip", "-c",
               str(SRC), "-o", str(co)]
        subprocess.run(cmd, check=True, capture_output=True)
        cos[arch] = co
    return cos


@requires_toolchain
def test_hip_kernels_use_scratch(objects: dict[str, Path]) -> None:
    text = subprocess.run([str(OBJDUMP), "-d", str(objects["gfx942"])], capture_output=True, text=True,
                          check=True).stdout
    assert "scratch_load_dword" in text and "scratch_store_dwordx4" in text
    mod = emulator.load(objects["gfx942"])
    for name in ("local_lut", "flat_private", "spill"):
        assert getattr(mod, name).info.descriptor.private_segment_fixed_size > 0


@requires_toolchain
@pytest.mark.parametrize("arch", ["gfx942", "gfx90a"])
def test_hip_local_lut(objects: dict[str, Path], arch: str) -> None:
    n = 150
    idx = rng(20).integers(-1000, 1000, 192).astype(np.int32)
    inp = rng(21).integers(-10**6, 10**6, 192 * 64).astype(np.int32)
    out = np.full(192, -1, np.int32)
    res = emulator.load(objects[arch]).local_lut([3], [64], idx, inp, out, n)
    a = inp.reshape(192, 64) * 3 + LANES
    ref = np.array([sum(int(a[t, (int(idx[t]) + 7 * k) & 63]) for k in range(8)) for t in range(192)])
    np.testing.assert_array_equal(out[:n], ref[:n].astype(np.int32))
    assert (out[n:] == -1).all() and not res.reports


@requires_toolchain
@pytest.mark.parametrize("which", [0, 1])
def test_hip_flat_private(objects: dict[str, Path], which: int) -> None:
    inp = rng(22).integers(-1000, 1000, 64 * 16).astype(np.int32)
    out = rng(23).integers(-1000, 1000, 1024 + 64).astype(np.int32)
    before = out.copy()
    emulator.load(objects["gfx942"]).flat_private([1], [64], inp, out, which)
    t = np.arange(64)
    p = (inp.reshape(64, 16) + 1) if which else before[:1024].reshape(64, 16).copy()
    p[t, (t * 5) & 15] = 7
    np.testing.assert_array_equal(out[1024:], p.sum(axis=1))
    if which:
        np.testing.assert_array_equal(out[:1024], before[:1024])  # the local array took the store


@requires_toolchain
@pytest.mark.parametrize("arch", ["gfx942", "gfx90a"])
def test_hip_spill(objects: dict[str, Path], arch: str) -> None:
    rounds, threads = 3, 128
    inp = rng(24).integers(0, 2**32, threads * 48, dtype=np.uint32)
    out = np.zeros(threads, np.uint32)
    res = emulator.load(objects[arch]).spill([2], [64], inp, out, rounds)
    v = inp.reshape(threads, 48).astype(np.uint64)
    m = np.uint64(0xFFFFFFFF)
    for r in range(rounds):  # in place, in order: v[(i + 17) % 48] may be this round's value
        for i in range(48):
            v[:, i] = (v[:, i] * np.uint64(2654435761) + v[:, (i + 17) % 48] + np.uint64(r)) & m
    s = np.zeros(threads, np.uint64)
    for i in range(48):
        s ^= (v[:, i] * np.uint64(i + 1)) & m
    np.testing.assert_array_equal(out, s.astype(np.uint32))
    assert not res.reports


@requires_toolchain
def test_hip_gfx90a_flat_scratch_is_refused(objects: dict[str, Path]) -> None:
    k = emulator.load(objects["gfx90a"]).flat_private
    with pytest.raises(EmulationError, match="gfx90a FLAT/SCRATCH access to private memory is not modelled"):
        k([1], [64], np.zeros(1024, np.int32), np.zeros(1088, np.int32), 1)


@requires_toolchain
def test_hip_dynamic_stack_is_refused(objects: dict[str, Path]) -> None:
    k = emulator.load(objects["gfx942"]).recursive
    with pytest.raises(EmulationError, match="dynamic stack"):
        k([1], [64], np.zeros(64, np.int32), 5)


# --- sanitizer exemptions for compiled spill code -------------------------------------


def test_in_order_vmem_write_after_write_is_legal() -> None:
    """Two scratch loads into overlapping registers without a wait between them: vmcnt
    loads return in order, so the second one's value wins and nothing is reported."""
    snap = run_snippet(
        "scratch_store_dwordx2 off, v[4:5], off\nscratch_store_dword off, v6, off offset:8\n"
        "scratch_load_dwordx2 v[2:3], off, off\nscratch_load_dword v3, off, off offset:8\n"
        "s_waitcnt vmcnt(0)",
        regs={"v[4:5]": rng(12).integers(0, 2**32, (64, 2), dtype=np.uint32), "v6": words(13)},
        private_bytes=PRIV)
    np.testing.assert_array_equal(snap.v(3), words(13))
    assert not snap.reports


def test_overwrite_of_an_lds_load_is_still_reported() -> None:
    with pytest.raises(SanitizerError, match="overwrite-pending: overwrites v3"):
        run_snippet("ds_write_b32 v1, v1\nds_read_b32 v3, v1\nscratch_load_dword v3, off, off\n"
                    "s_waitcnt vmcnt(0) lgkmcnt(0)",
                    regs={"v1": 0}, lds_bytes=64, private_bytes=PRIV, sanitize=True)


def test_spilling_an_unwritten_register_is_not_reported() -> None:
    snap = run_snippet("scratch_store_dword off, v5, off offset:4\nscratch_load_dword v6, off, off offset:4\n"
                       "s_waitcnt vmcnt(0)", private_bytes=PRIV, max_vgpr=8)
    assert not snap.reports
