"""Located diagnostics: ``file:line:col: error: message``, for pyhip-opt and the JIT.

* :class:`Diagnostic` is one message with a severity and a source location;
  :class:`DiagnosticEngine` prints (with the source line and a caret) or collects them.
  Code that runs under :func:`using_engine` (passes, the verifier) reports through
  :func:`emit`, so ``--verify-diagnostics`` can check every diagnostic a pipeline
  produces.
* :class:`LocatedParser` is xDSL's parser that gives every parsed op a
  ``FileLineColLoc`` of its first token (unless it has an explicit ``loc(...)``), turns
  errors xDSL raises without a position (attribute verifiers, undefined values,
  unknown ops) into located parse errors, and reads an empty file as an empty module.
* :func:`verify_module` verifies op by op, so each error is reported once, at the
  innermost op that is wrong, with the op's location.
* Passes raise :class:`OpError` (an error at an op) or, after emitting diagnostics
  themselves, :class:`ReportedError`.
"""

from __future__ import annotations

import bisect
import contextlib
import difflib
import re
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TextIO

from xdsl.dialects.builtin import FileLineColLoc, IntAttr, ModuleOp, StringAttr, UnknownLoc
from xdsl.ir import Attribute, BlockArgument, Operation
from xdsl.parser import Parser
from xdsl.traits import IsTerminator, NoTerminator
from xdsl.utils.exceptions import (
    DiagnosticException,
    MultipleSpansParseError,
    ParseError,
    VerifyException,
)
from xdsl.utils.lexer import Span
from xdsl.utils.mlir_lexer import MLIRTokenKind

SEVERITIES = ("error", "warning", "remark", "note")


@dataclass
class Diagnostic:
    """One message; ``file``/``line``/``col`` are None when unknown (1-based)."""

    severity: str
    message: str
    file: str | None = None
    line: int | None = None
    col: int | None = None

    @property
    def where(self) -> str:
        if self.file is None:
            return "<unknown>"
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.col or 1}"

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}"


