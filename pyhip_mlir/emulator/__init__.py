"""The CDNA3 emulator: run code objects and cdna IR kernels without an AMD GPU.

    from pyhip_mlir import emulator
    mod = emulator.load("k.co")                 # a code object (clang-22 or ours)
    mod.vector_add([4], [256], a, b, c, n)      # grid in workgroups, block, arguments
    emulator.launch(kernel_op, [4], [256], a, b, c, n)   # a cdna.kernel op
    emulator.interpret(ssa_kernel_op, [4], [256], a, b, c, n)  # SSA IR, before allocation

Arguments are passed as on a GPU: arrays and tensors by address (registered as
device memory, results land in them), scalars by value. The sanitizer is on by
default; ``sanitize=False`` turns it off, ``sanitize="collect"`` gathers reports in
the returned :class:`LaunchResult` instead of raising. See docs/emulator.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyhip_mlir.emulator.api import EmulatedModule, LaunchResult

__all__ = ["EmulationError", "LaunchResult", "SanitizerError", "interpret", "launch", "load"]


def __getattr__(name: str) -> Any:
    if name in ("load", "launch", "EmulatedModule", "LaunchResult"):
        from pyhip_mlir.emulator import api

        return getattr(api, name)
    if name == "interpret":
        from pyhip_mlir.emulator.ssa import interpret

        return interpret
    if name == "SanitizerError":
        from pyhip_mlir.emulator.sanitizer import SanitizerError

        return SanitizerError
    if name == "EmulationError":
        from pyhip_mlir.emulator.ctx import EmulationError

        return EmulationError
    raise AttributeError(name)


def load(path: Any) -> EmulatedModule:  # noqa: F811 - documented signature; __getattr__ serves it
    from pyhip_mlir.emulator.api import load as impl

    return impl(path)


def launch(kernel: Any, grid: Any, block: Any, *args: Any, **kw: Any) -> LaunchResult:  # noqa: F811
    from pyhip_mlir.emulator.api import launch as impl

    return impl(kernel, grid, block, *args, **kw)
