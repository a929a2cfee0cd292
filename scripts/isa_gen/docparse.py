"""Parse LLVM's generated AMDGPU syntax docs (``AMDGPUAsmGFX*.rst`` + operand pages).

Only structure is read: section names, the column layout of each table, the operand
labels with their ``:ref:`` targets and tags, and on operand pages the size and the
list of accepted operand kinds. No prose is copied.
"""

from __future__ import annotations

import re
from pathlib import Path

from .model import OperandPage, RawInstr, RawOperand

REF_RE = re.compile(r":ref:`([^<`]*)<([^>`]*)>`")
SYN_PREFIX = "amdgpu_synid_"
ARCH_PAGE_RE = re.compile(r"^gfx\d+[0-9a-z]*_")
HEADER_MARK = "**INSTRUCTION**"

# Doc file of each supported arch (gfx942 is documented as gfx940).
ARCH_DOC_FILE: dict[str, str] = {
    "gfx90a": "AMDGPUAsmGFX90a.rst.txt",
    "gfx942": "AMDGPUAsmGFX940.rst.txt",
}


def doc_file(doc_dir: Path, arch: str) -> Path:
    name = ARCH_DOC_FILE[arch]
    for cand in (doc_dir / name, doc_dir / name.removesuffix(".txt")):
        if cand.exists():
            return cand
    raise FileNotFoundError(f"{name} not found in {doc_dir}")


def _strip_target(target: str) -> str:
    return target.removeprefix(SYN_PREFIX)


def _is_operand_target(page: str) -> bool:
    return bool(ARCH_PAGE_RE.match(page))


def _header_columns(line: str) -> list[tuple[int, str]]:
    rendered = line.replace("**", "")
    return [(m.start(), m.group(0)) for m in re.finditer(r"[A-Z][A-Z0-9]*", rendered)]


def _render(line: str) -> list[tuple[int, str, str, str]]:
    """Render a table row; return (column, text-before, label, target) per :ref:."""
    out: list[tuple[int, str, str, str]] = []
    pos = 0
    rendered_len = 0
    for m in REF_RE.finditer(line):
        between = line[pos : m.start()]
        rendered_len += len(between)
        out.append((rendered_len, between, m.group(1), _strip_target(m.group(2))))
        rendered_len += len(m.group(1))
        pos = m.end()
    return out


def _column_of(pos: int, columns: list[tuple[int, str]]) -> str:
    name = columns[0][1]
    for start, col in columns:
        if start <= pos + 1:
            name = col
    return name


def parse_row(line: str, section: str, columns: list[tuple[int, str]]) -> RawInstr | None:
    m = re.match(r"^\s+([a-z][a-z0-9_]*)(\s|$)", line)
    if m is None:
        return None
    operands: list[RawOperand] = []
    modifiers: list[str] = []
    for pos, before, label, page in _render(line):
        if before == ":" and operands and not modifiers:
            operands[-1].tags.append((label, page))
        elif _is_operand_target(page) and not modifiers:
            operands.append(RawOperand(label, page, _column_of(pos, columns)))
        else:
            modifiers.append(label)
    return RawInstr(m.group(1), section, operands, modifiers)


def parse_doc(path: Path) -> list[RawInstr]:
    lines = path.read_text().splitlines()
    out: list[RawInstr] = []
    section = ""
    columns: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.startswith(".. "):
            columns = []  # a directive (e.g. the toctree of operand pages) ends a table
        elif re.fullmatch(r"[A-Z][A-Z0-9_]*", line) and re.fullmatch(r"-{2,}", nxt):
            section, columns = line, []
        elif HEADER_MARK in line:
            columns = _header_columns(line)
        elif columns and line.startswith("    ") and not line.lstrip().startswith("\\"):
            rec = parse_row(line, section, columns)
            if rec is not None:
                out.append(rec)
    return out


# ---------------------------------------------------------------- operand pages


def _page_path(doc_dir: Path, page: str) -> Path | None:
    for cand in (doc_dir / f"{page}.rst.txt", doc_dir / f"{page}.rst"):
        if cand.exists():
            return cand
    return None


def parse_page(doc_dir: Path, page: str) -> OperandPage | None:
    path = _page_path(doc_dir, page)
    if path is None:
        return None
    text = path.read_text()
    title_m = re.search(r"\n\n(\S[^\n]*)\n=+\n", text)
    title = title_m.group(1) if title_m else page
    size_m = re.search(r"\*Size:\* (\d+) dwords?\.", text)
    ops_m = re.search(r"\*Operands:\* (.*)", text)
    kinds = [lab for lab, _ in REF_RE.findall(ops_m.group(1))] if ops_m else []
    rec = OperandPage(page, title, int(size_m.group(1)) if size_m else None, kinds, text=text)
    _parse_condition(rec)
    return rec


def _parse_condition(rec: OperandPage) -> None:
    refs = [lab for lab, _ in REF_RE.findall(rec.text)]
    if rec.title in ("opt", "dst") and refs:
        omitted = re.search(r"is omitted", rec.text) is not None
        rec.cond = ("!" if omitted else "") + refs[0]
    elif rec.title == "m":
        mods = [r for r in refs if r in ("abs", "neg", "sext")]
        rec.opmods = tuple(sorted(mods))


class PageCache:
    """Operand pages of one doc directory, parsed on demand."""

    def __init__(self, doc_dir: Path | None) -> None:
        self.doc_dir = doc_dir
        self.pages: dict[str, OperandPage | None] = {}
        self.extra: dict[str, OperandPage] = {}

    def get(self, page: str) -> OperandPage | None:
        if page in self.extra:
            return self.extra[page]
        if page not in self.pages:
            self.pages[page] = parse_page(self.doc_dir, page) if self.doc_dir else None
        found = self.pages[page]
        if found is None and page.startswith("gfx950_"):
            return self.get("gfx940_" + page.removeprefix("gfx950_"))
        return found
