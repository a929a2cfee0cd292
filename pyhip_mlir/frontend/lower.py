"""Expression lowering: an :class:`~.expr.Expr` tree to SALU or VALU instructions.

The register file follows the operands: any vector (VGPR/AGPR) leaf makes the whole
expression VALU, otherwise it is SALU. The dtype follows C's usual conversions among
the operands' dtypes (unsigned wins over signed, 64-bit over 32-bit); constants take
the other operand's type. Integer semantics are exact two's complement at 32 or 64
bits (no 24-bit multiplies; ``v_mul_lo_u32`` is used when the operands' range is not
known). Compares give SCC (scalar) or a lane mask in an SGPR pair (vector); used as
a number they are 0 or 1, as in C.

Shift counts that are registers use the hardware's low 5 (6 for 64-bit) bits; constant
counts of at least the width give what C would for an infinitely wide shift (0, or the
sign for an arithmetic right shift). ``//`` and ``%`` on signed integers truncate
toward zero as in C and HIP (pyhip's meaning); see :mod:`.divide`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xdsl.ir import SSAValue

from pyhip_mlir.codegen.asm_operands import is_inline_int
from pyhip_mlir.frontend.dtypes import FLOAT_TYPES, SIGNED, constant_dwords
from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.frontend.expr import COMPARE_OPS, Expr
from pyhip_mlir.frontend.gpr import GPRs, Ref
from pyhip_mlir.frontend.instr import Dst, Val
from pyhip_mlir.frontend.loc import Loc

if TYPE_CHECKING:
    from pyhip_mlir.frontend.builder import JIT

MASK_OPS = {"&": "s_and_b64", "|": "s_or_b64", "^": "s_xor_b64"}  # on two lane masks


@dataclass(frozen=True, slots=True)
class Value:
    """An evaluated (sub)expression.

    file: "s" | "v" | "a" for register values, "scc" for a scalar compare (value is
    the SCC value), "mask" for a vector compare (a 64-bit lane mask in SGPRs).
    """

    value: SSAValue
    file: str
    dtype: str
    width: int

    def val(self) -> Val:
        return Val(self.value, "s" if self.file in ("scc", "mask") else self.file, self.width)


Operand = Value | int | float


def signed32(w: int) -> int:
    """A 32-bit pattern as the signed int the assembler shows it as (0xffffffff -> -1)."""
    w &= 0xFFFFFFFF
    return w - (1 << 32) if w & 0x80000000 else w


def _bits(dtype: str) -> int:
    return 64 if dtype in ("i64", "u64", "f64") else 32


def combine_dtypes(a: str | None, b: str | None) -> str:
    """C's usual arithmetic conversions over the DSL's dtypes (None: a constant)."""
    ds = [d for d in (a, b) if d is not None]
    if not ds:
        return "i32"
    for f in ("f64", "f32", "fp16x2", "bf16x2"):
        if f in ds:
            return f
    wide = any(_bits(d) == 64 for d in ds)
    unsigned = any(d.startswith("u") for d in ds) or any(d not in SIGNED and not d.startswith("u")
                                                           for d in ds)
    if wide:
        return "u64" if unsigned and not all(d in SIGNED for d in ds if _bits(d) == 64) else "i64"
    return "u32" if unsigned else "i32"


class Lowering:
    """Per-expression context: the builder, the location, the target file."""

    def __init__(self, J: JIT, loc: Loc | None):
        self.J = J
        self.loc = loc

    # --- emission helpers ---------------------------------------------------------------

    def op(self, mnemonic: str, file: str, width: int, *srcs: Any, **mods: Any) -> SSAValue:
        """Emit ``mnemonic dst, *srcs`` with a fresh destination; returns it."""
        ops = [s.val() if isinstance(s, Value) else s for s in srcs]
        return self.J._op(mnemonic, Dst(file, width), *ops, loc=self.loc, **mods)[0]

    def op_no_dst(self, mnemonic: str, *srcs: Any) -> None:
        ops = [s.val() if isinstance(s, Value) else s for s in srcs]
        self.J._op(mnemonic, *ops, loc=self.loc)

    def scc(self) -> SSAValue:
        return self.J._read_special("scc", self.loc)

    def const32(self, c: int | float, dtype: str) -> int:
        if isinstance(c, float):
            return signed32(constant_dwords(c, dtype, 1)[0])
        return signed32(c)

    def vgpr(self, x: Operand, dtype: str) -> Value:
        """``x`` in a VGPR (moves SGPRs, constants, AGPRs and compares)."""
        if isinstance(x, Value):
            if x.file == "v":
                return x
            v = to_file(self.J, x, "v", self.loc)
            return Value(v, "v", x.dtype if x.file not in ("scc", "mask") else "i32", x.width)
        if _bits(dtype) == 64:
            lo, hi = constant_dwords(x, dtype, 2)
            a = self.op("v_mov_b32", "v", 1, signed32(lo))
            b = self.op("v_mov_b32", "v", 1, signed32(hi))
            return Value(self.J._build([a, b], "v"), "v", dtype, 2)
        return Value(self.op("v_mov_b32", "v", 1, self.const32(x, dtype)), "v", dtype, 1)

    def sgpr(self, x: Operand, dtype: str) -> Value:
        if isinstance(x, Value):
            if x.file == "s":
                return x
            return Value(to_file(self.J, x, "s", self.loc), "s", x.dtype, x.width)
        if _bits(dtype) == 64:
            return Value(self.op("s_mov_b64", "s", 2, _const64(x, dtype)), "s", dtype, 2)
        return Value(self.op("s_mov_b32", "s", 1, self.const32(x, dtype)), "s", dtype, 1)

    def halves(self, x: Operand, dtype: str) -> tuple[Operand, Operand]:
        """Low and high dwords of a 64-bit operand (constants split, 32-bit extended)."""
        if not isinstance(x, Value):
            lo, hi = constant_dwords(int(x), dtype, 2)
            return signed32(lo), signed32(hi)
        if x.width == 2:
            return (Value(self.J._extract(x.value, 0, x.file), x.file, "u32", 1),
                    Value(self.J._extract(x.value, 1, x.file), x.file, "u32", 1))
        if x.dtype in SIGNED:  # sign-extend a 32-bit operand
            if x.file == "s":
                hi = self.op("s_ashr_i32", "s", 1, x, 31)
            else:
                hi = self.op("v_ashrrev_i32", "v", 1, 31, x)
            return x, Value(hi, x.file, "u32", 1)
        return x, 0

    # --- evaluation -------------------------------------------------------------------

    def eval(self, e: Any) -> Operand:
        if isinstance(e, GPRs):
            e = e.to_expr()
        if isinstance(e, Ref):
            v = self.J._read_ref(e, self.loc)
            file = e.file
            if file == "a":
                if e.width != 1:
                    v = self.J._agpr_to_vgpr(v, e.width, self.loc)
                else:
                    v = self.J._op("v_accvgpr_read_b32", Dst("v"), Val(v, "a", 1), loc=self.loc)[0]
                file = "v"
            return Value(v, file, e.dtype, e.width)
        if isinstance(e, bool):
            return int(e)
        if isinstance(e, int | float):
            return e
        if isinstance(e, Value):
            return e
        if not isinstance(e, Expr):
            raise DSLError(f"{type(e).__name__} {e!r} is not a register, expression or constant",
                           self.loc)
        if e.op in MASK_OPS and len(e.args) == 2:
            return self._mask_logic(e)
        # A compare used as a number becomes 0/1 right away: SCC is one register, so
        # the next operand's compare must not be evaluated while this one is pending.
        args = [self.number(self.eval(a)) for a in e.args]
        if e.op in COMPARE_OPS:
            return self.compare(e.op, args[0], args[1])
        if len(args) == 1:
            return self.unary(e.op, args[0])
        return self.binary(e.op, args[0], args[1])

    def _mask_logic(self, e: Expr) -> Operand:
        """``&``, ``|``, ``^`` of two vector compares combine their lane masks with one
        SALU instruction (the same lanes as 0/1 arithmetic on VGPRs, three VALU
        instructions fewer); anything else is arithmetic on numbers."""
        a = self.eval(e.args[0])
        if isinstance(a, Value) and a.file == "mask":
            b = self.eval(e.args[1])
            if isinstance(b, Value) and b.file == "mask":
                return Value(self.op(MASK_OPS[e.op], "s", 2, a, b), "mask", "i32", 2)
            return self.binary(e.op, self.number(a), self.number(b))
        a = self.number(a)
        return self.binary(e.op, a, self.number(self.eval(e.args[1])))

    def file_of(self, *xs: Operand) -> str:
        return "v" if any(isinstance(x, Value) and x.file in ("v", "a", "mask") for x in xs) else "s"

    def dtype_of(self, *xs: Operand) -> str:
        ds = [x.dtype if x.file not in ("scc", "mask") else "i32" for x in xs if isinstance(x, Value)]
        if not ds:
            return "f32" if any(isinstance(x, float) for x in xs) else "i32"
        d = ds[0]
        for o in ds[1:]:
            d = combine_dtypes(d, o)
        if any(isinstance(x, float) for x in xs) and d not in FLOAT_TYPES:
            raise DSLError(f"a float constant in integer ({d}) arithmetic: write an int, or use "
                           "float registers", self.loc)
        return d

    def number(self, x: Operand) -> Operand:
        """A compare result as 0/1; anything else unchanged."""
        if isinstance(x, Value) and x.file in ("scc", "mask"):
            return Value(to_file(self.J, x, "v" if x.file == "mask" else "s", self.loc),
                         "v" if x.file == "mask" else "s", "i32", 1)
        return x

    def unary(self, op: str, x: Operand) -> Operand:
        x = self.number(x)
        if not isinstance(x, Value):
            if op == "neg":
                return -x
            if op == "abs":
                return abs(x)
            return ~int(x)
        d = x.dtype
        if d in FLOAT_TYPES:
            from pyhip_mlir.frontend import floats

            return floats.unary(self, op, x)
        if op == "abs" and d not in SIGNED:
            return x  # an unsigned value is its own magnitude
        if _bits(d) == 64:
            if op == "~":
                lo, hi = self.halves(x, d)
                return self._pair(self.binary("^", lo, -1), self.binary("^", hi, -1), d)
            if op == "neg":
                return self.binary("-", 0, x)
            neg = self.binary("-", 0, x)
            return self.select_ge0(x, x, neg, d)  # type: ignore[arg-type]
        if op == "~":
            return Value(self.op("s_not_b32" if x.file == "s" else "v_not_b32", x.file, 1, x), x.file, d, 1)
        if op == "neg":
            return self.binary("-", 0, x)
        if x.file == "s":
            return Value(self.op("s_abs_i32", "s", 1, x), "s", d, 1)
        neg = self.op("v_sub_u32", "v", 1, 0, x)
        return Value(self.op("v_max_i32", "v", 1, x, Value(neg, "v", d, 1)), "v", d, 1)

    def compare64_scalar(self, op: str, a: Operand, b: Operand, d: str) -> Value:
        return _compare64_scalar(self, op, a, b, d)

    def select_ge0(self, x: Value, a: Value, b: Value, d: str) -> Value:
        """x >= 0 ? a : b (64-bit)."""
        c = self.compare("ge", x, 0)
        return self.select(c, a, b, d)

    def select(self, c: Value, a: Operand, b: Operand, d: str) -> Value:
        """c ? a : b, dword by dword. A scalar ``c`` must be the last SCC written, and
        ``a``/``b`` registers (or inline constants) already, so nothing clobbers it."""
        if c.file == "scc":
            self.J._write_special("scc", c.value)
            if _bits(d) == 64:
                return Value(self.op("s_cselect_b64", "s", 2, _as64(self, a, d), _as64(self, b, d)), "s", d, 2)
            return Value(self.op("s_cselect_b32", "s", 1, a if isinstance(a, Value) else self.const32(a, d),
                                 b if isinstance(b, Value) else self.const32(b, d)), "s", d, 1)
        alo, ahi = self.halves(a, d) if _bits(d) == 64 else (a, None)
        blo, bhi = self.halves(b, d) if _bits(d) == 64 else (b, None)
        lo = self.cndmask(c, blo, alo)
        if ahi is None:
            return Value(lo, "v", d, 1)
        hi = self.cndmask(c, bhi, ahi)
        return Value(self.J._build([lo, hi], "v"), "v", d, 2)

    def cndmask(self, mask: Value, if0: Operand, if1: Operand) -> SSAValue:
        a = if0 if isinstance(if0, Value) or is_inline_int(int(if0)) else self.vgpr(if0, "u32")
        b = if1 if isinstance(if1, Value) or is_inline_int(int(if1)) else self.vgpr(if1, "u32")
        if isinstance(a, Value) and a.file == "s" and isinstance(b, Value) and b.file == "s":
            b = self.vgpr(b, "u32")
        return self.op("v_cndmask_b32_e64", "v", 1, a, b, mask.val())

    def _pair(self, lo: Operand, hi: Operand, d: str) -> Value:
        file = self.file_of(lo, hi)
        parts = []
        for h in (lo, hi):
            if isinstance(h, Value):
                parts.append(h if h.file == file else self.vgpr(h, "u32"))
            else:
                parts.append(self.vgpr(h, "u32") if file == "v" else self.sgpr(h, "u32"))
        return Value(self.J._build([p.value for p in parts], file), file, d, 2)  # type: ignore[union-attr]

    # --- binary integer ops ----------------------------------------------------------

    def binary(self, op: str, a: Operand, b: Operand) -> Operand:
        a, b = self.number(a), self.number(b)
        if not isinstance(a, Value) and not isinstance(b, Value):
            return _fold(op, a, b, self.loc)
        d = self.dtype_of(a, b)
        if d in FLOAT_TYPES:
            from pyhip_mlir.frontend import floats

            return floats.binary(self, op, a, b, d)
        if op in ("//", "%"):
            from pyhip_mlir.frontend import divide

            return divide.divmod_(self, op, a, b, d)
        if op == "/":
            raise DSLError("'/' on integer registers: use '//' (C division, truncating)", self.loc)
        if _bits(d) == 64:
            return self.binary64(op, a, b, d)
        file = self.file_of(a, b)
        if op in ("<<", ">>"):
            return self.shift(op, a, b, d, file)
        if op == "*" and isinstance(b, int) and b > 0 and b & (b - 1) == 0:
            return self.shift("<<", a, b.bit_length() - 1, d, file)
        if op == "*" and isinstance(a, int) and a > 0 and a & (a - 1) == 0:
            return self.shift("<<", b, a.bit_length() - 1, d, file)
        if file == "s":
            mn = {"+": "s_add_u32", "-": "s_sub_u32", "*": "s_mul_i32", "&": "s_and_b32",
                  "|": "s_or_b32", "^": "s_xor_b32"}[op]
            return Value(self.op(mn, "s", 1, self._s(a, d), self._s(b, d)), "s", d, 1)
        if op == "*":
            srcs = self._vop3(a, b, d=d)
            return Value(self.op("v_mul_lo_u32", "v", 1, *srcs), "v", d, 1)
        if op == "-":
            if isinstance(b, Value) and b.file in ("v", "a"):
                x, y = self._vop2(a, b, d)
                return Value(self.op("v_sub_u32", "v", 1, x, y), "v", d, 1)
            x, y = self._vop2(b, a, d)  # a - b = subrev(b, a)
            return Value(self.op("v_subrev_u32", "v", 1, x, y), "v", d, 1)
        mn = {"+": "v_add_u32", "&": "v_and_b32", "|": "v_or_b32", "^": "v_xor_b32"}[op]
        if isinstance(a, Value) and a.file == "v" and not (isinstance(b, Value) and b.file == "v"):
            a, b = b, a
        x, y = self._vop2(a, b, d)
        return Value(self.op(mn, "v", 1, x, y), "v", d, 1)

    def _s(self, x: Operand, d: str) -> Any:
        return x if isinstance(x, Value) else self.const32(x, d)

    def _vop2(self, a: Operand, b: Operand, d: str) -> tuple[Any, Any]:
        """Operands of an e32 VALU op: src1 must be a VGPR, src0 anything (one SGPR)."""
        if not (isinstance(b, Value) and b.file == "v"):
            b = self.vgpr(b, d)
        return (a if isinstance(a, Value) else self.const32(a, d)), b

    def _vop3(self, *xs: Operand, d: str = "u32") -> list[Any]:
        """Operands of a VOP3-only op: no literal constants, at most one SGPR."""
        out: list[Any] = []
        sgpr_seen: SSAValue | None = None
        for x in xs:
            if not isinstance(x, Value):
                c = self.const32(x, d)
                out.append(c if is_inline_int(c) else self.vgpr(c, d))
            elif x.file == "s":
                if sgpr_seen is None or sgpr_seen is x.value:
                    sgpr_seen = x.value
                    out.append(x)
                else:
                    out.append(self.vgpr(x, d))
            else:
                out.append(x)
        return out

    def shift(self, op: str, a: Operand, b: Operand, d: str, file: str) -> Operand:
        signed = d in SIGNED
        if isinstance(b, int):
            if b < 0:
                raise DSLError(f"shift by a negative constant ({b})", self.loc)
            if b >= 32:
                if op == ">>" and signed:
                    b = 31
                else:
                    return 0
            if b == 0:
                return a
        if not isinstance(a, Value):
            a = self.sgpr(a, d) if file == "s" else self.vgpr(a, d)
        if file == "s":
            mn = "s_lshl_b32" if op == "<<" else "s_ashr_i32" if signed else "s_lshr_b32"
            return Value(self.op(mn, "s", 1, a, b), "s", d, 1)
        mn = "v_lshlrev_b32" if op == "<<" else "v_ashrrev_i32" if signed else "v_lshrrev_b32"
        if a.file != "v":  # e32 needs the shifted value in a VGPR
            a = self.vgpr(a, d)
        return Value(self.op(mn, "v", 1, b, a), "v", d, 1)

    # --- 64-bit ------------------------------------------------------------------------

    def binary64(self, op: str, a: Operand, b: Operand, d: str) -> Operand:
        file = self.file_of(a, b)
        if op in ("<<", ">>"):
            return self.shift64(op, a, b, d, file)
        if op == "*":
            return self.mul64(a, b, d, file)
        alo, ahi = self.halves(a, d)
        blo, bhi = self.halves(b, d)
        if op in ("&", "|", "^"):
            return self._pair(self.binary(op, alo, blo), self.binary(op, ahi, bhi), d)
        if file == "s":
            lo_mn, hi_mn = ("s_add_u32", "s_addc_u32") if op == "+" else ("s_sub_u32", "s_subb_u32")
            lo = self.op(lo_mn, "s", 1, self._s(alo, "u32"), self._s(blo, "u32"))
            hi = self.op(hi_mn, "s", 1, self._s(ahi, "u32"), self._s(bhi, "u32"))
            return Value(self.J._build([lo, hi], "s"), "s", d, 2)
        lo_mn, hi_mn = ("v_add_co_u32", "v_addc_co_u32") if op == "+" else ("v_sub_co_u32", "v_subb_co_u32")
        if op == "+" and not (isinstance(blo, Value) and blo.file == "v"):
            alo, blo, ahi, bhi = blo, alo, bhi, ahi
        x, y = self._vop2(alo, blo, "u32")
        lo = self.op(lo_mn, "v", 1, "vcc", x, y)
        hx = ahi if isinstance(ahi, Value) and ahi.file != "s" else (
            self.const32(ahi, "u32") if not isinstance(ahi, Value) else ahi)
        hy = bhi if isinstance(bhi, Value) and bhi.file == "v" else self.vgpr(bhi, "u32")
        if isinstance(hx, Value) and hx.file == "s":
            hx = self.vgpr(hx, "u32")  # the carry-in (vcc) already uses the constant bus
        if isinstance(hx, int) and not is_inline_int(hx):
            hx = self.vgpr(hx, "u32")
        hi = self.op(hi_mn, "v", 1, "vcc", hx, hy, "vcc")
        return Value(self.J._build([lo, hi], "v"), "v", d, 2)

    def shift64(self, op: str, a: Operand, b: Operand, d: str, file: str) -> Operand:
        signed = d in SIGNED
        if isinstance(b, int):
            if b >= 64:
                if op == ">>" and signed:
                    b = 63
                else:
                    return 0
            if b == 0:
                return a
        a = _as64v(self, a, d, file)
        if file == "s":
            mn = "s_lshl_b64" if op == "<<" else "s_ashr_i64" if signed else "s_lshr_b64"
            return Value(self.op(mn, "s", 2, a, b if not isinstance(b, Value) else b), "s", d, 2)
        mn = "v_lshlrev_b64" if op == "<<" else "v_ashrrev_i64" if signed else "v_lshrrev_b64"
        amount = b if not isinstance(b, Value) or b.width == 1 else Value(
            self.J._extract(b.value, 0, b.file), b.file, "u32", 1)
        return Value(self.op(mn, "v", 2, amount, a), "v", d, 2)

    def mul64(self, a: Operand, b: Operand, d: str, file: str) -> Operand:
        if isinstance(b, int) and b > 0 and b & (b - 1) == 0:
            return self.shift64("<<", a, b.bit_length() - 1, d, file)
        alo, ahi = self.halves(a, d)
        blo, bhi = self.halves(b, d)
        lo = self.binary("*", alo, blo)
        if file == "s":
            carry = Value(self.op("s_mul_hi_u32", "s", 1, self._s(alo, "u32"), self._s(blo, "u32")), "s", "u32", 1)
        else:
            carry = Value(self.op("v_mul_hi_u32", "v", 1, *self._vop3(alo, blo)), "v", "u32", 1)
        hi = self.binary("+", self.binary("+", carry, self.binary("*", alo, bhi)), self.binary("*", ahi, blo))
        return self._pair(lo, hi, d)

    # --- compares --------------------------------------------------------------------

    def compare(self, op: str, a: Operand, b: Operand) -> Value:
        a, b = self.number(a), self.number(b)
        if not isinstance(a, Value) and not isinstance(b, Value):
            r = _fold_compare(op, a, b)
            a = self.sgpr(int(r), "i32")
            b = 0
            op = "ne"
        if not isinstance(a, Value):
            a, b = b, a
            op = {"lt": "gt", "gt": "lt", "le": "ge", "ge": "le"}.get(op, op)
        d = self.dtype_of(a, b)
        file = self.file_of(a, b)
        if d in FLOAT_TYPES:
            from pyhip_mlir.frontend import floats

            return floats.compare(self, op, a, b, d)
        t = {"i32": "i32", "u32": "u32", "i64": "i64", "u64": "u64"}.get(d, "u32")
        if file == "s":
            sop = "lg" if op == "ne" else op
            if _bits(d) == 64:
                if op not in ("eq", "ne"):
                    return self.compare64_scalar(op, a, b, d)
                self.op_no_dst(f"s_cmp_{sop}_u64", _as64(self, a, d), _as64(self, b, d))
            else:
                self.op_no_dst(f"s_cmp_{sop}_{t}", a, self._s(b, d))
            return Value(self.scc(), "scc", "i32", 1)
        if _bits(d) == 64:
            srcs = [_as64v(self, a, d, "v"), _as64v(self, b, d, "v")]
        else:
            srcs = self._vop3(a, b, d=d)
        return Value(self.op(f"v_cmp_{op}_{t}_e64", "s", 2, *srcs), "mask", "i32", 2)


def _compare64_scalar(L: Lowering, op: str, a: Operand, b: Operand, d: str) -> Value:
    """An ordered 64-bit compare on the SALU (which compares 64-bit only for (in)equality):
    the borrow of a - b is a < b; signed compares flip the sign bits first."""
    invert = op in ("le", "ge")
    if op in ("gt", "le"):
        a, b = b, a
    alo, ahi = L.halves(a, d)
    blo, bhi = L.halves(b, d)
    if d in SIGNED:
        ahi = L.binary("^", ahi, -0x80000000)
        bhi = L.binary("^", bhi, -0x80000000)
        if not isinstance(ahi, Value):
            ahi = signed32(ahi)
        if not isinstance(bhi, Value):
            bhi = signed32(bhi)
    ops = [x if isinstance(x, Value) else signed32(int(x)) for x in (alo, blo, ahi, bhi)]
    L.op("s_sub_u32", "s", 1, ops[0], ops[1])
    L.op("s_subb_u32", "s", 1, ops[2], ops[3])
    if invert:
        t = L.op("s_cselect_b32", "s", 1, 1, 0)
        L.op_no_dst("s_cmp_eq_u32", Value(t, "s", "i32", 1), 0)
    return Value(L.scc(), "scc", "i32", 1)


def _const64(x: int | float, dtype: str) -> int:
    lo, hi = constant_dwords(x, dtype, 2)
    v = lo | (hi << 32)
    return v - (1 << 64) if v >> 63 else v


def _as64(L: Lowering, x: Operand, d: str) -> Any:
    if isinstance(x, Value):
        if x.width == 2:
            return x
        lo, hi = L.halves(x, d)
        return L._pair(lo, hi, d)
    c = _const64(x, d)
    return c if is_inline_int(c) else L.sgpr(x, d)


def _as64v(L: Lowering, x: Operand, d: str, file: str) -> Value:
    if isinstance(x, Value) and x.width == 2:
        return x if file == "s" or x.file == "v" else L._pair(*L.halves(x, d), d)
    lo, hi = L.halves(x, d)
    return L._pair(lo, hi, d) if file == "v" or isinstance(lo, Value) else L.sgpr(x, d)  # type: ignore[arg-type]


def _fold(op: str, a: Any, b: Any, loc: Loc | None) -> Any:
    """An op on two Python constants, with the DSL's meaning (C division)."""
    ints = isinstance(a, int) and isinstance(b, int)
    try:
        if op in ("//", "%") and ints:
            q = abs(a) // abs(b)  # exact at any size, truncated toward zero
            q = -q if (a < 0) != (b < 0) else q
            return q if op == "//" else a - b * q
        fn = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "&": lambda: a & b,
              "|": lambda: a | b, "^": lambda: a ^ b, "<<": lambda: a << b, ">>": lambda: a >> b,
              "/": lambda: a / b, "//": lambda: a // b, "%": lambda: a % b}.get(op)
        if fn is not None:
            return fn()
    except ZeroDivisionError:
        raise DSLError("division by zero in a constant expression", loc) from None
    raise DSLError(f"'{op}' on constants {a!r}, {b!r}", loc)


