"""The pyhip-style DSL: ``@jit`` kernels traced into cdna IR (see docs/dsl.md)."""

from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.frontend.jit import JitKernel, jit

__all__ = ["DSLError", "JitKernel", "jit"]
