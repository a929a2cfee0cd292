"""Reading AMDGPU code objects: kernels, their descriptors, metadata and code.

A code object is an ELF64 little-endian file with ``e_machine == EM_AMDGPU`` (224).
For each kernel it holds (LLVM ``AMDGPUUsage``, "Code Object V3 Kernel Descriptor"
and "Code Object V3 and Above Note Records"):

- a 64-byte kernel descriptor at the symbol ``NAME.kd``, which the command processor
  reads to launch the kernel (register counts, float modes, which SGPRs and VGPRs it
  initialises, the entry point as a byte offset from the descriptor);
- an entry of ``amdhsa.kernels`` in the ``NT_AMDGPU_METADATA`` note (owner
  ``"AMDGPU"``, type 32), a MessagePack map, which the runtime uses to lay out the
  kernel arguments;
- the machine code at the entry point, normally also named by a function symbol.

Everything is read with :mod:`struct` (:mod:`pyhip_mlir.emulator.elf`: the ELF, the
symbol table, the note and a decoder for the MessagePack subset LLVM writes), so
reading needs no tools. Only
:meth:`CodeObjectKernel.disassembly` runs ``llvm-objdump``; :func:`kernel_ir` feeds
that text to :func:`pyhip_mlir.codegen.asm_parser.parse_asm`.

Linked code objects (``ET_DYN``, what a loader takes) are the normal input; a
relocatable object (``clang -c`` on assembly) also works: its descriptor's entry
offset is then read from the ``R_AMDGPU_REL64`` relocation that fills it.

Every problem with the file is a :class:`CodeObjectError` naming the file.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from pyhip_mlir.emulator.elf import (
    ET_REL,
    SHT_NOBITS,
    STT_FUNC,
    STT_OBJECT,
    ElfError,
    ElfFile,
    MsgPackError,
    Section,
    Symbol,
    decode_msgpack,
)

if TYPE_CHECKING:
    from pyhip_mlir.dialects.cdna.kernel import KernelOp

__all__ = [
    "CodeObject",
    "CodeObjectError",
    "CodeObjectKernel",
    "KernelDescriptor",
    "find_llvm_objdump",
    "kernel_ir",
    "read_code_object",
]

NT_AMDGPU_METADATA = 32
R_AMDGPU_REL64 = 5
KD_SIZE = 64
# EF_AMDGPU_MACH values (AMDGPUUsage "AMDGPU EF_AMDGPU_MACH Values"; LLVM
# BinaryFormat/ELF.h) for the CDNA processors this project knows.
EF_AMDGPU_MACH = 0x0FF
MACH_ARCHS: dict[int, str] = {
    0x030: "gfx908",
    0x03F: "gfx90a",
    0x040: "gfx940",
    0x04B: "gfx941",
    0x04C: "gfx942",
    0x04F: "gfx950",
}
# Processors with "Architected flat scratch" (AMDGPUUsage processor table): there
# ENABLE_PRIVATE_SEGMENT sets up FLAT_SCRATCH instead of a wave-offset SGPR.
ARCHITECTED_FLAT_SCRATCH = frozenset({"gfx940", "gfx941", "gfx942", "gfx950"})


class CodeObjectError(Exception):
    """A file that cannot be read as an AMDGPU code object (or a tool failure)."""

    def __init__(self, path: str | os.PathLike[str], message: str):
        self.path = os.fspath(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


# --- kernel descriptor ----------------------------------------------------------------


def _bits(word: str, lo: int, width: int = 1) -> Any:
    """A descriptor bit field: ``width`` bits of raw word ``word`` from bit ``lo``."""
    return field(metadata={"bits": (word, lo, width)})


@dataclass(frozen=True)
class KernelDescriptor:
    """The 64-byte kernel descriptor, field by field (AMDGPUUsage tables "Code Object
    V3 Kernel Descriptor", "compute_pgm_rsrc1/2 for GFX6-GFX12", "compute_pgm_rsrc3
    for GFX90A, GFX942"). Raw words are kept next to their decoded bit fields, whose
    names are the manual's in lower case; one-bit fields are bools.
    """

    arch: str
    group_segment_fixed_size: int
    private_segment_fixed_size: int
    kernarg_size: int
    kernel_code_entry_byte_offset: int  # signed, from the descriptor's address
    compute_pgm_rsrc3: int
    compute_pgm_rsrc1: int
    compute_pgm_rsrc2: int
    kernel_code_properties: int
    kernarg_preload: int
    granulated_workitem_vgpr_count: int = _bits("compute_pgm_rsrc1", 0, 6)
    granulated_wavefront_sgpr_count: int = _bits("compute_pgm_rsrc1", 6, 4)
    priority: int = _bits("compute_pgm_rsrc1", 10, 2)
    float_round_mode_32: int = _bits("compute_pgm_rsrc1", 12, 2)
    float_round_mode_16_64: int = _bits("compute_pgm_rsrc1", 14, 2)
    float_denorm_mode_32: int = _bits("compute_pgm_rsrc1", 16, 2)
    float_denorm_mode_16_64: int = _bits("compute_pgm_rsrc1", 18, 2)
    priv: bool = _bits("compute_pgm_rsrc1", 20)
    enable_dx10_clamp: bool = _bits("compute_pgm_rsrc1", 21)
    debug_mode: bool = _bits("compute_pgm_rsrc1", 22)
    enable_ieee_mode: bool = _bits("compute_pgm_rsrc1", 23)
    bulky: bool = _bits("compute_pgm_rsrc1", 24)
    cdbg_user: bool = _bits("compute_pgm_rsrc1", 25)
    fp16_ovfl: bool = _bits("compute_pgm_rsrc1", 26)
    enable_private_segment: bool = _bits("compute_pgm_rsrc2", 0)
    user_sgpr_count: int = _bits("compute_pgm_rsrc2", 1, 5)
    enable_trap_handler: bool = _bits("compute_pgm_rsrc2", 6)
    enable_sgpr_workgroup_id_x: bool = _bits("compute_pgm_rsrc2", 7)
    enable_sgpr_workgroup_id_y: bool = _bits("compute_pgm_rsrc2", 8)
    enable_sgpr_workgroup_id_z: bool = _bits("compute_pgm_rsrc2", 9)
    enable_sgpr_workgroup_info: bool = _bits("compute_pgm_rsrc2", 10)
    enable_vgpr_workitem_id: int = _bits("compute_pgm_rsrc2", 11, 2)  # 0: x, 1: +y, 2: +z
    enable_exception_address_watch: bool = _bits("compute_pgm_rsrc2", 13)
    enable_exception_memory: bool = _bits("compute_pgm_rsrc2", 14)
    granulated_lds_size: int = _bits("compute_pgm_rsrc2", 15, 9)
    enable_exception: int = _bits("compute_pgm_rsrc2", 24, 7)  # IEEE invalid .. int div0
    accum_offset: int = _bits("compute_pgm_rsrc3", 0, 6)  # first AGPR: (n + 1) * 4
    tg_split: bool = _bits("compute_pgm_rsrc3", 16)
    enable_sgpr_private_segment_buffer: bool = _bits("kernel_code_properties", 0)
    enable_sgpr_dispatch_ptr: bool = _bits("kernel_code_properties", 1)
    enable_sgpr_queue_ptr: bool = _bits("kernel_code_properties", 2)
    enable_sgpr_kernarg_segment_ptr: bool = _bits("kernel_code_properties", 3)
    enable_sgpr_dispatch_id: bool = _bits("kernel_code_properties", 4)
    enable_sgpr_flat_scratch_init: bool = _bits("kernel_code_properties", 5)
    enable_sgpr_private_segment_size: bool = _bits("kernel_code_properties", 6)
    enable_wavefront_size32: bool = _bits("kernel_code_properties", 10)
    uses_dynamic_stack: bool = _bits("kernel_code_properties", 11)
    kernarg_preload_spec_length: int = _bits("kernarg_preload", 0, 7)  # dwords
    kernarg_preload_spec_offset: int = _bits("kernarg_preload", 7, 9)  # dwords

    @classmethod
    def from_bytes(cls, data: bytes, arch: str) -> KernelDescriptor:
        """Decode 64 descriptor bytes; ``arch`` sets the target-dependent meanings."""
        if len(data) < KD_SIZE:
            raise ValueError(f"kernel descriptor is {len(data)} bytes, not {KD_SIZE}")
        words = dict(
            zip(
                ("group_segment_fixed_size", "private_segment_fixed_size", "kernarg_size",
                 "_r0", "kernel_code_entry_byte_offset", "_r1", "compute_pgm_rsrc3",
                 "compute_pgm_rsrc1", "compute_pgm_rsrc2", "kernel_code_properties",
                 "kernarg_preload", "_r2"),
                struct.unpack_from("<IIIIq20sIIIHHI", data),
                strict=True,
            )
        )  # fmt: skip
        values: dict[str, Any] = {"arch": arch}
        for f in fields(cls):
            if "bits" in f.metadata:
                word, lo, width = f.metadata["bits"]
                v = (words[word] >> lo) & ((1 << width) - 1)
                values[f.name] = bool(v) if f.type == "bool" else v
            elif f.name in words:
                values[f.name] = words[f.name]
        return cls(**values)

    # Derived values ---------------------------------------------------------------

    @property
    def wavefront_size(self) -> int:
        return 32 if self.enable_wavefront_size32 else 64

    @property
    def vgpr_alloc(self) -> int:
        """VGPRs (+ AGPRs) allocated per lane: (granule + 1) * 8 on gfx90a and later,
        * 4 before (compute_pgm_rsrc1 GRANULATED_WORKITEM_VGPR_COUNT)."""
        gran = 8 if self.arch in ("gfx90a", *ARCHITECTED_FLAT_SCRATCH) else 4
        return (self.granulated_workitem_vgpr_count + 1) * gran

    @property
    def sgpr_alloc(self) -> int:
        """SGPRs allocated per wave on GFX9: the field is 2 * (ceil(n / 16) - 1)."""
        return (self.granulated_wavefront_sgpr_count // 2 + 1) * 16

    @property
    def accum_offset_vgprs(self) -> int:
        """Index of the first AccVGPR in the unified register file (gfx90a+)."""
        return (self.accum_offset + 1) * 4

    def user_sgpr_layout(self) -> list[tuple[str, int, int]]:
        """``[(name, first_sgpr, count)]`` of the user SGPRs, in the order CP fills them.

        AMDGPUUsage "Initial Kernel Execution State", table "SGPR Register Set Up
        Order": enabled registers are dense from s0 in this order; preloaded kernel
        arguments (``kernarg_preload``, one SGPR per dword) follow the last one. Only
        the first 16 user SGPRs are actually initialised by the hardware.
        """
        enabled = (
            ("private_segment_buffer", 4, self.enable_sgpr_private_segment_buffer),
            ("dispatch_ptr", 2, self.enable_sgpr_dispatch_ptr),
            ("queue_ptr", 2, self.enable_sgpr_queue_ptr),
            ("kernarg_segment_ptr", 2, self.enable_sgpr_kernarg_segment_ptr),
            ("dispatch_id", 2, self.enable_sgpr_dispatch_id),
            ("flat_scratch_init", 2, self.enable_sgpr_flat_scratch_init),
            ("private_segment_size", 1, self.enable_sgpr_private_segment_size),
            ("kernarg_preload", self.kernarg_preload_spec_length, True),
        )
        out: list[tuple[str, int, int]] = []
        sgpr = 0
        for name, count, on in enabled:
            if on and count:
                out.append((name, sgpr, count))
                sgpr += count
        return out

    def system_sgpr_layout(self) -> list[tuple[str, int]]:
        """``[(name, sgpr)]`` of the system SGPRs (set per wave by ADC/SPI).

        They start right after the ``USER_SGPR_COUNT`` user SGPRs (compute_pgm_rsrc2),
        in the order workgroup_id_x, _y, _z, workgroup_info, private_segment_wave_offset.
        The wave offset exists only where flat scratch is not architected (gfx90a);
        on gfx942/gfx950 ENABLE_PRIVATE_SEGMENT initialises FLAT_SCRATCH instead.
        """
        wave_offset = self.enable_private_segment and self.arch not in ARCHITECTED_FLAT_SCRATCH
        enabled = (
            ("workgroup_id_x", self.enable_sgpr_workgroup_id_x),
            ("workgroup_id_y", self.enable_sgpr_workgroup_id_y),
            ("workgroup_id_z", self.enable_sgpr_workgroup_id_z),
            ("workgroup_info", self.enable_sgpr_workgroup_info),
            ("private_segment_wave_offset", wave_offset),
        )
        sgpr = self.user_sgpr_count
        out: list[tuple[str, int]] = []
        for name, on in enabled:
            if on:
                out.append((name, sgpr))
                sgpr += 1
        return out

    def kernarg_sgprs(self) -> tuple[int, int] | None:
        """(first SGPR, count) of the kernarg segment pointer, or None if not enabled."""
        for name, first, count in self.user_sgpr_layout():
            if name == "kernarg_segment_ptr":
                return (first, count)
        return None


# --- code object ----------------------------------------------------------------------


@dataclass
class CodeObjectKernel:
    """One kernel: descriptor, metadata entry and where its code is.

    ``address`` is the entry point's virtual address in the ELF (section-relative in
    a relocatable object), ``code_offset`` its byte offset in the file, ``code`` the
    bytes of the function symbol at the entry (empty if there is none).
    """

    name: str
    arch: str
    descriptor: KernelDescriptor
    metadata: dict[str, Any]
    address: int
    code_offset: int
    code: bytes
    path: str
    symbol: str | None  # the function symbol at the entry point
    descriptor_address: int
    _disassembly: str | None = field(default=None, repr=False, compare=False)

    @property
    def args(self) -> list[dict[str, Any]]:
        """``.args`` of the metadata (explicit and hidden, in kernarg order)."""
        args = self.metadata.get(".args") or []
        return list(args) if isinstance(args, list) else []

    @property
    def kernarg_segment_size(self) -> int:
        size = self.metadata.get(".kernarg_segment_size")
        return size if isinstance(size, int) else self.descriptor.kernarg_size

    def disassembly(self) -> str:
        """``llvm-objdump -d --disassemble-symbols=SYMBOL`` output for this kernel."""
        if self._disassembly is None:
            if self.symbol is None:
                raise CodeObjectError(
                    self.path, f"kernel '{self.name}': no function symbol at its entry point"
                )
            tool = find_llvm_objdump()
            if tool is None:
                raise CodeObjectError(
                    self.path,
                    "llvm-objdump not found: install it (apt-get install llvm-22) or set "
                    "PYHIP_LLVM_OBJDUMP to its path",
                )
            cmd = [tool, "-d", f"--disassemble-symbols={self.symbol}", self.path]
            if self.code:  # stop at the function's end: what follows is section padding
                cmd.insert(2, f"--stop-address={self.address + len(self.code):#x}")
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            except OSError as e:
                raise CodeObjectError(self.path, f"cannot run {tool}: {e}") from None
            if proc.returncode != 0:
                raise CodeObjectError(self.path, f"{' '.join(cmd)} failed: {proc.stderr.strip()}")
            if f"<{self.symbol}>:" not in proc.stdout:
                raise CodeObjectError(
                    self.path, f"llvm-objdump printed no code for '{self.symbol}'"
                )
            self._disassembly = proc.stdout
        return self._disassembly


@dataclass
class CodeObject:
    """A code object's kernels by name; ``target`` is ``amdhsa.target`` if present."""

    path: str
    arch: str
    kernels: dict[str, CodeObjectKernel]
    e_flags: int = 0
    target: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict, repr=False)


