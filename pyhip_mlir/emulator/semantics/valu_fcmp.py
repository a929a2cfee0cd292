"""Semantics: VALU float compares ``v_cmp[x]_<cond>_{f16,f32,f64}`` and
``v_cmp[x]_class_{f16,f32,f64}``.

Every float compare base of the gfx90a/gfx942/gfx950 tables is registered from the
tables, each condition from one table of numpy predicates. Facts (AMD CDNA3 ISA,
"VOPC Instructions"; the CDNA4 guide has the same pseudocode):

* the 16 conditions: ``f`` false, ``lt eq le gt ge`` ordered (false on NaN), ``lg``
  ordered not-equal, ``o`` both ordered, ``u`` either NaN, ``nge nlg ngt nle neq nlt``
  the negations (true on NaN), ``tru`` true;
* ``class``: bit k of the 10-bit mask in src1 selects sNaN, qNaN, -inf, -normal,
  -denormal, -0, +0, +denormal, +normal, +inf (k = 0..9); f16 values are classified
  with f16 limits;
* the mask goes to vcc (e32) or the sdst pair (e64/SDWA), inactive lanes 0; ``v_cmpx``
  writes the same mask to EXEC as well (GFX9 keeps the sdst write).

neg/abs and SDWA selects are applied by OpCtx.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from pyhip_mlir.dialects.isa.table import ARCHS, get_table
from pyhip_mlir.emulator.ctx import OpCtx
from pyhip_mlir.emulator.semantics import valu_fpmath as fm
from pyhip_mlir.emulator.semantics.registry import semantics

Arr = np.ndarray


def _lg(a: Arr, b: Arr) -> Arr:
    return (a < b) | (a > b)


def _ordered(a: Arr, b: Arr) -> Arr:
    return ~np.isnan(a) & ~np.isnan(b)


CONDITIONS: dict[str, Callable[[Arr, Arr], Arr]] = {
    "f": lambda a, b: np.zeros(np.broadcast(a, b).shape, dtype=bool),
    "lt": np.less,
    "eq": np.equal,
    "le": np.less_equal,
    "gt": np.greater,
    "lg": _lg,
    "ge": np.greater_equal,
    "o": _ordered,
    "u": lambda a, b: ~_ordered(a, b),
    "nge": lambda a, b: ~np.greater_equal(a, b),
    "nlg": lambda a, b: ~_lg(a, b),
    "ngt": lambda a, b: ~np.greater(a, b),
    "nle": lambda a, b: ~np.less_equal(a, b),
    "neq": lambda a, b: ~np.equal(a, b),
    "nlt": lambda a, b: ~np.less(a, b),
    "tru": lambda a, b: np.ones(np.broadcast(a, b).shape, dtype=bool),
}

_BASE_RE = re.compile(r"^v_(cmpx?)_([a-z]+)_(f16|f32|f64)$")


def _read(ctx: OpCtx, i: int, t: str) -> Arr:
    return ctx.f16(i) if t == "f16" else ctx.f32(i) if t == "f32" else ctx.f64(i)


def write_mask(ctx: OpCtx, test: Arr, exec_too: bool) -> None:
    """The compare result to def slot 0 (inactive lanes 0) and, for cmpx, EXEC."""
    mask = np.broadcast_to(test, (ctx.n, 64)) & ctx.exec_lanes()
    ctx.set_lanes(0, mask)
    if exec_too:
        ctx.set_exec(mask)


def _make_cmp(pred: Callable[[Arr, Arr], Arr], t: str, exec_too: bool) -> Callable[[OpCtx], None]:
    def sem(ctx: OpCtx) -> None:
        with np.errstate(all="ignore"):
            write_mask(ctx, pred(_read(ctx, 0, t), _read(ctx, 1, t)), exec_too)

    return sem


def _make_class(t: str, exec_too: bool) -> Callable[[OpCtx], None]:
    def sem(ctx: OpCtx) -> None:
        x = _read(ctx, 0, t)
        if t == "f16":  # exact: the float32 value came from an f16
            x = x.astype(np.float16)
        k = fm.class_bits(x).astype(np.uint32)
        write_mask(ctx, ((ctx.u32(1) >> k) & np.uint32(1)) != 0, exec_too)

    return sem


def _float_compare_bases() -> dict[str, tuple[str, str, bool]]:
    out: dict[str, tuple[str, str, bool]] = {}
    for arch in ARCHS:
        table = get_table(arch).instructions
        for mnemonic in table:
            m = _BASE_RE.match(table[mnemonic].base)
            if m:
                kind, cond, t = m.groups()
                if cond != "class" and cond not in CONDITIONS:
                    raise ValueError(f"unknown float compare condition in {mnemonic}")
                out[table[mnemonic].base] = (cond, t, kind == "cmpx")
    return out


FLOAT_COMPARES = _float_compare_bases()
for _base, (_cond, _t, _x) in sorted(FLOAT_COMPARES.items()):
    semantics(_base)(_make_class(_t, _x) if _cond == "class" else _make_cmp(CONDITIONS[_cond], _t, _x))
