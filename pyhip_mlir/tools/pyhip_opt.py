"""``pyhip-opt``: read cdna IR (or AMDGPU assembly), run passes, print IR or assembly.

Built on xDSL's ``xDSLOptMain``: its argument set, pass-spec syntax and MLIR target are
reused; input handling, the pipeline runner and error reporting are replaced so that
every user error is one located diagnostic (``file:line:col: error: ...``) on stderr
and exit status 1, never a traceback. Internal errors (bugs) exit with status 2 and say so.

    pyhip-opt in.mlir --pass-pipeline='builtin.module(cse,dce)'
    pyhip-opt in.mlir -p cse,dce -t 'asm{arch=gfx942}' -o out.s
    pyhip-opt --import-asm kernel.s --arch=gfx942
    pyhip-opt --split-input-file --verify-diagnostics errors.mlir
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from io import StringIO
from typing import IO, NoReturn, TextIO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.printer import Printer
from xdsl.utils.arg_spec import parse_spec
from xdsl.utils.exceptions import DiagnosticException, ParseError
from xdsl.utils.target import Target
from xdsl.xdsl_opt_main import xDSLOptMain

from pyhip_mlir.diagnostics import (
    Diagnostic,
    DiagnosticEngine,
    DiagnosticError,
    LocatedParser,
    OpError,
    ReportedError,
    SplitChunk,
    count_ops,
    decode_source,
    diagnostic_at,
    diagnostic_from_text,
    parse_error_diagnostic,
    split_input,
    using_engine,
    verify_module,
)
from pyhip_mlir.tools.expected_diagnostics import check_expected, collect_expected
from pyhip_mlir.transforms.registry import (
    COUNT_OPS_REMOVED,
    PipelineError,
    StatisticsCollector,
    collect_statistics,
    get_all_passes,
    parse_pipeline,
    pass_description,
    running_pass,
)

ASM_EXTENSIONS = ("s", "S", "asm")
EXIT_USER_ERROR = 1
EXIT_INTERNAL_ERROR = 2


@dataclasses.dataclass(frozen=True)
class AsmTarget(Target):
    """AMDGPU assembly of every kernel (registers must be allocated)."""

    name = "asm"
    arch: str | None = None

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        from pyhip_mlir.codegen.asm_printer import print_module_asm

        print_module_asm(module, output, arch=self.arch)


TARGET_DESCRIPTIONS = {
    "mlir": "cdna IR text (default; --print-op-generic for the generic form)",
    "asm": "AMDGPU assembly: asm{arch=gfx942}; without arch, each kernel's own arch",
}


class UsageError(Exception):
    """A bad command line; the diagnostic is ready to print."""

    def __init__(self, diagnostic: Diagnostic, snippet: str = ""):
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic
        self.snippet = snippet


def _spec_error(what: str, text: str, e: BaseException) -> UsageError:
    """A UsageError from xDSL's ArgSpecParseError (a BaseException with a caret drawing)."""
    lines = str(e).splitlines()
    col = 1
    for line in lines:
        parts = line.split(":")
        if line.startswith("pass-pipeline:") and len(parts) >= 3 and parts[2].isdigit():
            col = int(parts[2])
    msg = lines[-1].strip() if lines else "syntax error"
    return UsageError(Diagnostic("error", f"bad {what}: {msg}", f"<{what}>", 1, col), text)


