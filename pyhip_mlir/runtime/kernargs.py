"""Packing a kernel's arguments into its kernarg segment, as the HIP runtime does.

The layout comes from the kernel's code object metadata (``.args`` of its
``amdhsa.kernels`` entry: ``.offset``, ``.size``, ``.value_kind``, optional ``.name``
and ``.type_name``); see LLVM ``AMDGPUUsage``, "Code Object V3 Metadata" (argument
kinds) and "Code Object V5 Metadata" (the ``hidden_*`` kinds). Arguments without a
``hidden_`` kind are the explicit ones, in C signature order, and take ``values``:

- ``global_buffer`` (a pointer, 8 bytes): an object exposing its address through
  ``data_ptr()`` (torch), ``__cuda_array_interface__`` or ``__array_interface__``
  (numpy), ``__dlpack__``, a ctypes pointer/array, a plain ``int`` address, or ``None``
  for a null pointer. A ``by_value`` argument whose ``.type_name`` ends in ``*`` is a
  pointer too.
- ``by_value`` scalars (1, 2, 4 or 8 bytes): an integer is range-checked against the C
  type named by ``.type_name`` (signed or unsigned by that type) or, with no known
  type, against the union of the signed and unsigned ranges of its size, and stored in
  two's complement; a float type (``half``/``_Float16``, ``__bf16``, ``float``,
  ``double``) takes any real number and is stored as IEEE binary16/bfloat16/32/64; with
  no type name a Python float is stored by size (2: f16, 4: f32, 8: f64). Any
  ``by_value`` argument (structs included) also takes ``bytes`` of exactly its size.

Hidden arguments are filled as ROCm's runtime (CLR, ``rocvirtual.cpp``) fills them
for ``hipModuleLaunchKernel``, a 3-D NDRange of ``grid * block`` work-items:

- ``hidden_block_count_{x,y,z}``: work-items // group size = full workgroups (u32);
- ``hidden_group_size_{x,y,z}``: the workgroup size (u16);
- ``hidden_remainder_{x,y,z}``: work-items % group size, the size of the partial last
  workgroup, 0 when there is none (u16). With ``grid`` counted in workgroups there is
  never one; pass ``work_items`` (hipExtModuleLaunchKernel-style global sizes) to
  launch partial workgroups;
- ``hidden_grid_dims``: 3, as HIP always dispatches 3-D (u16; ``grid_dims`` overrides);
- ``hidden_global_offset_{x,y,z}``: 0 (u64);
- ``hidden_dynamic_lds_size``: ``dynamic_lds_size`` (default 0);
- everything else is zero: there is no printf or hostcall buffer, no device heap
  (``hidden_heap_v1``), no default queue, completion action or multigrid sync, and the
  aperture bases and queue pointer are only used before GFX9. A kernel that
  dereferences one of these will fault in an emulator, which is the point.

Bytes not covered by an argument (padding, reserved hidden space) are zero.
"""

from __future__ import annotations

import ctypes
import math
import numbers
import operator
import struct
from collections.abc import Sequence
from typing import Any

__all__ = ["KernelArgError", "pack_kernargs", "pointer_value"]


class KernelArgError(ValueError):
    """A value that does not fit its kernel parameter (or a wrong argument count).

    ``name`` is the parameter's name (``argN`` when the metadata has none), ``position``
    its 0-based index among the explicit arguments (None when not about one argument).
    """

    def __init__(self, message: str, name: str | None = None, position: int | None = None):
        self.name = name
        self.position = position
        self.message = message
        where = ""
        if position is not None:
            where = f"argument {position}" + (f" '{name}'" if name else "") + ": "
        elif name:
            where = f"{name}: "
        super().__init__(where + message)


