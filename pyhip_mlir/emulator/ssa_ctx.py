"""State and operand access of the SSA interpreter (:mod:`pyhip_mlir.emulator.ssa`).

:class:`SSAState` is what a launch shares: the waves, which of them run the current
code (``active``), memory, LDS and counters. :class:`SSACtx` is the
:class:`~pyhip_mlir.emulator.ctx.OpCtx` of one instruction over SSA values: every
value holds its lanes for all waves, ``(waves, L, dwords)`` uint32 (L = 64 for
VGPR/AGPR values, 1 for scalar and special ones), and memory effects happen only for
the active waves.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from xdsl.ir import Operation

from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.dialects.cdna.types import RegType, SpecialRegType
from pyhip_mlir.dialects.cdna.types import dwords_of as register_dwords
from pyhip_mlir.emulator import bits
from pyhip_mlir.emulator.ctx import EmulationError, OpCtx
from pyhip_mlir.emulator.memory import MemoryFault
from pyhip_mlir.emulator.program import Instr

U32 = np.uint32


def lanes_of(t: Any) -> int:
    return 64 if isinstance(t, RegType) and t.file in ("v", "a") else 1


def dwords_of(t: Any) -> int:
    n = register_dwords(t)
    if n is None:
        raise EmulationError(f"{t} is not a register type")
    return n


class SSAState:
    """Launch-wide state: waves, the active-wave mask, memory, LDS, counters."""

    def __init__(self, n: int, memory: Any, wg_of_wave: np.ndarray, lds_bytes: int, n_wgs: int):
        self.n = n
        self.active = np.ones(n, dtype=bool)
        self.memory = memory
        self.wg_of_wave = wg_of_wave
        self.lds_bytes = lds_bytes
        self.lds = np.zeros(max(n_wgs * lds_bytes, 1), dtype=np.uint8)
        self.decoded: dict[Operation, Instr] = {}
        self.wave_instructions = 0
        self.ended = np.zeros(n, dtype=bool)
        self.error: Exception | None = None
        self.steps = 0  # instructions executed (each by all active waves at once)
        self.max_steps: int | None = None


class SSACtx(OpCtx):
    """OpCtx over SSA values: inputs come from the interpreter, results go back to it."""

    def __init__(self, st: SSAState, op: InstOp, ins: Instr, inputs: tuple[Any, ...]):
        self.st = st
        self.op = op
        self.ins = ins
        self.n = st.n
        self.inputs = inputs
        n_uses = len(op.uses)
        self.use_vals = inputs[:n_uses]
        self.implicit_in = {v.type.reg: inputs[n_uses + k] for k, v in enumerate(op.implicit_uses)
                            if isinstance(v.type, SpecialRegType)}
        self.reg_slot = [k for k, o in enumerate(ins.uses) if o is not None and o.is_reg]
        self.results: list[Any] = [None] * len(op.results)
        self.implicit_out = {v.type.reg: len(op.defs) + k for k, v in enumerate(op.implicit_defs)
                             if isinstance(v.type, SpecialRegType)}
        self.taken: np.ndarray | None = None

    # registers
    def _read_reg(self, i: int) -> np.ndarray:
        return self.use_vals[self.reg_slot.index(i)]

    def _read_def(self, j: int) -> np.ndarray:
        cur = self.results[j]
        if cur is not None:
            return cur
        tied = self._tied_input(j)
        if tied is not None:  # d16 loads, v_fmac, v_writelane: the old value is an operand
            return tied
        t = self.op.results[j].type
        return np.zeros((self.n, lanes_of(t), dwords_of(t)), dtype=U32)

    def _write_reg(self, j: int, words: np.ndarray, lanes: np.ndarray | None) -> None:
        t = self.op.results[j].type
        L, d = lanes_of(t), dwords_of(t)
        w = np.broadcast_to(words, (self.n, L if words.shape[1] == 1 or L == 64 else words.shape[1], d))
        if L == 1 and words.shape[1] != 1:
            raise EmulationError(f"{self.ins.mnemonic}: per-lane result for scalar {t}")
        if lanes is not None and L == 64:
            w = np.where(lanes[..., None], w, self._read_def(j))
        self.results[j] = np.ascontiguousarray(w, dtype=U32)

    def _tied_input(self, j: int) -> np.ndarray | None:
        slot = self.ins.def_slots[j] if j < len(self.ins.def_slots) else None
        if slot is None or slot.role != "both":
            return None
        i = next(k for k, s in enumerate(self.ins.use_slots) if s.name == slot.name)
        return self._read_reg(i)

    def exec_lanes(self) -> np.ndarray:
        ex = self.implicit_in.get("exec")
        if ex is None:
            lanes = np.ones((self.n, 64), dtype=bool)
        else:
            lanes = bits.mask_to_lanes(bits.join64(ex[:, 0, :]))
        return lanes & self.st.active[:, None]

    def _set_special(self, name: str, words: np.ndarray) -> None:
        k = self.implicit_out.get(name)
        if k is None:
            for j, d in enumerate(self.ins.defs):
                if d.special == name:
                    self.results[j] = words
                    return
            raise EmulationError(f"{self.ins.mnemonic}: writes {name}, which the op has no result for")
        self.results[k] = words

    def set_exec(self, lanes: np.ndarray) -> None:
        self._set_special("exec", bits.split64(bits.lanes_to_mask(lanes)[:, None]))

    @property
    def scc(self) -> np.ndarray:
        v = self.implicit_in.get("scc")
        if v is None:
            raise EmulationError(f"{self.ins.mnemonic}: reads scc, which the op has no operand for")
        return v[:, 0, :1] != 0

    def set_scc(self, value: np.ndarray) -> None:
        self._set_special("scc", np.asarray(value, dtype=bool).reshape(self.n, 1, 1).astype(U32))

    def vcc(self) -> np.ndarray:
        v = self.implicit_in.get("vcc")
        if v is None:
            raise EmulationError(f"{self.ins.mnemonic}: reads vcc, which the op has no operand for")
        return bits.join64(v[:, 0, :2])[:, None]

    def m0(self) -> np.ndarray:
        v = self.implicit_in.get("m0")
        if v is None:
            raise EmulationError(f"{self.ins.mnemonic}: reads m0, which the op has no operand for")
        return v[:, 0, :1]

    # control
    def branch(self, taken: np.ndarray) -> None:
        self.taken = np.asarray(taken, dtype=bool).reshape(self.n)

    def end_program(self) -> None:
        self.st.ended |= self.st.active

    def barrier(self) -> None:
        st = self.st
        for k in np.unique(st.wg_of_wave):
            members = st.wg_of_wave == k
            if st.active[members].any() and not st.active[members].all():
                absent = members & ~st.active
                why = ("have ended (s_endpgm)" if st.ended[absent].all() else
                       "are masked off by a divergent cdna.if/while or wait on another path of a branch")
                raise EmulationError(
                    f"s_barrier ({self.ins.loc or self.ins.mnemonic}) reached by only some waves of "
                    f"workgroup {int(k)}: the others {why}"
                )

    def wait(self, vmcnt: int, lgkmcnt: int) -> None:
        pass  # loads complete at once in SSA semantics

    # memory
    def _gate(self, addr: np.ndarray, lanes: np.ndarray | None) -> np.ndarray:
        shape = np.broadcast_shapes(np.shape(addr), (self.n, 1))
        if lanes is None:
            lanes = np.ones(shape, dtype=bool)
        return np.broadcast_to(lanes, np.broadcast_shapes(shape, np.shape(lanes))) & self.st.active[:, None]

    def _flat(self, space: str, addr: np.ndarray, lanes: np.ndarray, nbytes: int) -> np.ndarray:
        a = np.broadcast_to(addr, lanes.shape)[lanes].astype(np.uint64)
        if space == "lds":
            bad = a + np.uint64(nbytes) > np.uint64(self.st.lds_bytes)
            if bad.any():
                k = int(np.argmax(bad))
                wave, lane = (int(x) for x in np.argwhere(lanes)[k])
                raise EmulationError(
                    f"{self._where()}: LDS address {int(a[k]):#x} ({nbytes} bytes, wave {wave} lane "
                    f"{lane}) is outside the workgroup's {self.st.lds_bytes} bytes (kernel lds_bytes)"
                )
            wg = np.broadcast_to(self.st.wg_of_wave[:, None], lanes.shape)[lanes]
            return a + wg.astype(np.uint64) * np.uint64(self.st.lds_bytes)
        return a

    def _where(self) -> str:
        return f"{self.ins.mnemonic} ({self.ins.loc})" if self.ins.loc else self.ins.mnemonic

    def _fault(self, e: Exception) -> EmulationError:
        return EmulationError(f"{self._where()}: {getattr(e, 'message', e)}")

    def mem_read(self, space: str, addr: np.ndarray, nbytes: int, lanes: np.ndarray) -> np.ndarray:
        lanes = self._gate(addr, lanes)
        out = np.zeros((*lanes.shape, nbytes), dtype=np.uint8)
        if lanes.any():
            flat = self._flat(space, addr, lanes, nbytes)
            if space == "lds":
                out[lanes] = self.st.lds[(flat[:, None] + np.arange(nbytes, dtype=np.uint64)).astype(np.int64)]
            else:
                try:
                    out[lanes] = self.st.memory.read(flat, nbytes)
                except MemoryFault as e:
                    raise self._fault(e) from None
        return out

    def mem_write(self, space: str, addr: np.ndarray, data: np.ndarray, lanes: np.ndarray) -> None:
        lanes = self._gate(addr, lanes)
        if not lanes.any():
            return
        flat = self._flat(space, addr, lanes, data.shape[-1])
        d = np.broadcast_to(data, (*lanes.shape, data.shape[-1]))[lanes]
        if space == "lds":
            self.st.lds[(flat[:, None] + np.arange(d.shape[-1], dtype=np.uint64)).astype(np.int64)] = d
        else:
            try:
                self.st.memory.write(flat, np.ascontiguousarray(d, dtype=np.uint8))
            except MemoryFault as e:
                raise self._fault(e) from None

    def mem_atomic(self, space, addr, nbytes, op, data, dtype, lanes):  # noqa: ANN001, ANN201
        lanes = self._gate(addr, lanes)
        out = np.zeros(lanes.shape, dtype=dtype)
        if not lanes.any():
            return out
        flat = self._flat(space, addr, lanes, nbytes)
        d = np.broadcast_to(data, lanes.shape)[lanes]
        if space == "lds":
            dt = np.dtype(dtype)
            old = np.zeros(len(flat), dtype=dt)
            for k in range(len(flat)):
                a = int(flat[k])
                cur = self.st.lds[a : a + nbytes].view(dt)[0]
                old[k] = cur
                new = np.asarray(op(np.array([cur], dt), np.array([d[k]], dt)), dtype=dt)
                self.st.lds[a : a + nbytes] = new.view(np.uint8)
            out[lanes] = old
        else:
            try:
                out[lanes] = self.st.memory.atomic(flat, nbytes, op, d, dtype)
            except MemoryFault as e:
                raise self._fault(e) from None
        return out

    def deliver(self, j: int, words: np.ndarray, lanes: np.ndarray | None) -> None:
        if lanes is None and lanes_of(self.op.results[j].type) == 64:
            lanes = self.exec_lanes()  # as the machine: a vector load writes the EXEC lanes
        self._write_reg(j, np.asarray(words, dtype=U32), lanes)

    def memory_op(self, counter: str) -> None:
        pass


