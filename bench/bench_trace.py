"""DSL tracing speed: instructions traced per second for generated kernels.

    .venv/bin/python bench/bench_trace.py [--sizes 10000 100000] [--repeat 3]

Prints a table (medians over --repeat runs) for two generated kernels:

* ``calls``: straight-line ``J.<mnemonic>(...)`` calls on register views (VALU f32 ops,
  SALU adds, a global load and store, waits): the instruction-call path alone;
* ``mixed``: what DSL kernels look like: expressions on scalar and vector registers
  (``v[0] = v[0] * 3 + s[0]``), instruction calls, a ``J.If`` and a ``J.ExecMask`` per
  block of work, inside one ``J.While``.

"instructions" counts the ``cdna`` instruction ops in the traced kernel (pseudo ops
such as ``cdna.extract`` are not counted). Tracing includes building the IR, SSA
construction and the final CFG/region cleanup, not printing or verifying.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pyhip_mlir as pyhip  # noqa: E402
from pyhip_mlir.dialects.cdna.inst import InstOp  # noqa: E402


def calls(J: Any, n: int, p: "int*") -> None:
    a = J.gpr(4, "vf32", 0.0)
    s = J.gpr(2, "su32", 0, 0)
    vaddr = J.gpr("vu32", 0)
    for i in range(n // 8):
        J.v_add_f32(a[0], a[1], a[2])
        J.v_mul_f32(a[1], 2.0, a[3])
        J.v_fma_f32(a[2], a[0], a[1], a[3])
        J.s_add_u32(s[0], s[0], i)
        J.s_addc_u32(s[1], s[1], 0)
        J.global_load_dword(a[3], vaddr, p)
        J.s_waitcnt(vmcnt=0)
        J.global_store_dword(vaddr, a[0], p, offset=16)


def mixed(J: Any, n: int, p: "int*", m: "int") -> None:
    s = J.gpr("si32", 0)
    v = J.gpr("vi32", 1)
    acc = J.gpr(2, "vf32", 0.0, 1.0)
    addr = J.gpr("vu32")
    addr[0] = J.threadIdx.x[0] << 2
    with J.While(s[0] < m):
        for i in range(n // 16):
            v[0] = v[0] * 3 + s[0]
            s[0] = s[0] + (i & 7)
            J.v_add_f32(acc[0], acc[0], acc[1])
            with J.If(s[0] > 100):
                s[0] = s[0] - 100
            with J.ExecMask(v[0] < m):
                J.global_load_dword(v, addr, p)
                J.s_waitcnt(vmcnt=0)
        s[0] = s[0] + 1
    J.global_store_dword(addr, v, p)


KERNELS = {"calls": calls, "mixed": mixed}


def measure(name: str, size: int, repeat: int) -> tuple[int, float]:
    times = []
    count = 0
    for _ in range(repeat):
        kernel = pyhip.jit()(KERNELS[name])
        t0 = time.perf_counter()
        _, op, _ = kernel.trace(size)
        times.append(time.perf_counter() - t0)
        count = sum(1 for o in op.walk() if isinstance(o, InstOp))
    return count, statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"{'kernel':8} {'size':>8} {'instructions':>13} {'seconds':>9} {'instr/s':>10}")
    for name in KERNELS:
        for size in args.sizes:
            count, secs = measure(name, size, args.repeat)
            print(f"{name:8} {size:>8} {count:>13,} {secs:>9.3f} {count / secs:>10,.0f}")


if __name__ == "__main__":
    main()
