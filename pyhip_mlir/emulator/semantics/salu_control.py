"""Semantics: scalar program control (SOPP), hardware registers, timers, cache hints.

Covers branches (``s_branch``, ``s_cbranch_scc0/scc1/vccz/vccnz/execz/execnz``),
``s_endpgm``, ``s_barrier``, ``s_waitcnt``, ``s_nop``, the scheduling hints
(``s_setprio``, ``s_sleep``, ``s_wakeup``, ``s_incperflevel``/``s_decperflevel``,
``s_ttracedata``), ``s_trap`` (stops the emulation with an error), ``s_getpc_b64``,
``s_getreg_b32``/``s_setreg_b32``/``s_setreg_imm32_b32`` (MODE only, see below),
``s_memtime``/``s_memrealtime`` and ``s_icache_inv``.

Sources: AMD "CDNA4 Instruction Set Architecture" chapter 12 (SOPP, SOPK pseudocode;
unchanged from CDNA3), LLVM's AMDGPU docs (``hwreg``/``waitcnt`` syntax) and
``SIDefines.h`` (MODE register fields). Facts and decisions:

* ``s_waitcnt`` simm16: vmcnt = bits [3:0] | [15:14] << 4, expcnt [6:4] (exports are not
  modelled: ignored), lgkmcnt [11:8].
* ``s_nop N`` inserts ``N[3:0] + 1`` wait states (only the low 4 bits count).
* VCCZ/EXECZ are computed from the current VCC/EXEC (the gfx9 quirk that a partial
  write of VCC leaves VCCZ stale, which LLVM works around, is not modelled).
* ``s_getpc_b64`` returns the byte address of the next instruction. Decoded
  instructions carry no byte address unless the driver provides ``ins.address``; then
  the value is ``address + 4``. Otherwise it is the synthetic address
  ``SYNTHETIC_CODE_BASE + 4 * (pc + 1)`` (pc = instruction index): unique and
  monotonic, but not the code object's layout and not dereferenceable (any memory
  access through it faults), so PC-relative data (``s_getpc_b64`` + ``sym@rel32``)
  cannot work without it.
* Hardware registers: only MODE (``HW_REG_MODE``, id 1) is modelled, as the constant
  the emulator implements: FP_ROUND = 0 (round to nearest even for f32 and f64/f16),
  FP_DENORM = 0xF (denormals kept for f32 and f64/f16), DX10_CLAMP = 1, IEEE = 1,
  everything else 0 (the default HIP kernel descriptor modes), i.e. 0x3F0.
  ``s_getreg_b32`` of MODE returns its bits; ``s_setreg`` of MODE is accepted when it
  leaves the value unchanged and raises otherwise (rounding/denormal mode changes are
  not emulated). Any other hardware register raises a clear error.
* ``s_memtime`` (shader clock) returns a process-wide counter that grows by 1000 per
  call; ``s_memrealtime`` returns ``time.monotonic_ns() // 10`` (a 100 MHz clock).
  Both are SMEM operations: their results arrive on lgkmcnt like a load.
* ``s_icache_inv``: caches are not modelled, so it does nothing. (The SMEM
  ``s_dcache_*`` controls belong to ``memory_smem``.)
* ``s_sleep``/``s_setprio``/``s_wakeup``: the emulator has no timing or priority; they
  change nothing a program can observe except time.
"""

from __future__ import annotations

import itertools
import re
import time
from typing import TYPE_CHECKING

import numpy as np

from pyhip_mlir.dialects.isa.hwreg import HW_REG_NAMES
from pyhip_mlir.emulator import bits
from pyhip_mlir.emulator.semantics.registry import semantics

if TYPE_CHECKING:  # ctx imports program, which imports this package: no runtime import
    from pyhip_mlir.emulator.ctx import OpCtx


def _error(message: str) -> Exception:
    from pyhip_mlir.emulator.ctx import EmulationError

    return EmulationError(message)


U32 = np.uint32
U64 = np.uint64

SYNTHETIC_CODE_BASE = 0xC0DE_0000_0000
MODE_DEFAULT = 0x3F0  # FP_ROUND 0, FP_DENORM 0xF, DX10_CLAMP 1, IEEE 1
HW_REG_MODE = 1
_HWREG_RE = re.compile(r"\s*hwreg\(\s*(\w+)\s*(?:,\s*(\w+)\s*,\s*(\w+)\s*)?\)\s*$")
_MEMTIME = itertools.count(0, 1000)


# --- branches -------------------------------------------------------------------------


def _lanes_any(lanes: np.ndarray) -> np.ndarray:
    return np.asarray(lanes, dtype=bool).any(axis=-1)


_CONDITIONS = {
    "s_branch": lambda ctx: np.ones(ctx.n, dtype=bool),
    "s_cbranch_scc0": lambda ctx: ~ctx.scc.reshape(ctx.n),
    "s_cbranch_scc1": lambda ctx: ctx.scc.reshape(ctx.n),
    "s_cbranch_vccz": lambda ctx: ctx.vcc().reshape(ctx.n) == 0,
    "s_cbranch_vccnz": lambda ctx: ctx.vcc().reshape(ctx.n) != 0,
    "s_cbranch_execz": lambda ctx: ~_lanes_any(ctx.exec_lanes()),
    "s_cbranch_execnz": lambda ctx: _lanes_any(ctx.exec_lanes()),
}
for _name, _cond in _CONDITIONS.items():
    semantics(_name)(lambda ctx, cond=_cond: ctx.branch(cond(ctx)))


