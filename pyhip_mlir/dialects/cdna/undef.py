"""``cdna.undef``: a register whose contents are unspecified (LLVM's IMPLICIT_DEF).

The DSL needs it where a variable has no value on one path into a merge: a register
declared before a loop and first written inside a ``J.ExecMask`` in the loop body holds
whatever its register held in the lanes the mask left out, and the ``cdna.while`` that
carries it needs an initial value. ``cdna.undef`` is that value: no machine code, any
contents; the allocator gives it a register like any def, and the SSA interpreter reads
it as zeros.
"""

from __future__ import annotations

from xdsl.ir import Attribute
from xdsl.irdl import IRDLOperation, irdl_op_definition, result_def, traits_def
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from pyhip_mlir.dialects.cdna.types import RegType, SpecialRegType


@irdl_op_definition
class UndefOp(IRDLOperation):
    """A value of register type ``res`` with unspecified contents; emits nothing."""

    name = "cdna.undef"
    res = result_def()
    traits = traits_def(Pure())
    assembly_format = "attr-dict `:` type($res)"

    def __init__(self, t: Attribute):
        super().__init__(result_types=[t])

    def verify_(self) -> None:
        if not isinstance(self.res.type, RegType | SpecialRegType):
            raise VerifyException(f"cdna.undef of non-register type {self.res.type}")
