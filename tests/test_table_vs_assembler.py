"""Every table record's canonical and modifier lines must assemble with llvm-mc-22."""

from __future__ import annotations

import re

import pytest
from llvm_tools import mc_errors, requires_llvm_mc

from pyhip_mlir.dialects.isa import canonical
from pyhip_mlir.dialects.isa.table import ARCHS, get_table

pytestmark = requires_llvm_mc


def assemble_errors(lines: list[str], arch: str) -> dict[int, str]:
    """Assemble in one llvm-mc run; map 0-based line index -> first error message."""
    return mc_errors(lines, arch, canonical.prelude())


@pytest.mark.parametrize("arch", ARCHS)
def test_all_lines_assemble(arch: str, isa_probe_counts: dict[str, dict[str, int]]) -> None:
    table = get_table(arch)
    tagged = [
        (mnemonic, tag, line)
        for mnemonic, instr in table.instructions.items()
        for tag, line in canonical.probe_lines(instr)
    ]
    errors = assemble_errors([line for _, _, line in tagged], arch)
    isa_probe_counts[arch] = {
        "instructions": len(table),
        "lines": len(tagged),
        "accepted": len(tagged) - len(errors),
    }
    print(
        f"{arch}: {len(table)} instructions, {len(tagged)} lines, "
        f"{len(tagged) - len(errors)} accepted"
    )
    bad = [
        f"{tagged[i][0]} [{tagged[i][1] or 'canonical'}]: {tagged[i][2]!r}: {e}"
        for i, e in sorted(errors.items())
    ]
    assert not bad, f"{len(bad)} lines rejected on {arch}:\n" + "\n".join(bad[:40])


@pytest.mark.parametrize("arch", ARCHS)
def test_canonical_registers_are_aligned(arch: str) -> None:
    pair = re.compile(r"\b([vas])\[(\d+):(\d+)\]")
    for instr in get_table(arch).instructions.values():
        for m in pair.finditer(canonical.canonical_line(instr)):
            lo, hi = int(m.group(2)), int(m.group(3))
            assert lo % 2 == 0, instr.mnemonic
            if m.group(1) == "s" and hi - lo + 1 >= 4:
                assert lo % 4 == 0, instr.mnemonic
