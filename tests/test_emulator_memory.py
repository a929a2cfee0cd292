"""The emulator's memory model: host buffers as global memory, LDS, buffer resources."""

from __future__ import annotations

import ctypes

import numpy as np
import pytest
import torch

from pyhip_mlir.emulator import memory as M
from pyhip_mlir.emulator.buffer_rsrc import (
    UnsupportedBufferResource,
    buffer_address,
    decode_rsrc,
)
from pyhip_mlir.emulator.memory import LDS, GlobalMemory, MemoryFault

U64 = np.uint64


def addrs(*values: int) -> np.ndarray:
    return np.array(values, dtype=U64)


# -- global memory over host objects --------------------------------------------------


def test_numpy_buffer_read_write_in_place() -> None:
    g = GlobalMemory()
    x = np.arange(256, dtype=np.uint32)
    base = g.register(x, "x")
    assert base == x.ctypes.data
    lanes = base + 4 * np.arange(64, dtype=U64)[::-1]
    assert (g.read_u32(lanes, 1)[:, 0] == np.arange(64)[::-1]).all()
    g.write_u32(lanes, (1000 + np.arange(64, dtype=np.uint32))[:, None])
    assert (x[:64] == 1000 + np.arange(64)[::-1]).all()  # visible in the original array
    assert (x[64:] == np.arange(64, 256)).all()
    two = g.read_u32(base + 16 * np.arange(8, dtype=U64), 4)
    assert two.shape == (8, 4) and (two.reshape(-1) == x[:32]).all()


def test_torch_tensors_shared_memory() -> None:
    g = GlobalMemory()
    t = torch.zeros(32, dtype=torch.float32)
    bf = torch.arange(16, dtype=torch.bfloat16)
    tg = torch.ones(8, requires_grad=True)
    base = g.register(t, "t")
    assert base == t.data_ptr()
    g.write_u32(
        base + 4 * np.arange(32, dtype=U64), np.arange(32, dtype=np.float32).view(np.uint32)
    )
    assert torch.equal(t, torch.arange(32, dtype=torch.float32))
    bbase = g.register(bf, "bf")
    assert bbase == bf.data_ptr()
    halves = g.read(bbase + 2 * np.arange(16, dtype=U64), 2).view(np.uint16)[:, 0]
    assert (halves == bf.view(torch.int16).numpy().view(np.uint16)).all()
    gbase = g.register(tg, "grad")
    assert g.read_u32(addrs(gbase + 28), 1)[0, 0] == np.float32(1).view(np.uint32)


def test_strided_view_extent_and_read_only() -> None:
    g = GlobalMemory()
    x = np.arange(64, dtype=np.uint32)
    odd = x[1::2]
    base = g.register(odd, "odd")
    assert base == x.ctypes.data + 4
    assert (g.read_u32(base + 8 * np.arange(32, dtype=U64), 1)[:, 0] == x[1::2]).all()
    with pytest.raises(MemoryFault):  # the last element ends the view's extent
        g.read_u32(addrs(base + 8 * 31 + 4), 1)
    ro = np.arange(16, dtype=np.uint32)
    ro.flags.writeable = False
    rbase = g.register(ro, "ro")
    assert g.read_u32(addrs(rbase + 4), 1)[0, 0] == 1
    with pytest.raises(MemoryFault) as e:
        g.write_u32(addrs(rbase + 4), np.array([[7]], np.uint32))
    assert e.value.kind == "read_only" and ro[1] == 1


def test_overlapping_registrations_merge() -> None:
    g = GlobalMemory()
    x = np.arange(64, dtype=np.uint32)
    inner = g.register(x[8:16], "inner")
    outer = g.register(x, "outer")
    assert inner == outer + 32
    assert (g.read_u32(outer + 4 * np.arange(64, dtype=U64), 1)[:, 0] == x).all()
    assert len(g._regions) == 1