# C type name -> (size, kind) with kind "i" signed, "u" unsigned, "b" bool, "f" float,
# "bf" bfloat16. OpenCL spellings (uint, ulong, ...) are included; on AMDGPU ``char``
# is signed and ``long`` is 64-bit.
_CTYPES: dict[str, tuple[int, str]] = {}
for _names, _size, _kind in (
    (("char", "signed char", "int8_t"), 1, "i"),
    (("unsigned char", "uchar", "uint8_t"), 1, "u"),
    (("bool", "_Bool"), 1, "b"),
    (("short", "short int", "signed short", "int16_t"), 2, "i"),
    (("unsigned short", "unsigned short int", "ushort", "uint16_t"), 2, "u"),
    (("int", "signed", "signed int", "int32_t"), 4, "i"),
    (("unsigned", "unsigned int", "uint", "uint32_t"), 4, "u"),
    (("long", "long int", "long long", "long long int", "signed long", "int64_t",
      "ssize_t", "ptrdiff_t", "intptr_t"), 8, "i"),
    (("unsigned long", "unsigned long int", "unsigned long long", "ulong", "uint64_t",
      "size_t", "uintptr_t"), 8, "u"),
    (("half", "_Float16", "__fp16"), 2, "f"),
    (("__bf16", "bfloat16", "bf16"), 2, "bf"),
    (("float",), 4, "f"),
    (("double",), 8, "f"),
):  # fmt: skip
    for _n in _names:
        _CTYPES[_n] = (_size, _kind)

_QUALIFIERS = {"const", "volatile", "restrict", "__restrict", "__restrict__"}
_FLOAT_FORMATS = {2: "<e", 4: "<f", 8: "<d"}
_U64_MAX = (1 << 64) - 1


def _normalize_type(type_name: object) -> str | None:
    if not isinstance(type_name, str):
        return None
    text = type_name.replace("'", "").replace('"', "").replace("*", " * ")
    words = [w for w in text.split() if w not in _QUALIFIERS]
    return " ".join(words).replace(" *", "*") or None


def _is_pointer(arg: dict[str, Any]) -> bool:
    kind = arg.get(".value_kind")
    tname = _normalize_type(arg.get(".type_name"))
    return kind == "global_buffer" or (kind == "by_value" and bool(tname and tname.endswith("*")))


def pointer_value(value: object) -> int | None:
    """The address ``value`` stands for, or None if it is not a pointer-like object.

    Tried in order: None (null), an ``int`` (not bool), ``data_ptr()``,
    ``__cuda_array_interface__``, ``__array_interface__``, ctypes objects, ``__dlpack__``,
    then any other object with ``__index__``.
    """
    if value is None:
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    data_ptr = getattr(value, "data_ptr", None)
    if callable(data_ptr):
        return int(data_ptr())
    for attr in ("__cuda_array_interface__", "__array_interface__"):
        iface = getattr(value, attr, None)
        if isinstance(iface, dict) and isinstance(iface.get("data"), tuple):
            return int(iface["data"][0] or 0)
    if isinstance(value, ctypes._Pointer | ctypes.c_void_p | ctypes.c_char_p):
        return ctypes.cast(value, ctypes.c_void_p).value or 0
    if isinstance(value, ctypes.Array | ctypes.Structure | ctypes.Union):
        return ctypes.addressof(value)
    if callable(getattr(value, "__dlpack__", None)):
        return _dlpack_address(value)
    return _integer(value)


class _DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class _DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class _DLTensor(ctypes.Structure):
    """DLPack's ``DLTensor`` (the first member of the legacy ``DLManagedTensor``)."""

    _fields_ = [
        ("data", ctypes.c_void_p),
        ("device", _DLDevice),
        ("ndim", ctypes.c_int32),
        ("dtype", _DLDataType),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("strides", ctypes.POINTER(ctypes.c_int64)),
        ("byte_offset", ctypes.c_uint64),
    ]


# Private prototypes, so that the shared ctypes.pythonapi entries stay untouched.
_capsule_get_pointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", ctypes.pythonapi)
)
_capsule_is_valid = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.py_object, ctypes.c_char_p)(
    ("PyCapsule_IsValid", ctypes.pythonapi)
)


def _dlpack_address(value: Any) -> int | None:
    """data + byte_offset of the legacy ``"dltensor"`` capsule ``__dlpack__()`` returns.

    The capsule is not consumed, so its destructor releases the export again; the
    memory stays owned by ``value``.
    """
    try:
        capsule = value.__dlpack__()
    except Exception:  # noqa: BLE001 - any failure means "not usable as a pointer"
        return None
    if not _capsule_is_valid(capsule, b"dltensor"):
        return None
    tensor = _DLTensor.from_address(_capsule_get_pointer(capsule, b"dltensor"))
    return (tensor.data or 0) + tensor.byte_offset


