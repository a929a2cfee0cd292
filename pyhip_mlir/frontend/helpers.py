"""pyhip's kernel-writing helpers: the LDS allocator, ``LDSTensor`` and ``Buffer``.

``J.alloc_lds(nbytes, align=4)`` / ``J.free_lds(offset)`` manage the workgroup's LDS
at trace time with a first-fit allocator over a list of free holes (freed neighbours
coalesce). The kernel's ``lds_bytes`` is the high-water mark of everything ever
allocated, so a kernel that frees and reallocates does not grow. Running past the
arch's LDS (64 KiB; 160 KiB on gfx950) or freeing an offset that is not allocated is
a :class:`DSLError` at the user's line.

``J.LDSTensor(shape, dtype)`` is an N-D array in LDS. ``t[i, j]`` is a constant byte
offset; ``t.read(dtype, vdst, *coords)`` / ``t.write(dtype, vsrc, *coords)`` emit
``ds_read_<dtype>`` / ``ds_write_<dtype>``. Coordinates may be ints, register views
or expressions; the integer constant part of each (``lane * 4 + 3`` gives ``3``) is
folded, with the tensor's base, into the instruction's ``offset:`` field (16 bits)
and only the rest is computed into an address VGPR. With ``offset1=d`` the two-address
forms ``ds_read2_*`` / ``ds_write2_*`` access the element at the coordinates and the
one ``d`` instruction-sized elements after it; their 8-bit ``offset0``/``offset1``
count such elements, so the constant part is folded only when it is a multiple of
the element size and both offsets fit in 0..255.

``J.Buffer(base, size)`` is pyhip's buffer resource: a 4-SGPR descriptor (V#) whose
base is a pointer argument and whose ``num_records`` is ``size`` bytes, with the
hardware's range check: loads beyond ``size`` return 0, stores there are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pyhip_mlir.frontend import lower
from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.frontend.expr import Expr
from pyhip_mlir.frontend.gpr import GPRs, Ref, as_ref
from pyhip_mlir.frontend.loc import Loc, user_loc

if TYPE_CHECKING:
    from pyhip_mlir.frontend.builder import JIT

# LDS per workgroup, in bytes. gfx950 (CDNA4) raised it to 160 KiB.
_LDS_LIMIT = {"gfx950": 160 * 1024}
_LDS_DEFAULT = 64 * 1024

# Element sizes in bytes of pyhip's dtype spellings (LDSTensor's dtype argument).
_SIZEOF: dict[str, int] = {
    "b128": 16, "dwordx4": 16, "dwx4": 16, "dw4": 16,
    "b96": 12, "dwordx3": 12,
    "b64": 8, "dwordx2": 8, "dw2": 8, "s64": 8, "u64": 8, "i64": 8, "f64": 8, "bf16x4": 8,
    "b32": 4, "dword": 4, "dw": 4, "s32": 4, "u32": 4, "i32": 4, "int": 4, "uint": 4,
    "f32": 4, "fp32": 4, "float": 4, "bf16x2": 4, "fp16x2": 4,
    "b16": 2, "s16": 2, "u16": 2, "i16": 2, "bf16": 2, "fp16": 2, "f16": 2, "half": 2,
    "b8": 1, "s8": 1, "u8": 1, "i8": 1, "fp8": 1, "bf8": 1,
}  # fmt: skip

# Offset field limits: the 16-bit byte offset of ds_read/ds_write, the 8-bit element
# offsets of the two-address forms, the 12-bit byte offset of MUBUF.
_DS_OFFSET_MAX = 0xFFFF
_DS2_OFFSET_MAX = 0xFF
_MUBUF_OFFSET_MAX = 0xFFF

# Descriptor word 3 as pyhip writes it for gfx9: DATA_FORMAT (bits 18:15) = 4 (32-bit),
# everything else 0 (no swizzle, no add-tid, type 0 = buffer). Raw dword loads ignore
# the format fields; what matters for gfx942 is that swizzle_enable/add_tid_enable stay
# clear, so the range check is the raw byte check on num_records (emulator/buffer_rsrc.py).
BUFFER_CONFIG = 0x00020000


def sizeof(dtype: Any, loc: Loc | None = None) -> int:
    """Bytes of one element of ``dtype``: a pyhip spelling, or a numpy/torch dtype."""
    if isinstance(dtype, str):
        n = _SIZEOF.get(dtype)
        if n is None:
            raise DSLError(f"unknown element type {dtype!r} (known: {', '.join(_SIZEOF)})", loc)
        return n
    size = getattr(dtype, "itemsize", None)
    if isinstance(size, int) and size > 0:
        return size
    raise DSLError(f"element type {dtype!r} is neither a type name nor a numpy/torch dtype", loc)


# --- the LDS allocator ----------------------------------------------------------------

def lds_limit(arch: str) -> int:
    return _LDS_LIMIT.get(arch, _LDS_DEFAULT)


def alloc_lds(J: JIT, nbytes: int, align: int = 4, loc: Loc | None = None) -> int:
    """First fit over the free holes; ``J.lds_free`` starts as one hole of the whole LDS."""
    loc = loc or user_loc()
    if not isinstance(nbytes, int) or nbytes <= 0:
        raise DSLError(f"J.alloc_lds({nbytes!r}): the size must be a positive int (bytes)", loc)
    if not isinstance(align, int) or align <= 0 or align & (align - 1):
        raise DSLError(f"J.alloc_lds(align={align!r}): the alignment must be a power of two", loc)
    limit = lds_limit(J.arch)
    if not J.lds_free and not J.lds_allocs:
        J.lds_free.append((0, limit))
    for k, (start, size) in enumerate(J.lds_free):
        at = -(-start // align) * align
        if at + nbytes > start + size:
            continue
        pieces = [(start, at - start), (at + nbytes, start + size - at - nbytes)]
        J.lds_free[k:k + 1] = [p for p in pieces if p[1] > 0]
        J.lds_allocs[at] = nbytes
        J.lds_bytes = max(J.lds_bytes, at + nbytes)
        return at
    used = sum(J.lds_allocs.values())
    live = ", ".join(f"{n} at {o}" for o, n in sorted(J.lds_allocs.items())) or "none"
    raise DSLError(f"J.alloc_lds({nbytes}, align={align}) does not fit in the {limit} bytes of "
                   f"LDS of {J.arch} ({used} bytes allocated: {live})", loc)


def free_lds(J: JIT, offset: int, loc: Loc | None = None) -> None:
    """Return an allocation to the free list and merge it with free neighbours."""
    loc = loc or user_loc()
    size = J.lds_allocs.pop(offset, None) if isinstance(offset, int) else None
    if size is None:
        live = ", ".join(str(o) for o in sorted(J.lds_allocs)) or "none"
        raise DSLError(f"J.free_lds({offset!r}): no LDS allocation starts there "
                       f"(allocated offsets: {live})", loc)
    holes = sorted([*J.lds_free, (offset, size)])
    merged: list[tuple[int, int]] = []
    for start, n in holes:
        if merged and merged[-1][0] + merged[-1][1] == start:
            merged[-1] = (merged[-1][0], merged[-1][1] + n)
        else:
            merged.append((start, n))
    J.lds_free[:] = merged


# --- addresses: constant part in the offset field, the rest in a VGPR ------------------

def split_const(x: Any, loc: Loc | None) -> tuple[int, Any]:
    """(constant, rest) of a coordinate; ``rest`` is None when it is a pure constant."""
    if isinstance(x, bool):
        raise DSLError(f"coordinate {x!r} is a bool", loc)
    if isinstance(x, int):
        return x, None
    if isinstance(x, GPRs):
        x = x.to_expr()
    if isinstance(x, Expr) and x.op == "+" and isinstance(x.args[1], int) and not isinstance(x.args[1], bool):
        c, rest = split_const(x.args[0], loc)
        return c + x.args[1], rest
    if isinstance(x, Ref | Expr):
        return 0, x
    raise DSLError(f"coordinate {x!r} ({type(x).__name__}) is not an int, register or expression", loc)


def linear(coords: Sequence[Any], strides: Sequence[int], loc: Loc | None) -> tuple[int, Any]:
    """Byte offset ``sum(coord * stride)`` as (constant, lazy expression or None)."""
    const = 0
    rest: Any = None
    for x, stride in zip(coords, strides, strict=True):
        c, e = split_const(x, loc)
        const += c * stride
        if e is None:
            continue
        term = e if stride == 1 else e * stride
        rest = term if rest is None else rest + term
    return const, rest


def address_vgpr(J: JIT, expr: Any, name: str, loc: Loc | None) -> GPRs:
    """A VGPR variable holding ``expr`` (0 for None), without a copy for a plain view.

    A variable, not a bare SSA value, so that a closure issuing later (``read_``) in
    another region reads it through SSA construction and gets a located error if it
    is not visible there.
    """
    g = J._declare("v", "u32", (1,), 1, name, loc)
    if expr is None or isinstance(expr, int):
        J._assign(g.to_expr(), int(expr or 0), loc)
        return g
    val = lower.evaluate(J, expr, loc, dst_file="v", dst_dtype="u32")
    if val.width != 1:
        raise DSLError(f"the LDS address {expr!r} is {val.width} dwords; it must be a 32-bit value", loc)
    if val.file == "mask":
        raise DSLError(f"the LDS address {expr!r} is a comparison", loc)
    J._write_ref(g.to_expr(), lower.to_file(J, val, "v", loc))
    return g


def _halves(x: Any, what: str, loc: Loc | None) -> tuple[Any, Any]:
    """The two data operands of ds_write2_*: a pair, or one view split in the middle."""
    if isinstance(x, tuple | list):
        if len(x) != 2:
            raise DSLError(f"{what}: give two registers (or one view of both) to write", loc)
        return x[0], x[1]
    r = as_ref(x)
    if not isinstance(r, Ref) or r.width % 2:
        raise DSLError(f"{what}: the data must be two registers or a view of an even number of "
                       f"dwords, not {x!r}", loc)
    half = r.width // 2
    return Ref(r.var, r.lo, r.lo + half - 1), Ref(r.var, r.lo + half, r.hi)


# --- LDSTensor ---------------------------------------------------------------------------

IssueFn = Callable[..., None]


class LDSTensor:
    """An N-D array of ``dtype`` elements at byte ``lds_base`` of the workgroup's LDS."""

    def __init__(self, J: JIT, shape: Sequence[int] | int, dtype: Any = "s8", base: int | None = None,
                 loc: Loc | None = None):
        loc = loc or user_loc()
        self.J = J
        self.shape = tuple([shape] if isinstance(shape, int) else shape)
        if not self.shape or not all(isinstance(d, int) and d > 0 for d in self.shape):
            raise DSLError(f"LDSTensor shape {shape!r}: dimensions must be positive ints", loc)
        self.dtype = dtype
        strides = [sizeof(dtype, loc)]
        for d in reversed(self.shape[1:]):
            strides.append(strides[-1] * d)
        self.stride_bytes = tuple(reversed(strides))
        self.size_bytes = self.stride_bytes[0] * self.shape[0]
        self.swizzle: Callable[[list[Any]], None] | None = None
        if base is None:
            self.lds_base = alloc_lds(J, self.size_bytes, 4, loc)
            self.own = True
        else:
            if not isinstance(base, int) or base < 0 or base + self.size_bytes > lds_limit(J.arch):
                raise DSLError(f"LDSTensor base {base!r}: {self.size_bytes} bytes from there do "
                               f"not fit in the {lds_limit(J.arch)} bytes of LDS of {J.arch}", loc)
            # storage the allocator does not know about still counts for the kernel's LDS
            J.lds_bytes = max(J.lds_bytes, base + self.size_bytes)
            self.lds_base = base
            self.own = False

    def __repr__(self) -> str:
        return f"LDSTensor({list(self.shape)}, {self.dtype!r}, base={self.lds_base})"

    def __getitem__(self, key: Any) -> int:
        """The byte offset in LDS of a constant index (trailing dimensions default to 0)."""
        keys = key if isinstance(key, tuple) else (key,)
        if len(keys) > len(self.shape):
            raise DSLError(f"{self!r} has {len(self.shape)} dimension(s), indexed with {len(keys)}",
                           user_loc())
        off = self.lds_base
        for dim, k in enumerate(keys):
            if not isinstance(k, int) or not 0 <= k < self.shape[dim]:
                raise DSLError(f"index {k!r} of dimension {dim} of {self!r} is not an int in "
                               f"0..{self.shape[dim] - 1} (use read/write for register indices)",
                               user_loc())
            off += k * self.stride_bytes[dim]
        return off

    def free(self) -> None:
        """Give the storage back (views and tensors on a given base own nothing)."""
        if self.own:
            free_lds(self.J, self.lds_base, user_loc())
            self.own = False

    def view_as(self, shape: Sequence[int] | int, dtype: Any) -> LDSTensor:
        """Another shape and dtype over the same storage (not larger than it)."""
        loc = user_loc()
        t = LDSTensor(self.J, shape, dtype, self.lds_base, loc)
        if t.size_bytes > self.size_bytes:
            raise DSLError(f"view_as({list(t.shape)}, {dtype!r}) needs {t.size_bytes} bytes; the "
                           f"tensor has {self.size_bytes}", loc)
        return t

    def read(self, dtype: str, vdst: Any, *coords: Any, offset1: int | None = None) -> IssueFn:
        """``ds_read[2]_<dtype> vdst`` at ``coords``; returns the issue closure."""
        return self._access("read", dtype, vdst, coords, offset1, user_loc())

    def write(self, dtype: str, vsrc: Any, *coords: Any, offset1: int | None = None) -> IssueFn:
        """``ds_write[2]_<dtype>`` of ``vsrc`` at ``coords``; returns the issue closure."""
        return self._access("write", dtype, vsrc, coords, offset1, user_loc())

    def read_(self, *coords: Any, offset1: int | None = None) -> IssueFn:
        """The address computed now; ``issue(vdst, off=0, off1=0)`` reads later."""
        return self._access("read", self._own_inst_dtype(), None, coords, offset1, user_loc())

    def write_(self, *coords: Any, offset1: int | None = None) -> IssueFn:
        return self._access("write", self._own_inst_dtype(), None, coords, offset1, user_loc())

    def _own_inst_dtype(self) -> str:
        if self.dtype not in ("b32", "b64", "b128"):
            raise DSLError(f"read_/write_ use the tensor's dtype as the access size, so it must be "
                           f"b32, b64 or b128, not {self.dtype!r} (use read/write with a dtype)",
                           user_loc())
        return str(self.dtype)

    def _access(self, op: str, dtype: str, data: Any, coords: Sequence[Any], offset1: int | None,
                loc: Loc | None) -> IssueFn:
        J = self.J
        coords = list(coords)
        if self.swizzle is not None:
            self.swizzle(coords)
        if len(coords) > len(self.shape):
            raise DSLError(f"{self!r} has {len(self.shape)} dimension(s), accessed with "
                           f"{len(coords)} coordinates", loc)
        const, rest = linear(coords, self.stride_bytes[:len(coords)], loc)
        const += self.lds_base
        two = offset1 is not None
        if two:
            unit = sizeof(dtype, loc)
            if not isinstance(offset1, int) or not 0 <= offset1 <= _DS2_OFFSET_MAX:
                raise DSLError(f"offset1={offset1!r}: the second element's distance must be 0..255 "
                               f"{dtype} elements", loc)
            if const >= 0 and const % unit == 0 and const // unit + offset1 <= _DS2_OFFSET_MAX:
                base_off, const = const // unit, 0
            else:
                base_off = 0
            fields = (base_off, base_off + offset1)
        else:
            unit = 1
            if 0 <= const <= _DS_OFFSET_MAX:
                fields, const = (const, 0), 0
            else:
                fields = (0, 0)
        if const:
            rest = const if rest is None else rest + const
        vaddr = address_vgpr(J, rest, "lds_addr", loc)
        mnemonic = f"ds_{op}{'2' if two else ''}_{dtype}"

        def issue(reg: Any, off: int = 0, off1: int = 0) -> None:
            where = user_loc()
            if two:
                o0, o1 = fields[0] + off, fields[1] + off1
                if not (0 <= o0 <= _DS2_OFFSET_MAX and 0 <= o1 <= _DS2_OFFSET_MAX):
                    raise DSLError(f"{mnemonic}: offset0:{o0} offset1:{o1} outside 0..255 "
                                   f"({unit}-byte elements)", where)
                mods = {"offset0": o0, "offset1": o1} if o0 or o1 else {}
            else:
                o0 = fields[0] + off
                if not 0 <= o0 <= _DS_OFFSET_MAX:
                    raise DSLError(f"{mnemonic}: offset:{o0} outside 0..65535", where)
                mods = {"offset": o0} if o0 else {}
            addr = vaddr[0]
            if op == "read":
                J._op(mnemonic, reg, addr, loc=where, **mods)
            elif two:
                J._op(mnemonic, addr, *_halves(reg, mnemonic, where), loc=where, **mods)
            else:
                J._op(mnemonic, addr, reg, loc=where, **mods)

        if data is not None:
            issue(data)
        return issue


