"""Assembly -> LLVM MIR, so LLVM's own hazard recognizer and waitcnt inserter can judge
our output (issue 7; ISA_NOTES.md, "LLVM is the oracle").

The translation leans on LLVM for every fact it can:

- ``llvm-mc-22 -show-inst`` turns each printed instruction into its MC opcode
  (``V_ADD_U32_e32_gfx9``) and MC operand list (registers by name, immediates as
  encoded). A MachineInstr of the matching pseudo has the same explicit operands in
  the same order, so the MIR line is the operand list with the first ``defs`` of them
  written before ``=``.
- The pseudo's name is the MC name without its encoding suffix (``_gfx9``, ``_vi``,
  ``_gfx940``...); MFMAs name their accumulator kind instead (``_acd`` -> ``_e64``,
  ``_vcd`` -> ``_vgprcd_e64``).
- What the MIR parser and the machine verifier require beyond that (implicit
  operands such as ``implicit $exec``, and how many leading operands are defs) is
  learned from ``llc-22 -verify-machineinstrs`` itself, one opcode at a time, once per
  process (a ``dialects/isa/data/mir_<arch>.json`` with the same entries, if present,
  is read first).

Branch targets become ``%bb.N``; labels start blocks (the MIR parser infers
successors from branches and fall-through).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "dialects" / "isa" / "data"
_SUFFIX = re.compile(r"_(gfx\d+|vi|si|gfx9)(_(acd|vcd))?$")
_MC_INST = re.compile(r";\s*<MCInst #\d+ (\w+)")
_MC_OPERAND = re.compile(r";\s*<MCOperand (Reg|Imm|Expr|FPImm):([^>]*)>")
_BRANCHES = ("S_BRANCH", "S_CBRANCH")
_MISSING = re.compile(r"missing implicit register operand '([^']+)'")


class MirError(RuntimeError):
    """A program LLVM's tools cannot take (the tool's message is included)."""


def tool(name: str) -> str:
    for cand in (f"{name}-22", name):
        found = shutil.which(cand)
        if found:
            return found
    raise MirError(f"{name}-22 not found: apt-get install llvm-22")


@dataclass
class McInst:
    """One instruction as llvm-mc sees it."""

    text: str
    opcode: str  # MC opcode, e.g. V_ADD_U32_e32_gfx9
    operands: list[tuple[str, str]] = field(default_factory=list)  # (kind, value)


@dataclass
class McLabel:
    name: str


def show_inst(lines: list[str], arch: str) -> list[McInst | McLabel]:
    """Run ``llvm-mc -show-inst`` once over ``lines`` (instructions and labels)."""
    src = "\n".join(lines) + "\n"
    proc = subprocess.run([tool("llvm-mc"), "-triple=amdgcn-amd-amdhsa", f"-mcpu={arch}",
                           "-show-inst"], input=src, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise MirError(f"llvm-mc rejected the program:\n{proc.stderr.strip()}")
    out: list[McInst | McLabel] = []
    for raw in proc.stdout.splitlines():
        line = raw.strip()
        if not line or line.startswith((".", ";")) and "MCOperand" not in line:
            if re.fullmatch(r"[.\w$]+:", line):
                out.append(McLabel(line[:-1]))
            continue
        if re.fullmatch(r"[.\w$]+:", line):
            out.append(McLabel(line[:-1]))
            continue
        m = _MC_INST.search(line)
        if m:
            out.append(McInst(line.split(";")[0].strip(), m.group(1)))
        for k, v in _MC_OPERAND.findall(line):
            cur = out[-1]
            assert isinstance(cur, McInst)
            cur.operands.append((k, v.strip()))
    return out


def mir_opcode(mc: str) -> str:
    m = _SUFFIX.search(mc)
    if m is None:
        return mc
    base = mc[: m.start()]
    if m.group(3) == "acd":
        return base + "_e64"
    if m.group(3) == "vcd":
        return base + "_vgprcd_e64"
    return base


def mir_register(mc_name: str) -> str:
    """``VGPR0_VGPR1`` -> ``$vgpr0_vgpr1``; ``VCC`` -> ``$vcc``; ``M0_gfxpre11`` ->
    ``$m0`` (MC's per-generation register variants share the MIR name)."""
    return "$" + re.sub(r"_gfx(pre)?\d+(plus)?$", "", mc_name).lower()


@cache
def _table(arch: str) -> dict[str, dict[str, object]]:
    path = DATA / f"mir_{arch}.json"
    if not path.exists():
        return {}
    return dict(json.loads(path.read_text()))


_learned: dict[tuple[str, str], dict[str, object]] = {}


def opcode_info(inst: McInst, arch: str, learn: bool = True) -> dict[str, object]:
    """``{"mir", "defs", "implicit"}`` for an MC opcode: the checked-in table, else
    learned from llc now (``learn``)."""
    hit = _table(arch).get(inst.opcode) or _learned.get((arch, inst.opcode))
    if hit is not None:
        return hit
    if not learn:
        raise MirError(f"{inst.opcode} ({inst.text}) is not in mir_{arch}.json and "
                       "learning from llc is off")
    info = learn_opcode(inst, arch)
    _learned[(arch, inst.opcode)] = info
    return info


def _operand_text(kind: str, value: str, labels: dict[str, int]) -> str:
    if kind == "Reg":
        return mir_register(value) if value not in ("", "NoRegister") else "$noreg"
    if kind == "Expr":
        name = value.strip("()")
        if name in labels:
            return f"%bb.{labels[name]}"
        raise MirError(f"expression operand {value} is not a label of the program")
    if kind == "FPImm":
        return value
    return str(int(value))


def inst_line(inst: McInst, info: dict[str, object], labels: dict[str, int]) -> str:
    ops = [_operand_text(k, v, labels) for k, v in inst.operands]
    defs = int(info["defs"])  # type: ignore[call-overload]
    implicit = [str(x) for x in info.get("implicit", [])]  # type: ignore[union-attr]
    head = f"{', '.join(ops[:defs])} = " if defs else ""
    rest = ops[defs:] + implicit
    return f"{head}{info['mir']}{(' ' + ', '.join(rest)) if rest else ''}"


def to_mir(items: list[McInst | McLabel], arch: str, name: str = "prog",
           learn: bool = True) -> str:
    """A MIR file with one function ``name`` whose blocks are the program's: one per
    label, and one after every branch (MIR blocks end at their first terminator)."""
    starts: list[bool] = []  # does item i begin a new block
    for i, it in enumerate(items):
        prev = items[i - 1] if i > 0 else None
        after_branch = isinstance(prev, McInst) and prev.opcode.startswith(_BRANCHES)
        new = i > 0 and (isinstance(it, McLabel) or after_branch)
        if isinstance(it, McLabel) and isinstance(prev, McLabel):
            new = False  # two labels on one block
        starts.append(new)
    labels: dict[str, int] = {}
    n = 0
    for it, new in zip(items, starts, strict=True):
        n += new
        if isinstance(it, McLabel):
            labels[it.name] = n
    body: list[str] = ["  bb.0:"]
    bb = 0
    for it, new in zip(items, starts, strict=True):
        if new:
            bb += 1
            body.append(f"  bb.{bb}:")
        if isinstance(it, McInst):
            body.append("    " + inst_line(it, opcode_info(it, arch, learn), labels))
    return ("---\n"
            f"name: {name}\n"
            "tracksRegLiveness: false\n"
            "machineFunctionInfo:\n"
            "  isEntryFunction: true\n"
            "body: |\n" + "\n".join(body) + "\n...\n")


def run_llc(mir: str, arch: str, pass_name: str, verify: bool = False) -> str:
    """``llc -run-pass=pass_name`` on ``mir``; returns the output MIR body."""
    with tempfile.NamedTemporaryFile("w", suffix=".mir", delete=False) as f:
        f.write(mir)
        path = f.name
    cmd = [tool("llc"), "-mtriple=amdgcn-amd-amdhsa", f"-mcpu={arch}", f"-run-pass={pass_name}",
           "-o", "-", path]
    if verify:
        cmd.insert(1, "-verify-machineinstrs")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    Path(path).unlink(missing_ok=True)
    if proc.returncode != 0 or "Bad machine code" in proc.stderr:
        raise MirError(f"llc -run-pass={pass_name} failed:\n{proc.stderr.strip()}\n--- MIR ---\n{mir}")
    return proc.stdout


def body_lines(llc_output: str) -> list[str]:
    """The instruction lines of the (single) function's body, labels as ``bb.N:``."""
    text = llc_output.split("body:", 1)[1]
    out = []
    for raw in text.splitlines()[1:]:
        line = raw.strip()
        if line == "..." or not line:
            continue
        if line.startswith(("successors:", "liveins:")):
            continue
        out.append(line)
    return out


def learn_opcode(inst: McInst, arch: str) -> dict[str, object]:
    """Find the pseudo name, def count and implicit operands llc wants for ``inst``."""
    info: dict[str, object] = {"mir": mir_opcode(inst.opcode), "defs": 1, "implicit": []}
    if not inst.operands or inst.operands[0][0] != "Reg":
        info["defs"] = 0
    labels = {v.strip("()"): 0 for k, v in inst.operands if k == "Expr"}
    last = ""
    names = [str(info["mir"]), f"{info['mir']}_e64", f"{info['mir']}_e32"]
    for _ in range(16):
        line = inst_line(inst, info, labels)
        mir = ("---\nname: learn\ntracksRegLiveness: false\nmachineFunctionInfo:\n"
               f"  isEntryFunction: true\nbody: |\n  bb.0:\n    {line}\n    S_ENDPGM 0\n...\n")
        try:
            run_llc(mir, arch, "post-RA-hazard-rec", verify=True)
            return info
        except MirError as e:
            last = str(e)
        m = _MISSING.search(last)
        if m:
            info["implicit"] = [*info["implicit"], m.group(1)]  # type: ignore[misc]
        elif "Explicit operand marked as def" in last:
            info["defs"] = int(info["defs"]) - 1  # type: ignore[call-overload]
        elif "Explicit definition marked as use" in last:
            info["defs"] = int(info["defs"]) + 1  # type: ignore[call-overload]
        elif "unknown machine instruction name" in last and len(names) > 1:
            names.pop(0)  # the pseudo carries its encoding: V_ACCVGPR_READ_B32_e64
            info["mir"] = names[0]
        else:
            break
    raise MirError(f"cannot express {inst.text} ({inst.opcode}) in MIR:\n{last[:2000]}")
