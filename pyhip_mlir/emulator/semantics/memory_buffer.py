"""MUBUF instructions: ``buffer_load_*``, ``buffer_store_*``, ``buffer_atomic_*``,
``buffer_wbl2``/``buffer_inv`` (and gfx90a's ``buffer_wbinvl1*``).

Addressing and range checking come from :mod:`pyhip_mlir.emulator.buffer_rsrc`
(descriptor layout, ``addr = base + soffset + offset + stride * index``, raw buffers
checked per dword including its size, structured buffers by index, soffset not in
the check; its docstring names the sources and what is uncertain). This module
reads the operands: ``vaddr`` holds the index (``idxen``), the offset (``offen``) or
both as two VGPRs, index first; ``soffset`` is an SGPR or an inline constant;
``offset:`` is the unsigned 12-bit immediate.

Out-of-range lanes read 0 (per dword for ``dwordx2/x3/x4``), their stores are
dropped per dword, atomics are all or nothing (an out-of-range returning atomic
delivers 0). Only EXEC lanes access memory; loads deliver to the EXEC lanes; the
returning atomic form (``sc0``/``glc``) delivers the old value into ``vdata``.
Widths, d16 and atomic operations: :mod:`memory_common`.

The emulator's scratch descriptor (gfx90a's private segment buffer, see
:mod:`memory_scratch`) addresses the ``"private"`` space instead of global memory.

Not supported, with a clear error: other swizzled / add-TID descriptors, the ``lds``
modifier (buffer load to LDS through M0). ``buffer_load_format_*``,
``buffer_store_format_*`` and ``tbuffer_*`` (format conversion) are not registered.
``buffer_wbl2`` counts on vmcnt (LLVM SIInsertWaitcnts: it must be followed by
``s_waitcnt vmcnt(0)``); ``buffer_inv`` and ``buffer_wbinvl1*`` have no counter
(SIInsertWaitcnts skips buffer invalidates) and nothing to do (memory is coherent).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyhip_mlir.emulator.buffer_rsrc import UnsupportedBufferResource, buffer_address, decode_rsrc
from pyhip_mlir.emulator.semantics.memory_common import (
    LANE_IDS,
    LOAD_KINDS,
    STORE_KINDS,
    U64,
    EmulationError,
    atomic,
    family_bases,
    load_result,
    need_slot,
    slot,
    store_bytes,
    suffix_after,
)
from pyhip_mlir.emulator.semantics.memory_scratch import buffer_private_address, is_scratch_rsrc
from pyhip_mlir.emulator.semantics.memory_vmem import atomic_kind, split_cmpswap
from pyhip_mlir.emulator.semantics.registry import semantics

if TYPE_CHECKING:
    from pyhip_mlir.emulator.ctx import OpCtx


def _access(ctx: OpCtx, nbytes: int, all_or_nothing: bool = False) -> tuple[str, np.ndarray, np.ndarray]:
    """(space, addr (n, 64), in_range (n, 64[, dwords])) of this instruction."""
    if ctx.mod("lds"):
        raise EmulationError(f"{ctx.ins.text}: buffer access to LDS (lds modifier) is not emulated")
    idxen, offen = bool(ctx.mod("idxen")), bool(ctx.mod("offen"))
    iv = slot(ctx, "vaddr")
    vindex = voffset = None
    if iv is not None and ctx.present(iv):
        v = ctx.raw(iv)
        if idxen:
            vindex = v[..., 0]
        if offen:
            voffset = v[..., 1] if idxen else v[..., 0]
    rsrc = decode_rsrc(ctx.raw(need_slot(ctx, "srsrc"))[:, 0, :])
    soffset = np.broadcast_to(ctx.u32(need_slot(ctx, "soffset")), (ctx.n, 1))[:, 0]
    inst = int(ctx.mod("offset", 0) or 0)
    scratch = is_scratch_rsrc(rsrc)
    if scratch.any():
        if not scratch.all():
            raise EmulationError(f"{ctx.ins.text}: some waves use the scratch descriptor, others not")
        addr = buffer_private_address(ctx, rsrc, voffset, soffset, inst, idxen, offen)
        return "private", addr, np.ones((ctx.n, 64), dtype=bool)  # the private space checks bounds
    try:
        return "global", *buffer_address(rsrc, vindex, voffset, soffset, inst, idxen, offen, LANE_IDS, nbytes,
                              all_or_nothing=all_or_nothing)
    except UnsupportedBufferResource as e:
        raise EmulationError(f"{ctx.ins.text}: {e}") from None


def _parts(nbytes: int, ok: np.ndarray) -> list[tuple[int, int, np.ndarray]]:
    """(byte offset, bytes, in_range (n, 64)) of the separately checked components."""
    if ok.ndim == 2:
        return [(0, nbytes, ok)]
    return [(4 * k, 4, ok[..., k]) for k in range(ok.shape[-1])]


def buffer_load(ctx: OpCtx) -> None:
    kind = LOAD_KINDS[suffix_after(ctx.ins.base, "load_")]
    lanes = np.asarray(ctx.exec_lanes(), dtype=bool)
    space, addr, in_range = _access(ctx, kind[0])
    chunks = []
    for start, size, ok in _parts(kind[0], in_range):  # out of range: zeros
        chunks.append(ctx.mem_read(space, addr + U64(start), size, lanes & ok))
    raw = np.concatenate(chunks, axis=-1)
    old = ctx.u32(need_slot(ctx, "vdst")) if kind[2] != "full" else None
    ctx.deliver(0, load_result(raw, kind, old), lanes)


def buffer_store(ctx: OpCtx) -> None:
    kind = STORE_KINDS[suffix_after(ctx.ins.base, "store_")]
    lanes = np.asarray(ctx.exec_lanes(), dtype=bool)
    data = store_bytes(ctx.raw(need_slot(ctx, "vdata")), kind)
    space, addr, in_range = _access(ctx, kind[0])
    for start, size, ok in _parts(kind[0], in_range):
        ctx.mem_write(space, addr + U64(start), data[..., start : start + size], lanes & ok)
    ctx.memory_op("vmcnt")


def buffer_atomic(ctx: OpCtx) -> None:
    op, nbytes = atomic_kind(suffix_after(ctx.ins.base, "atomic_"))
    lanes = np.asarray(ctx.exec_lanes(), dtype=bool)
    space, addr, ok = _access(ctx, nbytes, all_or_nothing=True)
    data, cmp = split_cmpswap(ctx.raw(need_slot(ctx, "vdata")), op)
    old = atomic(ctx, space, addr, lanes & ok, op, nbytes, data, cmp)
    if ctx.ins.defs:  # returning form (sc0 / glc): the old value into vdata
        ctx.deliver(0, old, lanes)
    else:
        ctx.memory_op("vmcnt")


def buffer_wbl2(ctx: OpCtx) -> None:
    ctx.memory_op("vmcnt")


def buffer_invalidate(ctx: OpCtx) -> None:
    """Cache invalidation: no counter, nothing to do (the emulator has no caches)."""


def _register() -> None:
    for m in family_bases("MUBUF"):
        if "_format_" in m or "_lds_" in m:
            continue
        if m.startswith("buffer_load_") and suffix_after(m, "load_") in LOAD_KINDS:
            semantics(m)(buffer_load)
        elif m.startswith("buffer_store_") and suffix_after(m, "store_") in STORE_KINDS:
            semantics(m)(buffer_store)
        elif m.startswith("buffer_atomic_"):
            semantics(m)(buffer_atomic)
        elif m == "buffer_wbl2":
            semantics(m)(buffer_wbl2)
        elif m in ("buffer_inv", "buffer_invl2", "buffer_wbinvl1", "buffer_wbinvl1_vol"):
            semantics(m)(buffer_invalidate)


_register()
