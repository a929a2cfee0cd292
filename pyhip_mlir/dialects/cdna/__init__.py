"""The cdna dialect: CDNA machine instructions, register types, kernels."""

from pyhip_mlir.dialects.cdna.dialect import CDNA, CdnaContext, make_context
from pyhip_mlir.dialects.cdna.inst import InstOp, inst_class
from pyhip_mlir.dialects.cdna.kernel import KernelArgAttr, KernelOp, layout_args
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
from pyhip_mlir.dialects.cdna.types import (
    AGPRType,
    ExecType,
    M0Type,
    RegType,
    SCCType,
    SGPRType,
    SpecialRegType,
    VCCType,
    VGPRType,
    reg_type,
    special_type,
)
from pyhip_mlir.dialects.cdna.undef import UndefOp

__all__ = [
    "CDNA", "CdnaContext", "make_context", "InstOp", "inst_class", "KernelArgAttr",
    "KernelOp", "layout_args", "BuildOp", "ConditionOp", "CopyOp", "ExtractOp",
    "FallthroughOp", "GetRegOp", "MergeLanesOp", "ParallelCopyOp", "IfOp", "WhileOp", "YieldOp", "AGPRType", "ExecType",
    "M0Type", "RegType", "SCCType", "SGPRType", "SpecialRegType", "VCCType", "VGPRType",
    "reg_type", "special_type", "UndefOp",
]  # fmt: skip
