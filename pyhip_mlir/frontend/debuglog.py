"""``J.debug_log``: dump registers from a running kernel (pyhip's debug log).

``@pyhip.jit(with_debug_log=True)`` gives the kernel a hidden last pointer argument,
``debug_log_ptr``, to a buffer the launcher allocates (:data:`LOG_BYTES`, filled with
-1). Each dynamic ``J.debug_log(reg)`` appends one record there with global stores::

    dword   record index (which J.debug_log call site, in trace order)
    64 x count dwords: lane l's dwords of ``reg`` at (l * count + i) * 4

and advances the pointer past it. SGPRs are broadcast to every lane first; the parsed
record of an SGPR keeps one row (lane 0), as pyhip does. The launch then returns
``{name: [array per record]}``, the name being the call's first argument as written
(``J.debug_log(acc[0:3])`` logs under ``"acc[0:3]"``) or ``name("message")``.

Which waves log: those where the condition of ``J.debug_setup(cond)`` holds (a scalar
expression, evaluated where debug_setup is called); until then only wave 0 of
workgroup 0 (``blockIdx.x == 0 and warp_id == 0``), since waves logging together would
write over each other's records.

Under ``J.ExecMask`` only the active lanes store: the other lanes of that record keep
the buffer's fill, all bits set (-1 as an int32, NaN as a float32). A record under an
ExecMask block that no lane enters is not written at all (the block is skipped; with
``early_skip=False`` its header is lost too and parsing stops at it).
"""

from __future__ import annotations

import linecache
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.frontend.expr import Expr
from pyhip_mlir.frontend.gpr import GPRs, Ref, as_ref
from pyhip_mlir.frontend.loc import Loc, user_loc

if TYPE_CHECKING:
    from pyhip_mlir.frontend.builder import JIT

HIDDEN_ARG = ("debug_log_ptr", "void*")
LOG_BYTES = 1 << 20
_GLOBAL_OFFSET_MAX = 4095  # global_store's signed 13-bit offset, positive half
_NP_DTYPES = {"i32": np.int32, "u32": np.uint32, "f32": np.float32, "i64": np.int64,
              "u64": np.uint64, "f64": np.float64, "fp16x2": np.float16, "fp8x4": np.uint8,
              "bf8x4": np.uint8}


@dataclass
class Record:
    """What one call site logs: how to read its records back."""

    name: str
    file: str  # "s" or "v" (AGPRs are logged through VGPRs)
    count: int  # dwords per lane
    dtype: Any  # numpy dtype-like, a torch dtype, or "bf16" (shown as float32)


@dataclass
class _State:
    ptr: GPRs
    cond: GPRs


def attach(J: JIT, ptr: GPRs) -> None:
    """Called by the JIT before the kernel body: the hidden pointer and the default filter."""
    cond = J._declare("s", "u32", (1,), 1, "debug_cond", None, owner=None)
    J._assign(cond[0], (J.blockIdx.x[0] | J.warp_id[0]) == 0, None)
    J._debug_log_state = _State(ptr, cond)  # type: ignore[attr-defined]


def _state(J: JIT, what: str) -> _State | None:
    st = getattr(J, "_debug_log_state", None)
    if st is None:
        warnings.warn(f"{what} in a kernel without @pyhip.jit(with_debug_log=True): ignored",
                      stacklevel=4)
    return st


def debug_setup(J: JIT, cond: Any) -> None:
    """Log from the waves where the scalar condition ``cond`` holds (from here on)."""
    st = _state(J, "J.debug_setup")
    if st is not None:
        J._assign(st.cond[0], cond, user_loc())


def _call_text(loc: Loc | None) -> str:
    """The first argument of ``.debug_log(`` on the user's line (``?`` if not found)."""
    if loc is None:
        return "?"
    line = linecache.getline(loc.file, loc.line)
    k = line.find(".debug_log(")
    if k < 0:
        return "?"
    text = line[k + len(".debug_log("):]
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                return text[:i].strip() or "?"
            depth -= 1
        elif ch == "," and depth == 0:
            return text[:i].strip() or "?"
    return text.strip() or "?"


def _default_dtype(dtype: str) -> Any:
    if dtype == "bf16x2":
        return "bf16"
    return _NP_DTYPES.get(dtype, np.uint32)


def debug_log(J: JIT, reg: Any, dtype: Any = None, message: str = "") -> None:
    loc = user_loc()
    st = _state(J, "J.debug_log")
    if st is None:
        return
    r = as_ref(reg)
    if isinstance(r, Expr):  # an expression: log its value
        r = J.auto_gpr(r, name="logged", loc=loc).to_expr()
    if not isinstance(r, Ref):
        raise DSLError(f"J.debug_log logs a register or an expression, not {reg!r}", loc)
    count = r.width
    name = _call_text(loc)
    if message:
        name = f'{name}("{message}")'
    index = len(J.debug_logs)
    J.debug_logs.append(Record(name, "s" if r.file == "s" else "v", count,
                               _default_dtype(r.var.dtype) if dtype is None else dtype))
    ptr = st.ptr
    with J.If(st.cond[0] != 0):
        data = [Ref(r.var, k, k) for k in range(r.lo, r.hi + 1)]
        if r.file != "v":  # SGPRs broadcast, AGPRs read out
            tmp = J._declare("v", "u32", (count,), 1, "log_data", loc)
            for k, d in enumerate(data):
                J._copy(tmp[k], d, loc)
            data = [tmp[k] for k in range(count)]
        head = J._declare("v", "u32", (2,), 1, "log_head", loc)
        J._assign(head[0], 0, loc)
        J._assign(head[1], index, loc)
        J._op("global_store_dword", head[0], head[1], ptr, loc=loc)
        addr = J._declare("v", "u32", (1,), 1, "log_addr", loc)
        first = 0
        for k, d in enumerate(data):
            off = 4 * (k - first)
            if k == 0 or off > _GLOBAL_OFFSET_MAX:
                J._assign(addr[0], J.lane_id[0] * (count * 4) + (4 + 4 * k), loc)
                first, off = k, 0
            J._op("global_store_dword", addr[0], d, ptr, loc=loc, **({"offset": off} if off else {}))
        J._assign(ptr.to_expr(), ptr.to_expr() + (4 + 64 * count * 4), loc)
        J._op("s_waitcnt", loc=loc, vmcnt=0)


def new_buffer() -> np.ndarray:
    return np.full(LOG_BYTES // 4, -1, dtype=np.int32)


def _view(raw: np.ndarray, dtype: Any) -> Any:
    if dtype == "bf16":  # numpy has no bfloat16: widen the bits to float32
        return (raw.view(np.uint16).astype(np.uint32) << 16).view(np.float32)
    if type(dtype).__module__ == "torch":
        import torch

        return torch.from_numpy(raw.copy()).view(dtype)
    return raw.view(np.dtype(dtype))


def parse(records: list[Record], buf: np.ndarray) -> dict[str, list[Any]]:
    """The records the kernel wrote into ``buf``, in the order it wrote them."""
    data = buf.view(np.uint8)
    out: dict[str, list[Any]] = {}
    pos = 0
    while pos + 4 <= data.size:
        index = int(data[pos:pos + 4].view(np.int32)[0])
        if not 0 <= index < len(records):
            break
        rec = records[index]
        nbytes = 64 * rec.count * 4
        pos += 4
        if pos + nbytes > data.size:
            break
        raw = data[pos:pos + nbytes].reshape(64, rec.count * 4).copy()
        values = _view(raw, rec.dtype)
        out.setdefault(rec.name, []).append(values[0] if rec.file == "s" else values)
        pos += nbytes
    return out
