"""Register data types of the DSL (pyhip's spellings) and how constants encode in them.

A register variable's type is ``<file><dtype>``: file ``s``, ``v`` (the default) or
``a``; dtype one of :data:`DTYPES`. The dtype decides how expressions on the variable
compute (signed or unsigned compares and shifts, float or integer arithmetic) and how
many dwords one element takes (64-bit types take two).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

# dtype -> dwords per element
DTYPES: dict[str, int] = {
    "i32": 1, "u32": 1, "f32": 1, "i64": 2, "u64": 2, "f64": 2,
    "bf16x2": 1, "fp16x2": 1, "fp8x4": 1, "bf8x4": 1,
}  # fmt: skip
# pyhip's other spellings
ALIASES: dict[str, str] = {
    "s32": "i32", "int": "i32", "fp32": "f32", "float": "f32", "s64": "i64",
    "f16x2": "fp16x2", "half2": "fp16x2", "b32": "u32", "b64": "u64",
}  # fmt: skip
FILES = ("s", "v", "a")
INT_TYPES = frozenset({"i32", "u32", "i64", "u64"})
SIGNED = frozenset({"i32", "i64"})
FLOAT_TYPES = frozenset({"f32", "f64", "fp16x2", "bf16x2"})


@dataclass(frozen=True)
class RegDType:
    file: str
    dtype: str

    @property
    def dwords(self) -> int:
        return DTYPES[self.dtype]


def parse_type(text: str) -> RegDType | None:
    """``"si32"`` -> RegDType("s", "i32"); ``"f32"`` -> ("v", "f32"); None if invalid."""
    t = text.strip()
    file = "v"
    if t[:1] in FILES and (t[1:] in DTYPES or t[1:] in ALIASES):
        file, t = t[0], t[1:]
    t = ALIASES.get(t, t)
    if t not in DTYPES:
        return None
    return RegDType(file, t)


def type_names() -> str:
    return ", ".join(DTYPES)


def f32_bits(x: float) -> int:
    """Bits of ``x`` rounded to f32 (to nearest even; beyond the f32 range: infinity)."""
    with np.errstate(over="ignore"):
        return int(np.array(x, dtype=np.float32).view(np.uint32))


def f16_bits(x: float) -> int:
    with np.errstate(over="ignore"):
        return int(np.array(x, dtype=np.float16).view(np.uint16))


def bf16_bits(x: float) -> int:
    """Round-to-nearest-even bf16 of ``x`` (NaN stays a quiet NaN)."""
    b = f32_bits(x)
    if (b & 0x7FFFFFFF) > 0x7F800000:
        return ((b >> 16) | 0x40) & 0xFFFF
    return ((b + 0x7FFF + ((b >> 16) & 1)) >> 16) & 0xFFFF


def constant_dwords(value: int | float, dtype: str, dwords: int) -> list[int]:
    """The dwords a constant stores as in ``dwords`` registers of ``dtype``.

    Integers are raw bits (pyhip: ``x[0] = 0xff800000`` stores -inf into an f32
    register), sign-extended to 64 bits for two-dword destinations. Floats are
    encoded in the destination's float format; a packed 16-bit type gets the value
    in both halves.
    """
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        if dwords == 2:
            v = value & 0xFFFFFFFFFFFFFFFF
            return [v & 0xFFFFFFFF, v >> 32]
        return [value & 0xFFFFFFFF] * dwords
    if dtype == "f64":
        v = struct.unpack("<Q", struct.pack("<d", value))[0]
        return [v & 0xFFFFFFFF, v >> 32] * (dwords // 2)
    if dtype == "fp16x2":
        h = f16_bits(value)
        return [h | (h << 16)] * dwords
    if dtype == "bf16x2":
        h = bf16_bits(value)
        return [h | (h << 16)] * dwords
    return [f32_bits(value)] * dwords
