"""``@pyhip.jit()``: a Python function traced into a cdna kernel, launched with torch tensors.

The decorated function's first parameter is the builder ``J``. A parameter annotated
with a string is a runtime argument, the string its C type (``"int*"``, ``"float"``,
``"unsigned int"``...); the others are compile-time arguments: Python values the
function sees while tracing, part of the compile key. A call passes the grid, the block
and then every argument in the function's order::

    kernel([grid_x], [block_x], N, out_tensor)

The first launch for a set of compile-time arguments traces the function, runs the
pass pipeline, prints the HIP C++ inline-asm source (or, with ``codegen="asm"``, the
assembly), compiles it with clang into a code object (cached on disk, see
frontend/build.py) and loads it on the backend (runtime/backends.py): an AMD GPU
through HIP, or the emulator. Later launches go straight to the bound
:class:`Launcher`. docs/runtime.md has the whole story.
"""

from __future__ import annotations
import __future__

import ast
import inspect
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.frontend.loc import Loc


class JitKernel:
    """A traced-on-demand kernel: ``kernel(grid, block, *args)``, ``kernel.ir(*compile_args)``."""

    def __init__(self, fn: Callable[..., Any], *, arch: str | None = None,
                 workgroup_size: Sequence[int] | None = None, max_steps: int | None = 10_000_000,
                 with_debug_log: bool = False, pipeline: str | None = None,
                 codegen: str | None = None):
        self.fn = fn
        self.pipeline = pipeline
        self.codegen = codegen
        self.with_debug_log = with_debug_log
        self.name = fn.__name__
        self.arch = arch
        self.workgroup_size = (None if workgroup_size is None else
                               tuple([*workgroup_size, 1, 1][:3]))
        self.max_steps = max_steps
        sig = inspect.signature(fn)
        params = list(sig.parameters.values())
        if not params:
            raise TypeError(f"@jit kernel {self.name} must take the builder J as first parameter")
        self.params = params[1:]
        self.runtime: list[tuple[int, str, str]] = []
        self.compile_time: list[tuple[int, str]] = []
        lazy = bool(fn.__code__.co_flags & __future__.annotations.compiler_flag)
        for i, p in enumerate(self.params):
            ctype = _ctype_annotation(p.annotation, lazy)
            if ctype is not None:
                self.runtime.append((i, p.name, ctype))
            else:
                self.compile_time.append((i, p.name))
        code = fn.__code__
        self.loc = Loc(code.co_filename, code.co_firstlineno)
        self._traced: dict[Any, Any] = {}
        self._compiled: dict[Any, Any] = {}
        self._binaries: dict[Any, Any] = {}
        self._launchers: dict[Any, Launcher] = {}
        self._ct_index = [i for i, _ in self.compile_time]
        self._no_ct = not self.compile_time and not with_debug_log
        self._rt_index = [i for i, _, _ in self.runtime]

    def _arch(self) -> str:
        if self.arch:
            return self.arch
        from pyhip_mlir.runtime.backends import default_arch

        return default_arch()

    def split(self, args: Sequence[Any]) -> tuple[tuple[Any, ...], list[Any]]:
        if len(args) != len(self.params):
            names = ", ".join(p.name for p in self.params)
            raise TypeError(f"{self.name}() takes {len(self.params)} argument(s) after grid and "
                            f"block ({names}), got {len(args)}")
        ct = tuple(args[i] for i, _ in self.compile_time)
        rt = [args[i] for i, _, _ in self.runtime]
        return ct, rt

    def _key(self, compile_args: tuple[Any, ...]) -> Any:
        try:
            hash(compile_args)
            return (self._arch(), compile_args)
        except TypeError:
            return (self._arch(), repr(compile_args))

    def trace(self, *compile_args: Any) -> Any:
        """The traced kernel (a ``cdna.kernel`` inside a module) for these compile-time args."""
        key = self._key(compile_args)
        hit = self._traced.get(key)
        if hit is not None:
            return hit
        from xdsl.dialects.builtin import ModuleOp

        from pyhip_mlir.dialects.cdna.kernel import paused_gc
        from pyhip_mlir.frontend import debuglog
        from pyhip_mlir.frontend.builder import JIT

        if len(compile_args) != len(self.compile_time):
            names = ", ".join(n for _, n in self.compile_time) or "none"
            raise TypeError(f"{self.name} has {len(self.compile_time)} compile-time argument(s) "
                            f"({names}), got {len(compile_args)}")
        try:
            with paused_gc():
                hidden = [debuglog.HIDDEN_ARG] if self.with_debug_log else []
                J = JIT(self.name, self._arch(), [(n, t) for _, n, t in self.runtime] + hidden, self.loc)
                if self.workgroup_size is not None:
                    J.workgroup_size = self.workgroup_size  # type: ignore[assignment]
                if self.with_debug_log:
                    debuglog.attach(J, J.arg_vars[-1])
                values: list[Any] = [None] * len(self.params)
                for (i, _), v in zip(self.compile_time, compile_args, strict=True):
                    values[i] = v
                for (i, _, _), g in zip(self.runtime, J.arg_vars[:len(self.runtime)], strict=True):
                    values[i] = g
                self.fn(J, *values)
                kernel = J.finish(self.workgroup_size)
                module = ModuleOp([kernel])
                module.location = kernel.location
        except DSLError as e:
            raise e.with_traceback(None) from None
        except ValueError as e:  # bad C types and the like, found by the dialect
            if "argument type" in str(e):
                raise DSLError(str(e), self.loc).with_traceback(None) from None
            raise
        result = (module, kernel, J)
        self._traced[key] = result
        return result

    def ir(self, *compile_args: Any, debuginfo: bool = True) -> str:
        """The traced cdna IR as text (with ``loc(...)`` of the user's lines by default)."""
        from io import StringIO

        from xdsl.printer import Printer

        module, _, _ = self.trace(*compile_args)
        out = StringIO()
        Printer(stream=out, print_debuginfo=debuginfo).print_op(module)
        return out.getvalue() + "\n"

    def __call__(self, grid: Any, block: Any, *args: Any, stream: Any = None,
                 lds_bytes: int = 0) -> Any:
        """Launch: ``grid`` in workgroups and ``block`` in work-items (1 to 3 dims each),
        then every argument in the function's order. ``stream``: a HIP stream (handle
        or torch stream; default torch's current stream), ``lds_bytes``: dynamic LDS."""
        if self._no_ct:
            launcher = self._launchers.get(())
            if launcher is not None and launcher.fast is not None:
                return launcher.fast(grid, block, args, stream, lds_bytes)
        if len(args) != len(self.params):
            self.split(args)  # raises the arity error
        if self.with_debug_log:
            return self._debug_log_call(grid, block, args)
        ct = tuple([args[i] for i in self._ct_index])
        try:
            launcher = self._launchers.get(ct)
        except TypeError:  # an unhashable compile-time argument
            launcher = self._launchers.get(repr(ct))
        rt = [args[i] for i in self._rt_index]
        if launcher is None:
            if self._emu_mode() == "ssa" and _backend_name() == "emu":
                return self._ssa_call(ct, grid, block, rt)  # no code object needed
            launcher = self._launcher(ct)
        if launcher.emu:
            return self._emu_call(launcher, ct, grid, block, rt, lds_bytes)
        if launcher.fast is not None:
            return launcher.fast(grid, block, rt, stream, lds_bytes)
        return launcher(grid, block, rt, stream, lds_bytes)

    def _debug_log_call(self, grid: Any, block: Any, args: tuple[Any, ...]) -> Any:
        """Kernels with ``J.debug_log`` run on the SSA interpreter; the launch returns
        the records the hidden last argument collected."""
        from pyhip_mlir.emulator.ssa import interpret
        from pyhip_mlir.frontend import debuglog

        ct, rt = self.split(args)
        _, kernel, J = self.trace(*ct)
        buf = debuglog.new_buffer()
        interpret(kernel, grid, block, *rt, buf, max_steps=self.max_steps)
        return debuglog.parse(J.debug_logs, buf)

    def _launcher(self, ct: tuple[Any, ...]) -> Launcher:
        from pyhip_mlir.runtime.backends import get_backend
        from pyhip_mlir.runtime.hip import HipError

        try:
            binary = self.binary(*ct)
            backend = get_backend()
            launcher = Launcher(self, binary, backend)
        except HipError as e:  # no GPU, a code object the runtime refuses: not our crash
            raise e.with_traceback(None) from None
        try:
            self._launchers[ct] = launcher
        except TypeError:
            self._launchers[repr(ct)] = launcher
        return launcher

    def binary(self, *compile_args: Any) -> Any:
        """The built kernel (:class:`KernelBinary`: code object, metadata, report)."""
        from pyhip_mlir.frontend.build import build_binary

        if len(compile_args) != len(self.compile_time):
            self.trace(*compile_args)  # raises the arity error
        key = (self._key(compile_args), self._pipeline(), self._codegen())
        hit = self._binaries.get(key)
        if hit is not None:
            return hit
        from pyhip_mlir.frontend.build import binary_from_manifest, manifest_key
        from pyhip_mlir.runtime.binary import with_arg_types

        mkey = manifest_key(self.fn, compile_args, self._arch(), self._pipeline(), self._codegen())
        binary = binary_from_manifest(mkey)  # a fresh process: no tracing, no xDSL
        if binary is not None:
            binary = with_arg_types(binary, [(n, t) for _, n, t in self.runtime])
            self._binaries[key] = binary
            return binary
        t0 = time.perf_counter()
        module, kernel, J = self.trace(*compile_args)
        t1 = time.perf_counter()
        try:
            binary = build_binary(module, kernel, J.tags, arch=self._arch(),
                                  pipeline=self._pipeline(), codegen=self._codegen(),
                                  trace_seconds=t1 - t0, fn=self.fn, manifest=mkey)
        except Exception as e:
            from pyhip_mlir.frontend.compile import pass_error

            converted = pass_error(e)
            if converted is e:
                raise
            raise converted.with_traceback(None) from None
        binary = with_arg_types(binary, [(n, t) for _, n, t in self.runtime])
        self._binaries[key] = binary
        return binary

    def asm(self, *compile_args: Any) -> str:
        """The kernel's assembly after the pass pipeline (what the code object holds)."""
        return str(self.binary(*compile_args).report["asm"])

    def hip_source(self, *compile_args: Any) -> str:
        """The HIP C++ translation unit with the kernel body as inline asm."""
        return str(self.binary(*compile_args).report["hip_source"])

    def stats(self, *compile_args: Any) -> KernelStats:
        """Registers, LDS, occupancy, inserted wait states/copies, instruction count."""
        b = self.binary(*compile_args)
        return KernelStats(self.name, b.arch, b.report)

    def _pipeline(self) -> str:
        if self.pipeline is not None:
            return self.pipeline
        from pyhip_mlir.transforms.registry import default_pipeline

        off = os.environ.get("PYHIP_DISABLE_PASSES", "")
        return default_pipeline(tuple(p.strip() for p in off.split(",") if p.strip()))

    def _codegen(self) -> str:
        return self.codegen or os.environ.get("PYHIP_CODEGEN", "hip")

    def _emu_call(self, launcher: Launcher, ct: tuple[Any, ...], grid: Any, block: Any,
                  rt: list[Any], lds_bytes: int) -> Any:
        """The emulator backend: PYHIP_EMU picks the code object (``machine``, the
        default), the SSA interpreter on the traced IR (``ssa``) or both, compared."""
        mode = self._emu_mode()
        if mode == "machine":
            return launcher(grid, block, rt, None, lds_bytes)
        _, kernel, J = self.trace(*ct)
        from pyhip_mlir.emulator.ssa import interpret

        if mode == "ssa":
            launcher.check(grid, block, rt)
            return self._ssa_call(ct, grid, block, rt)
        copies = [_copy_array(a) for a in rt]
        interpret(kernel, grid, block, *[c if c is not None else a for c, a in zip(copies, rt, strict=True)],
                  max_steps=self.max_steps)
        res = launcher(grid, block, rt, None, lds_bytes)
        for i, (c, a) in enumerate(zip(copies, rt, strict=True)):
            if c is not None and not _same_bytes(c, a):
                name = self.runtime[i][1]
                raise AssertionError(f"{self.name}: argument '{name}' differs between the SSA "
                                     "interpreter and the compiled kernel on the machine emulator")
        return res

    def _ssa_call(self, ct: tuple[Any, ...], grid: Any, block: Any, rt: list[Any]) -> Any:
        from pyhip_mlir.emulator.ssa import interpret

        if self.workgroup_size is not None:
            from pyhip_mlir.runtime.launcher import dims3

            if dims3("block", block) != self.workgroup_size:
                raise ValueError(f"{self.name} was compiled for workgroup_size "
                                 f"{list(self.workgroup_size)}, launched with block {block}")
        _, kernel, _ = self.trace(*ct)
        return interpret(kernel, grid, block, *rt, max_steps=self.max_steps)

    def _emu_mode(self) -> str:
        mode = os.environ.get("PYHIP_EMU", "machine")
        if mode not in ("ssa", "machine", "both"):
            raise ValueError(f"PYHIP_EMU={mode!r}: expected ssa, machine or both")
        return mode

    def compiled(self, *compile_args: Any, pipeline: str | None = None) -> Any:
        """(module, kernel) after the pass pipeline (default: the JIT's), cached."""
        from pyhip_mlir.frontend.compile import pass_error, run_pipeline

        spec = pipeline if pipeline is not None else self._pipeline()
        key = (self._key(compile_args), spec)
        hit = self._compiled.get(key)
        if hit is None:
            module, kernel, J = self.trace(*compile_args)
            try:
                hit = run_pipeline(module, kernel, J.tags, spec)
            except Exception as e:
                converted = pass_error(e)
                if converted is e:
                    raise
                raise converted.with_traceback(None) from None
            self._compiled[key] = hit
        return hit


