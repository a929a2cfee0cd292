"""``@pyhip.module(path)``: kernels of a HIP C++ file, an assembly file or a code object
as Python callables with the JIT's launch API (pyhip's second path)::

    @pyhip.module("sort.hip")                 # relative to the calling file
    def bitonic_sort(data, n): ...            # the stub's name is the kernel's name

    bitonic_sort([1], [64], x, 64)            # grid, block, arguments
    bitonic_sort([1], [64], x, 64, DESCENDING=1)   # UPPERCASE keywords are -D macros

    mod = pyhip.module("kernels.s")
    mod.vadd([4], [256], a, b, c, n)          # or by attribute

What the file is goes by its suffix: ``.hip``/``.cpp``/``.cc``/``.cu`` are compiled
device-only by clang at -O3 (without HIP headers unless the toolchain is ROCm's);
``.s``/``.S``/``.asm`` are assembled; ``.co``/``.hsaco``/``.o`` are loaded as they are.
A build is cached on disk under a key of the file's content and of every header it
includes with ``#include "..."`` (found next to it), the flags, the macros, the arch,
the compiler and pyhip_mlir's version: editing a file rebuilds it, touching it does
not. In a running process each call stats the file (about a microsecond) and rebuilds
when it changed. A C++ kernel's name may be mangled: ``_Z7my_kernPfi`` answers to
``my_kern`` unless two overloads make that ambiguous.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from pyhip_mlir.runtime.binary import KernelBinary, binaries_of

HIP_SUFFIXES = (".hip", ".cpp", ".cc", ".cu", ".cxx")
ASM_SUFFIXES = (".s", ".S", ".asm")
CO_SUFFIXES = (".co", ".hsaco", ".o", ".elf")
_INCLUDE = re.compile(rb'^\s*#\s*include\s*"([^"]+)"', re.M)


class ModuleError(RuntimeError):
    """A module file that cannot be used (missing, unknown kind, no such kernel)."""


def _kind(path: str) -> str:
    for kind, suffixes in (("hip", HIP_SUFFIXES), ("asm", ASM_SUFFIXES), ("co", CO_SUFFIXES)):
        if path.endswith(suffixes):
            return kind
    raise ModuleError(f"{path}: unknown kind of file (expected HIP C++ {'/'.join(HIP_SUFFIXES)}, "
                      f"assembly {'/'.join(ASM_SUFFIXES)} or a code object "
                      f"{'/'.join(CO_SUFFIXES)})")


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise ModuleError(f"{path}: cannot read: {e.strerror or e}") from None


def content_hash(path: str, include_dirs: Sequence[str] = ()) -> str:
    """sha256 over the file and, transitively, every ``#include "..."`` it names that
    exists next to the including file or in ``include_dirs``."""
    h = hashlib.sha256()
    seen: set[str] = set()
    todo = [os.path.abspath(path)]
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        data = _read(p)
        h.update(p.encode() + b"\0" + hashlib.sha256(data).digest())
        for m in _INCLUDE.finditer(data):
            name = m.group(1).decode(errors="replace")
            for d in (os.path.dirname(p), *include_dirs):
                cand = os.path.abspath(os.path.join(d, name))
                if os.path.isfile(cand):
                    todo.append(cand)
                    break
    return h.hexdigest()


def macro_flags(macros: dict[str, Any]) -> list[str]:
    out = []
    for k in sorted(macros):
        v = macros[k]
        v = int(v) if isinstance(v, bool) else v
        out.append(f"-D{k}={v}")
    return out


def _caller_dir(depth: int) -> str:
    return os.path.dirname(os.path.abspath(sys._getframe(depth).f_code.co_filename))


class module:  # noqa: N801 (pyhip's spelling)
    """A source file's kernels (see the module docstring)."""

    def __init__(self, path: str | os.PathLike[str], extra_compiler_options: str | Sequence[str] = "",
                 *, arch: str | None = None):
        p = os.fspath(path)
        self.path = p if os.path.isabs(p) else os.path.join(_caller_dir(2), p)
        self.kind = _kind(self.path)
        opts = extra_compiler_options
        self.flags = tuple(shlex.split(opts) if isinstance(opts, str) else opts)
        self.arch = arch
        self._kernels: dict[str, ModuleKernel] = {}

    def __call__(self, func: Callable[..., Any]) -> ModuleKernel:
        return self.kernel(func.__name__)

    def kernel(self, name: str) -> ModuleKernel:
        k = self._kernels.get(name)
        if k is None:
            k = self._kernels[name] = ModuleKernel(self, name)
        return k

    def __getattr__(self, name: str) -> ModuleKernel:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.kernel(name)

    def kernel_names(self, **macros: Any) -> list[str]:
        """The kernels the built code object holds (names as in its metadata)."""
        return sorted(self._build(macros))

    def _include_dirs(self) -> list[str]:
        return [f[2:] for f in self.flags if f.startswith("-I") and len(f) > 2]

    def _build(self, macros: dict[str, Any]) -> dict[str, KernelBinary]:
        from pyhip_mlir.runtime.backends import default_arch

        arch = self.arch or default_arch()
        if self.kind == "co":
            data = _read(self.path)
            return binaries_of(data, self.path)
        return _build_source(self.path, self.kind, arch, self.flags, macros, self._include_dirs())


