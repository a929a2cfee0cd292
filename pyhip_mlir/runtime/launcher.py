"""The launch hot path: validate arguments and pack the kernarg segment, fast.

A :class:`Packer` is built once per kernel signature (the code object's ``.args``)
and reused for every launch. It turns the signature into one ``struct.Struct`` (the
explicit arguments at their metadata offsets, gaps as padding) and one small
converter per argument, so a launch is a loop of converters and one ``pack_into``.
Everything a converter rejects raises :class:`KernelArgError` naming the argument;
its checks are the same as :func:`pyhip_mlir.runtime.kernargs.pack_kernargs` (which
kernels with ``hidden_*`` arguments still use: their values depend on the launch).

Pointer arguments also check the device the memory lives on (``device``: ``"cpu"``
for the emulator, ``"gpu"`` for HIP; raw integer addresses are trusted) and the
alignment of the pointee type, because a misaligned or host pointer on a GPU faults
far from the call that caused it.
"""

from __future__ import annotations

import operator
import struct
import threading
from collections.abc import Callable, Sequence
from typing import Any

from pyhip_mlir.runtime.kernargs import (
    _CTYPES,
    KernelArgError,
    _normalize_type,
    _pack_by_value,
    pack_kernargs,
    pointer_value,
)

Converter = Callable[[object], object]
_INT_FORMATS = {(1, "i"): "b", (1, "u"): "B", (1, "b"): "B", (2, "i"): "h", (2, "u"): "H",
                (4, "i"): "i", (4, "u"): "I", (8, "i"): "q", (8, "u"): "Q"}
_FLOAT_FORMATS = {(2, "f"): "e", (4, "f"): "f", (8, "f"): "d"}


def dims3(what: str, dims: object) -> tuple[int, int, int]:
    """A grid/block of 1 to 3 positive integers as a new 3-tuple (the caller's list is
    never modified)."""
    if type(dims) is int:
        if dims >= 1:
            return (dims, 1, 1)
        raise KernelArgError(f"must be positive, got {dims}", what)
    try:
        d = [operator.index(x) for x in dims]  # type: ignore[union-attr]
    except TypeError:
        raise KernelArgError(f"must be 1 to 3 integers, got {dims!r}", what) from None
    if not 1 <= len(d) <= 3 or any(x < 1 for x in d):
        raise KernelArgError(f"must be 1 to 3 positive integers, got {dims!r}", what)
    d += [1] * (3 - len(d))
    return (d[0], d[1], d[2])


def _pointee_align(type_name: str | None) -> int:
    if not type_name or not type_name.endswith("*"):
        return 1
    size = _CTYPES.get(type_name[:-1].strip(), (1, ""))[0]
    return size


def _tensor_device_ok(value: Any, device: str) -> str | None:
    is_cuda = getattr(value, "is_cuda", None)
    if is_cuda is None:
        return None
    if device == "gpu" and not is_cuda:
        return "is a CPU tensor; the hip backend needs GPU memory (tensor.cuda())"
    if device == "cpu" and is_cuda:
        return "is a GPU tensor; the emulator reads host memory (tensor.cpu())"
    return None


def _pointer_converter(name: str, pos: int, type_name: str | None, device: str) -> Converter:
    align = _pointee_align(type_name)

    def convert(value: object) -> int:
        data_ptr = getattr(value, "data_ptr", None)
        if data_ptr is not None and not isinstance(value, int):
            bad = _tensor_device_ok(value, device)
            if bad is not None:
                raise KernelArgError(bad, name, pos)
            p = data_ptr()
        else:
            if isinstance(value, bool) or isinstance(value, float):
                raise KernelArgError(f"expected a pointer (tensor, array or address), got "
                                     f"{type(value).__name__} {value!r}", name, pos)
            got = pointer_value(value)
            if got is None:
                raise KernelArgError(f"expected a pointer (tensor, array or address), got "
                                     f"{type(value).__name__}", name, pos)
            p = got
        if not 0 <= p < 1 << 64:
            raise KernelArgError(f"address {p:#x} does not fit 64 bits", name, pos)
        if p % align:
            raise KernelArgError(f"address {p:#x} is not {align}-byte aligned as "
                                 f"{type_name} requires", name, pos)
        return p

    return convert


def _int_converter(name: str, pos: int, size: int, kind: str, tname: str) -> Converter:
    if kind == "b":
        lo, hi = 0, 1
    elif kind == "i":
        lo, hi = -(1 << (8 * size - 1)), (1 << (8 * size - 1)) - 1
    else:
        lo, hi = 0, (1 << (8 * size)) - 1

    def convert(value: object) -> int:
        if type(value) is not int:
            if isinstance(value, float) or not hasattr(value, "__index__"):
                raise KernelArgError(f"expected an integer for {tname}, got "
                                     f"{type(value).__name__} {value!r}", name, pos)
            value = operator.index(value)  # type: ignore[arg-type]
        if not lo <= value <= hi:  # type: ignore[operator]
            raise KernelArgError(f"{value} is out of range for {tname} ({lo}..{hi})", name, pos)
        return value  # type: ignore[return-value]

    return convert


