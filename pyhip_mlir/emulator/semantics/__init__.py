"""The semantics table (``registry.SEMANTICS``), filled by importing the family modules."""

from pyhip_mlir.emulator.semantics import (  # noqa: F401 - imported for registration
    memory_buffer,
    memory_ds,
    memory_ds_xlane,
    memory_scratch,
    memory_smem,
    memory_vmem,
    mfma,
    salu,
    salu_control,
    valu_cmp,
    valu_cvt,
    valu_fcmp,
    valu_float,
    valu_int,
    valu_int16,
    valu_lane,
)
from pyhip_mlir.emulator.semantics.registry import SEMANTICS, semantics

__all__ = ["SEMANTICS", "semantics"]
