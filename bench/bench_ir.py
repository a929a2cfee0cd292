"""IR throughput: parse, verify and print a 20,000-instruction kernel; import time.

    .venv/bin/python bench/bench_ir.py [--instructions 20000] [--repeat 3] [--markdown]

Prints one table (medians over --repeat runs). Benchmarks print; tests never time.
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

# A mix of common allocated instructions; {i} makes registers vary.
_LINES = (
    "%v{i} = cdna.v_add_u32 %t, %t implicit(%exec : exec) : "
    "(!cdna.vgpr<v0>, !cdna.vgpr<v0>) -> !cdna.vgpr<v{r}>",
    "%v{i} = cdna.v_mul_f32 %t, %t implicit(%exec : exec) : "
    "(!cdna.vgpr<v0>, !cdna.vgpr<v0>) -> !cdna.vgpr<v{r}>",
    "%v{i}, %c{i} = cdna.s_add_u32 %s, 7 implicit() -> (scc) : "
    "(!cdna.sgpr<s2>) -> !cdna.sgpr<s{q}>",
    "%v{i} = cdna.global_load_dword %a, \"off\" implicit(%exec : exec) [offset = 16] : "
    "(!cdna.vgpr<v[2:3]>) -> !cdna.vgpr<v{r}>",
    "%v{i} = cdna.v_fma_f32 %t, %t, %t implicit(%exec : exec) : "
    "(!cdna.vgpr<v0>, !cdna.vgpr<v0>, !cdna.vgpr<v0>) -> !cdna.vgpr<v{r}>",
)


def make_module(n: int) -> str:
    body = []
    for i in range(n):
        line = _LINES[i % len(_LINES)]
        body.append("    " + line.format(i=i, r=10 + i % 200, q=10 + i % 80))
    return (
        'builtin.module {\n  cdna.kernel @bench {arch = "gfx942", args = [], '
        'abi_inputs = ["kernarg_segment_ptr", "workgroup_id_x", "workitem_id", "exec"]} {\n'
        "  ^entry(%k : !cdna.sgpr<s[0:1]>, %s : !cdna.sgpr<s2>, %t : !cdna.vgpr<v0>, "
        "%exec : !cdna.exec):\n"
        "    %a = cdna.get_reg : !cdna.vgpr<v[2:3]>\n"
        + "\n".join(body)
        + "\n    cdna.s_endpgm\n  }\n}\n"
    )


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def import_time(module: str, repeat: int) -> float:
    code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
    times = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout)
        for _ in range(repeat)
    ]
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instructions", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from xdsl.parser import Parser
    from xdsl.printer import Printer

    from pyhip_mlir.codegen.asm_parser import parse_asm
    from pyhip_mlir.codegen.asm_printer import print_module_asm
    from pyhip_mlir.dialects.cdna import make_context

    n = args.instructions
    text = make_module(n)
    ctx = make_context()
    module = Parser(ctx, text, "bench.mlir").parse_module()
    module.verify()
    asm_buf = io.StringIO()
    print_module_asm(module, asm_buf)
    asm_text = asm_buf.getvalue()

    rows: list[tuple[str, float]] = [
        ("parse IR", median_time(lambda: Parser(make_context(), text, "b").parse_module(), args.repeat)),
        ("verify", median_time(module.verify, args.repeat)),
        ("print IR", median_time(lambda: Printer(stream=io.StringIO()).print_op(module), args.repeat)),
        ("print asm", median_time(lambda: print_module_asm(module, io.StringIO()), args.repeat)),
        ("parse asm", median_time(lambda: parse_asm(asm_text, "bench.s"), args.repeat)),
    ]
    imp = import_time("pyhip_mlir", max(args.repeat, 5))
    imp_dialect = import_time("pyhip_mlir.dialects.cdna", max(args.repeat, 5))

    print(f"# pyhip_mlir IR throughput ({n} instructions; median of {args.repeat})")
    print(f"# {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}, {__import__('os').cpu_count()} cores")
    print()
    print("| step | seconds | instructions/s |")
    print("|---|---:|---:|")
    for name, t in rows:
        print(f"| {name} | {t:.3f} | {n / t:,.0f} |")
    print()
    print("| import | seconds |")
    print("|---|---:|")
    print(f"| import pyhip_mlir | {imp:.3f} |")
    print(f"| import pyhip_mlir.dialects.cdna (loads xDSL) | {imp_dialect:.3f} |")


if __name__ == "__main__":
    main()