class Launcher:
    """One built kernel bound to a backend: the per-call path (see runtime/launcher.py)."""

    __slots__ = ("name", "backend", "handle", "packer", "workgroup_size", "emu", "max_steps",
                 "binary", "fast")

    def __init__(self, jk: JitKernel, binary: Any, backend: Any):
        from pyhip_mlir.runtime.launcher import Packer

        self.name = jk.name
        self.binary = binary
        self.backend = backend
        self.emu = backend.name == "emu"
        self.max_steps = jk.max_steps
        self.workgroup_size = jk.workgroup_size
        self.packer = Packer(binary.args, binary.kernarg_size, backend.device, jk.name)
        self.handle = backend.load(binary)
        self.fast = None  # the generated launch function (GPU backends, no hidden args)
        if self.emu:
            _locate_body(self.handle, binary)
        elif hasattr(backend, "entry") and not self.packer.has_hidden:
            from pyhip_mlir.runtime.launcher import compile_launch

            entry, new_state = backend.entry(self.handle, self.packer)
            self.fast = compile_launch(self.packer, entry, new_state, self.workgroup_size, self.name)

    def check(self, grid: Any, block: Any, rt: list[Any]) -> tuple[Any, Any]:
        from pyhip_mlir.runtime.launcher import dims3

        g, b = dims3("grid", grid), dims3("block", block)
        if self.workgroup_size is not None and b != self.workgroup_size:
            raise ValueError(f"{self.name} was compiled for workgroup_size "
                             f"{list(self.workgroup_size)}, launched with block {list(block)}")
        self.packer.values(rt)
        return g, b

    def __call__(self, grid: Any, block: Any, rt: list[Any], stream: Any, lds_bytes: int) -> Any:
        from pyhip_mlir.runtime.launcher import dims3

        g, b = dims3("grid", grid), dims3("block", block)
        if self.workgroup_size is not None and b != self.workgroup_size:
            raise ValueError(f"{self.name} was compiled for workgroup_size "
                             f"{list(self.workgroup_size)}, launched with block {list(block)}")
        if self.emu:
            self.packer.values(rt)
            return self.handle(g, b, *rt, lds_bytes=lds_bytes, max_steps=self.max_steps)
        return self.backend.launch(self.handle, g, b, rt, self.packer, stream, lds_bytes)


