"""``@pyhip.jit()``: a Python function traced into a cdna kernel, launched with torch tensors.

The decorated function's first parameter is the builder ``J``. A parameter annotated
with a string is a runtime argument, the string its C type (``"int*"``, ``"float"``,
``"unsigned int"``...); the others are compile-time arguments: Python values the
function sees while tracing, part of the compile key. A call passes the grid, the block
and then every argument in the function's order::

    kernel([grid_x], [block_x], N, out_tensor)

Until code generation lands (docs/runtime.md), a launch runs the traced IR on the
emulator's SSA interpreter (:func:`pyhip_mlir.emulator.ssa.interpret`).
"""

from __future__ import annotations
import __future__

import ast
import inspect
import os
from collections.abc import Callable, Sequence
from typing import Any

from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.frontend.loc import Loc


class JitKernel:
    """A traced-on-demand kernel: ``kernel(grid, block, *args)``, ``kernel.ir(*compile_args)``."""

    def __init__(self, fn: Callable[..., Any], *, arch: str | None = None,
                 workgroup_size: Sequence[int] | None = None, max_steps: int | None = 10_000_000,
                 with_debug_log: bool = False):
        self.fn = fn
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

    def _arch(self) -> str:
        return self.arch or os.environ.get("PYHIP_ARCH", "gfx942")

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

    def __call__(self, grid: Any, block: Any, *args: Any) -> Any:
        ct, rt = self.split(args)
        if self.workgroup_size is not None:
            from pyhip_mlir.emulator.dispatch import dims3

            if dims3("block", block) != dims3("block", self.workgroup_size):
                raise ValueError(f"{self.name} was compiled for workgroup_size "
                                 f"{list(self.workgroup_size)}, launched with block {block}")
        _, kernel, J = self.trace(*ct)
        from pyhip_mlir.emulator.ssa import interpret

        if self.with_debug_log:  # the hidden last argument; the launch returns the records
            from pyhip_mlir.frontend import debuglog

            buf = debuglog.new_buffer()
            interpret(kernel, grid, block, *rt, buf, max_steps=self.max_steps)
            return debuglog.parse(J.debug_logs, buf)
        mode = self._emu_mode()
        if mode == "ssa":
            return interpret(kernel, grid, block, *rt, max_steps=self.max_steps)
        if mode == "both":
            return self._run_both(kernel, ct, grid, block, rt)
        return self._run_machine(ct, grid, block, rt)

    def _emu_mode(self) -> str:
        mode = os.environ.get("PYHIP_EMU", "ssa")
        if mode not in ("ssa", "machine", "both"):
            raise ValueError(f"PYHIP_EMU={mode!r}: expected ssa, machine or both")
        return mode

    def compiled(self, *compile_args: Any, pipeline: str | None = None) -> Any:
        """(module, kernel) after the pass pipeline (default: the JIT's), cached."""
        from pyhip_mlir.frontend.compile import pass_error, run_pipeline
        from pyhip_mlir.transforms.registry import default_pipeline

        if pipeline is None:
            off = os.environ.get("PYHIP_DISABLE_PASSES", "")
            pipeline = default_pipeline(tuple(p.strip() for p in off.split(",") if p.strip()))
        spec = pipeline
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

    def _run_machine(self, ct: tuple[Any, ...], grid: Any, block: Any, rt: list[Any]) -> Any:
        from pyhip_mlir.emulator.api import launch

        _, kernel = self.compiled(*ct)
        return launch(kernel, grid, block, *rt, max_steps=self.max_steps)

    def _run_both(self, kernel: Any, ct: tuple[Any, ...], grid: Any, block: Any, rt: list[Any]) -> Any:
        """Run the SSA interpreter on copies of the arrays and the machine emulator on the
        arrays themselves; any difference in what they write is an error."""
        from pyhip_mlir.emulator.ssa import interpret

        copies = [_copy_array(a) for a in rt]
        interpret(kernel, grid, block, *[c if c is not None else a for c, a in zip(copies, rt, strict=True)],
                  max_steps=self.max_steps)
        res = self._run_machine(ct, grid, block, rt)
        for i, (c, a) in enumerate(zip(copies, rt, strict=True)):
            if c is not None and not _same_bytes(c, a):
                name = self.runtime[i][1]
                raise AssertionError(f"{self.name}: argument '{name}' differs between the SSA "
                                     "interpreter and the compiled kernel on the machine emulator")
        return res


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
                 **_pyhip_options: Any):
        self.arch = arch
        self.with_debug_log = with_debug_log
        self.workgroup_size = workgroup_size
        self.max_steps = max_steps

    def __call__(self, fn: Callable[..., Any]) -> JitKernel:
        return JitKernel(fn, arch=self.arch, workgroup_size=self.workgroup_size,
                         max_steps=self.max_steps, with_debug_log=self.with_debug_log)
