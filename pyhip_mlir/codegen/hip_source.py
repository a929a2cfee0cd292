"""Allocated ``cdna.kernel`` -> a HIP C++ translation unit whose body is inline asm.

This is pyhip's code-generation path, made robust (ISA_NOTES.md, "Kernel ABI seen by
inline asm"): clang compiles an ``extern "C"`` kernel with the kernel's runtime
arguments as its C signature, so clang writes the code object metadata (argument
offsets, sizes, kinds) itself; the body is one ``asm volatile`` holding the printed
instructions.

Why each piece is there:

- The launch inputs the allocated entry block expects (kernarg pointer, workgroup
  ids, packed work-item ids) are asm operands pinned to exactly those registers
  (``"+{s[0:1]}"(...)``). Where the hardware put them depends on the arch and on
  which inputs clang enables; pinning makes clang move them, never guess. They are
  read-write operands because the body may overwrite them, and an operand cannot be
  in the clobber list.
- Every other physical register the body names is clobbered. That is how clang's
  descriptor and metadata register counts (and gfx90a+'s ``accum_offset``) cover what
  the asm uses. ``exec`` and ``m0`` are reserved registers clang refuses to preserve;
  nothing runs after the asm's ``s_endpgm`` so they are left out.
- LDS: a ``__shared__`` array of the kernel's size, referenced by an empty asm of its
  own, makes clang reserve it (``group_segment_fixed_size``) without tying up a
  register during the body.
- ``s_nop 4`` first: clang's prologue (``v_and_b32 v0`` for the work-item ids,
  SGPR moves) runs before the body, and our ``insert-nop`` pass only sees the body.
  Five wait states cover every VALU-producer hazard of the prologue.
- ``amdgpu_flat_work_group_size(1, N)`` from the kernel's workgroup size (1024
  when unknown), so clang's register budget and ``max_flat_workgroup_size`` agree.
"""

from __future__ import annotations

import re

from pyhip_mlir.codegen.asm_printer import AsmPrintError, body_lines
from pyhip_mlir.codegen.kernel_directives import (
    infer_inputs,
    kernel_abi,
    kernel_resources,
    lds_bytes_of,
    workgroup_size_of,
)
from pyhip_mlir.dialects.cdna.kernel import KernelOp
from pyhip_mlir.dialects.cdna.types import RegType
from pyhip_mlir.dialects.isa.table import normalize_arch

_C_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_C_KEYWORDS = frozenset(
    "auto bool break case char class const continue default delete do double else enum "
    "extern float for goto if inline int long namespace new operator private protected "
    "public register return short signed sizeof static struct switch template this "
    "typedef union unsigned virtual void volatile while".split()
)
# Pointee types spelled the same in C; any other pointee becomes ``void`` (the
# metadata of a pointer argument does not record what it points to).
_POINTEES = frozenset(
    "char short int long float double bool half _Float16 __bf16 int8_t uint8_t int16_t "
    "uint16_t int32_t uint32_t int64_t uint64_t unsigned signed const".split()
)
_PRELUDE = """\
#include <stdint.h>
#ifndef __global__
#define __global__ __attribute__((global))
#endif
typedef __attribute__((address_space(3))) char pyhip_lds_t;
"""
_INPUT_BUILTIN = {
    "kernarg_segment_ptr": ("void*", "__builtin_amdgcn_kernarg_segment_ptr()"),
    "workgroup_id_x": ("unsigned", "__builtin_amdgcn_workgroup_id_x()"),
    "workgroup_id_y": ("unsigned", "__builtin_amdgcn_workgroup_id_y()"),
    "workgroup_id_z": ("unsigned", "__builtin_amdgcn_workgroup_id_z()"),
}


def _c_param_type(ctype: str) -> str:
    ctype = " ".join(ctype.split())
    if not ctype.endswith("*"):
        return {"half": "_Float16"}.get(ctype, ctype)
    pointee = ctype[:-1].strip()
    words = pointee.replace("*", " ").split()
    return ctype if words and all(w in _POINTEES for w in words) else "void*"


def _c_param_name(name: str, i: int, used: set[str]) -> str:
    ok = _C_IDENT.match(name) and name not in _C_KEYWORDS and not name.startswith("pyhip_")
    out = name if ok and name not in used else f"arg{i}"
    used.add(out)
    return out


def _c_string(line: str) -> str:
    """One asm line as a C string literal; ``%`` is doubled (asm operand syntax)."""
    return '"' + line.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%") + '\\n"'


