"""Private (scratch) memory: ``scratch_load_*``/``scratch_store_*`` and the gfx90a
scratch buffer descriptor.

The private segment (LLVM AMDGPUUsage, "Address Spaces", **Private**): every lane of
every wave has its own memory; the same private address in two lanes names two
different bytes. The hardware backs a wave's segment with dword interleaving
(``wave_base + (addr / 4) * 64 * 4 + lane * 4 + addr % 4``), which is invisible to
per-lane addresses: the emulator keeps each lane's segment as plain bytes (the
machine's ``"private"`` space, ``private_segment_fixed_size`` bytes per lane, bounds
checked and tracked for uninitialized reads like LDS).

Address rules used here:

* SCRATCH instructions (gfx942 has *architected flat scratch*: the hardware sets
  FLAT_SCRATCH to the wave's scratch base, AMDGPUUsage "Flat Scratch"): the lane's
  private address is ``vaddr + saddr + offset`` (LLVM's gfx940 operand syntax pages
  ``gfx940_vaddr``/``gfx940_saddr``: "Offset = [vaddr] + [saddr] + offset13s"), where
  ``vaddr`` is a 32-bit VGPR, ``saddr`` a 32-bit SGPR, either or both ``off`` (0;
  both off is gfx940's "ST" mode), ``offset`` the signed 13-bit immediate. The sum is
  taken modulo 2**32 (a 32-bit address space, AMDGPUUsage address-space table); a
  negative sum is out of bounds. ``saddr`` is a per-lane (swizzled) value: LLVM's
  stack pointer is in per-lane units under flat scratch (SIFrameLowering
  ``getScratchScaleFactor`` is 1 there, the wavefront size for MUBUF).
* Multi-dword accesses cover consecutive per-lane addresses (``dwordx2`` at ``a``:
  ``a`` and ``a + 4``), each dword landing 256 bytes apart in the backing memory
  (gem5's MI300 scratch change, citing the MI300 ISA "Swizzled Buffer Addressing").
* Widths, sign/zero extension and the d16 forms are :mod:`memory_common`'s; loads
  write their destination when an ``s_waitcnt vmcnt`` retires them (scratch is
  counted on vmcnt only, as LLVM's SIInsertWaitcnts does for FLAT scratch).
* No alignment check: gfx942 accepts unaligned scratch (its ``unaligned-scratch-
  access`` feature; LLVM emits dword-aligned accesses anyway).

gfx90a (no architected flat scratch) reaches scratch through MUBUF instructions and
the private segment buffer V# in s[0:3] plus the wave offset SGPR (AMDGPUUsage
"Private Segment Buffer"). The dispatcher puts :func:`scratch_rsrc_words` there: a
swizzled, add-TID descriptor (element size 4, index stride 64, as the runtime's
scratch V#) whose base lies in a range no host address uses, and sets the wave
offset to 0. :func:`buffer_private_address` turns a MUBUF access through it into a
private address with the swizzled-buffer formula (GCN/Vega ISA "Swizzled Buffer
Addressing", as summarised in LLVM AMDGPUUsage: ``soffset`` and the base are
*unswizzled* wave offsets, "swizzled SP = unswizzled SP / wavefront size"):
``addr = (base_offset + soffset) / 64 + (offen ? vaddr : 0) + offset``. An
unswizzled offset that is not a multiple of 256 would shift accesses into other
lanes' dwords and raises an error, as do ``idxen`` accesses.

Left out: ``scratch_load_lds_*`` (LDS DMA through M0; not registered, the machine
names them as not covered), ``s_scratch_*`` (scalar scratch, never emitted by LLVM),
and gfx90a FLAT scratch (its prologue writes ``flat_scratch_lo/hi``, which the
assembly parser does not take: :func:`pyhip_mlir.emulator.codeobject.kernel_ir`
refuses such kernels with a clear error).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyhip_mlir.emulator.semantics.memory_common import (
    LOAD_KINDS,
    STORE_KINDS,
    U32,
    U64,
    EmulationError,
    family_bases,
    lanes_of,
    load_result,
    need_slot,
    slot,
    store_bytes,
    suffix_after,
)
from pyhip_mlir.emulator.semantics.registry import semantics

if TYPE_CHECKING:
    from pyhip_mlir.emulator.buffer_rsrc import Rsrc
    from pyhip_mlir.emulator.ctx import OpCtx

# The emulator's gfx90a scratch V#: a 48-bit base with bit 47 set (no Linux user
# address has it), swizzle_enable, element size 4 bytes (field 1), index stride 64
# (field 3), add_tid_enable; num_records 0xFFFFFFFF (the private space checks bounds).
SCRATCH_RSRC_BASE = 0xFF00_0000_0000
SCRATCH_RSRC_TAG = SCRATCH_RSRC_BASE >> 40
_ES_FIELD, _IS_FIELD = 1, 3


def scratch_rsrc_words() -> list[int]:
    """The four dwords of the private segment buffer the dispatcher hands gfx90a waves."""
    w3 = (_ES_FIELD << 19) | (_IS_FIELD << 21) | (1 << 23)
    return [SCRATCH_RSRC_BASE & 0xFFFFFFFF, ((SCRATCH_RSRC_BASE >> 32) & 0xFFFF) | (1 << 31),
            0xFFFFFFFF, w3]


def is_scratch_rsrc(rsrc: Rsrc) -> np.ndarray:
    """(n,) bool: which waves' descriptors are the emulator's scratch V#."""
    return rsrc.add_tid_enable & ((rsrc.base >> U64(40)) == U64(SCRATCH_RSRC_TAG))


