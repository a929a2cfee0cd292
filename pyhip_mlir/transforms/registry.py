"""The one pass registry: what the JIT and ``pyhip-opt`` can run, by name.

Adding a pass is one line in :data:`PASSES` (name -> module and class). Nothing is
imported until a pass is used. :func:`parse_pipeline` turns a textual pipeline (MLIR's
``builtin.module(cse,dce{opt=1})`` or xDSL's ``cse,dce``) into pass instances and
raises :class:`PipelineError` (with the column of the problem) on a bad spec.

Pass statistics: a pass reports counters through :func:`stats`::

    stats(self).add("copies-inserted", n, "Copies the allocator had to insert")

The driver collects them (``--mlir-pass-statistics``); the JIT may print them too.
Outside a collection (:func:`collect_statistics`) the counters go to a throw-away object.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xdsl.passes import ModulePass

# name -> (module, class). Keep sorted by name; one line per pass.
PASSES: dict[str, tuple[str, str]] = {
    "a2v": ("pyhip_mlir.transforms.a2v", "A2VPass"),
    "break-down-gprs": ("pyhip_mlir.transforms.break_down_gprs", "BreakDownGprsPass"),
    "canonicalize": ("xdsl.transforms.canonicalize", "CanonicalizePass"),
    "cse": ("pyhip_mlir.transforms.cse", "CSEPass"),
    "dce": ("xdsl.transforms.dead_code_elimination", "DeadCodeElimination"),
    "dse": ("pyhip_mlir.transforms.dse", "DSEPass"),
    "hide-dependency": ("pyhip_mlir.transforms.hide_dependency", "HideDependencyPass"),
    "hide-karg-loads": ("pyhip_mlir.transforms.hide_karg_loads", "HideKargLoadsPass"),
    "insert-nop": ("pyhip_mlir.transforms.insert_nop", "InsertNopPass"),
    "insert-waitcnt": ("pyhip_mlir.transforms.insert_waitcnt", "InsertWaitcntPass"),
    "lower-structured": ("pyhip_mlir.transforms.lower_structured", "LowerStructuredPass"),
    "regalloc-linear-scan": ("pyhip_mlir.transforms.regalloc_linear_scan", "RegallocLinearScan"),
    "remove-dead-bb": ("pyhip_mlir.transforms.remove_dead_bb", "RemoveDeadBBPass"),
    "verify-isa": ("pyhip_mlir.transforms.verify_isa", "VerifyIsaPass"),
    "verify-waitcnt": ("pyhip_mlir.transforms.verify_waitcnt", "VerifyWaitcntPass"),
}

# The JIT's pipeline, in order (``pyhip-opt -p default`` is not a thing: spell it out, or
# use :func:`default_pipeline`). Each entry can be dropped by name (``disable=``).
DEFAULT_PIPELINE: tuple[str, ...] = (
    "remove-dead-bb",
    "a2v",
    "cse",
    "dce",
    "dse",
    "break-down-gprs",
    "hide-karg-loads",
    "hide-dependency",
    "verify-waitcnt",
    "regalloc-linear-scan",
    "lower-structured",
    "insert-nop",
)


def default_pipeline(disable: tuple[str, ...] | frozenset[str] = ()) -> str:
    """The default pipeline as a spec string, without the passes named in ``disable``."""
    unknown = set(disable) - set(DEFAULT_PIPELINE)
    if unknown:
        raise PipelineError(f"cannot disable {', '.join(sorted(unknown))}: not in the default "
                            f"pipeline ({', '.join(DEFAULT_PIPELINE)})")
    return ",".join(p for p in DEFAULT_PIPELINE if p not in disable)


# One-line descriptions of passes whose classes have no docstring of their own.
DESCRIPTIONS: dict[str, str] = {
    "break-down-gprs": ("pyhip_mlir.transforms.break_down_gprs", "BreakDownGprsPass"),
    "canonicalize": "Apply canonicalization patterns and fold constants (xDSL).",
    "dce": "Delete ops whose results are unused and that have no side effects (xDSL).",
}

# Passes whose op-count change is reported automatically as the "ops-removed" statistic.
COUNT_OPS_REMOVED = frozenset({"canonicalize", "cse", "dce"})


def _factory(module: str, cls: str) -> Callable[[], type[ModulePass]]:
    def load() -> type[ModulePass]:
        return getattr(importlib.import_module(module), cls)

    return load


def get_all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Every registered pass: name -> a function returning its class (lazy import)."""
    return {name: _factory(mod, cls) for name, (mod, cls) in PASSES.items()}


def pass_description(name: str) -> str:
    """The one-line description of a registered pass (for ``--help``)."""
    if name in DESCRIPTIONS:
        return DESCRIPTIONS[name]
    cls = get_all_passes()[name]()
    doc = (cls.__doc__ or "").strip()
    return doc.splitlines()[0] if doc else ""


# --- pipelines ----------------------------------------------------------------------


class PipelineError(ValueError):
    """A bad pipeline spec; ``column`` is 1-based within the spec text."""

    def __init__(self, message: str, column: int = 1):
        super().__init__(message)
        self.message = message
        self.column = column


ANCHORS = ("builtin.module", "any")


