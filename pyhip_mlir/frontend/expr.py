"""Lazy expressions over register views and Python constants.

``s_i[0] + 1`` does not emit anything: it builds an :class:`Expr` tree that is lowered
when it is assigned (``x[0] = expr``), passed to an instruction, or used as a
condition. Lowering late lets one tree become the condition of a loop (evaluated in
the loop header on every iteration) and lets the lowering pick SALU or VALU from the
operands' register files.

Constants are folded while the tree is built, exactly: integer ``+ - * & | ^`` chains
with constants are reassociated into one constant term (``(x + 3) + 5`` is
``x + 8``, ``(x + 3) - 5`` is ``x + -2``; modular arithmetic makes this exact at any
width). Float constants are never reassociated (``(x + 1.0) + 2.0`` is not
``x + 3.0`` in floating point).
"""

from __future__ import annotations

from typing import Any

from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.frontend.loc import user_loc

Const = int | float
BINARY_OPS = ("+", "-", "*", "//", "%", "/", "<<", ">>", "&", "|", "^")
COMPARE_OPS = ("eq", "ne", "lt", "le", "gt", "ge")
UNARY_OPS = ("neg", "abs", "~")
# Integer ops whose constant operands may be combined: op -> how to combine them.
_ASSOC = {
    "+": lambda a, b: a + b,
    "*": lambda a, b: a * b,
    "&": lambda a, b: a & b,
    "|": lambda a, b: a | b,
    "^": lambda a, b: a ^ b,
}
_PY = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "&": lambda a, b: a & b, "|": lambda a, b: a | b, "^": lambda a, b: a ^ b,
}  # fmt: skip
_SWAP = {"lt": "gt", "gt": "lt", "le": "ge", "ge": "le", "eq": "eq", "ne": "ne"}


def is_const(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) or isinstance(x, bool)


class ExprOps:
    """Python operators that build expressions (shared by views and expressions)."""

    __slots__ = ()

    def __add__(self, o: Any) -> Expr: return binary("+", self, o)
    def __radd__(self, o: Any) -> Expr: return binary("+", o, self)
    def __sub__(self, o: Any) -> Expr: return binary("-", self, o)
    def __rsub__(self, o: Any) -> Expr: return binary("-", o, self)
    def __mul__(self, o: Any) -> Expr: return binary("*", self, o)
    def __rmul__(self, o: Any) -> Expr: return binary("*", o, self)
    def __floordiv__(self, o: Any) -> Expr: return binary("//", self, o)
    def __rfloordiv__(self, o: Any) -> Expr: return binary("//", o, self)
    def __mod__(self, o: Any) -> Expr: return binary("%", self, o)
    def __rmod__(self, o: Any) -> Expr: return binary("%", o, self)
    def __truediv__(self, o: Any) -> Expr: return binary("/", self, o)
    def __rtruediv__(self, o: Any) -> Expr: return binary("/", o, self)
    def __lshift__(self, o: Any) -> Expr: return binary("<<", self, o)
    def __rlshift__(self, o: Any) -> Expr: return binary("<<", o, self)
    def __rshift__(self, o: Any) -> Expr: return binary(">>", self, o)
    def __rrshift__(self, o: Any) -> Expr: return binary(">>", o, self)
    def __and__(self, o: Any) -> Expr: return binary("&", self, o)
    def __rand__(self, o: Any) -> Expr: return binary("&", o, self)
    def __or__(self, o: Any) -> Expr: return binary("|", self, o)
    def __ror__(self, o: Any) -> Expr: return binary("|", o, self)
    def __xor__(self, o: Any) -> Expr: return binary("^", self, o)
    def __rxor__(self, o: Any) -> Expr: return binary("^", o, self)
    def __lt__(self, o: Any) -> Expr: return compare("lt", self, o)
    def __le__(self, o: Any) -> Expr: return compare("le", self, o)
    def __gt__(self, o: Any) -> Expr: return compare("gt", self, o)
    def __ge__(self, o: Any) -> Expr: return compare("ge", self, o)
    def __eq__(self, o: Any) -> Expr: return compare("eq", self, o)  # type: ignore[override]
    def __ne__(self, o: Any) -> Expr: return compare("ne", self, o)  # type: ignore[override]
    def __neg__(self) -> Expr: return Expr("neg", (self,))
    def __abs__(self) -> Expr: return Expr("abs", (self,))
    def __invert__(self) -> Expr: return Expr("~", (self,))
    def __bool__(self) -> bool:
        raise DSLError(
            "a register expression has no Python truth value while tracing; use it as "
            "J.If(...)/J.While(...) condition, or combine conditions with & and |",
            user_loc(),
        )

    __hash__ = object.__hash__


class Expr(ExprOps):
    """``op`` applied to ``args`` (views, expressions or constants)."""

    __slots__ = ("op", "args")

    def __init__(self, op: str, args: tuple[Any, ...]):
        self.op = op
        self.args = args

    def __repr__(self) -> str:
        if len(self.args) == 1:
            return f"{self.op}({self.args[0]!r})"
        return f"({self.args[0]!r} {self.op} {self.args[1]!r})"


def _int_const(x: object) -> bool:
    return isinstance(x, int)


def binary(op: str, a: Any, b: Any) -> Expr:
    """``a op b`` with integer constants folded (see the module docstring)."""
    if op == "-" and _int_const(b):
        op, b = "+", -b  # type: ignore[operator]
    if op in _ASSOC and _int_const(a) and not _int_const(b):
        a, b = b, a  # constant on the right
    if op in _ASSOC and _int_const(b) and isinstance(a, Expr) and a.op == op and _int_const(a.args[1]):
        return binary(op, a.args[0], _ASSOC[op](a.args[1], b))
    if op == "+" and _int_const(b) and isinstance(a, Expr) and a.op == "-" and _int_const(a.args[0]):
        return binary("-", a.args[0] + b, a.args[1])  # (c1 - x) + c2 = (c1 + c2) - x
    return Expr(op, (a, b))


def compare(op: str, a: Any, b: Any) -> Expr:
    if is_const(a) and not is_const(b):
        a, b, op = b, a, _SWAP[op]
    return Expr(op, (a, b))


def fold_constant(op: str, a: Const, b: Const) -> Const | None:
    """Value of an op on two Python constants where Python's meaning is the DSL's."""
    f = _PY.get(op)
    return f(a, b) if f is not None else None
