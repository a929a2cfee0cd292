"""Memory model of the gfx942 (CDNA3) emulator: global memory over host buffers, and LDS.

Global memory
    ``GlobalMemory`` maps the emulated 64-bit address space onto *host* memory: a kernel
    argument is the real host address of a numpy array / CPU torch tensor (anything with
    ``__array_interface__`` or ``__dlpack__``), so results land in the caller's object with
    no copy. Every access is checked before any byte is touched; an access the emulator
    refuses raises ``MemoryFault`` (never a host segfault) and leaves memory unchanged.

    * Registered buffers: accesses must lie wholly inside one (overlapping registrations
      are merged into one region). One byte past the end is a fault naming the buffer.
    * Raw pointers (``register_raw``): bounds unknown. An access outside every registered
      buffer is let through only if it lies inside a *writable* mapping of this process
      (``/proc/self/maps``, cached, re-read once on a miss and after each
      ``register_raw``) that contains a registered raw pointer, and does not start inside
      a registered buffer (overflowing a buffer is always a fault). Such accesses go through
      ctypes views and are logged (``raw_accesses``) so a sanitizer can say "bounds
      unknown". Caveat: a mapping unmapped after the cache was read is not noticed; call
      ``refresh_maps`` after freeing raw memory.
    * Alignment (a choice): gfx942 global memory is run with unaligned access allowed
      (SH_MEM_CONFIG.alignment_mode = unaligned, the Linux ROCm default), so a misaligned
      access is *not* a fault. It is performed and recorded (``misaligned_count`` /
      ``misaligned_examples``) when ``addr % min(lowest power of two of nbytes, 4) != 0``.
    * Lane order: within one call, lanes are in index order. Duplicate-address stores:
      the highest index wins (per byte). numpy leaves the order of repeated fancy-index
      assignments unspecified, so every scatter is read back and fixed up if needed.
    * Atomics are read-modify-write with sequential semantics in lane order: lanes on
      the same address see each other's results (64 lanes adding 1 to one word add 64 and
      return 0..63). Distinct addresses are one vectorized step; repeated addresses are
      done in rounds (the r-th lane of every address in round r), and an address hit by
      many lanes with a numpy ufunc ``op`` is one ``ufunc.accumulate`` (sequential).

LDS
    ``LDS`` is one workgroup's local data share (``nbytes`` from the kernel descriptor,
    at most 64 KiB on gfx942). Out of range, reads return 0 and writes are discarded:
    the CDNA3 ISA guide's LDS rule as relayed by this emulator's design notes (the guide's
    text itself was not at hand when this was written). The check is per access (any
    byte past ``nbytes`` drops the whole access); each offending call is reported as one
    ``MemoryFault(kind="out_of_bounds")`` appended to ``faults`` and passed to
    ``on_fault``, never raised. Hardware allocates LDS in 512-byte granules; accesses past
    ``nbytes`` but inside the granule are treated as out of range here (a report, not a
    silent hit). Misaligned accesses (``addr % min(lowest power of two of nbytes, 16)``)
    are performed and recorded. Contents start as zeros (undefined on hardware):
    ``written`` marks the bytes written this launch and ``uninitialized`` says which
    accesses read a byte never written.

Sources: LLVM AMDGPUUsage.rst (address spaces; LDS is the 32-bit local address space);
the emulator's design notes for the gfx942 unaligned-access default (MI300 allows
unaligned global accesses when SH_MEM_CONFIG.alignment_mode permits, the Linux ROCm
default) and for the LDS out-of-range rule; neither was checked against the ISA guide.
Buffer resources (MUBUF) live in ``buffer_rsrc.py`` with their own sources.
"""

from __future__ import annotations

import bisect
import ctypes
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

import numpy as np

__all__ = ["LDS", "GlobalMemory", "MemoryFault", "RawAccess"]

AtomicOp = Callable[[np.ndarray, np.ndarray], np.ndarray]
MAX_EXAMPLES = 32  # misaligned accesses kept as examples (the count is exact)
_SCAN_MIN = 8  # an address hit by more lanes than this uses ufunc.accumulate
_U64 = np.uint64


