"""Dispatch: a launch's grid of workgroups, set up the way the hardware starts waves.

For each wave (AMDGPUUsage "Initial Kernel Execution State"): the user SGPRs the
descriptor enables, from s0 in the documented order (kernarg segment pointer, dispatch
packet pointer, ...), then the enabled workgroup ids; work-item ids packed in v0
(x bits 0-9, y 10-19, z 20-29, gfx90a and later); EXEC has one bit per work-item of
the wave (the last wave of a workgroup whose size is not a multiple of 64 has fewer).
Registers not set up here read as never written (the sanitizer reports them).

Private (scratch) memory: ``private_segment_fixed_size`` bytes per work-item (the
machine allocates it per batch at the first access). gfx942 has architected flat
scratch (FLAT_SCRATCH set by the hardware, nothing in SGPRs). On gfx90a the private
segment buffer user SGPRs receive the emulator's scratch descriptor
(:func:`memory_scratch.scratch_rsrc_words`, a swizzled add-TID V# whose base names
the private space) and the private segment wave offset SGPR is 0. A dynamic stack
(``uses_dynamic_stack``: its size is chosen by the runtime) is refused.

Workgroups run in batches (a batch's waves share numpy arrays); a batch is sized so
its register files stay within a memory budget. Waves of different workgroups only
meet through global memory, so batching changes nothing observable.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pyhip_mlir.emulator import bits
from pyhip_mlir.emulator.ctx import EmulationError
from pyhip_mlir.emulator.machine import Launch, Machine
from pyhip_mlir.emulator.program import EXEC, Program, RegRange
from pyhip_mlir.emulator.sanitizer import Report

MEMORY_BUDGET = 512 << 20  # bytes of register files per batch
MAX_WAVES_PER_BATCH = 4096


def dims3(name: str, value: int | Sequence[int]) -> tuple[int, int, int]:
    t = (value,) if isinstance(value, int) else tuple(value)
    if not 1 <= len(t) <= 3 or not all(isinstance(x, int | np.integer) and x >= 1 for x in t):
        raise ValueError(f"{name} must be 1 to 3 positive integers, got {value!r}")
    return tuple(int(x) for x in (*t, 1, 1)[:3])  # type: ignore[return-value]


def dispatch_packet(grid: tuple[int, int, int], block: tuple[int, int, int], lds: int, kernarg: int,
                    private: int = 0) -> np.ndarray:
    """An ``hsa_kernel_dispatch_packet_t`` (64 bytes) for kernels that read it."""
    pkt = bytearray(64)
    dims = sum(1 for d in (grid[1] * block[1], grid[2] * block[2]) if d > 1) + 1
    struct.pack_into("<HH", pkt, 0, 2, dims)  # header: kernel dispatch; setup: dimensions
    struct.pack_into("<HHH", pkt, 4, *block)
    struct.pack_into("<III", pkt, 12, *(g * b for g, b in zip(grid, block, strict=True)))
    struct.pack_into("<II", pkt, 24, private, lds)  # private, group segment sizes
    struct.pack_into("<Q", pkt, 40, kernarg)
    return np.frombuffer(bytes(pkt), dtype=np.uint8).copy()


@dataclass
class RunStats:
    """What a launch did, summed over its batches."""

    waves: int = 0
    wave_instructions: int = 0
    batches: int = 0
    reports: list[Report] = field(default_factory=list)


MAX_LDS_BYTES = 64 * 1024  # per workgroup on gfx90a/gfx942


def run_batches(
    program: Program,
    descriptor: Any,
    grid: tuple[int, int, int],
    block: tuple[int, int, int],
    kernarg_address: int,
    memory: Any,
    sanitizer_factory: Any,
    *,
    max_steps: int | None = None,
    dynamic_lds: int = 0,
) -> RunStats:
    """Run every workgroup of the grid (``dynamic_lds``: LDS bytes added at launch)."""
    threads = block[0] * block[1] * block[2]
    if threads > 1024:
        raise ValueError(f"workgroup of {threads} work-items: the limit is 1024")
    wpg = math.ceil(threads / 64)
    lds = int(descriptor.group_segment_fixed_size) + dynamic_lds
    if lds > MAX_LDS_BYTES:
        raise ValueError(f"{lds} bytes of LDS per workgroup: the limit is {MAX_LDS_BYTES}")
    private = int(descriptor.private_segment_fixed_size)
    if descriptor.uses_dynamic_stack:  # also refused by codeobject.kernel_ir, before parsing
        raise EmulationError(f"{program.kernel}: the kernel uses a dynamic stack (uses_dynamic_stack); "
                             f"the emulator models only the fixed private segment ({private} bytes)")
    n_wg = grid[0] * grid[1] * grid[2]
    per_wave = 64 * 4 * (max(program.max_vgpr, 1) + max(program.max_agpr, 1)) * 2 + 1024
    per_wave += 64 * private * 2  # private bytes and their written flags
    per_batch = max(1, min(MAX_WAVES_PER_BATCH, MEMORY_BUDGET // per_wave) // wpg)
    packet = dispatch_packet(grid, block, lds, kernarg_address, private)
    memory.register(packet, name="dispatch packet")
    stats = RunStats()
    for start in range(0, n_wg, per_batch):
        wgs = np.arange(start, min(n_wg, start + per_batch))
        launch = _batch_launch(program, descriptor, grid, block, wgs, wpg, lds, kernarg_address,
                               int(packet.ctypes.data), private)
        m = Machine(program, launch, memory, sanitizer_factory())
        m.run(max_steps=max_steps)
        stats.waves += m.W
        stats.wave_instructions += m.wave_instructions
        stats.batches += 1
        stats.reports += m.san.reports
    return stats


@dataclass
class WaveGeometry:
    """Where each wave of a batch sits: its workgroup and the work-items of its lanes."""

    wg_of_wave: np.ndarray  # (W,) workgroup index within the batch
    wave_in_wg: np.ndarray  # (W,)
    wg_ids: np.ndarray  # (W, 3) workgroup id
    active: np.ndarray  # (W, 64) lanes that hold a work-item
    packed: np.ndarray  # (W, 64) uint32 work-item ids as v0 holds them


def wave_geometry(grid: tuple[int, int, int], block: tuple[int, int, int], wgs: np.ndarray) -> WaveGeometry:
    threads = block[0] * block[1] * block[2]
    wpg = math.ceil(threads / 64)
    wg_of_wave = np.repeat(np.arange(len(wgs)), wpg)
    wave_in_wg = np.tile(np.arange(wpg), len(wgs))
    flat = wgs[wg_of_wave]
    wg_ids = np.stack([flat % grid[0], (flat // grid[0]) % grid[1], flat // (grid[0] * grid[1])], axis=1)
    t = wave_in_wg[:, None] * 64 + np.arange(64)[None, :]  # flat work-item id per lane
    tx, ty, tz = t % block[0], (t // block[0]) % block[1], t // (block[0] * block[1])
    packed = (tx | (ty << 10) | (tz << 20)).astype(np.uint32)
    return WaveGeometry(wg_of_wave, wave_in_wg, wg_ids, t < threads, packed)


def _batch_launch(program: Program, desc: Any, grid: tuple[int, int, int], block: tuple[int, int, int],
                  wgs: np.ndarray, wpg: int, lds: int, kernarg: int, packet: int, private: int = 0) -> Launch:
    geo = wave_geometry(grid, block, wgs)
    n = len(geo.wg_of_wave)
    wg_of_wave, wave_in_wg, wg_ids, active, packed = (
        geo.wg_of_wave, geo.wave_in_wg, geo.wg_ids, geo.active, geo.packed)

    def init(m: Machine) -> None:
        s = m.sgpr
        for name, first, count in desc.user_sgpr_layout():
            if name == "kernarg_segment_ptr":
                s[:, first : first + 2] = [kernarg & 0xFFFFFFFF, kernarg >> 32]
            elif name == "dispatch_ptr":
                s[:, first : first + 2] = [packet & 0xFFFFFFFF, packet >> 32]
            elif name == "private_segment_buffer":
                from pyhip_mlir.emulator.semantics.memory_scratch import scratch_rsrc_words

                s[:, first : first + 4] = scratch_rsrc_words()
            m.san.mark_written(slice(None), RegRange("s", first, count))
        for name, sg in desc.system_sgpr_layout():
            if name.startswith("workgroup_id_"):
                s[:, sg] = wg_ids[:, "xyz".index(name[-1])]
            m.san.mark_written(slice(None), RegRange("s", sg, 1))
        m.write(slice(None), RegRange("s", EXEC, 2), bits.split64(bits.lanes_to_mask(active))[:, None, :], None)
        if m.vgpr.shape[1] >= 1:
            m.vgpr[:, 0, :] = packed
            m.san.mark_written(slice(None), RegRange("v", 0, 1))

    return Launch(n_waves=n, wg_of_wave=wg_of_wave, wg_ids=wg_ids, wave_in_wg=wave_in_wg,
                  lds_bytes=lds, n_wgs=len(wgs), init=init, private_bytes=private)

