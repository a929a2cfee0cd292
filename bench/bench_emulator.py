"""Emulator speed: wave-instructions per second and the time of an MFMA GEMM.

    .venv/bin/python bench/bench_emulator.py [--repeat 3]

Prints a table (medians over --repeat runs):

* a uniform VALU kernel (hand-written asm: 256 VALU ops per wave — f32 fma, add,
  mul and integer add — and one store) on 1,024 waves, with the sanitizer on and off;
* a 256x256x256 f16 GEMM built from v_mfma_f32_32x32x8_f16 (bench/kernels/
  gemm_mfma.hip compiled by clang-22 -O3), checked against numpy.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pyhip_mlir.emulator import load  # noqa: E402
from pyhip_mlir.emulator.testing import build_asm_kernel  # noqa: E402

VALU_OPS = 256


def valu_kernel(tmp: Path):  # noqa: ANN201
    """256 VALU ops per wave: f32 fma/add/mul chains on values that stay finite and
    inexact (as in real kernels), interleaved with integer adds."""
    body = ["s_load_dwordx2 s[4:5], s[0:1], 0", "v_lshl_add_u32 v1, s2, 8, v0",
            "v_cvt_f32_u32 v2, v1", "v_mul_f32 v2, 0x3a83126f, v2",  # i * 1e-3
            "v_mov_b32 v3, 0.5", "v_mov_b32 v5, 0x3f3504f3", "v_mov_b32 v6, 0.15915494"]
    for k in range(VALU_OPS // 4):
        body += ["v_fma_f32 v2, v2, v5, v6", "v_add_f32 v3, v2, v3",
                 "v_mul_f32 v3, v3, v5", f"v_add_u32 v4, v1, {k}"]
    body += ["v_add_f32 v2, v2, v3", "v_lshlrev_b32 v1, 2, v1", "s_waitcnt lgkmcnt(0)",
             "global_store_dword v1, v2, s[4:5]", "s_endpgm"]
    return build_asm_kernel(tmp, "valu", "\n".join(body), [("out", "float*")])


def compile_hip(src: Path, out: Path) -> Path:
    subprocess.run(
        ["clang-22", "-x", "hip", "--offload-arch=gfx942", "--offload-device-only",
         "--no-gpu-bundle-output", "-nogpuinc", "-nogpulib", "-O3", "-cuid=pyhip", "-c",
         str(src), "-o", str(out)],
        check=True,
    )
    return out


def median_time(fn, repeat: int) -> tuple[float, object]:  # noqa: ANN001
    times, res = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--waves", type=int, default=1024)
    opts = ap.parse_args()
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        k = valu_kernel(tmp)
        groups = opts.waves // 4
        out = np.zeros(groups * 256, np.float32)
        for sanitize in (False, True):
            t, res = median_time(lambda s=sanitize: k([groups], [256], out, sanitize=s), opts.repeat)
            wi = res.wave_instructions  # type: ignore[attr-defined]
            rows.append((f"uniform VALU, {opts.waves} waves, sanitizer {'on' if sanitize else 'off'}",
                         f"{wi / t:,.0f} wave-instr/s", f"{wi:,} wave-instr in {t:.3f} s"))
        co = compile_hip(HERE / "kernels" / "gemm_mfma.hip", tmp / "gemm.co")
        t0 = time.perf_counter()
        gemm = load(co).gemm_mfma
        gemm.program  # noqa: B018 - disassemble, parse and decode once
        rows.append(("GEMM kernel: load + disassemble + parse + decode (once per code object)",
                     f"{time.perf_counter() - t0:.3f} s", f"{len(gemm.program.instrs)} instructions"))
        n = 256
        rng = np.random.default_rng(0)
        a = rng.standard_normal((n, n)).astype(np.float16)
        b = rng.standard_normal((n, n)).astype(np.float16)
        c = np.zeros((n, n), np.float32)
        bt = np.ascontiguousarray(b.T)
        for sanitize in (False, True):
            t, res = median_time(lambda s=sanitize: gemm([(n // 32) ** 2], [64], a, bt, c, n, n, n, sanitize=s),
                                 opts.repeat)
            ref = a.astype(np.float32) @ b.astype(np.float32)
            err = float(np.abs(c - ref).max())
            rows.append((f"GEMM 256^3 f16 (v_mfma_f32_32x32x8_f16), sanitizer {'on' if sanitize else 'off'}",
                         f"{t:.3f} s", f"max |C - A@B| = {err:.2e}, "
                         f"{res.wave_instructions:,} wave-instr"))  # type: ignore[attr-defined]
    w = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{w}}  {'result':>24}  detail")
    for name, result, detail in rows:
        print(f"{name:<{w}}  {result:>24}  {detail}")


if __name__ == "__main__":
    main()