def buffer_private_address(ctx: OpCtx, rsrc: Rsrc, voffset: np.ndarray | None, soffset: np.ndarray,
                           inst_offset: int, idxen: bool, offen: bool) -> np.ndarray:
    """Per-lane private addresses (n, 64) uint64 of a MUBUF access through the scratch V#."""
    if idxen:
        raise EmulationError(f"{ctx.ins.text}: idxen access through the scratch descriptor is not emulated")
    if (rsrc.element_size != _ES_FIELD).any() or (rsrc.index_stride != _IS_FIELD).any() or \
            (rsrc.stride != 0).any() or not rsrc.swizzle_enable.all():
        raise EmulationError(f"{ctx.ins.text}: the scratch descriptor's swizzle fields were changed; "
                             "only the dispatcher's scratch V# is emulated")
    unswizzled = (rsrc.base - U64(SCRATCH_RSRC_BASE)) + np.asarray(soffset).astype(U64).reshape(-1)
    if (unswizzled % U64(256)).any():
        bad = int(unswizzled[np.flatnonzero(unswizzled % U64(256))[0]])
        raise EmulationError(
            f"{ctx.ins.text}: unswizzled scratch offset {bad:#x} (descriptor base + soffset) is not "
            "a multiple of 256: the access would reach other lanes' dwords, which is not emulated")
    off = np.zeros((ctx.n, 64), U64) if not offen else np.asarray(voffset).astype(U64).reshape(ctx.n, 64)
    with np.errstate(over="ignore"):
        return ((unswizzled // U64(64))[:, None] + off + U64(inst_offset)) & U64(0xFFFFFFFF)


def scratch_address(ctx: OpCtx) -> np.ndarray:
    """Per-lane private address of a SCRATCH instruction, (n, 64 or 1) uint64."""
    total = np.zeros((ctx.n, 1), dtype=np.int64)
    for name in ("vaddr", "saddr"):
        i = slot(ctx, name)
        if i is not None and ctx.ins.uses[i] is not None and ctx.present(i):
            total = total + ctx.u32(i).astype(np.int64)
    total = total + int(ctx.mod("offset", 0) or 0)
    return (total & 0xFFFFFFFF).astype(U64)


def _kind(ctx: OpCtx, table: dict, marker: str) -> tuple:
    if "kind" not in ctx.ins.cache:
        ctx.ins.cache["kind"] = table[suffix_after(ctx.ins.base, marker)]
    return ctx.ins.cache["kind"]


def scratch_load(ctx: OpCtx) -> None:
    kind = _kind(ctx, LOAD_KINDS, "load_")
    lanes = lanes_of(ctx)
    raw = ctx.mem_read("private", scratch_address(ctx), kind[0], lanes)
    old = ctx.u32(need_slot(ctx, "vdst")) if kind[2] != "full" else None
    ctx.deliver(0, load_result(raw, kind, old), lanes)


def scratch_store(ctx: OpCtx) -> None:
    kind = _kind(ctx, STORE_KINDS, "store_")
    lanes = lanes_of(ctx)
    data = ctx.raw(need_slot(ctx, "vdata"))
    ctx.mem_write("private", scratch_address(ctx), store_bytes(np.asarray(data, dtype=U32), kind), lanes)
    ctx.memory_op("vmcnt")


def _register() -> None:
    for m in family_bases("FLAT"):
        if not m.startswith("scratch_") or "_load_lds_" in m:
            continue
        if "_load_" in m and suffix_after(m, "load_") in LOAD_KINDS:
            semantics(m)(scratch_load)
        elif "_store_" in m and suffix_after(m, "store_") in STORE_KINDS:
            semantics(m)(scratch_store)


_register()
