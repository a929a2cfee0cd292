"""Register variables (``J.gpr``) and views of them (``g[0]``, ``g[0:3]``, ``g[i, j]``).

A :class:`GPRs` is what the author declares and mutates: a range of ``count`` dwords
of one register file with a dtype and an N-D shape. It has no SSA value of its own:
the frontend maps each of its dwords to the SSA value that last wrote it (DESIGN.md
decision 3), so ``x[0] = x[0] + 1`` reads one value and defines the next.

Indexing follows pyhip, not Python: slices are inclusive (``g[0:3]`` is four
elements, as the assembler's ``v[0:3]``), leading indices of an N-D shape select rows,
``g[...]`` is the whole variable. Elements of 64-bit dtypes are two dwords.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyhip_mlir.frontend.dtypes import DTYPES
from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.frontend.expr import ExprOps
from pyhip_mlir.frontend.loc import Loc, user_loc
from pyhip_mlir.frontend.ssa import _hint

if TYPE_CHECKING:
    from pyhip_mlir.frontend.builder import JIT


class GPRs:
    """A register variable: ``count`` dwords of file ``file`` holding ``dtype``."""

    __slots__ = ("J", "file", "dtype", "count", "shape", "strides", "align", "name", "loc",
                 "id", "readonly", "hint")

    def __init__(self, J: JIT, file: str, dtype: str, shape: tuple[int, ...], *,
                 align: int, name: str, loc: Loc | None, readonly: bool = False):
        self.J = J
        self.file = file
        self.dtype = dtype
        self.shape = shape
        elem = DTYPES[dtype]
        strides = [elem]
        for dim in reversed(shape[1:]):
            strides.append(strides[-1] * dim)
        self.strides = tuple(reversed(strides))
        count = elem
        for d in shape:
            count *= d
        self.count = count
        self.align = align
        self.name = name
        self.loc = loc
        self.id = J._new_var_id()
        self.readonly = readonly
        self.hint = _hint(name)

    @property
    def rtype(self) -> str:  # pyhip's name
        return self.file

    def __len__(self) -> int:
        return self.count // DTYPES[self.dtype]

    def __iter__(self):  # noqa: ANN204
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        return f"{self.name}: {self.file}{self.dtype}{list(self.shape)}"

    def to_expr(self) -> Ref:
        return Ref(self, 0, self.count - 1)

    def __getitem__(self, key: Any) -> Ref:
        return self.to_expr()[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self.J._assign(self[key], value, user_loc())

    def __iadd__(self, other: Any) -> GPRs:
        self.J._assign(self.to_expr(), self.to_expr() + other, user_loc())
        return self

    def __isub__(self, other: Any) -> GPRs:
        self.J._assign(self.to_expr(), self.to_expr() - other, user_loc())
        return self

    # Expressions on a whole variable. __eq__/__ne__ stay identity (as pyhip), so a
    # variable can be found in lists and dicts; compare elements: ``x[0] == 1``.
    def __add__(self, o: Any) -> Any: return self.to_expr() + o
    def __radd__(self, o: Any) -> Any: return o + self.to_expr()
    def __sub__(self, o: Any) -> Any: return self.to_expr() - o
    def __rsub__(self, o: Any) -> Any: return o - self.to_expr()
    def __mul__(self, o: Any) -> Any: return self.to_expr() * o
    def __rmul__(self, o: Any) -> Any: return o * self.to_expr()
    def __floordiv__(self, o: Any) -> Any: return self.to_expr() // o
    def __mod__(self, o: Any) -> Any: return self.to_expr() % o
    def __truediv__(self, o: Any) -> Any: return self.to_expr() / o
    def __lshift__(self, o: Any) -> Any: return self.to_expr() << o
    def __rshift__(self, o: Any) -> Any: return self.to_expr() >> o
    def __and__(self, o: Any) -> Any: return self.to_expr() & o
    def __rand__(self, o: Any) -> Any: return o & self.to_expr()
    def __or__(self, o: Any) -> Any: return self.to_expr() | o
    def __ror__(self, o: Any) -> Any: return o | self.to_expr()
    def __xor__(self, o: Any) -> Any: return self.to_expr() ^ o
    def __rxor__(self, o: Any) -> Any: return o ^ self.to_expr()
    def __lt__(self, o: Any) -> Any: return self.to_expr() < o
    def __le__(self, o: Any) -> Any: return self.to_expr() <= o
    def __gt__(self, o: Any) -> Any: return self.to_expr() > o
    def __ge__(self, o: Any) -> Any: return self.to_expr() >= o
    def __neg__(self) -> Any: return -self.to_expr()
    def __abs__(self) -> Any: return abs(self.to_expr())
    def __invert__(self) -> Any: return ~self.to_expr()


class Ref(ExprOps):
    """Dwords ``lo..hi`` (inclusive) of a variable: an operand, an lvalue, a leaf."""

    __slots__ = ("var", "lo", "hi")

    def __init__(self, var: GPRs, lo: int, hi: int):
        self.var = var
        self.lo = lo
        self.hi = hi

    @property
    def width(self) -> int:
        return self.hi - self.lo + 1

    @property
    def file(self) -> str:
        return self.var.file

    @property
    def dtype(self) -> str:
        """The dtype expressions see: a 2-dword view of a 32-bit int is 64-bit."""
        d = self.var.dtype
        elem = DTYPES[d]
        if self.width == elem:
            return d
        if self.width == 2 and d in ("i32", "u32"):
            return "i64" if d == "i32" else "u64"
        if self.width == 1 and d in ("i64", "u64"):
            return "u32"
        return f"{d}x{self.width}"

    def __repr__(self) -> str:
        v = self.var
        if self.lo == 0 and self.hi == v.count - 1:
            return v.name
        return f"{v.name}[{self.lo}]" if self.lo == self.hi else f"{v.name}[{self.lo}:{self.hi}]"

    def __len__(self) -> int:
        return self.width

    def __iter__(self):  # noqa: ANN204
        for k in range(self.lo, self.hi + 1):
            yield Ref(self.var, k, k)

    def __setitem__(self, key: Any, value: Any) -> None:
        self.var.J._assign(self[key], value, user_loc())

    def __getitem__(self, key: Any) -> Ref:
        if key is Ellipsis:
            return self
        v = self.var
        if self.lo != 0 or self.hi != v.count - 1:
            # a view of a view: plain dword indexing within it (pyhip's GPRExpr)
            return _slice_1d(self, key, self.width, 1, self.lo)
        keys = key if isinstance(key, tuple) else (key,)
        if len(keys) > len(v.shape):
            raise DSLError(f"'{v.name}' has {len(v.shape)} dimension(s), indexed with {len(keys)}",
                           user_loc())
        base = 0
        for dim, k in enumerate(keys[:-1]):
            if not isinstance(k, int) or not 0 <= k < v.shape[dim]:
                raise DSLError(f"index {k!r} of dimension {dim} of '{v.name}' is not an int "
                               f"in 0..{v.shape[dim] - 1}", user_loc())
            base += k * v.strides[dim]
        last = len(keys) - 1
        return _slice_1d(self, keys[-1], v.shape[last], v.strides[last], base)


def _slice_1d(ref: Ref, k: Any, n: int, stride: int, base: int) -> Ref:
    v = ref.var
    if isinstance(k, slice):
        if k.step not in (None, 1):
            raise DSLError(f"slice of '{v.name}' with step {k.step}: only contiguous ranges",
                           user_loc())
        first = 0 if k.start is None else k.start
        last = n - 1 if k.stop is None else k.stop
        if not (isinstance(first, int) and isinstance(last, int) and 0 <= first <= last < n):
            raise DSLError(f"slice [{k.start}:{k.stop}] of '{v.name}' is outside 0..{n - 1} "
                           "(slices are inclusive, as in v[0:3])", user_loc())
        return Ref(v, base + first * stride, base + last * stride + stride - 1)
    if isinstance(k, int) and not isinstance(k, bool):
        if not 0 <= k < n:
            raise DSLError(f"index {k} of '{v.name}' is outside 0..{n - 1}", user_loc())
        return Ref(v, base + k * stride, base + k * stride + stride - 1)
    raise DSLError(f"'{v.name}' is indexed with {type(k).__name__} {k!r}: register indices are "
                   "Python ints fixed at trace time", user_loc())


def as_ref(x: Any) -> Any:
    """A variable becomes a view of all of it; anything else is returned unchanged."""
    return x.to_expr() if isinstance(x, GPRs) else x