def test_out_of_bounds_by_one_byte_names_the_buffer() -> None:
    g = GlobalMemory()
    g.register(np.zeros(8, np.uint32), "first")
    x = np.zeros(16, np.uint32)
    base = g.register(x, "out")
    lanes = base + 4 * np.arange(16, dtype=U64)
    lanes[5] += 61  # 4 bytes at offset 61: one byte past the end
    with pytest.raises(MemoryFault) as e:
        g.write_u32(lanes, np.ones((16, 1), np.uint32))
    f = e.value
    assert (f.kind, f.index, f.address, f.nbytes) == ("out_of_bounds", 5, base + 81, 4)
    assert "buffer #1" in f.message and 'arg "out"' in f.message
    assert "1 bytes past the end" in f.message and f"0x{base:x}" in f.message
    assert (x == 0).all()  # a refused access changes nothing, not even the good lanes
    with pytest.raises(MemoryFault) as e:
        g.read_u32(addrs(base + 64), 1)
    assert e.value.kind in ("out_of_bounds", "unmapped")
    assert "4 bytes past the end of buffer #1" in e.value.message
    with pytest.raises(MemoryFault) as e:
        g.read(addrs(base - 2), 1)
    assert (
        "before the start of buffer #1" in e.value.message
        or "past the end of buffer #0" in e.value.message
    )


def test_wild_address_is_unmapped_not_a_crash() -> None:
    g = GlobalMemory()
    g.register(np.zeros(4, np.uint32), "x")
    g.register_raw(ctypes.addressof(ctypes.create_string_buffer(16)))
    for access in (
        lambda: g.read_u32(addrs(0x10), 1),
        lambda: g.write_u32(addrs(0x10), np.zeros((1, 1), np.uint32)),
        lambda: g.atomic(addrs(0x10), 4, np.add, np.ones(1, np.uint32), np.uint32),
    ):
        with pytest.raises(MemoryFault) as e:
            access()
        assert e.value.kind == "unmapped" and "0x10" in e.value.message


def test_raw_pointer_into_unregistered_memory() -> None:
    buf = ctypes.create_string_buffer(64)
    ptr = ctypes.addressof(buf)
    strict = GlobalMemory()
    with pytest.raises(MemoryFault):  # no raw pointer: unregistered memory is refused
        strict.read_u32(addrs(ptr), 1)
    g = GlobalMemory()
    g.register_raw(ptr)
    g.write_u32(ptr + 4 * np.arange(4, dtype=U64), np.array([[0x64636261]] * 4, np.uint32))
    assert buf.raw[:16] == b"abcd" * 4
    assert (g.read(addrs(ptr + 1, ptr + 2), 2) == [[98, 99], [99, 100]]).all()
    (rec,) = g.raw_accesses()
    assert rec.pointers == (ptr,) and rec.count == 6 and rec.writes == 4
    assert rec.lo == ptr and rec.hi == ptr + 16


def test_raw_pointer_does_not_hide_overflow_of_a_registered_buffer() -> None:
    big = np.zeros(4096, np.uint8)  # raw memory, with a registered buffer inside it
    g = GlobalMemory()
    g.register_raw(big.ctypes.data)
    base = g.register(big[64:128], "inner")
    with pytest.raises(MemoryFault) as e:  # starts in the buffer, runs 2 bytes past it
        g.read(addrs(base + 62), 4)
    assert e.value.kind == "out_of_bounds" and 'arg "inner"' in e.value.message
    g.write(addrs(big.ctypes.data, base + 200), np.full((2, 4), 7, np.uint8))
    assert (big[:4] == 7).all() and (big[264:268] == 7).all()  # raw: allowed, logged
    assert sum(r.count for r in g.raw_accesses()) == 2


def test_stale_maps_are_read_again_on_a_miss() -> None:
    buf = ctypes.create_string_buffer(32)
    ptr = ctypes.addressof(buf)
    g = GlobalMemory()
    g.register_raw(ptr)
    g.refresh_maps()
    maps = g._maps
    assert maps is not None
    keep = ~((maps.starts <= ptr) & (ptr < maps.ends))  # forget the pointer's mapping
    g._maps = M._Maps(
        maps.starts[keep],
        maps.ends[keep],
        [p for p, k in zip(maps.perms, keep, strict=True) if k],
        maps.writable[keep],
        maps.has_raw[keep],
    )
    assert g.read_u32(addrs(ptr), 1)[0, 0] == 0