class DiagnosticError(DiagnosticException):
    """A user error that already knows its :class:`Diagnostic`."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


class OpError(DiagnosticException):
    """A pass failed at ``op``: reported as ``<op location>: error: <message>``."""

    def __init__(self, message: str, op: Operation | None = None):
        super().__init__(message)
        self.message = message
        self.op = op


class ReportedError(DiagnosticException):
    """Stop: the diagnostics explaining why have already been emitted."""


# --- the engine -------------------------------------------------------------------------


class DiagnosticEngine:
    """Prints diagnostics to ``stream`` (stderr) or, with ``collect``, only records them."""

    def __init__(self, stream: TextIO | None = None, *, collect: bool = False):
        self.stream = stream
        self.collect = collect
        self.diagnostics: list[Diagnostic] = []
        self.sources: dict[str, list[str]] = {}
        self.error_count = 0

    def add_source(self, name: str, text: str) -> None:
        """Remember ``text`` so diagnostics in ``name`` can quote their line."""
        self.sources[name] = text.split("\n")

    def emit(self, diag: Diagnostic) -> None:
        self.diagnostics.append(diag)
        if diag.severity == "error":
            self.error_count += 1
        if not self.collect:
            out = self.stream if self.stream is not None else sys.stderr
            out.write(self.format(diag))
            out.flush()

    def format(self, diag: Diagnostic) -> str:
        """The diagnostic line, then the source line and a caret when known."""
        text = f"{diag}\n"
        lines = self.sources.get(diag.file or "")
        if lines is not None and diag.line is not None and 0 < diag.line <= len(lines):
            src = lines[diag.line - 1].rstrip("\r")
            if src.strip():
                col = max(1, min(diag.col or 1, len(src) + 1))
                lead = "".join(c if c == "\t" else " " for c in src[: col - 1])
                text += f"{src}\n{lead}^\n"
        return text

    def report(self, severity: str, message: str, at: Operation | Attribute | None = None) -> None:
        self.emit(diagnostic_at(at, severity, message))


_ENGINE: ContextVar[DiagnosticEngine | None] = ContextVar("pyhip_diagnostics", default=None)


def current_engine() -> DiagnosticEngine:
    """The engine of the enclosing :func:`using_engine` (default: print to stderr)."""
    engine = _ENGINE.get()
    if engine is None:
        engine = DiagnosticEngine()
        _ENGINE.set(engine)
    return engine


@contextlib.contextmanager
def using_engine(engine: DiagnosticEngine) -> Iterator[DiagnosticEngine]:
    token = _ENGINE.set(engine)
    try:
        yield engine
    finally:
        _ENGINE.reset(token)


def emit(at: Operation | Attribute | None, severity: str, message: str) -> None:
    """Report through the current engine: ``emit(op, "warning", "...")``."""
    current_engine().report(severity, message, at)


# --- locations --------------------------------------------------------------------------


def location_of(op: Operation | None) -> FileLineColLoc | None:
    """The op's file location, else its nearest ancestor's (ops built by passes)."""
    while op is not None:
        if isinstance(op.location, FileLineColLoc):
            return op.location
        op = op.parent_op()
    return None


def diagnostic_at(at: Operation | Attribute | None, severity: str, message: str) -> Diagnostic:
    loc = location_of(at) if isinstance(at, Operation) else at
    if isinstance(loc, FileLineColLoc):
        return Diagnostic(severity, message, loc.filename.data, loc.line.data, loc.column.data)
    return Diagnostic(severity, message)


def op_diagnostic(op: Operation, severity: str, message: str) -> Diagnostic:
    """``'<op name>' op <message>`` at the op (MLIR's spelling of op diagnostics)."""
    return diagnostic_at(op, severity, f"'{op.name}' op {message}")


def parse_error_diagnostic(e: ParseError) -> Diagnostic:
    if isinstance(e, MultipleSpansParseError) and e.msg.startswith("region ends with missing"):
        span = e.refs[0][0]  # locate the first branch to a block that is never defined
        loc = span.get_location()
        return Diagnostic("error", f"use of undefined block '{span.text}'", loc.file, loc.line, loc.col)  # fmt: skip
    loc = e.span.get_location()
    msg = e.msg.replace("{first_char}", f"'{e.span.text[:1]}'")  # an xDSL typo
    at_end = e.span.start >= len(e.span.input)
    if msg.startswith(" "):  # xDSL raised only the context: " in block definition"
        found = "end of input" if at_end else f"'{e.span.text}'"
        msg = f"unexpected {found}{msg}"
    elif at_end and not msg.startswith("use of undefined"):
        msg = f"unexpected end of input: {msg}"
    if at_end:
        msg += " (is the file truncated?)"
    return Diagnostic("error", msg, loc.file, loc.line, loc.col)


LOCATED_RE = re.compile(
    r"^(?P<file>.*?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|remark|note): (?P<msg>.*)$",
    re.S,
)


def diagnostic_from_text(text: str, default_file: str | None = None) -> Diagnostic:
    """Parse ``file:line:col: error: msg`` (e.g. an AsmParseError's text)."""
    m = LOCATED_RE.match(text.strip())
    if m is None:
        return Diagnostic("error", text.strip(), default_file)
    return Diagnostic(m["sev"], m["msg"], m["file"], int(m["line"]), int(m["col"]))


def decode_source(data: bytes, name: str) -> str:
    """UTF-8 text of ``data``; a binary or non-UTF-8 input is a located error."""
    nul = data.find(b"\0")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        bad = e.start if nul < 0 or e.start < nul else nul
    else:
        if nul < 0:
            return text
        bad = nul
    line = data.count(b"\n", 0, bad) + 1
    col = bad - (data.rfind(b"\n", 0, bad) + 1) + 1
    what = "a NUL byte" if data[bad] == 0 else f"invalid UTF-8 byte 0x{data[bad]:02x}"
    raise DiagnosticError(
        Diagnostic("error", f"{what}: the input is not UTF-8 text", name, line, col)
    )


# --- the parser -------------------------------------------------------------------------


class LocatedParser(Parser):
    """xDSL's parser, giving every op ``loc(file:line:col)`` and located errors."""

    def __init__(self, ctx, text: str, name: str = "<stdin>"):
        super().__init__(ctx, text, name)
        self.filename = name
        self._text = text
        self._line_starts: list[int] | None = None
        self._first_use: dict[str, Span] = {}

    def loc_at(self, pos: int) -> FileLineColLoc:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self._text)]
        i = bisect.bisect_right(self._line_starts, pos) - 1
        col = pos - self._line_starts[i] + 1
        return FileLineColLoc(StringAttr(self.filename), IntAttr(i + 1), IntAttr(col))

    def parse_module(self, allow_implicit_module: bool = True) -> ModuleOp:
        if allow_implicit_module and self._current_token.kind == MLIRTokenKind.EOF:
            module = ModuleOp([])
            module.location = self.loc_at(0)
            return module
        try:
            module = super().parse_module(allow_implicit_module)
        except ParseError as e:
            if self.forward_ssa_references and e.msg.startswith("values used but not defined"):
                name = min(self.forward_ssa_references, key=self._first_use_pos)
                span = self._first_use.get(name, e.span)
                raise ParseError(span, f"use of undefined value '%{name}'") from None
            raise
        if isinstance(module.location, UnknownLoc):
            module.location = self.loc_at(0)
        return module

    def _first_use_pos(self, name: str) -> int:
        span = self._first_use.get(name)
        return span.start if span is not None else len(self._text)

    def parse_operation(self) -> Operation:
        start = self._current_token.span.start
        try:
            op = super().parse_operation()
        except VerifyException as e:
            self.raise_error(str(e), start, max(start, self.pos))
        if isinstance(op.location, UnknownLoc):
            op.location = self.loc_at(start)
        return op

    def resolve_operand(self, operand, type):  # type: ignore[override]
        name = operand.operand_name
        if name not in self.ssa_values and name not in self._first_use:
            self._first_use[name] = operand.span
        return super().resolve_operand(operand, type)

    def _register_ssa_definition(self, name, values, span) -> None:  # type: ignore[no-untyped-def]
        super()._register_ssa_definition(name, values, span)
        for v in values:  # block arguments: located at their name
            if isinstance(v, BlockArgument) and isinstance(v.location, UnknownLoc):
                v.location = self.loc_at(span.start)

    def _get_op_by_name(self, name: str) -> type[Operation]:
        op_type = self.ctx.get_optional_op(name, dialect_stack=self._parser_state.dialect_stack)
        if op_type is not None:
            return op_type
        end = self._current_token.span.start
        at = self._text.rfind(name, 0, end)
        at = at if at >= 0 else end
        self.raise_error(unknown_op_message(self.ctx, name), at, at + len(name))

    def _parse_dialect_type_or_attribute_body(
        self, attr_name, is_type, is_opaque, starting_opaque_pos
    ):  # type: ignore[no-untyped-def]
        here = self._current_token.span.start
        at = self._text.rfind(attr_name, 0, here)
        start = at - 1 if at > 0 else here
        try:
            return super()._parse_dialect_type_or_attribute_body(
                attr_name, is_type, is_opaque, starting_opaque_pos
            )
        except VerifyException as e:
            kind = "type" if is_type else "attribute"
            self.raise_error(
                f"invalid {kind} {'!' if is_type else '#'}{attr_name}: {e}",
                start,
                max(start, self.pos),
            )


