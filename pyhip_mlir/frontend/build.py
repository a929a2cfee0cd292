"""A traced kernel -> a :class:`KernelBinary`: pipeline, emitter, clang, cache.

The cache key (runtime/cache.py) is made of everything the bytes depend on:

- ``ir``: the traced IR printed without locations, so any change in the kernel, a
  helper it calls or a compile-time argument changes it, and moving code to other
  lines does not;
- ``pipeline``: the pass pipeline text with its options; ``codegen``: hip or asm;
- ``arch`` and ``features`` (the target id's feature suffix, empty today);
- ``compiler`` and ``compiler_version``: the clang path and its ``--version`` line;
- ``flags``: the clang command-line flags of the codegen path;
- ``pyhip``: the package version and a fingerprint of its source files (an edited
  checkout never reuses a stale code object).

``PYHIP_DUMP_DIR`` makes a build write the IR after every pass, the assembly, the
HIP source and the code object to ``$PYHIP_DUMP_DIR/<kernel>-<key>/`` (it bypasses
the cache lookup so that the IR dumps exist).
"""

from __future__ import annotations

import os
import time
from functools import cache
from pathlib import Path
from typing import Any

from pyhip_mlir.runtime.binary import KernelBinary

CODEGENS = ("hip", "asm")


@cache
def pyhip_fingerprint() -> str:
    """Version + (path, size, mtime) of every source file of the package."""
    import hashlib

    import pyhip_mlir

    root = Path(pyhip_mlir.__file__).parent
    h = hashlib.sha256(pyhip_mlir.__version__.encode())
    for p in sorted(root.rglob("*.py")):
        st = p.stat()
        h.update(f"{p.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return f"{pyhip_mlir.__version__}+{h.hexdigest()[:16]}"


def ir_text(module: Any) -> str:
    from io import StringIO

    from xdsl.printer import Printer

    out = StringIO()
    Printer(stream=out, print_debuginfo=False).print_op(module)
    return out.getvalue()


def key_ingredients(ir: str, arch: str, pipeline: str, codegen: str) -> dict[str, object]:
    import hashlib

    from pyhip_mlir.runtime.build import ASM_FLAGS, HIP_FLAGS
    from pyhip_mlir.runtime.toolchain import find_clang

    tc = find_clang()
    return {
        "ir": hashlib.sha256(ir.encode()).hexdigest(),
        "pipeline": pipeline,
        "codegen": codegen,
        "arch": arch,
        "features": "",
        "compiler": tc.clang,
        "compiler_version": tc.version_line,
        "flags": list(HIP_FLAGS if codegen == "hip" else ASM_FLAGS),
        "pyhip": pyhip_fingerprint(),
    }


class _Dump:
    def __init__(self, name: str, key: str) -> None:
        root = os.environ.get("PYHIP_DUMP_DIR")
        self.dir = Path(root) / f"{name}-{key[:12]}" if root else None
        if self.dir is not None:
            self.dir.mkdir(parents=True, exist_ok=True)

    def write(self, filename: str, data: str | bytes) -> None:
        if self.dir is None:
            return
        path = self.dir / filename
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data)

    def after_pass(self, i: int, name: str, module: Any) -> None:
        if self.dir is not None:
            self.write(f"{i + 1:02d}-{name}.mlir", ir_text(module))


def _body_locations(kernel: Any, arch: str) -> list[str]:
    """The user source line of each printed body instruction, in order."""
    from pyhip_mlir.codegen.asm_printer import op_lines
    from pyhip_mlir.emulator.program import _location

    out: list[str] = []
    for block in kernel.body.blocks:
        for op in block.ops:
            out += [_location(op)] * len(op_lines(op, block, lambda b: ".L", arch))
    return out


def _count_instructions(kernel: Any) -> int:
    from pyhip_mlir.dialects.cdna.inst import InstOp

    return sum(1 for op in kernel.walk() if isinstance(op, InstOp))


