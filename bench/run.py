"""The performance report: every measurement this machine can make, as docs/performance.md.

    .venv/bin/python bench/run.py                 # writes docs/performance.md (~5 min)
    .venv/bin/python bench/run.py --quick -o f.md # small sizes, one run: a smoke test

Measures the example kernels of examples/ (cold and warm compile, split into trace /
passes / emit / clang, next to the same computation in HIP C++ compiled by
``clang-22 -x hip -O3``), the pass pipeline at 1k / 10k / 100k instructions, the launch
overhead for 4 and 16 arguments, the emulator's time and throughput per kernel, the
generated code's metrics, and llvm-mca's estimate of the GEMM inner loop, ours next to
clang's. Times are medians over ``--repeat`` runs. The reading of the numbers is kept
by hand in bench/reading.md and copied under the tables.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from example_loader import load  # noqa: E402

import pyhip_mlir as pyhip  # noqa: E402
from pyhip_mlir.frontend import build as frontend_build  # noqa: E402


@dataclass
class Case:
    """One example kernel: how to build it and one representative launch."""

    name: str
    module: str
    kernel: str
    compile_args: tuple[Any, ...]
    launch: Callable[[Any], None]  # runs the example's checked launch at a fixed size
    size: str  # the launch's size, for the table
    peer: str | None = None  # the HIP C++ equivalent, relative to the repository
    peer_symbol: str = ""  # its kernel


CASES = [
    Case("README kernel", "readme_kernel", "kernel", (32,),
         lambda ex: ex.kernel([1], [64], 32, __import__("torch").zeros(32, dtype=__import__("torch").int32)),
         "1 wave"),
    Case("vector add", "vector_add", "vector_add", (), lambda ex: ex.run(1 << 16, 8), "65,536 f32, 8 WGs",
         "bench/kernels/vector_add.hip", "vector_add"),
    Case("row sum f32", "row_reduce", "row_reduce", ("sum", "f32"),
         lambda ex: ex.run(64, 1000, "sum", "f32"), "64 x 1,000", "bench/kernels/row_reduce.hip", "row_sum_f32"),
    Case("softmax bf16", "softmax", "softmax", ("bf16", 1024),
         lambda ex: ex.run(64, 1000, "bf16"), "64 x 1,000"),
    Case("transpose", "transpose", "transpose", (), lambda ex: ex.run(256, 256), "256 x 256",
         "bench/kernels/transpose.hip", "transpose"),
    Case("bitonic sort f32", "bitonic_sort", "bitonic_sort", ("f32", False),
         lambda ex: ex.run(256, "f32", False), "256 rows of 64", "examples/bitonic_sort.hip", "bitonic_sort_f32"),
    Case("GEMM f16 64x64x32", "gemm", "gemm", ("f16", 64, 64, 32),
         lambda ex: ex.run(256, 256, 256, "f16"), "256 x 256 x 256", "bench/kernels/gemm_lds.hip", "gemm_lds_f16"),
    Case("attention f16 D=64", "attention", "attention", (64,),
         lambda ex: ex.run(256, 64), "S = 256"),
]


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def fmt(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


# --- machine ---------------------------------------------------------------------------


def machine() -> list[tuple[str, str]]:
    from pyhip_mlir.runtime.toolchain import find_clang

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    clang = find_clang().clang
    clang_v = subprocess.run([clang, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    import numpy
    import torch
    import xdsl

    return [("date", datetime.date.today().isoformat()), ("cpu", f"{cpu}, {os.cpu_count()} cores"),
            ("python", platform.python_version()), ("clang", clang_v),
            ("xdsl / numpy / torch", f"{getattr(xdsl, '__version__', '?')} / {numpy.__version__} / "
                                     f"{torch.__version__}")]


# --- compile ---------------------------------------------------------------------------


def cold_compile(case: Case, repeat: int) -> tuple[dict[str, float], Any]:
    """Build with no cache: trace, passes, emit, clang and the rest (code object parse)."""
    ex = load(case.module)
    fn = getattr(ex, case.kernel).fn
    os.environ["PYHIP_CACHE"] = "0"
    runs, binary = [], None
    try:
        for _ in range(repeat):
            k = pyhip.jit()(fn)  # a new kernel object: nothing traced or built yet
            frontend_build._CACHE = None
            t0 = time.perf_counter()
            binary = k.binary(*case.compile_args)
            secs = dict(binary.report["seconds"])
            secs["total"] = time.perf_counter() - t0
            runs.append(secs)
    finally:
        os.environ.pop("PYHIP_CACHE")
    return {key: median([r[key] for r in runs]) for key in runs[0]}, binary


def warm_compile(case: Case, repeat: int) -> float:
    """A new kernel object finding its code object in the on-disk cache (no tracing)."""
    ex = load(case.module)
    fn = getattr(ex, case.kernel).fn
    pyhip.jit()(fn).binary(*case.compile_args)  # fills the cache
    times = []
    for _ in range(repeat):
        k = pyhip.jit()(fn)
        frontend_build._CACHE = None
        t0 = time.perf_counter()
        k.binary(*case.compile_args)
        times.append(time.perf_counter() - t0)
    return median(times)


def peer_compile(path: Path, out: Path, repeat: int) -> float | None:
    from pyhip_mlir.runtime.build import HIP_FLAGS
    from pyhip_mlir.runtime.toolchain import find_clang

    if not path.exists():
        return None
    clang = find_clang().clang
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([clang, *HIP_FLAGS, "--offload-arch=gfx942", "-c", str(path), "-o", str(out)],
                       check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return median(times)


def peer_metrics(code_object: Path, symbol: str) -> list[str]:
    """Instructions, registers, LDS and code bytes of a clang-built kernel."""
    from pyhip_mlir.emulator.codeobject import read_code_object

    k = read_code_object(str(code_object)).kernels[symbol]
    md = k.metadata
    n = sum(1 for ln in k.disassembly().splitlines() if re.search(r"//\s*[0-9A-Fa-f]+:", ln))
    return [f"{n:,}", str(md.get(".sgpr_count")), str(md.get(".vgpr_count")), str(md.get(".agpr_count", 0)),
            f"{md.get('.group_segment_fixed_size', 0):,}", f"{len(k.code):,}"]


# --- pipeline scaling ------------------------------------------------------------------


def pipeline_scaling(sizes: list[int], repeat: int) -> list[tuple[str, int, int, float, float, float]]:
    from bench_pipeline import run_once
    from bench_trace import KERNELS

    from pyhip_mlir.dialects.cdna.inst import InstOp

    rows = []
    for name in ("calls", "mixed"):
        for size in sizes:
            jk = pyhip.jit()(KERNELS[name])
            t0 = time.perf_counter()
            module, kernel, J = jk.trace(size)
            trace = time.perf_counter() - t0
            count = sum(1 for o in kernel.walk() if isinstance(o, InstOp))
            runs = [run_once(module, kernel, J.tags) for _ in range(repeat if size < 50_000 else 1)]
            passes = median([sum(v for k, v in r.items() if k != "print-asm") for r in runs])
            printing = median([r["print-asm"] for r in runs])
            rows.append((name, size, count, trace, passes, printing))
    return rows


# --- launch overhead -------------------------------------------------------------------

ARG_KERNELS = '''
import pyhip_mlir as pyhip

@pyhip.jit()
def four(J, p: "int*", q: "int*", x: "int", y: "float"):
    J.s_endpgm()

@pyhip.jit()
def sixteen(J, p0: "int*", p1: "int*", p2: "int*", p3: "int*", p4: "int*", p5: "int*",
            p6: "int*", p7: "int*", i0: "int", i1: "int", i2: "int", i3: "int",
            f0: "float", f1: "float", f2: "float", f3: "float"):
    J.s_endpgm()
'''


def launch_overhead(tmp: Path, n: int) -> dict[str, float]:
    """Seconds per call from ``kernel(grid, block, *args)`` to the backend's launch entry
    (a null backend that packs the arguments and returns), and per raw ctypes call into
    the HIP library's ``hipModuleLaunchKernel``."""
    import ctypes

    import torch
    from bench_jit import _NullBackend

    from pyhip_mlir.frontend.jit import Launcher

    (tmp / "arg_kernels.py").write_text(ARG_KERNELS)
    sys.path.insert(0, str(tmp))
    import arg_kernels  # type: ignore[import-not-found]

    t = [torch.zeros(16, dtype=torch.int32) for _ in range(8)]
    calls = {"4 arguments": (arg_kernels.four, (t[0], t[1], 3, 1.5)),
             "16 arguments": (arg_kernels.sixteen, (*t, 1, 2, 3, 4, 0.5, 1.5, 2.5, 3.5))}
    out: dict[str, float] = {}
    for label, (k, args) in calls.items():
        k._launchers[()] = Launcher(k, k.binary(), _NullBackend())
        for _ in range(1000):
            k([4], [256], *args)
        best = []
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(n):
                k([4], [256], *args)
            best.append((time.perf_counter() - t0) / n)
        out[label] = min(best)
    try:
        from pyhip_mlir.runtime import hip

        fn = hip.runtime().fn["hipModuleLaunchKernel"]
        null = ctypes.c_void_p()
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(n // 10):
                fn(null, 4, 1, 1, 256, 1, 1, 0, null, None, None)
            times.append((time.perf_counter() - t0) / (n // 10))
        out["hipModuleLaunchKernel (ctypes)"] = min(times)
    except Exception as e:  # noqa: BLE001 - no HIP library: the row says so
        print(f"[bench] no HIP library: {e}", file=sys.stderr)
    return out


# --- emulator --------------------------------------------------------------------------


class _Recorder:
    """Stands in for an example's kernel object to keep the emulator's launch results."""

    def __init__(self, kernel: Any):
        self.kernel = kernel
        self.results: list[Any] = []

    def __call__(self, *args: Any, **kw: Any) -> Any:
        r = self.kernel(*args, **kw)
        self.results.append(r)
        return r

    def __getattr__(self, name: str) -> Any:
        return getattr(self.kernel, name)


def emulate(case: Case, repeat: int) -> tuple[int, int, float]:
    """(waves, wave-instructions, emulator seconds) of the case's launch, median time."""
    ex = load(case.module)
    original = getattr(ex, case.kernel)
    rec = _Recorder(original)
    setattr(ex, case.kernel, rec)
    try:
        case.launch(ex)  # builds; the timed runs below find the code object in memory
        times = []
        for _ in range(repeat):
            rec.results.clear()
            case.launch(ex)
            times.append(sum(r.seconds for r in rec.results))
        waves = sum(r.waves for r in rec.results)
        instrs = sum(r.wave_instructions for r in rec.results)
    finally:
        setattr(ex, case.kernel, original)
    return waves, instrs, median(times)


# --- llvm-mca on the GEMM inner loop -----------------------------------------------------

_SKIP = re.compile(r"^\s*(\.|;|//|$)")


def _our_loop(asm: str) -> list[str]:
    """The instructions of the kernel's innermost loop containing an MFMA: from the
    label a backward ``s_branch``/``s_cbranch`` returns to, up to that branch."""
    lines = [ln.strip() for ln in asm.splitlines() if not _SKIP.match(ln) or ln.strip().endswith(":")]
    labels = {ln[:-1]: i for i, ln in enumerate(lines) if ln.endswith(":")}
    best: list[str] = []
    for i, ln in enumerate(lines):
        m = re.match(r"s_c?branch\w*\s+(\S+)", ln)
        if m and m.group(1) in labels and labels[m.group(1)] < i:
            body = [x for x in lines[labels[m.group(1)] + 1:i + 1] if not x.endswith(":")]
            if any("mfma" in x for x in body) and (not best or len(body) < len(best)):
                best = body
    return best


def _clang_loop(code_object: Path, symbol: str) -> list[str]:
    """The same from llvm-objdump's disassembly of a clang-built code object."""
    out = subprocess.run(["llvm-objdump-22", "-d", "--no-show-raw-insn", f"--disassemble-symbols={symbol}",
                          str(code_object)], capture_output=True, text=True, check=True).stdout
    ins: list[tuple[int, str, int | None]] = []  # (address, instruction, branch target)
    for ln in out.splitlines():
        m = re.match(r"\s*([a-z_][\w.]*(?:\s.*?)?)\s*//\s*([0-9A-Fa-f]+):[^<]*(?:<\S+\+0x([0-9a-f]+)>)?", ln)
        if m:
            ins.append((int(m.group(2), 16), m.group(1).strip(),
                        int(m.group(3), 16) if m.group(3) else None))
    best: list[str] = []
    base = ins[0][0] if ins else 0  # objdump's targets are offsets from the symbol
    for i, (_, text, target) in enumerate(ins):
        if target is None or not text.startswith(("s_branch", "s_cbranch")):
            continue
        start = next((j for j, (a, _, _) in enumerate(ins) if a == base + target), None)
        if start is None or start > i:
            continue
        body = [t for _, t, _ in ins[start:i + 1]]
        if any("mfma" in x for x in body) and (not best or len(body) < len(best)):
            best = body
    return [re.sub(r"\s+", " ", b) for b in best]


def mca_cycles(lines: list[str], iterations: int = 100) -> float | None:
    """llvm-mca's cycles per iteration of a loop body on gfx942 (branches dropped: the
    tool models one straight-line block repeated)."""
    body = "\n".join(x for x in lines if not x.startswith(("s_branch", "s_cbranch")))
    proc = subprocess.run(["llvm-mca-22", "-mtriple=amdgcn-amd-amdhsa", "-mcpu=gfx942",
                           f"-iterations={iterations}"], input=body, capture_output=True, text=True)
    m = re.search(r"Total Cycles:\s+(\d+)", proc.stdout)
    return int(m.group(1)) / iterations if m else None


def gemm_loops(tmp: Path) -> list[tuple[str, list[str], float | None]]:
    from pyhip_mlir.runtime.build import HIP_FLAGS
    from pyhip_mlir.runtime.toolchain import find_clang

    ex = load("gemm")
    ours = _our_loop(ex.gemm.asm("f16", 64, 64, 32))
    rows = [("ours (examples/gemm.py, 64x64x32)", ours, mca_cycles(ours))]
    for rel, symbol in (("bench/kernels/gemm_lds.hip", "gemm_lds_f16"), ("bench/kernels/gemm_mfma.hip", "gemm_mfma")):
        src = ROOT / rel
        if not src.exists():
            continue
        co = tmp / (src.stem + ".co")
        subprocess.run([find_clang().clang, *HIP_FLAGS, "--offload-arch=gfx942", "-c", str(src), "-o", str(co)],
                       check=True, capture_output=True)
        loop = _clang_loop(co, symbol)
        rows.append((f"clang -O3 ({rel})", loop, mca_cycles(loop) if loop else None))
    return rows


# --- the report ------------------------------------------------------------------------


def table(head: list[str], rows: list[list[str]], right_from: int = 1) -> str:
    align = ["---" if i < right_from else "---:" for i in range(len(head))]
    out = ["| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="small sizes, one run (a smoke test)")
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "performance.md")
    args = ap.parse_args()
    repeat = 1 if args.quick else args.repeat
    sizes = [1_000] if args.quick else [1_000, 10_000, 100_000]
    os.environ.setdefault("PYHIP_BACKEND", "emu")
    os.environ["PYHIP_EMU"] = "machine"
    cases = CASES[:2] + CASES[-2:-1] if args.quick else CASES
    with tempfile.TemporaryDirectory(prefix="pyhip-bench-") as d:
        tmp = Path(d)
        os.environ["PYHIP_CACHE_DIR"] = str(tmp / "cache")
        compile_rows, metric_rows, emu_rows, peer_rows = [], [], [], []
        cold_compile(CASES[0], 1)  # imports and first-use caches are not any kernel's cost
        for case in cases:
            print(f"[bench] {case.name}", file=sys.stderr)
            secs, binary = cold_compile(case, repeat)
            warm = warm_compile(case, repeat)
            peer_co = tmp / f"{case.module}.co"
            peer = peer_compile(ROOT / case.peer, peer_co, repeat) if case.peer else None
            if peer is not None:
                peer_rows.append([case.name, f"`{case.peer_symbol}`", *peer_metrics(peer_co, case.peer_symbol)])
            r = binary.report
            compile_rows.append([case.name, f"{r['instructions']:,}", fmt(secs["trace"]), fmt(secs["passes"]),
                                 fmt(secs["emit"]), fmt(secs["clang"]), fmt(secs["total"]),
                                 fmt(warm * 1e3, 1), fmt(peer), f"`{case.peer}`" if peer else "—"])
            metric_rows.append([case.name, f"{r['instructions']:,}", str(r["sgprs"]), str(r["vgprs"]),
                                str(r["agprs"]), f"{r['lds_bytes']:,}", str(r["waves_per_simd"]),
                                str(r["wait_states_added"]), str(r["nops_inserted"]), str(r["copies_inserted"]),
                                f"{r['code_bytes']:,}"])
            waves, winstr, esecs = emulate(case, repeat)
            emu_rows.append([case.name, case.size, f"{waves:,}", f"{winstr:,}", fmt(esecs),
                             f"{winstr / esecs:,.0f}"])
        print("[bench] pipeline", file=sys.stderr)
        scaling = pipeline_scaling(sizes, repeat)
        print("[bench] launch", file=sys.stderr)
        launch = launch_overhead(tmp, 2_000 if args.quick else 100_000)
        print("[bench] llvm-mca", file=sys.stderr)
        loops = gemm_loops(tmp)

    doc = ["# Performance", "",
           "Written by `.venv/bin/python bench/run.py` (tables) and bench/reading.md (the reading); "
           "regenerate with that one command. Times are medians of "
           f"{repeat} run{'s' if repeat > 1 else ''} on a shared machine (±30% between runs). "
           "The optimization history behind these numbers is in "
           "[performance_notes.md](performance_notes.md).", "",
           table(["", ""], [[k, v] for k, v in machine()]), "",
           "## Compile: the example kernels", "",
           "Cold JIT with no cache, in seconds: tracing the DSL, the pass pipeline, printing the HIP "
           "source, clang. `total` also counts printing the IR for the cache key and parsing the "
           "code object. `warm` is a new kernel object finding its code object in the on-disk cache "
           "(ms, no tracing). `HIP C++` is the same computation written in HIP C++ and compiled by "
           "`clang-22 -x hip -O3` (the peer path), where the repository has one.", "",
           table(["kernel", "instructions", "trace", "passes", "emit", "clang", "total", "warm ms",
                  "HIP C++", "HIP C++ source"], compile_rows), "",
           "## Pass pipeline scaling", "",
           "bench_trace's generated kernels (`calls`: straight-line instruction calls; `mixed`: "
           "expressions, `J.If` and `J.ExecMask` in a `J.While`) traced, then run through the JIT's "
           "default pipeline and printed as assembly; seconds.", "",
           table(["kernel", "size", "instructions", "trace", "passes", "print asm", "pipeline instr/s"],
                 [[n, f"{s:,}", f"{c:,}", fmt(t), fmt(p), fmt(a), f"{c / (p + a):,.0f}"]
                  for n, s, c, t, p, a in scaling], right_from=1), "",
           "## Launch overhead", "",
           "Per call, microseconds: from `kernel(grid, block, *args)` (torch tensors, ints, floats) to "
           "the backend's launch entry, and the raw ctypes call into the HIP library this machine has "
           "(ROCm's `libamdhip64`, returning 'no device').", "",
           table(["path", "µs"], [[k, fmt(v * 1e6, 2)] for k, v in launch.items()]), "",
           "## Emulator", "",
           "One checked launch of each example (the example's `run()`, sanitizer on): emulator "
           "seconds and wave-instructions per second.", "",
           table(["kernel", "size", "waves", "wave-instructions", "seconds", "wave-instr/s"], emu_rows,
                 right_from=2), "",
           "## Generated code", "",
           "Per kernel, gfx942: instructions, registers, LDS, waves per SIMD (occupancy from the "
           "register and LDS use), the wait states `insert-nop` added (and the `s_nop`s carrying "
           "them), and the copies the register allocator inserted.", "",
           table(["kernel", "instructions", "SGPR", "VGPR", "AGPR", "LDS bytes", "waves/SIMD",
                  "wait states", "s_nop", "copies", "code bytes"], metric_rows), "",
           "The HIP C++ peers as clang -O3 builds them, the same columns (instructions as "
           "llvm-objdump lists them; `s_waitcnt` and `s_nop` count in both tables):", "",
           table(["kernel", "HIP C++ kernel", "instructions", "SGPR", "VGPR", "AGPR", "LDS bytes",
                  "code bytes"], peer_rows, right_from=2), "",
           "## GEMM inner loop: llvm-mca", "",
           "`llvm-mca-22 -mcpu=gfx942` on one iteration of the K loop (the innermost loop with an "
           "MFMA), branches dropped, 100 iterations. llvm-mca models issue and the MFMA pipeline, "
           "not memory latency.", "",
           table(["loop", "instructions", "MFMAs", "cycles / iteration", "cycles / MFMA"],
                 [[n, str(len(b)), str(sum("mfma" in x for x in b)), fmt(c, 1),
                   fmt(c / max(1, sum("mfma" in x for x in b)), 1) if c else "—"] for n, b, c in loops]), "",
           ]
    reading = HERE / "reading.md"
    if reading.exists():
        doc += [reading.read_text().rstrip(), ""]
    args.output.write_text("\n".join(doc))
    print(f"[bench] wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
