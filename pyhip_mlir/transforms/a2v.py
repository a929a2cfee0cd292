"""``a2v``: move AGPR operands out of instruction slots that cannot take AGPRs.

pyhip's ``pass_a2v``. On CDNA, AGPRs (the MFMA accumulators) can be read and written
only by MFMAs, memory instructions and ``v_accvgpr_*``; ordinary VALU instructions
take VGPRs. pyhip let authors write ``v_add_f32(v, acc[0], v2)`` and fixed it up here.
For every instruction op whose table slot has no ``"a"`` among its register files:

* an AGPR source ``!cdna.agpr<n>`` is read into a fresh ``!cdna.vgpr<n>`` before the
  op (one ``v_accvgpr_read_b32`` per dword; ``cdna.extract``/``cdna.build`` split and
  join wider tuples);
* an AGPR destination becomes a fresh VGPR destination, copied back into AGPRs after
  the op with ``v_accvgpr_write_b32``; the copies replace every use of the old result.

What may take an AGPR comes from the instruction table (``OperandDef.files``), and
operands are mapped to slots exactly as the verifier maps them (``verify._shape`` with
``InstOp.slot_items``): no mnemonic lists. The copies run under the EXEC value the
instruction itself reads, so they touch exactly the lanes it touches.

Such IR does not pass the verifier (it checks the same table), and the DSL's
instruction matcher rejects it while tracing: the pass is a no-op on verified IR and
exists for IR built or written by other means (``pyhip-opt --disable-verify``). It
runs before register allocation: fresh VGPRs are virtual registers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter
from xdsl.utils.exceptions import VerifyException

from pyhip_mlir.diagnostics import OpError
from pyhip_mlir.dialects.cdna.inst import InstOp, inst_class
from pyhip_mlir.dialects.cdna.pseudo import BuildOp, ExtractOp
from pyhip_mlir.dialects.cdna.types import AGPRType, ExecType, VGPRType, describe_type
from pyhip_mlir.dialects.cdna.verify import _shape
from pyhip_mlir.dialects.isa.table import OperandDef
from pyhip_mlir.transforms.registry import stats

READ = "v_accvgpr_read_b32"
WRITE = "v_accvgpr_write_b32"


@dataclass
class _Fix:
    """What one instruction needs: operand indices and result indices to move to VGPRs."""

    uses: list[int] = field(default_factory=list)
    defs: list[int] = field(default_factory=list)


def _misplaced(t: Attribute, slot: OperandDef, what: str, op: InstOp) -> bool:
    """Whether ``t`` is an AGPR in a slot that takes no AGPR (but a VGPR instead)."""
    if not isinstance(t, AGPRType) or "a" in slot.files:
        return False
    if "v" not in slot.files:  # a VGPR copy would not fit either
        raise OpError(f"a2v: {what} '{slot.name}' of '{op.mnemonic}' takes neither AGPRs "
                      f"nor VGPRs, got {describe_type(t)}", op)
    if t.is_allocated:
        raise OpError(f"a2v: {what} '{slot.name}' of '{op.mnemonic}' is the physical register "
                      f"{t.asm_name()}; a2v runs before register allocation", op)
    return True


def find_fix(op: InstOp) -> _Fix | None:
    """The AGPR operands and results of ``op`` in slots without ``"a"``; None if none."""
    try:
        shape = _shape(op.mnemonic, op.arch(), tuple(op.mod_values()), len(op.defs))
    except VerifyException:
        return None  # malformed for other reasons: the verifier's to report
    fix = _Fix()
    reg_index = 0  # register items are op.uses in order, i.e. operands 0..
    for (kind, val), slot in zip(op.slot_items(), shape.use_slots, strict=False):
        if kind != "reg":
            continue
        assert isinstance(val, SSAValue)
        if _misplaced(val.type, slot, "operand", op):
            fix.uses.append(reg_index)
        reg_index += 1
    for i, (r, slot) in enumerate(zip(op.defs, shape.def_slots, strict=False)):
        if _misplaced(r.type, slot, "result", op):
            fix.defs.append(i)
    return fix if fix.uses or fix.defs else None


def _exec_of(op: InstOp) -> SSAValue:
    for v in op.implicit_uses:
        if isinstance(v.type, ExecType):
            return v
    # Only VALU-side instructions have VGPR slots, and all of them read EXEC.
    raise OpError(f"a2v: '{op.mnemonic}' has an AGPR operand but reads no EXEC to copy under", op)


def _dwords(value: SSAValue, file_type: type[AGPRType] | type[VGPRType], base: str,
            out: list[Operation]) -> list[SSAValue]:
    """The dwords of ``value`` as one-dword values (``cdna.extract`` when wider)."""
    width = value.type.nregs  # type: ignore[attr-defined]
    if width == 1:
        return [value]
    parts = [ExtractOp(value, i, file_type.get(1)) for i in range(width)]
    for i, p in enumerate(parts):
        p.res.name_hint = f"{base}_{file_type.FILE}{i}"
    out.extend(parts)
    return [p.res for p in parts]


def _copy(value: SSAValue, mnemonic: str, dest: type[AGPRType] | type[VGPRType], exec_: SSAValue,
          base: str, out: list[Operation]) -> SSAValue:
    """``value`` copied dword by dword with ``mnemonic`` into a fresh ``dest`` tuple.

    Names: for base ``acc`` a read gives ``%acc_a0..`` -> ``%acc_v0..`` -> ``%acc_v``, a
    write ``%acc_v0..`` -> ``%acc_a0..`` -> ``%acc``. Set here because replace_op would
    otherwise give every new value the old result's name."""
    src_file = AGPRType if dest is VGPRType else VGPRType
    copies = [
        inst_class(mnemonic)(defs=[dest.get(1)], uses=[d], implicit_uses=[exec_])
        for d in _dwords(value, src_file, base, out)
    ]
    out.extend(copies)
    name = f"{base}_v" if dest is VGPRType else base
    if len(copies) == 1:
        copies[0].results[0].name_hint = name
        return copies[0].results[0]
    for i, c in enumerate(copies):
        c.results[0].name_hint = f"{base}_{dest.FILE}{i}"
    joined = BuildOp([c.results[0] for c in copies], dest.get(len(copies)))
    joined.res.name_hint = name
    out.append(joined)
    return joined.res


