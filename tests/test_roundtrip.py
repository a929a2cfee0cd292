"""Assembly round trip through LLVM: parser + printer agree with llvm-mc and llvm-objdump.

For each input the chain is

    asm text --parse_asm--> IR1 --print_module_asm--> asm --llvm-mc-22--> object
             --llvm-objdump-22 -d--> text --parse_asm--> IR2

and two things must hold:

* **same machine code**: every instruction of the re-assembled object has the same
  encoding (the raw dwords llvm-objdump prints) as the reference object, in order;
  this is the strongest "equal modulo spelling" criterion;
* **same IR**: IR1 and IR2 agree instruction by instruction (mnemonic without
  ``_e32``/``_e64``, registers, immediates, source and trailing modifiers, implicit
  operands, branch targets as instruction indices).

Inputs: the five HIP kernels of ``tests/data/hip`` compiled by clang-22 -O3 (their
``-S`` output, and the objdump of their ``-c`` code object, for gfx942 and gfx90a),
and every canonical instruction line of the gfx942 table (``isa/canonical.py``). The
number of instructions compared is printed at the end of the run.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pyhip_mlir.codegen.asm_lexer import objdump_info
from pyhip_mlir.codegen.asm_parser import parse_asm
from pyhip_mlir.codegen.asm_printer import print_module_asm
from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.dialects.cdna.pseudo import FallthroughOp
from pyhip_mlir.dialects.cdna.types import RegType, SpecialRegType
from pyhip_mlir.dialects.isa import canonical
from pyhip_mlir.dialects.isa.table import get_table

TOOLS = ("clang-22", "llvm-mc-22", "llvm-objdump-22")
pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in TOOLS), reason="LLVM 22 tools not installed"
)
HIP_DIR = Path(__file__).parent / "data" / "hip"
KERNELS = sorted(p.stem for p in HIP_DIR.glob("*.hip"))
ARCHS = ("gfx942", "gfx90a")

COUNTS: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def _report_counts(pytestconfig: pytest.Config) -> Any:
    yield
    if not COUNTS:
        return
    tr = pytestconfig.pluginmanager.getplugin("terminalreporter")
    total = sum(COUNTS.values())
    lines = [f"  {k:40} {v:6}" for k, v in sorted(COUNTS.items())]
    text = "\n".join(
        ["", "instructions round-tripped (asm -> IR -> llvm-mc -> objdump -> IR):"]
        + lines
        + [f"  {'total':40} {total:6}"]
    )
    capman = pytestconfig.pluginmanager.getplugin("capturemanager")
    if tr is not None and capman is not None:
        with capman.global_and_fixture_disabled():
            tr.write_line(text)


# --- tools --------------------------------------------------------------------------


def run(cmd: list[str], stdin: str | None = None) -> str:
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{r.stderr[:4000]}")
    return r.stdout


def compile_hip(src: Path, arch: str, out: Path) -> tuple[str, str]:
    """(clang -S text, llvm-objdump -d text of the clang -c object)."""
    flags = [
        "clang-22", "-x", "hip", f"--offload-arch={arch}", "--offload-device-only",
        "--no-gpu-bundle-output", "-nogpuinc", "-nogpulib", "-O3", "-cuid=pyhip",
    ]  # fmt: skip
    asm = out / f"{src.stem}.{arch}.s"
    obj = out / f"{src.stem}.{arch}.co"
    run([*flags, "-S", str(src), "-o", str(asm)])
    run([*flags, "-c", str(src), "-o", str(obj)])
    return asm.read_text(), run(["llvm-objdump-22", "-d", str(obj)])


def assemble_and_dump(text: str, arch: str, out: Path) -> str:
    obj = out / f"rt.{arch}.o"
    run(["llvm-mc-22", "-triple=amdgcn-amd-amdhsa", f"-mcpu={arch}", "-filetype=obj",
         "-o", str(obj), "-"], stdin=text)  # fmt: skip
    return run(["llvm-objdump-22", "-d", str(obj)])


def print_asm(module: Any, arch: str) -> str:
    buf = io.StringIO()
    print_module_asm(module, buf, arch)
    return buf.getvalue()


def machine_code(dump: str) -> list[tuple[str, tuple[str, ...]]]:
    """(instruction text, encoding dwords) per instruction, code-object padding removed."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for line in dump.splitlines():
        code, sep, comment = line.partition("//")
        info = objdump_info(comment) if sep else None
        if info is None:
            continue
        words = tuple(comment.split(":", 1)[1].split("<")[0].split())
        out.append((code.strip(), words))
    while out and out[-1][0] in ("s_nop 0", "s_code_end"):
        out.pop()
    return out


# --- IR signature ---------------------------------------------------------------------


def _type_name(t: Any) -> str:
    if isinstance(t, RegType):
        return t.asm_name()
    if isinstance(t, SpecialRegType):
        return t.reg
    return str(t)


