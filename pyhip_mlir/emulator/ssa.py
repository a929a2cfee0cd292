"""The SSA interpreter: reference semantics of cdna IR before register allocation.

Built on xDSL's interpreter framework (its scopes and per-op implementations; regions
are walked by :func:`~pyhip_mlir.emulator.ssa_cfg.run_region`). Every SSA value holds
its lanes for all waves of the launch at once: ``(waves, L, dwords)`` uint32 (L = 64
for VGPR/AGPR values, 1 for scalar and special ones). Instructions run through the
same semantics table as the machine emulator (:mod:`pyhip_mlir.emulator.semantics`)
via :class:`SSACtx` (:mod:`pyhip_mlir.emulator.ssa_ctx`).

What differs from the machine, by design of the IR:

* a load defines its value at once (whether the program waits is for
  ``verify-waitcnt`` to decide, not for the reference semantics);
* a destination lane the instruction does not write (EXEC off) is 0 unless the
  slot is tied (role "both"), whose old lanes are kept;
* control flow diverges per wave, as on the machine, by grouping waves: a CFG region
  (labelled blocks, ``s_branch``/``s_cbranch_*``, ``cdna.fallthrough``, values passed
  to block arguments) runs one block at a time for the group of waves that reached
  it, the pending block first in layout order next; a conditional branch splits its
  group by each wave's outcome and groups meeting at a block merge (see
  :mod:`pyhip_mlir.emulator.ssa_cfg`). ``cdna.if`` runs its regions for the waves
  whose condition holds (scc, or any lane of a lane-mask condition) and
  ``cdna.while`` keeps iterating the waves still looping. Waves outside the running
  group are masked off (no memory effects, no barrier arrivals); values merge per
  wave.

Barriers need every wave of the workgroup in step: an ``s_barrier`` run while some
waves of a workgroup are masked off (a cdna.if/while or branch diverging *within* the
workgroup, and the waves not yet rejoined) or have ended is an error; conditions that
differ only between workgroups are fine. Waves of a workgroup that take different
paths run a barrier together once their paths meet, provided the meeting block comes
after the blocks of both paths in layout order (a group waits while any pending block
precedes its own). ``max_steps`` counts instructions run per group, not per wave.

Details a reader of results should know:

* a lane-mask condition (``!cdna.exec``, ``!cdna.vcc`` or ``!cdna.sgpr<2>``) of
  ``cdna.if``/``cdna.while`` runs the region for a wave when any lane is set; the IR
  states the EXEC its region's vector instructions use explicitly, so the structured
  op itself changes no EXEC. The *vector* results of a lane-mask ``cdna.if`` merge per
  lane: the then-value in the mask's lanes, the else-value in the others, which is
  what the machine does when the allocator gives the result and both yielded values
  one register (a write under a narrowed EXEC leaves the other lanes alone); scalar
  results merge per wave;
* a destination slot the table lists as a pure def has no old value in SSA: parts an
  instruction leaves unwritten (EXEC-off lanes, the other half of a 16-bit result, DPP
  lanes without a valid source) read as 0;
* memory effects (global, LDS, scalar stores) happen only for active waves, in
  program order over all waves at once; global faults and LDS accesses beyond the
  kernel's ``lds_bytes`` raise :class:`EmulationError` naming the instruction;
* ``cdna.get_reg`` (physical register contents) is refused: allocated code with
  registers written elsewhere runs on the machine emulator (``emulator.launch``);
* errors surface as the original exception, without the module dump xDSL attaches.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.interpreter import Interpreter, InterpreterFunctions, impl, register_impls
from xdsl.ir import Operation
from xdsl.traits import IsTerminator

from pyhip_mlir.diagnostics import location_of
from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.dialects.cdna.kernel import KernelOp, arch_of
from pyhip_mlir.dialects.cdna.pseudo import (
    BuildOp,
    ConditionOp,
    CopyOp,
    ExtractOp,
    FallthroughOp,
    GetRegOp,
    IfOp,
    MergeLanesOp,
    ParallelCopyOp,
    WhileOp,
    YieldOp,
)
from pyhip_mlir.dialects.cdna.types import SpecialRegType
from pyhip_mlir.dialects.cdna.undef import UndefOp
from pyhip_mlir.emulator import bits
from pyhip_mlir.emulator.ctx import EmulationError
from pyhip_mlir.emulator.ssa_cfg import exec_inst, run_region
from pyhip_mlir.emulator.ssa_ctx import U32, SSACtx, SSAState, dwords_of, lanes_of

__all__ = ["SSACtx", "SSAState", "interpret", "interpret_kernel"]

_SUPPORTED = (CopyOp, MergeLanesOp, ParallelCopyOp, BuildOp, ExtractOp, FallthroughOp, YieldOp, ConditionOp, IfOp, WhileOp, UndefOp)


class _Abort(BaseException):
    """Carries an error out of xDSL's interpreter untouched.

    xDSL catches every ``Exception`` an op implementation raises and attaches a print
    of the whole module to it, once per enclosing op: slow for large kernels and
    unreadable in a message. The implementations here store the error in
    :attr:`SSAState.error` and raise this instead (not an ``Exception``, so xDSL lets
    it pass); :func:`interpret_kernel` re-raises the stored error.
    """


def _guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def run(ft: Any, interp: Interpreter, op: Operation, args: tuple[Any, ...]) -> Any:
        try:
            return fn(ft, interp, op, args)
        except _Abort:
            raise
        except Exception as e:
            ft.state.error = e
            raise _Abort from None

    return run


@_guarded
def _run_plain(ft: Any, interp: Interpreter, op: InstOp, args: tuple[Any, ...]) -> tuple[Any, ...]:
    return exec_inst(ft, op, args)[0]


@register_impls
class CdnaFunctions(InterpreterFunctions):
    """Pseudo and structured ops; instruction ops are registered per class on demand."""

    def __init__(self, state: SSAState, arch: str):
        self.state = state
        self.arch = arch

    @impl(CopyOp)
    @_guarded
    def run_copy(self, interp: Interpreter, op: CopyOp, args: tuple[Any, ...]) -> tuple[Any, ...]:
        return (args[0].copy(),)

    @impl(MergeLanesOp)
    @_guarded
    def run_merge_lanes(self, interp: Interpreter, op: MergeLanesOp, args: tuple[Any, ...]) -> tuple[Any, ...]:
        old, new, mask = args
        lanes = bits.mask_to_lanes(bits.join64(mask[:, 0, :2]))  # (waves, 64) bool
        L = old.shape[1]
        keep = lanes[:, :L, None]
        return (np.where(keep, np.broadcast_to(new, old.shape), old).astype(old.dtype),)

    @impl(ParallelCopyOp)
    @_guarded
    def run_parallel_copy(self, interp: Interpreter, op: ParallelCopyOp, args: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(a.copy() for a in args)

    @impl(BuildOp)
    @_guarded
    def run_build(self, interp: Interpreter, op: BuildOp, args: tuple[Any, ...]) -> tuple[Any, ...]:
        L = lanes_of(op.res.type)
        parts = [np.broadcast_to(a, (a.shape[0], L, a.shape[2])) for a in args]
        return (np.concatenate(parts, axis=2),)

    @impl(ExtractOp)
    @_guarded
    def run_extract(self, interp: Interpreter, op: ExtractOp, args: tuple[Any, ...]) -> tuple[Any, ...]:
        o = op.offset.data
        return (args[0][:, :, o : o + dwords_of(op.res.type)].copy(),)

    @impl(UndefOp)
    @_guarded
    def run_undef(self, interp: Interpreter, op: UndefOp, args: tuple[Any, ...]) -> tuple[Any, ...]:
        t = op.res.type  # any contents will do: zeros, like unwritten lanes
        return (np.zeros((self.state.n, lanes_of(t), dwords_of(t)), dtype=U32),)

    def _wave_cond(self, value: np.ndarray, t: Any) -> np.ndarray:
        if isinstance(t, SpecialRegType) and t.reg == "scc":
            return value[:, 0, 0] != 0
        return bits.join64(value[:, 0, :2]) != 0  # a lane mask: any lane

    @impl(IfOp)
    @_guarded
    def run_if(self, interp: Interpreter, op: IfOp, args: tuple[Any, ...]) -> tuple[Any, ...]:
        st = self.state
        cond = self._wave_cond(args[0], op.cond.type) & st.active
        lane_mask = None
        if not (isinstance(op.cond.type, SpecialRegType) and op.cond.type.reg == "scc"):
            lane_mask = bits.mask_to_lanes(bits.join64(args[0][:, 0, :2]))
        saved = st.active
        outs: list[tuple[Any, ...] | None] = [None, None]
        # a lane-mask region's else-values are needed wherever a lane is outside the
        # mask, so the else region runs for every active wave (its vector ops carry the
        # EXEC they run under, so they touch only the lanes they own)
        other = saved if lane_mask is not None else saved & ~cond
        for k, (region, mask) in enumerate(((op.then_region, cond), (op.else_region, other))):
            if region.blocks and mask.any():
                st.active = mask
                outs[k] = run_region(self, interp, region, (), "cdna.if")
        st.active = saved
        results = []
        for r_i, r in enumerate(op.res):
            t_val = outs[0][r_i] if outs[0] is not None else None
            e_val = outs[1][r_i] if outs[1] is not None else None
            shape = (st.n, lanes_of(r.type), dwords_of(r.type))
            a = np.broadcast_to(t_val, shape) if t_val is not None else np.zeros(shape, U32)
            b = np.broadcast_to(e_val, shape) if e_val is not None else np.zeros(shape, U32)
            pick = cond[:, None, None]
            if lane_mask is not None and shape[1] == 64:
                # a lane-mask region wrote its vector registers only in the mask's lanes
                pick = pick & lane_mask[:, :, None]
            results.append(np.where(pick, a, b).astype(U32))
        return tuple(results)

    @impl(WhileOp)
    @_guarded
    def run_while(self, interp: Interpreter, op: WhileOp, args: tuple[Any, ...]) -> tuple[Any, ...]:
        st = self.state
        saved = st.active
        carried = [np.array(a) for a in args]
        results = [np.array(a) for a in args]
        looping = saved.copy()
        while looping.any():
            st.active = looping
            out = run_region(self, interp, op.before, carried, "cdna.while")
            cond = self._wave_cond(out[0], op.before.block.last_op.cond.type) & looping  # type: ignore[union-attr]
            values = out[1:]
            leaving = looping & ~cond
            for k, v in enumerate(values):
                results[k] = np.where(leaving[:, None, None], v, results[k]).astype(U32)
            looping = cond
            if not looping.any():
                break
            st.active = looping
            body = run_region(self, interp, op.after, values, "cdna.while body")
            carried = [np.where(looping[:, None, None], b, c).astype(U32) for b, c in zip(body, carried, strict=True)]
        st.active = saved
        return tuple(results)


def interpret_kernel(kernel: KernelOp, entry_values: Sequence[np.ndarray], state: SSAState) -> None:
    """Run ``kernel``'s body with the entry block arguments ``entry_values``."""
    arch = arch_of(kernel)
    _check_supported(kernel)
    interp = Interpreter(ModuleOp([]) if kernel.parent is None else kernel.parent_op() or ModuleOp([]))  # type: ignore[arg-type]
    funcs = CdnaFunctions(state, arch)
    interp.register_implementations(funcs)
    inst_types = {type(op) for op in kernel.walk() if isinstance(op, InstOp)}
    if inst_types:
        # Terminators (branches, s_endpgm) are run by run_region, which routes waves.
        attrs = {f"run_{t.__name__}": impl(t)(_run_plain) for t in inst_types if not t.has_trait(IsTerminator)}
        extra = register_impls(type("CdnaInstFunctions", (InterpreterFunctions,), attrs))
        inst_funcs = extra()
        inst_funcs.state = state  # type: ignore[attr-defined]
        inst_funcs.arch = arch  # type: ignore[attr-defined]
        interp.register_implementations(inst_funcs)
    state.error = None
    try:
        run_region(funcs, interp, kernel.body, entry_values, kernel.sym_name.data)
    except _Abort:
        assert state.error is not None
        raise state.error from None


