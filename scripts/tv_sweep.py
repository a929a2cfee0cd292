"""Translation validation at scale: many random programs through passes.

    .venv/bin/python scripts/tv_sweep.py [--passes cse dce ...] [--count 100000]
        [--start-seed 0] [--size 10] [--machine]

Each program (``pyhip_mlir.testing.randprog``) runs on the SSA interpreter before and
after each pass pipeline given (default: each pass of the default pipeline that takes
SSA IR, alone); ``--machine`` also runs the whole default pipeline on the machine
emulator. Prints a line per failure (seed, pipeline, minimized statement list) and a
summary table; exit status 1 if anything failed. CI runs the same check at 2,000
programs per pass (tests/test_translation_validation.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pyhip_mlir.testing.validate import validate  # noqa: E402
from pyhip_mlir.transforms.registry import DEFAULT_PIPELINE, default_pipeline  # noqa: E402

SSA_PASSES = [p for p in DEFAULT_PIPELINE if p not in ("lower-structured", "insert-nop")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--passes", nargs="+", default=SSA_PASSES)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--start-seed", type=int, default=0)
    ap.add_argument("--size", type=int, default=10)
    ap.add_argument("--machine", action="store_true", help="also the full pipeline on the machine emulator")
    args = ap.parse_args()
    specs = list(args.passes) + ([default_pipeline()] if args.machine else [])
    bad: dict[str, int] = dict.fromkeys(specs, 0)
    t0 = time.perf_counter()
    for seed in range(args.start_seed, args.start_seed + args.count):
        for spec in specs:
            r = validate(spec, seed, args.size)
            if not r.ok:
                bad[spec] += 1
                print(f"FAIL seed={seed} pipeline={spec} keep={r.keep}: {r.message.splitlines()[0]}", flush=True)
    secs = time.perf_counter() - t0
    print(f"\n{'pipeline':60} {'programs':>9} {'failed':>7}")
    for spec in specs:
        print(f"{spec[:60]:60} {args.count:>9} {bad[spec]:>7}")
    print(f"{args.count * len(specs)} validations in {secs:.1f} s")
    return 1 if any(bad.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
