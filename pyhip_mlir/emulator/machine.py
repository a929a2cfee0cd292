"""The machine emulator: waves of one launch batch executing a decoded program.

State per wave: SGPRs (with vcc, m0 and exec at their encoding numbers, see
``program.SPECIAL_SLOTS``), SCC, VGPRs and AGPRs (64 lanes each), a PC, the
outstanding memory operations per counter. Waves that sit at the same PC execute as
one numpy operation over ``(waves, 64)``: the scheduler always runs the lowest PC
among the runnable waves, which keeps waves of a uniform kernel together and lets
diverged ones re-merge.

Asynchronous memory (DESIGN.md decision 5): a load reads memory at issue but writes
its destination only when an ``s_waitcnt`` (or the end of the program) retires it.
Per counter the queue retires in issue order; SMEM results may return out of order
on the hardware, so an ``lgkmcnt(N)`` wait retires LDS operations (in order) before
SMEM ones, and SMEM ones newest first — a legal order that exposes code relying on
SMEM ordering. FLAT operations are counted on vmcnt only.

Memory spaces (``space`` of :meth:`MachineCtx.mem_read` and friends): ``"global"``
(host buffers, :mod:`pyhip_mlir.emulator.memory`), ``"lds"`` (per workgroup,
``Launch.lds_bytes``) and ``"private"`` (scratch: per wave and lane,
``Launch.private_bytes`` from the descriptor's ``private_segment_fixed_size``; an
address is the lane's byte offset into its own segment, AMDGPUUsage "Address
Spaces / Private"). LDS and private memory are bounds checked (``out-of-bounds``:
reads give 0, writes are dropped) and track written bytes (``uninitialized``). The
private backing store is allocated at the first private access, as one array of
``waves * 64 * private_bytes`` bytes (lane segments end to end: the hardware's
dword interleaving is invisible to per-lane addresses).
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from pyhip_mlir.emulator import bits
from pyhip_mlir.emulator.ctx import EmulationError, OpCtx
from pyhip_mlir.emulator.program import EXEC, VCC, Instr, Program, RegRange
from pyhip_mlir.emulator.sanitizer import Sanitizer

U32 = np.uint32
SCC = RegRange("scc", 0, 1)
LANES_U64 = np.arange(64, dtype=np.uint64)


@dataclass(eq=False)
class Pending:
    """One issued memory operation of a group of waves, not yet retired."""

    waves: np.ndarray  # wave indices (sorted)
    row_of: np.ndarray  # (W,) wave -> row in words/lanes, -1 if not in this op
    alive: np.ndarray  # (rows,) bool: not retired yet
    counter: str  # "vm" | "lgkm"
    smem: bool
    pc: int
    reg: RegRange | None = None
    words: np.ndarray | None = None  # (rows, L, d) uint32
    lanes: np.ndarray | None = None  # (rows, 64) bool or None


@dataclass
class Launch:
    """What the dispatcher sets up for one batch (see dispatch.py)."""

    n_waves: int
    wg_of_wave: np.ndarray  # (W,) workgroup index within the batch
    wg_ids: np.ndarray  # (W, 3) workgroup id of each wave
    wave_in_wg: np.ndarray  # (W,)
    lds_bytes: int
    n_wgs: int
    init: Callable[[Machine], None] = field(default=lambda m: None)
    private_bytes: int = 0  # per lane (work-item); 0: the kernel has no scratch


@functools.cache
def tune_malloc() -> bool:
    """Let glibc keep large freed blocks instead of unmapping them.

    Every emulated instruction makes numpy temporaries of (waves, 64) elements,
    hundreds of KiB each: above glibc's default mmap threshold, so each one is a fresh
    mmap whose pages the kernel must fault in and zero. Raising the thresholds (once,
    for the process; ``PYHIP_EMU_MALLOC=default`` opts out) lets them reuse heap memory,
    which makes the emulator about 1.7x faster on large launches (docs/performance.md).
    """
    if os.environ.get("PYHIP_EMU_MALLOC") == "default" or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    return bool(libc.mallopt(m_mmap_threshold, 64 << 20)) and bool(libc.mallopt(m_trim_threshold, 256 << 20))


class Machine:
    """All waves of one batch; :meth:`run` executes them to the end."""

    def __init__(self, program: Program, launch: Launch, memory, sanitizer: Sanitizer):  # noqa: ANN001
        tune_malloc()
        self.program = program
        self.launch = launch
        self.memory = memory
        self.san = sanitizer
        w = launch.n_waves
        self.W = w
        nv = max(program.max_vgpr, 1)
        na = max(program.max_agpr, 1)
        self.sgpr = np.zeros((w, 128), dtype=U32)
        self.scc = np.zeros(w, dtype=bool)
        # (wave, register, lane): a register's 64 lanes are contiguous, so the common
        # one-register write is one contiguous store per wave.
        self.vgpr = np.zeros((w, nv, 64), dtype=U32)
        self.agpr = np.zeros((w, na, 64), dtype=U32)
        self.exec_bool = np.zeros((w, 64), dtype=bool)  # EXEC as lanes, kept in sync
        self.pc = np.zeros(w, dtype=np.int64)
        self.done = np.zeros(w, dtype=bool)
        self.at_barrier = np.zeros(w, dtype=bool)
        self.out = {"vm": np.zeros(w, dtype=np.int32), "lgkm": np.zeros(w, dtype=np.int32)}
        self.pending: list[Pending] = []
        self.lds = np.zeros(max(launch.n_wgs * launch.lds_bytes, 1), dtype=np.uint8)
        self.private_bytes = int(launch.private_bytes)
        self._private: np.ndarray | None = None  # allocated at the first private access
        self._private_written: np.ndarray | None = None
        self.wave_instructions = 0
        self.steps = 0
        sanitizer.attach(self)
        launch.init(self)

    # --- register file access ----------------------------------------------------

    def file(self, f: str) -> np.ndarray:
        return {"s": self.sgpr, "v": self.vgpr, "a": self.agpr}[f]

    def read(self, g: np.ndarray | slice, r: RegRange) -> np.ndarray:
        if r.file == "s":
            return self.sgpr[g, r.first : r.first + r.count][:, None, :]
        if r.file == "scc":
            return self.scc[g].astype(U32)[:, None, None]
        return self.file(r.file)[g, r.first : r.first + r.count, :].transpose(0, 2, 1)

    def write(self, g: np.ndarray | slice, r: RegRange, words: np.ndarray, lanes: np.ndarray | None) -> None:
        if r.file == "s":
            if words.shape[1] != 1:
                raise EmulationError(f"a per-lane value written to scalar register {r}")
            self.sgpr[g, r.first : r.first + r.count] = words[:, 0, :]
            if r.first <= EXEC + 1 and r.first + r.count > EXEC:
                self.exec_bool[g] = bits.mask_to_lanes(bits.join64(self.sgpr[g, EXEC : EXEC + 2]))
        elif r.file == "scc":
            self.scc[g] = words[:, 0, 0] != 0
        else:
            arr = self.file(r.file)
            sl = (g, slice(r.first, r.first + r.count), slice(None))
            src = np.broadcast_to(words, (words.shape[0], 64, r.count)).transpose(0, 2, 1)
            if lanes is None:
                arr[sl] = src
            elif isinstance(g, slice):  # a view: write the active lanes in place
                np.copyto(arr[sl], src, where=lanes[:, None, :])
            else:
                arr[sl] = np.where(lanes[:, None, :], src, arr[sl])
        self.san.on_write(g, r, lanes)

    def exec_lanes(self, g: np.ndarray | slice) -> np.ndarray:
        return self.exec_bool[g]

    # --- scheduling ---------------------------------------------------------------

    def run(self, max_steps: int | None = None) -> None:
        instrs = self.program.instrs
        ctx = MachineCtx(self)
        all_waves = np.arange(self.W)
        while True:
            runnable = ~(self.done | self.at_barrier)
            if not runnable.any():
                if self.at_barrier.any():
                    self._release_barriers(stuck=True)
                    continue
                break
            pcs = np.where(runnable, self.pc, np.iinfo(np.int64).max)
            p = int(pcs.min())
            if p >= len(instrs):
                raise EmulationError(f"{self.program.kernel}: execution ran past the last instruction")
            sel = pcs == p
            g: np.ndarray | slice = slice(None) if sel.all() else all_waves[sel]
            ins = instrs[p]
            ctx.start(ins, g, int(sel.sum()))
            self.san.before(ctx)
            if ins.sem is None:
                raise EmulationError(
                    f"'{ins.mnemonic}' is not covered by the emulator (instruction {p}: "
                    f"{ins.text}); see docs/emulator.md for the covered set"
                )
            ins.sem(ctx)
            ctx.finish()
            self.wave_instructions += ctx.n
            self.steps += 1
            if max_steps is not None and self.steps >= max_steps:
                raise EmulationError(f"{self.program.kernel}: no end after {max_steps} steps")
        self._retire_all(all_waves)

    def _release_barriers(self, stuck: bool = False) -> None:
        """Release every workgroup whose live waves all wait at a barrier."""
        wg = self.launch.wg_of_wave
        live = ~self.done
        waiting_wgs = np.unique(wg[self.at_barrier])
        for k in waiting_wgs:
            members = wg == k
            if np.all(self.at_barrier[members] | ~live[members]):
                if np.any(members & self.done):
                    self.san.barrier_incomplete(int(k), members)
                self.at_barrier[members] = False
                self.pc[members & live] += 1
        if stuck and self.at_barrier.any():
            raise EmulationError("deadlock: waves wait at a barrier that can never complete")

    # --- asynchronous memory -----------------------------------------------------

    def issue(self, g: np.ndarray | slice, ins: Instr, counter: str, reg: RegRange | None,
              words: np.ndarray | None, lanes: np.ndarray | None) -> None:
        waves = np.arange(self.W)[g]
        row_of = np.full(self.W, -1, dtype=np.int64)
        row_of[waves] = np.arange(len(waves))
        smem = ins.idef.family == "SMEM"
        self.pending.append(
            Pending(waves, row_of, np.ones(len(waves), dtype=bool), counter, smem, ins.pc,
                    reg, words, lanes)
        )
        self.out[counter][waves] += 1
        if reg is not None:
            self.san.on_issue(waves, reg, ins)

    def wait(self, g: np.ndarray | slice, counter: str, limit: int) -> None:
        waves = np.arange(self.W)[g]
        need = np.maximum(self.out[counter][waves] - limit, 0)
        if not need.any():
            return
        queue = [p for p in self.pending if p.counter == counter]
        if counter == "lgkm":  # LDS in order, then SMEM newest first (see module doc)
            queue = [p for p in queue if not p.smem] + [p for p in reversed(queue) if p.smem]
        for p in queue:
            rows = p.row_of[waves]
            sel = (rows >= 0) & (need > 0)
            sel[sel] &= p.alive[rows[sel]]
            if not sel.any():
                continue
            self._retire(p, waves[sel], rows[sel])
            need[sel] -= 1
            if not need.any():
                break
        self.pending = [p for p in self.pending if p.alive.any()]

    def _retire(self, p: Pending, waves: np.ndarray, rows: np.ndarray) -> None:
        p.alive[rows] = False
        self.out[p.counter][waves] -= 1
        if p.reg is not None and p.words is not None:
            self.san.on_complete(waves, p.reg)
            lanes = p.lanes[rows] if p.lanes is not None else None
            self.write(waves, p.reg, p.words[rows], lanes)

    def _retire_all(self, waves: np.ndarray) -> None:
        for p in self.pending:
            rows = p.row_of[waves]
            sel = rows >= 0
            sel[sel] &= p.alive[rows[sel]]
            if sel.any():
                self._retire(p, waves[sel], rows[sel])
        self.pending = [p for p in self.pending if p.alive.any()]


    # --- memory (called by MachineCtx with the active lanes flattened) ---------------

    def _who(self, ctx: MachineCtx, lanes: np.ndarray, k: int) -> tuple[int, int]:
        row, lane = np.argwhere(lanes)[k]
        return int(np.arange(self.W)[ctx.g][row]), int(lane)

    @property
    def private(self) -> np.ndarray:
        """The batch's private (scratch) bytes: lane ``l`` of wave ``w`` owns
        ``[(w * 64 + l) * private_bytes, ... + private_bytes)``."""
        if self._private is None:
            self._private = np.zeros(max(self.W * 64 * self.private_bytes, 1), dtype=np.uint8)
        return self._private

    @property
    def private_written(self) -> np.ndarray:
        if self._private_written is None:
            self._private_written = np.zeros(self.private.shape, dtype=bool)
        return self._private_written

    def _segment(self, space: str) -> tuple[np.ndarray, np.ndarray | None, int]:
        """(bytes, written-bytes mask or None, per-segment size) of "lds" / "private"."""
        if space == "lds":
            return self.lds, self.san.lds_written if self.san.enabled else None, self.launch.lds_bytes
        if space == "private":
            return self.private, self.private_written if self.san.enabled else None, self.private_bytes
        raise EmulationError(f"unknown memory space {space!r}")

    @staticmethod
    def _segment_name(space: str) -> str:
        return "LDS" if space == "lds" else "private (scratch)"

    def _segment_range(self, ctx: MachineCtx, space: str, addr: np.ndarray, lanes: np.ndarray,
                       nbytes: int) -> np.ndarray:
        """In-bounds flags of the active lanes' accesses; reports those out of bounds."""
        limit = self._segment(space)[2]
        raw = np.broadcast_to(addr, lanes.shape)[lanes].astype(np.uint64)
        ok = raw + np.uint64(nbytes) <= np.uint64(limit)
        if not ok.all():
            k = int(np.argmin(ok))
            wave, lane = self._who(ctx, lanes, k)
            where = (f"the workgroup's {limit} bytes of LDS" if space == "lds" else
                     f"the lane's {limit}-byte private segment (private_segment_fixed_size)")
            self.san.report(
                "out-of-bounds",
                f"{self._segment_name(space)} address {int(raw[k]):#x} ({nbytes} bytes) is outside "
                f"{where} (reads give 0, writes are dropped)",
                ctx.ins, wave, lane)
        if space == "lds" and nbytes > 1 and self.san.enabled:
            bad = (raw % np.uint64(min(nbytes, 4))) != 0
            if bad.any():
                k = int(np.argmax(bad))
                wave, lane = self._who(ctx, lanes, k)
                self.san.report("misaligned", f"LDS address {int(raw[k]):#x} is not aligned to "
                                f"{min(nbytes, 4)} bytes", ctx.ins, wave, lane)
        return ok

    def _global_fault(self, ctx: MachineCtx, lanes: np.ndarray, e: Exception) -> EmulationError:
        k = int(getattr(e, "index", 0))
        wave, lane = self._who(ctx, lanes, k)
        self.san.report("out-of-bounds", str(getattr(e, "message", e)), ctx.ins, wave, lane)
        # with the sanitizer collecting, the access still cannot go through
        return EmulationError(str(e))

    def mem_read(self, ctx: MachineCtx, space: str, addr: np.ndarray, flat: np.ndarray, nbytes: int,
                 lanes: np.ndarray) -> np.ndarray:
        if space in ("lds", "private"):
            store, written, _ = self._segment(space)
            ok = self._segment_range(ctx, space, addr, lanes, nbytes)
            idx = flat[:, None] + np.arange(nbytes, dtype=np.uint64)
            idx = np.where(ok[:, None], idx, 0).astype(np.int64)
            out = np.where(ok[:, None], store[idx], np.uint8(0))
            if written is not None:
                unw = ~written[idx] & ok[:, None]
                if unw.any():
                    k = int(np.argmax(unw.any(axis=1)))
                    wave, lane = self._who(ctx, lanes, k)
                    a = int(np.broadcast_to(addr, lanes.shape)[lanes][k])
                    self.san.report("uninitialized", f"reads {self._segment_name(space)} byte {a:#x}"
                                    ", which nothing wrote in this launch", ctx.ins, wave, lane)
            return out
        from pyhip_mlir.emulator.memory import MemoryFault

        try:
            if nbytes % 4 == 0:  # the dword path has the one-buffer fast gather
                return self.memory.read_u32(flat, nbytes // 4).view(np.uint8).reshape(len(flat), nbytes)
            return self.memory.read(flat, nbytes)
        except MemoryFault as e:
            raise self._global_fault(ctx, lanes, e) from None

    def mem_write(self, ctx: MachineCtx, space: str, addr: np.ndarray, flat: np.ndarray, data: np.ndarray,
                  lanes: np.ndarray) -> None:
        nbytes = data.shape[-1]
        if space in ("lds", "private"):
            store, written, _ = self._segment(space)
            ok = self._segment_range(ctx, space, addr, lanes, nbytes)
            idx = (flat[ok][:, None] + np.arange(nbytes, dtype=np.uint64)).astype(np.int64)
            store[idx] = data[ok]  # lanes in order: the highest lane wins
            if written is not None:
                written[idx] = True
            return
        from pyhip_mlir.emulator.memory import MemoryFault

        try:
            self.memory.write(flat, np.ascontiguousarray(data, dtype=np.uint8))
        except MemoryFault as e:
            raise self._global_fault(ctx, lanes, e) from None

    def mem_atomic(self, ctx: MachineCtx, space: str, addr: np.ndarray, flat: np.ndarray, nbytes: int,
                   op: Callable, data: np.ndarray, dtype: np.dtype, lanes: np.ndarray) -> np.ndarray:
        if space in ("lds", "private"):
            store, written, _ = self._segment(space)
            ok = self._segment_range(ctx, space, addr, lanes, nbytes)
            dt = np.dtype(dtype)
            old = np.zeros(len(flat), dtype=dt)
            for k in np.flatnonzero(ok):  # lane order; per-lane sequential
                a = int(flat[k])
                cur = store[a : a + nbytes].view(dt)[0]
                old[k] = cur
                store[a : a + nbytes] = np.asarray(op(np.array([cur], dt), np.array([data[k]], dt)), dtype=dt).view(np.uint8)
                if written is not None:
                    written[a : a + nbytes] = True
            return old
        from pyhip_mlir.emulator.memory import MemoryFault

        try:
            return self.memory.atomic(flat, nbytes, op, data, dtype)
        except MemoryFault as e:
            raise self._global_fault(ctx, lanes, e) from None


class MachineCtx(OpCtx):
    """OpCtx over the machine's register files for one step."""

    def __init__(self, m: Machine):
        self.m = m
        self.arch = m.program.arch

    def start(self, ins: Instr, g: np.ndarray | slice, n: int) -> None:
        self.ins = ins
        self.g = g
        self.n = n
        self.next_pc = np.full(n, ins.pc + 1, dtype=np.int64)
        self.ended: np.ndarray | None = None
        self._exec: np.ndarray | None = None
        self.barrier_hit = False

    def finish(self) -> None:
        m, g = self.m, self.g
        m.pc[g] = self.next_pc
        if self.ended is not None:
            idx = np.arange(m.W)[g][self.ended]
            m._retire_all(idx)
            m.done[idx] = True
            m.san.on_end(idx)
        if self.barrier_hit:
            m.at_barrier[g] = True
            m.pc[g] = self.ins.pc  # released to pc + 1
            m._release_barriers()

    # registers
    def _read_reg(self, i: int) -> np.ndarray:
        r = self.ins.uses[i].reg  # type: ignore[union-attr]
        return self.m.read(self.g, r)  # type: ignore[arg-type]

    def _read_def(self, j: int) -> np.ndarray:
        return self.m.read(self.g, self.ins.defs[j].reg)  # type: ignore[arg-type]

    def _write_reg(self, j: int, words: np.ndarray, lanes: np.ndarray | None) -> None:
        r = self.ins.defs[j].reg
        assert r is not None
        if r.file == "s" and words.shape[1] != 1:
            raise EmulationError(f"{self.ins.text}: per-lane result for scalar {r}")
        if r.file in ("v", "a") and words.shape[1] == 1:
            words = np.broadcast_to(words, (words.shape[0], 64, words.shape[2]))
        self.m.write(self.g, r, words, lanes if r.file in ("v", "a") else None)
        if r.file == "s" and r.first <= EXEC + 1 and r.first + r.count > EXEC:
            self._exec = None

    def exec_lanes(self) -> np.ndarray:
        if self._exec is None:  # a copy: the instruction may write EXEC after reading it
            self._exec = self.m.exec_lanes(self.g).copy()
        return self._exec

    def set_exec(self, lanes: np.ndarray) -> None:
        self.m.write(self.g, RegRange("s", EXEC, 2), bits.split64(bits.lanes_to_mask(lanes)[:, None]), None)
        self._exec = None

    @property
    def scc(self) -> np.ndarray:
        return self.m.scc[self.g][:, None]

    def set_scc(self, value: np.ndarray) -> None:
        self.m.scc[self.g] = np.asarray(value, dtype=bool).reshape(self.n)
        self.m.san.on_write(self.g, SCC, None)

    def vcc(self) -> np.ndarray:
        return bits.join64(self.m.sgpr[self.g, VCC : VCC + 2])[:, None]

    def m0(self) -> np.ndarray:
        return self.m.sgpr[self.g, 124][:, None]

    # control
    def branch(self, taken: np.ndarray) -> None:
        t = np.asarray(taken, dtype=bool).reshape(-1)
        if self.ins.target is None:
            raise EmulationError(f"{self.ins.text}: branch without a target")
        self.next_pc = np.where(t, self.ins.target, self.next_pc)

    def end_program(self) -> None:
        self.ended = np.ones(self.n, dtype=bool)

    def barrier(self) -> None:
        self.barrier_hit = True

    def wait(self, vmcnt: int, lgkmcnt: int) -> None:
        self.m.wait(self.g, "vm", vmcnt)
        self.m.wait(self.g, "lgkm", lgkmcnt)

    def nop(self, wait_states: int) -> None:
        self.m.san.on_nop(self.g, wait_states)

    # memory
    def _space(self, space: str, addr: np.ndarray, lanes: np.ndarray) -> np.ndarray:
        """Flat uint64 addresses of the active lanes (LDS: offset into the batch's LDS;
        private: offset into the batch's private bytes, see :attr:`Machine.private`)."""
        a = np.broadcast_to(addr, lanes.shape)[lanes].astype(np.uint64)
        if space == "lds":
            wg = np.broadcast_to(self.m.launch.wg_of_wave[self.g][:, None], lanes.shape)[lanes]
            return a + (wg.astype(np.uint64) * np.uint64(self.m.launch.lds_bytes))
        if space == "private":
            seg = np.arange(self.m.W, dtype=np.uint64)[self.g][:, None] * np.uint64(64) + LANES_U64
            seg = np.broadcast_to(seg, lanes.shape)[lanes]
            return a + seg * np.uint64(self.m.private_bytes)
        return a

    def mem_read(self, space: str, addr: np.ndarray, nbytes: int, lanes: np.ndarray) -> np.ndarray:
        lanes = np.broadcast_to(lanes, np.broadcast_shapes(np.shape(addr), lanes.shape))
        out = np.zeros((*lanes.shape, nbytes), dtype=np.uint8)
        if lanes.any():
            flat = self._space(space, addr, lanes)
            out[lanes] = self.m.mem_read(self, space, addr, flat, nbytes, lanes)
        return out

    def mem_write(self, space: str, addr: np.ndarray, data: np.ndarray, lanes: np.ndarray) -> None:
        lanes = np.broadcast_to(lanes, np.broadcast_shapes(np.shape(addr), lanes.shape))
        if lanes.any():
            flat = self._space(space, addr, lanes)
            d = np.broadcast_to(data, (*lanes.shape, data.shape[-1]))[lanes]
            self.m.mem_write(self, space, addr, flat, d, lanes)

    def mem_atomic(self, space, addr, nbytes, op, data, dtype, lanes):  # noqa: ANN001, ANN201
        lanes = np.broadcast_to(lanes, np.broadcast_shapes(np.shape(addr), lanes.shape))
        out = np.zeros(lanes.shape, dtype=dtype)
        if lanes.any():
            flat = self._space(space, addr, lanes)
            d = np.broadcast_to(data, lanes.shape)[lanes]
            out[lanes] = self.m.mem_atomic(self, space, addr, flat, nbytes, op, d, dtype, lanes)
        return out

    def _counter(self) -> str:
        c = self.ins.idef.counter or ""
        if self.ins.idef.family in ("SMEM", "DS"):
            return "lgkm"
        return "vm" if "vmcnt" in c else "lgkm"

    def deliver(self, j: int, words: np.ndarray, lanes: np.ndarray | None) -> None:
        r = self.ins.defs[j].reg
        assert r is not None
        w = np.asarray(words, dtype=U32)
        if r.file in ("v", "a") and w.shape[1] == 1:
            w = np.broadcast_to(w, (w.shape[0], 64, w.shape[2]))
        if r.file in ("v", "a") and lanes is None:
            lanes = self.exec_lanes()
        self.m.issue(self.g, self.ins, self._counter(), r, np.ascontiguousarray(w), lanes)

    def memory_op(self, counter: str) -> None:
        self.m.issue(self.g, self.ins, "vm" if counter.startswith("vm") else "lgkm", None, None, None)