def _check_supported(kernel: KernelOp) -> None:
    """Refuse ops the interpreter has no meaning for, before running anything."""
    for op in kernel.body.walk():
        if not isinstance(op, (InstOp, *_SUPPORTED)):
            where = location_of(op)
            at = f" at {where.filename.data}:{where.line.data}:{where.column.data}" if where else ""
            hint = (" (physical registers: run allocated code on the machine emulator, "
                    "emulator.launch)" if isinstance(op, GetRegOp) else "")
            raise EmulationError(f"{op.name}{at} is not supported by the SSA interpreter{hint}")


def interpret(kernel: KernelOp, grid: Any, block: Any, *args: Any, max_steps: int | None = None) -> SSAState:
    """Run ``kernel`` (SSA IR, any register state) on a launch of ``grid`` workgroups.

    Entry block arguments are the kernel's ``abi_inputs`` (kernarg segment pointer,
    workgroup ids, packed work-item ids, exec), set up as the dispatcher does.
    Arguments are passed as to :func:`pyhip_mlir.emulator.launch`: arrays and tensors
    by address (results land in them), scalars by value. ``max_steps`` bounds the
    instructions executed (a loop that never ends raises instead of hanging).
    """
    from pyhip_mlir.emulator.dispatch import dims3, wave_geometry
    from pyhip_mlir.emulator.memory import GlobalMemory
    from pyhip_mlir.runtime.kernargs import pack_kernargs, pointer_value

    g3, b3 = dims3("grid", grid), dims3("block", block)
    if b3[0] * b3[1] * b3[2] > 1024:
        raise ValueError(f"workgroup of {b3[0] * b3[1] * b3[2]} work-items: the limit is 1024")
    kargs = [a for a in kernel.args if hasattr(a, "arg_name")] if kernel.args is not None else []
    meta = [
        {".name": a.arg_name.data, ".offset": a.offset.data, ".size": a.size.data,
         ".value_kind": "global_buffer" if a.ctype.data.endswith("*") else "by_value",
         ".type_name": a.ctype.data}
        for a in kargs
    ]
    memory = GlobalMemory()
    for value, m in zip(args, meta, strict=False):
        if m[".value_kind"] == "global_buffer" and value is not None:
            if isinstance(value, int | np.integer):
                memory.register_raw(int(value))
            elif pointer_value(value) is not None:
                memory.register(value, name=m[".name"])
    seg = pack_kernargs(meta, args, g3, b3, segment_size=kernel.kernarg_size)
    buf = np.zeros(len(seg) + 64, dtype=np.uint8)
    off = (-buf.ctypes.data) % 64
    buf[off : off + len(seg)] = np.frombuffer(bytes(seg), dtype=np.uint8)
    memory.register(buf, name="kernarg segment")
    kernarg = int(buf.ctypes.data) + off
    n_wg = g3[0] * g3[1] * g3[2]
    geo = wave_geometry(g3, b3, np.arange(n_wg))
    n = len(geo.wg_of_wave)
    lds = int(kernel.lds_bytes.value.data) if kernel.lds_bytes is not None else 0
    st = SSAState(n, memory, geo.wg_of_wave, lds, n_wg)
    st.max_steps = max_steps
    block0 = kernel.body.blocks.first
    if kernel.abi_inputs is not None:
        inputs = [s.data for s in kernel.abi_inputs.data]
    else:  # without abi_inputs only exec can be told apart by its type
        inputs = []
        for k, a in enumerate(block0.args if block0 else ()):
            if not (isinstance(a.type, SpecialRegType) and a.type.reg == "exec"):
                raise EmulationError(
                    f"kernel @{kernel.sym_name.data} has no abi_inputs: entry block argument {k} "
                    f"({a.type}) cannot be identified"
                )
            inputs.append("exec")
    values: list[np.ndarray] = []
    for name in inputs:
        if name == "kernarg_segment_ptr":
            values.append(np.broadcast_to(np.array([kernarg & 0xFFFFFFFF, kernarg >> 32], U32), (n, 1, 2)).copy())
        elif name.startswith("workgroup_id_"):
            values.append(geo.wg_ids[:, "xyz".index(name[-1])].astype(U32).reshape(n, 1, 1))
        elif name == "workitem_id":
            values.append(geo.packed[..., None])
        elif name == "exec":
            values.append(bits.split64(bits.lanes_to_mask(geo.active))[:, None, :])
        else:
            raise EmulationError(f"kernel input '{name}' is not known to the SSA interpreter")
    if block0 is None or len(block0.args) != len(values):
        raise EmulationError(
            f"kernel @{kernel.sym_name.data}: entry block takes {len(block0.args) if block0 else 0} "
            f"arguments, abi_inputs names {len(values)}"
        )
    interpret_kernel(kernel, values, st)
    return st
