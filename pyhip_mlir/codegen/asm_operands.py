"""Operands and modifiers of one AMDGPU instruction line, as LLVM spells them.

:func:`parse_operands` turns the tokens after a mnemonic into explicit operands
(registers, special registers, immediates, labels, ``hwreg(...)``-style expressions,
each with its ``neg``/``abs``/``sext`` source modifiers) followed by trailing
modifiers (``offset:16``, ``glc``, ``op_sel:[1,0]``, ``mul:2`` ...). Nothing here
knows an instruction: matching operands to the table's slots is the parser's job.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from pyhip_mlir.codegen.asm_lexer import AsmParseError, Token, parse_int

# Register files the IR allocates, with the highest index the assembler accepts.
REG_FILES: dict[str, int] = {"v": 255, "s": 101, "a": 255}
SPECIAL_NAMES = ("exec", "vcc", "scc", "m0")

# Registers the IR does not model as SSA values: passed through as string immediates.
_NAMED_REG_RE = re.compile(
    r"(vcc|exec|flat_scratch|xnack_mask|tba|tma)(_lo|_hi)?|ttmp\d+|src_\w+|off|null"
    r"|lds_direct|vccz|execz|shared_base|shared_limit|private_base|private_limit"
    r"|pops_exiting_wave_id"
)
# Which table "special" kind admits a named register.
_NAMED_CATEGORY = {
    "vcc_lo": "vcc", "vcc_hi": "vcc", "exec_lo": "exec", "exec_hi": "exec",
    "src_vccz": "vccz", "src_execz": "execz", "src_scc": "scc", "vccz": "vccz",
    "execz": "execz", "off": "off", "null": "null",
}  # fmt: skip
_EXPR_FUNCS = ("hwreg", "sendmsg", "swizzle", "gpr_idx", "sendmsg_rtn", "depctr", "delay")
_OPMOD_FUNCS = {"neg": "neg", "abs": "abs", "sext": "sext"}

# Modifiers spelled without a value.
FLAG_MODIFIERS = frozenset(
    {
        "glc", "slc", "sc0", "sc1", "nt", "gds", "lds", "offen", "idxen", "addr64",
        "clamp", "tfe", "lwe", "da", "unorm", "r128", "a16", "d16", "row_mirror",
        "row_half_mirror", "high", "vm", "done", "compr", "dlc", "scc", "fi",
    }
)  # fmt: skip

# s_waitcnt fields on the gfx9 family: (shift, width) pieces, low piece first.
WAITCNT_FIELDS: dict[str, tuple[tuple[int, int], ...]] = {
    "vmcnt": ((0, 4), (14, 2)),
    "expcnt": ((4, 3),),
    "lgkmcnt": ((8, 4),),
}


@dataclass
class Operand:
    """One explicit operand.

    kind: "reg" (file/index/width), "special" (exec, vcc, scc, m0), "named" (a register
    the IR keeps as a string: vcc_lo, off, ttmp5, src_*), "int", "float", "label" (a
    symbol), "expr" (``hwreg(...)`` and other verbatim expressions), "waitcnt".
    """

    kind: str
    text: str
    col: int
    file: str = ""
    index: int = 0
    width: int = 1
    value: int | float | str = 0
    mods: list[str] = field(default_factory=list)

    @property
    def category(self) -> str:
        """The table "special" kind a named register belongs to ("" if none)."""
        return _NAMED_CATEGORY.get(self.text, "")


@dataclass
class Modifier:
    key: str
    value: int | str | list[int] | bool
    col: int
    text: str


class _Cursor:
    def __init__(self, toks: list[Token], line: str, filename: str, no: int, end_col: int):
        self.toks = toks
        self.i = 0
        self.line = line
        self.filename = filename
        self.no = no
        self.end_col = end_col

    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def next(self) -> Token:
        tok = self.peek()
        if tok is None:
            self.error(self.end_col, "unexpected end of line")
        self.i += 1
        return tok  # type: ignore[return-value]

    def at(self, text: str, k: int = 0) -> bool:
        tok = self.peek(k)
        return tok is not None and tok.kind in ("punct", "ident") and tok.text == text

    def expect(self, text: str) -> Token:
        tok = self.peek()
        if tok is None or tok.text != text:
            col = tok.col if tok else self.end_col
            got = f"'{tok.text}'" if tok else "end of line"
            self.error(col, f"expected '{text}', got {got}")
        return self.next()

    def error(self, col: int, message: str) -> None:
        raise AsmParseError(self.filename, self.no, col, message)

    def text_from(self, start: int) -> str:
        end = self.toks[self.i - 1].end
        return self.line[start:end]

    def balanced(self) -> None:
        """Skip a parenthesised group starting at the current '('."""
        open_tok = self.expect("(")
        depth = 1
        while depth:
            tok = self.peek()
            if tok is None:
                self.error(open_tok.col, "unbalanced '('")
            self.next()
            if tok.text == "(":  # type: ignore[union-attr]
                depth += 1
            elif tok.text == ")":  # type: ignore[union-attr]
                depth -= 1


def _is_modifier_start(cur: _Cursor, *, after_operands: bool = False) -> bool:
    tok = cur.peek()
    if tok is None or tok.kind != "ident":
        return False
    if cur.at(":", 1):
        return True
    # gfx90a's `scc` cache bit is spelled like the SCC register, the image flag `a16`
    # like AGPR 16: after the operands they can only be modifiers, before a ',' only
    # operands (`v_accvgpr_mov_b32 a16, a0`).
    if not after_operands and (tok.text == "scc" or cur.at(",", 1)):
        return False
    return tok.text in FLAG_MODIFIERS


def parse_operands(
    toks: list[Token], line: str, filename: str, no: int, *, waitcnt: bool = False
) -> tuple[list[Operand], list[Modifier]]:
    """Explicit operands (comma separated) then modifiers (space separated)."""
    end_col = len(line) + 1
    cur = _Cursor(toks, line, filename, no, end_col)
    ops: list[Operand] = []
    mods: list[Modifier] = []
    if waitcnt and toks and toks[0].kind == "ident" and cur.at("(", 1):
        ops.append(_waitcnt(cur))
    elif toks and not _is_modifier_start(cur):
        ops.append(_operand(cur))
        while cur.at(","):
            cur.next()
            ops.append(_operand(cur))
    while cur.peek() is not None:
        if not _is_modifier_start(cur, after_operands=True):
            tok = cur.peek()
            assert tok is not None
            if ops and tok.kind != "ident":
                cur.error(tok.col, f"expected ',' or a modifier, got '{tok.text}'")
            cur.error(tok.col, f"unknown modifier '{tok.text}'")
        mods.append(_modifier(cur))
    return ops, mods


def _operand(cur: _Cursor) -> Operand:
    first = cur.peek()
    if first is None:
        cur.error(cur.end_col, "expected an operand")
    assert first is not None
    mods: list[str] = []
    closers: list[str] = []
    # Prefix source modifiers: -x, |x|, -|x|, neg(x), abs(x), sext(x).
    while True:
        tok = cur.peek()
        if tok is None:
            break
        nxt = cur.peek(1)
        if tok.text == "-" and nxt is not None and nxt.kind not in ("int", "float"):
            cur.next()
            mods.append("neg")
        elif tok.text == "|":
            cur.next()
            mods.append("abs")
            closers.append("|")
        elif tok.kind == "ident" and tok.text in _OPMOD_FUNCS and cur.at("(", 1):
            cur.next()
            cur.next()
            mods.append(_OPMOD_FUNCS[tok.text])
            closers.append(")")
        else:
            break
    op = _core(cur)
    for c in reversed(closers):
        cur.expect(c)
    op.mods = mods
    op.col = first.col
    return op


def _core(cur: _Cursor) -> Operand:
    tok = cur.next()
    start = tok.start
    if tok.text == "-" or tok.text == "+":
        num = cur.next()
        if num.kind not in ("int", "float"):
            cur.error(num.col, f"expected a number after '{tok.text}'")
        sign = -1 if tok.text == "-" else 1
        val: int | float = parse_int(num.text) if num.kind == "int" else float(num.text)
        return Operand(num.kind, cur.text_from(start), tok.col, value=sign * val)
    if tok.kind == "int":
        if _at_expr_op(cur):
            return _expr_rest(cur, start, tok)
        return Operand("int", tok.text, tok.col, value=parse_int(tok.text))
    if tok.kind == "float":
        return Operand("float", tok.text, tok.col, value=float(tok.text))
    if tok.kind != "ident":
        cur.error(tok.col, f"expected an operand, got '{tok.text}'")
    name = tok.text
    reg = _register(cur, tok)
    if reg is not None:
        return reg
    if name in _EXPR_FUNCS and cur.at("("):
        cur.balanced()
        return Operand("expr", cur.text_from(start), tok.col, value=cur.text_from(start))
    if name in WAITCNT_FIELDS or name.removesuffix("_sat") in WAITCNT_FIELDS:
        cur.i -= 1
        return _waitcnt(cur)
    if _NAMED_REG_RE.fullmatch(name):
        return Operand("named", name, tok.col, value=name)
    if _at_expr_op(cur):
        return _expr_rest(cur, start, tok)
    if "@" in name:
        return Operand("expr", name, tok.col, value=name)
    return Operand("label", name, tok.col, value=name)


def _at_expr_op(cur: _Cursor) -> bool:
    tok = cur.peek()
    return tok is not None and tok.kind == "punct" and tok.text in ("+", "-", "*")


def _expr_rest(cur: _Cursor, start: int, first: Token) -> Operand:
    while _at_expr_op(cur):
        cur.next()
        t = cur.next()
        if t.kind not in ("int", "ident"):
            cur.error(t.col, f"unexpected '{t.text}' in an expression")
    text = cur.text_from(start)
    return Operand("expr", text, first.col, value=text)


_REG_NAME_RE = re.compile(r"(v|s|a|acc|ttmp)(\d+)?")


def _register(cur: _Cursor, tok: Token) -> Operand | None:
    name = tok.text
    if name in SPECIAL_NAMES:
        return Operand("special", name, tok.col, value=name)
    m = _REG_NAME_RE.fullmatch(name)
    if m is None:
        return None
    prefix, digits = m.group(1), m.group(2)
    file = "a" if prefix == "acc" else prefix
    if digits is not None:
        lo = hi = int(digits)
    elif cur.at("["):
        cur.next()
        lo_tok = cur.next()
        if lo_tok.kind != "int":
            cur.error(
                lo_tok.col, f"bad register syntax: expected a register index, got '{lo_tok.text}'"
            )
        lo = hi = parse_int(lo_tok.text)
        if cur.at(":"):
            cur.next()
            hi_tok = cur.next()
            if hi_tok.kind != "int":
                cur.error(
                    hi_tok.col,
                    f"bad register syntax: expected a register index, got '{hi_tok.text}'",
                )
            hi = parse_int(hi_tok.text)
        if not cur.at("]"):
            tok2 = cur.peek()
            cur.error(
                tok2.col if tok2 else cur.end_col,
                f"bad register syntax: expected ']' in {name}[...]",
            )
        cur.next()
    else:
        return None
    text = cur.text_from(tok.start)
    if hi < lo:
        cur.error(tok.col, f"bad register range '{text}': the last register precedes the first")
    if file == "ttmp":
        return Operand("named", text, tok.col, value=text)
    limit = REG_FILES[file]
    if hi > limit:
        cur.error(tok.col, f"bad register '{text}': {file}-registers are {file}0..{file}{limit}")
    if hi - lo + 1 > 32:
        cur.error(tok.col, f"bad register range '{text}': at most 32 registers")
    return Operand("reg", text, tok.col, file=file, index=lo, width=hi - lo + 1)


def _waitcnt(cur: _Cursor) -> Operand:
    """``vmcnt(0) lgkmcnt(1)`` (separated by spaces, '&' or ','): the simm16 value."""
    first = cur.peek()
    assert first is not None
    value = 0  # unspecified counters: their maximum (no wait)
    for pieces in WAITCNT_FIELDS.values():
        for shift, width in pieces:
            value |= ((1 << width) - 1) << shift
    seen: set[str] = set()
    while True:
        tok = cur.next()
        name = tok.text.removesuffix("_sat")
        if tok.kind != "ident" or name not in WAITCNT_FIELDS:
            cur.error(tok.col, f"expected vmcnt, expcnt or lgkmcnt, got '{tok.text}'")
        if name in seen:
            cur.error(tok.col, f"{name} is given twice")
        seen.add(name)
        cur.expect("(")
        num = cur.next()
        if num.kind != "int":
            cur.error(num.col, f"expected a count, got '{num.text}'")
        count = parse_int(num.text)
        cur.expect(")")
        pieces = WAITCNT_FIELDS[name]
        limit = (1 << sum(w for _, w in pieces)) - 1
        if count > limit:
            if not tok.text.endswith("_sat"):
                cur.error(num.col, f"{name}({count}) is out of range (0..{limit})")
            count = limit
        shift_in = 0
        for shift, width in pieces:
            mask = (1 << width) - 1
            value &= ~(mask << shift)
            value |= ((count >> shift_in) & mask) << shift
            shift_in += width
        if cur.at("&") or cur.at(","):
            cur.next()
        nxt = cur.peek()
        if (
            nxt is None
            or nxt.kind != "ident"
            or nxt.text.removesuffix("_sat") not in WAITCNT_FIELDS
        ):
            break
    return Operand("waitcnt", cur.text_from(first.start), first.col, value=value)


def _modifier(cur: _Cursor) -> Modifier:
    tok = cur.next()
    key = tok.text
    if not cur.at(":"):
        return Modifier(key, True, tok.col, key)
    cur.next()
    value: int | str | list[int]
    vtok = cur.peek()
    if vtok is None:
        cur.error(cur.end_col, f"expected a value after '{key}:'")
    assert vtok is not None
    if vtok.text == "[":
        start = vtok.start
        cur.next()
        items: list[Token] = []
        while not cur.at("]"):
            t = cur.next()
            if t.text != ",":
                items.append(t)
        cur.next()
        if all(t.kind == "int" for t in items):
            value = [parse_int(t.text) for t in items]
        else:
            value = cur.text_from(start)
    elif vtok.text == "-" or vtok.kind == "int":
        neg = vtok.text == "-"
        if neg:
            cur.next()
        num = cur.next()
        if num.kind != "int":
            cur.error(num.col, f"expected an integer after '{key}:'")
        value = -parse_int(num.text) if neg else parse_int(num.text)
    elif vtok.kind == "ident":
        start = vtok.start
        cur.next()
        if cur.at("("):
            cur.balanced()
        value = cur.text_from(start)
    else:
        cur.error(vtok.col, f"bad value '{vtok.text}' for modifier '{key}'")
        raise AssertionError
    if key in ("mul", "div"):
        return Modifier("omod", f"{key}:{value}", tok.col, cur.text_from(tok.start))
    return Modifier(key, value, tok.col, cur.text_from(tok.start))


# --- inline constants -----------------------------------------------------------------

_INLINE_FLOATS = (0.0, 0.5, 1.0, 2.0, 4.0)
_INV_2PI = 0.15915494309189535
_INLINE_FLOAT_BITS = frozenset(
    {
        0x3F000000, 0xBF000000, 0x3F800000, 0xBF800000, 0x40000000, 0xC0000000,
        0x40800000, 0xC0800000, 0x3E22F983,  # f32
        0x3800, 0xB800, 0x3C00, 0xBC00, 0x4000, 0xC000, 0x4400, 0xC400, 0x3118,  # f16
    }
)  # fmt: skip


def is_inline_int(v: int) -> bool:
    return -16 <= v <= 64 or v in _INLINE_FLOAT_BITS


def is_inline_float(v: float) -> bool:
    a = abs(v)
    return a in _INLINE_FLOATS or math.isclose(v, _INV_2PI, rel_tol=1e-7)