def unknown_op_message(ctx, name: str) -> str:
    """``unknown instruction 'v_add_u33'; did you mean 'v_add_u32'?`` and the like."""
    from pyhip_mlir.dialects.isa.table import all_mnemonics

    dialect, _, rest = name.partition(".")
    op_names = [o.name for o in ctx.loaded_ops]
    if dialect == "cdna":
        pool = sorted(set(all_mnemonics()) | {n[5:] for n in op_names if n.startswith("cdna.")})
        close = difflib.get_close_matches(rest, pool, n=3, cutoff=0.75)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        return (
            f"unknown instruction '{rest}' (no op 'cdna.{rest}'; not a mnemonic of "
            f"gfx90a, gfx942 or gfx950){hint}"
        )
    dialects = {d.name for d in ctx.loaded_dialects} | set(ctx.registered_dialect_names)
    if not rest or dialect not in dialects:
        return (
            f"unknown operation '{name}': dialect '{dialect}' is not loaded "
            f"(pyhip-opt knows {', '.join(sorted(dialects))})"
        )
    close = difflib.get_close_matches(name, op_names, n=3, cutoff=0.75)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown operation '{name}'{hint}"


# --- verification -----------------------------------------------------------------------


def verify_module(
    root: Operation, engine: DiagnosticEngine | None = None, *, max_errors: int = 0
) -> int:
    """Verify every op of ``root`` on its own; emit each error at its op. Returns #errors.

    With ``max_errors`` > 0, stop after that many errors (and say so in a note).
    """
    from pyhip_mlir.dialects.isa.table import UnknownArchError

    engine = engine if engine is not None else current_engine()
    failed: dict[Operation, str] = {}
    for op in root.walk():
        try:
            verify_op(op)
        except (VerifyException, UnknownArchError) as e:
            msg = str(e).removeprefix("Operation does not verify: ")
            failed[op] = msg
            # An error an enclosing op already reported (a kernel's unknown arch seen
            # again by each of its instructions) is not repeated.
            parent = op.parent_op()
            while parent is not None and failed.get(parent) != msg:
                parent = parent.parent_op()
            if parent is None:
                engine.emit(op_diagnostic(op, "error", msg))
            if max_errors and len(failed) >= max_errors:
                engine.emit(Diagnostic("note", f"stopped after {max_errors} error(s)"))
                break
    return len(failed)


