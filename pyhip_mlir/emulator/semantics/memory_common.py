"""Shared pieces of the memory semantics (FLAT/GLOBAL, MUBUF, DS, SMEM): no registrations.

* operand slots by table name (``vaddr``, ``vdata``, ``saddr`` ...), so a "both" slot
  (the old destination of a d16 load, the data of a returning buffer atomic) shifts
  nothing;
* the load/store widths of every spelling: ``ubyte``/``u8``, ``sbyte``/``i8``,
  ``ushort``/``u16``, ``sshort``/``i16``, ``dword``/``b32`` ... ``dwordx4``/``b128``,
  ``*_d16`` (write the low half of the VGPR, keep the high half) and ``*_d16_hi``
  (write the high half, keep the low one); stores write only the bytes of their
  width, ``*_d16_hi`` stores take bits [31:16] of the data VGPR. The kept half is the
  destination's value when the load issues (the hardware merges when the data
  returns: the two differ only for back-to-back d16 loads into one VGPR without a
  wait, which the sanitizer reports). LLVM relies on the preservation only without
  SRAMECC (GCNSubtarget ``d16PreservesUnusedBits``: not for gfx942's default
  ``sramecc`` on/any target), so compiled gfx942 code never depends on it;
* the atomic operations (one table for FLAT/GLOBAL/MUBUF and DS).

Facts: AMD "AMD Instinct MI300 Instruction Set Architecture" (CDNA3), chapters
"Vector Memory Operations" (16-bit memory operations, D16/D16_HI), "Flat/Global"
and "Data Share Operations", and the per-opcode pseudo code of the atomics:
``cmpswap`` data is the register pair {src, cmp} (``MEM = (MEM == cmp) ? src : MEM``,
returns the old value), ``inc``: ``MEM = (MEM >= DATA) ? 0 : MEM + 1``, ``dec``:
``MEM = (MEM == 0 || MEM > DATA) ? DATA : MEM - 1`` (unsigned), DS ``cmpst`` takes
cmp in DATA0 and src in DATA1, ``mskor``: ``MEM = (MEM & ~DATA0) | DATA1``, ``wrap``:
``MEM = (MEM >= DATA0) ? MEM - DATA0 : MEM + DATA1``, ``rsub``: ``MEM = DATA - MEM``.
Float atomics round to nearest even and keep denormals (the emulator's float mode;
the MI300 guide does not say whether global FP atomics honour the MODE register —
uncertain); ``min``/``max`` of floats follow IEEE mode (a NaN operand loses).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from pyhip_mlir.emulator import bits

if TYPE_CHECKING:
    from pyhip_mlir.emulator.ctx import OpCtx

LANE_IDS = np.arange(64, dtype=np.int64)  # as ctx.LANE_IDS (ctx imports this package)
U8 = np.uint8
U32 = np.uint32
U64 = np.uint64


def EmulationError(message: str) -> Exception:  # noqa: N802 - reads like the class
    """``ctx.EmulationError(message)``, imported late: ctx -> program -> registry imports us."""
    from pyhip_mlir.emulator.ctx import EmulationError as cls

    return cls(message)


def slot(ctx: OpCtx, name: str) -> int | None:
    """Index of the use slot called ``name`` (table operand name), None if absent."""
    key = "slot:" + name
    cache = ctx.ins.cache
    if key not in cache:
        cache[key] = next((i for i, s in enumerate(ctx.ins.use_slots) if s.name == name), None)
    return cache[key]


def need_slot(ctx: OpCtx, name: str) -> int:
    i = slot(ctx, name)
    if i is None or ctx.ins.uses[i] is None:
        raise EmulationError(f"{ctx.ins.text}: operand '{name}' is missing")
    return i


def family_bases(family: str) -> list[str]:
    """Base mnemonics of ``family`` over every supported architecture (table order)."""
    from pyhip_mlir.dialects.isa.table import ARCHS, get_table

    out: dict[str, None] = {}
    for arch in ARCHS:
        table = get_table(arch).instructions
        for m in table:
            idef = table[m]
            if idef.family == family:
                out[idef.base] = None
    return list(out)


def suffix_after(mnemonic: str, marker: str) -> str:
    """``global_load_ubyte_d16`` with marker ``load_`` -> ``ubyte_d16``."""
    k = mnemonic.find(marker)
    if k < 0:
        raise EmulationError(f"{mnemonic}: cannot find '{marker}' in the mnemonic")
    return mnemonic[k + len(marker) :]


# --- widths ------------------------------------------------------------------------
# load kind -> (bytes, extension "u"/"s"/"" , destination "full"/"lo"/"hi")
LOAD_KINDS: dict[str, tuple[int, str, str]] = {
    "ubyte": (1, "u", "full"), "sbyte": (1, "s", "full"),
    "ushort": (2, "u", "full"), "sshort": (2, "s", "full"),
    "dword": (4, "", "full"), "dwordx2": (8, "", "full"),
    "dwordx3": (12, "", "full"), "dwordx4": (16, "", "full"),
    "ubyte_d16": (1, "u", "lo"), "ubyte_d16_hi": (1, "u", "hi"),
    "sbyte_d16": (1, "s", "lo"), "sbyte_d16_hi": (1, "s", "hi"),
    "short_d16": (2, "u", "lo"), "short_d16_hi": (2, "u", "hi"),
}
# DS spellings of the same kinds
DS_LOAD_KINDS: dict[str, tuple[int, str, str]] = {
    "u8": LOAD_KINDS["ubyte"], "i8": LOAD_KINDS["sbyte"],
    "u16": LOAD_KINDS["ushort"], "i16": LOAD_KINDS["sshort"],
    "b32": LOAD_KINDS["dword"], "b64": LOAD_KINDS["dwordx2"],
    "b96": LOAD_KINDS["dwordx3"], "b128": LOAD_KINDS["dwordx4"],
    "u8_d16": LOAD_KINDS["ubyte_d16"], "u8_d16_hi": LOAD_KINDS["ubyte_d16_hi"],
    "i8_d16": LOAD_KINDS["sbyte_d16"], "i8_d16_hi": LOAD_KINDS["sbyte_d16_hi"],
    "u16_d16": LOAD_KINDS["short_d16"], "u16_d16_hi": LOAD_KINDS["short_d16_hi"],
}
# store kind -> (bytes, bit position of the stored bytes in the first data dword)
STORE_KINDS: dict[str, tuple[int, int]] = {
    "byte": (1, 0), "byte_d16_hi": (1, 16), "short": (2, 0), "short_d16_hi": (2, 16),
    "dword": (4, 0), "dwordx2": (8, 0), "dwordx3": (12, 0), "dwordx4": (16, 0),
}
DS_STORE_KINDS: dict[str, tuple[int, int]] = {
    "b8": (1, 0), "b8_d16_hi": (1, 16), "b16": (2, 0), "b16_d16_hi": (2, 16),
    "b32": (4, 0), "b64": (8, 0), "b96": (12, 0), "b128": (16, 0),
}


def bytes_to_words(raw: np.ndarray) -> np.ndarray:
    """(n, L, 4k) uint8 -> (n, L, k) uint32 (little endian, as the GPU)."""
    return np.ascontiguousarray(raw, dtype=U8).view("<u4").astype(U32)


def words_to_bytes(words: np.ndarray) -> np.ndarray:
    """(n, L, k) uint32 -> (n, L, 4k) uint8."""
    return np.ascontiguousarray(words, dtype="<u4").view(U8)


def load_result(raw: np.ndarray, kind: tuple[int, str, str], old: np.ndarray | None) -> np.ndarray:
    """The destination words of a load: ``raw`` (n, L, bytes) uint8 as read,
    ``old`` (n, L) uint32 the destination's current value (d16 kinds only)."""
    nbytes, ext, dst = kind
    if nbytes >= 4:
        return bytes_to_words(raw)
    v = raw[..., 0].astype(U32)
    if nbytes == 2:
        v = v | (raw[..., 1].astype(U32) << U32(8))
    width = 8 * nbytes
    if ext == "s":
        v = bits.sext(v, width).astype(np.int64).astype(U32)
    if dst == "full":
        return v[..., None]
    half = v & U32(0xFFFF)
    assert old is not None
    oldw = np.broadcast_to(old, half.shape).astype(U32)
    if dst == "lo":
        return ((oldw & U32(0xFFFF0000)) | half)[..., None]
    return ((oldw & U32(0x0000FFFF)) | (half << U32(16)))[..., None]


