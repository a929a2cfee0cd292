"""insert-nop and insert-waitcnt against LLVM's hazard recognizer and waitcnt inserter
on any number of random programs (issue 7; the CI runs tests/test_llvm_oracles.py).

    python scripts/llvm_oracles.py                 # 2,000 programs per oracle and arch
    python scripts/llvm_oracles.py -n 100000 --arch gfx942
    python scripts/llvm_oracles.py -n 5000 --oracle hazards --start 1000000
    python scripts/llvm_oracles.py -n 1000 --arch gfx942 --loops   # not yet all 0

Prints one row per oracle and arch: programs, LLVM additions to our output (must be
0), and how our wait states / wait counts compare with LLVM's on the program without
them. Programs run in batches of ``--batch`` (one llc run each). Where LLVM adds
anything, the instruction before which it did and the amount are listed by count,
each with one example program. Exit status 1 if LLVM added anything.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time

from pyhip_mlir.testing.llvm_mir import run_llc
from pyhip_mlir.testing.llvm_oracles import (
    _batch_mir,
    _functions,
    check_hazards,
    check_waits,
    stricter,
)


def states_before(lines: list[str], pattern: str) -> list[tuple[int, str]]:
    """(wait states right before it, instruction) for each non-nop line."""
    out: list[tuple[int, str]] = []
    states = 0
    for ln in lines:
        m = re.match(pattern, ln)
        if m:
            states += int(m.group(1)) + 1
            continue
        if ln.endswith(":"):  # our labels, LLVM's bb.N:
            continue
        out.append((states, ln))
        states = 0
    return out


def hazard_findings(bad: list, arch: str) -> None:
    outs = _functions(run_llc(_batch_mir([r.ours for r in bad], arch, "ours"), arch,
                              "post-RA-hazard-rec"))
    cats: collections.Counter[tuple[str, int]] = collections.Counter()
    example: dict[tuple[str, int], tuple[int, list[tuple[int, str]]]] = {}
    for i, r in enumerate(bad):
        ours = states_before(r.ours, r"s_nop (\d+)")
        theirs = states_before(outs[f"ours{i}"], r"S_NOP (\d+)")
        for k, ((a, line), (b, _)) in enumerate(zip(ours, theirs, strict=False)):
            if b > a:
                key = (line.split()[0], b - a)
                cats[key] += 1
                example.setdefault(key, (r.seed, ours[max(0, k - 6):k + 1]))
    for key, count in cats.most_common(30):
        seed, ctx = example[key]
        print(f"  {count} x {key[1]} more before {key[0]}; e.g. seed {seed}:")
        print("\n".join(f"      [{a}] {text}" for a, text in ctx))


def run(oracle: str, arch: str, start: int, n: int, batch: int, loops: bool = False) -> bool:
    t0 = time.perf_counter()
    total = added = eq = fewer = more = rejected = 0
    bad: list = []
    for lo in range(start, start + n, batch):
        seeds = range(lo, min(lo + batch, start + n))
        if oracle == "hazards":
            res = check_hazards(seeds, arch, loops)
            for r in res:
                eq += r.our_states == r.llvm_states
                fewer += r.our_states < r.llvm_states
                more += r.our_states > r.llvm_states
            new_bad = [r for r in res if r.llvm_added]
        else:
            res = check_waits(seeds, arch, loops)
            for r in res:
                looser = bool(stricter(r.llvm_waits, r.our_waits))
                tighter = bool(stricter(r.our_waits, r.llvm_waits))
                eq += r.our_waits == r.llvm_waits
                fewer += looser and not tighter
                more += tighter
                rejected += r.verify_error is not None
            new_bad = [r for r in res if r.llvm_added]
        total += len(res)
        added += len(new_bad)
        bad += new_bad[:50 - len(bad)]
    secs = time.perf_counter() - t0
    extra = f" | {rejected:>10}" if oracle == "waits" else " |        n/a"
    print(f"| {oracle:7} | {arch:6} | {total:>8} | {added:>10} | {eq:>8} | {fewer:>10} | {more:>9}{extra} | {secs:>7.1f} |")
    if bad and oracle == "hazards":
        hazard_findings(bad, arch)
    elif bad:
        for r in bad[:5]:
            print(f"  seed {r.seed}: LLVM waits for more before instruction(s) {r.llvm_added}")
    return added == 0 and rejected == 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=2000, help="programs per oracle and arch")
    ap.add_argument("--start", type=int, default=0, help="first seed")
    ap.add_argument("--arch", action="append", help="gfx90a, gfx942, gfx950 (default: all)")
    ap.add_argument("--oracle", choices=("hazards", "waits"), action="append")
    ap.add_argument("--batch", type=int, default=1000, help="programs per llc run")
    ap.add_argument("--loops", action="store_true",
                    help="make a random middle part of each program a loop body")
    a = ap.parse_args()
    print("| oracle  | arch   | programs | LLVM adds | equal    | ours fewer | ours more | verify rejects LLVM | seconds |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    ok = True
    for oracle in a.oracle or ("hazards", "waits"):
        for arch in a.arch or ("gfx90a", "gfx942", "gfx950"):
            ok = run(oracle, arch, a.start, a.n, a.batch, a.loops) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
