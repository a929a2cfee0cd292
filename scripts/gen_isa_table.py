#!/usr/bin/env python3
"""Generate ``pyhip_mlir/dialects/isa/data/<arch>.json`` from LLVM's AMDGPU syntax docs.

    .venv/bin/python scripts/gen_isa_table.py [--doc-dir DIR] [--extras FILE] [--arch A ...]

Source: the ``llvm-22-doc`` package (``AMDGPUAsmGFX90a.rst``, ``AMDGPUAsmGFX940.rst`` and
their operand pages; get them with ``apt-get download llvm-22-doc && dpkg -x
llvm-22-doc*.deb DIR``). gfx950 = every gfx942 instruction llvm-mc accepts for gfx950
plus ``scripts/isa_src/gfx950_extra.txt``. Facts the docs lack come from
``scripts/isa_facts.py``. Every record is then assembled with ``llvm-mc-22`` (canonical
line plus one line per modifier, see ``pyhip_mlir/dialects/isa/canonical.py``); where
llvm-mc disagrees the record is fixed and the fixup listed in the JSON and on stdout.
MFMA pass counts come from ``llvm-mca-22`` throughput; the XDL/DGEMM class of each MFMA
(``extra.xdl``/``extra.dgemm``) from its LLVM opcode and ``isa_facts.MAI_*``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import isa_facts  # noqa: E402
from isa_gen import probe  # noqa: E402
from isa_gen.build import RecordBuilder  # noqa: E402
from isa_gen.discover import discover  # noqa: E402
from isa_gen.docparse import PageCache, doc_file, parse_doc  # noqa: E402
from isa_gen.extras import normalize, parse_extras  # noqa: E402
from isa_gen.model import RawInstr  # noqa: E402
from isa_gen.verify import Record, Report, instr_of, verify  # noqa: E402

from pyhip_mlir.dialects.isa import canonical  # noqa: E402
from pyhip_mlir.dialects.isa.table import ARCHS  # noqa: E402

DEFAULT_DOC_DIRS = (
    Path("/usr/share/doc/llvm-22-doc/html/_sources/AMDGPU"),
    Path("/tmp/llvmdoc/usr/share/doc/llvm-22-doc/html/_sources/AMDGPU"),
)
DEFAULT_EXTRAS = HERE / "isa_src" / "gfx950_extra.txt"
OUT_DIR = ROOT / "pyhip_mlir" / "dialects" / "isa" / "data"
DOC_ARCH = {"gfx90a": "gfx90a", "gfx942": "gfx942", "gfx950": "gfx942"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--doc-dir", type=Path, default=None, help="AMDGPU doc _sources directory")
    p.add_argument("--extras", type=Path, default=DEFAULT_EXTRAS, help="gfx950 extras file")
    p.add_argument("--arch", action="append", choices=ARCHS, help="arch(s) to build")
    p.add_argument("--out-dir", type=Path, default=OUT_DIR)
    return p.parse_args(argv)


def find_doc_dir(arg: Path | None) -> Path:
    for cand in ([arg] if arg else []) + list(DEFAULT_DOC_DIRS):
        if cand.is_dir():
            return cand
    sys.exit("AMDGPU doc directory not found: apt-get download llvm-22-doc && dpkg -x ...")


def raw_records(doc_dir: Path, arch: str, extras: Path) -> tuple[list[RawInstr], PageCache]:
    pages = PageCache(doc_dir)
    raws = parse_doc(doc_file(doc_dir, DOC_ARCH[arch]))
    if arch == "gfx950":
        if extras.exists():
            extra_raws, extra_pages = parse_extras(extras)
            extra_raws, warnings = normalize(
                extra_raws, extra_pages, {r.mnemonic: r.section for r in raws}
            )
            for w in warnings:
                print(f"warning: {extras.name}: {w}")
            pages.extra.update(extra_pages)
            names = {r.mnemonic for r in extra_raws}
            raws = [r for r in raws if r.mnemonic not in names] + extra_raws
        else:
            print(f"warning: {extras} not found; gfx950 = gfx942 instructions llvm-mc accepts")
    return raws, pages


def build_records(raws: list[RawInstr], pages: PageCache, arch: str) -> dict[str, Record]:
    builder = RecordBuilder(pages, arch)
    records = {r.mnemonic: builder.record(r) for r in raws}
    for problem in sorted(set(builder.problems)):
        print(f"warning: {arch}: {problem}")
    return records


def add_mfma_passes(records: dict[str, Record], arch: str) -> None:
    """Fill ``mfma_passes`` of MFMA/SMFMAC (and multi-pass dot) ops from llvm-mca."""
    import re

    names = [m for m, r in records.items() if re.fullmatch(isa_facts.MCA_PROBED, r.get("base", m))]
    lines = [canonical.canonical_line(instr_of(m, records[m])) for m in names]
    for name, rthru in zip(names, probe.throughput(lines, arch), strict=True):
        if rthru is None:
            continue
        if records[name].get("latency") == "mfma" or rthru > 1:
            records[name]["mfma_passes"] = round(rthru)


def add_mai_classes(records: dict[str, Record], arch: str) -> None:
    """``extra.dgemm`` / ``extra.xdl`` of MFMA/SMFMAC records: LLVM's isDGEMM and isXDL for
    ``arch`` from their ``llvm_opcode`` (tables ``MAI_*`` in ``scripts/isa_facts.py``)."""
    import re

    for name, rec in records.items():
        if rec.get("latency") != "mfma":
            continue
        opcode = rec.get("llvm_opcode", "")
        if re.fullmatch(isa_facts.MAI_DGEMM, opcode):
            rec.setdefault("extra", {})["dgemm"] = True
            continue
        if arch == "gfx90a":
            xdl = True  # isXDL without gfx940 instructions: every non-DGEMM MFMA
        elif re.fullmatch(isa_facts.MAI_GFX940_XDL, opcode):
            xdl = True
        elif re.fullmatch(isa_facts.MAI_GFX940_NOT_XDL, opcode):
            xdl = False
        else:
            sys.exit(f"{arch} {name}: MFMA opcode {opcode!r} not classified in isa_facts.MAI_*")
        if xdl:
            rec.setdefault("extra", {})["xdl"] = True


def strip_private(records: dict[str, Record]) -> None:
    """Drop generator-internal ``extra`` keys (``_guessed``, ``_tried``)."""
    for rec in records.values():
        extra = rec.get("extra")
        if extra is None:
            continue
        for key in [k for k in extra if k.startswith("_")]:
            del extra[key]
        if not extra:
            del rec["extra"]


def write_json(path: Path, arch: str, records: dict[str, Record], report: Report) -> None:
    meta: dict[str, Any] = {
        "arch": arch,
        "source": f"LLVM AMDGPU syntax docs ({'AMDGPUAsmGFX90a' if arch == 'gfx90a' else 'AMDGPUAsmGFX940'}"
        f"{' + scripts/isa_src/gfx950_extra.txt' if arch == 'gfx950' else ''}) checked with llvm-mc",
        "llvm_version": probe.tool_version(),
        "fixups": sorted(report.fixups),
        "dropped": sorted(report.dropped),
    }
    lines = ["{"]
    for key in sorted(meta):
        lines.append(f"{json.dumps(key)}: {json.dumps(meta[key])},")
    lines.append('"instructions": {')
    items = sorted(records.items())
    for i, (mnemonic, rec) in enumerate(items):
        sep = "," if i + 1 < len(items) else ""
        lines.append(f"{json.dumps(mnemonic)}: {json.dumps(rec, sort_keys=True)}{sep}")
    lines.append("}")
    lines.append("}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def build_arch(arch: str, doc_dir: Path, extras: Path, out_dir: Path) -> None:
    raws, pages = raw_records(doc_dir, arch, extras)
    records = build_records(raws, pages, arch)
    report = verify(records, arch, discover)
    add_mfma_passes(records, arch)
    add_mai_classes(records, arch)
    strip_private(records)
    write_json(out_dir / f"{arch}.json", arch, records, report)
    print(
        f"{arch}: {len(records)} instructions, {len(report.fixups)} fixups, "
        f"{len(report.dropped)} dropped, {len(report.errors) - len(report.dropped)} unresolved; "
        "added by probing: " + ", ".join(f"{n} {k}" for k, n in report.added.items())
    )
    for line in report.fixups:
        print(f"  fixup: {line}")
    for mnemonic in report.dropped:
        print(f"  dropped: {arch} {mnemonic}: {report.errors[mnemonic]}")
    for mnemonic, err in report.errors.items():
        if mnemonic not in report.dropped:
            print(f"  UNRESOLVED: {arch} {mnemonic}: {err}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    doc_dir = find_doc_dir(args.doc_dir)
    for arch in args.arch or ARCHS:
        build_arch(arch, doc_dir, args.extras, args.out_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
