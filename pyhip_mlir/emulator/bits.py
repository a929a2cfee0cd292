"""Bit-level views between the register file's uint32 words and typed lanes.

Registers hold raw ``uint32`` words; instruction semantics work on typed numpy
arrays. These helpers convert without changing bits (``view``) or by the ISA's
packing rules (64-bit values are two dwords, low word first; 16-bit values sit in
the low or high half of a dword).
"""

from __future__ import annotations

import numpy as np

U32 = np.uint32
U64 = np.uint64
LANES = 64
_LANE_BITS = np.uint64(1) << np.arange(LANES, dtype=np.uint64)


def join64(words: np.ndarray) -> np.ndarray:
    """(..., 2) uint32 -> (...) uint64, low word first."""
    w = np.ascontiguousarray(words, dtype=U32)
    return w.view(U64)[..., 0]


def split64(value: np.ndarray) -> np.ndarray:
    """(...) 64-bit integer or float -> (..., 2) uint32, low word first."""
    v = np.ascontiguousarray(value)
    if v.dtype.itemsize != 8:
        v = v.astype(U64)
    return v.view(U32).reshape(*v.shape, 2)


def as_f32(words: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(words, dtype=U32).view(np.float32)


def f32_bits(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.float32).view(U32)


def as_f64(words2: np.ndarray) -> np.ndarray:
    return join64(words2).view(np.float64)


def half_bits(words: np.ndarray, hi: bool | np.ndarray = False) -> np.ndarray:
    """The 16-bit half of each word, as uint16 (``hi`` may be per lane)."""
    w = np.asarray(words, dtype=U32)
    if isinstance(hi, np.ndarray):
        return np.where(hi, w >> 16, w & 0xFFFF).astype(np.uint16)
    return ((w >> 16) if hi else (w & 0xFFFF)).astype(np.uint16)


def f16_of(bits16: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(bits16, dtype=np.uint16).view(np.float16)


def f16_bits(values: np.ndarray) -> np.ndarray:
    """float -> IEEE half bits, round to nearest even (numpy's float16 cast)."""
    return np.asarray(values, dtype=np.float32).astype(np.float16).view(np.uint16)


def bf16_to_f32(bits16: np.ndarray) -> np.ndarray:
    return (np.asarray(bits16, dtype=U32) << 16).view(np.float32)


def f32_to_bf16_bits(values: np.ndarray) -> np.ndarray:
    """f32 -> bf16 bits, round to nearest even; NaN stays a (quiet) NaN."""
    b = np.ascontiguousarray(values, dtype=np.float32).view(U32)
    rounded = (b + (np.uint32(0x7FFF) + ((b >> 16) & 1))) >> 16
    nan = np.isnan(np.asarray(values, dtype=np.float32))
    return np.where(nan, (b >> 16) | 0x40, rounded).astype(np.uint16)


def mask_to_lanes(mask64: np.ndarray) -> np.ndarray:
    """(...) uint64 lane masks -> (..., 64) bool."""
    m = np.asarray(mask64, dtype=U64)
    return (m[..., None] & _LANE_BITS) != 0


def lanes_to_mask(lanes: np.ndarray) -> np.ndarray:
    """(..., 64) bool -> (...) uint64 lane masks (lane 0 is bit 0)."""
    packed = np.packbits(np.asarray(lanes, dtype=bool), axis=-1, bitorder="little")
    return np.ascontiguousarray(packed).view(U64)[..., 0]


def sext(value: np.ndarray, bits: int) -> np.ndarray:
    """Sign-extend the low ``bits`` of each element to int64."""
    v = np.asarray(value).astype(np.int64) & ((1 << bits) - 1)
    return np.where(v >= (1 << (bits - 1)), v - (1 << bits), v)
