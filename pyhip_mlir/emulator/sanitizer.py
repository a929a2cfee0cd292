"""The sanitizer: what the emulator checks while it runs, and how it reports.

Checks (each a report ``kind``):

* ``read-before-wait``     an instruction reads a register a load has not yet
                           delivered (no ``s_waitcnt`` retired it);
* ``overwrite-pending``    an instruction writes a register a load is still to write
                           (except a vmcnt load over vmcnt loads: they return in
                           order, and spill reloads rely on it);
* ``out-of-bounds``        a memory access outside every registered buffer, LDS
                           beyond the workgroup's allocation, or private (scratch)
                           memory beyond the lane's segment;
* ``misaligned``           an LDS access not aligned to min(size, 4) bytes (a warning
                           for global memory, where gfx942 allows it);
* ``uninitialized``        a read of a register, LDS or private byte not written in
                           this launch (active lanes only; a multi-dword operand
                           when none of its dwords was written; not the data of a
                           store to private memory: compilers spill registers that
                           hold no value);
* ``hazard``               two instructions closer than the wait states a hazard rule
                           requires (``pyhip_mlir.dialects.isa.hazards``);
* ``barrier``              a workgroup barrier released although some of its waves
                           ended without reaching it;
* ``unknown-bounds``       (warning) an access through a raw pointer whose buffer
                           was not registered: checked only against mapped memory.

A report names the kernel, PC, instruction text, source location, workgroup, wave
and lane. Errors raise :class:`SanitizerError` (``mode="raise"``, the default) or are
collected (``mode="collect"``); warnings are always collected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pyhip_mlir.emulator.ctx import EmulationError
from pyhip_mlir.emulator.program import SPECIAL_SLOTS, RegRange

if TYPE_CHECKING:
    from pyhip_mlir.emulator.ctx import OpCtx
    from pyhip_mlir.emulator.machine import Machine
    from pyhip_mlir.emulator.program import Instr

ERROR_KINDS = (
    "read-before-wait",
    "overwrite-pending",
    "out-of-bounds",
    "misaligned",
    "uninitialized",
    "hazard",
    "barrier",
)
WARNING_KINDS = ("unknown-bounds", "misaligned-global")
HISTORY = 24  # instructions remembered per wave for hazard checks


@dataclass
class Report:
    kind: str
    message: str
    kernel: str
    pc: int
    text: str
    loc: str
    workgroup: tuple[int, int, int] | None
    wave: int | None
    lane: int | None
    severity: str = "error"

    def __str__(self) -> str:
        where = self.loc or f"kernel {self.kernel}"
        who = []
        if self.workgroup is not None:
            who.append(f"workgroup ({', '.join(map(str, self.workgroup))})")
        if self.wave is not None:
            who.append(f"wave {self.wave}")
        if self.lane is not None:
            who.append(f"lane {self.lane}")
        return (
            f"{where}: {self.severity}: {self.kind}: {self.message}\n"
            f"  in kernel {self.kernel} at instruction {self.pc}: {self.text}\n"
            f"  {', '.join(who)}"
        )


class SanitizerError(EmulationError):
    """The first error the sanitizer found; ``.report`` has the details."""

    def __init__(self, report: Report):
        super().__init__(str(report))
        self.report = report


class Sanitizer:
    """Per-launch checker; ``enabled=False`` keeps only what execution itself needs."""

    def __init__(self, enabled: bool = True, mode: str = "raise", hazards: bool = True):
        self.enabled = enabled
        self.mode = mode
        self.check_hazards = hazards and enabled
        self.reports: list[Report] = []
        self.m: Machine | None = None

    # --- setup ----------------------------------------------------------------------

    def attach(self, m: Machine) -> None:
        self.m = m
        w = m.W
        if not self.enabled:
            return
        self.pend = {f: np.zeros((w, m.file(f).shape[1] if f != "s" else 128), dtype=np.int16) for f in "sva"}
        self.pend_pc = {f: np.full(self.pend[f].shape, -1, dtype=np.int32) for f in "sva"}
        self.any_pending = False
        self.s_written = np.zeros((w, 128), dtype=bool)
        # (wave, lane, register): the lanes a read checks are the last axis' neighbours
        self.v_written = np.zeros((w, 64, m.vgpr.shape[1]), dtype=bool)
        self.a_written = np.zeros((w, 64, m.agpr.shape[1]), dtype=bool)
        self.scc_written = np.zeros(w, dtype=bool)
        self.lds_written = np.zeros(m.lds.shape, dtype=bool)
        self.hist_pc = np.full((w, HISTORY), -1, dtype=np.int32)
        self.hist_ws = np.zeros((w, HISTORY), dtype=np.int64)
        self.ws = np.zeros(w, dtype=np.int64)
        self.count = np.zeros(w, dtype=np.int64)
        self.hazard_cache = m.program.hazard_cache
        from pyhip_mlir.dialects.isa.hazards import HazardRules

        self.rules = HazardRules(m.program.arch)

    def mark_written(self, g: np.ndarray | slice, r: RegRange) -> None:
        """Dispatch-initialised registers count as written."""
        if self.enabled:
            self.on_write(g, r, None)

    # --- reporting ------------------------------------------------------------------

    def report(self, kind: str, message: str, ins: Instr | None, wave: int | None, lane: int | None = None,
               severity: str = "error") -> None:
        m = self.m
        assert m is not None
        wg = wv = None
        if wave is not None:
            wg = tuple(int(x) for x in m.launch.wg_ids[wave])
            wv = int(m.launch.wave_in_wg[wave])
        rep = Report(kind, message, m.program.kernel, ins.pc if ins else -1, ins.text if ins else "",
                     ins.loc if ins else "", wg, wv, lane, severity)  # type: ignore[arg-type]
        self.reports.append(rep)
        if severity == "error" and self.mode == "raise":
            raise SanitizerError(rep)

    @property
    def errors(self) -> list[Report]:
        return [r for r in self.reports if r.severity == "error"]

    @property
    def warnings(self) -> list[Report]:
        return [r for r in self.reports if r.severity != "error"]

    # --- hooks from the machine ------------------------------------------------------

    def before(self, ctx: OpCtx) -> None:
        if not self.enabled:
            return
        m = self.m
        assert m is not None
        ins = ctx.ins
        g = ctx.g  # type: ignore[attr-defined]
        waves = np.arange(m.W)[g]
        if self.any_pending:
            self._check_pending(ins, g, waves)
        self._check_initialized(ctx, ins, g, waves)
        if self.check_hazards:
            self._check_hazards(ins, g, waves)

    def _check_pending(self, ins: Instr, g: np.ndarray | slice, waves: np.ndarray) -> None:
        for kind, regs in (("read-before-wait", ins.reads), ("overwrite-pending", ins.writes)):
            for r in regs:
                if r.file not in self.pend:
                    continue
                p = self.pend[r.file][g, r.first : r.first + r.count]
                if p.any():
                    if kind == "overwrite-pending" and self._in_order_vmem_overwrite(ins, waves, r):
                        continue
                    w, k = np.argwhere(p > 0)[0]
                    load_pc = int(self.pend_pc[r.file][waves[w], r.first + k])
                    load = self.m.program.instrs[load_pc] if load_pc >= 0 else None  # type: ignore[union-attr]
                    what = "reads" if kind == "read-before-wait" else "overwrites"
                    self.report(
                        kind,
                        f"{what} {r.file}{r.first + k}, which the load at instruction {load_pc} "
                        f"({load.text if load else '?'}) has not delivered: no s_waitcnt "
                        "retired it",
                        ins,
                        int(waves[w]),
                    )

    # --- exemptions for compiled spill code (added with private memory) ---------------

    def _in_order_vmem_overwrite(self, ins: Instr, waves: np.ndarray, r: RegRange) -> bool:
        """A vmcnt load whose destination only vmcnt loads still have to write: legal,
        VMEM results of one type return in issue order (LLVM SIInsertWaitcnts inserts no
        wait for this write-after-write; clang's spill reloads rely on it), and the
        machine retires vmcnt in issue order, so the later load's value wins."""
        if ins.idef.family in ("SMEM", "DS") or "vmcnt" not in (ins.idef.counter or "") or not ins.defs:
            return False
        m = self.m
        assert m is not None
        for op in m.pending:
            if op.reg is None or op.reg.file != r.file:
                continue
            if op.reg.first >= r.first + r.count or r.first >= op.reg.first + op.reg.count:
                continue
            rows = op.row_of[waves]
            live = rows >= 0
            live[live] &= op.alive[rows[live]]
            if live.any() and op.counter != "vm":
                return False
        return True

    def _spill_data(self, ctx: OpCtx, ins: Instr) -> RegRange | None:
        """The data registers of a store to private memory (``scratch_store_*``, or a
        MUBUF store through the scratch descriptor): not checked for initialization,
        since compilers spill registers that hold no value (the undefined half of a
        64-bit pair); the private bytes count as written."""
        base = ins.base
        if not base.startswith(("scratch_store_", "buffer_store_")):
            return None
        names = [s.name for s in ins.use_slots]
        if "vdata" not in names:
            return None
        data = ins.uses[names.index("vdata")]
        if data is None or data.reg is None:
            return None
        if base.startswith("buffer_store_"):
            from pyhip_mlir.emulator.buffer_rsrc import decode_rsrc
            from pyhip_mlir.emulator.semantics.memory_scratch import is_scratch_rsrc

            if "srsrc" not in names or not is_scratch_rsrc(decode_rsrc(ctx.raw(names.index("srsrc"))[:, 0, :])).all():
                return None
        return data.reg

    def _check_initialized(self, ctx: OpCtx, ins: Instr, g: np.ndarray | slice, waves: np.ndarray) -> None:
        """A register operand is reported when none of its dwords was written (per active
        lane for vector registers): compilers legitimately read tuples that are partly
        undefined, such as the unused high half of v_mad_u64_u32's accumulator."""
        lanes = None
        spill = self._spill_data(ctx, ins) if ins.base.startswith(("scratch_st", "buffer_st")) else None
        for r in ins.reads:
            if r == spill:
                continue
            if r.file == "s":
                bad = ~self.s_written[g, r.first : r.first + r.count]
                bad &= bad.all(axis=1, keepdims=True)  # see _check_initialized's docstring
                if bad.any():
                    w, k = np.argwhere(bad)[0]
                    self._uninit(ins, f"s{r.first + k}" if r.first + k < 102 else _special_name(r.first + k),
                                 int(waves[w]), None)
            elif r.file == "scc":
                bad = ~self.scc_written[g]
                if np.any(bad):
                    self._uninit(ins, "scc", int(waves[np.argmax(bad)]), None)
            else:
                if lanes is None:
                    lanes = ctx.exec_lanes()
                wr = (self.v_written if r.file == "v" else self.a_written)[g, :, r.first : r.first + r.count]
                bad = ~wr & lanes[..., None]
                bad &= bad.all(axis=2, keepdims=True)
                if bad.any():
                    w, lane, k = np.argwhere(bad)[0]
                    self._uninit(ins, f"{r.file}{r.first + k}", int(waves[w]), int(lane))

    def _uninit(self, ins: Instr, reg: str, wave: int, lane: int | None) -> None:
        self.report("uninitialized", f"reads {reg}, which nothing wrote in this launch", ins, wave, lane)

    def on_write(self, g: np.ndarray | slice, r: RegRange, lanes: np.ndarray | None) -> None:
        if not self.enabled:
            return
        if r.file == "s":
            self.s_written[g, r.first : r.first + r.count] = True
        elif r.file == "scc":
            self.scc_written[g] = True
        else:
            arr = self.v_written if r.file == "v" else self.a_written
            sl = (g, slice(None), slice(r.first, r.first + r.count))
            arr[sl] = True if lanes is None else (arr[sl] | lanes[..., None])

    def on_issue(self, waves: np.ndarray, reg: RegRange, ins: Instr) -> None:
        if not self.enabled or reg.file not in self.pend:
            return
        self.pend[reg.file][waves, reg.first : reg.first + reg.count] += 1
        self.pend_pc[reg.file][waves, reg.first : reg.first + reg.count] = ins.pc
        self.any_pending = True

    def on_complete(self, waves: np.ndarray, reg: RegRange) -> None:
        if not self.enabled or reg.file not in self.pend:
            return
        self.pend[reg.file][waves, reg.first : reg.first + reg.count] -= 1

    def on_end(self, waves: np.ndarray) -> None:
        pass

    def on_nop(self, g: np.ndarray | slice, wait_states: int) -> None:
        if self.check_hazards:
            self.ws[g] += wait_states - 1  # the instruction itself counts one

    def barrier_incomplete(self, wg: int, members: np.ndarray) -> None:
        if not self.enabled:
            return
        m = self.m
        assert m is not None
        ended = np.flatnonzero(members & m.done)
        waiting = np.flatnonzero(members & m.at_barrier)
        ins = m.program.instrs[int(m.pc[waiting[0]])] if len(waiting) else None
        self.report(
            "barrier",
            f"s_barrier released with {len(ended)} wave(s) of the workgroup already ended "
            f"(wave {int(m.launch.wave_in_wg[ended[0]])} never reached it)",
            ins,
            int(waiting[0]) if len(waiting) else None,
        )

    # --- hazards -------------------------------------------------------------------

    def _check_hazards(self, ins: Instr, g: np.ndarray | slice, waves: np.ndarray) -> None:
        hist = self.hist_pc[g]
        stamps = self.hist_ws[g]
        now = self.ws[g]
        rows = [0] if (hist == hist[0]).all() and (stamps - now[:, None] == stamps[0] - now[0]).all() else None
        instrs = self.m.program.instrs  # type: ignore[union-attr]
        for w in rows if rows is not None else range(len(waves)):
            for k in range(HISTORY):
                p = int(hist[w, k])
                if p < 0:
                    continue
                key = (p, ins.pc)
                need = self.hazard_cache.get(key, -1)
                if need == -1:
                    need = self.rules.required(instrs[p], ins)
                    self.hazard_cache[key] = need
                if need is None:
                    continue
                states, rule = need
                have = int(now[w] - stamps[w, k] - 1)
                if have < states:
                    self.report(
                        "hazard",
                        f"{rule}: needs {states} wait state(s) after instruction {p} "
                        f"({instrs[p].text}), has {have}",
                        ins,
                        int(waves[w]),
                    )
        ring = self.count[g] % HISTORY
        self.hist_pc[waves, ring] = ins.pc
        self.hist_ws[waves, ring] = self.ws[g]
        self.count[g] += 1
        self.ws[g] += 1


_SGPR_NAMES = {first: name for name, (f, first, n) in SPECIAL_SLOTS.items() if f == "s" and n == 1}


def _special_name(index: int) -> str:
    return _SGPR_NAMES.get(index, f"s{index}")
