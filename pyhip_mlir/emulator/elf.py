"""A small ELF64 little-endian reader and a MessagePack decoder, for code objects.

Only what reading an AMDGPU code object needs: section headers and names, the symbol
table, note records and section bytes, every read bounds-checked (a problem is an
:class:`ElfError`, never a ``struct.error``); and a decoder for the MessagePack
subset LLVM's writer emits (maps, arrays, str, bin, ints, bools, nil, floats), in
which the ``NT_AMDGPU_METADATA`` note is encoded. Formats: the System V gABI (ELF64
header, section header, ``Elf64_Sym``, ``Elf64_Rela``, note layout) and the
MessagePack specification.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

__all__ = [
    "EM_AMDGPU",
    "ElfError",
    "ElfFile",
    "MsgPackError",
    "Section",
    "Symbol",
    "decode_msgpack",
]

EM_AMDGPU = 224
SHT_RELA, SHT_NOTE, SHT_NOBITS, SHT_SYMTAB, SHT_DYNSYM = 4, 7, 8, 2, 11
SHF_ALLOC = 2
ET_REL = 1
STT_OBJECT, STT_FUNC = 1, 2


class ElfError(ValueError):
    """A file that is not a well-formed ELF64 little-endian AMDGPU object."""


# --- MessagePack (the subset LLVM's msgpack writer emits) -----------------------------


class MsgPackError(ValueError):
    """Malformed or unsupported MessagePack data."""


class _MsgPack:
    """Decoder for maps, arrays, str, bin, ints, bools, nil and floats."""

    _FIXED = {
        0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q",
        0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q",
        0xCA: ">f", 0xCB: ">d",
    }  # fmt: skip
    _LEN = {0xD9: ">B", 0xDA: ">H", 0xDB: ">I", 0xC4: ">B", 0xC5: ">H", 0xC6: ">I"}
    _CONT = {0xDC: ">H", 0xDD: ">I", 0xDE: ">H", 0xDF: ">I"}

    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise MsgPackError(f"truncated at byte {self.pos} (needs {n} more)")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def value(self, depth: int = 0) -> Any:
        if depth > 64:
            raise MsgPackError("nesting deeper than 64")
        tag = self.take(1)[0]
        if tag <= 0x7F:
            return tag
        if tag >= 0xE0:
            return tag - 0x100
        if 0x80 <= tag <= 0x8F:
            return self.map(tag & 0x0F, depth)
        if 0x90 <= tag <= 0x9F:
            return [self.value(depth + 1) for _ in range(tag & 0x0F)]
        if 0xA0 <= tag <= 0xBF:
            return self.str(tag & 0x1F)
        if tag == 0xC0:
            return None
        if tag in (0xC2, 0xC3):
            return tag == 0xC3
        if tag in self._FIXED:
            return self.unpack(self._FIXED[tag])
        if tag in self._LEN:
            n = self.unpack(self._LEN[tag])
            return self.str(n) if tag >= 0xD9 else self.take(n)
        if tag in self._CONT:
            n = self.unpack(self._CONT[tag])
            if tag in (0xDE, 0xDF):
                return self.map(n, depth)
            return [self.value(depth + 1) for _ in range(n)]
        raise MsgPackError(f"unsupported MessagePack tag 0x{tag:02x} at byte {self.pos - 1}")

    def str(self, n: int) -> str:
        raw = self.take(n)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise MsgPackError(f"invalid UTF-8 string before byte {self.pos}") from None

    def map(self, n: int, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for _ in range(n):
            key = self.value(depth + 1)
            if isinstance(key, (list, dict)):
                raise MsgPackError(f"unhashable map key before byte {self.pos}")
            out[key] = self.value(depth + 1)
        return out


def decode_msgpack(data: bytes) -> Any:
    """One MessagePack document (raises ValueError on malformed or trailing data)."""
    dec = _MsgPack(data)
    out = dec.value()
    if dec.pos != len(data) and any(data[dec.pos :]):
        raise MsgPackError(f"{len(data) - dec.pos} trailing bytes after the document")
    return out


# --- ELF ------------------------------------------------------------------------------


@dataclass
class Section:
    """One section header (``Elf64_Shdr``) with its resolved name."""

    index: int
    name: str
    type: int
    flags: int
    addr: int
    offset: int
    size: int
    link: int
    info: int
    align: int
    entsize: int


@dataclass
class Symbol:
    """One ``Elf64_Sym`` (its position in the list is its symbol index)."""

    name: str
    type: int  # STT_*
    shndx: int
    value: int
    size: int


class ElfFile:
    """The parts of an ELF64 little-endian AMDGPU file a code object needs."""

    def __init__(self, data: bytes):
        self.data = data
        if len(data) < 4 or data[:4] != b"\x7fELF":
            raise ElfError("not an ELF file (bad magic number)")
        if len(data) < 64:
            raise ElfError(f"truncated ELF header ({len(data)} bytes)")
        if data[4] != 2 or data[5] != 1:
            raise ElfError("not an AMDGPU code object: expected a 64-bit little-endian ELF")
        (self.e_type, machine, _v, _entry, _phoff, shoff, self.e_flags, _ehsize, _phes, _phn,
         shentsize, shnum, shstrndx) = self.unpack("<HHIQQQIHHHHHH", 16, "ELF header")  # fmt: skip
        if machine != EM_AMDGPU:
            raise ElfError(f"not an AMDGPU code object (e_machine {machine}, expected {EM_AMDGPU})")
        if shnum == 0 or shentsize < 64:
            raise ElfError("ELF file has no section headers")
        self.sections: list[Section] = []
        name_offsets: list[int] = []
        for i in range(shnum):
            f = self.unpack("<IIQQQQIIQQ", shoff + i * shentsize, f"section header {i}")
            name_offsets.append(f[0])
            self.sections.append(Section(i, "", *f[1:]))
        if shstrndx < shnum:
            names = self.section_bytes(self.sections[shstrndx])
            for sec, off in zip(self.sections, name_offsets, strict=True):
                sec.name = _cstr(names, off)

    def unpack(self, fmt: str, offset: int, what: str) -> tuple[Any, ...]:
        size = struct.calcsize(fmt)
        if offset < 0 or offset + size > len(self.data):
            raise ElfError(
                f"truncated file: {what} at byte {offset} runs past the end "
                f"({len(self.data)} bytes)",
            )
        return struct.unpack_from(fmt, self.data, offset)

    def section_bytes(self, sec: Section) -> bytes:
        if sec.type == SHT_NOBITS:
            return b""
        if sec.offset + sec.size > len(self.data):
            raise ElfError(
                f"truncated file: section '{sec.name or sec.index}' ends at byte "
                f"{sec.offset + sec.size}, file has {len(self.data)}",
            )
        return self.data[sec.offset : sec.offset + sec.size]

    def symbols(self) -> list[Symbol]:
        """.symtab (SHT_SYMTAB) if present, else .dynsym (SHT_DYNSYM)."""
        for want in (SHT_SYMTAB, SHT_DYNSYM):
            for sec in self.sections:
                if sec.type == want and sec.link < len(self.sections):
                    strtab = self.section_bytes(self.sections[sec.link])
                    raw = self.section_bytes(sec)
                    out = []
                    for off in range(0, len(raw) - 23, 24):
                        name, info, _other, shndx, value, size = struct.unpack_from(
                            "<IBBHQQ", raw, off
                        )
                        out.append(Symbol(_cstr(strtab, name), info & 0xF, shndx, value, size))
                    return out
        return []

    def notes(self) -> list[tuple[str, int, bytes]]:
        """(owner, type, descriptor bytes) of every note in the SHT_NOTE sections."""
        out: list[tuple[str, int, bytes]] = []
        for sec in self.sections:
            if sec.type != SHT_NOTE:
                continue
            raw = self.section_bytes(sec)
            align = 8 if sec.align == 8 else 4
            pos = 0
            while pos + 12 <= len(raw):
                namesz, descsz, ntype = struct.unpack_from("<III", raw, pos)
                name_at = pos + 12
                desc_at = name_at + _align(namesz, align)
                end = desc_at + _align(descsz, align)
                if desc_at + descsz > len(raw):
                    raise ElfError(f"truncated note in section '{sec.name}' at byte {pos}")
                owner = raw[name_at : name_at + namesz].rstrip(b"\0").decode("latin-1")
                out.append((owner, ntype, raw[desc_at : desc_at + descsz]))
                pos = end
        return out

    def relocations(self, target: Section) -> list[tuple[int, int, int, int]]:
        """(r_offset, type, symbol index, addend) of the SHT_RELA entries for ``target``."""
        out: list[tuple[int, int, int, int]] = []
        for sec in self.sections:
            if sec.type == SHT_RELA and sec.info == target.index:
                raw = self.section_bytes(sec)
                for off in range(0, len(raw) - 23, 24):
                    r_offset, r_info, r_addend = struct.unpack_from("<QQq", raw, off)
                    out.append((r_offset, r_info & 0xFFFFFFFF, r_info >> 32, r_addend))
        return out

    def section_at(self, addr: int) -> Section | None:
        """The allocated section holding virtual address ``addr``."""
        for sec in self.sections:
            if sec.flags & SHF_ALLOC and sec.addr <= addr < sec.addr + sec.size:
                return sec
        return None


def _cstr(table: bytes, offset: int) -> str:
    if offset >= len(table):
        return ""
    end = table.find(b"\0", offset)
    return table[offset : end if end >= 0 else len(table)].decode("utf-8", "replace")


def _align(n: int, a: int) -> int:
    return (n + a - 1) // a * a