def _pack_int(value: int, size: int, kind: str | None) -> bytes | str:
    """Little-endian two's complement, or an error message if out of range."""
    if kind == "b":
        lo, hi, what = 0, 1, "bool"
    elif kind == "i":
        lo, hi, what = -(1 << (8 * size - 1)), (1 << (8 * size - 1)) - 1, f"int{8 * size}"
    elif kind == "u":
        lo, hi, what = 0, (1 << (8 * size)) - 1, f"uint{8 * size}"
    else:
        lo, hi = -(1 << (8 * size - 1)), (1 << (8 * size)) - 1
        what = f"a {size}-byte integer"
    if not lo <= value <= hi:
        return f"{value} is out of range for {what} ({lo}..{hi})"
    return (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")


def _pack_float(value: float, size: int, kind: str) -> bytes | str:
    if kind == "bf":
        (bits,) = struct.unpack("<I", struct.pack("<f", value))
        if math.isnan(value):
            return struct.pack("<H", (bits >> 16) | 0x40)
        return struct.pack("<H", ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) & 0xFFFF)
    try:
        return struct.pack(_FLOAT_FORMATS[size], value)
    except (OverflowError, struct.error):
        return f"{value} is out of range for a {8 * size}-bit float"


def _integer(value: object) -> int | None:
    if isinstance(value, numbers.Integral):
        return int(value)
    if hasattr(value, "__index__") and not isinstance(value, float):
        try:
            return operator.index(value)  # type: ignore[arg-type]
        except TypeError:
            return None
    return None


def _pack_by_value(arg: dict[str, Any], value: object, size: int) -> bytes | str:
    """The bytes of one by-value argument, or an error message."""
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        if len(raw) != size:
            return f"{len(raw)} bytes given for a {size}-byte argument"
        return raw
    tname = _normalize_type(arg.get(".type_name"))
    ctype = _CTYPES.get(tname) if tname else None
    if ctype is not None and ctype[0] != size:
        ctype = None  # the metadata size wins over a type name that disagrees
    kind = ctype[1] if ctype else None
    as_int = _integer(value)
    if kind in ("f", "bf") or (kind is None and as_int is None):
        what = tname or f"{size}-byte by-value argument"
        if not isinstance(value, numbers.Real):
            return f"expected a number for {what}, got {type(value).__name__}"
        if size not in _FLOAT_FORMATS:
            return f"a float cannot be stored in a {what}"
        try:
            as_float = float(value)
        except OverflowError:
            return f"{value} is out of range for a {8 * size}-bit float"
        return _pack_float(as_float, size, kind or "f")
    if as_int is None:
        return f"expected an integer for {tname}, got {type(value).__name__} {value!r}"
    return _pack_int(as_int, size, kind)


def _launch_dims(name: str, dims: object) -> tuple[int, int, int]:
    try:
        out = tuple(operator.index(d) for d in dims)  # type: ignore[union-attr]
    except TypeError:
        raise KernelArgError(f"must be 3 integers, got {dims!r}", name) from None
    if len(out) != 3 or any(d < 1 for d in out):
        raise KernelArgError(f"must be 3 positive integers, got {dims!r}", name)
    return out  # type: ignore[return-value]


def _hidden_values(
    block: tuple[int, int, int],
    work_items: tuple[int, int, int],
    grid_dims: int,
    dynamic_lds_size: int,
) -> dict[str, int]:
    """Value of each hidden argument kind CLR fills from the launch (others are 0)."""
    out = {"hidden_grid_dims": grid_dims, "hidden_dynamic_lds_size": dynamic_lds_size}
    for i, axis in enumerate("xyz"):
        out[f"hidden_block_count_{axis}"] = work_items[i] // block[i]
        out[f"hidden_group_size_{axis}"] = block[i]
        out[f"hidden_remainder_{axis}"] = work_items[i] % block[i]
        out[f"hidden_global_offset_{axis}"] = 0
    return out