@dataclass(eq=False)
class MemoryFault(Exception):
    """An access the emulator refuses (global memory) or reports (LDS).

    ``index``: position of the first offending lane in the flat address array;
    ``address``/``nbytes``: that lane's access; ``kind``: "out_of_bounds", "unmapped",
    "read_only" or "misaligned" (not raised by this module: misaligned accesses are
    performed and logged); ``count``: offending lanes in the call; ``message``: text
    naming the address and the buffer nearest to it.
    """

    message: str
    index: int
    address: int
    nbytes: int
    kind: str
    count: int = 1

    def __str__(self) -> str:
        return self.message


def _flat_u64(addr: Any) -> np.ndarray:
    a = np.asarray(addr)
    return (a if a.dtype == _U64 else a.astype(_U64)).reshape(-1)


def _align_of(nbytes: int, cap: int) -> int:
    return min(nbytes & -nbytes, cap) if nbytes > 0 else 1


class _MisalignedLog:
    """``misaligned_count`` (exact) and up to MAX_EXAMPLES (address, nbytes) examples."""

    misaligned_count: int = 0
    misaligned_examples: list[tuple[int, int]]

    def _note(self, a: np.ndarray, nbytes: int, cap: int) -> None:
        mask = _align_of(nbytes, cap) - 1
        if mask and a.size and int(np.bitwise_or.reduce(a)) & mask:
            bad = np.flatnonzero(a & a.dtype.type(mask))
            self.misaligned_count += bad.size
            room = max(MAX_EXAMPLES - len(self.misaligned_examples), 0)
            self.misaligned_examples += [(int(x), nbytes) for x in a[bad[:room]]]


def _bytes_at(address: int, nbytes: int) -> np.ndarray:
    """A writable uint8 array over ``nbytes`` of host memory at ``address``."""
    if nbytes <= 0:
        return np.zeros(0, np.uint8)
    return np.ctypeslib.as_array((ctypes.c_ubyte * nbytes).from_address(address))


