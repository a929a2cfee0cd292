"""``--verify-diagnostics``: compare the diagnostics produced with the ones expected.

Expectations are comments in the input, as in MLIR (any comment syntax works, so
assembly files may use ``;``)::

    %x = cdna.v_add_u32 ...   // expected-error {{implicitly reads}}
    // expected-error @+1 {{must be 2 dwords}}     (also @-2, @above, @below)
    // expected-warning {{...}}  expected-remark {{...}}  expected-note {{...}}
    // expected-error @unknown {{...}}             (a diagnostic without a location)

An expectation is met by a diagnostic of the same severity on the designated line
whose message contains the text between ``{{`` and ``}}``. The check passes iff every
expectation is met and no error or warning was produced that nobody expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyhip_mlir.diagnostics import Diagnostic

EXPECT_RE = re.compile(
    r"expected-(?P<sev>error|warning|remark|note)"
    r"(?:\s*@(?P<at>[+-]\d+|above|below|unknown))?\s*\{\{(?P<msg>.*?)\}\}"
)

# Unexpected diagnostics of these severities fail the check (remarks/notes are allowed).
MUST_BE_EXPECTED = ("error", "warning")


@dataclass
class Expected:
    """One ``expected-<severity>`` annotation."""

    severity: str
    message: str
    line: int | None  # the line the diagnostic must be on; None for @unknown
    written_at: tuple[int, int]  # (line, col) of the annotation itself
    matched: bool = False


def collect_expected(lines: list[str], first_line: int) -> list[Expected]:
    """The expectations in ``lines`` (which start at line ``first_line`` of the file)."""
    out: list[Expected] = []
    for i, text in enumerate(lines):
        lineno = first_line + i
        for m in EXPECT_RE.finditer(text):
            at = m["at"]
            if at is None:
                target: int | None = lineno
            elif at == "unknown":
                target = None
            elif at == "above":
                target = lineno - 1
            elif at == "below":
                target = lineno + 1
            else:
                target = lineno + int(at)
            out.append(Expected(m["sev"], m["msg"].strip(), target, (lineno, m.start() + 1)))
    return out


def check_expected(
    expected: list[Expected], produced: list[Diagnostic], filename: str
) -> list[Diagnostic]:
    """The failures of ``--verify-diagnostics`` (empty when everything matched)."""
    failures: list[Diagnostic] = []
    for d in produced:
        in_file = d.file == filename
        line = d.line if in_file else None
        match = next(
            (
                e
                for e in expected
                if not e.matched
                and e.severity == d.severity
                and e.line == line
                and (line is not None or not in_file)
                and e.message in d.message
            ),
            None,
        )
        if match is None:
            # Several diagnostics may meet one expectation (same text on one line).
            match = next(
                (
                    e
                    for e in expected
                    if e.severity == d.severity and e.line == line and e.message in d.message
                ),
                None,
            )
        if match is not None:
            match.matched = True
        elif d.severity in MUST_BE_EXPECTED:
            failures.append(
                Diagnostic("error", f"unexpected {d.severity}: {d.message}", d.file, d.line, d.col)
            )
    for e in expected:
        if not e.matched:
            where = f"on line {e.line}" if e.line is not None else "without a location"
            failures.append(
                Diagnostic(
                    "error",
                    f'expected {e.severity} {where} was not produced: "{e.message}"',
                    filename,
                    *e.written_at,
                )
            )
    return failures