def legalize(op: InstOp, fix: _Fix) -> int:
    """Rewrite ``op`` as ``fix`` says; returns the number of copy instructions inserted."""
    exec_ = _exec_of(op)
    before: list[Operation] = []
    after: list[Operation] = []
    operands = list(op.operands)
    read: dict[SSAValue, SSAValue] = {}  # one copy per AGPR value, even if read twice
    for i in fix.uses:
        v = operands[i]
        if v not in read:
            read[v] = _copy(v, READ, VGPRType, exec_, v.name_hint or "a2v", before)
        operands[i] = read[v]
    result_types = [r.type for r in op.results]
    for i in fix.defs:
        result_types[i] = VGPRType.get(op.results[i].type.nregs)  # type: ignore[attr-defined]
    new = type(op).create(
        operands=operands, result_types=result_types, properties=dict(op.properties),
        attributes=dict(op.attributes), successors=op.successors, location=op.location,
    )
    results: list[SSAValue] = list(new.results)
    for i in fix.defs:
        old = op.results[i].name_hint or "a2v"
        new.results[i].name_hint = f"{old}_v"
        results[i] = _copy(new.results[i], WRITE, AGPRType, exec_, old, after)
    for o in (*before, *after):
        o.location = op.location  # errors about a copy point at the line that needed it
    Rewriter.replace_op(op, [*before, new, *after], results)
    return sum(1 for o in (*before, *after) if isinstance(o, InstOp))


def run_a2v(module: Operation) -> int:
    """Legalize every instruction of ``module``; returns the copies inserted."""
    todo: list[tuple[InstOp, _Fix]] = []
    for op in module.walk():
        if isinstance(op, InstOp) and (fix := find_fix(op)) is not None:
            todo.append((op, fix))
    return sum(legalize(op, fix) for op, fix in todo)


@dataclass(frozen=True)
class A2VPass(ModulePass):
    """Copy AGPR operands of instructions whose slots take no AGPRs through fresh VGPRs."""

    name = "a2v"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        n = run_a2v(op)
        stats(self).add("copies-inserted", n, "v_accvgpr_read/write copies inserted")