def test_misaligned_global_access_is_performed_and_recorded() -> None:
    g = GlobalMemory()
    x = np.arange(8, dtype=np.uint32)
    base = g.register(x, "x")
    assert g.misaligned_count == 0
    got = g.read_u32(addrs(base + 2, base + 4), 1)[:, 0]
    assert got[0] == (0 >> 16) | (1 << 16) and got[1] == 1
    assert g.misaligned_count == 1 and g.misaligned_examples == [(base + 2, 4)]


def test_duplicate_stores_highest_lane_wins() -> None:
    g = GlobalMemory()
    x = np.zeros(4, np.uint32)
    base = g.register(x, "x")
    g.write_u32(np.full(64, base, U64), np.arange(64, dtype=np.uint32)[:, None])
    assert x[0] == 63
    y = np.zeros(16, np.uint8)
    yb = g.register(y, "y")
    g.write(addrs(yb, yb + 4), np.array([[1] * 8, [2] * 8], np.uint8))  # lane 1 covers 4..11
    assert list(y[:12]) == [1] * 4 + [2] * 8
    y[:] = 0
    g.write(addrs(yb + 4, yb), np.array([[1] * 4 + [9] * 4, [2] * 8], np.uint8))
    assert list(y[:8]) == [2] * 8  # lane 1 wrote every byte lane 0 did
    v = np.array([5, 6, 7], np.uint8)
    M._scatter(v, np.array([0, 2, 0, 2, 1]), np.array([1, 2, 3, 4, 9], np.uint8))
    assert list(v) == [3, 9, 4]


@pytest.mark.parametrize("op", [np.add, lambda old, d: old + d], ids=["ufunc", "lambda"])
def test_atomics_on_one_address_are_sequential(op: M.AtomicOp) -> None:
    g = GlobalMemory()
    x = np.array([100, 0, 0, 0], np.uint32)
    base = g.register(x, "x")
    lanes = np.full(64, base, U64)
    lanes[1::2] += 4  # odd lanes hit x[1]
    old = g.atomic(lanes, 4, op, np.arange(64, dtype=np.uint32), np.uint32)
    even, odd = np.arange(0, 64, 2), np.arange(1, 64, 2)
    assert x[0] == 100 + even.sum() and x[1] == odd.sum()
    assert (old[0::2] == 100 + np.concatenate([[0], np.cumsum(even)[:-1]])).all()
    assert (old[1::2] == np.concatenate([[0], np.cumsum(odd)[:-1]])).all()


def test_atomics_many_lanes_and_kinds() -> None:
    g = GlobalMemory()
    x = np.zeros(1024, np.uint32)
    base = g.register(x, "x")
    ones = np.ones(65536, np.uint32)
    old = g.atomic(np.full(65536, base, U64), 4, np.add, ones, np.uint32)
    assert x[0] == 65536 and (old == np.arange(65536)).all()
    distinct = base + 4 * np.arange(1, 1024, dtype=U64)
    old = g.atomic(distinct, 4, np.maximum, np.full(1023, 7, np.uint32), np.uint32)
    assert (old == 0).all() and (x[1:] == 7).all()
    f = np.zeros(2, np.float32)
    fb = g.register(f, "f")
    vals = np.array([1e8, 1.0, -1e8, 1.0], np.float32)
    old = g.atomic(np.full(4, fb, U64), 4, np.add, vals, np.float32)
    assert list(old) == [0.0, 1e8, 1e8, 0.0] and f[0] == 1.0  # float32 rounding, in lane order

    def cmpswap(cur: np.ndarray, d: np.ndarray) -> np.ndarray:
        return np.where(cur == d[:, 1], d[:, 0], cur)

    c = np.array([5], np.uint32)
    cb = g.register(c, "c")
    pairs = np.array([[9, 4], [8, 5], [7, 5], [6, 8]], np.uint32)  # (new, compare)
    old = g.atomic(np.full(4, cb, U64), 4, cmpswap, pairs, np.uint32)
    assert list(old) == [5, 5, 8, 8] and c[0] == 6
    with pytest.raises(ValueError):
        g.atomic(addrs(cb), 4, np.add, np.ones(1, np.uint64), np.uint64)


