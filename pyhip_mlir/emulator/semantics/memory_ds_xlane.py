"""Cross-lane DS instructions: ``ds_swizzle_b32``, ``ds_bpermute_b32``, ``ds_permute_b32``.

They go through the LDS unit without touching LDS memory, so their result is
delivered like a DS load (counted on lgkmcnt; the destination is written at the
retiring ``s_waitcnt``). Facts (MI300 ISA "Data Share Operations" pseudo code):

``ds_swizzle_b32`` (16-bit ``offset``):

* ``offset[15] = 1``, quad-permute mode: lane i reads lane ``(i & ~3) | sel`` where
  ``sel = offset[2k+1:2k]`` for ``k = i & 3``;
* ``offset[15] = 0``, bit-mask mode on groups of 32 lanes: ``and = offset[4:0]``,
  ``or = offset[9:5]``, ``xor = offset[14:10]``; lane i reads lane
  ``(((i & 31) & and) | or) ^ xor`` of its own 32-lane half;
* a lane whose source lane is inactive reads 0; only EXEC lanes are written.

The symbolic forms follow LLVM's AMDGPU assembler (AMDGPUModifierSyntax "swizzle
pattern"; encodings checked with ``llvm-mc-22 -mcpu=gfx942``):
``swizzle(QUAD_PERM,a,b,c,d)`` = ``0x8000 | a | b<<2 | c<<4 | d<<6``;
``swizzle(BITMASK_PERM,"m")`` with the 5 characters for bits 4..0, ``0`` (and 0, or
0), ``1`` (and 0, or 1), ``p`` (and 1) and ``i`` (and 1, xor 1);
``swizzle(BROADCAST,size,lane)`` = and ``32 - size``, or ``lane``;
``swizzle(SWAP,n)`` = and 31, xor ``n``; ``swizzle(REVERSE,n)`` = and 31, xor ``n - 1``.

``ds_bpermute_b32 vdst, vaddr, vdata offset:o`` (pull): lane i reads
``vdata`` of lane ``((vaddr[i] + o) >> 2) & 63`` (address bits [7:2]; higher bits are
ignored), 0 if that lane is inactive. ``ds_permute_b32`` (push): every active lane i
sends ``vdata[i]`` to lane ``((vaddr[i] + o) >> 2) & 63``; when several lanes target one
lane the highest-numbered source wins; an active lane nobody sent to gets 0.
"""

from __future__ import annotations

import ast
import operator
import re
from typing import TYPE_CHECKING

import numpy as np

from pyhip_mlir.emulator.semantics.memory_common import (
    LANE_IDS,
    U32,
    EmulationError,
    lanes_of,
    need_slot,
)
from pyhip_mlir.emulator.semantics.registry import semantics

if TYPE_CHECKING:
    from pyhip_mlir.emulator.ctx import OpCtx

_BINOPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv, ast.Div: operator.floordiv, ast.Mod: operator.mod,
    ast.LShift: operator.lshift, ast.RShift: operator.rshift,
    ast.BitOr: operator.or_, ast.BitAnd: operator.and_, ast.BitXor: operator.xor,
}


def _int_expr(text: str) -> int:
    """An assembler absolute expression of integer constants (``30 + 2``, ``0x10``)."""

    def ev(node: ast.AST) -> int:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd | ast.Invert):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else (~v if isinstance(node.op, ast.Invert) else v)
        raise ValueError(text)

    return ev(ast.parse(text.strip(), mode="eval").body)


_SWIZZLE_RE = re.compile(r"^\s*swizzle\s*\(\s*([A-Za-z_]+)\s*(.*)\)\s*$", re.S)


