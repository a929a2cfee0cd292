"""insert-nop and insert-waitcnt against LLVM's own hazard recognizer and waitcnt
inserter (llc-22 ``post-RA-hazard-rec`` / ``si-insert-waitcnts``) on random
straight-line programs, exported to MIR (issue 7).

The CI sizes are below; ``scripts/llvm_oracles.py`` runs any number (100,000 and
more) and prints the equal/fewer/more table.
"""

from __future__ import annotations

import itertools
import random

import pytest

from pyhip_mlir.testing import llvm_oracles as lo

ARCHS = ("gfx90a", "gfx942", "gfx950")
CI_PROGRAMS = {"gfx942": 2000, "gfx90a": 500, "gfx950": 500}


def _summary(results: list[lo.HazardResult]) -> str:
    eq = sum(r.our_states == r.llvm_states for r in results)
    fewer = sum(r.our_states < r.llvm_states for r in results)
    return f"{len(results)} programs: equal {eq}, ours fewer {fewer}, ours more {len(results) - eq - fewer}"


@pytest.mark.parametrize("arch", ARCHS)
def test_hazards_random_programs(arch: str) -> None:
    """LLVM's recognizer adds no wait state to insert-nop's output, and insert-nop adds
    no more wait states than LLVM does on the program without them."""
    results = lo.check_hazards(range(CI_PROGRAMS[arch]), arch)
    added = [r for r in results if r.llvm_added]
    assert not added, (f"LLVM adds wait states to insert-nop's output in {len(added)} programs; "
                       f"first (seed {added[0].seed}):\n" + "\n".join(added[0].ours))
    more = [r for r in results if r.our_states > r.llvm_states]
    assert not more, f"insert-nop adds more than LLVM (seed {more[0].seed}); {_summary(results)}"
    print(arch, _summary(results))


@pytest.mark.parametrize("arch", ARCHS)
def test_hazards_every_template_pair(arch: str) -> None:
    """Every ordered pair of instruction templates, twice with random registers: the
    wait states of insert-nop equal LLVM's exactly, one rule at a time."""
    names = sorted(lo.HAZARD_TEMPLATES)
    programs = []
    for (a, b), k in itertools.product(itertools.product(names, names), range(2)):
        r = random.Random(f"{a}/{b}/{k}")
        programs.append([lo.for_arch(lo.HAZARD_TEMPLATES[a](r), arch),
                         lo.for_arch(lo.HAZARD_TEMPLATES[b](r), arch), "s_endpgm"])
    results = lo.check_hazard_programs(programs, arch)
    wrong = [r for r in results if r.our_states != r.llvm_states or r.llvm_added]
    assert not wrong, "\n".join(f"{r.program[:2]}: ours {r.our_states}, LLVM {r.llvm_states}"
                                for r in wrong[:10])


@pytest.mark.parametrize("arch", ARCHS)
def test_waits_random_programs(arch: str) -> None:
    """si-insert-waitcnts finds nothing to add to insert-waitcnt's output, the two agree
    on the wait-free program, and verify-waitcnt accepts LLVM's waits."""
    results = lo.check_waits(range(CI_PROGRAMS[arch]), arch)
    added = [r for r in results if r.llvm_added]
    assert not added, (f"LLVM waits for more than insert-waitcnt in {len(added)} programs; "
                       f"first (seed {added[0].seed}):\n" + "\n".join(added[0].ours))
    rejected = [r for r in results if r.verify_error]
    assert not rejected, f"verify-waitcnt rejects LLVM's waits (seed {rejected[0].seed}): {rejected[0].verify_error}"
    differ = [r for r in results if r.our_waits != r.llvm_waits]
    assert not differ, f"seed {differ[0].seed}: ours {differ[0].our_waits}, LLVM {differ[0].llvm_waits}"


def test_hazard_oracle_catches_a_missing_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """The oracle is not blind: without the s_setreg rule, LLVM adds its 2 wait states."""
    from pyhip_mlir.dialects.isa import hazards

    monkeypatch.setattr(hazards, "RULES", tuple(r for r in hazards.RULES if "s_setreg" not in r.name))
    program = ["s_setreg_b32 hwreg(HW_REG_MODE, 0, 4), s3", "s_getreg_b32 s7, hwreg(HW_REG_MODE, 0, 4)",
               "s_endpgm"]
    (res,) = lo.check_hazard_programs([program], "gfx942")
    assert res.llvm_added == 2 and res.our_states == 0 and res.llvm_states == 2


def test_wait_oracle_catches_a_missing_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """The oracle is not blind: a wait too loose for LLVM is reported, and verify-waitcnt
    rejects a program LLVM would have waited in."""
    from pyhip_mlir.transforms import insert_waitcnt

    program = ["global_load_dword v0, v2, s[0:1]", "global_load_dword v1, v2, s[0:1]",
               "v_add_u32 v3, v0, v1", "s_endpgm"]
    (res,) = lo.check_wait_programs([program], "gfx942")
    assert res.our_waits == res.llvm_waits == {2: (0, 15)} and not res.llvm_added
    monkeypatch.setattr(insert_waitcnt, "insert_waits", lambda kernel: 0)
    (res,) = lo.check_wait_programs([program], "gfx942")
    assert res.llvm_added == [2]
    assert lo.verify_waits(program, "gfx942") is not None