def find_llvm_objdump() -> str | None:
    """``$PYHIP_LLVM_OBJDUMP``, else llvm-objdump-22 / llvm-objdump on PATH, else ROCm's."""
    env = os.environ.get("PYHIP_LLVM_OBJDUMP")
    if env:
        return env
    for name in ("llvm-objdump-22", "llvm-objdump"):
        found = shutil.which(name)
        if found:
            return found
    rocm = "/opt/rocm/llvm/bin/llvm-objdump"
    return rocm if os.access(rocm, os.X_OK) else None


def read_code_object(path: str | os.PathLike[str]) -> CodeObject:
    """Read every kernel of the code object at ``path`` (see the module docstring)."""
    spath = os.fspath(path)
    try:
        with open(spath, "rb") as f:
            data = f.read()
    except OSError as e:
        raise CodeObjectError(spath, f"cannot read: {e.strerror or e}") from None
    try:
        return _read(spath, data)
    except (ElfError, MsgPackError) as e:
        raise CodeObjectError(spath, str(e)) from None


def parse_code_object(data: bytes, label: str = "<code object>") -> CodeObject:
    """Like :func:`read_code_object` for bytes in memory (``label`` names it in errors;
    :meth:`CodeObjectKernel.disassembly` needs a real file at ``label``)."""
    try:
        return _read(label, data)
    except (ElfError, MsgPackError) as e:
        raise CodeObjectError(label, str(e)) from None


