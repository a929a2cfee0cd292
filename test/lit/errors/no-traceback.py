# Robustness: malformed inputs never produce a traceback, only located diagnostics.
# Every prefix of a valid kernel (a file cut anywhere), every single-token deletion,
# random garbage bytes, and the other inputs of this directory go through pyhip-opt
# (in-process); each must exit 0 or 1, with every error as file:line:col: error: ....
# RUN: %python %s | filecheck %s
# CHECK: no tracebacks: {{[0-9]+}} inputs, {{[0-9]+}} errors, all located

import random
import re
import sys
from io import BytesIO, StringIO
from pathlib import Path

from pyhip_mlir.tools.pyhip_opt import main

KERNEL = """cdna.kernel @k {arch = "gfx942", args = [#cdna.karg<"a", "float*", 0, 8>],
                abi_inputs = ["kernarg_segment_ptr", "workitem_id", "exec"]} {
^entry(%ka : !cdna.sgpr<2>, %tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %p = cdna.s_load_dwordx2 %ka, 0 : (!cdna.sgpr<2>) -> !cdna.sgpr<2>
  cdna.s_waitcnt 0
  %x = cdna.global_load_dword %tid, %p implicit(%exec : exec) [offset = 16]
       : (!cdna.vgpr<1>, !cdna.sgpr<2>) -> !cdna.vgpr<1>
  %y = cdna.v_add_f32_e64 -|%x|, %x implicit(%exec : exec) [clamp] : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<1>
  %c = cdna.s_cmp_eq_u64 %ka, 0 implicit() -> (scc) : (!cdna.sgpr<2>) -> ()
  cdna.s_cbranch_scc1 ^done, ^next implicit(%c : scc)
^next:
  cdna.global_store_dword %tid, %y, %p implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>, !cdna.sgpr<2>) -> ()
  cdna.fallthrough ^done
^done:
  cdna.s_endpgm
}
"""

LOCATED = re.compile(r"^(<stdin>|[^:\s][^:]*)(:\d+:\d+)?: error: ")


def run(data: bytes, args: list[str]) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    code = main([*args], stdin=BytesIO(data), stdout=out, stderr=err)
    return code, err.getvalue()


def inputs() -> list[tuple[str, bytes, list[str]]]:
    cases: list[tuple[str, bytes, list[str]]] = []
    text = KERNEL
    cuts = sorted({m.start() for m in re.finditer(r"[\s,:()\[\]{}<>]", text)})
    for i in cuts:
        cases.append((f"prefix {i}", text[:i].encode(), ["-"]))
    tokens = list(re.finditer(r"\S+", text))
    for t in tokens:
        cases.append((f"delete {t.group()!r}@{t.start()}", (text[: t.start()] + text[t.end() :]).encode(), ["-"]))  # fmt: skip
    rng = random.Random(1234)
    for n in range(40):
        cases.append((f"garbage {n}", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))), ["-"]))  # fmt: skip
        k = rng.randrange(len(text))
        cases.append((f"byte flip {k}", (text[:k] + chr(rng.randrange(32, 127)) + text[k + 1 :]).encode(), ["-"]))  # fmt: skip
    for path in sorted(Path(__file__).parent.glob("*.mlir")):
        cases.append((path.name, path.read_bytes(), ["-"]))
        cases.append((path.name + " (split, verify-diagnostics)", path.read_bytes(), ["-", "--split-input-file", "--verify-diagnostics"]))  # fmt: skip
    return cases


def main_() -> int:
    code, err = run(KERNEL.encode(), ["-"])
    assert code == 0, f"the unmodified kernel must be valid:\n{err}"
    bad = 0
    errors = 0
    cases = inputs()
    for name, data, args in cases:
        code, err = run(data, args)
        if code not in (0, 1) or "Traceback" in err or "internal error" in err:
            bad += 1
            print(f"FAIL {name}: exit {code}\n{err}", file=sys.stderr)
            continue
        for line in err.splitlines():
            if ": error: " in line and not line.startswith(" "):
                errors += 1
                if not LOCATED.match(line):
                    bad += 1
                    print(f"FAIL {name}: unlocated error: {line}", file=sys.stderr)
        if code == 1 and ": error: " not in err:
            bad += 1
            print(f"FAIL {name}: exit 1 without an error diagnostic\n{err}", file=sys.stderr)
    if bad:
        print(f"{bad} failure(s)")
        return 1
    print(f"no tracebacks: {len(cases)} inputs, {errors} errors, all located")
    return 0


if __name__ == "__main__":
    sys.exit(main_())