def _norm(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(v)
    if isinstance(v, float) and v.is_integer():
        return ("f", v)
    return v


def signature(module: Any) -> list[tuple[Any, ...]]:
    """One normalized tuple per instruction; branch targets as instruction indices."""
    insts = [op for op in module.walk() if isinstance(op, InstOp)]
    index = {id(op): i for i, op in enumerate(insts)}

    def first_inst(block: Any) -> int:
        while True:
            for op in block.ops:
                if isinstance(op, InstOp):
                    return index[id(op)]
                if isinstance(op, FallthroughOp):
                    block = op.dest
                    break
            else:
                return -1

    sig = []
    for op in insts:
        items = []
        for kind, val in op.slot_items():
            if kind == "reg":
                items.append(("reg", _type_name(val.type)))  # type: ignore[union-attr]
            elif kind == "imm":
                items.append(("imm", _norm(val)))
            else:
                items.append(("label", first_inst(val)))
        sig.append(
            (
                op.mnemonic.removesuffix("_e64").removesuffix("_e32"),
                tuple(_type_name(r.type) for r in op.defs),
                tuple(items),
                tuple(sorted(op.opmod_values().items())),
                tuple(sorted((k, _norm(v)) for k, v in op.mod_values().items())),
                tuple(_type_name(v.type) for v in op.implicit_uses),
                tuple(_type_name(r.type) for r in op.implicit_defs),
                tuple(first_inst(b) for b in op.successors),
            )
        )
    return sig


def assert_same(a: list[Any], b: list[Any], what: str) -> None:
    assert len(a) == len(b), f"{what}: {len(a)} vs {len(b)} instructions"
    diffs = [(i, x, y) for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    shown = "\n".join(f"  #{i}: {x}\n     {y}" for i, x, y in diffs[:10])
    assert not diffs, f"{what}: {len(diffs)} instruction(s) differ:\n{shown}"


def assert_same_code(got: str, want: str, what: str) -> None:
    """Same encodings in the same order (the text may differ: symbols vs offsets)."""
    a, b = machine_code(got), machine_code(want)
    assert len(a) == len(b), f"{what}: {len(a)} vs {len(b)} instructions"
    diffs = [(i, x, y) for i, (x, y) in enumerate(zip(a, b, strict=True)) if x[1] != y[1]]
    shown = "\n".join(
        f"  #{i}: {x[0]} {' '.join(x[1])}\n     {y[0]} {' '.join(y[1])}" for i, x, y in diffs[:10]
    )
    assert not diffs, f"{what}: {len(diffs)} encoding(s) differ:\n{shown}"


# --- HIP kernels ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hip_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], tuple[str, str]]:
    out = tmp_path_factory.mktemp("hip")
    return {(k, a): compile_hip(HIP_DIR / f"{k}.hip", a, out) for a in ARCHS for k in KERNELS}


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("kernel", KERNELS)
def test_hip_kernel_roundtrip(
    kernel: str, arch: str, hip_outputs: dict[tuple[str, str], tuple[str, str]], tmp_path: Path
) -> None:
    asm, dump = hip_outputs[(kernel, arch)]
    ir_s = parse_asm(asm, f"{kernel}.s")
    ir_co = parse_asm(dump, f"{kernel}.dis", arch=arch)
    k = next(op for op in ir_s.walk() if op.name == "cdna.kernel")
    assert k.arch.data == arch  # type: ignore[attr-defined]
    assert k.sym_name.data == kernel  # type: ignore[attr-defined]
    sig_s, sig_co = signature(ir_s), signature(ir_co)
    # The -S text and the object of the same compile denote the same instructions.
    assert_same(sig_s, sig_co, "clang -S vs objdump of clang -c")

    # Print IR1, assemble, disassemble: the same machine code as clang's object.
    dump2 = assemble_and_dump(print_asm(ir_s, arch), arch, tmp_path)
    assert_same_code(dump2, dump, "encodings: printed IR vs clang object")
    ir2 = parse_asm(dump2, "printed.dis", arch=arch)
    assert_same(signature(ir2), sig_s, "IR after the round trip")
    COUNTS[f"hip {kernel} {arch} (-S and -c)"] = len(sig_s) + len(sig_co)


# --- every canonical instruction of the table -----------------------------------------

# A call to a global symbol is a relocation in an object file: no fixed encoding.
SKIP_CANONICAL = ("s_call_b64",)


def canonical_source(arch: str) -> str:
    lines = [
        line
        for d in get_table(arch).instructions.values()
        if d.mnemonic not in SKIP_CANONICAL
        for _, line in canonical.probe_lines(d)
    ]
    # llvm-mc accepts a few lines it cannot encode (it prints "/*Invalid immediate*/",
    # e.g. gfx950 v_cvt_scalef32_sr_pk_fp4_f32 v1, 1, v2, v3): no reference encoding.
    shown = run(
        ["llvm-mc-22", "-triple=amdgcn-amd-amdhsa", f"-mcpu={arch}", "-show-encoding"],
        stdin="\n".join(lines) + "\n",
    )
    encoded = [ln for ln in shown.splitlines() if "encoding:" in ln]
    assert len(encoded) == len(lines)
    lines = [ln for ln, enc in zip(lines, encoded, strict=True) if "Invalid" not in enc]
    return "\n".join([canonical.prelude(), *lines, "s_endpgm"]) + "\n"


@pytest.mark.parametrize("arch", ["gfx942", "gfx90a", "gfx950"])
def test_canonical_roundtrip(arch: str, tmp_path: Path) -> None:
    dump1 = assemble_and_dump(canonical_source(arch), arch, tmp_path)
    ir1 = parse_asm(dump1, "canonical.dis", arch=arch)
    code1 = machine_code(dump1)
    assert len(code1) > 1000
    dump2 = assemble_and_dump(print_asm(ir1, arch), arch, tmp_path)
    assert_same_code(dump2, dump1, "encodings: printed IR vs llvm-mc of the canonical lines")
    ir2 = parse_asm(dump2, "printed.dis", arch=arch)
    sig1 = signature(ir1)
    assert_same(signature(ir2), sig1, "IR after the round trip")
    COUNTS[f"canonical lines {arch}"] = len(sig1)
