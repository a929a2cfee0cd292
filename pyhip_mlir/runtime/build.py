"""Source text -> code object bytes with the discovered clang (two ways in).

- :func:`compile_hip`: HIP C++ (the inline-asm translation unit of
  :mod:`pyhip_mlir.codegen.hip_source`, or a user's ``.hip``/``.cpp``) compiled for
  the device only, without HIP headers, at ``-O3`` (never ``-O0``: it changes the
  entry ABI and turns ``"s"`` constraints into VGPRs), code object v5, a fixed
  ``-cuid`` so equal sources give equal bytes.
- :func:`assemble`: a complete ``.s`` (``.amdhsa_kernel`` and metadata directives)
  assembled and linked without a C++ front end.

A failed build raises :class:`BuildError` with clang's message and keeps the source
it failed on (the path is in the message), so nothing the user needs is lost.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pyhip_mlir.runtime.toolchain import find_clang

HIP_FLAGS: tuple[str, ...] = (
    "-x", "hip", "--offload-device-only", "--no-gpu-bundle-output", "-nogpuinc",
    "-nogpulib", "-O3", "-mcode-object-version=5", "-cuid=pyhip",
)
ASM_FLAGS: tuple[str, ...] = ("-x", "assembler", "-target", "amdgcn-amd-amdhsa")


class BuildError(RuntimeError):
    """clang rejected a source; ``source_path`` keeps the text it was given."""

    def __init__(self, message: str, source_path: str | None = None):
        super().__init__(message)
        self.source_path = source_path


def hip_command(clang: str, arch: str, src: str, out: str, flags: Sequence[str] = (),
                drop: Sequence[str] = ()) -> list[str]:
    base = [f for f in HIP_FLAGS if f not in drop]
    return [clang, *base, f"--offload-arch={arch}", *flags, "-c", src, "-o", out]


def asm_command(clang: str, arch: str, src: str, out: str, flags: Sequence[str] = (),
                drop: Sequence[str] = ()) -> list[str]:
    return [clang, *ASM_FLAGS, f"-mcpu={arch}", *flags, src, "-o", out]


def _run(kind: str, text: str | None, suffix: str, arch: str, flags: Sequence[str], name: str,
         drop: Sequence[str] = (), path: str | None = None) -> bytes:
    clang = find_clang().clang
    make = hip_command if kind == "hip" else asm_command
    with tempfile.TemporaryDirectory(prefix="pyhip-build-") as d:
        src = path or os.path.join(d, name + suffix)
        out = os.path.join(d, name + ".co")
        if path is None:
            Path(src).write_text(text or "")
        cmd = make(clang, arch, src, out, flags, drop)
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        except OSError as e:
            raise BuildError(f"cannot run {clang}: {e}") from None
        if proc.returncode == 0 and os.path.isfile(out):
            return Path(out).read_bytes()
        if path is not None:  # the user's own file: clang's messages already point at it
            raise BuildError(f"clang failed to build {path} for {arch}:\n{proc.stderr.strip()}\n"
                             f"command: {' '.join(cmd)}", path)
        kept = _keep(text or "", name + suffix)
        raise BuildError(
            f"clang failed to build {name}{suffix} for {arch} (source kept at {kept}):\n"
            f"{proc.stderr.strip().replace(src, kept)}\ncommand: {' '.join(cmd)}",
            kept,
        )


def _keep(text: str, filename: str) -> str:
    d = tempfile.mkdtemp(prefix="pyhip-failed-")
    path = os.path.join(d, filename)
    Path(path).write_text(text)
    return path


def compile_hip(source: str, arch: str, flags: Sequence[str] = (), name: str = "kernel",
                drop: Sequence[str] = ()) -> bytes:
    """HIP C++ source -> code object bytes for ``arch`` (``drop``: base flags to leave out)."""
    return _run("hip", source, ".hip", arch, flags, name, drop)


def assemble(asm: str, arch: str, flags: Sequence[str] = (), name: str = "kernel") -> bytes:
    """A complete assembly file -> code object bytes for ``arch``."""
    return _run("asm", asm, ".s", arch, flags, name)


def build_file(path: str, kind: str, arch: str, flags: Sequence[str] = (),
               drop: Sequence[str] = ()) -> bytes:
    """A source file in place (``kind``: "hip" or "asm") -> code object bytes."""
    name = os.path.splitext(os.path.basename(path))[0]
    return _run(kind, None, "", arch, flags, name, drop, path)
