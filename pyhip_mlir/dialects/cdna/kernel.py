"""The kernel op and its runtime-argument descriptions.

``cdna.kernel`` is a symbol holding one kernel: its typed runtime arguments with their
kernarg offsets, the target architecture, the workgroup size and the LDS bytes. Its
body is a region (structured control flow before lowering, a CFG of blocks after).
The entry block's arguments are the values the hardware provides at launch; the
``abi_inputs`` property names each of them, in order, from :data:`ABI_INPUTS`
(kernarg segment pointer, workgroup ids, packed work-item ids, exec). The code
generator enables exactly these in the kernel descriptor::

    cdna.kernel @vadd {arch = "gfx942", args = [#cdna.karg<"a", "float*", 0, 8>],
                       workgroup_size = [256, 1, 1], lds_bytes = 0 : i64} {
    ^entry(%kernarg : !cdna.sgpr<s[0:1]>, %tid : !cdna.vgpr<v0>, %exec : !cdna.exec):
      ...
      cdna.s_endpgm
    }
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from xdsl.dialects.builtin import ArrayAttr, IntAttr, IntegerAttr, ModuleOp, StringAttr
from xdsl.ir import Attribute, Operation, ParametrizedAttribute, Region
from xdsl.irdl import (
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    opt_prop_def,
    prop_def,
    region_def,
    traits_def,
)
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.traits import IsolatedFromAbove, SymbolOpInterface
from xdsl.utils.exceptions import VerifyException

from pyhip_mlir.dialects.isa.table import ARCHS, DEFAULT_ARCH

# Launch-time inputs an entry block argument may stand for.
ABI_INPUTS: tuple[str, ...] = (
    "kernarg_segment_ptr",
    "workgroup_id_x",
    "workgroup_id_y",
    "workgroup_id_z",
    "workitem_id",
    "exec",
)

# C types a runtime argument may have, with (size, alignment) in bytes.
SCALAR_CTYPES: dict[str, tuple[int, int]] = {
    "int": (4, 4),
    "unsigned int": (4, 4),
    "uint32_t": (4, 4),
    "int32_t": (4, 4),
    "int64_t": (8, 8),
    "uint64_t": (8, 8),
    "float": (4, 4),
    "double": (8, 8),
    "bool": (1, 1),
}


def ctype_layout(ctype: str) -> tuple[int, int]:
    """(size, alignment) of a kernel argument's C type; pointers are 8 bytes."""
    ctype = " ".join(ctype.split())
    if ctype.endswith("*"):
        return (8, 8)
    if ctype in SCALAR_CTYPES:
        return SCALAR_CTYPES[ctype]
    raise ValueError(f"unsupported kernel argument type '{ctype}'")


@irdl_attr_definition
class KernelArgAttr(ParametrizedAttribute):
    """One runtime argument: name, C type, byte offset in the kernarg segment, size."""

    name = "cdna.karg"

    arg_name: StringAttr
    ctype: StringAttr
    offset: IntAttr
    size: IntAttr

    @staticmethod
    def get(arg_name: str, ctype: str, offset: int, size: int | None = None) -> KernelArgAttr:
        if size is None:
            size = ctype_layout(ctype)[0]
        return KernelArgAttr(StringAttr(arg_name), StringAttr(ctype), IntAttr(offset), IntAttr(size))

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        parser.parse_punctuation("<")
        name = parser.parse_str_literal(" (argument name)")
        parser.parse_punctuation(",")
        ctype = parser.parse_str_literal(" (C type)")
        parser.parse_punctuation(",")
        offset = parser.parse_integer(allow_boolean=False, allow_negative=False)
        parser.parse_punctuation(",")
        size = parser.parse_integer(allow_boolean=False, allow_negative=False)
        parser.parse_punctuation(">")
        return (StringAttr(name), StringAttr(ctype), IntAttr(offset), IntAttr(size))

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string(
            f'<"{self.arg_name.data}", "{self.ctype.data}", {self.offset.data}, {self.size.data}>'
        )

    def verify(self) -> None:
        try:
            size, align = ctype_layout(self.ctype.data)
        except ValueError as e:
            raise VerifyException(str(e)) from e
        if self.size.data != size:
            raise VerifyException(
                f"argument '{self.arg_name.data}' of type {self.ctype.data} has size {size}, "
                f"not {self.size.data}"
            )
        if self.offset.data % align:
            raise VerifyException(
                f"argument '{self.arg_name.data}' at offset {self.offset.data} is not "
                f"{align}-byte aligned"
            )


def layout_args(args: Sequence[tuple[str, str]]) -> list[KernelArgAttr]:
    """Kernarg offsets for (name, ctype) pairs, with C alignment rules."""
    out: list[KernelArgAttr] = []
    offset = 0
    for name, ctype in args:
        size, align = ctype_layout(ctype)
        offset = (offset + align - 1) // align * align
        out.append(KernelArgAttr.get(name, ctype, offset, size))
        offset += size
    return out


