"""Errors of the DSL: a message located at the user's source line.

Every misuse the frontend detects while tracing raises :class:`DSLError`. Its text is
``file:line: error: message`` so that editors and terminals link to the line, and the
JIT re-raises it without the frontend's own stack frames (a user mistake is not a
crash of pyhip_mlir).
"""

from __future__ import annotations

from pyhip_mlir.frontend.loc import Loc


class DSLError(Exception):
    """A mistake in a kernel's Python source, found while tracing it."""

    def __init__(self, message: str, loc: Loc | None = None):
        self.message = message
        self.loc = loc
        where = f"{loc.file}:{loc.line}: " if loc is not None else ""
        super().__init__(f"{where}error: {message}")
