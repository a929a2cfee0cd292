"""pyhip_mlir: AMD CDNA assembly kernels from Python, built on xDSL.

Importing the package is cheap: submodules (and xDSL) load on first use.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