def store_bytes(words: np.ndarray, kind: tuple[int, int]) -> np.ndarray:
    """The bytes a store writes: ``words`` (n, L, d) uint32 data registers."""
    nbytes, shift = kind
    if nbytes >= 4:
        return words_to_bytes(words[..., : nbytes // 4])
    w = words[..., 0] >> U32(shift)
    return np.stack([((w >> U32(8 * k)) & U32(0xFF)).astype(U8) for k in range(nbytes)], axis=-1)


def lanes_of(ctx: OpCtx) -> np.ndarray:
    """The lanes a vector memory instruction accesses: EXEC, as (n, 64) bool."""
    return np.asarray(ctx.exec_lanes(), dtype=bool)


# --- atomics ------------------------------------------------------------------------
AtomicFn = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _inc(o: np.ndarray, d: np.ndarray, _: np.ndarray) -> np.ndarray:
    return np.where(o >= d, o.dtype.type(0), o + o.dtype.type(1))


def _dec(o: np.ndarray, d: np.ndarray, _: np.ndarray) -> np.ndarray:
    return np.where((o == 0) | (o > d), d, o - o.dtype.type(1))


def _float_view(o: np.ndarray) -> np.ndarray:
    return o.view(np.float32 if o.dtype.itemsize == 4 else np.float64)


def _cmpswap(o: np.ndarray, src: np.ndarray, cmp: np.ndarray) -> np.ndarray:
    return np.where(o == cmp, src, o)


def _cmpswap_f(o: np.ndarray, src: np.ndarray, cmp: np.ndarray) -> np.ndarray:
    # DS_CMPST_F32/F64 compare as floats: -0 == +0, NaN never equal
    return np.where(_float_view(o) == _float_view(cmp), src, o)


def _pk_add_f16(o: np.ndarray, d: np.ndarray, _: np.ndarray) -> np.ndarray:
    out = []
    for hi in (False, True):
        a = bits.f16_of(bits.half_bits(o, hi)).astype(np.float64)
        b = bits.f16_of(bits.half_bits(d, hi)).astype(np.float64)
        out.append((a + b).astype(np.float16).view(np.uint16).astype(U32))  # exact sum, one rounding
    return out[0] | (out[1] << U32(16))


def _pk_add_bf16(o: np.ndarray, d: np.ndarray, _: np.ndarray) -> np.ndarray:
    out = []
    for hi in (False, True):
        a = bits.bf16_to_f32(bits.half_bits(o, hi)).astype(np.float64)
        b = bits.bf16_to_f32(bits.half_bits(d, hi)).astype(np.float64)
        # f64 sum (exact unless the exponents are far apart), then RNE to f32 and to
        # bf16; the hardware's rounding of this op is not documented (assumed RNE).
        out.append(bits.f32_to_bf16_bits((a + b).astype(np.float32)).astype(U32))
    return out[0] | (out[1] << U32(16))


# generic op -> (value type "u"/"i"/"f", function(old, data, data2) -> new, uses data2)
ATOMIC_OPS: dict[str, tuple[str, AtomicFn, bool]] = {
    "add": ("u", lambda o, d, _: o + d, False),
    "sub": ("u", lambda o, d, _: o - d, False),
    "rsub": ("u", lambda o, d, _: d - o, False),
    "smin": ("i", lambda o, d, _: np.minimum(o, d), False),
    "smax": ("i", lambda o, d, _: np.maximum(o, d), False),
    "umin": ("u", lambda o, d, _: np.minimum(o, d), False),
    "umax": ("u", lambda o, d, _: np.maximum(o, d), False),
    "and": ("u", lambda o, d, _: o & d, False),
    "or": ("u", lambda o, d, _: o | d, False),
    "xor": ("u", lambda o, d, _: o ^ d, False),
    "inc": ("u", _inc, False),
    "dec": ("u", _dec, False),
    "swap": ("u", lambda o, d, _: d, False),
    "cmpswap": ("u", _cmpswap, True),  # data = src, data2 = cmp
    "cmpswap_f": ("u", _cmpswap_f, True),
    "mskor": ("u", lambda o, d, e: (o & ~d) | e, True),
    "wrap": ("u", lambda o, d, e: np.where(o >= d, o - d, o + e), True),
    "fadd": ("f", lambda o, d, _: o + d, False),
    "fmin": ("f", lambda o, d, _: np.fmin(o, d), False),
    "fmax": ("f", lambda o, d, _: np.fmax(o, d), False),
    "pk_add_f16": ("u", _pk_add_f16, False),
    "pk_add_bf16": ("u", _pk_add_bf16, False),
}

# Ops that are a numpy ufunc: handed to the driver as is, so lanes hitting one address
# can be folded with ``ufunc.accumulate`` (sequential, lane order).
UFUNCS: dict[str, np.ufunc] = {
    "add": np.add, "sub": np.subtract, "smin": np.minimum, "smax": np.maximum,
    "umin": np.minimum, "umax": np.maximum, "and": np.bitwise_and, "or": np.bitwise_or,
    "xor": np.bitwise_xor, "fadd": np.add, "fmin": np.fmin, "fmax": np.fmax,
}

_DTYPES = {("u", 4): np.uint32, ("i", 4): np.int32, ("f", 4): np.float32,
           ("u", 8): np.uint64, ("i", 8): np.int64, ("f", 8): np.float64}


def _typed(words: np.ndarray, dt: np.dtype) -> np.ndarray:
    """(n, L, d) uint32 -> (n, L) of dtype ``dt`` (4 or 8 bytes)."""
    w = np.ascontiguousarray(words, dtype=U32)
    if dt.itemsize == 4:
        return w[..., 0].view(dt)
    return bits.join64(w[..., :2]).view(dt)


def atomic(ctx: OpCtx, space: str, addr: np.ndarray, lanes: np.ndarray, op: str, nbytes: int,
           data: np.ndarray, data2: np.ndarray | None = None) -> np.ndarray:
    """Run atomic ``op`` per lane (lane order) at ``addr``; ``data``/``data2`` (n, L, d)
    uint32 operand words. Returns the old memory values as (n, L, nbytes // 4) uint32."""
    kind, fn, two = ATOMIC_OPS[op]
    dt = np.dtype(_DTYPES[(kind, nbytes)])
    d1 = _typed(np.broadcast_to(data, (*lanes.shape, data.shape[-1])), dt)
    with np.errstate(all="ignore"):
        if two:
            # The driver hands the op one data value per lane; a two-operand op gets the
            # lane's flat index instead and looks both operands up (lane order kept).
            assert data2 is not None
            d2 = _typed(np.broadcast_to(data2, (*lanes.shape, data2.shape[-1])), dt)
            f1, f2 = d1.reshape(-1), d2.reshape(-1)
            index = np.arange(d1.size, dtype=np.int64).reshape(d1.shape).astype(dt)

            def run(old: np.ndarray, idx: np.ndarray) -> np.ndarray:
                k = np.asarray(idx).astype(np.int64)
                with np.errstate(all="ignore"):
                    return np.asarray(fn(np.asarray(old, dt), f1[k], f2[k]), dtype=dt)

            old = ctx.mem_atomic(space, addr, nbytes, run, index, dt, lanes)
        elif op in UFUNCS:
            old = ctx.mem_atomic(space, addr, nbytes, UFUNCS[op], d1, dt, lanes)
        else:

            def run1(old: np.ndarray, d: np.ndarray) -> np.ndarray:
                with np.errstate(all="ignore"):
                    return np.asarray(fn(np.asarray(old, dt), np.asarray(d, dt), d), dtype=dt)

            old = ctx.mem_atomic(space, addr, nbytes, run1, d1, dt, lanes)
    old = np.ascontiguousarray(np.asarray(old, dtype=dt))
    if nbytes == 4:
        return old.view(U32)[..., None]
    return bits.split64(old.view(U64))
