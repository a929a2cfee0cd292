"""Semantics: MFMA (``v_mfma_*``), one generic implementation driven by a shape table.

Every MFMA of gfx90a, gfx942 and gfx950 with a known layout (see
:mod:`.mfma_layouts`: the shape table keyed by LLVM opcode and the layout rule from
AMD's Matrix Instruction Calculator) runs through :func:`mfma_compute`: gather A and B
(M x K and K x N per block) and C from the lanes by the layout rule, compute
``D = A @ B + C`` exactly enough (float64 for float types, int64 for i8, then wrap to
i32), round to the result type (round to nearest even), scatter D back.

Facts and choices (sources in brackets; "uncertain" where no primary source was found):

* the hardware's summation order inside the dot product is unpublished; float64
  accumulation then one rounding is within the hardware's error [ISA_NOTES.md];
* input denormals are used as they are (f32/f16/bf16/f64), results are not flushed;
* ``xf32`` inputs (gfx942 ``*_xf32``) are f32 registers rounded to nearest even to
  xf32 (1-8-10 bits) before multiplying: uncertain, no source found on whether the
  hardware rounds or truncates;
* fp8/bf8 are AMD's FNUZ formats on gfx942 (E4M3 bias 8, E5M2 bias 16, 0x80 = NaN,
  no infinities) and OCP E4M3FN / E5M2 on gfx950 [calculator types ``amd_fp8``,
  ``amd_bf8`` for CDNA3; AMD's Primus-Turbo picks OCP for gfx950, FNUZ otherwise];
* CBSZ/ABID (A block broadcast) and BLGP (B lane pattern) follow the calculator;
  BLGP on a CDNA3 non-block MFMA other than f32 is not documented there and raises;
  on gfx942/gfx950 the f64 MFMAs' ``neg:[a,b,c]`` negates A, B, C;
* an inline-constant ``src2`` is C with every element equal to the constant (a float
  constant converted to the element type, an integer one taken as the element's bits);
* EXEC: the MFMA reads and writes all 64 lanes of every wave that has any lane
  active. Uncertain: third-party CDNA3 kernels state "MFMA ignores EXEC"; the ISA
  guide text was not available (see ``MFMA_HONOURS_EXEC``).

SMFMAC (``v_smfmac_*``, gfx942 shapes): ``D += A @ B`` with a 4:2 structured-sparse
A whose positions come from the index VGPR (``vsrc2``); the accumulator is ``vdst``
(read and written); see :mod:`.mfma_layouts`.

Not covered (raise "no semantics"): gfx950's new SMFMAC shapes, ``*_f8f6f4`` and
``v_mfma_scale_*`` (gfx950 block formats).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np

import pyhip_mlir.emulator.ctx as _ctx  # module import: ctx -> program -> registry imports us
from pyhip_mlir.dialects.isa.table import get_table
from pyhip_mlir.emulator.semantics.mfma_layouts import (
    BLGP_SOURCE,
    MFMA_SHAPES,
    TYPE_BITS,
    MfmaShape,
    a_block_source,
    input_slots,
    output_slots,
)
from pyhip_mlir.emulator.semantics.registry import semantics

if TYPE_CHECKING:
    from pyhip_mlir.emulator.ctx import OpCtx

U32 = np.uint32
MFMA_HONOURS_EXEC = False  # True: write D only in EXEC lanes, like a VALU op
_UINT = {8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}


# --- element decoding ------------------------------------------------------------


@cache
def fp8_table(exp_bits: int, bias: int, style: str) -> np.ndarray:
    """float64 value of each of the 256 codes of an 8-bit float.

    ``style``: "fnuz" (0x80 is the only NaN, no infinities, no -0), "fn" (OCP E4M3:
    all-ones exponent and mantissa is NaN, no infinities) or "ieee" (OCP E5M2).
    """
    man_bits = 7 - exp_bits
    code = np.arange(256)
    sign = np.where(code & 0x80, -1.0, 1.0)
    e = (code >> man_bits) & ((1 << exp_bits) - 1)
    f = (code & ((1 << man_bits) - 1)) / float(1 << man_bits)
    mag = np.where(e == 0, f * 2.0 ** (1 - bias), (1.0 + f) * 2.0 ** (e - bias))
    val = sign * mag
    top = (1 << exp_bits) - 1
    if style == "fnuz":
        val[0x80] = np.nan
    elif style == "fn":
        val[(e == top) & ((code & ((1 << man_bits) - 1)) == (1 << man_bits) - 1)] = np.nan
    else:
        val[(e == top) & (f == 0)] = sign[(e == top) & (f == 0)] * np.inf
        val[(e == top) & (f != 0)] = np.nan
    return val


_FP8_FORMATS = {
    ("fp8", False): (4, 8, "fnuz"),
    ("bf8", False): (5, 16, "fnuz"),
    ("fp8", True): (4, 7, "fn"),
    ("bf8", True): (5, 15, "ieee"),
}


def _round_xf32(x: np.ndarray) -> np.ndarray:
    """f32 bits -> f32 bits rounded to nearest even to 10 mantissa bits."""
    b = x.astype(np.uint64)
    special = (b & 0x7F800000) == 0x7F800000
    r = ((b + 0xFFF + ((b >> 13) & 1)) & 0xFFFFE000).astype(U32)
    return np.where(special, x, r)


def decode(elems: np.ndarray, etype: str, ocp_fp8: bool = False) -> np.ndarray:
    """Raw element bits (unsigned dtype of the element's width) -> float64 or int64."""
    if etype == "f32":
        return elems.view(np.float32).astype(np.float64)
    if etype == "xf32":
        return _round_xf32(elems).view(np.float32).astype(np.float64)
    if etype == "f16":
        return elems.view(np.float16).astype(np.float64)
    if etype == "bf16":
        return (elems.astype(U32) << U32(16)).view(np.float32).astype(np.float64)
    if etype == "f64":
        return elems.view(np.float64).copy()
    if etype == "i8":
        return elems.view(np.int8).astype(np.int64)
    if etype == "i32":
        return elems.view(np.int32).astype(np.int64)
    if etype in ("fp8", "bf8"):
        return fp8_table(*_FP8_FORMATS[(etype, ocp_fp8)])[elems]
    raise ValueError(f"unknown MFMA element type {etype}")


def _elements(words: np.ndarray, bits: int) -> np.ndarray:
    """(n, L, dwords) uint32 -> (n, L, elements) of the unsigned ``bits``-wide dtype."""
    return np.ascontiguousarray(words, dtype=U32).view(_UINT[bits])


# --- gather / compute / scatter -------------------------------------------------------


def gather_a(words: np.ndarray, shape: MfmaShape, *, cbsz: int = 0, abid: int = 0,
             ocp_fp8: bool = False) -> np.ndarray:
    """srcA words (n, 64, dwords) -> A values (n, blocks, M, K)."""
    el = decode(_elements(words, TYPE_BITS[shape.a_type]), shape.a_type, ocp_fp8)
    lane, elem = input_slots(shape.m, shape.k, shape.blocks)
    a = el[:, lane, elem]
    if cbsz or abid:
        a = a[:, a_block_source(shape.blocks, cbsz, abid)]
    return a


def gather_b(words: np.ndarray, shape: MfmaShape, *, blgp: int = 0,
             ocp_fp8: bool = False) -> np.ndarray:
    """srcB words (n, 64, dwords) -> B values (n, blocks, K, N)."""
    el = decode(_elements(words, TYPE_BITS[shape.b_type]), shape.b_type, ocp_fp8)
    if blgp:
        el = el[:, BLGP_SOURCE[blgp]]
    lane, elem = input_slots(shape.n, shape.k, shape.blocks)
    return el[:, lane, elem].swapaxes(-1, -2)


def gather_acc(words: np.ndarray, shape: MfmaShape) -> np.ndarray:
    """C words (n, 64, dwords) -> C values (n, blocks, M, N) (float64 or int64)."""
    el = decode(_elements(words, TYPE_BITS[shape.out_type]), shape.out_type)
    lane, reg = output_slots(shape.m, shape.n, shape.blocks, TYPE_BITS[shape.out_type])
    return el[:, lane, reg]


def scatter_acc(d: np.ndarray, shape: MfmaShape) -> np.ndarray:
    """D values (n, blocks, M, N), already of the result dtype -> (n, 64, dwords) uint32."""
    bits = TYPE_BITS[shape.out_type]
    n = d.shape[0]
    out = np.zeros((n, 64, shape.out_per_lane), dtype=_UINT[bits])
    lane, reg = output_slots(shape.m, shape.n, shape.blocks, bits)
    out[:, lane, reg] = d.view(_UINT[bits])
    return out.view(U32).reshape(n, 64, shape.out_dwords)


def sparse_a(a_words: np.ndarray, idx_words: np.ndarray, shape: MfmaShape, *, cbsz: int = 0,
             abid: int = 0, ocp_fp8: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """SMFMAC srcA and index VGPR -> (values, k positions), each (n, M, K/2).

    Stored value ``c`` of row i is the logical ``A[i][4 * (c // 2) + index]``.
    """
    kc = shape.k // 2
    el = decode(_elements(a_words, TYPE_BITS[shape.a_type]), shape.a_type, ocp_fp8)
    lane, elem = input_slots(shape.m, kc, 1)
    lane, elem = lane[0], elem[0]
    set_bits = 2 * shape.a_per_lane
    if not cbsz and not 0 <= abid < 32 // set_bits:
        raise ValueError(f"abid:{abid} selects no index set (at most {32 // set_bits} sets)")
    shift = 0 if cbsz else abid * set_bits
    idx = np.ascontiguousarray(idx_words[..., 0], dtype=U32)[:, lane]
    sel = (idx >> (shift + 2 * elem).astype(U32)) & U32(3)
    k_pos = 4 * (np.arange(kc) // 2)[None, None, :] + sel.astype(np.int64)
    return el[:, lane, elem], k_pos


def smfmac_compute(a: np.ndarray, k_pos: np.ndarray, b: np.ndarray, c: np.ndarray,
                   out_type: str) -> np.ndarray:
    """``c + sum_c a[i, c] * b[k_pos[i, c], j]``; a, k_pos (n, M, K/2), b (n, K, N)."""
    rows = np.take_along_axis(b[:, None, :, :], k_pos[..., None], axis=2)  # (n, M, K/2, N)
    if out_type == "i32":
        d = np.einsum("nic,nicj->nij", a.astype(np.int64), rows.astype(np.int64)) + c
        return d.astype(np.uint32).view(np.int32)
    with np.errstate(all="ignore"):
        return (np.einsum("nic,nicj->nij", a, rows) + c).astype(np.float32)


def mfma_compute(a: np.ndarray, b: np.ndarray, c: np.ndarray, out_type: str) -> np.ndarray:
    """``a @ b + c`` per block, rounded to ``out_type`` (float32, int32 wrapped, float64)."""
    if out_type == "i32":
        d = np.matmul(a.astype(np.int64), b.astype(np.int64)) + c.astype(np.int64)
        return d.astype(np.uint32).view(np.int32)  # wraps modulo 2**32
    with np.errstate(all="ignore"):
        d = np.matmul(a, b) + c
        return d.astype(np.float32) if out_type == "f32" else d.astype(np.float64)


# --- the semantic function --------------------------------------------------------


def _arch(ctx: OpCtx) -> str:
    return ctx.arch


def _src2(ctx: OpCtx, shape: MfmaShape) -> np.ndarray:
    if ctx.is_reg(2):
        return gather_acc(ctx.raw(2), shape)
    value = ctx.imm(2)
    full = (ctx.n, shape.blocks, shape.m, shape.n)
    if shape.out_type == "i32":
        v = int(np.float32(value).view(np.int32)) if isinstance(value, float) else int(value)
        return np.full(full, v, dtype=np.int64)
    if isinstance(value, float):
        return np.full(full, value if shape.out_type == "f64" else float(np.float32(value)))
    if shape.out_type == "f64":
        return np.full(full, np.int64(value).view(np.float64))
    return np.full(full, float(np.int64(value).astype(np.uint32).view(np.float32)))


def shape_of(ctx: OpCtx) -> MfmaShape:
    shape = MFMA_SHAPES.get(ctx.ins.idef.llvm_opcode)
    if shape is None:
        raise _ctx.EmulationError(f"{ctx.ins.mnemonic}: MFMA layout not known to the emulator")
    return shape


def _mod_int(ctx: OpCtx, key: str) -> int:
    return int(ctx.mod(key, 0) or 0)


def _write_d(ctx: OpCtx, words: np.ndarray) -> None:
    lanes = ctx.exec_lanes()
    if not MFMA_HONOURS_EXEC:
        lanes = np.repeat(lanes.any(axis=1, keepdims=True), 64, axis=1)
    ctx._write_reg(0, words, lanes)


def smfmac(ctx: OpCtx, shape: MfmaShape, ocp: bool, cbsz: int, abid: int) -> None:
    """``D += A @ B`` with the 4:2-compressed A (see :mod:`.mfma_layouts`).

    The accumulator is the destination: the table's ``vdst`` is read and written (role
    "both", LLVM's ``$vdst = $src2``); the other use slots are A, B and the index VGPR.
    """
    slots = ctx.ins.use_slots
    acc = next(i for i, s in enumerate(slots) if s.role == "both")
    ia, ib, iidx = (i for i, s in enumerate(slots) if s.role != "both")
    try:
        a, k_pos = sparse_a(ctx.raw(ia), ctx.raw(iidx), shape, cbsz=cbsz, abid=abid, ocp_fp8=ocp)
    except ValueError as e:
        raise _ctx.EmulationError(f"{ctx.ins.text}: {e}") from None
    dense = MfmaShape(shape.m, shape.n, shape.k, 1, shape.a_type, shape.b_type, shape.out_type)
    b = gather_b(ctx.raw(ib), dense, ocp_fp8=ocp)[:, 0]
    c = gather_acc(ctx.raw(acc), shape)[:, 0]
    d = smfmac_compute(a, k_pos, b, c, shape.out_type)
    _write_d(ctx, scatter_acc(d[:, None], shape))


def mfma(ctx: OpCtx) -> None:
    """``D = A @ B + C`` for every block of the instruction's shape."""
    shape = shape_of(ctx)
    arch = _arch(ctx)
    ocp = arch.startswith("gfx95")
    cbsz, abid, blgp = _mod_int(ctx, "cbsz"), _mod_int(ctx, "abid"), _mod_int(ctx, "blgp")
    if shape.sparse:
        smfmac(ctx, shape, ocp, cbsz, abid)
        return
    if blgp:
        ok = shape.out_type != "f64" if arch == "gfx90a" else shape.blgp_on_cdna3()
        if not ok:
            raise _ctx.EmulationError(f"{ctx.ins.text}: blgp:{blgp} has no documented meaning for "
                                 f"this MFMA on {arch}")
        if not 0 <= blgp < 8:
            raise _ctx.EmulationError(f"{ctx.ins.text}: blgp must be 0..7")
    try:
        a = gather_a(ctx.raw(0), shape, cbsz=cbsz, abid=abid, ocp_fp8=ocp)
    except ValueError as e:
        raise _ctx.EmulationError(f"{ctx.ins.text}: {e}") from None
    b = gather_b(ctx.raw(1), shape, blgp=blgp, ocp_fp8=ocp)
    c = _src2(ctx, shape)
    neg = ctx.mod("neg") or ()
    if shape.out_type == "f64" and any(neg):
        neg = [int(x) for x in neg] + [0, 0, 0]
        a, b, c = (-a if neg[0] else a), (-b if neg[1] else b), (-c if neg[2] else c)
    _write_d(ctx, scatter_acc(mfma_compute(a, b, c, shape.out_type), shape))


def _bases() -> list[str]:
    """Every base mnemonic, on any architecture, whose opcode has a known shape."""
    names: set[str] = set()
    for arch in ("gfx90a", "gfx942", "gfx950"):
        table = get_table(arch)
        for mnemonic in table.instructions:
            if "mfma" in mnemonic:
                idef = table.get(mnemonic)
                if idef is not None and idef.llvm_opcode in MFMA_SHAPES:
                    names.add(idef.base)
    return sorted(names)


MFMA_BASES: tuple[str, ...] = tuple(_bases())
semantics(*MFMA_BASES)(mfma)