def _fold_compare(op: str, a: Any, b: Any) -> bool:
    return {"eq": a == b, "ne": a != b, "lt": a < b, "le": a <= b, "gt": a > b, "ge": a >= b}[op]


# --- entry points used by the builder ----------------------------------------------------

def evaluate(J: JIT, expr: Any, loc: Loc | None, dst_file: str | None = None,
             dst_dtype: str | None = None) -> Value:
    """Evaluate ``expr`` to a register value (constants are materialized)."""
    L = Lowering(J, loc)
    r = L.eval(expr)
    if not isinstance(r, Value):
        d = dst_dtype if dst_dtype in ("i32", "u32", "f32", "i64", "u64", "f64", "fp16x2", "bf16x2") else (
            "f32" if isinstance(r, float) else "i32")
        r = L.vgpr(r, d) if dst_file in ("v", "a") else L.sgpr(r, d)  # type: ignore[arg-type]
    return r


def to_file(J: JIT, val: Value, file: str, loc: Loc | None) -> SSAValue:
    """The SSA value of ``val`` in register file ``file`` (moves and 0/1 of compares)."""
    if val.file == file:
        return val.value
    L = Lowering(J, loc)
    if val.file == "scc":
        J._write_special("scc", val.value)
        s = L.op("s_cselect_b32", "s", 1, 1, 0)
        return s if file == "s" else to_file(J, Value(s, "s", "i32", 1), file, loc)
    if val.file == "mask":
        if file == "s" and val.width == 2:
            return val.value
        v = L.op("v_cndmask_b32_e64", "v", 1, 0, 1, val.val())
        return v if file == "v" else to_file(J, Value(v, "v", "i32", 1), file, loc)
    if file == "v" and val.file == "s":
        parts = [L.op("v_mov_b32", "v", 1, Val(J._extract(val.value, k, "s") if val.width > 1 else val.value, "s", 1))
                 for k in range(val.width)]
        return parts[0] if len(parts) == 1 else J._build(parts, "v")
    if file == "v" and val.file == "a":
        return J._agpr_to_vgpr(val.value, val.width, loc)
    if file == "a" and val.file in ("v", "s"):
        v = to_file(J, val, "v", loc) if val.file == "s" else val.value
        parts = [L.op("v_accvgpr_write_b32", "a", 1, Val(J._extract(v, k, "v") if val.width > 1 else v, "v", 1))
                 for k in range(val.width)]
        return parts[0] if len(parts) == 1 else J._build(parts, "a")
    raise DSLError("a per-lane (vector) value cannot go into a scalar register: use "
                   "J.v_readfirstlane_b32 to copy one lane", loc)