def swizzle_offset(value: int | str) -> int:
    """The 16-bit offset field of a ``ds_swizzle_b32`` offset (int or symbolic form)."""
    if isinstance(value, int):
        return value & 0xFFFF
    text = str(value).strip()
    m = _SWIZZLE_RE.match(text)
    if m is None:
        try:
            return _int_expr(text) & 0xFFFF
        except (ValueError, SyntaxError):
            raise EmulationError(f"cannot read the swizzle offset {text!r}") from None
    mode, rest = m.group(1).upper(), m.group(2).strip()
    args = [a.strip() for a in rest.lstrip(",").split(",")] if rest else []
    try:
        if mode == "QUAD_PERM":
            lanes = [_int_expr(a) & 3 for a in args]
            return 0x8000 | sum(s << (2 * k) for k, s in enumerate(lanes))
        if mode == "BITMASK_PERM":
            mask = args[0].strip().strip('"')
            and_m = or_m = xor_m = 0
            for k, ch in enumerate(mask.lower()):
                b = 1 << (4 - k)
                if ch in "pi":
                    and_m |= b
                if ch == "i":
                    xor_m |= b
                if ch == "1":
                    or_m |= b
            return and_m | (or_m << 5) | (xor_m << 10)
        if mode == "BROADCAST":
            size, lane = _int_expr(args[0]), _int_expr(args[1])
            return ((32 - size) & 0x1F) | ((lane & 0x1F) << 5)
        if mode == "SWAP":
            return 0x1F | ((_int_expr(args[0]) & 0x1F) << 10)
        if mode == "REVERSE":
            return 0x1F | (((_int_expr(args[0]) - 1) & 0x1F) << 10)
    except (ValueError, SyntaxError, IndexError):
        pass
    raise EmulationError(f"cannot read the swizzle offset {text!r}")


def swizzle_sources(offset: int) -> np.ndarray:
    """Source lane of every lane (64,) for a swizzle offset field."""
    lane = LANE_IDS
    if offset & 0x8000:
        sel = (offset >> (2 * (lane & 3))) & 3
        return (lane & ~3) | sel
    and_m, or_m, xor_m = offset & 0x1F, (offset >> 5) & 0x1F, (offset >> 10) & 0x1F
    return (lane & 32) | ((((lane & 31) & and_m) | or_m) ^ xor_m)


def _gather(ctx: OpCtx, data: np.ndarray, src: np.ndarray, lanes: np.ndarray) -> np.ndarray:
    """data of lane src[w, i] for each lane, 0 where that source lane is inactive."""
    src = np.broadcast_to(src, lanes.shape)
    vals = np.take_along_axis(np.broadcast_to(data, lanes.shape), src, axis=1)
    valid = np.take_along_axis(lanes, src, axis=1)
    return np.where(valid, vals, U32(0)).astype(U32)


@semantics("ds_swizzle_b32")
def ds_swizzle(ctx: OpCtx) -> None:
    if "swizzle_src" not in ctx.ins.cache:
        ctx.ins.cache["swizzle_src"] = swizzle_sources(swizzle_offset(ctx.mod("offset", 0) or 0))
    lanes = lanes_of(ctx)
    data = ctx.u32(need_slot(ctx, "vaddr"))  # the table names swizzle's data operand vaddr
    out = _gather(ctx, data, ctx.ins.cache["swizzle_src"][None, :], lanes)
    ctx.deliver(0, out[..., None], lanes)


def _target_lanes(ctx: OpCtx) -> np.ndarray:
    addr = ctx.u32(need_slot(ctx, "vaddr")).astype(np.uint64) + np.uint64(int(ctx.mod("offset", 0) or 0))
    return ((addr >> np.uint64(2)) & np.uint64(63)).astype(np.int64)


@semantics("ds_bpermute_b32")
def ds_bpermute(ctx: OpCtx) -> None:
    lanes = lanes_of(ctx)
    src = _target_lanes(ctx)
    out = _gather(ctx, ctx.u32(need_slot(ctx, "vdata")), src, lanes)
    ctx.deliver(0, out[..., None], lanes)


@semantics("ds_permute_b32")
def ds_permute(ctx: OpCtx) -> None:
    lanes = lanes_of(ctx)
    dst = np.broadcast_to(_target_lanes(ctx), lanes.shape)
    data = np.broadcast_to(ctx.u32(need_slot(ctx, "vdata")), lanes.shape)
    n = lanes.shape[0]
    winner = np.full((n, 64), -1, dtype=np.int64)
    rows = np.broadcast_to(np.arange(n)[:, None], lanes.shape)
    src_ids = np.broadcast_to(LANE_IDS[None, :], lanes.shape)
    np.maximum.at(winner, (rows[lanes], dst[lanes]), src_ids[lanes])  # highest source wins
    got = np.take_along_axis(data, np.maximum(winner, 0), axis=1)
    out = np.where(winner >= 0, got, U32(0)).astype(U32)
    ctx.deliver(0, out[..., None], lanes)