def strip_anchor(spec: str) -> tuple[str, int]:
    """``builtin.module(a,b)`` -> (``a,b``, offset of ``a`` in ``spec``); else unchanged."""
    text = spec.strip()
    lead = len(spec) - len(spec.lstrip())
    for anchor in ANCHORS:
        if text.startswith(anchor) and text[len(anchor) :].lstrip().startswith("("):
            open_at = spec.index("(", lead + len(anchor))
            if not text.endswith(")"):
                raise PipelineError(
                    f"'{anchor}(' is not closed: expected ')' at the end of the pipeline",
                    len(spec.rstrip()) + 1,
                )
            inner = spec[open_at + 1 : len(spec.rstrip()) - 1]
            if "(" in inner:
                raise PipelineError("nested pass pipelines are not supported", open_at + 2)
            return inner, open_at + 1
    return spec, 0


def parse_pipeline(
    spec: str, available: dict[str, Callable[[], type[ModulePass]]] | None = None
) -> list[ModulePass]:
    """Pass instances for ``spec``; raises :class:`PipelineError` on any problem."""
    from xdsl.utils.arg_spec import parse_pipeline as xdsl_parse_pipeline

    available = get_all_passes() if available is None else available
    inner, offset = strip_anchor(spec)
    try:
        specs = list(xdsl_parse_pipeline(inner))
    except BaseException as e:  # xDSL's ArgSpecParseError derives from BaseException
        if type(e).__name__ != "ArgSpecParseError":
            raise
        raise _from_arg_spec_error(e, offset) from None
    passes: list[ModulePass] = []
    search_from = 0
    for s in specs:
        at = inner.find(s.name, search_from)
        search_from = max(at, 0) + len(s.name)
        col = offset + max(at, 0) + 1
        if s.name not in available:
            known = ", ".join(sorted(available))
            raise PipelineError(f"unknown pass '{s.name}'; known passes: {known}", col)
        try:
            passes.append(available[s.name]().from_pass_spec(s))
        except (ValueError, TypeError) as e:
            raise PipelineError(f"bad options for pass '{s.name}': {e}", col) from None
    return passes


def _from_arg_spec_error(e: BaseException, offset: int) -> PipelineError:
    """Turn xDSL's caret-drawing message into (message, column)."""
    lines = str(e).splitlines()
    col = 1
    message = lines[-1].strip() if lines else "bad pass pipeline"
    for line in lines:
        if line.startswith("pass-pipeline:"):
            parts = line.split(":")
            if len(parts) >= 3 and parts[2].strip().isdigit():
                col = int(parts[2])
    return PipelineError(f"bad pass pipeline: {message[:1].lower() + message[1:]}", offset + col)


# --- statistics -----------------------------------------------------------------------


@dataclass
class PassStatistics:
    """Named counters one pass run reports (``add`` accumulates)."""

    pass_name: str
    counters: dict[str, int] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)

    def add(self, counter: str, n: int = 1, description: str = "") -> None:
        self.counters[counter] = self.counters.get(counter, 0) + n
        if description:
            self.descriptions.setdefault(counter, description)

    def maximum(self, counter: str, n: int, description: str = "") -> None:
        """Keep the largest value reported (register counts over several kernels)."""
        self.counters[counter] = max(self.counters.get(counter, n), n)
        if description:
            self.descriptions.setdefault(counter, description)


@dataclass
class StatisticsCollector:
    """All pass statistics of one run, in pipeline order (same pass name merged)."""

    by_pass: dict[str, PassStatistics] = field(default_factory=dict)
    current: PassStatistics | None = None

    def for_pass(self, name: str) -> PassStatistics:
        if name not in self.by_pass:
            self.by_pass[name] = PassStatistics(name)
        return self.by_pass[name]

    def report(self) -> str:
        """MLIR-style ``Pass statistics report``."""
        bar = "===" + "-" * 73 + "==="
        lines = [bar, " " * 26 + "... Pass statistics report ...", bar]
        for name, st in self.by_pass.items():
            lines.append(name)
            width = max((len(str(v)) for v in st.counters.values()), default=1)
            for counter, value in st.counters.items():
                desc = st.descriptions.get(counter, "")
                lines.append(f"  (S) {value:>{width}} {counter}" + (f" - {desc}" if desc else ""))
        return "\n".join(lines) + "\n"


_COLLECTOR: ContextVar[StatisticsCollector | None] = ContextVar("pyhip_stats", default=None)


@contextlib.contextmanager
def collect_statistics(collector: StatisticsCollector) -> Iterator[StatisticsCollector]:
    """Route :func:`stats` calls made inside the block to ``collector``."""
    token = _COLLECTOR.set(collector)
    try:
        yield collector
    finally:
        _COLLECTOR.reset(token)


@contextlib.contextmanager
def running_pass(name: str) -> Iterator[PassStatistics | None]:
    """Mark ``name`` as the pass whose :func:`stats` calls are being collected."""
    collector = _COLLECTOR.get()
    if collector is None:
        yield None
        return
    previous = collector.current
    collector.current = collector.for_pass(name)
    try:
        yield collector.current
    finally:
        collector.current = previous


def stats(pass_: ModulePass | str) -> PassStatistics:
    """The statistics object ``pass_`` should report into right now."""
    name = pass_ if isinstance(pass_, str) else pass_.name
    collector = _COLLECTOR.get()
    if collector is None:
        return PassStatistics(name)
    if collector.current is not None and collector.current.pass_name == name:
        return collector.current
    return collector.for_pass(name)
