"""Semantics: VALU moves and cross-lane ops.

Covers ``v_mov_b32``, ``v_mov_b64``, ``v_swap_b32``, the AccVGPR
moves (``v_accvgpr_read/write/mov_b32``), ``v_nop``, ``v_clrexcp``, the lane ops
``v_readlane_b32``, ``v_readfirstlane_b32``, ``v_writelane_b32``,
``v_mbcnt_{lo,hi}_u32_b32`` and gfx950's ``v_permlane{16,32}_swap_b32``
(``v_pk_mov_b32`` is in ``valu_float`` with the packed-f32 ops).

Sources: AMD CDNA3 ISA guide (and the GCN5/Vega guide it extends), LLVM's AMDGPU
docs/intrinsics (``llvm.amdgcn.permlane16.swap``/``permlane32.swap``):

* ``v_readlane_b32``/``v_writelane_b32``: lane = ``ssrc1[5:0]``; both ignore EXEC
  (readlane reads any lane; writelane writes its one lane even when inactive);
* ``v_readfirstlane_b32``: the lowest active lane, lane 0 when EXEC is 0;
* ``v_mbcnt_lo``: ``D = popcount(src0 & ThreadMask[31:0]) + src1``, ``v_mbcnt_hi``
  the same with ``ThreadMask[63:32]``, where ``ThreadMask = (1 << lane) - 1``;
* ``v_swap_b32``: both registers exchange their active lanes;
* ``v_permlane16_swap_b32 vdst, vsrc``: odd rows (16 lanes) of vdst swap with the
  even rows of vsrc; ``v_permlane32_swap_b32``: the upper half of vdst swaps with
  the lower half of vsrc. Modelled with all lanes' values visible and writes
  EXEC-masked; ``fi``/``bound_ctrl`` are not modelled (not verified on hardware);
* ``v_nop``/``v_clrexcp`` change no register the emulator models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyhip_mlir.emulator.semantics.registry import semantics
from pyhip_mlir.emulator.semantics.valu_int import M32, popcount, u32

if TYPE_CHECKING:
    from pyhip_mlir.emulator.ctx import OpCtx

I64 = np.int64
U32 = np.uint32
LANE = np.arange(64, dtype=I64)
_THREAD_MASK = [(1 << int(k)) - 1 for k in LANE]
THREAD_MASK_LO = np.array([m & M32 for m in _THREAD_MASK], dtype=I64)
THREAD_MASK_HI = np.array([m >> 32 for m in _THREAD_MASK], dtype=I64)


@semantics("v_mov_b32", "v_accvgpr_read_b32", "v_accvgpr_write_b32", "v_accvgpr_mov_b32")
def v_mov_b32(ctx: OpCtx) -> None:
    ctx.set(0, ctx.u32(0))


@semantics("v_mov_b64")
def v_mov_b64(ctx: OpCtx) -> None:
    ctx.set(0, ctx.raw(0, 2))


@semantics("v_swap_b32")
def v_swap_b32(ctx: OpCtx) -> None:
    a, b = ctx.raw(0, 1).copy(), ctx.raw(1, 1).copy()  # raw() may view the register file
    ctx.set(0, b)
    ctx.set(1, a)


@semantics("v_nop", "v_clrexcp")
def v_nop(ctx: OpCtx) -> None:
    """No architectural effect the emulator models."""


@semantics("v_readlane_b32")
def v_readlane_b32(ctx: OpCtx) -> None:
    v = np.broadcast_to(u32(ctx, 0), (ctx.n, 64))
    lane = np.broadcast_to(u32(ctx, 1) & 63, (ctx.n, 1))
    ctx.set(0, np.take_along_axis(v, lane, axis=1))


@semantics("v_readfirstlane_b32")
def v_readfirstlane_b32(ctx: OpCtx) -> None:
    v = np.broadcast_to(u32(ctx, 0), (ctx.n, 64))
    first = np.argmax(ctx.exec_lanes(), axis=1)[:, None]  # 0 when no lane is active
    ctx.set(0, np.take_along_axis(v, first, axis=1))


@semantics("v_writelane_b32")
def v_writelane_b32(ctx: OpCtx) -> None:
    # use slots: 0 = the tied vdst, 1 = ssrc0 (value), 2 = ssrc1 (lane select)
    value = np.broadcast_to(u32(ctx, 1), (ctx.n, 64))
    lane = np.broadcast_to(u32(ctx, 2) & 63, (ctx.n, 1))
    # The one selected lane is written whatever EXEC says: bypass set()'s EXEC mask.
    ctx._write_reg(0, ctx.to_words(value, 1), LANE[None, :] == lane)


@semantics("v_mbcnt_lo_u32_b32")
def v_mbcnt_lo_u32_b32(ctx: OpCtx) -> None:
    ctx.set(0, popcount(u32(ctx, 0) & THREAD_MASK_LO) + u32(ctx, 1))


@semantics("v_mbcnt_hi_u32_b32")
def v_mbcnt_hi_u32_b32(ctx: OpCtx) -> None:
    ctx.set(0, popcount(u32(ctx, 0) & THREAD_MASK_HI) + u32(ctx, 1))


def _permlane_swap(ctx: OpCtx, rows: int) -> None:
    """Swap lane groups: vdst lanes with bit ``rows`` set <-> vsrc lanes with it clear."""
    a = np.broadcast_to(ctx.raw(0, 1), (ctx.n, 64, 1))
    b = np.broadcast_to(ctx.raw(1, 1), (ctx.n, 64, 1))
    partner = LANE ^ rows
    upper = (LANE & rows) != 0
    new_a = np.where(upper[None, :, None], b[:, partner], a)
    new_b = np.where(upper[None, :, None], b, a[:, partner])
    ctx.set(0, np.ascontiguousarray(new_a))
    ctx.set(1, np.ascontiguousarray(new_b))


@semantics("v_permlane16_swap_b32")
def v_permlane16_swap_b32(ctx: OpCtx) -> None:
    _permlane_swap(ctx, 16)


@semantics("v_permlane32_swap_b32")
def v_permlane32_swap_b32(ctx: OpCtx) -> None:
    _permlane_swap(ctx, 32)