def _toolchain_flags(kind: str) -> tuple[list[str], Any]:
    from pyhip_mlir.runtime.toolchain import find_clang

    tc = find_clang()
    # ROCm's clang finds the HIP headers and device libraries; a system clang has none
    drop = {"-nogpuinc", "-nogpulib"} if kind == "hip" and tc.source.startswith("ROCm") else set()
    return sorted(drop), tc


def _build_source(path: str, kind: str, arch: str, flags: Sequence[str], macros: dict[str, Any],
                  include_dirs: Sequence[str]) -> dict[str, KernelBinary]:
    import json

    from pyhip_mlir.frontend.build import shared_cache
    from pyhip_mlir.runtime import build as clang_build
    from pyhip_mlir.runtime.cache import Entry, cache_key

    drop, tc = _toolchain_flags(kind)
    all_flags = [*flags, *macro_flags(macros)]
    base = clang_build.HIP_FLAGS if kind == "hip" else clang_build.ASM_FLAGS
    key = cache_key({
        "source": content_hash(path, include_dirs), "kind": kind, "arch": arch,
        "flags": [f for f in base if f not in drop] + all_flags, "compiler": tc.clang,
        "compiler_version": tc.version_line, "pyhip": _pyhip_version(),
    })

    def build() -> Entry:
        co = clang_build.build_file(path, kind, arch, all_flags, drop)
        kernels = binaries_of(co, path)
        return Entry(co, {"kernels": {n: b.to_json() for n, b in kernels.items()}})

    entry = shared_cache().get_or_build(key, build)
    meta = entry.metadata if isinstance(entry.metadata, dict) else json.loads(entry.metadata)
    return {n: KernelBinary.from_json(d, entry.code_object) for n, d in meta["kernels"].items()}


def _pyhip_version() -> str:
    from pyhip_mlir.frontend.build import pyhip_fingerprint

    return pyhip_fingerprint()


def _match(name: str, binaries: dict[str, KernelBinary], path: str) -> KernelBinary:
    if name in binaries:
        return binaries[name]
    prefix = f"_Z{len(name)}{name}"
    found = [b for n, b in binaries.items() if n.startswith(prefix)]
    if len(found) == 1:
        return found[0]
    names = ", ".join(sorted(binaries)) or "none"
    if found:
        raise ModuleError(f"{path}: '{name}' is ambiguous ({', '.join(b.name for b in found)}); "
                          "use the mangled name")
    raise ModuleError(f"{path}: no kernel '{name}' (kernels: {names})")


class ModuleKernel:
    """One kernel of a :class:`module`: ``k(grid, block, *args, stream=, lds_bytes=,
    **MACROS)``."""

    def __init__(self, mod: module, name: str):
        self.module = mod
        self.name = name
        self._lock = threading.Lock()
        self._launchers: dict[tuple[Any, ...], tuple[Any, Any]] = {}

    def binary(self, **macros: Any) -> KernelBinary:
        return _match(self.name, self.module._build(macros), self.module.path)

    def _stamp(self) -> tuple[int, int]:
        try:
            st = os.stat(self.module.path)
        except OSError as e:
            raise ModuleError(f"{self.module.path}: {e.strerror or e}") from None
        return (st.st_mtime_ns, st.st_size)

    def __call__(self, grid: Any, block: Any, *args: Any, stream: Any = None, lds_bytes: int = 0,
                 **macros: Any) -> Any:
        bad = [k for k in macros if not k[:1].isupper()]
        if bad:
            raise TypeError(f"{self.name}(): unexpected keyword argument(s) {', '.join(bad)} "
                            "(UPPERCASE keywords are -D macros)")
        key = tuple(sorted(macros.items()))
        stamp = self._stamp()
        hit = self._launchers.get(key)
        if hit is None or hit[0] != stamp:
            with self._lock:
                hit = (stamp, self._bind(macros))
                self._launchers[key] = hit
        from pyhip_mlir.runtime.launcher import dims3

        backend, handle, packer = hit[1]
        g, b = dims3("grid", grid), dims3("block", block)
        if backend.name == "emu":
            packer.values(args)
            return handle(g, b, *args, lds_bytes=lds_bytes)
        return backend.launch(handle, g, b, args, packer, stream, lds_bytes)

    def _bind(self, macros: dict[str, Any]) -> tuple[Any, Any, Any]:
        from pyhip_mlir.runtime.backends import get_backend
        from pyhip_mlir.runtime.launcher import Packer

        binary = self.binary(**macros)
        backend = get_backend()
        packer = Packer(binary.args, binary.kernarg_size, backend.device, self.name)
        return backend, backend.load(binary), packer

    def stats(self, **macros: Any) -> dict[str, Any]:
        return dict(self.binary(**macros).report)
