"""pyhip_mlir: AMD CDNA assembly kernels from Python, built on xDSL.

Importing the package is cheap: submodules (and xDSL) load on first use.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "jit", "JitKernel", "DSLError", "module"]


def __getattr__(name: str):  # noqa: ANN202
    # ``pyhip_mlir.jit`` without importing xDSL at package import
    if name in ("jit", "JitKernel", "DSLError"):
        from pyhip_mlir import frontend

        return getattr(frontend, name)
    if name == "module":  # @pyhip.module(path): HIP C++, assembly or code-object files
        from pyhip_mlir.runtime.module import module

        return module
    raise AttributeError(f"module 'pyhip_mlir' has no attribute {name!r}")
