"""Lines and tokens of AMDGPU assembly text (``clang -S`` output, ``llvm-objdump -d``).

The lexer knows no instruction: it removes comments (``;``, ``//``, ``/* */``, ``#`` at
the start of a line), keeps llvm-objdump's trailing ``// ADDRESS: BYTES <sym+0x..>``
comment apart (the parser needs the address and the encoding size), rejects binary
garbage, and cuts the operand text of an instruction into tokens that remember their
column, so that every diagnostic points at ``file:line:col``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class AsmParseError(Exception):
    """A diagnostic about the assembly text, with its position (1-based line/col)."""

    def __init__(self, filename: str, line: int, col: int, message: str):
        self.filename = filename
        self.line = line
        self.col = col
        self.message = message
        super().__init__(f"{filename}:{line}:{col}: error: {message}")


@dataclass
class SrcLine:
    """One source line with its comment removed.

    ``text`` keeps the original columns (comment characters are blanked, not cut out,
    except at the end), so ``col`` values computed from it are the file's columns.
    ``comment`` is the text of a trailing ``//`` comment (objdump's address comment).
    """

    no: int
    text: str
    comment: str = ""


# llvm-objdump: "// 000000001700: C0060002 00000000 <sym+0x110>"
OBJDUMP_COMMENT_RE = re.compile(
    r"^\s*([0-9A-Fa-f]+):\s*((?:[0-9A-Fa-f]{8}\s*)*)(?:<([^>+]+)(?:\+(0x[0-9A-Fa-f]+))?>)?\s*$"
)


_BAD_CHAR_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd\ud800-\udfff]")


def _check_chars(filename: str, text: str) -> None:
    m = _BAD_CHAR_RE.search(text)
    if m is None:
        return
    line = text.count("\n", 0, m.start()) + 1
    col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    raise AsmParseError(
        filename, line, col, f"invalid character {m.group()!r} (binary data is not assembly)"
    )


def decode(data: str | bytes, filename: str) -> str:
    """The text of ``data``; bytes must be UTF-8."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        prefix = data[: e.start]
        line = prefix.count(b"\n") + 1
        col = e.start - (prefix.rfind(b"\n") + 1) + 1
        raise AsmParseError(filename, line, col, "the file is not UTF-8 text") from None


def split_lines(text: str, filename: str) -> list[SrcLine]:
    """Source lines without comments; raises on control characters."""
    out: list[SrcLine] = []
    in_block = False  # inside /* ... */
    block_start = (0, 0)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_chars(filename, text)
    for no, raw in enumerate(text.split("\n"), 1):
        if not in_block and '"' not in raw and "/*" not in raw:
            # Fast path: no string and no block comment on this line.
            cut = len(raw)
            comment = ""
            semi = raw.find(";")
            slash = raw.find("//")
            if slash >= 0 and (semi < 0 or slash < semi):
                cut, comment = slash, raw[slash + 2 :]
            elif semi >= 0:
                cut = semi
            if raw.lstrip().startswith("#"):
                cut = 0
            out.append(SrcLine(no, raw[:cut].rstrip(), comment))
            continue
        chars = list(raw)
        comment = ""
        i = 0
        quote = False
        if not in_block and raw.lstrip().startswith("#"):
            out.append(SrcLine(no, ""))
            continue
        while i < len(chars):
            c = chars[i]
            if in_block:
                if raw.startswith("*/", i):
                    chars[i] = chars[i + 1] = " "
                    in_block = False
                    i += 2
                    continue
                chars[i] = " "
                i += 1
                continue
            if quote:
                if c == "\\":
                    i += 2
                    continue
                if c == '"':
                    quote = False
                i += 1
                continue
            if c == '"':
                quote = True
            elif raw.startswith("/*", i):
                in_block = True
                block_start = (no, i + 1)
                chars[i] = chars[i + 1] = " "
                i += 2
                continue
            elif raw.startswith("//", i):
                comment = raw[i + 2 :]
                del chars[i:]
                break
            elif c == ";":
                del chars[i:]
                break
            i += 1
        out.append(SrcLine(no, "".join(chars).rstrip(), comment))
    if in_block:
        raise AsmParseError(filename, block_start[0], block_start[1], "unterminated /* comment")
    return out


@dataclass(frozen=True)
class Token:
    """``kind`` is one of ident, int, float, str, punct; ``start``/``end`` index the line."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def col(self) -> int:
        return self.start + 1


_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<float>(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+)
  | (?P<int>0[xX][0-9A-Fa-f]+|0[bB][01]+|\d+)
  | (?P<ident>[A-Za-z_.$][A-Za-z0-9_.$@]*)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<punct>[\[\]():,|\-+*/&!<>=~%^])
    """,
    re.VERBOSE,
)


def tokenize(line: str, start: int, end: int, filename: str, no: int) -> list[Token]:
    """Tokens of ``line[start:end]``; raises on characters no operand uses."""
    toks: list[Token] = []
    pos = start
    while pos < end:
        m = _TOKEN_RE.match(line, pos, end)
        if m is None:
            raise AsmParseError(filename, no, pos + 1, f"unexpected character {line[pos]!r}")
        kind = m.lastgroup or ""
        if kind != "ws":
            toks.append(Token(kind, m.group(), m.start(), m.end()))
        pos = m.end()
    return toks


def parse_int(text: str) -> int:
    """Value of an integer token (decimal, 0x hex, 0b binary)."""
    low = text.lower()
    if low.startswith("0x"):
        return int(low, 16)
    if low.startswith("0b"):
        return int(low[2:], 2)
    return int(low, 10)


@dataclass(frozen=True)
class ObjdumpInfo:
    """What llvm-objdump's trailing comment says about an instruction."""

    address: int
    size: int  # bytes (0 when the raw bytes were not printed)
    symbol: str | None
    offset: int | None
    words: tuple[int, ...] = ()

    def valu_encoding(self) -> str | None:
        """e32/e64/sdwa/dpp if the raw dwords are those of a VALU encoding, else None.

        llvm-objdump prints some encodings with the same text (``v_nop`` is the e32,
        e64 and SDWA encoding alike); the bits decide.
        """
        if not self.words:
            return None
        w0 = self.words[0]
        if w0 >> 26 == 0b110100:  # VOP3, VOP3P (incl. MFMA)
            return "e64"
        if w0 >> 31 == 0 or w0 >> 25 in (0b0111111, 0b0111110):  # VOP2, VOP1, VOPC
            src0 = w0 & 0x1FF
            if len(self.words) == 2 and src0 == 0xF9:
                return "sdwa"
            if len(self.words) == 2 and src0 == 0xFA:
                return "dpp"
            return "e32"
        return None


def objdump_info(comment: str) -> ObjdumpInfo | None:
    m = OBJDUMP_COMMENT_RE.match(comment)
    if m is None:
        return None
    words = tuple(int(w, 16) for w in m.group(2).split())
    off = int(m.group(4), 16) if m.group(4) else (0 if m.group(3) else None)
    return ObjdumpInfo(int(m.group(1), 16), 4 * len(words), m.group(3), off, words)
