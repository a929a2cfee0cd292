"""``load`` and ``launch``: the emulator's user-facing entry points."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pyhip_mlir.emulator.codeobject import CodeObjectKernel, kernel_ir, read_code_object
from pyhip_mlir.emulator.ctx import EmulationError
from pyhip_mlir.emulator.dispatch import dims3, run_batches
from pyhip_mlir.emulator.program import Program, decode_kernel
from pyhip_mlir.emulator.sanitizer import Report, Sanitizer


@dataclass
class LaunchResult:
    """What one launch did: counts, time, and sanitizer reports (warnings included)."""

    kernel: str
    waves: int
    wave_instructions: int
    seconds: float
    reports: list[Report] = field(default_factory=list)

    @property
    def warnings(self) -> list[Report]:
        return [r for r in self.reports if r.severity != "error"]


def _sanitize_default() -> bool:
    return os.environ.get("PYHIP_EMU_SANITIZE", "1") not in ("0", "off", "false")


class EmulatedKernel:
    """One kernel of a code object, callable as ``k(grid, block, *args)``."""

    def __init__(self, kernel: CodeObjectKernel):
        self.info = kernel
        self.name = kernel.name
        self._program: Program | None = None

    @property
    def program(self) -> Program:
        if self._program is None:
            from pyhip_mlir.emulator.semantics import SEMANTICS

            self._program = decode_kernel(kernel_ir(self.info), self.info.arch, SEMANTICS)
        return self._program

    def __call__(self, grid: Any, block: Any, *args: Any, sanitize: bool | str | None = None,
                 max_steps: int | None = None, lds_bytes: int = 0) -> LaunchResult:
        from pyhip_mlir.emulator.memory import GlobalMemory
        from pyhip_mlir.runtime.kernargs import pack_kernargs, pointer_value

        g3, b3 = dims3("grid", grid), dims3("block", block)
        if sanitize is None:
            sanitize = _sanitize_default()
        mode = "collect" if sanitize == "collect" else "raise"
        program = self.program
        t0 = time.perf_counter()
        memory = GlobalMemory()
        explicit = [a for a in self.info.args if not str(a.get(".value_kind", "")).startswith("hidden_")]
        for i, (value, meta) in enumerate(zip(args, explicit, strict=False)):
            if not _is_pointer(meta) or value is None:
                continue
            if isinstance(value, int | np.integer):
                memory.register_raw(int(value))
            elif pointer_value(value) is not None:
                memory.register(value, name=str(meta.get(".name", f"arg{i}")))
        seg = pack_kernargs(self.info.args, args, g3, b3, segment_size=self.info.kernarg_segment_size,
                            dynamic_lds_size=lds_bytes)
        kernarg = np.zeros(max(len(seg), 1) + 256, dtype=np.uint8)
        off = (-kernarg.ctypes.data) % 256  # the kernarg segment is 16-byte (we give 256) aligned
        kernarg[off : off + len(seg)] = np.frombuffer(bytes(seg), dtype=np.uint8)
        memory.register(kernarg, name="kernarg segment")
        stats = run_batches(program, self.info.descriptor, g3, b3, int(kernarg.ctypes.data) + off, memory,
                            lambda: Sanitizer(enabled=bool(sanitize), mode=mode), max_steps=max_steps,
                            dynamic_lds=lds_bytes)
        reports = list(stats.reports)
        reports += memory_warnings(memory, self.name)
        return LaunchResult(self.name, stats.waves, stats.wave_instructions, time.perf_counter() - t0, reports)


def memory_warnings(memory: Any, kernel: str) -> list[Report]:
    """Launch-level warnings: raw-pointer accesses (bounds unknown), misaligned global."""
    out: list[Report] = []
    for acc in memory.raw_accesses():
        out.append(Report(
            "unknown-bounds",
            f"{acc.count} access(es) ({acc.writes} writes) to {acc.lo:#x}..{acc.hi:#x} through raw "
            f"pointer(s) {', '.join(hex(p) for p in acc.pointers)}: bounds unknown, checked only "
            "against the process's writable mappings (pass the array or tensor itself to check them)",
            kernel, -1, "", "", None, None, None, "warning"))
    if memory.misaligned_count:
        addr, n = memory.misaligned_examples[0]
        out.append(Report(
            "misaligned-global",
            f"{memory.misaligned_count} misaligned global access(es), e.g. {n} bytes at {addr:#x} "
            "(allowed on gfx942 with unaligned access enabled, but slower)",
            kernel, -1, "", "", None, None, None, "warning"))
    return out


def _is_pointer(arg: dict[str, Any]) -> bool:
    return arg.get(".value_kind") == "global_buffer" or str(arg.get(".type_name", "")).endswith("*")


class EmulatedModule:
    """A code object's kernels as attributes."""

    def __init__(self, path: str | os.PathLike[str]):
        co = read_code_object(path)
        self.path = str(path)
        self.arch = co.arch
        self.kernels = {name: EmulatedKernel(k) for name, k in co.kernels.items()}

    def __getattr__(self, name: str) -> EmulatedKernel:
        kernels = self.__dict__.get("kernels", {})
        if name in kernels:
            return kernels[name]
        raise AttributeError(
            f"code object {self.__dict__.get('path')} has no kernel '{name}' "
            f"(kernels: {', '.join(sorted(kernels)) or 'none'})"
        )