def test_hot_path_takes_the_single_buffer_shortcut(monkeypatch: pytest.MonkeyPatch) -> None:
    g = GlobalMemory()
    x = np.arange(1 << 18, dtype=np.uint32)
    base = g.register(x, "x")
    lanes = base + 4 * np.random.default_rng(0).integers(0, 1 << 18, 65536).astype(U64)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("general path")

    monkeypatch.setattr(g, "_resolve", refuse)
    got = g.read_u32(lanes, 1)
    assert (got[:, 0] == (lanes - U64(base)) // U64(4)).all()
    g.write_u32(lanes, got)
    with pytest.raises(AssertionError):
        g.read_u32(lanes + U64(2), 1)


# -- LDS --------------------------------------------------------------------------------


def test_lds_in_range_and_out_of_range() -> None:
    seen: list[MemoryFault] = []
    lds = LDS(256, on_fault=seen.append)
    lds.write_u32(np.arange(0, 256, 4, dtype=np.uint32), np.arange(64, dtype=np.uint32)[:, None])
    assert (lds.read_u32(np.arange(0, 256, 4, dtype=np.uint32), 1)[:, 0] == np.arange(64)).all()
    got = lds.read_u32(np.array([252, 254, 256, 4096], np.uint32), 1)[:, 0]
    assert list(got) == [63, 0, 0, 0]  # out of range (whole access) reads 0
    assert len(seen) == 1 and seen[0] is lds.faults[0]
    assert (seen[0].kind, seen[0].index, seen[0].address, seen[0].count) == (
        "out_of_bounds",
        1,
        254,
        3,
    )
    assert "256-byte LDS" in seen[0].message
    before = lds.mem.copy()
    lds.write_u32(np.array([254, 256], np.uint32), np.array([[1], [2]], np.uint32))
    assert (lds.mem == before).all() and len(lds.faults) == 2  # dropped, reported
    old = lds.atomic(
        np.array([0, 0, 300], np.uint32), 4, np.add, np.array([5, 5, 5], np.uint32), np.uint32
    )
    assert list(old) == [0, 5, 0] and lds.read_u32(np.array([0], np.uint32), 1)[0, 0] == 10
    with pytest.raises(ValueError):
        LDS(65537)


def test_lds_uninitialized_and_misaligned() -> None:
    lds = LDS(128)
    lds.write(np.array([8], np.uint32), np.full((1, 8), 3, np.uint8))
    flags = lds.uninitialized(np.array([8, 12, 4, 200], np.uint32), 4)
    assert list(flags) == [False, False, True, False]
    assert list(lds.uninitialized(np.array([6], np.uint32), 4)) == [True]
    assert lds.written.sum() == 8
    lds.read(np.array([8, 12], np.uint32), 8)  # b64 at 12 is misaligned
    assert lds.misaligned_count == 1 and lds.misaligned_examples == [(12, 8)]
    assert (lds.read(np.array([12], np.uint32), 8)[0] == [3, 3, 3, 3, 0, 0, 0, 0]).all()


# -- buffer resources --------------------------------------------------------------------


def make_rsrc(base: int, stride: int, num_records: int, word3: int = 0x00027000) -> np.ndarray:
    w1 = ((base >> 32) & 0xFFFF) | (stride << 16)
    return np.array([[base & 0xFFFFFFFF, w1, num_records, word3]], np.uint32)


def test_decode_rsrc_fields() -> None:
    word3 = (4 << 0) | (5 << 3) | (6 << 6) | (7 << 9) | (4 << 12) | (13 << 15) | (1 << 23)
    r = decode_rsrc(
        make_rsrc(0x1234_5678_9ABC, 0x3FFF, 1000, word3) | np.array([0, 3 << 30, 0, 0], np.uint32)
    )
    assert int(r.base[0]) == 0x1234_5678_9ABC and int(r.stride[0]) == 0x3FFF
    assert bool(r.cache_swizzle[0]) and bool(r.swizzle_enable[0]) and int(r.num_records[0]) == 1000
    assert list(r.dst_sel[0]) == [4, 5, 6, 7]
    assert (int(r.num_format[0]), int(r.data_format[0]), bool(r.add_tid_enable[0])) == (4, 13, True)


def test_raw_buffer_range_check_at_the_boundary() -> None:
    r = decode_rsrc(make_rsrc(0x10000, 0, 64))
    voff = np.zeros((1, 64), np.uint32)
    voff[0, :6] = [0, 60, 61, 64, 0xFFFFFFFC, 56]
    addr, ok = buffer_address(r, None, voff, 1000, 0, idxen=False, offen=True, lane=None, nbytes=4)
    assert list(ok[0, :6]) == [True, True, False, False, False, True]  # soffset not checked
    assert int(addr[0, 1]) == 0x10000 + 1000 + 60
    _, ok = buffer_address(r, None, voff, 0, 8, False, True, None, 4)
    assert list(ok[0, :6]) == [True, False, False, False, False, False]  # 0xFFFFFFFC + 8 saturates
    _, comp = buffer_address(r, None, voff, 0, 0, False, True, None, 16)
    assert comp.shape == (1, 64, 4) and list(comp[0, 5]) == [True, True, False, False]
    _, whole = buffer_address(r, None, voff, 0, 0, False, True, None, 16, all_or_nothing=True)
    assert whole.shape == (1, 64) and not whole[0, 5] and whole[0, 0]
    _, ok2 = buffer_address(r, None, None, 0, 62, False, False, None, 2)
    assert ok2.all()  # 62 + 2 <= 64 for every lane (no vgpr offset)


def test_structured_buffer_range_check() -> None:
    r = decode_rsrc(np.concatenate([make_rsrc(0x20000, 16, 4), make_rsrc(0x30000, 16, 40)]))
    vidx = np.tile(np.arange(64, dtype=np.uint32), (2, 1))
    voff = np.full((2, 64), 20, np.uint32)
    addr, ok = buffer_address(r, vidx, voff, np.array([0, 8], np.uint32), 0, True, True, None, 4)
    assert list(ok[0, :6]) == [True] * 4 + [False] * 2  # index < num_records
    assert ok[1, :40].all() and not ok[1, 40:].any()
    assert int(addr[0, 3]) == 0x20000 + 3 * 16 + 20 and int(addr[1, 2]) == 0x30000 + 8 + 32 + 20
    _, raw = buffer_address(r, vidx, voff, 0, 0, idxen=False, offen=True, lane=None, nbytes=4)
    assert list(raw[:, 0]) == [False, True]  # without idxen num_records counts bytes: 20+4 > 4


def test_swizzled_buffer_is_reported() -> None:
    r = decode_rsrc(make_rsrc(0x1000, 16, 4, 0x00027000 | (1 << 23)))
    with pytest.raises(UnsupportedBufferResource, match="add_tid_enable/swizzle_enable"):
        buffer_address(r, None, None, 0, 0, False, False, np.arange(64), 4)


def test_buffer_load_through_global_memory() -> None:
    g = GlobalMemory()
    x = np.arange(32, dtype=np.uint32)
    base = g.register(x, "x")
    r = decode_rsrc(make_rsrc(base, 0, 64))  # only the first 16 dwords are in range
    voff = (4 * np.arange(64, dtype=np.uint32))[None, :]
    addr, ok = buffer_address(r, None, voff, 0, 0, False, True, None, 4)
    vals = np.zeros(64, np.uint32)
    vals[ok[0]] = g.read_u32(addr[0][ok[0]], 1)[:, 0]
    assert (vals[:16] == np.arange(16)).all() and (vals[16:] == 0).all()
