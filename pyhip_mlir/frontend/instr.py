"""``J.<mnemonic>(*operands, mod="...", **modifiers)``: any instruction, checked while tracing.

Operands are given in assembly order, destinations included, exactly as pyhip: register
views, expressions (evaluated into a temporary first), Python ints and floats, the
strings ``"vcc"``, ``"exec"``, ``"scc"``, ``"m0"``, ``"off"`` and any other operand text
the assembler accepts (``"hwreg(HW_REG_MODE)"``). ``mod`` is the text after the
operands (``"offset:16 glc"``, ``"vmcnt(0)"``, a label); keyword modifiers spell the
same (``offset=16, glc=True``; ``vmcnt=0, lgkmcnt=0`` for ``s_waitcnt``).

Matching is the assembly importer's (:mod:`pyhip_mlir.codegen.asm_match`): the same
candidate encodings, the same slot rules, the same messages, so a call the tracer
accepts is a line the importer would accept. Def/use of each operand comes from the
instruction table, never from its position (pyhip guessed: operand 0 was the
destination unless the mnemonic looked like a store). Matches are cached per operand
signature, so tracing a large kernel matches each shape once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from xdsl.ir import Attribute, Block, SSAValue
from xdsl.utils.exceptions import VerifyException

from pyhip_mlir.codegen.asm_lexer import AsmParseError, tokenize
from pyhip_mlir.codegen.asm_match import (
    MatchError,
    candidate_forms,
    match_form,
    unknown_mnemonic_message,
)
from pyhip_mlir.codegen.asm_operands import (
    Modifier,
    Operand,
    is_inline_float,
    is_inline_int,
    parse_operands,
)
from pyhip_mlir.dialects.cdna.inst import InstOp, inst_class, is_terminator_mnemonic
from pyhip_mlir.dialects.cdna.types import ExecType, reg_type, special_type
from pyhip_mlir.dialects.cdna.verify import doc_modifiers, verify_inst
from pyhip_mlir.dialects.isa.table import InstrDef
from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.frontend.expr import Expr
from pyhip_mlir.frontend.gpr import GPRs, Ref
from pyhip_mlir.frontend.loc import Loc
from pyhip_mlir.frontend.ssa import set_hint

if TYPE_CHECKING:
    from pyhip_mlir.frontend.builder import JIT

SPECIALS = ("exec", "vcc", "scc", "m0")
_LABEL = re.compile(r"[A-Za-z_.$][\w.$]*")
_WAITCNT_KW = ("vmcnt", "lgkmcnt", "expcnt")


@dataclass(frozen=True, slots=True)
class Val:
    """An SSA value as an operand (a temporary of the expression lowering)."""

    value: SSAValue
    file: str
    width: int
    mods: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Dst:
    """A fresh destination: the emitter returns the value it defines."""

    file: str
    width: int = 1
    name: str = "t"


@dataclass(frozen=True, slots=True)
class LabelName:
    """A branch target by name (``J.Label(...)`` returns one; a ``mod=`` text is one)."""

    name: str


class _Src:
    """One operand: its match signature and what it stands for.

    ``obj`` is a Ref/Val/Dst/LabelName/loop label, an int or float, or the parsed asm
    Operand of a text operand. The asm-level Operand the matcher needs is only built
    when a shape is seen for the first time (:func:`_operand`).
    """

    __slots__ = ("sig", "obj", "mods", "text", "value")

    def __init__(self, sig: tuple[Any, ...], obj: Any, mods: tuple[str, ...] = (),
                 text: str = "", value: Any = None):
        self.sig = sig
        self.obj = obj
        self.mods = mods
        self.text = text
        self.value = value


def _operand(src: _Src, col: int) -> Operand:
    o = src.obj
    if isinstance(o, Operand):
        return Operand(o.kind, o.text, col, file=o.file, index=o.index, width=o.width,
                       value=o.value, mods=list(o.mods))
    kind = src.sig[0]
    if kind == "reg":
        return Operand("reg", src.text or repr(o), col, file=src.sig[1], width=src.sig[2],
                       mods=list(src.mods))
    if kind in ("int", "float"):
        return Operand(kind, repr(src.value), col, value=src.value)
    return Operand("label", src.text, col, value=src.text)


_PARSED: dict[tuple[str, bool], tuple[list[Operand], list[Modifier]]] = {}


def _parse_cached(text: str, loc: Loc | None, what: str, waitcnt: bool = False) -> tuple[list[Operand], list[Modifier]]:
    hit = _PARSED.get((text, waitcnt))
    if hit is None:
        hit = _parse_text(text, loc, what, waitcnt)
        if len(_PARSED) < 10_000:
            _PARSED[(text, waitcnt)] = hit
    return hit


def _text_src(o: Operand) -> _Src:
    return _Src(_signature(o), o, tuple(o.mods), o.text, o.value)


def _parse_text(text: str, loc: Loc | None, what: str, waitcnt: bool = False) -> tuple[list[Operand], list[Modifier]]:
    try:
        toks = tokenize(text, 0, len(text), "<mod>", 1)
        return parse_operands(toks, text, "<mod>", 1, waitcnt=waitcnt)
    except AsmParseError as e:
        raise DSLError(f"{what}: {e.message} in {text!r}", loc) from None


def _neg_abs(x: Any) -> tuple[Any, tuple[str, ...]] | None:
    """``-r``/``abs(r)`` of a register view: the view and its source modifiers."""
    mods: list[str] = []
    while isinstance(x, Expr) and x.op in ("neg", "abs") and len(x.args) == 1:
        mods.insert(0, x.op)
        x = x.args[0]
    if mods and isinstance(x, Ref | Val) and len(set(mods)) == len(mods):
        return x, tuple(mods)
    return None


def convert(J: JIT, mn: str, operands: tuple[Any, ...], loc: Loc | None, eval_mods: bool) -> list[_Src]:
    out: list[_Src] = []
    for i, x in enumerate(operands):
        if type(x) is Ref:  # the common case first
            out.append(_Src(("reg", x.var.file, x.hi - x.lo + 1, ()), x))
            continue
        if isinstance(x, GPRs):
            x = x.to_expr()
        if isinstance(x, Expr):
            na = None if eval_mods else _neg_abs(x)
            if na is not None:
                base, mods = na
                out.append(_Src(("reg", base.file, base.width, mods), base, mods, repr(x)))
                continue
            x = J._eval_operand(x, loc)
        if isinstance(x, Ref):
            out.append(_Src(("reg", x.var.file, x.hi - x.lo + 1, ()), x))
        elif isinstance(x, Val):
            out.append(_Src(("reg", x.file, x.width, x.mods), x, x.mods, "%tmp"))
        elif isinstance(x, Dst):
            out.append(_Src(("reg", x.file, x.width, ()), x, (), "%dst"))
        elif isinstance(x, int):
            v = int(x)
            out.append(_Src(("int", is_inline_int(v)), v, value=v))
        elif isinstance(x, float):
            out.append(_Src(("float", is_inline_float(x)), x, value=x))
        elif isinstance(x, LabelName):
            out.append(_Src(("label",), x, text=x.name))
        elif isinstance(x, str):
            ops, mods = _parse_cached(x, loc, f"{mn}: operand {i + 1}")
            if len(ops) != 1 or mods:
                raise DSLError(f"{mn}: operand {i + 1} {x!r} is not one operand", loc)
            if ops[0].kind == "reg":
                raise DSLError(f"{mn}: operand {i + 1} {x!r} names a physical register; in a "
                               "DSL kernel registers are variables declared with J.gpr", loc)
            out.append(_text_src(ops[0]))
        else:
            raise DSLError(
                f"{mn}: operand {i + 1} is a {type(x).__name__} ({x!r}); operands are registers "
                "(J.gpr views), expressions, ints, floats or operand text such as 'vcc'", loc)
    return out


_MODS: dict[tuple[Any, ...], tuple[list[Operand], list[Modifier]]] = {}


def modifiers(mn: str, mod: Any, kw: dict[str, Any], loc: Loc | None) -> tuple[list[Operand], list[Modifier], Any]:
    """Extra operands and modifiers from ``mod`` and keywords; also a loop label, if any."""
    if isinstance(mod, str):
        try:
            key = (mn, mod, tuple(kw.items()))
            hit = _MODS.get(key)
        except TypeError:  # an unhashable modifier value
            key, hit = None, None
        if hit is not None:
            return hit[0], hit[1], None
        ops, mods, _ = _modifiers(mn, mod, kw, loc)
        if key is not None and len(_MODS) < 10_000:
            _MODS[key] = (ops, mods)
        return ops, mods, None
    return _modifiers(mn, mod, kw, loc)


def _modifiers(mn: str, mod: Any, kw: dict[str, Any], loc: Loc | None) -> tuple[list[Operand], list[Modifier], Any]:
    kw = dict(kw)
    ops: list[Operand] = []
    mods: list[Modifier] = []
    loop_target = None
    if isinstance(mod, LabelName):
        ops.append(Operand("label", mod.name, 0, value=mod.name))
    elif getattr(mod, "loop_label", None) is not None:
        loop_target = mod
    elif mod:
        if not isinstance(mod, str):
            raise DSLError(f"{mn}: mod= must be text such as 'offset:16 glc', got {mod!r}", loc)
        if mn.startswith(("s_branch", "s_cbranch_")) and _LABEL.fullmatch(mod.strip()):
            # pyhip passes branch targets as mod text; a label may be spelled like a
            # modifier (`done`), so a branch's single word is always its label
            ops, mods = [Operand("label", mod.strip(), 0, value=mod.strip())], []
        else:
            ops, mods = _parse_cached(mod, loc, mn, waitcnt=mn.startswith("s_waitcnt"))
        ops, mods = list(ops), list(mods)
    wait = [k for k in _WAITCNT_KW if k in kw]
    if wait:
        if not mn.startswith("s_waitcnt"):
            raise DSLError(f"{mn} takes no {wait[0]}=: only s_waitcnt counts", loc)
        text = " ".join(f"{k}({int(kw.pop(k))})" for k in wait)
        ops += _parse_cached(text, loc, mn, waitcnt=True)[0]
    for key, value in kw.items():
        if value is False or value is None:
            continue
        if isinstance(value, bool):
            mods.append(Modifier(key, True, 0, key))
        elif isinstance(value, int | str):
            mods.append(Modifier(key, value, 0, f"{key}:{value}"))
        elif isinstance(value, list | tuple):
            mods.append(Modifier(key, [int(v) for v in value], 0, f"{key}:{list(value)}"))
        else:
            raise DSLError(f"{mn}: modifier {key}={value!r} is not a bool, int, text or list", loc)
    return ops, mods, loop_target


def _signature(op: Operand) -> tuple[Any, ...]:
    if op.kind == "reg":
        return ("reg", op.file, op.width, tuple(op.mods))
    if op.kind == "int":
        return ("int", is_inline_int(int(op.value)))
    if op.kind == "float":
        return ("float", is_inline_float(float(op.value)))
    if op.kind in ("special", "named"):
        return (op.kind, op.text)
    if op.kind == "expr":
        return ("expr", str(op.value).split("(")[0])
    return (op.kind,)


@cache
def _forms(mn: str, arch: str) -> tuple[InstrDef, ...]:
    return tuple(candidate_forms(mn, arch))


@dataclass(frozen=True, slots=True)
class Plan:
    """How one matched operand shape becomes an op: computed once per shape.

    ``slots`` has one entry per present operand: (operand index, writes, reads, kind),
    kind "reg" | "special" | "label" | "imm".
    """

    idef: InstrDef
    slots: tuple[tuple[int, bool, bool, str], ...]
    implicit_uses: tuple[str, ...]
    implicit_defs: tuple[Attribute, ...]
    terminator: bool
    bus_check: bool = False  # may read two scalars: the verifier's constant-bus check runs


_PLANS: dict[tuple[Any, ...], Plan | MatchError] = {}


def match(mn: str, arch: str, srcs: list[_Src], mods: list[Modifier], loc: Loc | None) -> Plan:
    key = (mn, arch, tuple([s.sig for s in srcs]), tuple([m.key for m in mods]))
    hit = _PLANS.get(key)
    if hit is None:
        hit = _plan(mn, arch, [_operand(s, i + 1) for i, s in enumerate(srcs)], mods, loc)
        if len(_PLANS) < 100_000:
            _PLANS[key] = hit
    if isinstance(hit, MatchError):
        raise DSLError(f"{mn}: {hit.message}", loc)
    return hit


def _plan(mn: str, arch: str, ops: list[Operand], mods: list[Modifier], loc: Loc | None) -> Plan | MatchError:
    forms = _forms(mn, arch)
    if not forms:
        raise DSLError(unknown_mnemonic_message(mn, arch), loc)
    try:
        idef, assignment = match_form(forms, ops, mods, False, 0, 0)
    except MatchError as e:
        return e
    docmods = doc_modifiers(idef, [m.key for m in mods])
    slots = []
    for slot, op in zip(idef.operands, assignment, strict=True):
        if op is None:
            continue
        writes = slot.role == "def" or (
            slot.role == "both" and idef.slot_active(slot.name, docmods) is not False)
        reads = slot.role != "def"
        if op.kind in ("reg", "special"):
            kind = op.kind
        elif op.kind == "label" and "label" in slot.imm:
            kind = "label"
        else:
            kind = "imm"
        slots.append((ops.index(op), writes, reads, kind))
    implicit_uses = idef.implicit_uses_with(docmods)
    scalars = sum(1 for i, _, reads, kind in slots if reads and (
        kind in ("special", "imm") or (kind == "reg" and ops[i].file == "s")))
    bus_check = idef.family.startswith("VOP") and scalars + ("vcc" in implicit_uses) >= 2
    return Plan(idef, tuple(slots), implicit_uses,
                tuple(special_type(r) for r in idef.implicit_defs),
                is_terminator_mnemonic(idef.mnemonic), bus_check)


def emit(J: JIT, mn: str, operands: tuple[Any, ...], mod: Any = "", kw: dict[str, Any] | None = None,
         loc: Loc | None = None) -> list[SSAValue]:
    """Trace one instruction; returns the values it defines for :class:`Dst` operands."""
    if mod or kw:
        extra_ops, mods, loop_target = modifiers(mn, mod, kw or {}, loc)
        if loop_target is not None:
            J._branch_to_loop_label(mn, loop_target, operands, loc)
            return []
    else:
        extra_ops, mods = [], []
    srcs = convert(J, mn, operands, loc, eval_mods=False)
    srcs += [_text_src(o) for o in extra_ops]
    try:
        plan = match(mn, J.arch, srcs, mods, loc)
    except DSLError:
        if not any(s.mods and isinstance(operands[i], Expr) for i, s in enumerate(srcs[:len(operands)])):
            raise
        # -x / abs(x) where the slot takes no source modifier: compute it instead
        srcs = convert(J, mn, operands, loc, eval_mods=True) + [_text_src(o) for o in extra_ops]
        plan = match(mn, J.arch, srcs, mods, loc)
    return build(J, plan, srcs, mods, loc)


def build(J: JIT, plan: Plan, srcs: list[_Src], mods: list[Modifier], loc: Loc | None) -> list[SSAValue]:
    idef = plan.idef
    def_types: list[Attribute] = []
    def_sinks: list[Any] = []  # what each def writes: Ref | Dst | special name
    uses: list[SSAValue] = []
    imm: dict[int, Any] = {}
    opmods: dict[int, str] = {}
    labels: list[Any] = []
    k = 0
    for i, writes, reads, kind in plan.slots:
        src = srcs[i]
        obj = src.obj
        if writes:
            if kind == "special":
                def_types.append(special_type(src.text))
                def_sinks.append(src.text)
            elif isinstance(obj, Ref):
                if obj.var.readonly:
                    raise DSLError(f"{idef.mnemonic} writes '{obj!r}', which is read-only", loc)
                def_types.append(reg_type(obj.var.file, obj.hi - obj.lo + 1))
                def_sinks.append(obj)
            elif isinstance(obj, Dst):
                def_types.append(reg_type(obj.file, obj.width))
                def_sinks.append(obj)
            else:
                raise DSLError(f"{idef.mnemonic}: operand {i + 1} ({src.text or src.value!r}) is a "
                               "destination and must be a register variable", loc)
        if not reads:
            continue
        if kind == "reg":
            if isinstance(obj, Ref):
                uses.append(J._read_ref(obj, loc, idef.mnemonic))
            elif isinstance(obj, Val):
                uses.append(obj.value)
            else:
                raise DSLError(f"{idef.mnemonic}: operand {i + 1} is read before it has a value", loc)
            if src.mods:
                opmods[k] = ",".join(src.mods)
        elif kind == "special":
            uses.append(J._read_special(src.text, loc, idef.mnemonic))
        elif kind == "label":
            labels.append(obj if isinstance(obj, LabelName) else LabelName(str(src.value)))
            continue
        else:
            if src.mods:
                raise DSLError(f"{idef.mnemonic}: source modifiers on an immediate", loc)
            imm[k] = src.value
        k += 1
    implicit_uses = [J._read_special(r, loc, idef.mnemonic) for r in plan.implicit_uses]
    targets: list[Block] = []
    if labels:
        targets = J._branch_targets(idef.mnemonic, labels, loc)
    inst: InstOp = inst_class(idef.mnemonic)(
        defs=def_types, uses=uses, imm=imm, implicit_uses=implicit_uses,
        implicit_defs=plan.implicit_defs, targets=targets,
        mods={m.key: m.value for m in mods} if mods else None, opmods=opmods,
    )
    if plan.bus_check:
        try:
            verify_inst(inst)
        except VerifyException as e:
            raise DSLError(str(e), loc) from None
    J._insert(inst, loc)
    out: list[SSAValue] = []
    results = inst.results
    nd = len(def_types)
    for value, sink in zip(results[:nd], def_sinks, strict=True):
        if isinstance(sink, Ref):
            J._write_ref(sink, value)
        elif isinstance(sink, Dst):
            set_hint(value, sink.name)
            out.append(value)
        else:
            J._write_special(sink, value)
    for value in results[nd:]:
        J._write_special(value.type.reg, value)  # type: ignore[attr-defined]
    if implicit_uses or idef.mnemonic == "s_mov_b64":
        _track_full_exec(J, inst, implicit_uses)
    if plan.terminator:
        J._after_terminator(inst, loc)
    return out


# --- writes under a narrowed EXEC ------------------------------------------------------

_SAVEEXEC = ("s_and_saveexec_b64", "s_or_saveexec_b64")


def partial_exec(J: JIT, inst: InstOp) -> SSAValue | None:
    """The EXEC ``inst`` runs under, unless it is known to be the full launch mask."""
    for v in inst.implicit_uses:
        if isinstance(v.type, ExecType):
            return None if v in J.full_execs else v
    return None


def merge_old_lanes(J: JIT, sink: Ref, value: SSAValue) -> SSAValue:
    """``value`` about to be written to the vector variable ``sink``: if its instruction
    ran under a narrowed EXEC, the variable keeps its old value in the other lanes
    (``cdna.merge_lanes``). A read-and-written slot already carries the old value."""
    from pyhip_mlir.dialects.cdna.pseudo import MergeLanesOp
    from pyhip_mlir.dialects.cdna.verify import _shape

    inst = value.owner
    if not isinstance(inst, InstOp) or sink.var.id not in J.written_vars:
        return value  # not an instruction's result, or the first write: nothing to keep
    exec_ = partial_exec(J, inst)
    if exec_ is None:
        return value
    # merge=True: inside a loop the old lanes may be undefined (written only in the loop)
    old = J.ssa.read_value(J.scope, J.vars[sink.var.id], sink.lo, sink.hi, None, merge=True)
    if old is None or old.type != value.type:
        return value
    index = list(inst.results).index(value)
    shape = _shape(inst.mnemonic, inst.arch(), tuple(inst.mod_values()), len(inst.defs))
    if any(r == index for r, _ in shape.tied):
        return value
    merge = MergeLanesOp(old, value, exec_)
    J.tags[value] = (sink.var, sink.lo)
    J._insert(merge, None)
    merge.location = inst.location
    return merge.res


def _track_full_exec(J: JIT, inst: InstOp, implicit_uses: list[SSAValue]) -> None:
    """Follow the full mask through ``s_and_saveexec`` (the saved copy) and
    ``s_mov_b64 exec, ...`` (-1, or a saved full mask)."""
    mn = inst.mnemonic
    if mn in _SAVEEXEC:
        if any(v in J.full_execs for v in implicit_uses) and inst.defs:
            J.full_execs.add(inst.defs[0])
    elif mn == "s_mov_b64":
        dst = inst.results[0] if inst.results else None
        if dst is None or not isinstance(dst.type, ExecType):
            return
        src = inst.uses[0] if inst.uses else None
        if (src is not None and src in J.full_execs) or (src is None and inst.imm_values().get(0) == -1):
            J.full_execs.add(dst)
