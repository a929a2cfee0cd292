"""Our verifier must reject every malformed instruction that LLVM's assembler rejects.

For a deterministic sample of every architecture's table we build a valid op, check
that both our verifier and ``llvm-mc-22`` accept it, then derive wrong forms:

* width:    one register operand one size too wide or too narrow;
* file:     one register operand moved to a register file the slot does not take;
* modifier: a modifier the instruction does not have;
* constant-bus: two different SGPRs read by one VALU instruction;
* literal: a 32-bit literal in a VOP3 (e64) source, which gfx9 cannot encode.

Each wrong form is printed with the real asm printer and assembled in one llvm-mc
batch per arch. Every form LLVM rejects must fail our verifier; the test prints how
many forms there were and how the two judges split.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from llvm_tools import mc_errors, requires_llvm_mc
from xdsl.ir import Attribute, Block, Region, SSAValue
from xdsl.utils.exceptions import VerifyException

from pyhip_mlir.codegen.asm_printer import format_inst
from pyhip_mlir.dialects.cdna import GetRegOp, InstOp, KernelOp, inst_class, reg_type, special_type
from pyhip_mlir.dialects.cdna.types import SPECIAL_TYPES, RegType
from pyhip_mlir.dialects.isa.table import ARCHS, InstrDef, OperandDef, get_table

pytestmark = requires_llvm_mc
SAMPLE_STRIDE = 5
# Modifiers tried on instructions that lack them (assembler keyword, IR value).
FOREIGN_MODS: tuple[tuple[str, object], ...] = (
    ("glc", True), ("clamp", True), ("offen", True), ("cbsz", 1), ("row_mask", 15),
    ("op_sel", [1, 0]), ("lds", True),
)  # fmt: skip
REPORT: dict[str, tuple[int, int, int, int]] = {}


@dataclass
class Form:
    kind: str
    mnemonic: str
    op: InstOp


def _reg(file: str, dwords: int, counters: dict[str, int]) -> RegType:
    align = 4 if file == "s" and dwords >= 4 else (2 if dwords >= 2 else 1)
    start = -(-counters[file] // align) * align
    counters[file] = start + dwords
    return reg_type(file, dwords, start)  # type: ignore[return-value]


def _simple(idef: InstrDef) -> bool:
    """Records whose operand list does not depend on modifiers."""
    return not idef.extra.get("when") and not idef.extra.get("required") and (
        idef.encoding != "dpp"
    )


def _slot_type(slot: OperandDef, counters: dict[str, int]) -> Attribute | None:
    for f in ("v", "s", "a"):
        if f in slot.files:
            return _reg(f, slot.dwords, counters)
    fixed = [s for s in slot.special if s in SPECIAL_TYPES]
    return special_type(fixed[0]) if fixed else None


def build(
    idef: InstrDef,
    region: Region,
    target: Block,
    override: dict[int, Attribute],
    *,
    literal: bool = False,
) -> InstOp | None:
    """A valid op of ``idef`` (slot i's type replaced by ``override[i]``), in a new block."""
    block = Block()
    region.insert_block_before(block, target)
    counters = {"v": 2, "s": 4, "a": 0}
    defs: list[Attribute] = []
    uses: list[SSAValue] = []
    imm: dict[int, object] = {}
    targets: list[Block] = []
    n = 0
    for i, slot in enumerate(idef.operands):
        if slot.optional and slot.role == "use":
            break
        wants_off = slot.name == "saddr" or idef.family in ("MUBUF", "MTBUF")
        if "off" in slot.special and wants_off and i not in override:
            imm[n] = "off"
            n += 1
            continue
        if literal and slot.role == "use" and slot.imm:
            imm[n] = 1234567
            n += 1
            literal = False
            continue
        t = override.get(i) or _slot_type(slot, counters)
        if slot.role in ("def", "both"):
            if t is None:
                return None
            defs.append(t)
        if slot.role in ("use", "both"):
            if t is not None:
                get = GetRegOp(t)
                block.add_op(get)
                uses.append(get.res)
            elif "label" in slot.imm:
                targets.append(target)
                continue
            elif slot.imm:
                imm[n] = 0
            else:
                return None
            n += 1
    implicit = []
    for r in idef.implicit_uses:
        get = GetRegOp(special_type(r))
        block.add_op(get)
        implicit.append(get.res)
    op = inst_class(idef.mnemonic)(
        defs=defs,
        uses=uses,
        imm=imm,  # type: ignore[arg-type]
        implicit_uses=implicit,
        implicit_defs=[special_type(r) for r in idef.implicit_defs],
        targets=targets,
    )
    block.add_op(op)
    return op


def _wrong_width(slot: OperandDef, t: Attribute) -> Attribute | None:
    if not isinstance(t, RegType):
        return None
    widths = {slot.dwords}
    new = t.nregs * 2 if t.nregs < 16 else t.nregs // 2
    if new in widths:
        return None
    base = 8 if t.file != "a" else 0
    return reg_type(t.file, new, base)


def _wrong_file(slot: OperandDef, t: Attribute) -> Attribute | None:
    if not isinstance(t, RegType):
        return None
    for f in ("s", "v", "a"):
        if f not in slot.files:
            return reg_type(f, t.nregs, 8 if f == "s" else 40)
    return None


def forms(arch: str, kernel_block: Region, target: Block) -> Iterator[Form]:
    table = get_table(arch)
    for k, idef in enumerate(sorted(table.instructions.values(), key=lambda d: d.mnemonic)):
        if k % SAMPLE_STRIDE or not _simple(idef):
            continue
        base = build(idef, kernel_block, target, {})
        if base is None:
            continue
        yield Form("valid", idef.mnemonic, base)
        types = [None] * len(idef.operands)
        counters = {"v": 2, "s": 4, "a": 0}
        for i, slot in enumerate(idef.operands):
            types[i] = _slot_type(slot, counters)
        for kind, mutate in (("width", _wrong_width), ("file", _wrong_file)):
            for i, slot in enumerate(idef.operands):
                t = types[i]
                new = mutate(slot, t) if t is not None else None
                if new is not None:
                    op = build(idef, kernel_block, target, {i: new})
                    if op is not None:
                        yield Form(kind, idef.mnemonic, op)
                    break
        scalar_slots = [
            i for i, slot in enumerate(idef.operands)
            if slot.role == "use" and "s" in slot.files and slot.dwords == 1
        ]
        if idef.family.startswith("VOP") and len(scalar_slots) >= 2:
            over = {i: reg_type("s", 1, 20 + k) for k, i in enumerate(scalar_slots[:2])}
            op = build(idef, kernel_block, target, over)
            if op is not None:
                yield Form("constant-bus", idef.mnemonic, op)
        if idef.family.startswith("VOP") and idef.encoding == "e64":
            op = build(idef, kernel_block, target, {}, literal=True)
            if op is not None:
                yield Form("literal", idef.mnemonic, op)
        for key, value in FOREIGN_MODS:
            from pyhip_mlir.dialects.cdna.verify import modifier_matches

            if not any(modifier_matches(key, m) for m in idef.modifiers):
                op = build(idef, kernel_block, target, {})
                if op is not None:
                    op.properties["mods"] = _mods({key: value})
                    yield Form("modifier", idef.mnemonic, op)
                break


def _mods(d: dict[str, object]) -> Attribute:
    return inst_class("s_nop")(mods=d).properties["mods"]  # type: ignore[arg-type]


def _ours_rejects(op: InstOp) -> bool:
    try:
        op.verify_()
    except VerifyException:
        return True
    return False


@pytest.mark.parametrize("arch", ARCHS)
def test_verifier_rejects_what_llvm_rejects(arch: str) -> None:
    target = Block()
    region = Region([target])
    kernel = KernelOp("wrong_forms", region, arch=arch)
    all_forms = list(forms(arch, region, target))
    assert len(all_forms) > 300
    lines = [format_inst(f.op, lambda b: ".Lt", arch) for f in all_forms]
    llvm_bad = set(mc_errors(lines, arch, ".Lt:"))
    valid_disagree = []
    missed = []
    both = ours_only = 0
    for i, f in enumerate(all_forms):
        ours = _ours_rejects(f.op)
        if f.kind == "valid":
            if ours or i in llvm_bad:
                valid_disagree.append((f.mnemonic, lines[i], ours, i in llvm_bad))
            continue
        if i in llvm_bad and not ours:
            missed.append((f.kind, f.mnemonic, lines[i]))
        elif i in llvm_bad:
            both += 1
        elif ours:
            ours_only += 1
    wrong = sum(1 for f in all_forms if f.kind != "valid")
    REPORT[arch] = (wrong, both, ours_only, len(missed))
    print(f"\n{arch}: {wrong} wrong forms; rejected by both {both}, only by us {ours_only}, "
          f"missed {len(missed)}")
    assert not valid_disagree, valid_disagree[:10]
    assert not missed, missed[:20]
    del kernel
