"""Which clang builds code objects: found once per process, or a clear error.

Order (issue 6): ``$PYHIP_CLANG`` if set (it must work: a broken override is an error,
never silently replaced); ROCm's clang at ``$ROCM_PATH/llvm/bin/clang`` (ROCM_PATH
defaults to /opt/rocm); otherwise a system ``clang-N`` (newest first) or ``clang`` on
PATH. A candidate counts only if it assembles for ``amdgcn-amd-amdhsa`` (a probe of an
empty file, ~20 ms), so a host-only clang is skipped. The result, with the version
line, is cached per (PYHIP_CLANG, ROCM_PATH, PATH): a later cache key can include the
compiler's path and version without running it again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache

SYSTEM_VERSIONS = tuple(range(30, 16, -1))
INSTALL_HINT = ("install ROCm (its clang is $ROCM_PATH/llvm/bin/clang) or Debian's "
                "`apt-get install clang-22 lld-22`, or point PYHIP_CLANG at a clang with the "
                "AMDGPU target")


class ToolchainError(RuntimeError):
    """No usable compiler (what to install is in the message)."""


@dataclass(frozen=True)
class Toolchain:
    clang: str  # absolute path
    version: str  # e.g. "22.1.0"
    version_line: str  # the first line of ``clang --version``
    source: str  # where it came from: "PYHIP_CLANG", "ROCm (/opt/rocm)", "PATH"


def _version(path: str) -> tuple[str, str] | None:
    try:
        proc = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    line = proc.stdout.splitlines()[0] if proc.stdout else ""
    if proc.returncode != 0 or "clang version" not in line:
        return None
    ver = line.split("clang version", 1)[1].split()[0]
    return ver, line


def _targets_amdgpu(path: str) -> bool:
    cmd = [path, "-x", "assembler", "-target", "amdgcn-amd-amdhsa", "-mcpu=gfx942", "-c",
           os.devnull, "-o", os.devnull]
    try:
        return subprocess.run(cmd, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _probe(path: str, source: str) -> Toolchain | None:
    v = _version(path)
    if v is None or not _targets_amdgpu(path):
        return None
    return Toolchain(os.path.abspath(path), v[0], v[1], source)


@cache
def _find(override: str | None, rocm: str, path_env: str) -> Toolchain:
    if override:
        exe = shutil.which(override, path=path_env) or (override if os.path.isfile(override) else None)
        if exe is None:
            raise ToolchainError(f"PYHIP_CLANG={override!r}: no such program")
        if _version(exe) is None:
            raise ToolchainError(f"PYHIP_CLANG={override!r} is not a clang (`{exe} --version` "
                                 "does not say 'clang version')")
        tc = _probe(exe, "PYHIP_CLANG")
        if tc is None:
            raise ToolchainError(f"PYHIP_CLANG={override!r} cannot assemble for amdgcn-amd-amdhsa "
                                 "(a clang built without the AMDGPU target?)")
        return tc
    rocm_clang = os.path.join(rocm, "llvm", "bin", "clang")
    if os.path.isfile(rocm_clang):
        tc = _probe(rocm_clang, f"ROCm ({rocm})")
        if tc is not None:
            return tc
    for name in (*(f"clang-{n}" for n in SYSTEM_VERSIONS), "clang"):
        exe = shutil.which(name, path=path_env)
        if exe is not None:
            tc = _probe(exe, "PATH")
            if tc is not None:
                return tc
    raise ToolchainError(f"no clang that can build AMDGPU code objects was found: {INSTALL_HINT}")


def find_clang() -> Toolchain:
    """The compiler to use, probed once per process and environment."""
    return _find(os.environ.get("PYHIP_CLANG") or None, os.environ.get("ROCM_PATH", "/opt/rocm"),
                 os.environ.get("PATH", os.defpath))


def toolchain_identity() -> str:
    """Which clang :func:`find_clang` would look at first, as path:mtime:size, found
    without running anything (a fresh process's cache lookup cannot afford the
    probe). It changes when the compiler is replaced or upgraded in place."""
    override = os.environ.get("PYHIP_CLANG") or None
    path_env = os.environ.get("PATH", os.defpath)
    candidates: list[str | None] = []
    if override:
        candidates.append(shutil.which(override, path=path_env) or override)
    else:
        rocm = os.path.join(os.environ.get("ROCM_PATH", "/opt/rocm"), "llvm", "bin", "clang")
        candidates.append(rocm)
        candidates += [shutil.which(f"clang-{n}", path=path_env) for n in SYSTEM_VERSIONS]
        candidates.append(shutil.which("clang", path=path_env))
    for c in candidates:
        if c and os.path.isfile(c):
            real = os.path.realpath(c)
            st = os.stat(real)
            return f"{real}:{st.st_mtime_ns}:{st.st_size}"
    return "none"
