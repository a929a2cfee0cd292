"""FLAT and GLOBAL memory instructions: ``flat_*``/``global_*`` loads, stores, atomics.

Addressing (MI300 ISA, "Flat, Scratch and Global Instructions"; LLVM AMDGPUUsage and
AMDGPUModifierSyntax ``offset12``/``offset13s``):

* GLOBAL with ``saddr`` ``off``: address = 64-bit ``vaddr`` (VGPR pair) + signed
  ``offset`` (13-bit on gfx942);
* GLOBAL with an SGPR pair ``saddr``: address = ``saddr`` (64-bit) + zero-extended
  32-bit ``vaddr`` + ``offset``;
* FLAT: address = 64-bit ``vaddr`` + ``offset``, per lane in one of two spaces
  (AMDGPUUsage "Address Spaces", **Generic**): an address in the private aperture
  (the Linux KFD gfx9 apertures, ``kfd_flat_memory.c``: 4 GiB from ``2 << 48``,
  what ``src_private_base`` reads) is the lane's private (scratch) address
  ``addr - base``; anything else is global. Loads and stores whose lanes mix the
  two access each lane's own space. Not modelled, with :class:`EmulationError`:
  the LDS aperture (4 GiB from ``1 << 48``) and FLAT atomics into the private
  aperture (LLVM's AtomicExpand splits flat atomics that may reach private memory
  into a non-atomic private path, so compiled code does not rely on them). FLAT is
  counted on vmcnt only (the machine's convention; compiled code waits on lgkmcnt
  too).

Only lanes in EXEC access memory; loads deliver (the machine writes the destination
when an ``s_waitcnt`` retires the load) to the EXEC lanes. Widths and d16 rules are
in :mod:`memory_common`. Atomics return the old value only when the destination
slot is present (``sc0`` on gfx942, ``glc`` on gfx90a); otherwise they are counted
like stores. ``cmpswap`` data is the pair {src, cmp}.

Left out (not registered, the machine reports them as not covered):
``global_load_lds_*`` (LDS DMA through M0). ``scratch_*`` are in :mod:`memory_scratch`.
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


def _refuse(ctx: OpCtx, addr: np.ndarray, inside: np.ndarray, name: str, what: str) -> None:
    w, lane = (int(x) for x in np.argwhere(inside)[0])
    raise EmulationError(
        f"{ctx.ins.text}: lane {lane} (wave row {w}) uses flat address "
        f"{int(np.broadcast_to(addr, inside.shape)[w, lane]):#x} in the {name} aperture; the "
        f"emulator models {what}"
    )


def _in_aperture(addr: np.ndarray, lanes: np.ndarray, base: int) -> np.ndarray:
    a = np.broadcast_to(addr, lanes.shape)
    return lanes & (a >= np.uint64(base)) & (a < np.uint64(base + APERTURE_SIZE))


def flat_spaces(ctx: OpCtx, addr: np.ndarray, lanes: np.ndarray) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``[(space, address in that space, lanes)]`` of a FLAT/GLOBAL load or store:
    GLOBAL is all global; FLAT lanes in the private aperture go to the private space,
    lanes in the LDS aperture raise :class:`EmulationError`."""
    if not ctx.ins.base.startswith("flat_"):
        return [("global", addr, lanes)]
    lds = _in_aperture(addr, lanes, APERTURES["LDS"])
    if lds.any():
        _refuse(ctx, addr, lds, "LDS", "flat accesses to global and private memory only")
    base = APERTURES["private (scratch)"]
    private = _in_aperture(addr, lanes, base)
    if not private.any():
        return [("global", addr, lanes)]
    out = [("private", np.broadcast_to(addr, lanes.shape) - np.uint64(base), private)]
    rest = lanes & ~private
    if rest.any():
        out.insert(0, ("global", addr, rest))
    return out


def check_apertures(ctx: OpCtx, addr: np.ndarray, lanes: np.ndarray) -> None:
    """FLAT atomics: refuse addresses in the LDS or private apertures (not modelled)."""
    for name, base in APERTURES.items():
        inside = _in_aperture(addr, lanes, base)
        if inside.any():
            _refuse(ctx, addr, inside, name, "flat atomics on global memory only")


def _kind(ctx: OpCtx, table: dict, marker: str) -> tuple:
    key = "kind"
    if key not in ctx.ins.cache:
        ctx.ins.cache[key] = table[suffix_after(ctx.ins.base, marker)]
    return ctx.ins.cache[key]


def vmem_load(ctx: OpCtx) -> None:
    kind = _kind(ctx, LOAD_KINDS, "load_")
    lanes = lanes_of(ctx)
    parts = flat_spaces(ctx, global_address(ctx), lanes)
    raw = ctx.mem_read(parts[0][0], parts[0][1], kind[0], parts[0][2])
    for space, addr, sub in parts[1:]:  # other lanes read zeros: OR the spaces together
        raw = raw | ctx.mem_read(space, addr, kind[0], sub)
    old = ctx.u32(need_slot(ctx, "vdst")) if kind[2] != "full" else None
    ctx.deliver(0, load_result(raw, kind, old), lanes)


def vmem_store(ctx: OpCtx) -> None:
    kind = _kind(ctx, STORE_KINDS, "store_")
    lanes = lanes_of(ctx)
    data = store_bytes(ctx.raw(need_slot(ctx, "vdata")), kind)
    for space, addr, sub in flat_spaces(ctx, global_address(ctx), lanes):
        ctx.mem_write(space, addr, data, sub)
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
    addr = global_address(ctx)
    if ctx.ins.base.startswith("flat_"):
        check_apertures(ctx, addr, lanes)
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
