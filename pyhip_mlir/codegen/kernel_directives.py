"""Kernel prologue/epilogue directives, the kernel descriptor and code-object metadata.

A kernel prints as (code object v5, what clang-22 emits for a HIP kernel)::

    .amdgcn_target "amdgcn-amd-amdhsa--gfx942"
    .amdhsa_code_object_version 5
    .text / .globl / .p2align 8 / .type NAME,@function / NAME: body / .size
    .rodata: .amdhsa_kernel NAME ... .end_amdhsa_kernel   (the kernel descriptor)
    .amdgpu_metadata  YAML (amdhsa.version [1, 2], kernels, args)  .end_amdgpu_metadata

The launch ABI comes from the entry block: each argument is a hardware-provided input
named by the kernel's ``abi_inputs`` (or, without it, inferred from the types in
order: an SGPR pair is the kernarg pointer, single SGPRs the workgroup ids x, y, z, a
VGPR the packed work-item ids, ``!cdna.exec`` the launch exec mask). The descriptor
enables exactly those inputs, and the registers the hardware will put them in must
be the registers the entry arguments were allocated to (else :class:`AsmPrintError`):
user SGPRs first (gfx90a: the private segment buffer s[0:3] when the kernarg pointer
sits in s[4:5]; then the kernarg pointer), then one SGPR per enabled workgroup id,
work-item ids packed in v0 (x bits 0-9, y 10-19, z 20-29).

Register counts are taken from every register the kernel names. On gfx90a+ VGPRs and
AGPRs share one file: AGPRs start at ``accum_offset`` (VGPR count rounded up to 4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TextIO

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Attribute

from pyhip_mlir.codegen.asm_printer import AsmPrintError, body_lines
from pyhip_mlir.dialects.cdna.kernel import ABI_INPUTS, KernelOp
from pyhip_mlir.dialects.cdna.types import (
    ExecType,
    RegType,
    SpecialRegType,
    VCCType,
    describe_type,
)
from pyhip_mlir.dialects.isa.table import normalize_arch

CODE_OBJECT_VERSION = 5
METADATA_VERSION = (1, 2)  # amdhsa.version of code object v5
MAX_SGPRS = 102  # addressable SGPRs on gfx9 (vcc, xnack_mask, flat_scratch are extra)
MAX_ARCH_VGPRS = 256  # v0..v255 (and a0..a255) on gfx90a+
WORKGROUP_IDS = ("workgroup_id_x", "workgroup_id_y", "workgroup_id_z")
_SYMBOL_RE = re.compile(r"^[A-Za-z_.$][A-Za-z0-9_.$]*$")


def target_id(arch: str) -> str:
    """The target id clang-22 writes for a HIP kernel (xnack/sramecc unspecified)."""
    return f"amdgcn-amd-amdhsa--{normalize_arch(arch)}"


# --- resources --------------------------------------------------------------------


@dataclass
class Resources:
    """Registers a kernel uses, as the descriptor and metadata count them."""

    num_sgpr: int = 0  # highest SGPR + 1
    num_vgpr: int = 0  # highest VGPR + 1
    num_agpr: int = 0  # highest AGPR + 1
    uses_vcc: bool = False
    uses_flat_scratch: bool = False

    @property
    def accum_offset(self) -> int:
        """First AGPR in the unified register file (multiple of 4, >= 4)."""
        return max(4, -(-self.num_vgpr // 4) * 4)

    @property
    def next_free_vgpr(self) -> int:
        if self.num_agpr:
            return self.accum_offset + self.num_agpr
        return max(1, self.num_vgpr)

    def extra_sgprs(self, arch: str) -> int:
        """SGPRs the hardware adds after next_free_sgpr (LLVM's getNumExtraSGPRs)."""
        extra = 2 if self.uses_vcc else 0
        extra = 4  # xnack_mask is reserved (the target id leaves xnack unspecified),
        # which on gfx9 covers vcc too
        if self.uses_flat_scratch or normalize_arch(arch) in ("gfx942", "gfx950"):
            extra = 6  # architected flat scratch on gfx94x/gfx950
        return extra


def _note_type(res: Resources, t: Attribute, what: str, kernel: KernelOp) -> None:
    if isinstance(t, RegType):
        if not t.is_allocated:
            raise AsmPrintError(
                f"kernel @{kernel.sym_name.data}: {what} is not allocated ({describe_type(t)})",
                kernel,
            )
        end = t.first + t.nregs
        if t.file == "s":
            res.num_sgpr = max(res.num_sgpr, end)
        elif t.file == "v":
            res.num_vgpr = max(res.num_vgpr, end)
        else:
            res.num_agpr = max(res.num_agpr, end)
    elif isinstance(t, VCCType):
        res.uses_vcc = True


def kernel_resources(kernel: KernelOp) -> Resources:
    """Scan every value of the kernel for the registers it names."""
    from pyhip_mlir.dialects.cdna.inst import InstOp

    res = Resources()
    for block in kernel.body.blocks:
        for i, arg in enumerate(block.args):
            _note_type(res, arg.type, f"block argument {i}", kernel)
    for op in kernel.body.walk():
        for i, r in enumerate(op.results):
            hint = f"%{r.name_hint} " if r.name_hint else ""
            _note_type(res, r.type, f"{hint}(result {i} of {op.name})", kernel)
        if isinstance(op, InstOp):
            for v in op.imm_values().values():
                if isinstance(v, str):
                    res.uses_vcc |= "vcc" in v
                    res.uses_flat_scratch |= "flat_scratch" in v
    if res.num_sgpr > MAX_SGPRS:
        raise AsmPrintError(
            f"kernel @{kernel.sym_name.data} uses {res.num_sgpr} SGPRs (at most {MAX_SGPRS})",
            kernel,
        )
    if res.num_vgpr > MAX_ARCH_VGPRS or res.num_agpr > MAX_ARCH_VGPRS:
        raise AsmPrintError(
            f"kernel @{kernel.sym_name.data} uses {res.num_vgpr} VGPRs / {res.num_agpr} "
            f"AGPRs (at most {MAX_ARCH_VGPRS} each)",
            kernel,
        )
    return res


# --- ABI --------------------------------------------------------------------------


@dataclass
class Abi:
    """Which launch inputs the kernel descriptor enables."""

    private_segment_buffer: bool = False
    kernarg_segment_ptr: bool = False
    workgroup_ids: tuple[bool, bool, bool] = (False, False, False)
    workitem_id: int = 0  # 0: x only, 1: x and y, 2: x, y and z (all packed in v0)

    @property
    def user_sgpr_count(self) -> int:
        return (4 if self.private_segment_buffer else 0) + (2 if self.kernarg_segment_ptr else 0)


def infer_inputs(types: list[Attribute]) -> list[str]:
    names: list[str] = []
    wg = iter(WORKGROUP_IDS)
    for t in types:
        if isinstance(t, ExecType):
            names.append("exec")
        elif isinstance(t, RegType) and t.file == "s" and t.nregs == 2 and not names:
            names.append("kernarg_segment_ptr")
        elif isinstance(t, RegType) and t.file == "s" and t.nregs == 1:
            names.append(next(wg, "?"))
        elif isinstance(t, RegType) and t.file == "v" and t.nregs == 1:
            names.append("workitem_id")
        else:
            names.append("?")
    return names


def kernel_abi(kernel: KernelOp, arch: str) -> Abi:
    """The descriptor's enabled inputs, checked against the entry block's registers."""
    name = kernel.sym_name.data
    args = list(kernel.body.blocks[0].args) if kernel.body.blocks else []
    types = [a.type for a in args]
    if kernel.abi_inputs is not None:
        inputs = [s.data for s in kernel.abi_inputs.data]
    else:
        inputs = infer_inputs(types)
    if len(inputs) != len(types):
        raise AsmPrintError(
            f"kernel @{name}: abi_inputs names {len(inputs)} inputs for {len(types)} "
            "entry block arguments",
            kernel,
        )
    for n in inputs:
        if n not in ABI_INPUTS:
            raise AsmPrintError(
                f"kernel @{name}: cannot tell which launch input an entry argument is "
                f"('{n}'); set abi_inputs (known: {', '.join(ABI_INPUTS)})",
                kernel,
            )
    if len(set(inputs)) != len(inputs):
        raise AsmPrintError(f"kernel @{name}: duplicate abi_inputs {inputs}", kernel)
    by_name = dict(zip(inputs, types, strict=True))

    def expect(input_name: str, want: str) -> None:
        t = by_name[input_name]
        got = _reg_name(t)
        if got != want:
            raise AsmPrintError(
                f"kernel @{name}: the hardware puts {input_name} in {want}, but the entry "
                f"argument is {got}",
                kernel,
            )

    abi = Abi()
    if "kernarg_segment_ptr" in by_name:
        abi.kernarg_segment_ptr = True
        t = by_name["kernarg_segment_ptr"]
        if normalize_arch(arch) == "gfx90a" and isinstance(t, RegType) and t.first == 4:
            abi.private_segment_buffer = True  # clang's gfx90a layout: s[0:3] then s[4:5]
        lo = abi.user_sgpr_count - 2
        expect("kernarg_segment_ptr", f"s[{lo}:{lo + 1}]")
    nxt = abi.user_sgpr_count
    enabled: list[bool] = []
    for wg in WORKGROUP_IDS:
        enabled.append(wg in by_name)
        if wg in by_name:
            expect(wg, f"s{nxt}")
            nxt += 1
    abi.workgroup_ids = (enabled[0], enabled[1], enabled[2])
    if "workitem_id" in by_name:
        expect("workitem_id", "v0")
    if "exec" in by_name and not isinstance(by_name["exec"], ExecType):
        raise AsmPrintError(
            f"kernel @{name}: the exec input must have type !cdna.exec, not {by_name['exec']}",
            kernel,
        )
    dims = workgroup_size_of(kernel)
    if dims is None:
        abi.workitem_id = 2 if "workitem_id" in by_name else 0
    else:
        abi.workitem_id = 2 if dims[2] > 1 else (1 if dims[1] > 1 else 0)
    return abi


def _reg_name(t: Attribute) -> str:
    if isinstance(t, RegType):
        return t.asm_name() if t.is_allocated else f"an unallocated {describe_type(t)}"
    if isinstance(t, SpecialRegType):
        return t.reg
    return str(t)


def workgroup_size_of(kernel: KernelOp) -> tuple[int, int, int] | None:
    if kernel.workgroup_size is None:
        return None
    d = [x.value.data for x in kernel.workgroup_size.data]
    return (d[0], d[1], d[2])


# --- text -------------------------------------------------------------------------


def lds_bytes_of(kernel: KernelOp) -> int:
    return kernel.lds_bytes.value.data if kernel.lds_bytes is not None else 0


def descriptor_lines(kernel: KernelOp, arch: str, abi: Abi, res: Resources) -> list[str]:
    """The ``.amdhsa_kernel`` block (kernel descriptor fields)."""
    arch = normalize_arch(arch)
    wg = abi.workgroup_ids
    d: list[tuple[str, int]] = [
        ("group_segment_fixed_size", lds_bytes_of(kernel)),
        ("private_segment_fixed_size", 0),
        ("kernarg_size", kernel.kernarg_size),
        ("user_sgpr_count", abi.user_sgpr_count),
    ]
    if arch == "gfx90a":
        d.append(("user_sgpr_private_segment_buffer", int(abi.private_segment_buffer)))
    d += [
        ("user_sgpr_kernarg_segment_ptr", int(abi.kernarg_segment_ptr)),
        ("system_sgpr_workgroup_id_x", int(wg[0])),
        ("system_sgpr_workgroup_id_y", int(wg[1])),
        ("system_sgpr_workgroup_id_z", int(wg[2])),
        ("system_vgpr_workitem_id", abi.workitem_id),
        ("next_free_vgpr", res.next_free_vgpr),
        ("next_free_sgpr", res.num_sgpr),
        ("accum_offset", res.accum_offset),
        ("reserve_vcc", int(res.uses_vcc)),
    ]
    if arch == "gfx90a":
        d.append(("reserve_flat_scratch", int(res.uses_flat_scratch)))
    d += [
        ("reserve_xnack_mask", 1),
        ("float_denorm_mode_32", 3),
        ("float_denorm_mode_16_64", 3),
        ("dx10_clamp", 1),
        ("ieee_mode", 1),
    ]
    name = kernel.sym_name.data
    return (
        ["\t.rodata", "\t.p2align\t6", f"\t.amdhsa_kernel {name}"]
        + [f"\t\t.amdhsa_{k} {v}" for k, v in d]
        + ["\t.end_amdhsa_kernel"]
    )


def _yaml_str(s: str) -> str:
    if _SYMBOL_RE.match(s) and s not in ("true", "false", "null", "yes", "no"):
        return s
    return "'" + s.replace("'", "''") + "'"


def metadata_lines(kernel: KernelOp, arch: str, res: Resources) -> list[str]:
    """One entry of ``amdhsa.kernels`` (YAML lines, indented for the list)."""
    name = kernel.sym_name.data
    dims = workgroup_size_of(kernel)
    lines = [f"  - .name: {_yaml_str(name)}", f"    .symbol: {_yaml_str(name + '.kd')}"]
    if kernel.args.data:
        lines.append("    .args:")
        for a in kernel.args.data:
            ctype = a.ctype.data
            lines += [
                f"      - .name: {_yaml_str(a.arg_name.data)}",
                f"        .type_name: {_yaml_str(ctype)}",
                f"        .offset: {a.offset.data}",
                f"        .size: {a.size.data}",
            ]
            if ctype.strip().endswith("*"):
                lines += ["        .value_kind: global_buffer", "        .address_space: global"]
            else:
                lines.append("        .value_kind: by_value")
    flat = dims[0] * dims[1] * dims[2] if dims else 1024
    lines += [
        f"    .kernarg_segment_size: {kernel.kernarg_size}",
        "    .kernarg_segment_align: 8",
        f"    .group_segment_fixed_size: {lds_bytes_of(kernel)}",
        "    .private_segment_fixed_size: 0",
        "    .wavefront_size: 64",
        f"    .sgpr_count: {res.num_sgpr + res.extra_sgprs(arch)}",
        f"    .vgpr_count: {res.next_free_vgpr}",
        f"    .agpr_count: {res.num_agpr}",
        "    .sgpr_spill_count: 0",
        "    .vgpr_spill_count: 0",
        f"    .max_flat_workgroup_size: {flat}",
    ]
    if dims:
        lines.append(f"    .reqd_workgroup_size: [{dims[0]}, {dims[1]}, {dims[2]}]")
    return lines


def header_lines(arch: str) -> list[str]:
    return [
        f'\t.amdgcn_target "{target_id(arch)}"',
        f"\t.amdhsa_code_object_version {CODE_OBJECT_VERSION}",
    ]


def metadata_block(arch: str, entries: list[list[str]]) -> list[str]:
    lines = ["\t.amdgpu_metadata", "---", "amdhsa.kernels:"]
    for e in entries:
        lines += e
    if not entries:
        lines[-1] = "amdhsa.kernels: []"
    lines += [
        f"amdhsa.target: {target_id(arch)}",
        f"amdhsa.version: [{METADATA_VERSION[0]}, {METADATA_VERSION[1]}]",
        "...",
        "\t.end_amdgpu_metadata",
    ]
    return lines


def kernel_code(kernel: KernelOp, arch: str) -> tuple[list[str], list[str]]:
    """(code + descriptor lines, metadata entry lines) of one kernel."""
    name = kernel.sym_name.data
    if not _SYMBOL_RE.match(name):
        raise AsmPrintError(f"kernel name '{name}' is not a valid assembler symbol", kernel)
    body = body_lines(kernel, arch)  # first: its errors name the instruction
    res = kernel_resources(kernel)
    abi = kernel_abi(kernel, arch)
    end = f".Lfunc_end_{name}"
    lines = [
        "\t.text",
        f"\t.globl\t{name}",
        "\t.p2align\t8",
        f"\t.type\t{name},@function",
        f"{name}:",
        *body,
        f"{end}:",
        f"\t.size\t{name}, {end}-{name}",
        *descriptor_lines(kernel, arch, abi, res),
        "\t.text",
    ]
    return lines, metadata_lines(kernel, arch, res)


def kernel_to_asm(kernel: KernelOp, arch: str | None = None) -> str:
    """A complete assembly file for one kernel (``arch`` overrides the kernel's)."""
    arch = normalize_arch(arch or kernel.arch.data)
    code, meta = kernel_code(kernel, arch)
    return "\n".join(header_lines(arch) + code + metadata_block(arch, [meta])) + "\n"


def module_kernels(module: ModuleOp) -> list[KernelOp]:
    return [op for op in module.walk() if isinstance(op, KernelOp)]


def print_module_asm(module: ModuleOp, out: TextIO, arch: str | None = None) -> None:
    """All kernels of ``module`` as one assembly file for one target.

    Every kernel must have the same arch unless ``arch`` is given (one code object
    has one target).
    """
    kernels = module_kernels(module)
    if arch is None:
        archs = {normalize_arch(k.arch.data) for k in kernels}
        if len(archs) > 1:
            raise AsmPrintError(
                f"kernels for different architectures ({', '.join(sorted(archs))}) cannot "
                "share one code object; pass an arch",
                module,
            )
        arch = archs.pop() if archs else None
        if arch is None:
            attr = module.attributes.get("cdna.arch")
            arch = getattr(attr, "data", None) or "gfx942"
    arch = normalize_arch(arch)
    lines = header_lines(arch)
    metas: list[list[str]] = []
    for k in kernels:
        code, meta = kernel_code(k, arch)
        lines += code
        metas.append(meta)
    lines += metadata_block(arch, metas)
    out.write("\n".join(lines) + "\n")