def pack_kernargs(
    args_meta: list[dict[str, Any]],
    values: Sequence[object],
    grid: tuple[int, int, int],
    block: tuple[int, int, int],
    *,
    segment_size: int,
    work_items: tuple[int, int, int] | None = None,
    grid_dims: int = 3,
    dynamic_lds_size: int = 0,
) -> bytearray:
    """The kernarg segment (``segment_size`` bytes) for one launch.

    ``args_meta`` is the metadata ``.args`` list, ``values`` the explicit arguments in
    order, ``grid`` the number of workgroups per dimension and ``block`` the workgroup
    size. ``work_items`` (the global size in work-items, default ``grid * block``)
    allows a partial last workgroup; ``grid`` must then be its ceiling division by
    ``block``. See the module docstring for how each argument kind is encoded.
    """
    block = _launch_dims("block", block)
    grid = _launch_dims("grid", grid)
    if work_items is None:
        work_items = (grid[0] * block[0], grid[1] * block[1], grid[2] * block[2])
    else:
        work_items = _launch_dims("work_items", work_items)
        need = tuple(-(-w // b) for w, b in zip(work_items, block, strict=True))
        if need != grid:
            raise KernelArgError(
                f"{grid} workgroups do not match {work_items} work-items in blocks of "
                f"{block} (that takes {need})",
                "grid",
            )
    if any(w > 0xFFFFFFFF for w in work_items):
        raise KernelArgError(f"{work_items} work-items exceed 2^32 - 1 per dimension", "grid")
    hidden = _hidden_values(block, work_items, grid_dims, dynamic_lds_size)

    explicit = [a for a in args_meta if not str(a.get(".value_kind", "")).startswith("hidden_")]
    names = [str(a.get(".name") or f"arg{i}") for i, a in enumerate(explicit)]
    if len(values) != len(explicit):
        sig = ", ".join(names) or "no arguments"
        if len(values) < len(explicit):
            missing = names[len(values) :]
            raise KernelArgError(
                f"expected {len(explicit)} arguments ({sig}), got {len(values)}: missing "
                + ", ".join(f"'{n}'" for n in missing),
                missing[0],
                len(values),
            )
        raise KernelArgError(
            f"expected {len(explicit)} arguments ({sig}), got {len(values)}: "
            f"{len(values) - len(explicit)} extra value(s) from position {len(explicit)}",
            None,
            len(explicit),
        )

    buf = bytearray(segment_size)

    def put(raw: bytes, arg: dict[str, Any], label: str, pos: int | None = None) -> None:
        offset = arg.get(".offset")
        if not isinstance(offset, int) or offset < 0 or offset + len(raw) > segment_size:
            raise KernelArgError(
                f"metadata offset {offset!r} + size {len(raw)} lies outside the "
                f"{segment_size}-byte kernarg segment",
                label,
                pos,
            )
        buf[offset : offset + len(raw)] = raw

    for pos, (arg, name, value) in enumerate(zip(explicit, names, values, strict=True)):
        size = arg.get(".size")
        kind = arg.get(".value_kind")
        if not isinstance(size, int) or size <= 0:
            raise KernelArgError(f"metadata size {size!r} is not a positive integer", name, pos)
        if _is_pointer(arg):
            addr = pointer_value(value)
            if addr is None:
                raise KernelArgError(
                    f"expected a pointer (an array, a tensor or an int address) for a "
                    f"{kind} parameter, got {type(value).__name__}",
                    name,
                    pos,
                )
            if not 0 <= addr <= _U64_MAX:
                raise KernelArgError(f"address {addr} is not a 64-bit unsigned value", name, pos)
            put(addr.to_bytes(8, "little")[:size].ljust(size, b"\0"), arg, name, pos)
        elif kind == "by_value":
            raw = _pack_by_value(arg, value, size)
            if isinstance(raw, str):
                raise KernelArgError(raw, name, pos)
            put(raw, arg, name, pos)
        else:
            raise KernelArgError(f"unsupported argument kind {kind!r}", name, pos)

    for arg in args_meta:
        kind = str(arg.get(".value_kind", ""))
        if not kind.startswith("hidden_"):
            continue
        size = arg.get(".size")
        value = hidden.get(kind, 0)
        if not isinstance(size, int) or size <= 0:
            raise KernelArgError(f"metadata size {size!r} is not a positive integer", kind)
        if value >= 1 << (8 * size):
            raise KernelArgError(f"{value} does not fit in {size} bytes", kind)
        put(value.to_bytes(size, "little"), arg, kind)
    return buf