def _pinned_inputs(kernel: KernelOp, arch: str) -> list[tuple[str, str, str, str]]:
    """(input name, C type, C expression, register) for each entry argument."""
    args = list(kernel.body.blocks[0].args) if kernel.body.blocks else []
    abi = kernel_abi(kernel, arch)  # validates the entry registers against the ABI
    if kernel.abi_inputs is not None:
        names = [s.data for s in kernel.abi_inputs.data]
    else:
        names = infer_inputs([a.type for a in args])
    out: list[tuple[str, str, str, str]] = []
    for name, arg in zip(names, args, strict=True):
        t = arg.type
        if name == "exec" or not isinstance(t, RegType):
            continue
        reg = t.asm_name()
        if name in _INPUT_BUILTIN:
            ctype, expr = _INPUT_BUILTIN[name]
        else:  # packed work-item ids, as the hardware packs them on gfx90a+
            parts = ["__builtin_amdgcn_workitem_id_x()"]
            if abi.workitem_id >= 1:
                parts.append("(__builtin_amdgcn_workitem_id_y() << 10)")
            if abi.workitem_id >= 2:
                parts.append("(__builtin_amdgcn_workitem_id_z() << 20)")
            ctype, expr = "unsigned", " | ".join(parts)
        out.append((name, ctype, expr, reg))
    return out


def _clobbers(kernel: KernelOp, pinned: set[str]) -> list[str]:
    res = kernel_resources(kernel)
    regs = [f"s{i}" for i in range(res.num_sgpr)] + [f"v{i}" for i in range(res.num_vgpr)]
    regs += [f"a{i}" for i in range(res.num_agpr)]
    out = [r for r in regs if r not in pinned]
    if res.uses_vcc or _names_vcc(kernel):
        out.append("vcc")
    return out + ["scc", "memory"]


def _names_vcc(kernel: KernelOp) -> bool:
    from pyhip_mlir.dialects.cdna.types import VCCType

    return any(isinstance(r.type, VCCType) for op in kernel.body.walk() for r in op.results)


def _pinned_dwords(reg: str) -> set[str]:
    m = re.fullmatch(r"([sva])\[(\d+):(\d+)\]", reg)
    if m is None:
        return {reg}
    return {f"{m[1]}{i}" for i in range(int(m[2]), int(m[3]) + 1)}


def kernel_to_hip(kernel: KernelOp, arch: str | None = None,
                  body: list[str] | None = None) -> str:
    """The HIP C++ source of one allocated, lowered kernel (``body``: its printed
    instruction lines, when the caller already has them)."""
    arch = normalize_arch(arch or kernel.arch.data)
    name = kernel.sym_name.data
    if not _C_IDENT.match(name) or name in _C_KEYWORDS:
        raise AsmPrintError(f"kernel name '{name}' is not a C identifier", kernel)
    if body is None:
        body = body_lines(kernel, arch)
    inputs = _pinned_inputs(kernel, arch)
    pinned = set().union(*(_pinned_dwords(reg) for *_, reg in inputs)) if inputs else set()
    used: set[str] = set()
    params = [f"{_c_param_type(a.ctype.data)} {_c_param_name(a.arg_name.data, i, used)}"
              for i, a in enumerate(kernel.args.data)]
    dims = workgroup_size_of(kernel)
    flat = dims[0] * dims[1] * dims[2] if dims else 1024
    lines = [
        f"// {name} for {arch}: generated by pyhip_mlir from allocated cdna IR",
        _PRELUDE,
        f'extern "C" __global__ __attribute__((amdgpu_flat_work_group_size(1, {flat})))',
        f"void {name}({', '.join(params) or 'void'}) {{",
    ]
    lds = lds_bytes_of(kernel)
    if lds:
        lines += [f"  __attribute__((shared)) static char pyhip_lds[{lds}];",
                  '  asm volatile("; LDS %0" :: "s"((pyhip_lds_t*)pyhip_lds));']
    for i, (_, ctype, expr, _reg) in enumerate(inputs):
        lines.append(f"  {ctype} pyhip_in{i} = {expr};")
    lines.append("  asm volatile(")
    lines.append("    " + _c_string("s_nop 4 ; clang's prologue ends here"))
    lines += ["    " + _c_string(ln.strip() if not ln.startswith("\t") else ln.lstrip("\t"))
              for ln in body]
    outs = ", ".join(f'"+{{{reg}}}"(pyhip_in{i})' for i, (*_, reg) in enumerate(inputs))
    clobbers = ", ".join(f'"{r}"' for r in _clobbers(kernel, pinned))
    lines += [f"    : {outs}", "    :", f"    : {clobbers});", "}", ""]
    return "\n".join(lines)
