"""bench/run.py, the performance report, runs end to end (in its --quick form) and
writes every table: a smoke test, no timing is asserted."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_run_quick_writes_every_table(tmp_path: Path) -> None:
    out = tmp_path / "perf.md"
    env = dict(os.environ, PYHIP_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "-o", str(out)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = out.read_text()
    for head in ("## Compile: the example kernels", "## Pass pipeline scaling", "## Launch overhead",
                 "## Emulator", "## Generated code", "## GEMM inner loop: llvm-mca"):
        assert head in text, head
    assert re.search(r"\| 16 arguments \| \d+\.\d\d \|", text)
    ours = re.search(r"\| ours \(examples/gemm.py, 64x64x32\) \| (\d+) \| (\d+) \| ([\d.]+) \|", text)
    assert ours is not None and int(ours.group(2)) == 4 and float(ours.group(3)) > 0