class PyhipOptMain(xDSLOptMain):
    """xDSLOptMain with the cdna context, the project's pass registry and diagnostics."""

    version_format = "pyhip-opt (pyhip_mlir) built on xDSL {xdsl_version}"

    passes: list[ModulePass]

    def __init__(
        self,
        args: Sequence[str] | None = None,
        *,
        stdin: IO[bytes] | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
    ):
        self.stdin = stdin if stdin is not None else sys.stdin.buffer
        self.stdout = stdout if stdout is not None else sys.stdout
        self.stderr = stderr if stderr is not None else sys.stderr
        self.engine = DiagnosticEngine(self.stderr)
        self.passes = []
        self.timings: dict[str, float] = {}
        self.statistics = StatisticsCollector()
        try:
            super().__init__(description="pyhip_mlir modular optimizer driver", args=args)
        except BaseException as e:  # xDSL checks -t with parse_spec: ArgSpecParseError
            if type(e).__name__ != "ArgSpecParseError":
                raise
            raise _spec_error("target", self.args.target, e) from None

    # --- registration (xDSLOptMain hooks) ----------------------------------------------

    def register_all_dialects(self) -> None:
        from pyhip_mlir.dialects.cdna import make_context

        self.ctx = make_context()

    def register_all_frontends(self) -> None:
        self.available_frontends["mlir"] = lambda io: self.parse_text(io.read().decode(), False)
        self.available_frontends["asm"] = lambda io: self.parse_text(io.read().decode(), True)

    def register_all_passes(self) -> None:
        for name, factory in get_all_passes().items():
            self.register_pass(name, factory)

    def register_all_targets(self) -> None:
        from xdsl.targets.mlir import MLIRTarget

        self.available_targets["mlir"] = lambda: MLIRTarget
        self.available_targets["asm"] = lambda: AsmTarget

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser) -> None:
        super().register_all_arguments(arg_parser)
        arg_parser.prog = "pyhip-opt"
        arg_parser.error = self._argparse_error  # type: ignore[method-assign]
        print_help = arg_parser.print_help
        arg_parser.print_help = lambda file=None: print_help(file or self.stdout)  # type: ignore[method-assign]
        arg_parser.formatter_class = argparse.RawDescriptionHelpFormatter
        arg_parser.epilog = self._help_epilog()
        # xDSL's help for this flag describes its own behaviour (print and exit 0);
        # ours checks the `expected-error` annotations and fails on any mismatch.
        for action in arg_parser._actions:
            if "--verify-diagnostics" in action.option_strings:
                action.help = (
                    "check `// expected-error @+1 {{...}}` annotations against the "
                    "diagnostics produced; exit 1 on any missing or unexpected one"
                )
        add = arg_parser.add_argument
        add("--pass-pipeline", default=None, help="MLIR-style pipeline: 'builtin.module(cse,dce)'")
        add("--import-asm", action="store_true", help="read the input as AMDGPU assembly")
        add("--arch", default=None, help="gfx90a | gfx942 | gfx950: for --import-asm and -t asm")
        add(
            "--print-ir-after-all",
            action="store_true",
            help="print the IR after every pass (stderr)",
        )
        add(
            "--print-ir-after",
            action="append",
            default=[],
            metavar="PASS",
            help="print the IR after the named pass (repeatable, or comma-separated)",
        )
        add("--print-ir-before-all", action="store_true", help="print the IR before every pass")
        add("--mlir-timing", action="store_true", help="print per-pass wall times (stderr)")
        add("--mlir-pass-statistics", action="store_true", help="print pass statistics (stderr)")  # fmt: skip

    def _help_epilog(self) -> str:
        width = max(len(n) for n in self.available_passes)
        lines = ["passes:"]
        for name in sorted(self.available_passes):
            lines.append(f"  {name:<{width}}  {pass_description(name)}")
        lines.append("targets (-t):")
        for name in self.available_targets:
            lines.append(f"  {name:<{width}}  {TARGET_DESCRIPTIONS.get(name, '')}")
        return "\n".join(lines)

    def _argparse_error(self, message: str) -> NoReturn:
        self.stderr.write(f"pyhip-opt: error: {message}\n")
        self.stderr.write("pyhip-opt: see 'pyhip-opt --help'\n")
        raise SystemExit(EXIT_USER_ERROR)

    def setup_pipeline(self) -> None:
        """Parse ``--pass-pipeline``/``-p`` and check the other options (UsageError)."""
        a = self.args
        if a.pass_pipeline is not None and a.passes:
            raise UsageError(Diagnostic("error", "give --pass-pipeline or -p, not both", "<command-line>"))  # fmt: skip
        spec = a.pass_pipeline if a.pass_pipeline is not None else a.passes
        what = "pass-pipeline"
        try:
            self.passes = parse_pipeline(spec, self.available_passes)
        except PipelineError as e:
            raise UsageError(
                Diagnostic("error", e.message, f"<{what}>", 1, e.column), spec
            ) from None
        self.print_after = {n.strip() for item in a.print_ir_after for n in item.split(",") if n.strip()}  # fmt: skip
        unknown = sorted(self.print_after - set(self.available_passes))
        if unknown:
            known = ", ".join(sorted(self.available_passes))
            raise UsageError(Diagnostic(
                "error", f"--print-ir-after: unknown pass '{unknown[0]}'; known passes: {known}",
                "<command-line>"))  # fmt: skip
        if a.arch is not None:
            self.check_arch(a.arch)
        self.target = self.make_target(a.target)

    def check_arch(self, arch: str, target_text: str | None = None) -> str:
        """The normalized ``arch``; a UsageError in ``--arch`` or the target spec."""
        from pyhip_mlir.dialects.isa.table import normalize_arch

        try:
            return normalize_arch(arch)
        except ValueError as e:
            if target_text is None:
                raise UsageError(Diagnostic("error", f"--arch={arch}: {e}", "<command-line>")) from None  # fmt: skip
            col = max(target_text.find(arch), 0) + 1
            raise UsageError(Diagnostic("error", str(e), "<target>", 1, col), target_text) from None  # fmt: skip

    def make_target(self, text: str) -> Target:
        try:
            spec = parse_spec(text)
        except BaseException as e:  # ArgSpecParseError is a BaseException
            if type(e).__name__ != "ArgSpecParseError":
                raise
            raise _spec_error("target", text, e) from None
        if spec.name not in self.available_targets:
            raise UsageError(Diagnostic(
                "error", f"unknown target '{spec.name}'; targets: {', '.join(self.available_targets)}",
                "<target>", 1, 1), text)  # fmt: skip
        try:
            target = self.available_targets[spec.name]().from_spec(spec)  # type: ignore[call-arg,union-attr]
        except (ValueError, TypeError) as e:
            raise UsageError(Diagnostic("error", f"bad target options: {e}", "<target>", 1, 1), text) from None  # fmt: skip
        if isinstance(target, AsmTarget):
            if target.arch is not None:
                target = dataclasses.replace(target, arch=self.check_arch(target.arch, text))
            elif self.args.arch is not None:
                target = dataclasses.replace(target, arch=self.check_arch(self.args.arch))
        else:
            target = dataclasses.replace(
                target,
                print_generic_format=self.args.print_op_generic,
                print_properties_as_attributes=self.args.print_no_properties,
                print_debuginfo=self.args.print_debuginfo,
                syntax_highlight=self.args.syntax_highlight,
            )
        return target

    # --- running ----------------------------------------------------------------------

    @property
    def input_name(self) -> str:
        f = self.args.input_file
        return "<stdin>" if f in (None, "-") else f

    def is_asm_input(self) -> bool:
        a = self.args
        if a.import_asm or a.frontend == "asm":
            return True
        if a.frontend is None and a.input_file not in (None, "-"):
            return a.input_file.rsplit(".", 1)[-1] in ASM_EXTENSIONS and "." in a.input_file
        return False

    def read_input(self) -> str:
        name = self.input_name
        try:
            if self.args.input_file in (None, "-"):
                data = self.stdin.read()
            else:
                with open(self.args.input_file, "rb") as f:
                    data = f.read()
        except OSError as e:
            reason = e.strerror or str(e)
            raise DiagnosticError(Diagnostic("error", f"cannot read input file: {reason}", name)) from None  # fmt: skip
        return decode_source(data, name)

    def run(self) -> int:  # type: ignore[override]
        """Process the input; returns the exit status."""
        try:
            text = self.read_input()
        except DiagnosticError as e:
            self.engine.emit(e.diagnostic)
            return EXIT_USER_ERROR
        self.engine.add_source(self.input_name, text)
        outputs: list[str] = []
        failed = False
        with collect_statistics(self.statistics):
            for chunk in split_input(text, self.args.split_input_file):
                out = self.run_chunk(chunk)
                failed |= out is None
                outputs.append(out or "")
        if self.args.mlir_timing:
            self.stderr.write(self.timing_report())
        if self.args.mlir_pass_statistics:
            self.stderr.write(self.statistics.report())
        try:
            self.write_output("// -----\n".join(outputs))
        except OSError as e:
            self.engine.emit(Diagnostic("error", f"cannot write output: {e.strerror or e}", self.args.output_file))  # fmt: skip
            return EXIT_USER_ERROR
        return EXIT_USER_ERROR if failed else 0

    def write_output(self, text: str) -> None:
        if self.args.output_file is None or self.args.output_file == "-":
            self.stdout.write(text)
            self.stdout.flush()
        else:
            with open(self.args.output_file, "w") as f:
                f.write(text)

    def run_chunk(self, chunk: SplitChunk) -> str | None:
        """One chunk: parse, verify, passes, print. None when it failed."""
        verify = self.args.verify_diagnostics
        engine = DiagnosticEngine(self.stderr, collect=verify)
        engine.sources = self.engine.sources
        result: str | None = None
        with using_engine(engine):
            try:
                result = self.compile_chunk(chunk.text, engine)
            except ReportedError:
                pass
            except DiagnosticError as e:
                engine.emit(e.diagnostic)
            except ParseError as e:
                engine.emit(parse_error_diagnostic(e))
            except OpError as e:
                engine.emit(diagnostic_at(e.op, "error", e.message))
            except DiagnosticException as e:
                engine.emit(diagnostic_at(getattr(e, "op", None), "error", str(e)))
            except Exception as e:
                if type(e).__name__ not in ("AsmPrintError", "AsmParseError"):
                    raise
                engine.emit(self.codegen_diagnostic(e))
        if not verify:
            return result if engine.error_count == 0 else None
        expected = collect_expected(chunk.lines, chunk.first_line)
        failures = check_expected(expected, engine.diagnostics, self.input_name)
        for f in failures:
            self.engine.emit(f)
        return None if failures else (result or "")

    def codegen_diagnostic(self, e: Exception) -> Diagnostic:
        if type(e).__name__ == "AsmParseError":
            line, col = getattr(e, "line", None), getattr(e, "col", None)
            if isinstance(line, int) and isinstance(col, int):
                file = getattr(e, "filename", self.input_name)
                return Diagnostic("error", str(getattr(e, "message", e)), file, line, col)
            return diagnostic_from_text(str(e), self.input_name)
        op = getattr(e, "op", None)
        return diagnostic_at(op, "error", f"cannot print as assembly: {e}")

    def timed(self, label: str, fn: Callable[[], object]) -> object:
        t0 = time.perf_counter()
        try:
            return fn()
        finally:
            self.timings[label] = self.timings.get(label, 0.0) + time.perf_counter() - t0

    def compile_chunk(self, text: str, engine: DiagnosticEngine) -> str:
        module = self.timed("Parser", lambda: self.parse_text(text, self.is_asm_input()))
        assert isinstance(module, ModuleOp)
        if not self.args.disable_verify:
            if self.timed("Verifier", lambda: verify_module(module, engine)):
                raise ReportedError("input failed to verify")
        self.apply_passes(module)
        out = self.timed("Output", lambda: self.output_resulting_program(module))
        assert isinstance(out, str)
        return out

    def parse_text(self, text: str, asm: bool) -> ModuleOp:
        if asm:
            try:
                from pyhip_mlir.codegen.asm_parser import parse_asm
            except ImportError as e:
                raise DiagnosticError(Diagnostic("error", f"--import-asm is unavailable: {e}", self.input_name)) from None  # fmt: skip
            return parse_asm(text, self.input_name, arch=self.args.arch)
        parser = LocatedParser(self.ctx, text, self.input_name)
        return parser.parse_module(not self.args.no_implicit_module)

    def apply_passes(self, module: ModuleOp) -> None:  # type: ignore[override]
        a = self.args
        for p in self.passes:
            if a.print_ir_before_all:
                self.dump_ir(f"IR Dump Before {p.name}", module)
            before = count_ops(module) if p.name in COUNT_OPS_REMOVED else 0
            t0 = time.perf_counter()
            with running_pass(p.name) as st:
                try:
                    p.apply(self.ctx, module)
                except (ReportedError, OpError, DiagnosticError, ParseError):
                    raise
                except DiagnosticException as e:
                    raise OpError(f"pass '{p.name}' failed: {e}", getattr(e, "op", None)) from e
                except Exception as e:
                    e.add_note(f"pyhip-opt: internal error in pass '{p.name}'")
                    raise
                if st is not None and p.name in COUNT_OPS_REMOVED:
                    st.add("ops-removed", before - count_ops(module), "Operations removed")
            self.timings[p.name] = self.timings.get(p.name, 0.0) + time.perf_counter() - t0
            if a.print_ir_after_all or p.name in self.print_after:
                self.dump_ir(f"IR Dump After {p.name}", module)
            if not a.disable_verify:
                if self.timed("Verifier", lambda: verify_module(module)):
                    raise ReportedError(f"IR after pass '{p.name}' failed to verify")

    def dump_ir(self, title: str, module: ModuleOp) -> None:
        self.stderr.write(f"// -----// {title} //----- //\n")
        Printer(stream=self.stderr, print_generic_format=self.args.print_op_generic).print_op(module)  # fmt: skip
        self.stderr.write("\n\n")

    def output_resulting_program(self, prog: ModuleOp) -> str:
        out = StringIO()
        self.target.emit(self.ctx, prog, out)
        return out.getvalue()

    def timing_report(self) -> str:
        total = sum(self.timings.values()) or 1e-12
        bar = "===" + "-" * 73 + "==="
        lines = [bar, " " * 26 + "... Execution time report ...", bar,
                 f"  Total Execution Time: {total:.4f} seconds", "",
                 "  ----Wall Time----  ----Name----"]  # fmt: skip
        order = ["Parser", "Verifier", *[p.name for p in self.passes], "Output"]
        for label in dict.fromkeys(order):
            if label in self.timings:
                t = self.timings[label]
                lines.append(f"  {t:>8.4f} ({100 * t / total:5.1f}%)  {label}")
        lines.append(f"  {total:>8.4f} (100.0%)  Total")
        return "\n".join(lines) + "\n"


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: IO[bytes] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Entry point of the ``pyhip-opt`` console script; returns the exit status."""
    err = stderr if stderr is not None else sys.stderr
    try:
        try:
            opt = PyhipOptMain(argv, stdin=stdin, stdout=stdout, stderr=stderr)
        except UsageError as e:
            err.write(f"{e.diagnostic}\n")
            if e.snippet:
                col = e.diagnostic.col or 1
                err.write(f"{e.snippet}\n{' ' * (col - 1)}^\n")
            return EXIT_USER_ERROR
        except SystemExit as e:
            return e.code if isinstance(e.code, int) else EXIT_USER_ERROR
        return opt.run()
    except KeyboardInterrupt:
        err.write("pyhip-opt: interrupted\n")
        return 130
    except BaseException as e:  # a bug: say so, show where
        if isinstance(e, SystemExit):
            return e.code if isinstance(e.code, int) else EXIT_USER_ERROR
        err.write("pyhip-opt: internal error (a bug in pyhip_mlir, not in your input):\n")
        err.write("".join(traceback.format_exception(e)))
        err.write("pyhip-opt: internal error; please report it with the input above\n")
        return EXIT_INTERNAL_ERROR


def console_main() -> NoReturn:
    sys.exit(main())


if __name__ == "__main__":
    console_main()
