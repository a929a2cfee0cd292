"""pyhip-opt: the lit suite (so ``pytest`` covers it), plus direct tests of the driver,
``--verify-diagnostics``, the pass registry and the diagnostics machinery."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from io import BytesIO, StringIO
from pathlib import Path

import pytest

from pyhip_mlir.diagnostics import (
    DiagnosticEngine,
    DiagnosticError,
    LocatedParser,
    decode_source,
    split_input,
    verify_module,
)
from pyhip_mlir.tools.expected_diagnostics import collect_expected
from pyhip_mlir.tools.pyhip_opt import main
from pyhip_mlir.transforms.registry import (
    PipelineError,
    StatisticsCollector,
    collect_statistics,
    get_all_passes,
    parse_pipeline,
    running_pass,
    stats,
)

REPO = Path(__file__).resolve().parents[1]

KERNEL = """cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %b = cdna.v_add_u32 5, %tid : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  cdna.s_endpgm
}
"""


def run(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    code = main(args, stdin=BytesIO(stdin.encode()), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# --- the lit suite ------------------------------------------------------------------------


def lit_command() -> list[str]:
    script = Path(sys.executable).parent / "lit"
    if script.exists():
        return [str(script)]
    found = shutil.which("lit")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from lit.main import main; sys.exit(main())"]


def test_lit_suite() -> None:
    """Every FileCheck test under test/lit passes."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    proc = subprocess.run(
        [*lit_command(), "-q", "test/lit"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]


# --- --verify-diagnostics ------------------------------------------------------------------


def test_verify_diagnostics_passes_on_match() -> None:
    src = KERNEL.replace(
        "%b = cdna.v_add_u32 5, %tid :",
        "// expected-error @+1 {{implicitly reads (exec)}}\n  %b = cdna.v_add_u32 5, %tid :",
    )
    code, _, err = run(["-", "--verify-diagnostics"], src)
    assert code == 0, err
    assert err == ""


def test_verify_diagnostics_fails_on_wrong_text() -> None:
    src = KERNEL.replace(
        "%b = cdna.v_add_u32 5, %tid :",
        "// expected-error @+1 {{something else}}\n  %b = cdna.v_add_u32 5, %tid :",
    )
    code, _, err = run(["-", "--verify-diagnostics"], src)
    assert code == 1
    assert "<stdin>:5:3: error: unexpected error: 'cdna.v_add_u32' op" in err
    assert '<stdin>:4:6: error: expected error on line 5 was not produced: "something else"' in err


def test_verify_diagnostics_fails_on_missing_error() -> None:
    src = KERNEL.replace("%b = cdna.v_add_u32 5, %tid :", "%b = cdna.v_add_u32 5, %tid implicit(%exec : exec) :")  # fmt: skip
    src = src.replace("cdna.s_endpgm", "cdna.s_endpgm // expected-error {{never}}")
    code, _, err = run(["-", "--verify-diagnostics"], src)
    assert code == 1
    assert "was not produced" in err and "never" in err


def test_verify_diagnostics_per_chunk() -> None:
    ok = KERNEL.replace("%b = cdna.v_add_u32 5, %tid :", "%b = cdna.v_add_u32 5, %tid implicit(%exec : exec) :")  # fmt: skip
    bad = KERNEL.replace("%b =", "// expected-error @below {{implicitly reads}}\n  %b =")
    code, out, err = run(["-", "--split-input-file", "--verify-diagnostics"], ok + "// -----\n" + bad)  # fmt: skip
    assert code == 0, err
    assert out.count("// -----") == 1


def test_collect_expected_designators() -> None:
    lines = [
        "x // expected-error {{same}}",
        "// expected-warning @+2 {{plus two}}",
        "// expected-remark@-1 {{minus one}}",
        "// expected-note @above {{above}} expected-error @below {{below}}",
        "; expected-error @unknown {{nowhere}}",
    ]
    got = [(e.severity, e.message, e.line) for e in collect_expected(lines, 10)]
    assert got == [
        ("error", "same", 10),
        ("warning", "plus two", 13),
        ("remark", "minus one", 11),
        ("note", "above", 12),
        ("error", "below", 14),
        ("error", "nowhere", None),
    ]


# --- the driver ------------------------------------------------------------------------------


def test_error_exit_status_and_location() -> None:
    code, out, err = run(["-"], KERNEL)
    assert code == 1 and out == ""
    assert err.startswith("<stdin>:4:3: error: 'cdna.v_add_u32' op 'v_add_u32' implicitly reads (exec)")  # fmt: skip
    assert "Traceback" not in err


def test_missing_file(tmp_path: Path) -> None:
    code, _, err = run([str(tmp_path / "nope.mlir")])
    assert code == 1
    assert "nope.mlir: error: cannot read input file" in err