def _read(spath: str, data: bytes) -> CodeObject:
    elf = ElfFile(data)
    meta = _metadata(elf)
    target = meta.get("amdhsa.target") if isinstance(meta.get("amdhsa.target"), str) else None
    arch = _arch(elf, target, spath)
    symbols = elf.symbols()
    by_name = {s.name: s for s in symbols if s.name}
    entries = meta.get("amdhsa.kernels")
    if entries is None:
        entries = [
            {".name": s.name[:-3], ".symbol": s.name}
            for s in symbols
            if s.name.endswith(".kd") and s.type == STT_OBJECT
        ]
    if not isinstance(entries, list):
        raise CodeObjectError(spath, "metadata: 'amdhsa.kernels' is not a list")
    if not entries:
        raise CodeObjectError(spath, "no kernels: no metadata entries and no '.kd' symbols")
    kernels: dict[str, CodeObjectKernel] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get(".name"), str):
            raise CodeObjectError(spath, f"metadata: malformed kernel entry {entry!r:.80}")
        kernels[entry[".name"]] = _kernel(elf, spath, arch, entry, by_name, symbols)
    return CodeObject(spath, arch, kernels, elf.e_flags, target, meta)


def _metadata(elf: ElfFile) -> dict[str, Any]:
    for owner, ntype, desc in elf.notes():
        if owner == "AMDGPU" and ntype == NT_AMDGPU_METADATA:
            try:
                meta = decode_msgpack(desc)
            except MsgPackError as e:
                raise MsgPackError(f"NT_AMDGPU_METADATA note: {e}") from None
            if not isinstance(meta, dict):
                raise MsgPackError("NT_AMDGPU_METADATA note is not a map")
            return meta
    return {}


