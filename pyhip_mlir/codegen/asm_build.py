"""Build one ``cdna.kernel`` from the scanned lines of a kernel (see asm_parser).

Blocks: every label and every branch target starts a block, every terminator ends
one. SSA: a per-block map from physical register ranges (and exec/vcc/scc/m0) to the
value last written there; a read of anything else is a ``cdna.get_reg``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from xdsl.dialects.builtin import (
    DictionaryAttr,
    FileLineColLoc,
    IntAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.utils.exceptions import VerifyException

from pyhip_mlir.codegen.asm_lexer import AsmParseError
from pyhip_mlir.codegen.asm_match import (
    MatchError,
    candidate_forms,
    match_form,
    unknown_mnemonic_message,
)
from pyhip_mlir.codegen.asm_meta import KernelInfo, abi_layout, kernel_args
from pyhip_mlir.codegen.asm_operands import Operand
from pyhip_mlir.codegen.asm_parser import Inst, KernelCode, Label, Scan, Where
from pyhip_mlir.dialects.cdna.inst import ImmValue, InstOp, inst_class, is_terminator_mnemonic
from pyhip_mlir.dialects.cdna.kernel import KernelOp
from pyhip_mlir.dialects.cdna.pseudo import FallthroughOp, GetRegOp
from pyhip_mlir.dialects.cdna.types import SPECIAL_TYPES, RegType, SpecialRegType, reg_type
from pyhip_mlir.dialects.cdna.verify import doc_modifiers


@dataclass
class _Block:
    labels: list[Label] = field(default_factory=list)
    insts: list[Inst] = field(default_factory=list)
    block: Block = field(default_factory=Block)


class _RegState:
    """Values currently held by physical registers, within one block.

    Indexed by register range and by single register, so a lookup or a definition
    costs the width of the range, not the number of live ranges (hundreds in big
    kernels). Ranges are unique: a range is only defined after its lookup failed
    (``read``) or after every range overlapping it was dropped.
    """

    def __init__(self) -> None:
        self.values: dict[tuple[str, int, int], SSAValue] = {}  # (file, first, n) -> value
        self.covering: dict[tuple[str, int], set[tuple[str, int, int]]] = {}  # register -> ranges
        self.special: dict[str, SSAValue] = {}

    def lookup(self, t: Attribute) -> SSAValue | None:
        if isinstance(t, SpecialRegType):
            return self.special.get(t.reg)
        assert isinstance(t, RegType)
        return self.values.get((t.file, t.first, t.nregs))

    def define(self, v: SSAValue, *, read: bool = False) -> None:
        """``v`` is now held by its register; ``read``: a get_reg, which clobbers nothing."""
        t = v.type
        if isinstance(t, SpecialRegType):
            self.special[t.reg] = v
            return
        assert isinstance(t, RegType)
        file, lo, n = t.file, t.first, t.nregs
        if not read:
            for r in range(lo, lo + n):
                for old in tuple(self.covering.get((file, r), ())):
                    self._forget(old)
        key = (file, lo, n)
        self.values[key] = v
        for r in range(lo, lo + n):
            self.covering.setdefault((file, r), set()).add(key)

    def _forget(self, key: tuple[str, int, int]) -> None:
        del self.values[key]
        file, lo, n = key
        for r in range(lo, lo + n):
            self.covering[(file, r)].discard(key)


@cache
def _file_attr(filename: str) -> StringAttr:
    return StringAttr(filename)


def _loc(filename: str, line: int, col: int) -> FileLineColLoc:
    return FileLineColLoc(_file_attr(filename), IntAttr(line), IntAttr(col))


@cache
def _reg_type(file: str, width: int, index: int) -> Attribute:
    """Types are immutable: one instance per register range keeps parsing fast."""
    if file in SPECIAL_TYPES:
        return SPECIAL_TYPES[file]()
    return reg_type(file, width, index)


def _operand_type(op: Operand) -> Attribute:
    if op.kind == "reg":
        return _reg_type(op.file, op.width, op.index)
    return _reg_type(op.text, 0, 0)


class _KernelBuilder:
    def __init__(self, code: KernelCode, scan: Scan, arch: str, filename: str):
        self.code = code
        self.scan = scan
        self.arch = arch
        self.filename = filename
        self.name = code.name or "kernel"
        self.info = scan.infos.get(self.name, KernelInfo(self.name))
        self.where = Where(code.line)

    def error(self, line: int, col: int, message: str) -> AsmParseError:
        return AsmParseError(self.filename, line, col, message)

    # --- layout -------------------------------------------------------------------

    def _items(self) -> list[Label | Inst]:
        items = list(self.code.items)
        if self.scan.objdump:
            # Code-object padding: s_nop 0 after the final s_endpgm.
            end = len(items)
            while end and isinstance(items[end - 1], Inst) and _is_pad_nop(items[end - 1]):  # type: ignore[arg-type]
                end -= 1
            if end < len(items) and end and isinstance(items[end - 1], Inst):
                if items[end - 1].mnemonic == "s_endpgm":  # type: ignore[union-attr]
                    items = items[:end]
            items = self._objdump_labels(items)
        return items

    def _objdump_labels(self, items: list[Label | Inst]) -> list[Label | Inst]:
        """Give every numeric branch target a label ``@<address>``."""
        by_addr: dict[int, int] = {}
        for i, it in enumerate(items):
            if isinstance(it, Inst) and it.info is not None:
                by_addr[it.info.address] = i
        wanted: dict[int, str] = {}
        for it in items:
            if not isinstance(it, Inst) or not is_terminator_mnemonic(it.mnemonic):
                continue
            if not self._has_label_slot(it.mnemonic):
                continue
            op = it.ops[-1] if it.ops else None
            if op is None:
                continue
            if op.kind == "int":
                target = self._target_address(it, int(op.value))
            elif op.kind == "label" and str(op.value) in self.scan.symbols:
                target = self.scan.symbols[str(op.value)]
            else:
                continue
            if target not in by_addr:
                raise self.error(
                    it.line.no,
                    op.col,
                    f"branch target 0x{target:x} is not an instruction of '{self.name}'",
                )
            op.kind, op.value = "label", f"@{target:x}"
            op.text = f"0x{target:x}"
            wanted[by_addr[target]] = f"@{target:x}"
        out: list[Label | Inst] = []
        for i, it in enumerate(items):
            if i in wanted:
                out.append(Label(wanted[i], it.line.no, 1))  # type: ignore[union-attr]
            out.append(it)
        return out

    def _has_label_slot(self, mnemonic: str) -> bool:
        forms = candidate_forms(mnemonic, self.arch)
        return any(f.operands and "label" in f.operands[-1].imm for f in forms)

    def _target_address(self, it: Inst, simm: int) -> int:
        info = it.info
        if info is not None and info.address is not None:
            off = simm - 0x10000 if simm >= 0x8000 else simm
            return info.address + 4 + 4 * off
        raise self.error(
            it.line.no, it.ops[0].col, "numeric branch target without the instruction's address"
        )

    def _blocks(self, items: list[Label | Inst]) -> list[_Block]:
        blocks: list[_Block] = [_Block()]
        for it in items:
            cur = blocks[-1]
            if isinstance(it, Label):
                if cur.insts:
                    blocks.append(_Block())
                blocks[-1].labels.append(it)
                continue
            cur.insts.append(it)
            if is_terminator_mnemonic(it.mnemonic):
                blocks.append(_Block())
        if not blocks[-1].insts and not blocks[-1].labels:
            blocks.pop()
        return blocks

    # --- kernel -------------------------------------------------------------------

    def build(self) -> KernelOp:
        items = self._items()
        if not any(isinstance(it, Inst) for it in items):
            raise self.error(self.code.line, 1, f"kernel '{self.name}' has no instructions")
        blocks = self._blocks(items)
        self.label_block: dict[str, _Block] = {}
        for b in blocks:
            for lab in b.labels:
                if lab.name in self.label_block:
                    raise self.error(lab.line, lab.col, f"label '{lab.name}' is defined twice")
                self.label_block[lab.name] = b
        targeted = self._targeted(blocks)
        if blocks[0].block in targeted:
            blocks.insert(0, _Block())  # an entry block has no predecessors
        layout = abi_layout(self.info.amdhsa) if self.info.amdhsa else None
        abi: list[str] | None = None
        entry_vals: list[SSAValue] = []
        if layout is not None:
            abi = [name for name, *_ in layout]
            for _name, file, idx, width in layout:
                t = _reg_type(file, width, idx)
                entry_vals.append(blocks[0].block.insert_arg(t, len(blocks[0].block.args)))
        for i, b in enumerate(blocks):
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            self._fill(b, nxt, entry_vals if i == 0 else [])
        return self._kernel_op([b.block for b in blocks], abi)

    def _targeted(self, blocks: list[_Block]) -> set[Block]:
        out: set[Block] = set()
        for b in blocks:
            for it in b.insts:
                for op in it.ops:
                    if op.kind == "label" and str(op.value) in self.label_block:
                        out.add(self.label_block[str(op.value)].block)
        return out

    def _kernel_op(self, blocks: list[Block], abi: list[str] | None) -> KernelOp:
        info = self.info
        args = []
        meta = info.meta or {}
        if info.meta is not None:
            args = kernel_args(info.meta, self.filename, info.meta_line)
        lds = info.amdhsa.get(
            ".amdhsa_group_segment_fixed_size", meta.get(".group_segment_fixed_size")
        )
        wg = meta.get(".reqd_workgroup_size")
        wg_size = None
        if isinstance(wg, list) and len(wg) == 3 and all(type(x) is int for x in wg):
            wg_size = [int(x) for x in wg]
        op = KernelOp(
            self.name,
            Region(blocks),
            arch=self.arch,
            args=args,
            workgroup_size=wg_size,
            lds_bytes=lds if isinstance(lds, int) and 0 <= lds < 2**32 else None,
            abi_inputs=abi,
        )
        op.location = _loc(self.filename, self.code.line, 1)
        karg = info.amdhsa.get(".amdhsa_kernarg_size", meta.get(".kernarg_segment_size"))
        if isinstance(karg, int) and 0 <= karg < 2**32:
            op.attributes["cdna.kernarg_size"] = IntegerAttr(karg, 64)
        mfwg = meta.get(".max_flat_workgroup_size")
        if isinstance(mfwg, int) and 0 <= mfwg < 2**32:
            op.attributes["cdna.max_flat_workgroup_size"] = IntegerAttr(mfwg, 64)
        if info.amdhsa:
            op.attributes["cdna.amdhsa"] = DictionaryAttr(
                {k.removeprefix(".amdhsa_"): _directive_attr(v) for k, v in info.amdhsa.items()}
            )
        return op

    # --- instructions -------------------------------------------------------------

    def _fill(self, b: _Block, nxt: _Block | None, entry_vals: list[SSAValue]) -> None:
        state = _RegState()
        for v in entry_vals:
            state.define(v)
        for it in b.insts:
            self._inst(it, b, nxt, state)
        last = b.insts[-1] if b.insts else None
        if last is None or not is_terminator_mnemonic(last.mnemonic):
            if nxt is None:
                where = (
                    last.line.no if last else (b.labels[-1].line if b.labels else self.code.line)
                )
                col = last.col if last else 1
                raise self.error(
                    where, col,
                    f"kernel '{self.name}' ends without s_endpgm, s_branch or s_setpc_b64 "
                    "(unterminated block)",
                )  # fmt: skip
            ft = FallthroughOp(nxt.block)
            if last is not None:
                ft.location = _loc(self.filename, last.line.no, last.col)
            b.block.add_op(ft)

    def _inst(self, it: Inst, b: _Block, nxt: _Block | None, state: _RegState) -> None:
        no = it.line.no
        self.where.line = no
        forms = candidate_forms(it.mnemonic, self.arch)
        if not forms:
            raise self.error(no, it.col, unknown_mnemonic_message(it.mnemonic, self.arch))
        enc = it.info.valu_encoding() if it.info is not None else None
        if enc is not None and len(forms) > 1:
            # llvm-objdump prints some encodings alike (v_nop: e32, e64 and SDWA).
            forms = [f for f in forms if f.encoding == enc] or forms
        try:
            idef, assignment = match_form(
                forms, it.ops, it.mods, it.info is not None, it.col, len(it.line.text) + 1
            )
        except MatchError as e:
            raise self.error(no, e.col, e.message) from None
        loc = _loc(self.filename, no, it.col)
        terminator = is_terminator_mnemonic(idef.mnemonic)
        docmods = doc_modifiers(idef, [x.key for x in it.mods])
        def_types: list[Attribute] = []
        uses: list[SSAValue] = []
        imm: dict[int, ImmValue] = {}
        opmods: dict[int, str] = {}
        targets: list[Block] = []
        k = 0
        for slot, op in zip(idef.operands, assignment, strict=True):
            if op is None:
                continue
            if slot.role == "def" or (
                slot.role == "both" and idef.slot_active(slot.name, docmods) is not False
            ):
                def_types.append(_operand_type(op))
            if slot.role == "def":
                continue
            if op.kind in ("reg", "special"):
                uses.append(self._read(_operand_type(op), b, state, loc))
                if op.mods:
                    opmods[k] = ",".join(op.mods)
            elif op.kind == "label" and "label" in slot.imm and terminator:
                targets.append(self._block_of(op, it))
                continue
            else:
                if op.mods:
                    raise self.error(
                        no, op.col, "source modifiers on an immediate are not supported"
                    )
                imm[k] = op.value
            k += 1
        if targets and idef.mnemonic.startswith("s_cbranch_"):
            if nxt is None:
                raise self.error(
                    no,
                    it.col,
                    f"'{it.mnemonic}' at the end of '{self.name}' has no fall-through block",
                )
            targets.append(nxt.block)
        want = idef.implicit_uses_with(docmods)
        implicit_uses = [self._read(self._special(r, it), b, state, loc) for r in want]
        implicit_defs = [self._special(r, it) for r in idef.implicit_defs]
        mods = {m.key: m.value for m in it.mods}
        op_cls = inst_class(idef.mnemonic)
        inst: InstOp = op_cls(
            defs=def_types,
            uses=uses,
            imm=imm,
            implicit_uses=implicit_uses,
            implicit_defs=implicit_defs,
            targets=targets,
            mods=mods,
            opmods=opmods,
        )
        inst.location = loc
        b.block.add_op(inst)
        for r in list(inst.defs) + list(inst.implicit_defs):
            state.define(r)

    def _special(self, name: str, it: Inst) -> SpecialRegType:
        if name not in SPECIAL_TYPES:
            raise self.error(
                it.line.no,
                it.col,
                f"the table lists an implicit '{name}', which the IR cannot model",
            )
        return _reg_type(name, 0, 0)  # type: ignore[return-value]

    def _read(self, t: Attribute, b: _Block, state: _RegState, loc: FileLineColLoc) -> SSAValue:
        v = state.lookup(t)
        if v is None:
            get = GetRegOp(t)
            get.location = loc
            b.block.add_op(get)
            v = get.res
            state.define(v, read=True)
        return v

    def _block_of(self, op: Operand, it: Inst) -> Block:
        b = self.label_block.get(str(op.value))
        if b is None:
            raise self.error(it.line.no, op.col, f"undefined label '{op.text}'")
        return b.block


def _directive_attr(v: int | str) -> Attribute:
    if isinstance(v, int) and -(2**63) <= v < 2**64:
        return IntegerAttr(v if v < 2**63 else v - 2**64, 64)
    return StringAttr(str(v))


def _is_pad_nop(it: Inst) -> bool:
    return it.mnemonic == "s_nop" and len(it.ops) == 1 and it.ops[0].value == 0


def build_kernel(
    code: KernelCode, scan: Scan, arch: str, filename: str, where: Where | None = None
) -> KernelOp:
    builder = _KernelBuilder(code, scan, arch, filename)
    if where is not None:
        builder.where = where
    return builder.build()


def _position(op: Operation, filename: str) -> tuple[int, int]:
    loc = op.location
    if isinstance(loc, FileLineColLoc):
        return loc.line.data, loc.column.data
    return 1, 1


def verify_module(module: ModuleOp, filename: str) -> None:
    """Verify every op; a failure becomes an AsmParseError at that op's line.

    Instructions were built through their constructor, so xDSL's generic operand and
    property checks hold by construction; only the table-driven check
    (:func:`verify_inst`) and the block-structure checks run for them.
    """
    for op in module.walk():
        try:
            if isinstance(op, InstOp):
                _verify_structure(op)
                op.verify_()
            else:
                op.verify(verify_nested_ops=False)
        except VerifyException as e:
            cause = e.__cause__ if isinstance(e.__cause__, VerifyException) else e
            line, col = _position(op, filename)
            msg = str(cause).split("\n")[0] if cause is not e else _first_line(str(e))
            raise AsmParseError(filename, line, col, msg) from None
        except Exception as e:  # noqa: BLE001 - diagnostics, never tracebacks
            line, col = _position(op, filename)
            raise AsmParseError(filename, line, col, f"invalid IR: {e}") from None


def _verify_structure(op: InstOp) -> None:
    block = op.parent
    if block is None:
        return
    last = block.last_op is op
    if op.successors and not last:
        raise VerifyException(f"'{op.mnemonic}' branches but does not end its block")
    if last and not is_terminator_mnemonic(op.mnemonic):
        raise VerifyException(f"'{op.mnemonic}' ends a block but is not a terminator")


def _first_line(text: str) -> str:
    for ln in text.splitlines():
        if ln.strip() and not ln.startswith(("builtin.module", "^", " ")):
            return ln.strip()
    return text.strip().splitlines()[0] if text.strip() else "verification failed"


__all__ = ["build_kernel", "verify_module"]