def condition_scc(J: JIT, cond: Any, loc: Loc | None, what: str) -> SSAValue:
    """SCC that holds when the scalar condition ``cond`` does."""
    if isinstance(cond, str):
        if cond == "scc":
            return J._read_special("scc", loc, what)
        raise DSLError(f"{what}: condition {cond!r}; use an expression or 'scc'", loc)
    if isinstance(cond, bool):
        return J._scc_const(cond, loc)
    L = Lowering(J, loc)
    r = L.eval(cond)
    if not isinstance(r, Value):
        return J._scc_const(bool(r), loc)
    if r.file == "scc":
        return r.value
    if r.file in ("v", "mask", "a"):
        raise DSLError(f"{what}: the condition is per lane (it reads vector registers); a branch "
                       "needs one value per wave: use J.ExecMask(cond) to run a block on the lanes "
                       "where it holds, or reduce it to a scalar first", loc)
    L.compare("ne", r, 0)
    return L.scc()


def lane_mask(J: JIT, cond: Any, loc: Loc | None) -> Any:
    """An operand holding the 64-bit lane mask of a vector condition."""
    if isinstance(cond, str) and cond in ("vcc", "exec"):
        return cond
    if isinstance(cond, GPRs):
        cond = cond.to_expr()
    if isinstance(cond, Ref) and cond.file == "s" and cond.width == 2:
        return cond
    L = Lowering(J, loc)
    r = L.eval(cond)
    if isinstance(r, Value) and r.file == "mask":
        return r.val()
    if isinstance(r, Value) and r.file == "scc":
        s = to_file(J, r, "s", loc)
        return Val(_scc_mask(L, s), "s", 2)
    if isinstance(r, Value) and r.file in ("v", "a"):
        return L.compare("ne", r, 0).val()
    if not isinstance(r, Value):
        return -1 if r else 0
    return L.compare("ne", r, 0).val() if r.width == 1 else r.val()


def _scc_mask(L: Lowering, s: SSAValue) -> SSAValue:
    L.op_no_dst("s_cmp_lg_u32", Value(s, "s", "i32", 1), 0)
    return L.op("s_cselect_b64", "s", 2, -1, 0)
