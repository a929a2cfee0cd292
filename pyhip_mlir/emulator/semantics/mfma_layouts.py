"""MFMA shapes and register layouts (data only; :mod:`.mfma` computes with them).

Every MFMA computes, for each block ``b``, ``D[b] = A[b] @ B[b] + C[b]`` with A of
M x K, B of K x N and C/D of M x N, the operands spread over the 64 lanes of one wave.
:data:`MFMA_SHAPES` maps each instruction (by its LLVM MC opcode, the table's
``llvm_opcode``: one record serves every spelling, e.g. ``v_mfma_f32_32x32x8f16`` and
``v_mfma_f32_32x32x8_f16``) to its M, N, K, block count and element types.

Layout rules (AMD Matrix Instruction Calculator, ``InstCalcGfx9``: one rule for CDNA1,
CDNA2 and CDNA3; restated here in our words, checked against the calculator's output
for every CDNA2/CDNA3 instruction, and against ISA_NOTES.md's 32x32x8 and 16x16x16):

* inputs. For A the outer size R is M (element ``A[b][i][k]``), for B it is N
  (element ``B[b][k][j]``). Each lane holds ``E = K * R * blocks / 64`` consecutive
  k values, packed little-endian (element ``e`` at bit ``e * bits`` of the lane's
  dwords taken as one integer). ``A[b][i][k]`` is element ``k % E`` of lane
  ``R * b + R * blocks * (k // E) + i``.
* C/D (32-bit results). Rows go in groups of ``h = 4`` (register-consecutive); with
  ``G = 64 // N`` row groups across the lanes of one register and ``P = ceil(64 /
  (M * N / h))`` blocks side by side in one register: ``D[b][i][j]`` is in register
  ``b * (M * N // 64) + h * (i // (h * G)) + i % h``, lane
  ``N * (b % P) + N * P * ((i // h) % G) + j``. For 64-bit results (f64) the same with
  ``h = 1`` and "register" meaning a register pair.
* modifiers (calculator README and source): CBSZ/ABID make block ``b`` read A from
  block ``(b // 2**cbsz) * 2**cbsz + abid`` (``cbsz <= log2(blocks)``,
  ``abid < 2**cbsz``); BLGP makes lane ``l`` read B from lane :data:`BLGP_SOURCE`
  ``[blgp][l]``. On CDNA3 the calculator documents BLGP only for the multi-block
  forms and the non-block f32 ones; on CDNA2 for every non-f64 MFMA. On CDNA3 the
  f64 MFMAs reuse the BLGP bits as ``neg:[a,b,c]``.

SMFMAC (gfx942 ``v_smfmac_*``, calculator and its README): D += A @ B, the D registers
being the accumulator. A is stored compressed, as a dense M x K/2 matrix by the rule
above: of each 4 consecutive k (chunk g) two values are kept, stored elements 2g and
2g+1. Their positions in the chunk are 2-bit indices in the ``src2`` VGPR: stored
element ``e`` (its number inside its lane) has its index at bit ``2 * e`` of the
lane's index VGPR, plus ``abid * 2 * E`` (E stored elements per lane) when CBSZ is 0
(ABID picks one of 4 index sets for 16-bit, 2 for 8-bit types); with CBSZ != 0 ABID
is ignored. Two equal indices in a chunk: unpublished (we add both products).

gfx950 additions (``*_16x16x32_f16/bf16``, ``*_32x32x16_f16/bf16``, ``*_i8`` with
doubled K) are not in the calculator; their layout is assumed to follow the same rule
(8/16 consecutive k per lane, which is what Triton's gfx950 lowering uses,
``kWidth = 8``): uncertain. Not covered: gfx950's new SMFMAC shapes, ``*_f8f6f4`` and
``v_mfma_scale_*``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

TYPE_BITS: dict[str, int] = {
    "f64": 64, "f32": 32, "xf32": 32, "i32": 32,
    "f16": 16, "bf16": 16, "i8": 8, "fp8": 8, "bf8": 8,
}


@dataclass(frozen=True)
class MfmaShape:
    """One MFMA: per-block A (m x k), B (k x n), C/D (m x n), element types."""

    m: int
    n: int
    k: int
    blocks: int
    a_type: str
    b_type: str
    out_type: str  # "f32", "i32" or "f64"
    sparse: bool = False  # SMFMAC: A holds 2 of every 4 k values (K/2 stored)

    @property
    def a_per_lane(self) -> int:
        return (self.k // 2 if self.sparse else self.k) * self.m * self.blocks // 64

    @property
    def b_per_lane(self) -> int:
        return self.k * self.n * self.blocks // 64

    @property
    def out_per_lane(self) -> int:
        return self.blocks * self.m * self.n // 64

    def in_dwords(self, which: str) -> int:
        per_lane, t = (self.a_per_lane, self.a_type) if which == "a" else (self.b_per_lane, self.b_type)
        return max(1, per_lane * TYPE_BITS[t] // 32)

    @property
    def out_dwords(self) -> int:
        return self.out_per_lane * TYPE_BITS[self.out_type] // 32

    def blgp_on_cdna3(self) -> bool:
        """Whether the calculator documents BLGP for this shape on CDNA3."""
        return self.out_type != "f64" and (self.blocks > 1 or self.a_type == "f32")


def _table() -> dict[str, MfmaShape]:
    rows: list[tuple[str, int, int, int, int, str, str]] = [
        # opcode, M, N, K, blocks, input type, output type
        ("V_MFMA_F32_32X32X1F32", 32, 32, 1, 2, "f32", "f32"),
        ("V_MFMA_F32_16X16X1F32", 16, 16, 1, 4, "f32", "f32"),
        ("V_MFMA_F32_4X4X1F32", 4, 4, 1, 16, "f32", "f32"),
        ("V_MFMA_F32_32X32X2F32", 32, 32, 2, 1, "f32", "f32"),
        ("V_MFMA_F32_16X16X4F32", 16, 16, 4, 1, "f32", "f32"),
        ("V_MFMA_F32_32X32X4F16", 32, 32, 4, 2, "f16", "f32"),
        ("V_MFMA_F32_16X16X4F16", 16, 16, 4, 4, "f16", "f32"),
        ("V_MFMA_F32_4X4X4F16", 4, 4, 4, 16, "f16", "f32"),
        ("V_MFMA_F32_32X32X8F16", 32, 32, 8, 1, "f16", "f32"),
        ("V_MFMA_F32_16X16X16F16", 16, 16, 16, 1, "f16", "f32"),
        ("V_MFMA_I32_32X32X4I8", 32, 32, 4, 2, "i8", "i32"),
        ("V_MFMA_I32_16X16X4I8", 16, 16, 4, 4, "i8", "i32"),
        ("V_MFMA_I32_4X4X4I8", 4, 4, 4, 16, "i8", "i32"),
        ("V_MFMA_I32_32X32X8I8", 32, 32, 8, 1, "i8", "i32"),  # gfx90a
        ("V_MFMA_I32_16X16X16I8", 16, 16, 16, 1, "i8", "i32"),  # gfx90a
        ("V_MFMA_I32_32X32X16I8", 32, 32, 16, 1, "i8", "i32"),  # gfx942+
        ("V_MFMA_I32_16X16X32I8", 16, 16, 32, 1, "i8", "i32"),  # gfx942+
        ("V_MFMA_F32_32X32X2BF16", 32, 32, 2, 2, "bf16", "f32"),  # gfx90a (2 bf16/lane)
        ("V_MFMA_F32_16X16X2BF16", 16, 16, 2, 4, "bf16", "f32"),
        ("V_MFMA_F32_4X4X2BF16", 4, 4, 2, 16, "bf16", "f32"),
        ("V_MFMA_F32_32X32X4BF16", 32, 32, 4, 1, "bf16", "f32"),
        ("V_MFMA_F32_16X16X8BF16", 16, 16, 8, 1, "bf16", "f32"),
        ("V_MFMA_F32_32X32X4BF16_1K", 32, 32, 4, 2, "bf16", "f32"),
        ("V_MFMA_F32_16X16X4BF16_1K", 16, 16, 4, 4, "bf16", "f32"),
        ("V_MFMA_F32_4X4X4BF16_1K", 4, 4, 4, 16, "bf16", "f32"),
        ("V_MFMA_F32_32X32X8BF16_1K", 32, 32, 8, 1, "bf16", "f32"),
        ("V_MFMA_F32_16X16X16BF16_1K", 16, 16, 16, 1, "bf16", "f32"),
        ("V_MFMA_F64_16X16X4F64", 16, 16, 4, 1, "f64", "f64"),
        ("V_MFMA_F64_4X4X4F64", 4, 4, 4, 4, "f64", "f64"),
        ("V_MFMA_F32_16X16X8XF32", 16, 16, 8, 1, "xf32", "f32"),  # gfx942 only
        ("V_MFMA_F32_32X32X4XF32", 32, 32, 4, 1, "xf32", "f32"),
        # gfx950 (layout by extension of the rule, see the module docstring)
        ("V_MFMA_F32_16X16X32_F16", 16, 16, 32, 1, "f16", "f32"),
        ("V_MFMA_F32_32X32X16_F16", 32, 32, 16, 1, "f16", "f32"),
        ("V_MFMA_F32_16X16X32_BF16", 16, 16, 32, 1, "bf16", "f32"),
        ("V_MFMA_F32_32X32X16_BF16", 32, 32, 16, 1, "bf16", "f32"),
        ("V_MFMA_I32_16X16X64_I8", 16, 16, 64, 1, "i8", "i32"),
        ("V_MFMA_I32_32X32X32_I8", 32, 32, 32, 1, "i8", "i32"),
    ]
    table = {op: MfmaShape(m, n, k, b, t, t, o) for op, m, n, k, b, t, o in rows}
    for ta in ("FP8", "BF8"):  # gfx942+: A and B 8-bit floats of either kind
        for tb in ("FP8", "BF8"):
            for m, k in ((16, 32), (32, 16)):
                op = f"V_MFMA_F32_{m}X{m}X{k}_{ta}_{tb}"
                table[op] = MfmaShape(m, m, k, 1, ta.lower(), tb.lower(), "f32")
                op = f"V_SMFMAC_F32_{m}X{m}X{2 * k}_{ta}_{tb}"
                table[op] = MfmaShape(m, m, 2 * k, 1, ta.lower(), tb.lower(), "f32", sparse=True)
    sparse = [  # gfx942 SMFMAC (4:2 structured-sparse A; K is the logical depth)
        ("V_SMFMAC_F32_16X16X32_F16", 16, 32, "f16", "f32"),
        ("V_SMFMAC_F32_32X32X16_F16", 32, 16, "f16", "f32"),
        ("V_SMFMAC_F32_16X16X32_BF16", 16, 32, "bf16", "f32"),
        ("V_SMFMAC_F32_32X32X16_BF16", 32, 16, "bf16", "f32"),
        ("V_SMFMAC_I32_16X16X64_I8", 16, 64, "i8", "i32"),
        ("V_SMFMAC_I32_32X32X32_I8", 32, 32, "i8", "i32"),
    ]
    for op, m, k, t, o in sparse:
        table[op] = MfmaShape(m, m, k, 1, t, t, o, sparse=True)
    return table


MFMA_SHAPES: dict[str, MfmaShape] = _table()

# BLGP: the lane each lane's B value is taken from (calculator README, "BLGP=0..7").
_L = np.arange(64)
BLGP_SOURCE: dict[int, np.ndarray] = {
    0: _L,
    1: _L % 32,  # lanes 0-31 broadcast to both halves
    2: 32 + _L % 32,  # lanes 32-63 broadcast to both halves
    3: (_L + 16) % 64,  # rotate down by 16
    4: _L % 16,  # lanes 0-15 to all four groups
    5: 16 + _L % 16,
    6: 32 + _L % 16,
    7: 48 + _L % 16,
}


@cache
def input_slots(outer: int, k: int, blocks: int) -> tuple[np.ndarray, np.ndarray]:
    """(lane, element) of every input value, each (blocks, outer, k) int64.

    For A ``outer`` is M and the index is ``[b, i, k]``; for B ``outer`` is N and the
    index is ``[b, j, k]`` (B[b][k][j]).
    """
    per_lane = k * outer * blocks // 64
    b, r, kk = np.meshgrid(np.arange(blocks), np.arange(outer), np.arange(k), indexing="ij")
    lane = outer * b + outer * blocks * (kk // per_lane) + r
    return lane, kk % per_lane


@cache
def output_slots(m: int, n: int, blocks: int, out_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """(lane, element) of every C/D value, each (blocks, m, n) int64; the element is
    the register (32-bit results) or register pair (64-bit results) index."""
    h = 1 if out_bits == 64 else 4
    groups = 64 // n
    side = math.ceil(64 / (m * n // h))
    b, i, j = np.meshgrid(np.arange(blocks), np.arange(m), np.arange(n), indexing="ij")
    reg = b * (m * n // 64) + h * (i // (h * groups)) + i % h
    lane = n * (b % side) + n * side * ((i // h) % groups) + j
    return lane, reg


def a_block_source(blocks: int, cbsz: int, abid: int) -> np.ndarray:
    """The A block each block reads under CBSZ/ABID, (blocks,) int64."""
    if cbsz < 0 or (1 << cbsz) > blocks or not 0 <= abid < (1 << cbsz):
        raise ValueError(f"cbsz:{cbsz} abid:{abid} invalid for a {blocks}-block MFMA "
                         "(need 2**cbsz <= blocks and abid < 2**cbsz)")
    size = 1 << cbsz
    return (np.arange(blocks) // size) * size + abid
