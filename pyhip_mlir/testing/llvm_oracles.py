"""Differential checks of ``insert-nop`` against LLVM's hazard recognizer
(``llc -run-pass=post-RA-hazard-rec``) on random straight-line programs.

A program is a list of assembly lines drawn from templates over a small register
pool, so dependencies are frequent. For each program:

- **ours**: the lines are read into cdna IR (``parse_asm``), ``insert-nop`` runs, and
  the result is printed;
- **sufficient**: ours, exported to MIR, goes through LLVM's recognizer, which must add
  no ``S_NOP``;
- **not wasteful**: the program without our nops goes through LLVM's recognizer; the
  wait states LLVM adds are compared with ours (equal, ours fewer, ours more).

Many programs share one ``llvm-mc`` and one ``llc`` run: each program is one MIR
function.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pyhip_mlir.testing.llvm_mir import McInst, McLabel, run_llc, show_inst, to_mir

Template = Callable[[random.Random], str]
_NOP = re.compile(r"^S_NOP (\d+)")
_OUR_NOP = re.compile(r"^s_nop (\d+)")


def _v(r: random.Random) -> str:
    return f"v{r.randrange(8)}"


def _v2(r: random.Random) -> str:
    k = r.randrange(4) * 2
    return f"v[{k}:{k + 1}]"


def _s(r: random.Random) -> str:
    return f"s{r.randrange(2, 8)}"


def _s2(r: random.Random) -> str:
    k = r.choice((2, 4, 6))
    return f"s[{k}:{k + 1}]"


def _a(r: random.Random) -> str:
    return f"a{r.randrange(16)}"


def _v4(r: random.Random) -> str:
    k = r.randrange(2) * 4
    return f"v[{k}:{k + 3}]"


def _v3(r: random.Random) -> str:
    k = r.randrange(3) * 2
    return f"v[{k}:{k + 2}]"


HAZARD_TEMPLATES: dict[str, Template] = {
    "v_add_u32": lambda r: f"v_add_u32 {_v(r)}, {_v(r)}, {_v(r)}",
    "v_fma_f32": lambda r: f"v_fma_f32 {_v(r)}, {_v(r)}, {_v(r)}, {_v(r)}",
    "v_add_f32_sgpr": lambda r: f"v_add_f32_e64 {_v(r)}, {_s(r)}, {_v(r)}",
    "v_add_co_u32": lambda r: f"v_add_co_u32 {_v(r)}, vcc, {_v(r)}, {_v(r)}",
    "v_cndmask_b32": lambda r: f"v_cndmask_b32 {_v(r)}, {_v(r)}, {_v(r)}, vcc",
    "v_cmp_vcc": lambda r: f"v_cmp_gt_u32 vcc, {_v(r)}, {_v(r)}",
    "v_cmp_sgpr": lambda r: f"v_cmp_eq_u32_e64 {_s2(r)}, {_v(r)}, {_v(r)}",
    "v_cmpx": lambda r: f"v_cmpx_lt_u32 exec, {_v(r)}, {_v(r)}",
    "v_readlane": lambda r: f"v_readlane_b32 {_s(r)}, {_v(r)}, {_s(r)}",
    "v_readfirstlane": lambda r: f"v_readfirstlane_b32 {_s(r)}, {_v(r)}",
    "v_writelane": lambda r: f"v_writelane_b32 {_v(r)}, {_s(r)}, {r.randrange(64)}",
    "v_mov_dpp": lambda r: f"v_mov_b32_dpp {_v(r)}, {_v(r)} quad_perm:[1,0,3,2] row_mask:0xf bank_mask:0xf",
    "v_exp_f32": lambda r: f"v_exp_f32 {_v(r)}, {_v(r)}",
    "v_rcp_f32": lambda r: f"v_rcp_f32 {_v(r)}, {_v(r)}",
    "v_div_fmas": lambda r: f"v_div_fmas_f32 {_v(r)}, {_v(r)}, {_v(r)}, {_v(r)}",
    "s_add_u32": lambda r: f"s_add_u32 {_s(r)}, {_s(r)}, {_s(r)}",
    "s_mov_m0": lambda r: f"s_mov_b32 m0, {_s(r)}",
    "s_mov_exec": lambda r: f"s_mov_b64 exec, {_s2(r)}",
    "s_setreg": lambda r: f"s_setreg_b32 hwreg(HW_REG_MODE, 0, 4), {_s(r)}",
    "s_getreg": lambda r: f"s_getreg_b32 {_s(r)}, hwreg(HW_REG_MODE, 0, 4)",
    "global_load": lambda r: f"global_load_dword {_v(r)}, {_v(r)}, s[0:1]",
    "global_store": lambda r: f"global_store_dword {_v(r)}, {_v(r)}, s[0:1]",
    "global_store_x4": lambda r: f"global_store_dwordx4 {_v2(r)}, v[4:7], off",
    "buffer_load": lambda r: f"buffer_load_dword {_v(r)}, {_v(r)}, s[8:11], {_s(r)} offen",
    "ds_read": lambda r: f"ds_read_b32 {_v(r)}, {_v(r)}",
    "ds_write": lambda r: f"ds_write_b32 {_v(r)}, {_v(r)}",
    "s_load": lambda r: f"s_load_dword {_s(r)}, s[0:1], 0x0",
    "mfma_16": lambda r: f"v_mfma_f32_16x16x16_f16 a[0:3], {_v2(r)}, {_v2(r)}, a[0:3]",
    "mfma_16_other": lambda r: f"v_mfma_f32_16x16x16_f16 a[4:7], {_v2(r)}, {_v2(r)}, a[0:3]",
    "mfma_32": lambda r: f"v_mfma_f32_32x32x8_f16 a[0:15], {_v2(r)}, {_v2(r)}, a[0:15]",
    "accvgpr_read": lambda r: f"v_accvgpr_read_b32 {_v(r)}, {_a(r)}",
    "accvgpr_write": lambda r: f"v_accvgpr_write_b32 {_a(r)}, {_v(r)}",
    "mfma_16_bf16": lambda r: f"v_mfma_f32_16x16x16_bf16 a[8:11], {_v2(r)}, {_v2(r)}, a[8:11]",
    "mfma_32_bf16": lambda r: f"v_mfma_f32_32x32x8_bf16 a[0:15], {_v2(r)}, {_v2(r)}, a[0:15]",
    "mfma_16_vgpr": lambda r: f"v_mfma_f32_16x16x16_f16 {_v4(r)}, {_v2(r)}, {_v2(r)}, {_v4(r)}",
    "s_and_saveexec": lambda r: f"s_and_saveexec_b64 {_s2(r)}, {_s2(r)}",
    "v_add_dpp": lambda r: f"v_add_f32_dpp {_v(r)}, {_v(r)}, {_v(r)} row_shr:1 row_mask:0xf bank_mask:0xf",
    "v_writelane_sgpr": lambda r: f"v_writelane_b32 {_v(r)}, {r.randrange(16)}, {_s(r)}",
    "global_load_x2": lambda r: f"global_load_dwordx2 {_v2(r)}, {_v2(r)}, off",
    "global_load_x4": lambda r: f"global_load_dwordx4 {_v4(r)}, {_v(r)}, s[0:1]",
    "global_load_ubyte": lambda r: f"global_load_ubyte {_v(r)}, {_v(r)}, s[0:1]",
    "global_store_x3": lambda r: f"global_store_dwordx3 {_v(r)}, {_v3(r)}, s[0:1]",
    "global_store_short": lambda r: f"global_store_short {_v(r)}, {_v(r)}, s[0:1]",
    "buffer_store_x4": lambda r: f"buffer_store_dwordx4 {_v4(r)}, {_v(r)}, s[8:11], {r.choice((_s(r), '0'))} offen",
    "buffer_load_x2": lambda r: f"buffer_load_dwordx2 {_v2(r)}, {_v(r)}, s[8:11], 0 offen",
    "ds_read_b128": lambda r: f"ds_read_b128 {_v4(r)}, {_v(r)}",
    "ds_write_b64": lambda r: f"ds_write_b64 {_v(r)}, {_v2(r)} offset:8",
    "s_load_x4": lambda r: "s_load_dwordx4 s[4:7], s[0:1], 0x10",
    "s_movrels": lambda r: f"s_movrels_b32 {_s(r)}, {_s(r)}",
}


# gfx90a spells the f16/bf16 MFMAs of gfx940 without the last underscore
_GFX90A_NAMES = {"16x16x16_f16": "16x16x16f16", "32x32x8_f16": "32x32x8f16",
                 "16x16x16_bf16": "16x16x16bf16_1k", "32x32x8_bf16": "32x32x8bf16_1k"}


def for_arch(line: str, arch: str) -> str:
    if arch == "gfx90a":
        for new, old in _GFX90A_NAMES.items():
            line = line.replace(new, old)
    return line


def hazard_program(seed: int, lo: int = 5, hi: int = 40, arch: str = "gfx942") -> list[str]:
    r = random.Random(seed)
    names = sorted(HAZARD_TEMPLATES)
    lines = [HAZARD_TEMPLATES[r.choice(names)](r) for _ in range(r.randint(lo, hi))]
    return [for_arch(ln, arch) for ln in lines] + ["s_endpgm"]


def loop_program(lines: list[str], seed: int) -> list[str]:
    """A straight-line program (ending in ``s_endpgm``) with a random middle part made
    the body of a loop: a label before it, ``s_cbranch_scc1`` back after it."""
    r = random.Random(seed)
    body = lines[:-1]
    a = r.randrange(len(body) + 1)
    b = r.randrange(a, len(body) + 1)
    return [*body[:a], "L_loop:", *body[a:b], "s_cbranch_scc1 L_loop", *body[b:], "s_endpgm"]


def our_nops(lines: Sequence[str], arch: str) -> list[str]:
    """``lines`` with ``insert-nop`` applied (read as a kernel, printed back)."""
    from pyhip_mlir.codegen.asm_parser import parse_asm
    from pyhip_mlir.codegen.asm_printer import body_lines
    from pyhip_mlir.dialects.cdna import make_context
    from pyhip_mlir.dialects.cdna.kernel import KernelOp
    from pyhip_mlir.transforms.insert_nop import InsertNopPass

    text = "\t.text\n\t.globl k\nk:\n" + "\n".join("\t" + ln for ln in lines) + "\n"
    module = parse_asm(text, "<hazard program>", arch)
    InsertNopPass().apply(make_context(), module)
    kernel = next(op for op in module.walk() if isinstance(op, KernelOp))
    return [ln.strip() for ln in body_lines(kernel, arch)]


def nop_states(lines: Sequence[str], pattern: re.Pattern[str] = _OUR_NOP) -> int:
    return sum(int(m.group(1)) + 1 for ln in lines if (m := pattern.match(ln.strip())))


@dataclass
class HazardResult:
    seed: int
    program: list[str]
    ours: list[str]
    our_states: int
    llvm_states: int  # LLVM's wait states on the program without ours
    llvm_added: int  # wait states LLVM adds on top of ours (must be 0)


def _functions(output: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for doc in output.split("\n---\n")[1:]:
        m = re.search(r"^name:\s+(\S+)", doc, re.M)
        if m is None or "body:" not in doc:
            continue
        body = doc.split("body:", 1)[1].splitlines()[1:]
        out[m.group(1)] = [ln.strip() for ln in body if ln.strip() and ln.strip() != "..."
                           and not ln.strip().startswith(("successors:", "liveins:", ";"))]
    return out


def _local_labels(lines: list[str], suffix: str) -> list[str]:
    """``lines`` with every label they define renamed apart (programs share one file)."""
    names = [ln[:-1] for ln in lines if ln.endswith(":")]
    if not names:
        return lines
    pat = re.compile(r"(?<![\w.$])(" + "|".join(re.escape(n) for n in names) + r")(?![\w.$])")
    return [pat.sub(lambda m: m.group(1) + suffix, ln) for ln in lines]


def _batch_mir(programs: list[list[str]], arch: str, prefix: str) -> str:
    flat: list[str] = []
    for i, p in enumerate(programs):
        flat.append(f"{prefix}{i}:")
        flat += _local_labels(p, f"_{prefix}{i}")
    items = show_inst(flat, arch)
    docs: list[str] = []
    cur: list[McInst | McLabel] = []
    name = None
    for it in items:
        if isinstance(it, McLabel) and it.name.startswith(prefix) and it.name[len(prefix):].isdigit():
            if name is not None:
                docs.append(to_mir(cur, arch, name))
            name, cur = it.name, []
            continue
        cur.append(it)
    if name is not None:
        docs.append(to_mir(cur, arch, name))
    return "".join(docs)


def check_hazards(seeds: Sequence[int], arch: str = "gfx942", loops: bool = False) -> list[HazardResult]:
    """The random programs of ``seeds`` through both recognizers (``loops``: each with a
    random middle part made a loop body)."""
    programs = [hazard_program(s, arch=arch) for s in seeds]
    if loops:
        programs = [loop_program(p, s) for p, s in zip(programs, seeds, strict=True)]
    return check_hazard_programs(programs, arch, seeds)


def check_hazard_programs(programs: Sequence[list[str]], arch: str,
                          seeds: Sequence[int] | None = None) -> list[HazardResult]:
    """``programs`` (assembly lines ending in ``s_endpgm``) through both recognizers."""
    seeds = list(seeds) if seeds is not None else list(range(len(programs)))
    ours = [our_nops(p, arch) for p in programs]
    on_ours = _functions(run_llc(_batch_mir(ours, arch, "ours"), arch, "post-RA-hazard-rec"))
    on_raw = _functions(run_llc(_batch_mir(programs, arch, "raw"), arch, "post-RA-hazard-rec"))
    results = []
    for i, (seed, prog, mine) in enumerate(zip(seeds, programs, ours, strict=True)):
        llvm_on_ours = nop_states(on_ours[f"ours{i}"], _NOP)
        results.append(HazardResult(seed, prog, mine, nop_states(mine), nop_states(on_raw[f"raw{i}"], _NOP),
                                    llvm_on_ours - nop_states(mine)))
    return results


# --- waits: insert-waitcnt / verify-waitcnt against si-insert-waitcnts ------------------

WAIT_TEMPLATES: dict[str, Template] = {
    "global_load": lambda r: f"global_load_dword {_v(r)}, {_v(r)}, s[0:1]",
    "global_load_x2": lambda r: f"global_load_dwordx2 {_v2(r)}, {_v(r)}, s[0:1]",
    "global_store": lambda r: f"global_store_dword {_v(r)}, {_v(r)}, s[0:1]",
    "buffer_load": lambda r: f"buffer_load_dword {_v(r)}, {_v(r)}, s[8:11], 0 offen",
    "buffer_store": lambda r: f"buffer_store_dword {_v(r)}, {_v(r)}, s[8:11], 0 offen",
    "ds_read": lambda r: f"ds_read_b32 {_v(r)}, {_v(r)}",
    "ds_read_x2": lambda r: f"ds_read_b64 {_v2(r)}, {_v(r)}",
    "ds_write": lambda r: f"ds_write_b32 {_v(r)}, {_v(r)}",
    "s_load": lambda r: f"s_load_dword {_s(r)}, s[0:1], 0x0",
    "s_load_x2": lambda r: f"s_load_dwordx2 {_s2(r)}, s[0:1], 0x8",
    "v_add_u32": lambda r: f"v_add_u32 {_v(r)}, {_v(r)}, {_v(r)}",
    "v_mov_sgpr": lambda r: f"v_mov_b32 {_v(r)}, {_s(r)}",
    "v_add_f32_sgpr": lambda r: f"v_add_f32_e64 {_v(r)}, {_s(r)}, {_v(r)}",
    "s_add_u32": lambda r: f"s_add_u32 {_s(r)}, {_s(r)}, {_s(r)}",
    "v_mov_imm": lambda r: f"v_mov_b32 {_v(r)}, {r.randrange(64)}",
}
_WAIT = re.compile(r"^S_WAITCNT (\d+)")
_OUR_WAIT = re.compile(r"^s_waitcnt\b")

Waits = dict[int, tuple[int, int]]  # before the k-th other instruction: (vmcnt, lgkmcnt)


def wait_program(seed: int, lo: int = 5, hi: int = 40) -> list[str]:
    r = random.Random(seed)
    names = sorted(WAIT_TEMPLATES)
    return [WAIT_TEMPLATES[r.choice(names)](r) for _ in range(r.randint(lo, hi))] + ["s_endpgm"]


def _apply(lines: Sequence[str], arch: str, *passes: object) -> list[str]:
    from pyhip_mlir.codegen.asm_parser import parse_asm
    from pyhip_mlir.codegen.asm_printer import body_lines
    from pyhip_mlir.dialects.cdna import make_context
    from pyhip_mlir.dialects.cdna.kernel import KernelOp

    text = "\t.text\n\t.globl k\nk:\n" + "\n".join("\t" + ln for ln in lines) + "\n"
    module = parse_asm(text, "<program>", arch)
    for p in passes:
        p.apply(make_context(), module)  # type: ignore[attr-defined]
    kernel = next(op for op in module.walk() if isinstance(op, KernelOp))
    return [ln.strip() for ln in body_lines(kernel, arch)]


def our_waits(lines: Sequence[str], arch: str) -> list[str]:
    """``lines`` with ``insert-waitcnt`` applied."""
    from pyhip_mlir.transforms.insert_waitcnt import InsertWaitcntPass

    return _apply(lines, arch, InsertWaitcntPass())


def verify_waits(lines: Sequence[str], arch: str) -> str | None:
    """None if ``verify-waitcnt`` accepts ``lines``, else its error."""
    from pyhip_mlir.diagnostics import ReportedError
    from pyhip_mlir.transforms.verify_waitcnt import VerifyWaitcntPass

    try:
        _apply(lines, arch, VerifyWaitcntPass())
    except ReportedError as e:
        return str(e)
    return None


def waits_of(lines: Sequence[str], mir: bool = False) -> Waits:
    """The waits of a program, keyed by the instruction they precede; several waits in a
    row combine to the smallest counts."""
    from pyhip_mlir.transforms.waitcnt_model import decode_waitcnt

    out: Waits = {}
    k = 0
    for ln in lines:
        if mir:
            m = _WAIT.match(ln)
            imm = int(m.group(1)) if m else None
        else:
            imm = _our_wait_imm(ln) if _OUR_WAIT.match(ln) else None
        if imm is None:
            if not ln.endswith(":"):  # labels (ours) and blocks (bb.N:) issue nothing
                k += 1
            continue
        vm, _, lgkm = decode_waitcnt(imm)
        old = out.get(k, (63, 15))
        out[k] = (min(vm, old[0]), min(lgkm, old[1]))
    return {k: w for k, w in out.items() if w != (63, 15)}


def _our_wait_imm(line: str) -> int:
    from pyhip_mlir.transforms.waitcnt_model import encode_waitcnt

    f = dict(re.findall(r"(vmcnt|expcnt|lgkmcnt)\((\d+)\)", line))
    return encode_waitcnt(int(f.get("vmcnt", 63)), int(f.get("expcnt", 7)), int(f.get("lgkmcnt", 15)))


def with_waits(program: Sequence[str], waits: Waits) -> list[str]:
    """``program`` with ``s_waitcnt`` lines at the given places."""
    out: list[str] = []
    k = 0
    for ln in program:
        if ln.endswith(":"):
            out.append(ln)
            continue
        if k in waits:
            vm, lgkm = waits[k]
            out.append(f"s_waitcnt vmcnt({vm}) lgkmcnt({lgkm})")
        out.append(ln)
        k += 1
    return out


def stricter(a: Waits, b: Waits) -> list[int]:
    """Places where ``a`` waits for more than ``b`` on some counter."""
    return [k for k, (vm, lgkm) in a.items()
            if vm < b.get(k, (63, 15))[0] or lgkm < b.get(k, (63, 15))[1]]


@dataclass
class WaitResult:
    seed: int
    program: list[str]
    ours: list[str]
    our_waits: Waits
    llvm_waits: Waits  # si-insert-waitcnts on the program without waits
    llvm_added: list[int]  # places where LLVM waits for more than ours (must be empty)
    verify_error: str | None  # verify-waitcnt on the program with LLVM's waits


def check_waits(seeds: Sequence[int], arch: str = "gfx942", loops: bool = False) -> list[WaitResult]:
    """The random wait-free programs of ``seeds`` through both wait inserters (``loops``:
    as for :func:`check_hazards`)."""
    programs = [wait_program(s) for s in seeds]
    if loops:
        programs = [loop_program(p, s) for p, s in zip(programs, seeds, strict=True)]
    return check_wait_programs(programs, arch, seeds)


def check_wait_programs(programs: Sequence[list[str]], arch: str,
                        seeds: Sequence[int] | None = None) -> list[WaitResult]:
    """``programs`` (no waits, ending in ``s_endpgm``) through both wait inserters, and
    LLVM's waits through ``verify-waitcnt``."""
    seeds = list(seeds) if seeds is not None else list(range(len(programs)))
    ours = [our_waits(p, arch) for p in programs]
    on_ours = _functions(run_llc(_batch_mir(ours, arch, "ours"), arch, "si-insert-waitcnts"))
    on_raw = _functions(run_llc(_batch_mir(programs, arch, "raw"), arch, "si-insert-waitcnts"))
    results = []
    for i, (seed, prog, mine) in enumerate(zip(seeds, programs, ours, strict=True)):
        mw = waits_of(mine)
        theirs_on_ours = waits_of(on_ours[f"ours{i}"], mir=True)
        lw = waits_of(on_raw[f"raw{i}"], mir=True)
        results.append(WaitResult(seed, prog, mine, mw, lw, stricter(theirs_on_ours, mw),
                                  verify_waits(with_waits(prog, lw), arch)))
    return results
