"""Cold JIT, warm cache, launch overhead: the numbers of issue 6, as tables.

    python bench/bench_jit.py            # about a minute
    python bench/bench_jit.py --repeat 5

Measures (medians over ``--repeat`` runs):

1. cold JIT (no cache) of the README kernel and of a ~2,000-instruction kernel,
   split into trace / passes / emit / clang, next to the same work written in HIP
   C++ and compiled by ``clang-22 -x hip -O3`` (the peer path);
2. a cache hit in a fresh process: Python start + import + loading the code object
   (no tracing, no xDSL);
3. the in-process cost of ``kernel(grid, block, 4 args)`` up to the backend's launch
   entry (a backend whose launch does nothing), and the ctypes call into the real
   ``hipModuleLaunchKernel`` (which returns an error at once on this GPU-less machine).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNELS = '''\
import pyhip_mlir as pyhip


@pyhip.jit()
def readme(J, N, s_pout: "int*"):
    s_i = J.gpr("si32"); s_cnt = J.gpr("si32")
    s_i[0] = 0; s_cnt[0] = 0
    with J.While(s_i[0] < N):
        with J.If((s_i[0] & 1) == 0):
            s_cnt[0] = s_cnt + s_i
        s_i[0] = s_i[0] + 1
    J.s_store_dword(s_cnt, s_pout, 0, mod="glc")
    J.s_waitcnt(mod="lgkmcnt(0)")


@pyhip.jit()
def long_kernel(J, p: "float*", a: "float", b: "int", c: "int", n_ops):
    off = J.gpr(J.threadIdx.x[0] << 2)
    v = J.gpr(4, "vf32")
    J.global_load_dwordx4(v, off, p)
    J.s_waitcnt(vmcnt=0)
    for i in range(n_ops // 4):
        for k in range(4):
            J.v_fma_f32(v[k], v[k], a, v[(k + 1) % 4])
    J.global_store_dwordx4(off, v, p)
    J.s_waitcnt(vmcnt=0)


@pyhip.jit()
def four_args(J, p: "int*", q: "int*", x: "int", y: "float"):
    J.s_endpgm()
'''
HIP_LONG = '''\
#define __global__ __attribute__((global))
extern "C" __global__ void long_kernel(float *p, float a, int b, int c) {
  int i = __builtin_amdgcn_workitem_id_x() * 4;
  float v0 = p[i], v1 = p[i + 1], v2 = p[i + 2], v3 = p[i + 3];
#pragma unroll
  for (int k = 0; k < N_OPS / 4; ++k) {
    v0 = __builtin_fmaf(v0, a, v1); v1 = __builtin_fmaf(v1, a, v2);
    v2 = __builtin_fmaf(v2, a, v3); v3 = __builtin_fmaf(v3, a, v0);
  }
  p[i] = v0; p[i + 1] = v1; p[i + 2] = v2; p[i + 3] = v3;
}
'''
HIP_README = '''\
#define __global__ __attribute__((global))
extern "C" __global__ void readme(int *out, int n) {
  int cnt = 0;
  for (int i = 0; i < n; ++i) if ((i & 1) == 0) cnt += i;
  out[0] = cnt;
}
'''
N_OPS = 2000


def _median(xs: list[float]) -> float:
    return statistics.median(xs)


def _kernels_module(tmp: Path) -> object:
    (tmp / "bench_kernels.py").write_text(KERNELS)
    sys.path.insert(0, str(tmp))
    import bench_kernels  # type: ignore[import-not-found]

    return bench_kernels


def cold_jit(tmp: Path, repeat: int) -> list[tuple[str, dict[str, float], int]]:
    os.environ["PYHIP_CACHE"] = "0"
    mod = _kernels_module(tmp)
    import pyhip_mlir as pyhip

    rows = []
    for name, ct in (("readme", (32,)), ("long_kernel", (N_OPS,))):
        runs: list[dict[str, float]] = []
        instrs = 0
        for _ in range(repeat):
            fn = getattr(mod, name).fn
            k = pyhip.jit()(fn)  # a new kernel object: nothing traced or built yet
            from pyhip_mlir.frontend import build

            build._CACHE = None
            t0 = time.perf_counter()
            b = k.binary(*ct)
            total = time.perf_counter() - t0
            secs = dict(b.report["seconds"])
            secs["total"] = total
            runs.append(secs)
            instrs = int(b.report["instructions"])
        rows.append((name, {key: _median([r[key] for r in runs]) for key in runs[0]}, instrs))
    os.environ.pop("PYHIP_CACHE")
    return rows


def hip_cxx(tmp: Path, repeat: int) -> dict[str, float]:
    from pyhip_mlir.runtime.build import HIP_FLAGS
    from pyhip_mlir.runtime.toolchain import find_clang

    clang = find_clang().clang
    out = {}
    for name, src, flags in (("readme", HIP_README, []), ("long_kernel", HIP_LONG, [f"-DN_OPS={N_OPS}"])):
        path = tmp / f"{name}.hip"
        path.write_text(src)
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            subprocess.run([clang, *HIP_FLAGS, "--offload-arch=gfx942", *flags, "-c", str(path),
                            "-o", str(tmp / f"{name}.co")], check=True)
            times.append(time.perf_counter() - t0)
        out[name] = _median(times)
    return out


def fresh_process_hit(tmp: Path, repeat: int) -> tuple[float, float]:
    cache = tmp / "cache"
    # a user's install has .pyc files; this sandbox sets PYTHONDONTWRITEBYTECODE, which
    # would charge every import its compilation
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"PYHIP_CACHE_DIR": str(cache), "PYHIP_BACKEND": "emu"})
    script = (f"import sys, time; t0 = time.perf_counter(); sys.path.insert(0, {str(tmp)!r})\n"
              "from bench_kernels import readme\n"
              "b = readme.binary(32)\n"
              "assert 'xdsl' not in sys.modules\n"
              "print(time.perf_counter() - t0)\n")
    subprocess.run([sys.executable, "-c", script.replace("assert 'xdsl' not in sys.modules\n", "")],
                   env=env, check=True, capture_output=True)  # build and fill the cache
    walls, inner = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", script], env=env, check=True,
                             capture_output=True, text=True).stdout
        walls.append(time.perf_counter() - t0)
        inner.append(float(out.strip()))
    return _median(walls), _median(inner)


class _NullBackend:
    """Stands in for HIP at the point where the ctypes launch call would be made."""

    name = "null"
    device = "cpu"

    def load(self, binary: object) -> object:
        return None

    def launch(self, handle: object, grid: object, block: object, args: object, packer: object,
               stream: object, lds_bytes: int) -> None:
        packer.pack_into_buffer(args)  # type: ignore[attr-defined]

    def entry(self, handle: object, packer: object) -> tuple[object, object]:
        import ctypes

        size = packer.struct.size  # type: ignore[attr-defined]

        def entry(g: object, b: object, buf: object, state: object, stream: object,
                  lds_bytes: int) -> None:
            return None

        return entry, lambda: (ctypes.create_string_buffer(max(size, 1)), None)


def launch_overhead(tmp: Path, n: int = 200_000) -> tuple[float, float]:
    import ctypes

    mod = _kernels_module(tmp)
    from pyhip_mlir.frontend.jit import Launcher

    k = mod.four_args  # type: ignore[attr-defined]
    binary = k.binary()
    k._launchers[()] = Launcher(k, binary, _NullBackend())
    import torch

    a = torch.zeros(16, dtype=torch.int32)
    b = torch.zeros(16, dtype=torch.int32)
    grid, block = [4], [256]
    for _ in range(1000):
        k(grid, block, a, b, 3, 1.5)
    best = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            k(grid, block, a, b, 3, 1.5)
        best.append((time.perf_counter() - t0) / n)
    per_call = min(best)

    from pyhip_mlir.runtime import hip

    fn = hip.runtime().fn["hipModuleLaunchKernel"]
    null = ctypes.c_void_p()
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            fn(null, 4, 1, 1, 256, 1, 1, 0, null, None, None)
        times.append((time.perf_counter() - t0) / n)
    return per_call, min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    os.environ.setdefault("PYHIP_BACKEND", "emu")
    with tempfile.TemporaryDirectory(prefix="pyhip-bench-") as d:
        tmp = Path(d)
        os.environ["PYHIP_CACHE_DIR"] = str(tmp / "cache")
        rows = cold_jit(tmp, args.repeat)
        peer = hip_cxx(tmp, args.repeat)
        wall, inner = fresh_process_hit(tmp, args.repeat)
        call, ctypes_call = launch_overhead(tmp)
    print("## Cold JIT (no cache), seconds, median of", args.repeat)
    print()
    print("| kernel | instructions | trace | passes | emit | clang | total | HIP C++ `clang-22 -x hip -O3` |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, s, n in rows:
        print(f"| {name} | {n} | {s['trace']:.3f} | {s['passes']:.3f} | {s['emit']:.3f} | "
              f"{s['clang']:.3f} | {s['total']:.3f} | {peer[name]:.3f} |")
    print()
    print("## Cache hit in a fresh process (README kernel)")
    print()
    print("| measure | ms |")
    print("|---|---:|")
    print(f"| python start + import + load (wall) | {wall * 1e3:.1f} |")
    print(f"| import + load, inside the process | {inner * 1e3:.1f} |")
    print()
    print("## Launch overhead per call (4 arguments)")
    print()
    print("| path | µs |")
    print("|---|---:|")
    print(f"| `kernel(grid, block, 4 args)` up to the backend's launch entry | {call * 1e6:.2f} |")
    print(f"| ctypes call into the real `hipModuleLaunchKernel` | {ctypes_call * 1e6:.2f} |")


if __name__ == "__main__":
    main()
