"""Pass pipeline speed: the default pipeline on generated kernels, per pass.

    .venv/bin/python bench/bench_pipeline.py [--sizes 1000 10000 100000] [--repeat 3]

For each generated kernel (``bench_trace``'s ``calls`` and ``mixed``) and size, traces it
once, then runs the JIT's default pipeline on a fresh clone ``--repeat`` times and
prints the median seconds of each pass, the assembly printer, and the total, with
instructions per second (instructions = ``cdna`` instruction ops of the traced kernel).
The target (issue 5): at least 20,000 instructions/s end to end, and the 100k run no
more than 12x the 10k run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_trace import KERNELS  # noqa: E402

import pyhip_mlir as pyhip  # noqa: E402
from pyhip_mlir.dialects.cdna import make_context  # noqa: E402
from pyhip_mlir.dialects.cdna.inst import InstOp  # noqa: E402
from pyhip_mlir.dialects.cdna.kernel import KernelOp  # noqa: E402
from pyhip_mlir.transforms.regalloc.hints import set_tags  # noqa: E402
from pyhip_mlir.transforms.registry import default_pipeline, parse_pipeline  # noqa: E402


def run_once(module: object, kernel: KernelOp, tags: dict) -> dict[str, float]:
    from pyhip_mlir.codegen.kernel_directives import kernel_to_asm

    mapping: dict = {}
    clone = module.clone(value_mapper=mapping)  # type: ignore[attr-defined]
    k = next(o for o in clone.walk() if isinstance(o, KernelOp))
    set_tags(k, {mapping[v]: (var, off) for v, (var, off) in tags.items() if v in mapping})
    ctx = make_context()
    times: dict[str, float] = {}
    for p in parse_pipeline(default_pipeline()):
        t0 = time.perf_counter()
        p.apply(ctx, clone)
        times[p.name] = times.get(p.name, 0.0) + time.perf_counter() - t0
    t0 = time.perf_counter()
    kernel_to_asm(k, "gfx942")
    times["print-asm"] = time.perf_counter() - t0
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--kernels", nargs="+", default=list(KERNELS))
    args = ap.parse_args()
    rows = []
    for name in args.kernels:
        for size in args.sizes:
            jk = pyhip.jit()(KERNELS[name])
            module, kernel, J = jk.trace(size)
            count = sum(1 for o in kernel.walk() if isinstance(o, InstOp))
            runs = [run_once(module, kernel, J.tags) for _ in range(args.repeat)]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            rows.append((name, size, count, med))
    passes = list(rows[0][3])
    head = f"{'kernel':7} {'size':>7} {'instrs':>8} " + " ".join(f"{p[:12]:>12}" for p in passes)
    print(head + f" {'total s':>8} {'instr/s':>9}")
    for name, size, count, med in rows:
        total = sum(med.values())
        cells = " ".join(f"{med[p]:>12.3f}" for p in passes)
        print(f"{name:7} {size:>7} {count:>8,} {cells} {total:>8.2f} {count / total:>9,.0f}")


if __name__ == "__main__":
    main()
