"""SMEM instructions: ``s_load_dword*``, ``s_buffer_load_dword*``, ``s_store_dword*``,
``s_buffer_store_dword*`` and the scalar cache controls ``s_dcache_*``.

Addressing (GCN5/CDNA "Scalar Memory Operations"; the encoding's IMM and SOE bits,
see LLVM ``SMInstructions.td``): the address is ``base + inst_offset + SGPR offset``
where the decoded operands are ``sdst, sbase, soffset`` and ``soffset`` is either the
immediate (``offset21s``: signed 21-bit for ``s_load``/``s_store``, ``offset20u`` for
the buffer forms) or an SGPR, in which case an ``offset:`` modifier may add an
immediate too (SOE form). The SGPR offset is an unsigned 32-bit value. The two low
address bits are ignored: scalar memory is dword aligned.

``s_load``/``s_store``: ``base`` is the 64-bit SGPR pair ``sbase``. The buffer forms
read base address (bits [47:0]), stride ([61:48]) and num_records ([95:64]) from the
4-SGPR descriptor ``sbase``; each dword whose byte offset is ``>= num_records``
(``num_records * stride`` when stride != 0) is out of range: it reads 0, a store of it
is dropped. This follows the vector buffer rule; the MI300 guide is vague on scalar
range checks (gem5 clamps the address instead): uncertain.

Loads deliver their words (the machine writes the SGPRs when an ``s_waitcnt
lgkmcnt`` retires them; SMEM may complete out of order). Stores and ``s_dcache_*``
count on lgkmcnt (LLVM SIInsertWaitcnts: every SMRD is an SMEM access).

Left out (not registered): ``s_atomic_*``/``s_buffer_atomic_*``, ``s_scratch_*``,
``s_memtime``/``s_memrealtime`` (no clock), ``s_atc_probe*``, ``s_dcache_discard*``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyhip_mlir.emulator.buffer_rsrc import decode_rsrc
from pyhip_mlir.emulator.semantics.memory_common import (
    U32,
    U64,
    bytes_to_words,
    family_bases,
    need_slot,
    words_to_bytes,
)
from pyhip_mlir.emulator.semantics.registry import semantics

if TYPE_CHECKING:
    from pyhip_mlir.emulator.ctx import OpCtx

_WIDTH = {"dword": 1, "dwordx2": 2, "dwordx4": 4, "dwordx8": 8, "dwordx16": 16}


def _offset(ctx: OpCtx) -> np.ndarray:
    """Byte offset (n, 1) int64: soffset (immediate or SGPR) + the offset modifier."""
    i = need_slot(ctx, "soffset")
    if ctx.is_reg(i):
        off = ctx.u32(i).astype(np.int64)
    else:
        off = np.full((ctx.n, 1), int(ctx.imm(i)), dtype=np.int64)
    return off + int(ctx.mod("offset", 0) or 0)


def _dwords(ctx: OpCtx) -> int:
    return _WIDTH[ctx.ins.base.rsplit("_", 1)[-1]]


def _scalar_address(ctx: OpCtx) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(address of the first dword (n, 1) uint64, byte offset (n, 1), limit or None)."""
    ib = need_slot(ctx, "sbase")
    off = _offset(ctx)
    offu = off.astype(U64)  # two's complement: adding wraps modulo 2**64
    if "buffer" in ctx.ins.base:
        f = decode_rsrc(ctx.raw(ib)[:, 0, :])
        stride, records = f.stride[:, None], f.num_records[:, None]
        limit = np.where(stride != 0, records * stride, records)
        with np.errstate(over="ignore"):
            addr = f.base[:, None] + offu
        return addr & ~U64(3), off, limit
    with np.errstate(over="ignore"):
        addr = ctx.u64(ib) + offu
    return addr & ~U64(3), off, None


def _in_range(off: np.ndarray, limit: np.ndarray | None, k: int) -> np.ndarray:
    if limit is None:
        return np.ones(off.shape, dtype=bool)
    return (off + 4 * k >= 0) & ((off + 4 * k).astype(U64) < limit)


def smem_load(ctx: OpCtx) -> None:
    d = _dwords(ctx)
    addr, off, limit = _scalar_address(ctx)
    words = np.zeros((ctx.n, 1, d), dtype=U32)
    if limit is None:
        words = bytes_to_words(ctx.mem_read("global", addr, 4 * d, np.ones((ctx.n, 1), dtype=bool)))
    else:
        for k in range(d):
            ok = _in_range(off, limit, k)
            raw = ctx.mem_read("global", addr + U64(4 * k), 4, ok)
            words[..., k] = bytes_to_words(raw)[..., 0]
    ctx.deliver(0, words, None)


def smem_store(ctx: OpCtx) -> None:
    d = _dwords(ctx)
    addr, off, limit = _scalar_address(ctx)
    data = words_to_bytes(ctx.raw(need_slot(ctx, "sdata"))[..., :d])
    for k in range(d):
        ok = _in_range(off, limit, k)
        ctx.mem_write("global", addr + U64(4 * k), data[..., 4 * k : 4 * k + 4], ok)
    ctx.memory_op("lgkmcnt")


def smem_cache(ctx: OpCtx) -> None:
    """s_dcache_inv/wb: no caches here; counted on lgkmcnt like every SMEM op."""
    ctx.memory_op("lgkmcnt")


def _register() -> None:
    for m in family_bases("SMEM"):
        if m.startswith(("s_load_dword", "s_buffer_load_dword")):
            semantics(m)(smem_load)
        elif m.startswith(("s_store_dword", "s_buffer_store_dword")):
            semantics(m)(smem_store)
        elif m in ("s_dcache_inv", "s_dcache_inv_vol", "s_dcache_wb", "s_dcache_wb_vol"):
            semantics(m)(smem_cache)


_register()