def load(path: str | os.PathLike[str]) -> EmulatedModule:
    return EmulatedModule(path)


def assemble(asm: str, arch: str, out: Path) -> Path:
    """Assemble a complete ``.s`` (with .amdhsa directives) into a code object."""
    from pyhip_mlir.emulator.codeobject import CodeObjectError

    src = out.with_suffix(".s")
    src.write_text(asm)
    from pyhip_mlir.runtime.toolchain import ToolchainError, find_clang

    try:
        clang = find_clang().clang
    except ToolchainError as e:
        raise CodeObjectError(str(src), str(e)) from None
    cmd = [clang, "-x", "assembler", "-target", "amdgcn-amd-amdhsa", f"-mcpu={arch}", str(src), "-o", str(out)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError as e:
        raise CodeObjectError(str(src), f"cannot run {clang}: {e} (apt-get install clang-22 lld-22)") from None
    if proc.returncode != 0:
        raise EmulationError(f"assembling {src} failed:\n{proc.stderr.strip()}")
    return out


def launch(kernel: Any, grid: Any, block: Any, *args: Any, **kw: Any) -> LaunchResult:
    """Run a ``cdna.kernel`` op (allocated IR) on the emulator.

    The kernel goes the way it goes to a GPU: printed to assembly with its descriptor,
    assembled by clang into a code object, loaded and dispatched.
    """
    from pyhip_mlir.codegen.asm_printer import kernel_to_asm
    from pyhip_mlir.dialects.cdna.kernel import arch_of

    arch = arch_of(kernel)
    asm = kernel_to_asm(kernel, arch)
    with tempfile.TemporaryDirectory(prefix="pyhip-emu-") as d:
        co = assemble(asm, arch, Path(d) / f"{kernel.sym_name.data}.co")
        mod = load(co)
        k = getattr(mod, kernel.sym_name.data)
        _locate(k.program, kernel, arch)
        return k(grid, block, *args, **kw)


def _locate(program: Program, kernel: Any, arch: str) -> None:
    """Point each instruction of ``program`` at the IR op it was printed from, so
    reports name the user's source line, not the temporary assembly file. The printer
    emits ops in block order, one or more lines each, and clang keeps that order."""
    from pyhip_mlir.codegen.asm_printer import op_lines
    from pyhip_mlir.emulator.program import _location

    origin: list[Any] = []
    for block in kernel.body.blocks:
        for op in block.ops:
            origin += [op] * len(op_lines(op, block, lambda b: ".L", arch))
    if len(origin) != len(program.instrs):
        return  # not the expected correspondence: keep the assembly locations
    for ins, op in zip(program.instrs, origin, strict=True):
        loc = _location(op)
        if loc:
            ins.loc = loc
