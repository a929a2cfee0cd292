"""insert-nop against LLVM's hazard recognizer on random programs: totals, and the
consumers where LLVM needs more wait states than ours (issue 7).

    python scripts/hazard_oracle.py 300
"""

from __future__ import annotations

import collections
import re
import sys

from pyhip_mlir.testing.llvm_mir import run_llc
from pyhip_mlir.testing.llvm_oracles import _batch_mir, _functions, check_hazards


def states_before(lines: list[str], pattern: str) -> list[tuple[int, str]]:
    """(wait states right before it, instruction) for each non-nop line."""
    out: list[tuple[int, str]] = []
    states = 0
    for ln in lines:
        m = re.match(pattern, ln)
        if m:
            states += int(m.group(1)) + 1
            continue
        if ln.startswith("bb."):
            continue
        out.append((states, ln))
        states = 0
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    res = check_hazards(range(n))
    bad = [r for r in res if r.llvm_added]
    eq = sum(r.our_states == r.llvm_states for r in res)
    fewer = sum(r.our_states < r.llvm_states for r in res)
    print(f"programs {n}: LLVM adds to ours {len(bad)}, equal {eq}, ours fewer {fewer}, "
          f"ours more {n - eq - fewer}")
    if not bad:
        return
    outs = _functions(run_llc(_batch_mir([r.ours for r in bad], "gfx942", "ours"), "gfx942",
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
        print(count, key)
    for key, (seed, ctx) in list(example.items())[:12]:
        print("==", key, "seed", seed)
        print("\n".join(f"  [{a}] {text}" for a, text in ctx))


if __name__ == "__main__":
    main()