def _arch(elf: ElfFile, target: str | None, path: str) -> str:
    mach = elf.e_flags & EF_AMDGPU_MACH
    if mach in MACH_ARCHS:
        return MACH_ARCHS[mach]
    if target:  # "amdgcn-amd-amdhsa--gfx942:sramecc+:xnack-"
        proc = target.rsplit("-", 1)[-1].split(":")[0]
        if proc.startswith("gfx"):
            return proc
    raise CodeObjectError(
        path, f"unsupported AMDGPU processor (EF_AMDGPU_MACH 0x{mach:03x}); "
        f"known: {', '.join(sorted(MACH_ARCHS.values()))}",
    )  # fmt: skip


def _kernel(
    elf: ElfFile,
    path: str,
    arch: str,
    entry: dict[str, Any],
    by_name: dict[str, Symbol],
    symbols: list[Symbol],
) -> CodeObjectKernel:
    name = entry[".name"]
    kd_name = entry.get(".symbol") if isinstance(entry.get(".symbol"), str) else f"{name}.kd"
    kd_sym = by_name.get(kd_name)
    if kd_sym is None:
        raise CodeObjectError(path, f"kernel '{name}': descriptor symbol '{kd_name}' not found")
    if kd_sym.shndx == 0 or kd_sym.shndx >= len(elf.sections):
        raise CodeObjectError(path, f"kernel '{name}': '{kd_name}' is not defined in a section")
    kd_sec = elf.sections[kd_sym.shndx]
    rel = elf.e_type == ET_REL  # symbol values are section offsets
    kd_off = kd_sec.offset + kd_sym.value - (0 if rel else kd_sec.addr)
    kd_raw = elf.section_bytes(kd_sec)
    start = kd_off - kd_sec.offset
    if start < 0 or start + KD_SIZE > len(kd_raw):
        raise CodeObjectError(path, f"kernel '{name}': descriptor '{kd_name}' is truncated")
    desc = KernelDescriptor.from_bytes(kd_raw[start : start + KD_SIZE], arch)
    if rel:
        code_sec, address = _rel_entry(elf, kd_sec, kd_sym, symbols, name, path)
        code_offset = code_sec.offset + address
    else:
        address = kd_sym.value + desc.kernel_code_entry_byte_offset
        code_sec = elf.section_at(address)
        if code_sec is None or code_sec.type == SHT_NOBITS:
            raise CodeObjectError(
                path, f"kernel '{name}': entry point 0x{address:x} is outside every section"
            )
        code_offset = code_sec.offset + address - code_sec.addr
    func = next(
        (s for s in symbols
         if s.type == STT_FUNC and s.value == address and s.shndx == code_sec.index and s.name),
        None,
    )  # fmt: skip
    code = b""
    if func is not None:
        end = min(code_offset + func.size, code_sec.offset + code_sec.size, len(elf.data))
        code = elf.data[code_offset:end]
    return CodeObjectKernel(
        name=name,
        arch=arch,
        descriptor=desc,
        metadata=entry,
        address=address,
        code_offset=code_offset,
        code=code,
        path=path,
        symbol=func.name if func is not None else None,
        descriptor_address=kd_sym.value,
    )