def _locate_body(kernel: Any, binary: Any) -> None:
    """Point the emulated instructions of the kernel body at the user's source lines
    (the body follows clang's prologue and its ``s_nop 4`` on the HIP path)."""
    locs = binary.report.get("body_locations") or []
    instrs = kernel.program.instrs
    start = 0
    if binary.report.get("codegen") == "hip":
        start = next((i + 1 for i, ins in enumerate(instrs)
                      if ins.mnemonic == "s_nop" and "4" in ins.text), len(instrs))
    if start + len(locs) > len(instrs):
        return
    for ins, loc in zip(instrs[start:start + len(locs)], locs, strict=True):
        if loc:
            ins.loc = loc


class KernelStats:
    """``kernel.stats(...)``: the build's figures; ``print()`` shows them as a table."""

    def __init__(self, name: str, arch: str, report: dict[str, Any]):
        self.name = name
        self.arch = arch
        self.report = report

    def __getitem__(self, key: str) -> Any:
        return self.report[key]

    def as_dict(self) -> dict[str, Any]:
        keys = ("sgprs", "vgprs", "agprs", "lds_bytes", "waves_per_simd", "instructions",
                "wait_states_added", "nops_inserted", "copies_inserted", "sgpr_spills",
                "vgpr_spills", "code_bytes")
        return {k: self.report.get(k) for k in keys}

    def __str__(self) -> str:
        rows = [("kernel", f"{self.name} ({self.arch}, {self.report.get('codegen')})")]
        rows += [(k.replace("_", " "), str(v)) for k, v in self.as_dict().items()]
        secs = self.report.get("seconds") or {}
        if secs:
            rows.append(("build seconds", ", ".join(f"{k} {v:.3f}" for k, v in secs.items())))
        width = max(len(k) for k, _ in rows)
        return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)

    __repr__ = __str__