# --- Buffer ---------------------------------------------------------------------------

class Buffer:
    """pyhip's buffer resource: ``desc`` is s[4] = {base lo, base hi, num_records, config}."""

    def __init__(self, J: JIT, base: Any = None, size: Any = None, loc: Loc | None = None):
        loc = loc or user_loc()
        self.J = J
        self.desc = J._declare("s", "u32", (4,), 4, "buf_desc", loc)
        self.base = self.desc[0:1]
        self.range = self.desc[2]
        self.config = self.desc[3]
        J._assign(self.config, BUFFER_CONFIG, loc)
        if base is not None:
            self.setup(base, size, loc)

    def setup(self, base: Any, size: Any, loc: Loc | None = None) -> None:
        """Point the descriptor at ``base`` (an SGPR pair) with ``size`` bytes in range."""
        loc = loc or user_loc()
        self.set_base(base, loc)
        if size is None:
            raise DSLError("J.Buffer needs the buffer's size in bytes (num_records)", loc)
        size = as_ref(size)
        if isinstance(size, Ref) and size.file != "s":
            raise DSLError(f"the buffer size {size!r} is a vector register: the descriptor is "
                           "scalar, use an SGPR or an expression of SGPRs", loc)
        self.J._assign(self.range, size, loc)

    def get_base(self) -> Ref:
        return self.base

    def set_base(self, base: Any, loc: Loc | None = None) -> None:
        loc = loc or user_loc()
        b = as_ref(base)
        if not isinstance(b, Ref) or b.width != 2 or b.file != "s":
            raise DSLError(f"the buffer base {base!r} must be an SGPR pair (a pointer argument)", loc)
        self.J._assign(self.base, b, loc)

    def advance(self, offset: Any) -> None:
        """Move the base by ``offset`` bytes (64-bit add). As in pyhip, the range stays."""
        loc = user_loc()
        # a signed 32-bit offset is sign-extended by the 64-bit add (lower.halves)
        self.J._assign(self.base, self.base + as_ref(offset), loc)

    def _mod(self, offset12: int, what: str, extra: str = "") -> str:
        if not isinstance(offset12, int) or not 0 <= offset12 <= _MUBUF_OFFSET_MAX:
            raise DSLError(f"Buffer.{what}: offset12={offset12!r} must be a compile-time int in "
                           "0..4095", user_loc())
        mod = "offen" + (f" offset:{offset12}" if offset12 else "")
        return f"{mod} {extra}".strip()

    def _load(self, mn: str, vdst: Any, voffset: Any, soffset: Any, offset12: int, extra: str) -> None:
        loc = user_loc()
        mod = self._mod(offset12, mn, extra)
        if vdst is None:  # straight to LDS at M0 (pyhip's lds mode)
            self.J._op(mn, voffset, self.desc, soffset, mod=mod + " lds", loc=loc)
        else:
            self.J._op(mn, vdst, voffset, self.desc, soffset, mod=mod, loc=loc)

    def _store(self, mn: str, vdata: Any, voffset: Any, soffset: Any, offset12: int, extra: str) -> None:
        self.J._op(mn, vdata, voffset, self.desc, soffset, mod=self._mod(offset12, mn, extra),
                   loc=user_loc())

    def load_dword(self, vdst: Any, voffset: Any, soffset: Any = 0, offset12: int = 0, ext_mod: str = "") -> None:
        self._load("buffer_load_dword", vdst, voffset, soffset, offset12, ext_mod)

    def load_dwordx2(self, vdst: Any, voffset: Any, soffset: Any = 0, offset12: int = 0, ext_mod: str = "") -> None:
        self._load("buffer_load_dwordx2", vdst, voffset, soffset, offset12, ext_mod)

    def load_dwordx4(self, vdst: Any, voffset: Any, soffset: Any = 0, offset12: int = 0,
                     non_temporal: bool = False, ext_mod: str = "") -> None:
        extra = ("sc0 nt " if non_temporal else "") + ext_mod
        self._load("buffer_load_dwordx4", vdst, voffset, soffset, offset12, extra)

    def load_ushort(self, vdst: Any, voffset: Any, soffset: Any = 0, offset12: int = 0, ext_mod: str = "") -> None:
        """Two bytes, zero-extended into a VGPR (one f16 or bf16 element)."""
        self._load("buffer_load_ushort", vdst, voffset, soffset, offset12, ext_mod)

    def load_sshort(self, vdst: Any, voffset: Any, soffset: Any = 0, offset12: int = 0, ext_mod: str = "") -> None:
        self._load("buffer_load_sshort", vdst, voffset, soffset, offset12, ext_mod)

    def load_ubyte(self, vdst: Any, voffset: Any, soffset: Any = 0, offset12: int = 0, ext_mod: str = "") -> None:
        self._load("buffer_load_ubyte", vdst, voffset, soffset, offset12, ext_mod)

    def load_sbyte(self, vdst: Any, voffset: Any, soffset: Any = 0, offset12: int = 0, ext_mod: str = "") -> None:
        self._load("buffer_load_sbyte", vdst, voffset, soffset, offset12, ext_mod)

    def load_dword_lds(self, voffset: Any, soffset: Any = 0, offset12: int = 0) -> None:
        self._load("buffer_load_dword", None, voffset, soffset, offset12, "")

    def store_short(self, vdata: Any, voffset: Any, soffset: Any = 0, offset12: int = 0, ext_mod: str = "") -> None:
        """The low two bytes of a VGPR."""
        self._store("buffer_store_short", vdata, voffset, soffset, offset12, ext_mod)

    def store_byte(self, vdata: Any, voffset: Any, soffset: Any = 0, offset12: int = 0, ext_mod: str = "") -> None:
        self._store("buffer_store_byte", vdata, voffset, soffset, offset12, ext_mod)

    def store_dword(self, vdata: Any, voffset: Any, soffset: Any = 0, offset12: int = 0, ext_mod: str = "") -> None:
        self._store("buffer_store_dword", vdata, voffset, soffset, offset12, ext_mod)

    def store_dwordx2(self, vdata: Any, voffset: Any, soffset: Any = 0, offset12: int = 0, ext_mod: str = "") -> None:
        self._store("buffer_store_dwordx2", vdata, voffset, soffset, offset12, ext_mod)

    def store_dwordx4(self, vdata: Any, voffset: Any, soffset: Any = 0, offset12: int = 0, ext_mod: str = "") -> None:
        self._store("buffer_store_dwordx4", vdata, voffset, soffset, offset12, ext_mod)


__all__ = ["BUFFER_CONFIG", "Buffer", "LDSTensor", "alloc_lds", "free_lds", "lds_limit", "sizeof"]
