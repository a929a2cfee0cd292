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
_FLOAT_FORMATS = {(4, "f"): "f", (8, "f"): "d"}  # f16/bf16 go through _pack_by_value


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

    convert.kind = "pointer"  # type: ignore[attr-defined]
    convert.align = align  # type: ignore[attr-defined]
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

    convert.kind = "int"  # type: ignore[attr-defined]
    convert.bounds = (lo, hi)  # type: ignore[attr-defined]
    return convert


def _float_converter(name: str, pos: int, tname: str, fmt: str) -> Converter:
    def convert(value: object) -> float:
        try:
            f = value if type(value) is float else float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise KernelArgError(f"expected a number for {tname}, got {type(value).__name__}",
                                 name, pos) from None
        try:
            struct.pack(fmt, f)
        except (OverflowError, struct.error):
            raise KernelArgError(f"{value} is out of range for {tname}", name, pos) from None
        return f  # type: ignore[return-value]

    convert.kind = "float"  # type: ignore[attr-defined]
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
        self.formats: list[str] = []
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
            self.formats.append(code)
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
                return _float_converter(name, pos, tname or "", "<" + fmt), fmt
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


# --- the generated per-signature launch function ---------------------------------------
#
# A launch is the hot path of a program that calls small kernels in a loop. One Python
# function per signature, generated once, does the whole call with straight-line code:
# grid/block fast paths, one inline check per argument (exact-type tests that send
# anything unusual to the converter above, which accepts it or raises the
# KernelArgError), one struct.pack_into into this thread's buffer, and the backend's
# raw entry. Nothing is looked up by name per call.

_TEMPLATE = '''\
def launch(grid, block, args, stream, lds_bytes):
    if type(grid) is list and len(grid) == 1 and type(grid[0]) is int and grid[0] > 0:
        g = (grid[0], 1, 1)
    else:
        g = dims3("grid", grid)
    if type(block) is list and len(block) == 1 and type(block[0]) is int and block[0] > 0:
        b = (block[0], 1, 1)
    else:
        b = dims3("block", block)
{wg_check}    if len(args) != {n}:
        check_count(args)
{unpack}{checks}    try:
        buf, extra = local.state
    except AttributeError:
        buf, extra = local.state = new_state()
    try:
        pack_into(buf, 0{values})
    except (OverflowError, struct_error):
        values(args)  # a float the format cannot hold: the converter says which
        raise
    return entry(g, b, buf, extra, stream, lds_bytes)
'''


def _arg_check(i: int, conv: Converter, fmt: str, align: int, device: str) -> str:
    a = f"a{i}"
    if fmt == "Q" and getattr(conv, "kind", "") == "pointer":
        want = "True" if device == "gpu" else "False"
        lines = [f"    try:\n        v{i} = {a}.data_ptr() if {a}.is_cuda is {want} else c{i}({a})\n"
                 f"    except AttributeError:\n        v{i} = c{i}({a})\n"]
        if align > 1:
            lines.append(f"    if v{i} & {align - 1}:\n        v{i} = c{i}({a})\n")
        return "".join(lines)
    if getattr(conv, "kind", "") == "int":
        lo, hi = conv.bounds  # type: ignore[attr-defined]
        return (f"    v{i} = {a}\n    if type({a}) is not int or not {lo} <= {a} <= {hi}:\n"
                f"        v{i} = c{i}({a})\n")
    if getattr(conv, "kind", "") == "float":
        return f"    v{i} = {a} if type({a}) is float else c{i}({a})\n"
    return f"    v{i} = c{i}({a})\n"


def compile_launch(packer: Packer, entry: Callable[..., Any], new_state: Callable[[], Any],
                   workgroup_size: tuple[int, int, int] | None, kernel: str) -> Callable[..., Any]:
    """The generated launch function for ``packer``'s signature (no hidden arguments)."""
    n = len(packer.converters)
    ns: dict[str, Any] = {"dims3": dims3, "check_count": packer.check_count, "entry": entry,
                          "new_state": new_state, "local": threading.local(),
                          "pack_into": packer.struct.pack_into, "wg": workgroup_size,
                          "values": packer.values, "struct_error": struct.error}
    checks = []
    for i, conv in enumerate(packer.converters):
        ns[f"c{i}"] = conv
        align = int(getattr(conv, "align", 1))
        fmt = packer.formats[i]
        checks.append(_arg_check(i, conv, fmt, align, packer.device))
    wg_check = ""
    if workgroup_size is not None:
        ns["wg_error"] = lambda block: (_ for _ in ()).throw(ValueError(
            f"{kernel} was compiled for workgroup_size {list(workgroup_size)}, launched with "
            f"block {list(block) if not isinstance(block, int) else [block]}"))
        wg_check = "    if b != wg:\n        wg_error(block)\n"
    unpack = f"    {', '.join(f'a{i}' for i in range(n))}{',' if n == 1 else ''} = args\n" if n else ""
    src = _TEMPLATE.format(n=n, wg_check=wg_check, unpack=unpack, checks="".join(checks),
                           values="".join(f", v{i}" for i in range(n)))
    exec(compile(src, f"<pyhip launch {kernel}>", "exec"), ns)  # noqa: S102 - our own template
    return ns["launch"]  # type: ignore[no-any-return]