def _backend_name() -> str:
    from pyhip_mlir.runtime.backends import backend_name

    return backend_name()


def _copy_array(a: Any) -> Any:
    if hasattr(a, "clone") and hasattr(a, "data_ptr"):
        return a.clone()
    if hasattr(a, "__array_interface__") and hasattr(a, "copy"):
        return a.copy()
    return None


def _same_bytes(a: Any, b: Any) -> bool:
    import numpy as np

    def raw(x: Any) -> Any:
        if hasattr(x, "data_ptr"):
            x = x.detach().contiguous().view(-1).view(__import__("torch").uint8).numpy()
        return np.ascontiguousarray(x).view(np.uint8)

    return bool(np.array_equal(raw(a), raw(b)))


def _ctype_annotation(annotation: Any, lazy: bool) -> str | None:
    """The C type of a runtime parameter, or None for a compile-time one.

    Under ``from __future__ import annotations`` every annotation is text: a C type is
    then the text of a string literal (``p: "int*"`` reads as ``"'int*'"``).
    """
    if not isinstance(annotation, str):
        return None
    if not lazy:
        return annotation.strip()
    try:
        value = ast.literal_eval(annotation)
    except (ValueError, SyntaxError):
        return None
    return value.strip() if isinstance(value, str) else None


class jit:  # noqa: N801 (pyhip's spelling)
    """``@jit()`` / ``@jit(arch="gfx950")``: make a function a DSL kernel."""

    def __init__(self, arch: str | None = None, workgroup_size: Sequence[int] | None = None,
                 max_steps: int | None = 10_000_000, with_debug_log: bool = False,
                 pipeline: str | None = None, codegen: str | None = None,
                 **_pyhip_options: Any):
        self.pipeline = pipeline
        self.codegen = codegen
        self.arch = arch
        self.with_debug_log = with_debug_log
        self.workgroup_size = workgroup_size
        self.max_steps = max_steps

    def __call__(self, fn: Callable[..., Any]) -> JitKernel:
        return JitKernel(fn, arch=self.arch, workgroup_size=self.workgroup_size,
                         max_steps=self.max_steps, with_debug_log=self.with_debug_log,
                         pipeline=self.pipeline, codegen=self.codegen)