def test_output_file(tmp_path: Path) -> None:
    good = KERNEL.replace("%b = cdna.v_add_u32 5, %tid :", "%b = cdna.v_add_u32 5, %tid implicit(%exec : exec) :")  # fmt: skip
    out_file = tmp_path / "out.mlir"
    code, out, err = run(["-", "-p", "cse", "-o", str(out_file)], good)
    assert code == 0, err
    assert out == ""
    text = out_file.read_text()
    assert "cdna.s_endpgm" in text and "%b =" not in text  # cse also drops dead pure ops


def test_help_lists_passes_and_targets() -> None:
    code, out, _ = run(["--help"])
    assert code == 0
    for name in get_all_passes():
        assert f"  {name}  " in out or f"  {name} " in out
    assert "targets (-t):" in out and "  asm" in out and "  mlir" in out


def test_internal_error_is_labelled(monkeypatch: pytest.MonkeyPatch) -> None:
    from pyhip_mlir.tools import pyhip_opt

    def boom(self, text, asm):  # noqa: ANN001, ANN202
        raise RuntimeError("boom")

    monkeypatch.setattr(pyhip_opt.PyhipOptMain, "parse_text", boom)
    code, _, err = run(["-"], KERNEL)
    assert code == 2
    assert "internal error" in err and "RuntimeError: boom" in err


# --- registry and statistics -------------------------------------------------------------------


def test_parse_pipeline_forms() -> None:
    assert [p.name for p in parse_pipeline("builtin.module(cse,dce)")] == ["cse", "dce"]
    assert [p.name for p in parse_pipeline("cse,dce")] == ["cse", "dce"]
    assert parse_pipeline("") == []
    assert parse_pipeline("builtin.module()") == []
    (p,) = parse_pipeline("verify-isa{max-errors=4}")
    assert p.max_errors == 4  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("spec", "column", "text"),
    [
        ("cse,nope", 5, "unknown pass 'nope'; known passes: "),
        ("builtin.module(cse,nope)", 20, "unknown pass 'nope'"),
        ("builtin.module(cse,,dce)", 20, "bad pass pipeline"),
        ("builtin.module(cse", 19, "is not closed"),
        ("cse{bogus=1}", 1, "bad options for pass 'cse'"),
    ],
)
def test_parse_pipeline_errors(spec: str, column: int, text: str) -> None:
    with pytest.raises(PipelineError) as info:
        parse_pipeline(spec)
    assert text in info.value.message
    assert info.value.column == column


def test_statistics_protocol() -> None:
    collector = StatisticsCollector()
    with collect_statistics(collector):
        with running_pass("my-pass"):
            stats("my-pass").add("things", 2, "Things done")
            stats("my-pass").add("things")
    assert collector.by_pass["my-pass"].counters == {"things": 3}
    assert "(S) 3 things - Things done" in collector.report()
    stats("outside").add("ignored")  # no collector: a throw-away object, no error


# --- diagnostics machinery ------------------------------------------------------------------------


def test_split_input_keeps_line_numbers() -> None:
    chunks = split_input("a\n// -----\nb\nc\n  // -----  \nd", True)
    assert [(c.first_line, c.lines) for c in chunks] == [(1, ["a"]), (3, ["b", "c"]), (6, ["d"])]
    assert chunks[2].text.split("\n")[5] == "d"


@pytest.mark.parametrize(
    ("data", "where", "what"),
    [
        (b"ab\ncd\xffx", (2, 3), "invalid UTF-8 byte 0xff"),
        (b"\x00", (1, 1), "a NUL byte"),
        (b"x\n\n  \xc3(", (3, 3), "invalid UTF-8 byte 0xc3"),
    ],
)
def test_decode_source_locates_bad_bytes(data: bytes, where: tuple[int, int], what: str) -> None:
    with pytest.raises(DiagnosticError) as info:
        decode_source(data, "in.mlir")
    d = info.value.diagnostic
    assert (d.line, d.col) == where and what in d.message
    assert decode_source("héllo".encode(), "x") == "héllo"


def test_located_parser_and_innermost_verification() -> None:
    from pyhip_mlir.dialects.cdna import make_context

    module = LocatedParser(make_context(), KERNEL, "k.mlir").parse_module()
    locs = [(op.name, op.location.line.data, op.location.column.data) for op in module.walk()]  # type: ignore[attr-defined]
    assert locs[1:] == [
        ("cdna.kernel", 1, 1),
        ("cdna.v_add_u32", 3, 3),
        ("cdna.v_add_u32", 4, 3),
        ("cdna.s_endpgm", 5, 3),
    ]
    engine = DiagnosticEngine(collect=True)
    assert verify_module(module, engine) == 1
    (d,) = engine.diagnostics
    assert (d.file, d.line, d.col) == ("k.mlir", 4, 3)
    assert d.message.startswith("'cdna.v_add_u32' op ")
