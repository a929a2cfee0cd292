"""Translation validation: every pass preserves what random programs write.

Each generated program (``pyhip_mlir.testing.randprog``) runs on the SSA interpreter,
then through each pass alone (on the interpreter again), and through the whole default
pipeline as assembly on the machine emulator (with its wait and hazard checks); every
output word must match. Counts: ``PYHIP_TV_COUNT`` programs per pass (default 2,000 in
CI, 150 otherwise) and ``PYHIP_TV_MACHINE_COUNT`` for the full pipeline (200 / 25).
``scripts/tv_sweep.py`` runs more. A failure prints the seed, the pipeline and the
minimized program.
"""

from __future__ import annotations

import os

import pytest

from pyhip_mlir.testing import randprog
from pyhip_mlir.testing.validate import Result, validate
from pyhip_mlir.transforms.registry import default_pipeline

CI = bool(os.environ.get("CI"))
COUNT = int(os.environ.get("PYHIP_TV_COUNT", 2000 if CI else 150))
MACHINE_COUNT = int(os.environ.get("PYHIP_TV_MACHINE_COUNT", 200 if CI else 25))
SIZE = 10

# Passes that take SSA IR and give SSA IR the interpreter runs (after allocation the IR
# is still SSA: the interpreter checks the copies and coalescing kept every value).
SSA_PASSES = ["remove-dead-bb", "a2v", "cse", "dce", "dse,verify-waitcnt", "break-down-gprs",
              "hide-karg-loads,verify-waitcnt", "hide-dependency,verify-waitcnt",
              "insert-waitcnt,verify-waitcnt",
              "remove-dead-bb,a2v,cse,dce,dse,break-down-gprs,hide-karg-loads,hide-dependency,verify-waitcnt,"
              "regalloc-linear-scan"]


def test_each_pass_preserves_random_programs() -> None:
    failures: dict[str, list[Result]] = {}
    for seed in range(COUNT):
        for spec in SSA_PASSES:
            r = validate(spec, seed, SIZE)
            if not r.ok:
                failures.setdefault(spec, []).append(r)
    assert not failures, "\n\n".join(
        f"{spec}: {len(rs)} of {COUNT} programs differ\n{rs[0].report()}" for spec, rs in failures.items())


def test_default_pipeline_on_the_machine_emulator() -> None:
    spec = default_pipeline()
    bad = [r for r in (validate(spec, 100_000 + seed, SIZE) for seed in range(MACHINE_COUNT)) if not r.ok]
    assert not bad, f"{len(bad)} of {MACHINE_COUNT} programs differ\n{bad[0].report()}"


def test_generator_covers_what_the_passes_care_about() -> None:
    text = "\n".join(randprog.kernel_for(seed, SIZE).ir(debuginfo=False) for seed in range(40))
    for what in ("cdna.while", "cdna.if(%", ": !cdna.exec)", "cdna.merge_lanes", "global_load_dword",
                 "ds_read_b32", "s_barrier", "v_readfirstlane_b32", "s_cmp_", "s_waitcnt"):
        assert what in text, what


def test_a_broken_pass_is_caught_and_minimized(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deliberately wrong pass (v_sub operands swapped) fails with a small program."""
    from dataclasses import dataclass

    from xdsl.passes import ModulePass

    from pyhip_mlir.dialects.cdna.inst import InstOp
    from pyhip_mlir.transforms import registry

    @dataclass(frozen=True)
    class SwapSub(ModulePass):
        name = "swap-sub"

        def apply(self, ctx, op) -> None:  # noqa: ANN001
            for o in op.walk():
                if isinstance(o, InstOp) and o.mnemonic == "v_sub_u32" and len(o.uses) == 2:
                    a, b = o.operands[0], o.operands[1]
                    o.operands[0], o.operands[1] = b, a

    monkeypatch.setitem(registry.PASSES, "swap-sub", ("test_translation_validation", "SwapSub"))
    import sys

    sys.modules[__name__].SwapSub = SwapSub  # type: ignore[attr-defined]
    results = [validate("swap-sub", seed, SIZE) for seed in range(60)]
    bad = [r for r in results if not r.ok]
    assert bad, "no generated program used v_sub_u32 with two registers"
    r = bad[0]
    assert r.keep is not None and len(r.keep) <= 3, r.keep
    assert "v_sub_u32" in r.ir and "differ" in r.message
    assert f"seed {r.seed}" in r.report()