def _rows(view: np.ndarray, off: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n-byte items of ``view`` that start at every offset, and ``off`` as item indices.

    Gathering items of a void dtype copies n bytes per lane in one pass, far faster than
    a (k, n) fancy index, and fastest when the items tile the buffer (stride n). The
    stride is the largest power of two up to n (or 16) that all offsets agree modulo.
    """
    if off.size == 0:
        return np.zeros(0, np.dtype((np.void, n))), off
    differ = int(np.bitwise_or.reduce(off)) ^ int(np.bitwise_and.reduce(off))
    cap = n if n & (n - 1) == 0 else 16
    g = min(differ & -differ, cap) if differ else cap
    r = int(off[0]) % g
    count = max((view.size - r - n) // g + 1, 0)
    items = np.ndarray((count,), np.dtype((np.void, n)), buffer=view, offset=r, strides=(g,))
    return items, off >> (g.bit_length() - 1) if g > 1 else off


def _gather(view: np.ndarray, off: np.ndarray, n: int) -> np.ndarray:
    """(k,) byte offsets -> (k, n) uint8 copied out of ``view``."""
    items, idx = _rows(view, off, n)
    return items[idx].view(np.uint8).reshape(-1, n)


def _scatter(view: np.ndarray, idx: np.ndarray, vals: np.ndarray) -> None:
    """``view[idx] = vals`` with the highest position winning for repeated indices."""
    view[idx] = vals
    bad = view[idx] != vals
    if bad.any():  # numpy picked another writer of a repeated index: redo those
        hit = np.isin(idx, np.unique(idx[bad]))
        ridx, rvals = idx[hit][::-1], vals[hit][::-1]
        uniq, first = np.unique(ridx, return_index=True)
        view[uniq] = rvals[first]


def _store(view: np.ndarray, off: np.ndarray, data: np.ndarray) -> None:
    """Store (k, n) uint8 rows at byte offsets; for every byte the highest lane wins."""
    if off.size == 0:
        return
    n = data.shape[1]
    data = np.ascontiguousarray(data, dtype=np.uint8)
    items, idx = _rows(view, off, n)
    items[idx] = data.view(items.dtype).reshape(-1)
    word = next(t for t in (np.uint64, np.uint32, np.uint16, np.uint8) if n % t().itemsize == 0)
    if (items[idx].view(np.uint8).reshape(-1, n).view(word) != data.view(word)).any():
        # Overlapping stores ended in an unexpected order: redo byte by byte.
        _scatter(view, (off[:, None] + np.arange(n)).reshape(-1), data.reshape(-1))


def _atomic_view(
    view: np.ndarray, off: np.ndarray, op: AtomicOp, data: np.ndarray, dt: np.dtype
) -> np.ndarray:
    """Sequential per-lane read-modify-write at byte offsets ``off`` of ``view``."""
    n, m = dt.itemsize, off.size
    srt = off if m < 2 or (off[1:] > off[:-1]).all() else np.sort(off)
    if m < 2 or not (srt[1:] == srt[:-1]).any():
        old = _gather(view, off, n).view(dt).reshape(m)
        new = np.ascontiguousarray(np.asarray(op(old, data), dtype=dt))
        _store(view, off, new.view(np.uint8).reshape(m, n))
        return old
    order = np.argsort(off, kind="stable")  # lane order inside each address group
    so = off[order]
    gstart = np.flatnonzero(np.r_[True, so[1:] != so[:-1]])
    gsize = np.diff(np.r_[gstart, m])
    rank = np.empty(m, np.int64)
    rank[order] = np.arange(m) - np.repeat(gstart, gsize)
    old = np.empty(m, dt)
    if isinstance(op, np.ufunc) and op.nin == 2 and data.ndim == 1 and data.dtype == dt:
        for g in np.flatnonzero(gsize > _SCAN_MIN):
            lanes = order[gstart[g] : gstart[g] + gsize[g]]
            o = int(so[gstart[g]])
            seq = np.concatenate([view[o : o + n].copy().view(dt), data[lanes]])
            acc = op.accumulate(seq, dtype=dt)
            old[lanes] = acc[:-1]
            view[o : o + n] = acc[-1:].view(np.uint8)
            rank[lanes] = -1
    by_rank = np.argsort(rank, kind="stable")
    pos = int(np.count_nonzero(rank < 0))
    for count in np.bincount(rank[rank >= 0]):
        sel = by_rank[pos : pos + count]  # one lane per address, in lane order
        pos += int(count)
        cur = _gather(view, off[sel], n).view(dt).reshape(-1)
        old[sel] = cur
        new = np.ascontiguousarray(np.asarray(op(cur, data[sel]), dtype=dt))
        _store(view, off[sel], new.view(np.uint8).reshape(-1, n))
    return old


@dataclass
class _Member:
    """One registered object."""

    number: int
    name: str | None
    base: int
    nbytes: int
    readonly: bool
    keep: tuple[Any, ...]  # references that keep the memory alive

    @property
    def end(self) -> int:
        return self.base + self.nbytes

    def describe(self) -> str:
        arg = f', arg "{self.name}"' if self.name else ""
        return f"buffer #{self.number} (0x{self.base:x}-0x{self.end:x}, {self.nbytes} bytes{arg})"


@dataclass
class _Region:
    """Non-overlapping host range made of one or more registered members."""

    base: int
    end: int
    members: list[_Member]
    view: np.ndarray
    u32: np.ndarray | None = None
    readonly: list[tuple[int, int]] = field(default_factory=list)  # offsets [lo, hi)

    def __post_init__(self) -> None:
        n = self.end - self.base
        if self.base % 4 == 0 and n >= 4:
            self.u32 = self.view[: n - n % 4].view(np.uint32)
        self.readonly = [
            (m.base - self.base, m.end - self.base) for m in self.members if m.readonly
        ]


@dataclass
class RawAccess:
    """Accesses through raw pointers into one host mapping (bounds unknown)."""

    mapping: tuple[int, int]
    pointers: tuple[int, ...]
    lo: int
    hi: int
    count: int = 0
    writes: int = 0


@dataclass
class _Maps:
    starts: np.ndarray
    ends: np.ndarray
    perms: list[str]
    writable: np.ndarray
    has_raw: np.ndarray


def _host_span(obj: Any) -> tuple[int, int, int, bool, tuple[Any, ...]]:
    """(element-0 address, lowest byte offset, highest byte offset + 1, read-only, keep)."""
    if callable(getattr(obj, "data_ptr", None)) and callable(getattr(obj, "element_size", None)):
        dev = getattr(obj, "device", None)
        if dev is not None and getattr(dev, "type", "cpu") != "cpu":
            raise TypeError(f"tensor on device {dev} is not host memory")
        item = int(obj.element_size())
        shape, strides = tuple(obj.shape), tuple(s * item for s in obj.stride())
        ptr, readonly, keep = int(obj.data_ptr()), False, (obj,)
    else:
        if isinstance(obj, np.ndarray) or hasattr(obj, "__array_interface__"):
            arr = np.asarray(obj)
        elif hasattr(obj, "__dlpack__"):
            try:
                arr = np.from_dlpack(obj)
            except (BufferError, RuntimeError, TypeError, ValueError) as e:
                raise TypeError(f"cannot view {type(obj).__name__} as host memory: {e}") from e
        else:
            raise TypeError(f"cannot register {type(obj).__name__}: not an array or tensor")
        item, shape, strides, keep = arr.itemsize, arr.shape, arr.strides, (obj, arr)
        ptr, readonly = int(arr.__array_interface__["data"][0]), not arr.flags.writeable
    if any(s == 0 for s in shape):
        return ptr, 0, 0, readonly, keep
    lo = sum(min(0, (n - 1) * s) for n, s in zip(shape, strides, strict=True))
    hi = sum(max(0, (n - 1) * s) for n, s in zip(shape, strides, strict=True)) + item
    return ptr, lo, hi, readonly, keep


def _read_maps(raw_ptrs: list[int]) -> _Maps | None:
    try:
        with open("/proc/self/maps") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    starts, ends, perms = [], [], []
    for line in lines:
        parts = line.split()
        lo, _, hi = parts[0].partition("-")
        starts.append(int(lo, 16))
        ends.append(int(hi, 16))
        perms.append(parts[1])
    s, e = np.array(starts, dtype=_U64), np.array(ends, dtype=_U64)
    has_raw = np.zeros(len(starts), bool)
    for p in raw_ptrs:
        i = bisect.bisect_right(starts, p) - 1
        if i >= 0 and p < ends[i]:
            has_raw[i] = True
    return _Maps(s, e, perms, np.array(["w" in p for p in perms], bool), has_raw)


class GlobalMemory(_MisalignedLog):
    """The emulated global address space over host memory (see the module docstring).

    Not thread-safe: calls share a scratch buffer for offsets.
    """

    def __init__(self) -> None:
        self._members: list[_Member] = []
        self._regions: list[_Region] = []
        self._base_list: list[int] = []
        self._bases = np.zeros(0, _U64)
        self._sizes = np.zeros(0, _U64)
        self._raw_ptrs: list[int] = []
        self._maps: _Maps | None = None
        self._raw: dict[int, RawAccess] = {}
        self.misaligned_examples = []
        # Reused for per-call offsets: fresh 512 KiB temporaries cost page faults each call
        # once malloc trims its heap, several times the arithmetic itself.
        self._tmp = np.zeros(0, _U64)

    # -- registration -------------------------------------------------------------
    def register(self, obj: Any, name: str | None = None) -> int:
        """Register a host array/tensor; returns its real address (element 0)."""
        ptr, lo, hi, readonly, keep = _host_span(obj)
        m = _Member(len(self._members), name, ptr + lo, hi - lo, readonly, keep)
        self._members.append(m)
        if m.nbytes:
            self._insert(m)
        return ptr

    def _insert(self, m: _Member) -> None:
        hit = [r for r in self._regions if r.base < m.end and m.base < r.end]
        if len(hit) == 1 and hit[0].base <= m.base and m.end <= hit[0].end:
            r = hit[0]
            r.members.append(m)
            if m.readonly:
                r.readonly.append((m.base - r.base, m.end - r.base))
        else:
            base = min([m.base] + [r.base for r in hit])
            end = max([m.end] + [r.end for r in hit])
            members = [x for r in hit for x in r.members] + [m]
            self._regions = [r for r in self._regions if r not in hit]
            self._regions.append(_Region(base, end, members, _bytes_at(base, end - base)))
            self._regions.sort(key=lambda r: r.base)
        self._base_list = [r.base for r in self._regions]
        self._bases = np.array(self._base_list, dtype=_U64)
        self._sizes = np.array([r.end - r.base for r in self._regions], dtype=_U64)

    def register_raw(self, address: int) -> None:
        """A raw pointer argument: bounds unknown (see the module docstring)."""
        self._raw_ptrs.append(int(address))
        self._maps = None

    def refresh_maps(self) -> None:
        self._maps = _read_maps(self._raw_ptrs)

    def raw_accesses(self) -> list[RawAccess]:
        """Accesses outside registered buffers, let through via raw pointers, per mapping."""
        return list(self._raw.values())

    # -- accesses -----------------------------------------------------------------
    def read(self, addr: np.ndarray, nbytes: int) -> np.ndarray:
        """(k,) uint64 addresses -> (k, nbytes) uint8."""
        a = _flat_u64(addr)
        groups = self._resolve(a, nbytes, write=False)
        if len(groups) == 1 and isinstance(groups[0][0], slice):
            return _gather(groups[0][1], groups[0][2], nbytes)
        out = np.empty((a.size, nbytes), np.uint8)
        rows = out.view(np.dtype((np.void, nbytes))).reshape(-1)
        for lanes, view, off in groups:
            rows[lanes] = _gather(view, off, nbytes).view(rows.dtype).reshape(-1)
        return out

    def read_u32(self, addr: np.ndarray, dwords: int) -> np.ndarray:
        """(k,) uint64 addresses -> (k, dwords) uint32."""
        a = _flat_u64(addr)
        if dwords == 1:
            fast = self._fast_words(a, write=False)
            if fast is not None:
                return fast[0][fast[1]].reshape(-1, 1)
        return self.read(a, 4 * dwords).view(np.uint32)

    def write(self, addr: np.ndarray, data: np.ndarray) -> None:
        """Store (k, nbytes) uint8; repeated addresses: the highest lane wins."""
        a = _flat_u64(addr)
        d = np.asarray(data, dtype=np.uint8).reshape(a.size, -1)
        nbytes = d.shape[1]
        for lanes, view, off in self._resolve(a, nbytes, write=True):
            _store(view, off, d[lanes])

    def write_u32(self, addr: np.ndarray, data: np.ndarray) -> None:
        a = _flat_u64(addr)
        d = np.ascontiguousarray(data, dtype=np.uint32).reshape(a.size, -1)
        fast = self._fast_words(a, write=True) if d.shape[1] == 1 else None
        if fast is None:
            self.write(a, d.view(np.uint8))
        else:
            _scatter(fast[0], fast[1], d.reshape(-1))

    def atomic(
        self, addr: np.ndarray, nbytes: int, op: AtomicOp, data: np.ndarray, dtype: Any
    ) -> np.ndarray:
        """Per-lane ``mem = op(mem, data)``; returns the pre-op values as ``dtype``.

        ``op(old, data)`` gets ``old`` as (m,) ``dtype`` and the matching rows of ``data``
        (any trailing shape, e.g. (k, 2) for compare-and-swap). ``data`` must already be
        in the operation's type: it is never converted.
        """
        dt = np.dtype(dtype)
        if dt.itemsize != nbytes:
            raise ValueError(f"dtype {dt} is {dt.itemsize} bytes, access is {nbytes}")
        a, d = _flat_u64(addr), np.asarray(data)
        old = np.zeros(a.size, dt)
        for lanes, view, off in self._resolve(a, nbytes, write=True):
            old[lanes] = _atomic_view(view, off, op, d[lanes], dt)
        return old

    # -- address resolution ---------------------------------------------------------
    def _one_region(self, a: np.ndarray, nbytes: int) -> tuple[_Region, np.ndarray] | None:
        """If every access lies in the region holding ``a[0]``: it and the byte offsets."""
        if a.size == 0 or not self._regions:
            return None
        i = bisect.bisect_right(self._base_list, int(a[0])) - 1
        if i < 0:
            return None
        r = self._regions[i]
        if self._tmp.size < a.size:
            self._tmp = np.empty(a.size, _U64)
        off = np.subtract(a, _U64(r.base), out=self._tmp[: a.size])  # valid until the next call
        if int(off.max()) > r.end - r.base - nbytes:  # below base wrapped to a huge offset
            return None
        return r, off

    def _fast_words(self, a: np.ndarray, write: bool) -> tuple[np.ndarray, np.ndarray] | None:
        """All addresses dword-aligned in one region: (its uint32 view, word indices)."""
        one = self._one_region(a, 4)
        if one is None or one[0].u32 is None or (write and one[0].readonly):
            return None
        r, off = one
        if int(np.bitwise_or.reduce(off)) & 3:
            return None
        return r.u32, np.right_shift(off, _U64(2), out=off).view(np.int64)

    def _resolve(
        self, a: np.ndarray, nbytes: int, write: bool
    ) -> list[tuple[Any, np.ndarray, np.ndarray]]:
        """Check every lane; return (lanes, uint8 view, int64 byte offsets) groups."""
        k = a.size
        if k == 0:
            return []
        self._note(a, nbytes, 4)
        one = self._one_region(a, nbytes)
        if one is not None and not (write and one[0].readonly):
            return [(slice(None), one[0].view, one[1].view(np.int64))]
        if not self._regions:
            return self._resolve_raw(a, nbytes, write, np.arange(k), np.zeros(k, bool))
        ri = np.searchsorted(self._bases, a, side="right").astype(np.int64) - 1
        rc = np.maximum(ri, 0)
        off = a - self._bases[rc]
        size = self._sizes[rc]
        inside = (ri >= 0) & (size >= nbytes) & (off <= size - _U64(nbytes))
        groups: list[tuple[Any, np.ndarray, np.ndarray]] = []
        for r in np.flatnonzero(np.bincount(ri[inside], minlength=len(self._regions))):
            lanes = np.flatnonzero(inside & (ri == r))
            region, o = self._regions[r], off[lanes].view(np.int64)
            for lo, hi in region.readonly if write else []:
                hit = np.flatnonzero((o < hi) & (o + nbytes > lo))
                if hit.size:
                    why = "a store to read-only memory"
                    self._fault(a, nbytes, int(lanes[hit[0]]), hit.size, "read_only", why)
            groups.append((lanes, region.view, o))
        if not inside.all():
            out = np.flatnonzero(~inside)
            groups += self._resolve_raw(a, nbytes, write, out, (ri >= 0) & (off < size))
        return groups

    def _resolve_raw(
        self, a: np.ndarray, nbytes: int, write: bool, lanes: np.ndarray, starts_in: np.ndarray
    ) -> list[tuple[Any, np.ndarray, np.ndarray]]:
        """Lanes outside every registered buffer: raw-pointer accesses or faults."""
        straddle = starts_in[lanes]
        if straddle.any():  # starts inside a registered buffer, runs past its end
            self._fault(a, nbytes, int(lanes[straddle][0]), int(straddle.sum()), "out_of_bounds")
        al = a[lanes]
        fresh = False
        while True:
            if self._maps is None:
                self._maps, fresh = _read_maps(self._raw_ptrs), True
            maps = self._maps
            if maps is None:
                why = "no /proc/self/maps to check it against"
                self._fault(a, nbytes, int(lanes[0]), lanes.size, "unmapped", why)
            mi = np.searchsorted(maps.starts, al, side="right").astype(np.int64) - 1
            mc = np.maximum(mi, 0)
            ends = maps.ends[mc]
            mapped = (mi >= 0) & (ends >= nbytes) & (al <= ends - _U64(nbytes))
            ok = mapped & maps.writable[mc] & maps.has_raw[mc]
            if ok.all() or fresh:
                break
            self._maps = None  # a miss on cached maps: read them once more
        if not ok.all():
            j = int(np.flatnonzero(~ok)[0])
            if not mapped[j]:
                kind, why = "unmapped", "not mapped in this process"
            elif not maps.writable[mc[j]]:
                perm = maps.perms[int(mc[j])]
                kind, why = "read_only", f"in a {perm} mapping; raw accesses need a writable one"
            else:
                kind, why = "out_of_bounds", "in no registered buffer nor raw pointer's mapping"
            self._fault(a, nbytes, int(lanes[j]), int((~ok).sum()), kind, why)
        groups: list[tuple[Any, np.ndarray, np.ndarray]] = []
        for m in np.unique(mi):
            sel = lanes[mi == m]
            lo, hi = int(a[sel].min()), int(a[sel].max()) + nbytes
            groups.append((sel, _bytes_at(lo, hi - lo), (a[sel] - _U64(lo)).view(np.int64)))
            mlo, mhi = int(maps.starts[m]), int(maps.ends[m])
            rec = self._raw.get(mlo)
            if rec is None:
                ptrs = tuple(p for p in self._raw_ptrs if mlo <= p < mhi)
                rec = self._raw[mlo] = RawAccess((mlo, mhi), ptrs, lo, hi)
            rec.lo, rec.hi = min(rec.lo, lo), max(rec.hi, hi)
            rec.count += sel.size
            rec.writes += sel.size if write else 0
        return groups

    # -- messages -----------------------------------------------------------------
    def describe(self, address: int, nbytes: int = 1) -> str:
        """Where an access is relative to the registered buffers (for messages)."""
        end = address + nbytes
        ms = sorted((m for m in self._members if m.nbytes), key=lambda m: m.base)
        if not ms:
            return f"access of {nbytes} bytes at 0x{address:x}; no buffers are registered"
        for m in ms:
            if m.base <= address < m.end:
                if end <= m.end:
                    return f"access of {nbytes} bytes at 0x{address:x} is at offset {address - m.base} of {m.describe()}"
                return (
                    f"access of {nbytes} bytes at 0x{address:x} (offset {address - m.base}) "
                    f"ends {end - m.end} bytes past the end of {m.describe()}"
                )

        def dist(m: _Member) -> int:
            return address - m.end if address >= m.end else m.base - end

        m = min(ms, key=dist)
        if address >= m.end:
            return f"address 0x{address:x} is {end - m.end} bytes past the end of {m.describe()}"
        return (
            f"address 0x{address:x} is {m.base - address} bytes before the start of {m.describe()}"
        )

    def _fault(
        self, a: np.ndarray, nbytes: int, j: int, count: int, kind: str, why: str = ""
    ) -> NoReturn:
        address = int(a[j])
        more = f" (and {count - 1} more lanes)" if count > 1 else ""
        text = f"lane {j}: {self.describe(address, nbytes)}"
        if why:
            text += f"; {why}"
        raise MemoryFault(
            text + more, index=j, address=address, nbytes=nbytes, kind=kind, count=count
        )


class LDS(_MisalignedLog):
    """One workgroup's local data share (see the module docstring)."""

    MAX_BYTES = 65536

    def __init__(self, nbytes: int, on_fault: Callable[[MemoryFault], None] | None = None) -> None:
        if not 0 <= nbytes <= self.MAX_BYTES:
            raise ValueError(f"LDS size {nbytes} outside 0..{self.MAX_BYTES} bytes (gfx942)")
        self.nbytes = nbytes
        self.mem = np.zeros(nbytes, np.uint8)
        self.written = np.zeros(nbytes, bool)
        self.on_fault = on_fault
        self.faults: list[MemoryFault] = []
        self.misaligned_examples = []

    def _check(
        self, addr: np.ndarray, nbytes: int, what: str
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """int64 addresses and the in-range mask (None: all in range); reports the rest."""
        a = np.asarray(addr).reshape(-1).astype(np.int64)
        self._note(a, nbytes, 16)
        ok = (a >= 0) & (a <= self.nbytes - nbytes)
        if ok.all():
            return a, None
        j = int(np.flatnonzero(~ok)[0])
        count, address = int((~ok).sum()), int(a[j])
        more = f" (and {count - 1} more lanes)" if count > 1 else ""
        text = (
            f"lane {j}: LDS {what} of {nbytes} bytes at 0x{address:x} is outside the {self.nbytes}"
            f"-byte LDS allocation (hardware: reads return 0, writes are dropped){more}"
        )
        kw = {"index": j, "address": address, "nbytes": nbytes, "count": count}
        fault = MemoryFault(text, kind="out_of_bounds", **kw)
        self.faults.append(fault)
        if self.on_fault is not None:
            self.on_fault(fault)
        return a, ok

    def read(self, addr: np.ndarray, nbytes: int) -> np.ndarray:
        a, ok = self._check(addr, nbytes, "read")
        if ok is None:
            return _gather(self.mem, a, nbytes)
        out = np.zeros((a.size, nbytes), np.uint8)
        out[ok] = _gather(self.mem, a[ok], nbytes)
        return out

    def read_u32(self, addr: np.ndarray, dwords: int) -> np.ndarray:
        return self.read(addr, 4 * dwords).view(np.uint32)

    def write(self, addr: np.ndarray, data: np.ndarray) -> None:
        d = np.asarray(data, dtype=np.uint8)
        d = d.reshape(d.shape[0], -1)
        a, ok = self._check(addr, d.shape[1], "write")
        if ok is not None:
            a, d = a[ok], d[ok]
        _store(self.mem, a, d)
        self._mark(a, d.shape[1])

    def _mark(self, a: np.ndarray, nbytes: int) -> None:
        if a.size:
            items, idx = _rows(self.written.view(np.uint8), a, nbytes)
            items[idx] = np.ones((1, nbytes), np.uint8).view(items.dtype).reshape(-1)

    def write_u32(self, addr: np.ndarray, data: np.ndarray) -> None:
        d = np.ascontiguousarray(data, dtype=np.uint32)
        self.write(addr, d.reshape(d.shape[0], -1).view(np.uint8))

    def atomic(
        self, addr: np.ndarray, nbytes: int, op: AtomicOp, data: np.ndarray, dtype: Any
    ) -> np.ndarray:
        """Same contract as ``GlobalMemory.atomic``; out-of-range lanes return 0, change nothing."""
        dt = np.dtype(dtype)
        if dt.itemsize != nbytes:
            raise ValueError(f"dtype {dt} is {dt.itemsize} bytes, access is {nbytes}")
        a, ok = self._check(addr, nbytes, "atomic")
        d = np.asarray(data)
        old = np.zeros(a.size, dt)
        sel = slice(None) if ok is None else ok
        old[sel] = _atomic_view(self.mem, a[sel], op, d[sel], dt)
        self._mark(a[sel], nbytes)
        return old

    def uninitialized(self, addr: np.ndarray, nbytes: int) -> np.ndarray:
        """(k,) bool: the access reads at least one byte never written (in-range lanes only)."""
        a = np.asarray(addr).reshape(-1).astype(np.int64)
        ok = (a >= 0) & (a <= self.nbytes - nbytes)
        res = np.zeros(a.size, bool)
        res[ok] = ~_gather(self.written.view(np.uint8), a[ok], nbytes).all(axis=1)
        return res
