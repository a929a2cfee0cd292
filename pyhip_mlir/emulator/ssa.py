"""The SSA interpreter: reference semantics of cdna IR before register allocation.

Built on xDSL's interpreter framework. Every SSA value holds its lanes for all waves
of the launch at once: ``(waves, L, dwords)`` uint32 (L = 64 for VGPR/AGPR values, 1
for scalar and special ones). Instructions run through the same semantics table as
the machine emulator (:mod:`pyhip_mlir.emulator.semantics`) via :class:`SSACtx`.

What differs from the machine, by design of the IR:

* a load defines its value at once (whether the program waits is for
  ``verify-waitcnt`` to decide, not for the reference semantics);
* a destination lane the instruction does not write (EXEC off) is 0 unless the
  slot is tied (role "both"), whose old lanes are kept;
* structured control flow diverges per wave: ``cdna.if`` runs its regions for the
  waves whose condition holds (scc, or any lane of a lane-mask condition), and
  ``cdna.while`` keeps iterating the waves still looping; other waves are masked
  off (no memory effects, no barrier arrivals) and the results merge per wave;
* CFG branches (``s_cbranch_*`` between blocks) must be taken alike by all waves
  of the launch; a divergent one is an error that says to use ``cdna.if``.

Barriers need every wave of the workgroup in step: an ``s_barrier`` reached while
some waves of a workgroup are masked off (a cdna.if/while diverging *within* the
workgroup) is an error; conditions that differ only between workgroups are fine.

Details a reader of results should know:

* a lane-mask condition (``!cdna.vcc`` or ``!cdna.sgpr<2>``) of ``cdna.if``/``cdna.while``
  is a wave-level test, "any lane set"; the IR states the EXEC its region's vector
  instructions use explicitly, so the structured op itself changes no EXEC;
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
from xdsl.interpreter import (
    Interpreter,
    InterpreterFunctions,
    ReturnedValues,
    Successor,
    impl,
    impl_terminator,
    register_impls,
)
from xdsl.ir import Operation
from xdsl.traits import IsTerminator

from pyhip_mlir.diagnostics import location_of
from pyhip_mlir.dialects.cdna.inst import InstOp, is_terminator_mnemonic
from pyhip_mlir.dialects.cdna.kernel import KernelOp, arch_of
from pyhip_mlir.dialects.cdna.pseudo import (
    BuildOp,
    ConditionOp,
    CopyOp,
    ExtractOp,
    FallthroughOp,
    GetRegOp,
    IfOp,
    WhileOp,
    YieldOp,
)
from pyhip_mlir.dialects.cdna.types import RegType, SpecialRegType
from pyhip_mlir.emulator import bits
from pyhip_mlir.emulator.ctx import EmulationError, OpCtx
from pyhip_mlir.emulator.memory import MemoryFault
from pyhip_mlir.emulator.program import Instr, decode_op

U32 = np.uint32
_SUPPORTED = (CopyOp, BuildOp, ExtractOp, FallthroughOp, YieldOp, ConditionOp, IfOp, WhileOp)


def _lanes_of(t: Any) -> int:
    return 64 if isinstance(t, RegType) and t.file in ("v", "a") else 1


def _dwords(t: Any) -> int:
    if isinstance(t, RegType):
        return t.nregs
    if isinstance(t, SpecialRegType):
        return t.dwords
    raise EmulationError(f"{t} is not a register type")


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
        return np.zeros((self.n, _lanes_of(t), _dwords(t)), dtype=U32)

    def _write_reg(self, j: int, words: np.ndarray, lanes: np.ndarray | None) -> None:
        t = self.op.results[j].type
        L, d = _lanes_of(t), _dwords(t)
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
                raise EmulationError(
                    f"s_barrier ({self.ins.loc or self.ins.mnemonic}) reached by only some waves of "
                    f"workgroup {int(k)}: the others are masked off by a divergent cdna.if/while"
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
        if lanes is None and _lanes_of(self.op.results[j].type) == 64:
            lanes = self.exec_lanes()  # as the machine: a vector load writes the EXEC lanes
        self._write_reg(j, np.asarray(words, dtype=U32), lanes)

    def memory_op(self, counter: str) -> None:
        pass


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


def _run_inst(ft: Any, interp: Interpreter, op: InstOp, args: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any]:
    """Execute one instruction; returns (results, terminator value or None)."""
    st = ft.state
    ins = st.decoded.get(op)
    if ins is None:
        ins = decode_op(op, ft.arch)
        from pyhip_mlir.emulator.semantics import SEMANTICS

        ins.sem = SEMANTICS.get(ins.base)
        st.decoded[op] = ins
    if ins.sem is None:
        where = f" at {ins.loc}" if ins.loc else ""
        raise EmulationError(f"'{op.mnemonic}'{where} is not covered by the emulator (see docs/emulator.md)")
    st.steps += 1
    if st.max_steps is not None and st.steps > st.max_steps:
        raise EmulationError(f"no end after {st.max_steps} instructions (max_steps); last: {op.mnemonic}")
    ctx = SSACtx(st, op, ins, args)
    ctx.arch = ft.arch
    ins.sem(ctx)
    st.wave_instructions += int(st.active.sum())
    for k, r in enumerate(op.results):
        if ctx.results[k] is None:  # a result the semantics did not produce: zeros
            ctx.results[k] = np.zeros((st.n, _lanes_of(r.type), _dwords(r.type)), dtype=U32)
    values = tuple(ctx.results)
    if not is_terminator_mnemonic(op.mnemonic):
        return values, None
    if op.mnemonic.startswith("s_endpgm"):
        return values, ReturnedValues(())
    targets = list(op.targets)
    if not targets:
        raise EmulationError(f"{op.mnemonic}: indirect branches are not supported by the SSA interpreter")
    if op.mnemonic.startswith("s_branch"):
        return values, Successor(targets[0], ())
    taken = ctx.taken if ctx.taken is not None else np.zeros(st.n, dtype=bool)
    live = taken[st.active]
    if live.any() and not live.all():
        waves = np.flatnonzero(st.active)
        yes, no = int(waves[np.argmax(live)]), int(waves[np.argmin(live)])
        raise EmulationError(
            f"{op.mnemonic}{' at ' + ins.loc if ins.loc else ''}: waves take different paths "
            f"(wave {yes} branches, wave {no} does not); the SSA interpreter needs wave-uniform "
            "CFG branches (use cdna.if/cdna.while for divergent control flow)"
        )
    return values, Successor(targets[0] if live.any() else targets[1], ())


@_guarded
def _run_plain(ft: Any, interp: Interpreter, op: InstOp, args: tuple[Any, ...]) -> tuple[Any, ...]:
    return _run_inst(ft, interp, op, args)[0]


@_guarded
def _run_terminator(ft: Any, interp: Interpreter, op: InstOp, args: tuple[Any, ...]) -> tuple[Any, Any]:
    values, term = _run_inst(ft, interp, op, args)
    return term, values


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

    @impl(BuildOp)
    @_guarded
    def run_build(self, interp: Interpreter, op: BuildOp, args: tuple[Any, ...]) -> tuple[Any, ...]:
        L = _lanes_of(op.res.type)
        parts = [np.broadcast_to(a, (a.shape[0], L, a.shape[2])) for a in args]
        return (np.concatenate(parts, axis=2),)

    @impl(ExtractOp)
    @_guarded
    def run_extract(self, interp: Interpreter, op: ExtractOp, args: tuple[Any, ...]) -> tuple[Any, ...]:
        o = op.offset.data
        return (args[0][:, :, o : o + _dwords(op.res.type)].copy(),)

    @impl_terminator(FallthroughOp)
    @_guarded
    def run_fallthrough(self, interp: Interpreter, op: FallthroughOp, args: tuple[Any, ...]):  # noqa: ANN201
        return Successor(op.dest, ()), ()

    @impl_terminator(YieldOp)
    @_guarded
    def run_yield(self, interp: Interpreter, op: YieldOp, args: tuple[Any, ...]):  # noqa: ANN201
        return ReturnedValues(args), ()

    @impl_terminator(ConditionOp)
    @_guarded
    def run_condition(self, interp: Interpreter, op: ConditionOp, args: tuple[Any, ...]):  # noqa: ANN201
        return ReturnedValues(args), ()

    def _wave_cond(self, value: np.ndarray, t: Any) -> np.ndarray:
        if isinstance(t, SpecialRegType) and t.reg == "scc":
            return value[:, 0, 0] != 0
        return bits.join64(value[:, 0, :2]) != 0  # a lane mask: any lane

    @impl(IfOp)
    @_guarded
    def run_if(self, interp: Interpreter, op: IfOp, args: tuple[Any, ...]) -> tuple[Any, ...]:
        st = self.state
        cond = self._wave_cond(args[0], op.cond.type) & st.active
        saved = st.active
        outs: list[tuple[Any, ...] | None] = [None, None]
        for k, (region, mask) in enumerate(((op.then_region, cond), (op.else_region, saved & ~cond))):
            if region.blocks and mask.any():
                st.active = mask
                outs[k] = interp.run_ssacfg_region(region, (), "cdna.if")
        st.active = saved
        results = []
        for r_i, r in enumerate(op.res):
            t_val = outs[0][r_i] if outs[0] is not None else None
            e_val = outs[1][r_i] if outs[1] is not None else None
            shape = (st.n, _lanes_of(r.type), _dwords(r.type))
            a = np.broadcast_to(t_val, shape) if t_val is not None else np.zeros(shape, U32)
            b = np.broadcast_to(e_val, shape) if e_val is not None else np.zeros(shape, U32)
            results.append(np.where(cond[:, None, None], a, b).astype(U32))
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
            out = interp.run_ssacfg_region(op.before, tuple(carried), "cdna.while")
            cond = self._wave_cond(out[0], op.before.block.last_op.cond.type) & looping  # type: ignore[union-attr]
            values = out[1:]
            leaving = looping & ~cond
            for k, v in enumerate(values):
                results[k] = np.where(leaving[:, None, None], v, results[k]).astype(U32)
            looping = cond
            if not looping.any():
                break
            st.active = looping
            body = interp.run_ssacfg_region(op.after, tuple(values), "cdna.while body")
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
        attrs = {
            f"run_{t.__name__}": (
                impl_terminator(t)(_run_terminator) if t.has_trait(IsTerminator) else impl(t)(_run_plain)
            )
            for t in inst_types
        }
        extra = register_impls(type("CdnaInstFunctions", (InterpreterFunctions,), attrs))
        inst_funcs = extra()
        inst_funcs.state = state  # type: ignore[attr-defined]
        inst_funcs.arch = arch  # type: ignore[attr-defined]
        interp.register_implementations(inst_funcs)
    state.error = None
    try:
        interp.run_ssacfg_region(kernel.body, tuple(entry_values), kernel.sym_name.data)
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
