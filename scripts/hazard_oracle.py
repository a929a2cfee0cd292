"""insert-nop against LLVM's hazard recognizer on random programs: totals and the
consumers where LLVM needs more wait states than ours (issue 7).

    python scripts/hazard_oracle.py 300
"""
import collections
import re
import sys

from pyhip_mlir.testing.llvm_mir import run_llc
from pyhip_mlir.testing.llvm_oracles import _batch_mir, _functions, check_hazards

n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
res = check_hazards(range(n))
bad = [r for r in res if r.llvm_added]
outs = _functions(run_llc(_batch_mir([r.ours for r in bad], "gfx942", "ours"), "gfx942", "post-RA-hazard-rec"))
cats = collections.Counter(); ex = {}
for i, r in enumerate(bad):
    llvm = outs[f"ours{i}"]
    # per instruction: states before it
    def per(lines, pat):
        st = 0; out = []
        for ln in lines:
            m = re.match(pat, ln)
            if m: st += int(m.group(1)) + 1; continue
            if ln.startswith("bb.") : continue
            out.append((st, ln)); st = 0
        return out
    ours = per(r.ours, r"s_nop (\d+)")
    theirs = per(llvm, r"S_NOP (\d+)")
    for k, ((a, la), (b, lb)) in enumerate(zip(ours, theirs)):
        if b > a:
            prev = [x[1].split()[0] for x in ours[max(0,k-6):k]]
            key = (la.split()[0], b - a)
            cats[key] += 1
            ex.setdefault(key, (r.seed, ours[max(0,k-6):k+1]))
for k, v in cats.most_common(30):
    print(v, k)
for k, (seed, ctx) in list(ex.items())[:12]:
    print("==", k, seed); print("\n".join(f"  [{a}] {l}" for a, l in ctx))