@irdl_op_definition
class KernelOp(IRDLOperation):
    """A GPU kernel: symbol, runtime arguments, arch, workgroup size, LDS bytes."""

    name = "cdna.kernel"

    sym_name = prop_def(StringAttr)
    arch = prop_def(StringAttr)
    args = prop_def(ArrayAttr[KernelArgAttr])
    workgroup_size = opt_prop_def(ArrayAttr[IntegerAttr])
    lds_bytes = opt_prop_def(IntegerAttr)
    abi_inputs = opt_prop_def(ArrayAttr[StringAttr])
    body = region_def()

    traits = traits_def(SymbolOpInterface(), IsolatedFromAbove())

    def print(self, printer: Printer) -> None:
        printer.print_string(" @")
        printer.print_identifier_or_string_literal(self.sym_name.data)
        props = {k: v for k, v in self.properties.items() if k != "sym_name"}
        printer.print_string(" ")
        printer.print_attr_dict(props)
        if self.attributes:
            printer.print_op_attributes(self.attributes, print_keyword=True)
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=True)

    @classmethod
    def parse(cls, parser: Parser) -> KernelOp:
        name = parser.parse_symbol_name().data
        pos = parser.pos
        props = parser.parse_optional_attr_dict()
        for key in ("arch", "args"):
            if key not in props:
                parser.raise_error(f"cdna.kernel @{name} needs '{key}'", pos, parser.pos)
        attrs = parser.parse_optional_attr_dict_with_keyword()
        with paused_gc():
            body = parser.parse_region()
        op = cls.__new__(cls)
        IRDLOperation.__init__(
            op, properties={"sym_name": StringAttr(name), **props}, regions=[body]
        )
        if attrs is not None:
            op.attributes |= attrs.data
        return op

    def __init__(
        self,
        name: str,
        body: Region,
        *,
        arch: str = DEFAULT_ARCH,
        args: Sequence[KernelArgAttr] = (),
        workgroup_size: Sequence[int] | None = None,
        lds_bytes: int | None = None,
        abi_inputs: Sequence[str] | None = None,
    ):
        props: dict[str, Attribute] = {
            "sym_name": StringAttr(name),
            "arch": StringAttr(arch),
            "args": ArrayAttr(args),
        }
        if workgroup_size is not None:
            props["workgroup_size"] = ArrayAttr([IntegerAttr(x, 64) for x in workgroup_size])
        if lds_bytes is not None:
            props["lds_bytes"] = IntegerAttr(lds_bytes, 64)
        if abi_inputs is not None:
            props["abi_inputs"] = ArrayAttr([StringAttr(x) for x in abi_inputs])
        super().__init__(properties=props, regions=[body])

    @property
    def kernarg_size(self) -> int:
        end = 0
        for a in self.args.data:
            end = max(end, a.offset.data + a.size.data)
        return end

    def verify_(self) -> None:
        if self.arch.data not in ARCHS and self.arch.data not in ("gfx940", "gfx941"):
            raise VerifyException(
                f"unknown architecture '{self.arch.data}'; supported: {', '.join(ARCHS)}"
            )
        if self.workgroup_size is not None:
            dims = [d.value.data for d in self.workgroup_size.data]
            if len(dims) != 3 or any(d < 1 for d in dims) or dims[0] * dims[1] * dims[2] > 1024:
                raise VerifyException(
                    f"workgroup_size {dims} must be three positive sizes with product <= 1024"
                )
        if self.lds_bytes is not None and not 0 <= self.lds_bytes.value.data <= 65536:
            raise VerifyException(f"lds_bytes {self.lds_bytes.value.data} is not in 0..65536")
        if self.abi_inputs is not None:
            inputs = [a.data for a in self.abi_inputs.data]
            bad = [i for i in inputs if i not in ABI_INPUTS]
            if bad:
                raise VerifyException(
                    f"unknown abi input(s) {bad}; known: {', '.join(ABI_INPUTS)}"
                )
            nargs = len(self.body.blocks[0].args) if self.body.blocks else 0
            if len(inputs) != nargs:
                raise VerifyException(
                    f"abi_inputs names {len(inputs)} inputs but the entry block has {nargs} arguments"
                )
        names = [a.arg_name.data for a in self.args.data]
        if len(set(names)) != len(names):
            raise VerifyException(f"duplicate kernel argument names in {names}")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large IR is built.

    Building a kernel allocates hundreds of thousands of container objects (ops,
    values, uses, attributes) that all stay alive, so every collection re-traverses
    a growing graph and frees nothing: a third of the time to parse a 20,000-
    instruction kernel. Reference counting still frees garbage as usual; nested uses
    leave re-enabling to the outermost one.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def arch_of(op: Operation) -> str:
    """Architecture an op is compiled for: its kernel's, else the module's ``cdna.arch``."""
    cur: Operation | None = op
    while cur is not None:
        if isinstance(cur, KernelOp):
            return cur.arch.data
        if isinstance(cur, ModuleOp):
            attr = cur.attributes.get("cdna.arch")
            if isinstance(attr, StringAttr):
                return attr.data
        cur = cur.parent_op()
    return DEFAULT_ARCH