def _rel_entry(
    elf: ElfFile, kd_sec: Section, kd_sym: Symbol, symbols: list[Symbol], name: str, path: str
) -> tuple[Section, int]:
    """Entry (section, offset) of a relocatable object's kernel: the R_AMDGPU_REL64 at
    descriptor + 16 holds S + A - P with P = descriptor + 16."""
    for r_offset, r_type, sym_index, addend in elf.relocations(kd_sec):
        if r_offset == kd_sym.value + 16 and r_type == R_AMDGPU_REL64:
            if sym_index < len(symbols) and symbols[sym_index].shndx < len(elf.sections):
                target = symbols[sym_index]
                return elf.sections[target.shndx], target.value + addend - 16
    raise CodeObjectError(path, f"kernel '{name}': no relocation gives its entry point")


def kernel_ir(kernel: CodeObjectKernel) -> KernelOp:
    """The kernel's code as cdna IR: its ``cdna.kernel`` op (inside its module).

    Parses :meth:`CodeObjectKernel.disassembly` with ``parse_asm`` for the kernel's
    arch; a rejected line raises the parser's :class:`AsmParseError`. Code that sets
    up FLAT_SCRATCH (``flat_scratch_lo/hi`` operands: gfx90a flat scratch, which the
    IR cannot express) and kernels with a dynamic stack (``uses_dynamic_stack``)
    raise :class:`EmulationError`.
    """
    import re

    from pyhip_mlir.codegen.asm_parser import parse_asm
    from pyhip_mlir.dialects.cdna.kernel import KernelOp
    from pyhip_mlir.emulator.ctx import EmulationError

    if kernel.descriptor.uses_dynamic_stack:
        raise EmulationError(
            f"{kernel.path}: kernel '{kernel.name}' uses a dynamic stack (uses_dynamic_stack: "
            "recursion, indirect calls or dynamic allocas), whose size the runtime chooses; the "
            "emulator models only the fixed private segment (private_segment_fixed_size "
            f"{kernel.descriptor.private_segment_fixed_size} bytes)")
    text = kernel.disassembly()
    if kernel.arch not in ARCHITECTED_FLAT_SCRATCH:
        hit = re.search(r"^\s*(\S.*\bflat_scratch(?:_lo|_hi)?\b.*?)\s*(?://.*)?$", text, re.M)
        if hit:
            raise EmulationError(
                f"{kernel.path}: kernel '{kernel.name}' ({kernel.arch}) sets up flat scratch "
                f"('{hit.group(1).strip()}'): {kernel.arch} FLAT/SCRATCH access to private memory is "
                "not modelled (gfx942 scratch_* and gfx90a buffer_* scratch through the private "
                "segment buffer are)"
            )
    module = parse_asm(text, f"{kernel.path}:{kernel.name}", arch=kernel.arch)
    ops = [op for op in module.ops if isinstance(op, KernelOp)]
    if len(ops) != 1:
        raise CodeObjectError(
            kernel.path, f"kernel '{kernel.name}': disassembly gave {len(ops)} kernels"
        )
    return ops[0]
