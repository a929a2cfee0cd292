"""Where in the user's source an op comes from, found cheaply.

``inspect.stack()`` reads source files and costs ~50 us per call; pyhip called it for
every instruction. :func:`user_loc` walks raw frames (``sys._getframe``) past the
frontend's own modules and ``contextlib`` until it reaches user code: well under a
microsecond per op. Locations are interned, so a loop that emits 10,000 ops from one
line shares one location attribute.
"""

from __future__ import annotations

import contextlib
import linecache
import os
import re
import sys
from functools import cache
from types import CodeType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xdsl.dialects.builtin import FileLineColLoc

_FRONTEND_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_SKIP_FILES = frozenset({os.path.abspath(contextlib.__file__)})


class Loc:
    """A user source line (interned: one object per file:line, compared by identity)."""

    __slots__ = ("file", "line", "_attr")

    def __init__(self, file: str, line: int):
        self.file = file
        self.line = line
        self._attr: Any = None

    @property
    def attr(self) -> Any:
        """The xDSL location attribute (made on first use: importing the DSL's error
        types must not import xDSL, so a cache hit never does)."""
        if self._attr is None:
            from xdsl.dialects.builtin import FileLineColLoc, IntAttr, StringAttr

            self._attr = FileLineColLoc(StringAttr(self.file), IntAttr(self.line), IntAttr(1))
        return self._attr

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"

    def __repr__(self) -> str:
        return f"Loc(file={self.file!r}, line={self.line})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Loc) and (self.file, self.line) == (other.file, other.line)

    def __hash__(self) -> int:
        return hash((self.file, self.line))


@cache
def _internal(filename: str) -> bool:
    path = os.path.abspath(filename)
    return path.startswith(_FRONTEND_DIR) or path in _SKIP_FILES


@cache
def _loc(filename: str, line: int) -> Loc:
    return Loc(filename, line)


def user_loc() -> Loc | None:
    """The innermost caller frame outside the frontend (None if there is none)."""
    f = sys._getframe(1)
    while f is not None and _internal(f.f_code.co_filename):
        f = f.f_back  # type: ignore[assignment]
    if f is None:
        return None
    return _loc(f.f_code.co_filename, f.f_lineno)


def loc_attr(loc: Loc | None) -> FileLineColLoc | None:
    """The IR location attribute of ``loc`` (one instance per file:line)."""
    return None if loc is None else loc.attr


@cache
def _positions(code: CodeType) -> list[tuple[int | None, int | None, int | None, int | None]]:
    return list(code.co_positions())


_NAME_BEFORE = re.compile(r"([A-Za-z_][\w.]*)\s*(?::[^=]*)?=\s*$")


def declared_name(default: str = "gpr") -> str:
    """The variable a declaration is assigned to (``acc = J.gpr(...)`` -> ``acc``).

    Uses the calling instruction's column (``co_positions``) and the line through
    ``linecache`` (each file is read once), not ``inspect``; so ``a = J.gpr(..); b =
    J.gpr(..)`` on one line names both right.
    """
    f = sys._getframe(1)
    while f is not None and _internal(f.f_code.co_filename):
        f = f.f_back  # type: ignore[assignment]
    if f is None:
        return default
    positions = _positions(f.f_code)
    i = f.f_lasti // 2
    pos = positions[i] if i < len(positions) else None
    line = linecache.getline(f.f_code.co_filename, f.f_lineno)
    col = pos[2] if pos is not None and pos[0] == f.f_lineno and pos[2] is not None else None
    if col is None:
        m = _NAME_BEFORE.match(line.split("=", 1)[0] + "=") if "=" in line else None
        return m.group(1).rsplit(".", 1)[-1] if m else default
    # the call expression starts at the callee (J.gpr); the name precedes it
    m = _NAME_BEFORE.search(line[:col].rsplit(";", 1)[-1])
    return m.group(1).rsplit(".", 1)[-1] if m else default