# --- program end, barrier, waits, hints ----------------------------------------------


@semantics("s_endpgm")
def _s_endpgm(ctx: OpCtx) -> None:
    ctx.end_program()  # the hardware's implicit s_waitcnt 0: the driver retires all


@semantics("s_barrier")
def _s_barrier(ctx: OpCtx) -> None:
    ctx.barrier()


def decode_waitcnt(simm16: int) -> tuple[int, int, int]:
    """gfx9 ``s_waitcnt`` simm16 -> (vmcnt, expcnt, lgkmcnt)."""
    v = int(simm16)
    return (v & 0xF) | (((v >> 14) & 0x3) << 4), (v >> 4) & 0x7, (v >> 8) & 0xF


@semantics("s_waitcnt")
def _s_waitcnt(ctx: OpCtx) -> None:
    vmcnt, _expcnt, lgkmcnt = decode_waitcnt(ctx.imm(0, 0))
    ctx.wait(vmcnt, lgkmcnt)


@semantics("s_nop")
def _s_nop(ctx: OpCtx) -> None:
    ctx.nop((int(ctx.imm(0, 0)) & 0xF) + 1)


@semantics("s_setprio", "s_sleep", "s_wakeup", "s_incperflevel", "s_decperflevel", "s_ttracedata",
           "s_icache_inv")
def _s_no_observable_effect(ctx: OpCtx) -> None:
    """Scheduling, power, tracing and I-cache hints: nothing a program can observe."""


@semantics("s_trap")
def _s_trap(ctx: OpCtx) -> None:
    trap_id = int(ctx.imm(0, 0)) & 0xFF
    what = " (llvm.trap / abort)" if trap_id == 2 else " (llvm.debugtrap)" if trap_id == 3 else ""
    raise _error(
        f"{ctx.ins.text}: the kernel executed s_trap {trap_id}{what}; trap handlers are not "
        "emulated, so the launch stops here"
    )


# --- PC --------------------------------------------------------------------------------


@semantics("s_getpc_b64")
def _s_getpc(ctx: OpCtx) -> None:
    address = getattr(ctx.ins, "address", None)
    pc = int(address) + 4 if address is not None else SYNTHETIC_CODE_BASE + 4 * (ctx.ins.pc + 1)
    ctx.set(0, np.full((ctx.n, 1), pc, dtype=U64))


# --- hardware registers -------------------------------------------------------------------


def parse_hwreg(value: object) -> tuple[int, int, int]:
    """A ``hwreg(...)`` operand (text or simm16) -> (register id, offset, size)."""
    if isinstance(value, int):
        return value & 0x3F, (value >> 6) & 0x1F, ((value >> 11) & 0x1F) + 1
    m = _HWREG_RE.match(str(value))
    if m is None:
        raise _error(f"cannot read the hardware register operand {value!r}")
    name, off, size = m.groups()
    reg = HW_REG_NAMES.get(name) if not name[0].isdigit() else int(name, 0)
    if reg is None:
        raise _error(f"hardware register {name} is not known to the emulator")
    return reg, int(off, 0) if off else 0, int(size, 0) if size else 32


def _hwreg_name(reg: int) -> str:
    return next((k for k, v in HW_REG_NAMES.items() if v == reg), f"hwreg({reg})")


def _only_mode(ctx: OpCtx, reg: int) -> None:
    if reg != HW_REG_MODE:
        raise _error(
            f"{ctx.ins.text}: {_hwreg_name(reg)} is not modelled by the emulator (only "
            "HW_REG_MODE is)"
        )


@semantics("s_getreg_b32")
def _s_getreg(ctx: OpCtx) -> None:
    reg, off, size = parse_hwreg(ctx.imm(0))
    _only_mode(ctx, reg)
    value = (MODE_DEFAULT >> off) & ((1 << size) - 1)
    ctx.set(0, np.full((ctx.n, 1), value, dtype=U32))


@semantics("s_setreg_b32", "s_setreg_imm32_b32")
def _s_setreg(ctx: OpCtx) -> None:
    reg, off, size = parse_hwreg(ctx.imm(0))
    _only_mode(ctx, reg)
    field = ((1 << size) - 1) << off & 0xFFFFFFFF
    src = ctx.u32(1).astype(U64)
    new = ((src << U64(off)) & U64(field)) | U64(MODE_DEFAULT & ~field & 0xFFFFFFFF)
    changed = np.asarray(new != U64(MODE_DEFAULT)).reshape(-1)
    if changed.any():
        bad = int(np.asarray(new).reshape(-1)[np.argmax(changed)])
        raise _error(
            f"{ctx.ins.text}: sets MODE to {bad:#x}; the emulator implements only the default "
            f"MODE {MODE_DEFAULT:#x} (round to nearest even, denormals kept, IEEE, DX10 clamp)"
        )


# --- timers (SMEM encodings) ---------------------------------------


@semantics("s_memtime", "s_memrealtime")
def _s_memtime(ctx: OpCtx) -> None:
    if ctx.ins.base == "s_memtime":
        t = next(_MEMTIME)
    else:
        t = time.monotonic_ns() // 10
    ctx.deliver(0, bits.split64(np.full((ctx.n, 1), t, dtype=U64)), None)