def _float_converter(name: str, pos: int, tname: str) -> Converter:
    def convert(value: object) -> float:
        if type(value) is float:
            return value
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise KernelArgError(f"expected a number for {tname}, got {type(value).__name__}",
                                 name, pos) from None

    return convert


def _bytes_converter(arg: dict[str, Any], name: str, pos: int, size: int) -> Converter:
    def convert(value: object) -> bytes:
        raw = _pack_by_value(arg, value, size)
        if isinstance(raw, str):
            raise KernelArgError(raw, name, pos)
        return raw

    return convert


class Packer:
    """Validates and packs one kernel's arguments (see the module docstring)."""

    def __init__(self, args_meta: Sequence[dict[str, Any]], segment_size: int, device: str,
                 kernel: str = "kernel"):
        self.kernel = kernel
        self.args_meta = [dict(a) for a in args_meta]
        self.segment_size = max(segment_size, 0)
        self.device = device
        self.explicit = [a for a in self.args_meta
                         if not str(a.get(".value_kind", "")).startswith("hidden_")]
        self.names = [str(a.get(".name", f"arg{i}")) for i, a in enumerate(self.explicit)]
        self.has_hidden = len(self.explicit) != len(self.args_meta)
        self.converters: list[Converter] = []
        offsets = [int(a[".offset"]) for a in self.explicit]
        if offsets != sorted(offsets):
            raise ValueError(f"kernel {kernel}: arguments are not in offset order")
        fmt = ["<"]
        at = 0
        for pos, a in enumerate(self.explicit):
            off, size = int(a[".offset"]), int(a[".size"])
            if off < at:
                raise ValueError(f"kernel {kernel}: overlapping arguments in metadata")
            if off > at:
                fmt.append(f"{off - at}x")
            conv, code = self._converter(a, pos, size)
            self.converters.append(conv)
            fmt.append(code)
            at = off + size
        fmt.append(f"{max(self.segment_size - at, 0)}x")
        self.struct = struct.Struct("".join(fmt))
        self._local = threading.local()

    def _converter(self, a: dict[str, Any], pos: int, size: int) -> tuple[Converter, str]:
        name = self.names[pos]
        tname = _normalize_type(a.get(".type_name"))
        kind_meta = a.get(".value_kind")
        if kind_meta == "global_buffer" or (tname or "").endswith("*"):
            return _pointer_converter(name, pos, tname, self.device), "Q"
        ctype = _CTYPES.get(tname) if tname else None
        if ctype is not None and ctype[0] == size:
            fmt = _INT_FORMATS.get((size, ctype[1])) or _FLOAT_FORMATS.get((size, ctype[1]))
            if fmt is not None and ctype[1] in ("i", "u", "b"):
                return _int_converter(name, pos, size, ctype[1], tname or ""), fmt
            if fmt is not None:
                return _float_converter(name, pos, tname or ""), fmt
        return _bytes_converter(a, name, pos, size), f"{size}s"

    def check_count(self, args: Sequence[object]) -> None:
        if len(args) != len(self.converters):
            names = ", ".join(self.names) or "none"
            raise KernelArgError(f"{self.kernel} takes {len(self.converters)} argument(s) "
                                 f"({names}), got {len(args)}")

    def values(self, args: Sequence[object]) -> list[object]:
        if len(args) != len(self.converters):
            self.check_count(args)
        return [conv(v) for conv, v in zip(self.converters, args)]  # noqa: B905 - checked

    def pack(self, args: Sequence[object], grid: tuple[int, int, int] = (1, 1, 1),
             block: tuple[int, int, int] = (1, 1, 1), lds_bytes: int = 0) -> bytes:
        """The kernarg segment for one launch (``grid`` counted in workgroups)."""
        vals = self.values(args)
        if not self.has_hidden:
            return self.struct.pack(*vals)
        return bytes(pack_kernargs(self.args_meta, list(args), grid, block,
                                   segment_size=self.segment_size, dynamic_lds_size=lds_bytes))

    def pack_into_buffer(self, args: Sequence[object]) -> Any:
        """Pack into this thread's reusable ctypes buffer (valid until the next call on
        this thread; HIP copies the kernargs when the launch call returns)."""
        buf = getattr(self._local, "buf", None)
        if buf is None:
            import ctypes

            buf = self._local.buf = ctypes.create_string_buffer(max(self.struct.size, 1))
        self.struct.pack_into(buf, 0, *self.values(args))
        return buf
