"""AMDGPU assembly text -> cdna IR with physical registers.

Reads what ``clang -S`` writes for a HIP kernel, what the project's printer writes,
and what ``llvm-objdump -d`` prints for a code object::

    module = parse_asm(text, "k.s")            # arch from .amdgcn_target, else gfx942
    module = parse_asm(objdump_text, "k.dis", arch="gfx90a")

Every kernel becomes a ``cdna.kernel`` whose body is a CFG of blocks (labels and
branch targets start blocks; ``s_cbranch_*`` ends one with [taken, fall-through];
a block running into a label ends with ``cdna.fallthrough``). Every register operand
is an SSA value: the last definition of exactly that register range in the block,
else a ``cdna.get_reg`` read placed before the instruction. Each op carries the
``file:line:col`` of its text; every problem is an :class:`AsmParseError` with that
position, never a Python traceback.

Scanning (this module) finds kernels, directives and instruction lines;
:mod:`asm_build` turns one kernel's lines into IR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xdsl.dialects.builtin import ModuleOp, StringAttr

from pyhip_mlir.codegen.asm_lexer import (
    AsmParseError,
    ObjdumpInfo,
    SrcLine,
    decode,
    objdump_info,
    split_lines,
    tokenize,
)
from pyhip_mlir.codegen.asm_match import candidate_forms, unknown_mnemonic_message
from pyhip_mlir.codegen.asm_meta import KernelInfo, parse_yaml
from pyhip_mlir.codegen.asm_operands import Modifier, Operand, parse_operands
from pyhip_mlir.dialects.cdna.kernel import paused_gc
from pyhip_mlir.dialects.isa.table import DEFAULT_ARCH, UnknownArchError, normalize_arch

__all__ = ["AsmParseError", "parse_asm"]

_LABEL_RE = re.compile(r"\s*([A-Za-z_.$][\w.$]*|\"[^\"]+\"):")
_OBJDUMP_SYM_RE = re.compile(r"\s*(?:([0-9A-Fa-f]+)\s+)?<([^>]+)>:\s*$")
_OBJDUMP_HEADER_RE = re.compile(r"\S.*:\s+file format \S+\s*$")
_OBJDUMP_SECTION_RE = re.compile(r"\s*Disassembly of section (\S+):\s*$")
_MNEMONIC_RE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)(?=\s|$)")
_TARGET_RE = re.compile(r"amdgcn-amd-amdhsa--(gfx[0-9a-z]+)")
_AMDHSA_RE = re.compile(r"\s*\.amdhsa_kernel\s+([\w.$]+)")
_TYPE_RE = re.compile(r"\.type\s+([\w.$]+)\s*,\s*[@%](function|STT_FUNC)\b")
_PADDING = ("s_code_end",)


@dataclass
class Label:
    name: str
    line: int
    col: int


@dataclass
class Inst:
    mnemonic: str
    line: SrcLine
    col: int
    ops: list[Operand]
    mods: list[Modifier]
    info: ObjdumpInfo | None = None


@dataclass
class KernelCode:
    name: str | None
    line: int
    items: list[Label | Inst] = field(default_factory=list)
    base_address: int | None = None


@dataclass
class Scan:
    """Everything the scanner found in one file."""

    kernels: list[KernelCode] = field(default_factory=list)
    infos: dict[str, KernelInfo] = field(default_factory=dict)
    objdump: bool = False
    symbols: dict[str, int] = field(default_factory=dict)  # objdump symbol addresses


def parse_asm(text: str | bytes, filename: str = "<asm>", arch: str | None = None) -> ModuleOp:
    """Parse AMDGPU assembly (or llvm-objdump output) into a verified cdna module."""
    with paused_gc():
        return _parse_asm(text, filename, arch)


def _parse_asm(text: str | bytes, filename: str, arch: str | None) -> ModuleOp:
    from pyhip_mlir.codegen.asm_build import build_kernel, verify_module

    where = Where()
    try:
        text = decode(text, filename)
        lines = split_lines(text, filename)
        target = _arch(lines, filename, arch)
        scan = _Scanner(lines, filename, target, where).run()
        kernels = [build_kernel(k, scan, target, filename, where) for k in scan.kernels]
        module = ModuleOp(kernels)
        module.attributes["cdna.arch"] = StringAttr(target)
        verify_module(module, filename)
    except AsmParseError:
        raise
    except Exception as e:  # noqa: BLE001 - a bug here must still be a diagnostic
        raise AsmParseError(
            filename, where.line, 1, f"internal parser error ({type(e).__name__}: {e})"
        ) from e
    return module


@dataclass
class Where:
    """The line being worked on, for internal-error diagnostics."""

    line: int = 1


def _arch(lines: list[SrcLine], filename: str, arch: str | None) -> str:
    if arch is not None:
        try:
            return normalize_arch(arch)
        except UnknownArchError as e:
            raise AsmParseError(filename, 1, 1, str(e)) from None
    for ln in lines:
        s = ln.text.strip()
        if s.startswith((".amdgcn_target", "amdhsa.target:")):
            m = _TARGET_RE.search(ln.text)
            if m is None:
                raise AsmParseError(filename, ln.no, 1, f"cannot read the target in '{s}'")
            try:
                return normalize_arch(m.group(1))
            except UnknownArchError as e:
                raise AsmParseError(filename, ln.no, m.start(1) + 1, str(e)) from None
    return DEFAULT_ARCH


class _Scanner:
    def __init__(self, lines: list[SrcLine], filename: str, arch: str, where: Where | None = None):
        self.where = where or Where()
        self.lines = lines
        self.filename = filename
        self.arch = arch
        self.scan = Scan()
        self.functions: set[str] = set()
        self.cur: KernelCode | None = None
        self.pending: list[Label] = []  # labels seen outside a kernel, before code
        self.in_text = True
        self.i = 0

    def error(self, line: int, col: int, message: str) -> AsmParseError:
        return AsmParseError(self.filename, line, col, message)

    def run(self) -> Scan:
        # Kernel entry labels: functions, and names described by .amdhsa_kernel blocks.
        for ln in self.lines:
            m = _TYPE_RE.search(ln.text) or _AMDHSA_RE.match(ln.text)
            if m:
                self.functions.add(m.group(1))
        while self.i < len(self.lines):
            ln = self.lines[self.i]
            self.i += 1
            self.where.line = ln.no
            self.line(ln)
        self._end_kernel()
        self._name_anonymous()
        return self.scan

    # --- one line -----------------------------------------------------------------

    def line(self, ln: SrcLine) -> None:
        text = ln.text
        s = text.strip()
        if not s:
            return
        if _OBJDUMP_HEADER_RE.match(text) and "file format" in text:
            self.scan.objdump = True
            return
        m = _OBJDUMP_SECTION_RE.match(text)
        if m:
            self.scan.objdump = True
            self._end_kernel()
            self.in_text = m.group(1).startswith(".text")
            return
        if self.scan.objdump and (s == "..." or not self.in_text):
            return  # zero fill, or a data section of llvm-objdump -D
        m = _OBJDUMP_SYM_RE.match(text)
        if m:
            self.scan.objdump = True
            self._end_kernel()
            if self.in_text:
                base = int(m.group(1), 16) if m.group(1) else None
                self.cur = KernelCode(m.group(2), ln.no, base_address=base)
            return
        m = _LABEL_RE.match(text)
        if m:
            self._label(ln, m.group(1).strip('"'), m.start(1) + 1)
            rest = text[m.end() :]
            if rest.strip():
                self.line(SrcLine(ln.no, " " * m.end() + rest, ln.comment))
            return
        if s.startswith("."):
            self.pending = []
            self._directive(ln, s)
            return
        m = _MNEMONIC_RE.match(text)
        if m is None:
            col = len(text) - len(text.lstrip()) + 1
            raise self.error(
                ln.no, col, f"expected an instruction, a label or a directive, got '{s}'"
            )
        self._instruction(ln, m.group(1), m.start(1), m.end(1))

    def _label(self, ln: SrcLine, name: str, col: int) -> None:
        if name in self.functions:
            self._end_kernel()
            self.cur = KernelCode(name, ln.no)
        elif name.startswith(".Lfunc_end"):
            self._end_kernel()
        elif self.cur is not None:
            self.cur.items.append(Label(name, ln.no, col))
        else:
            self.pending.append(Label(name, ln.no, col))

    def _instruction(self, ln: SrcLine, mnemonic: str, start: int, end: int) -> None:
        if mnemonic in _PADDING:
            return
        if not self.in_text:
            if self.scan.objdump:
                return  # llvm-objdump -D decodes data sections too
            raise self.error(ln.no, start + 1, f"instruction '{mnemonic}' outside a code section")
        # An unknown mnemonic is the error to report, not whatever its "operands" are.
        if not candidate_forms(mnemonic, self.arch):
            raise self.error(ln.no, start + 1, unknown_mnemonic_message(mnemonic, self.arch))
        toks = tokenize(ln.text, end, len(ln.text), self.filename, ln.no)
        ops, mods = parse_operands(
            toks, ln.text, self.filename, ln.no, waitcnt=mnemonic.startswith("s_waitcnt")
        )
        info = objdump_info(ln.comment) if self.scan.objdump else None
        if self.cur is None:
            # Code outside any kernel marker (a snippet): one anonymous kernel.
            first = self.pending[0].line if self.pending else ln.no
            self.cur = KernelCode(None, first, items=list(self.pending))
            self.pending = []
        self.cur.items.append(Inst(mnemonic, ln, start + 1, ops, mods, info))

    def _end_kernel(self) -> None:
        if self.cur is not None:
            cur = self.cur
            if cur.base_address is None:
                first = next((it for it in cur.items if isinstance(it, Inst) and it.info), None)
                if first is not None and first.info is not None:
                    cur.base_address = first.info.address
            if cur.name and cur.base_address is not None:
                self.scan.symbols.setdefault(cur.name, cur.base_address)
            self.scan.kernels.append(self.cur)
            self.cur = None

    def _name_anonymous(self) -> None:
        named = {k.name for k in self.scan.kernels if k.name}
        spare = [n for n in self.scan.infos if n not in named]
        for k in self.scan.kernels:
            if k.name is None:
                k.name = spare.pop(0) if spare else "kernel"
        seen: set[str] = set()
        for k in self.scan.kernels:
            if k.name in seen:
                raise self.error(k.line, 1, f"kernel '{k.name}' is defined twice")
            seen.add(k.name or "")

    # --- directives -------------------------------------------------------------------

    def _directive(self, ln: SrcLine, s: str) -> None:
        word = s.split()[0]
        if word in (".text",) or (
            word == ".section" and s.split()[1:2] and s.split()[1].startswith(".text")
        ):
            self.in_text = True
        elif word in (".section", ".data", ".rodata", ".bss"):
            self.in_text = False
        elif word == ".size":
            name = s.split()[1].rstrip(",") if len(s.split()) > 1 else ""
            if self.cur is not None and name == self.cur.name:
                self._end_kernel()
        elif word == ".amdhsa_kernel":
            self._amdhsa_block(ln, s)
        elif word == ".amdgpu_metadata":
            self._metadata_block(ln)

    def _amdhsa_block(self, ln: SrcLine, s: str) -> None:
        parts = s.split()
        if len(parts) < 2:
            raise self.error(ln.no, len(ln.text) + 1, "expected a kernel name after .amdhsa_kernel")
        info = self._info(parts[1])
        info.line = ln.no
        while self.i < len(self.lines):
            cur = self.lines[self.i]
            self.i += 1
            body = cur.text.split()
            if not body:
                continue
            if body[0] == ".end_amdhsa_kernel":
                return
            if not body[0].startswith(".amdhsa_"):
                col = cur.text.index(body[0]) + 1
                raise self.error(cur.no, col, f"unexpected '{body[0]}' inside .amdhsa_kernel")
            value = " ".join(body[1:])
            try:
                info.amdhsa[body[0]] = int(value, 0)
            except ValueError:
                info.amdhsa[body[0]] = value
        raise self.error(ln.no, 1, f".amdhsa_kernel {parts[1]} has no .end_amdhsa_kernel")

    def _metadata_block(self, ln: SrcLine) -> None:
        body: list[tuple[int, str]] = []
        while self.i < len(self.lines):
            cur = self.lines[self.i]
            self.i += 1
            if cur.text.strip() == ".end_amdgpu_metadata":
                break
            body.append((cur.no, cur.text))
        else:
            raise self.error(ln.no, 1, ".amdgpu_metadata has no .end_amdgpu_metadata")
        doc = parse_yaml(body, self.filename)
        kernels = doc.get("amdhsa.kernels") if isinstance(doc, dict) else None
        if not isinstance(kernels, list):
            return
        for entry in kernels:
            if isinstance(entry, dict) and isinstance(entry.get(".name"), str):
                info = self._info(entry[".name"])
                info.meta = entry
                info.meta_line = ln.no

    def _info(self, name: str) -> KernelInfo:
        if name not in self.scan.infos:
            self.scan.infos[name] = KernelInfo(name)
        return self.scan.infos[name]