def verify_op(op: Operation) -> None:
    """xDSL's ``Operation.verify`` minus the recursion and the whole-module dump."""
    if type(op).verify is not Operation.verify:
        op.verify(verify_nested_ops=False)
        return
    block = op.parent
    region = None if block is None else block.parent
    if op.successors:
        if block is None or region is None:
            raise VerifyException("an op with successors must be inside a block")
        if block.last_op is not op:
            raise VerifyException("an op with successors must terminate its block")
        for succ in op.successors:
            if succ.parent is not region:
                raise VerifyException("branches to a block of a different region")
    if block is not None and region is not None and block.last_op is op:
        parent = region.parent
        if len(region.blocks) == 1:
            if parent is not None and not parent.has_trait(NoTerminator):
                if not op.has_trait(IsTerminator):
                    raise VerifyException(
                        "ends a block of a single-block region but is not a terminator"
                    )
        elif len(region.blocks) > 1 and not op.has_trait(IsTerminator):
            raise VerifyException("ends a block of a multi-block region but is not a terminator")
    for r in op.regions:
        if len(r.blocks) == 1 and r.block.first_op is None and not op.has_trait(NoTerminator):
            raise VerifyException("has an empty block in a region that needs a terminator")
    op.verify_()


def count_ops(root: Operation) -> int:
    return sum(1 for _ in root.walk())


@dataclass
class SplitChunk:
    """One ``// -----`` chunk, padded with newlines so its line numbers are the file's."""

    text: str
    first_line: int
    lines: list[str] = field(default_factory=list)


SPLIT_RE = re.compile(r"^[ \t]*// -----[ \t]*\r?$")


def split_input(text: str, split: bool) -> list[SplitChunk]:
    """The chunks of ``text`` (one unless ``split``), each padded to its original lines."""
    if not split:
        return [SplitChunk(text, 1, text.split("\n"))]
    chunks: list[SplitChunk] = []
    cur: list[str] = []
    first = 1
    for i, line in enumerate(text.split("\n"), start=1):
        if SPLIT_RE.match(line):
            chunks.append(SplitChunk("\n" * (first - 1) + "\n".join(cur), first, cur))
            cur, first = [], i + 1
        else:
            cur.append(line)
    chunks.append(SplitChunk("\n" * (first - 1) + "\n".join(cur), first, cur))
    return chunks
