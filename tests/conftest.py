"""Shared pytest fixtures and the end-of-run summary tables."""

from __future__ import annotations

import os
from typing import Any

import pytest

# Every DSL kernel a test launches runs twice: on the SSA interpreter (the traced IR)
# and, through the JIT's whole default pass pipeline, as assembly on the machine
# emulator (whose sanitizer checks waits and hazards); any difference in the memory
# they write fails the test. PYHIP_EMU=ssa runs the interpreter only.
os.environ.setdefault("PYHIP_EMU", "both")
# Code objects the tests build go to a cache of their own, shared by the run's workers
# and removed with the system's temporary files, never into the user's ~/.pyhip.
if "PYHIP_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["PYHIP_CACHE_DIR"] = tempfile.mkdtemp(prefix="pyhip-test-cache-")

ISA_PROBE_KEY = pytest.StashKey[dict[str, dict[str, int]]]()


@pytest.fixture(scope="session")
def isa_probe_counts(request: pytest.FixtureRequest) -> dict[str, dict[str, int]]:
    """Per-arch counts filled by tests/test_table_vs_assembler.py, printed at the end."""
    return request.config.stash.setdefault(ISA_PROBE_KEY, {})


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    counts = config.stash.get(ISA_PROBE_KEY, None)
    if not counts:
        return
    tr = terminalreporter
    tr.write_sep("-", "instruction table vs llvm-mc")
    tr.write_line(f"{'arch':8} {'instructions':>12} {'lines':>7} {'accepted':>9}")
    for arch, c in sorted(counts.items()):
        tr.write_line(f"{arch:8} {c['instructions']:>12} {c['lines']:>7} {c['accepted']:>9}")