def compile_traced(module: Any, kernel: Any, tags: Any, *, arch: str, pipeline: str,
                   codegen: str, dump: _Dump, trace_seconds: float) -> tuple[bytes, dict[str, Any]]:
    """Run the build (no cache): returns the code object and its cache metadata."""
    from pyhip_mlir.codegen.hip_source import kernel_to_hip
    from pyhip_mlir.codegen.kernel_directives import kernel_to_asm
    from pyhip_mlir.frontend.compile import run_pipeline
    from pyhip_mlir.runtime.binary import binaries_of
    from pyhip_mlir.runtime.build import assemble, compile_hip
    from pyhip_mlir.transforms.registry import StatisticsCollector

    name = kernel.sym_name.data
    dump.write("00-traced.mlir", ir_text(module))
    stats = StatisticsCollector()
    t0 = time.perf_counter()
    _, lowered = run_pipeline(module, kernel, tags, pipeline, stats, dump.after_pass)
    t1 = time.perf_counter()
    asm = kernel_to_asm(lowered, arch)
    name_line = asm.index(f"\n{name}:\n") + len(name) + 3
    body = asm[name_line:asm.index(f"\n.Lfunc_end_{name}:")].split("\n")
    hip = kernel_to_hip(lowered, arch, body)
    t2 = time.perf_counter()
    co = compile_hip(hip, arch, name=name) if codegen == "hip" else assemble(asm, arch, name=name)
    t3 = time.perf_counter()
    dump.write(f"{name}.s", asm)
    dump.write(f"{name}.hip", hip)
    dump.write(f"{name}.co", co)
    binary = binaries_of(co, f"<{name} for {arch}>")[name]
    counters = {f"{p}.{c}": v for p, st in stats.by_pass.items() for c, v in st.counters.items()}
    binary.report.update({
        "instructions": _count_instructions(lowered),
        "wait_states_added": counters.get("insert-nop.wait-states-added", 0),
        "nops_inserted": counters.get("insert-nop.nops-inserted", 0),
        "copies_inserted": counters.get("regalloc-linear-scan.copies-inserted", 0)
        + counters.get("a2v.copies-inserted", 0),
        "pass_statistics": counters,
        "seconds": {"trace": trace_seconds, "passes": t1 - t0, "emit": t2 - t1, "clang": t3 - t2},
        "codegen": codegen,
        "pipeline": pipeline,
        "asm": asm,
        "hip_source": hip,
        "body_locations": _body_locations(lowered, arch),
    })
    return co, binary.to_json()


def build_binary(module: Any, kernel: Any, tags: Any, *, arch: str, pipeline: str,
                 codegen: str, trace_seconds: float = 0.0, fn: Any = None,
                 manifest: str | None = None) -> KernelBinary:
    """The kernel's binary from the cache, or built and stored."""
    from pyhip_mlir.runtime.cache import Entry, cache_key

    if codegen not in CODEGENS:
        raise ValueError(f"codegen={codegen!r}: expected one of {', '.join(CODEGENS)}")
    ir = ir_text(module)
    key = cache_key(key_ingredients(ir, arch, pipeline, codegen))
    dump = _Dump(kernel.sym_name.data, key)

    def build() -> Entry:
        co, meta = compile_traced(module, kernel, tags, arch=arch, pipeline=pipeline,
                                  codegen=codegen, dump=dump, trace_seconds=trace_seconds)
        return Entry(co, meta)

    if dump.dir is not None:
        entry = build()
        shared_cache().put(key, entry)
    else:
        entry = shared_cache().get_or_build(key, build)
    binary = KernelBinary.from_json(entry.metadata, entry.code_object)
    binary.report["cache_key"] = key
    if fn is not None:
        write_manifest(manifest, fn, module, key)
    return binary


_CACHE: Any = None


def shared_cache() -> Any:
    """The process's code-object cache (``$PYHIP_CACHE_DIR``, read when first used)."""
    global _CACHE
    from pyhip_mlir.runtime.cache import CodeObjectCache

    if (_CACHE is None or _CACHE.directory != _cache_dir()
            or _CACHE.disk != (os.environ.get("PYHIP_CACHE", "1") not in ("0", "off", "false"))):
        _CACHE = CodeObjectCache()
    return _CACHE


def _cache_dir() -> Any:
    from pyhip_mlir.runtime.cache import cache_dir

    return cache_dir()


