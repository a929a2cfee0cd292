"""LDS (DS) instructions: reads, writes, read2/write2 (and ``st64``), atomics.

Addressing (MI300 ISA "Data Share Operations"): the byte address is the 32-bit
``vaddr`` plus the unsigned 16-bit ``offset``; ``read2``/``write2``/``wrxchg2`` use two
8-bit offsets, ``addr + offset0 * size`` and ``addr + offset1 * size`` with size 4
(``_b32``) or 8 (``_b64``), times 64 more for the ``st64`` forms. The machine adds the
workgroup's LDS base and checks the range (out of range reads give 0, writes are
dropped, the sanitizer reports them) and alignment.

Widths: ``u8``/``i8``/``u16``/``i16`` zero/sign extend, ``b32``..``b128``, ``*_d16``
writes the low half of the VGPR and keeps the high half, ``*_d16_hi`` the reverse;
``write_b8``/``b16`` store the low byte/half, ``*_d16_hi`` the bits [23:16]/[31:16].
Atomics: ``ds_<op>[_rtn]_<type>`` with op add, sub, rsub, inc, dec, min, max (signed
for ``i``, unsigned for ``u``, IEEE-mode float for ``f``), and, or, xor, mskor,
wrxchg (swap), cmpst (cmp in DATA0, src in DATA1), wrap, add_f32/f64, pk_add_f16/bf16
(operation table and sources in :mod:`memory_common`); ``_rtn`` delivers the old
value. Lanes run in lane order, one read-modify-write each. Only EXEC lanes access
LDS; results are delivered (written at the retiring ``s_waitcnt lgkmcnt``).

The cross-lane DS instructions (swizzle, permute, bpermute) are in
:mod:`memory_ds_xlane`. Left out (not registered): ``ds_append``/``ds_consume``,
``ds_gws_*``, ``ds_condxchg32_rtn_b64``, ``ds_read_addtid_b32``/``ds_write_addtid_b32``,
gfx950's transpose reads (``ds_read_b64_tr_*``); any DS op with ``gds`` raises.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyhip_mlir.emulator.semantics.memory_common import (
    DS_LOAD_KINDS,
    DS_STORE_KINDS,
    U64,
    EmulationError,
    atomic,
    family_bases,
    lanes_of,
    load_result,
    need_slot,
    slot,
    store_bytes,
)
from pyhip_mlir.emulator.semantics.registry import semantics

if TYPE_CHECKING:
    from pyhip_mlir.emulator.ctx import OpCtx


def ds_address(ctx: OpCtx, extra: int = 0) -> np.ndarray:
    """LDS byte address: vaddr + offset (+ ``extra``), (n, 64) uint64."""
    if ctx.mod("gds"):
        raise EmulationError(f"{ctx.ins.text}: GDS is not emulated")
    v = ctx.u32(need_slot(ctx, "vaddr")).astype(U64)
    return v + U64(int(ctx.mod("offset", 0) or 0) + extra)


def _pair_offsets(ctx: OpCtx, size: int) -> tuple[int, int]:
    """Byte offsets of a read2/write2/wrxchg2 pair."""
    scale = size * (64 if "st64" in ctx.ins.base else 1)
    return int(ctx.mod("offset0", 0) or 0) * scale, int(ctx.mod("offset1", 0) or 0) * scale


def _size_of(base: str) -> int:
    return 8 if base.endswith("64") else 4


# --- reads and writes ------------------------------------------------------------------


def ds_read(ctx: OpCtx) -> None:
    kind = DS_LOAD_KINDS[ctx.ins.base[len("ds_read_") :]]
    lanes = lanes_of(ctx)
    raw = ctx.mem_read("lds", ds_address(ctx), kind[0], lanes)
    old = ctx.u32(need_slot(ctx, "vdst")) if kind[2] != "full" else None
    ctx.deliver(0, load_result(raw, kind, old), lanes)


def ds_write(ctx: OpCtx) -> None:
    kind = DS_STORE_KINDS[ctx.ins.base[len("ds_write_") :]]
    lanes = lanes_of(ctx)
    data = store_bytes(ctx.raw(need_slot(ctx, "vdata")), kind)
    ctx.mem_write("lds", ds_address(ctx), data, lanes)
    ctx.memory_op("lgkmcnt")


def ds_read2(ctx: OpCtx) -> None:
    size = _size_of(ctx.ins.base)
    lanes = lanes_of(ctx)
    o0, o1 = _pair_offsets(ctx, size)
    a = ctx.mem_read("lds", ds_address(ctx, o0), size, lanes)
    b = ctx.mem_read("lds", ds_address(ctx, o1), size, lanes)
    raw = np.concatenate([a, b], axis=-1)
    ctx.deliver(0, load_result(raw, (2 * size, "", "full"), None), lanes)


def ds_write2(ctx: OpCtx) -> None:
    size = _size_of(ctx.ins.base)
    lanes = lanes_of(ctx)
    o0, o1 = _pair_offsets(ctx, size)
    kind = (size, 0)
    d0 = store_bytes(ctx.raw(need_slot(ctx, "vdata0")), kind)
    d1 = store_bytes(ctx.raw(need_slot(ctx, "vdata1")), kind)
    ctx.mem_write("lds", ds_address(ctx, o0), d0, lanes)
    ctx.mem_write("lds", ds_address(ctx, o1), d1, lanes)
    ctx.memory_op("lgkmcnt")


# --- atomics -----------------------------------------------------------------------------

# (DS operation, type letter) -> generic op of memory_common.ATOMIC_OPS
_DS_OPS: dict[tuple[str, str], str] = {
    ("add", "u"): "add", ("add", "f"): "fadd", ("sub", "u"): "sub", ("rsub", "u"): "rsub",
    ("inc", "u"): "inc", ("dec", "u"): "dec",
    ("min", "i"): "smin", ("min", "u"): "umin", ("min", "f"): "fmin",
    ("max", "i"): "smax", ("max", "u"): "umax", ("max", "f"): "fmax",
    ("and", "b"): "and", ("or", "b"): "or", ("xor", "b"): "xor",
    ("mskor", "b"): "mskor", ("wrxchg", "b"): "swap", ("wrap", "b"): "wrap",
    ("cmpst", "b"): "cmpswap", ("cmpst", "f"): "cmpswap_f",
    ("pk_add", "f"): "pk_add_f16", ("pk_add", "bf"): "pk_add_bf16",
}


def ds_atomic_kind(base: str) -> tuple[str, int] | None:
    """``ds_min_rtn_i64`` -> ("smin", 8); None when not a DS atomic we model."""
    name = base[len("ds_") :].replace("_rtn", "")
    op, _, ty = name.rpartition("_")
    letter = ty.rstrip("0123456789")
    width = ty[len(letter) :]
    generic = _DS_OPS.get((op, letter))
    if generic is None or width not in ("16", "32", "64"):
        return None
    return generic, 8 if width == "64" else 4


def ds_atomic(ctx: OpCtx) -> None:
    key = "ds_atomic"
    if key not in ctx.ins.cache:
        ctx.ins.cache[key] = ds_atomic_kind(ctx.ins.base)
    op, nbytes = ctx.ins.cache[key]
    lanes = lanes_of(ctx)
    one = slot(ctx, "vdata")
    if one is not None:
        data, data2 = ctx.raw(one), None
    else:
        d0, d1 = ctx.raw(need_slot(ctx, "vdata0")), ctx.raw(need_slot(ctx, "vdata1"))
        # cmpst: cmp = DATA0, src = DATA1; mskor/wrap: (DATA0, DATA1) in order
        data, data2 = (d1, d0) if op.startswith("cmpswap") else (d0, d1)
    old = atomic(ctx, "lds", ds_address(ctx), lanes, op, nbytes, data, data2)
    if ctx.ins.defs:
        ctx.deliver(0, old, lanes)
    else:
        ctx.memory_op("lgkmcnt")


def ds_wrxchg2(ctx: OpCtx) -> None:
    """``ds_wrxchg2[st64]_rtn_b32/b64``: two exchanges, both old values returned."""
    size = _size_of(ctx.ins.base)
    lanes = lanes_of(ctx)
    o0, o1 = _pair_offsets(ctx, size)
    d0, d1 = ctx.raw(need_slot(ctx, "vdata0")), ctx.raw(need_slot(ctx, "vdata1"))
    old0 = atomic(ctx, "lds", ds_address(ctx, o0), lanes, "swap", size, d0)
    old1 = atomic(ctx, "lds", ds_address(ctx, o1), lanes, "swap", size, d1)
    ctx.deliver(0, np.concatenate([old0, old1], axis=-1), lanes)


def ds_nop(ctx: OpCtx) -> None:
    """``ds_nop``: does nothing (no counter in the table)."""


def _register() -> None:
    for m in family_bases("DS"):
        if m.startswith("ds_read2"):
            semantics(m)(ds_read2)
        elif m.startswith("ds_write2"):
            semantics(m)(ds_write2)
        elif m.startswith("ds_wrxchg2"):
            semantics(m)(ds_wrxchg2)
        elif m.startswith("ds_read_") and m[len("ds_read_") :] in DS_LOAD_KINDS:
            semantics(m)(ds_read)
        elif m.startswith("ds_write_") and m[len("ds_write_") :] in DS_STORE_KINDS:
            semantics(m)(ds_write)
        elif m == "ds_nop":
            semantics(m)(ds_nop)
        elif ds_atomic_kind(m) is not None:
            semantics(m)(ds_atomic)


_register()
