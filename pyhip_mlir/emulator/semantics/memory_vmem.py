"""FLAT and GLOBAL memory instructions: ``flat_*``/``global_*`` loads, stores, atomics.

Addressing (MI300 ISA, "Flat, Scratch and Global Instructions"; LLVM AMDGPUUsage and
AMDGPUModifierSyntax ``offset12``/``offset13s``):

* GLOBAL with ``saddr`` ``off``: address = 64-bit ``vaddr`` (VGPR pair) + signed
  ``offset`` (13-bit on gfx942);
* GLOBAL with an SGPR pair ``saddr``: address = ``saddr`` (64-bit) + zero-extended
  32-bit ``vaddr`` + ``offset``;
* FLAT: address = 64-bit ``vaddr`` + ``offset``. The emulator treats every flat
  address as global memory: the LDS and private (scratch) apertures are not
  modelled, and an active lane whose address falls in one of them (the Linux KFD
  gfx9 apertures, 4 GiB from ``1 << 48`` for LDS and ``2 << 48`` for private memory,
  ``kfd_flat_memory.c``) raises :class:`EmulationError`. FLAT is counted on vmcnt
  only (the machine's convention).

Only lanes in EXEC access memory; loads deliver (the machine writes the destination
when an ``s_waitcnt`` retires the load) to the EXEC lanes. Widths and d16 rules are
in :mod:`memory_common`. Atomics return the old value only when the destination
slot is present (``sc0`` on gfx942, ``glc`` on gfx90a); otherwise they are counted
like stores. ``cmpswap`` data is the pair {src, cmp}.

Left out (not registered, the machine reports them as not covered):
``global_load_lds_*`` (LDS DMA through M0) and ``scratch_*`` (the private segment is
not modelled).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyhip_mlir.emulator.semantics.memory_common import (
    LOAD_KINDS,
    STORE_KINDS,
    U64,
    EmulationError,
    atomic,
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
    from pyhip_mlir.emulator.ctx import OpCtx

# Linux KFD apertures on gfx9 (kfd_flat_memory.c: MAKE_LDS_APP_BASE_V9 = 1 << 48,
# MAKE_SCRATCH_APP_BASE_V9 = 2 << 48; each 4 GiB).
APERTURES = {"LDS": 1 << 48, "private (scratch)": 2 << 48}
APERTURE_SIZE = 1 << 32


def global_address(ctx: OpCtx) -> np.ndarray:
    """Per-lane 64-bit byte address of a FLAT/GLOBAL instruction, (n, 64) uint64."""
    iv = need_slot(ctx, "vaddr")
    isa = slot(ctx, "saddr")
    off = np.uint64(int(ctx.mod("offset", 0) or 0) & 0xFFFFFFFFFFFFFFFF)
    with np.errstate(over="ignore"):
        if isa is not None and ctx.present(isa):
            base = ctx.u64(isa)
            return base + ctx.u32(iv).astype(U64) + off
        return ctx.u64(iv) + off


def check_apertures(ctx: OpCtx, addr: np.ndarray, lanes: np.ndarray) -> None:
    """FLAT only: refuse addresses in the LDS or private apertures (not modelled)."""
    a = np.broadcast_to(addr, lanes.shape)
    for name, base in APERTURES.items():
        inside = lanes & (a >= np.uint64(base)) & (a < np.uint64(base + APERTURE_SIZE))
        if inside.any():
            w, lane = (int(x) for x in np.argwhere(inside)[0])
            raise EmulationError(
                f"{ctx.ins.text}: lane {lane} (wave row {w}) uses flat address "
                f"{int(a[w, lane]):#x} in the {name} aperture; the emulator models flat "
                "accesses to global memory only"
            )


def _address(ctx: OpCtx, lanes: np.ndarray) -> np.ndarray:
    addr = global_address(ctx)
    if ctx.ins.base.startswith("flat_"):
        check_apertures(ctx, addr, lanes)
    return addr


def _kind(ctx: OpCtx, table: dict, marker: str) -> tuple:
    key = "kind"
    if key not in ctx.ins.cache:
        ctx.ins.cache[key] = table[suffix_after(ctx.ins.base, marker)]
    return ctx.ins.cache[key]


def vmem_load(ctx: OpCtx) -> None:
    kind = _kind(ctx, LOAD_KINDS, "load_")
    lanes = lanes_of(ctx)
    addr = _address(ctx, lanes)
    raw = ctx.mem_read("global", addr, kind[0], lanes)
    old = ctx.u32(need_slot(ctx, "vdst")) if kind[2] != "full" else None
    ctx.deliver(0, load_result(raw, kind, old), lanes)


def vmem_store(ctx: OpCtx) -> None:
    kind = _kind(ctx, STORE_KINDS, "store_")
    lanes = lanes_of(ctx)
    addr = _address(ctx, lanes)
    data = ctx.raw(need_slot(ctx, "vdata"))
    ctx.mem_write("global", addr, store_bytes(data, kind), lanes)
    ctx.memory_op("vmcnt")


# atomic suffix (after "atomic_") -> (generic op, bytes)
def atomic_kind(suffix: str) -> tuple[str, int]:
    special = {
        "add_f32": ("fadd", 4), "add_f64": ("fadd", 8), "min_f64": ("fmin", 8),
        "max_f64": ("fmax", 8), "pk_add_f16": ("pk_add_f16", 4), "pk_add_bf16": ("pk_add_bf16", 4),
    }
    if suffix in special:
        return special[suffix]
    if suffix.endswith("_x2"):
        return suffix[:-3], 8
    return suffix, 4


def split_cmpswap(data: np.ndarray, op: str) -> tuple[np.ndarray, np.ndarray | None]:
    """{src, cmp} halves of cmpswap's data registers; other ops: (data, None)."""
    if op != "cmpswap":
        return data, None
    h = data.shape[-1] // 2
    return data[..., :h], data[..., h:]


def vmem_atomic(ctx: OpCtx) -> None:
    key = "atomic"
    if key not in ctx.ins.cache:
        ctx.ins.cache[key] = atomic_kind(suffix_after(ctx.ins.base, "atomic_"))
    op, nbytes = ctx.ins.cache[key]
    lanes = lanes_of(ctx)
    addr = _address(ctx, lanes)
    data, cmp = split_cmpswap(ctx.raw(need_slot(ctx, "vdata")), op)
    old = atomic(ctx, "global", addr, lanes, op, nbytes, data, cmp)
    if ctx.ins.defs:
        ctx.deliver(0, old, lanes)
    else:
        ctx.memory_op("vmcnt")


def _register() -> None:
    for m in family_bases("FLAT"):
        if not m.startswith(("flat_", "global_")):
            continue
        if "_load_lds_" in m:
            continue
        if "_load_" in m and suffix_after(m, "load_") in LOAD_KINDS:
            semantics(m)(vmem_load)
        elif "_store_" in m and suffix_after(m, "store_") in STORE_KINDS:
            semantics(m)(vmem_store)
        elif "_atomic_" in m:
            semantics(m)(vmem_atomic)


_register()