# --- the fresh-process path: a manifest maps the kernel's Python identity to its key ---
#
# The real key needs the traced IR, and tracing needs xDSL (~0.5 s to import). A
# manifest entry, keyed by what is known before tracing (the function, the repr of
# its compile-time arguments, arch, pipeline, codegen, the compiler's identity and
# pyhip's fingerprint), records the real key and the source files the trace read:
# the kernel's file, every file an op's location names, and the files of functions
# and modules reachable from the kernel's globals. A lookup re-hashes those files; if
# all match, the code object is loaded without tracing. Anything else (a changed file,
# a compile-time argument whose repr is not stable) falls back to tracing.


def _file_sha(path: str) -> str | None:
    import hashlib

    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def manifest_key(fn: Any, compile_args: tuple[Any, ...], arch: str, pipeline: str,
                 codegen: str) -> str | None:
    from pyhip_mlir.runtime.cache import cache_key
    from pyhip_mlir.runtime.toolchain import toolchain_identity

    ct = repr(compile_args)
    if " at 0x" in ct or "object at" in ct:
        return None  # an address in the repr: not the same value in another process
    return cache_key({
        "kind": "jit-manifest", "function": f"{fn.__module__}.{fn.__qualname__}",
        "file": fn.__code__.co_filename, "compile_args": ct, "arch": arch,
        "pipeline": pipeline, "codegen": codegen, "toolchain": toolchain_identity(),
        "pyhip": pyhip_fingerprint(),
    })


def _user_file(path: str | None) -> bool:
    import sys

    import pyhip_mlir

    if not path or not os.path.isfile(path):
        return False
    path = os.path.abspath(path)
    skip = {os.path.dirname(os.path.abspath(pyhip_mlir.__file__)), sys.prefix, sys.base_prefix}
    return not any(path.startswith(s + os.sep) for s in skip)


def _reachable_files(fn: Any, depth: int = 3) -> set[str]:
    """Files of the functions and modules a function's globals lead to."""
    import types

    out: set[str] = set()
    seen: set[int] = set()

    def code_names(code: types.CodeType) -> set[str]:
        names = set(code.co_names)
        for c in code.co_consts:
            if isinstance(c, types.CodeType):
                names |= code_names(c)
        return names

    def visit(f: Any, d: int) -> None:
        if id(f) in seen or d < 0:
            return
        seen.add(id(f))
        code = getattr(f, "__code__", None)
        if code is None:
            return
        if _user_file(code.co_filename):
            out.add(os.path.abspath(code.co_filename))
        g = getattr(f, "__globals__", {})
        for name in code_names(code):
            obj = g.get(name)
            if isinstance(obj, types.ModuleType):
                if _user_file(getattr(obj, "__file__", None)):
                    out.add(os.path.abspath(obj.__file__))  # type: ignore[arg-type]
            elif isinstance(obj, types.FunctionType):
                visit(obj, d - 1)
            elif hasattr(obj, "fn") and isinstance(getattr(obj, "fn", None), types.FunctionType):
                visit(obj.fn, d - 1)  # another @jit kernel or wrapper

    visit(fn, depth)
    return out


def _op_files(module: Any) -> set[str]:
    from xdsl.dialects.builtin import FileLineColLoc

    files = {op.location.filename.data for op in module.walk()
             if isinstance(op.location, FileLineColLoc)}
    return {os.path.abspath(f) for f in files if _user_file(f)}


def write_manifest(mkey: str | None, fn: Any, module: Any, key: str) -> None:
    from pyhip_mlir.runtime.cache import Entry

    if mkey is None:
        return
    files = _reachable_files(fn) | _op_files(module)
    if _user_file(fn.__code__.co_filename):
        files.add(os.path.abspath(fn.__code__.co_filename))
    deps = {f: _file_sha(f) for f in sorted(files)}
    shared_cache().put(mkey, Entry(b"", {"key": key, "deps": deps}))


def binary_from_manifest(mkey: str | None) -> KernelBinary | None:
    """The cached binary the manifest points at, if every recorded file is unchanged."""
    if mkey is None or os.environ.get("PYHIP_DUMP_DIR"):
        return None
    cache = shared_cache()
    man = cache.get(mkey)
    if man is None:
        return None
    deps = man.metadata.get("deps") or {}
    if any(_file_sha(f) != sha for f, sha in deps.items()):
        return None
    entry = cache.get(str(man.metadata.get("key")))
    if entry is None:
        return None
    binary = KernelBinary.from_json(entry.metadata, entry.code_object)
    binary.report["cache_key"] = man.metadata.get("key")
    return binary
