"""Batch calls of llvm-mc (accept/reject + MC opcode per line) and llvm-mca (throughput)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ERROR_RE = re.compile(r"^[^:\n]+:(\d+):\d+: error: (.*)$", re.M)
MCINST_RE = re.compile(r"<MCInst #\d+ (\w+)")
ENCODING_RE = re.compile(r"; encoding: \[([^\]]*)\]")
SUBTARGET_SUFFIX_RE = re.compile(r"(_(gfx\d+[a-z0-9]*|vi|si|ci))+(_[av]cd)?$")


def tool(name: str) -> str:
    for cand in (f"{name}-22", name):
        path = shutil.which(cand)
        if path:
            return path
    raise FileNotFoundError(f"{name}-22 not found on PATH")


def tool_version(name: str = "llvm-mc") -> str:
    out = subprocess.run([tool(name), "--version"], capture_output=True, text=True).stdout
    m = re.search(r"LLVM version (\S+)", out)
    return m.group(1) if m else "unknown"


@dataclass
class LineResult:
    ok: bool
    error: str = ""
    opcode: str | None = None
    encoding: str | None = None  # llvm-mc's bytes, e.g. "0xf9,0x02,..."


def strip_subtarget(opcode: str) -> str:
    """``V_ADD_U32_e32_gfx9`` -> ``V_ADD_U32_e32``; ``V_FMA_F16_gfx9_gfx9`` -> ``V_FMA_F16``;
    ``V_MFMA_F32_32X32X8F16_gfx940_vcd`` -> ``V_MFMA_F32_32X32X8F16``."""
    return SUBTARGET_SUFFIX_RE.sub("", opcode)


def assemble(lines: list[str], arch: str, prelude: str = "") -> list[LineResult]:
    """Assemble ``lines`` in one llvm-mc run; one result per line."""
    head = [prelude] if prelude else []
    text = "\n".join(head + lines) + "\n"
    with tempfile.NamedTemporaryFile("w", suffix=".s", delete=False) as f:
        f.write(text)
        path = Path(f.name)
    try:
        proc = subprocess.run(
            [
                tool("llvm-mc"),
                "-arch=amdgcn",
                f"-mcpu={arch}",
                "-show-encoding",
                "-show-inst",
                str(path),
            ],
            capture_output=True,
            text=True,
        )
    finally:
        path.unlink()
    offset = len(head) + 1
    errors: dict[int, str] = {}
    for m in ERROR_RE.finditer(proc.stderr):
        errors.setdefault(int(m.group(1)) - offset, m.group(2))
    opcodes = MCINST_RE.findall(proc.stdout)
    encodings = ENCODING_RE.findall(proc.stdout)
    results = [LineResult(i not in errors, errors.get(i, "")) for i in range(len(lines))]
    ok = [r for r in results if r.ok]
    if len(ok) == len(opcodes):
        for r, op in zip(ok, opcodes, strict=True):
            r.opcode = strip_subtarget(op)
    if len(ok) == len(encodings):
        for r, enc in zip(ok, encodings, strict=True):
            r.encoding = enc
    return results


def throughput(lines: list[str], arch: str) -> list[float | None]:
    """llvm-mca reciprocal throughput of each (valid) line, in one run."""
    if not lines:
        return []
    with tempfile.NamedTemporaryFile("w", suffix=".s", delete=False) as f:
        f.write("\n".join(lines) + "\n")
        path = Path(f.name)
    try:
        proc = subprocess.run(
            [
                tool("llvm-mca"),
                "-mtriple=amdgcn-amd-amdhsa",
                f"-mcpu={arch}",
                "-iterations=1",
                "-resource-pressure=0",
                str(path),
            ],
            capture_output=True,
            text=True,
        )
    finally:
        path.unlink()
    rows = re.findall(r"^\s*\d+\s+(\d+)\s+(\d+\.\d+)\s", proc.stdout, re.M)
    if len(rows) != len(lines):
        return [None] * len(lines)
    return [float(r[1]) for r in rows]
