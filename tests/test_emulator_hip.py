"""Differential validation of the CDNA3 emulator against HIP C++ kernels.

The kernels in ``tests/data/hip_suite`` are compiled once per session by clang-22 for gfx942
(the command is :func:`hip_suite.compile_command`), run on the emulator
(``pyhip_mlir.emulator.load(co).<kernel>(grid, block, *args)``, grid in work-groups) and their
outputs compared with numpy references of the kernels' C semantics (``tests/hip_suite.py``).

Tests that need no emulator check the suite itself: the compiled kernels contain the
instructions each case claims to exercise, and every case's arguments match the kernel
signature recorded in the code object metadata.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hip_suite import CASES, SUITE_DIR, Case, compare, compile_command, seed_for, source_files

CLANG = shutil.which("clang-22")
OBJDUMP = shutil.which("llvm-objdump-22")
READELF = shutil.which("llvm-readelf-22")

requires_toolchain = pytest.mark.skipif(
    CLANG is None or OBJDUMP is None or READELF is None,
    reason="clang-22 / llvm-objdump-22 / llvm-readelf-22 not installed",
)


def _compile_suite(out_dir: Path, files: list[str], arch: str) -> dict[str, Path]:
    assert CLANG is not None

    def build(name: str) -> tuple[str, Path, subprocess.CompletedProcess[str]]:
        dst = out_dir / (Path(name).stem + ".co")
        cmd = compile_command(CLANG, SUITE_DIR / name, dst, arch)
        return name, dst, subprocess.run(cmd, capture_output=True, text=True, check=False)

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = list(pool.map(build, files))
    errors = [f"{name}:\n{proc.stderr}" for name, _, proc in results if proc.returncode]
    if errors:
        pytest.fail(f"clang-22 rejected suite kernels for {arch}:\n" + "\n".join(errors))
    return {name: dst for name, dst, _ in results}


@pytest.fixture(scope="session")
def hip_suite_objects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every suite .hip file compiled once into a gfx942 code object: file name -> .co path."""
    return _compile_suite(tmp_path_factory.mktemp("hip_suite"), source_files(), "gfx942")


# MFMA kernels use gfx942 builtin spellings; everything else also builds for gfx90a.
GFX90A_CASES = [c for c in CASES if not c.file.startswith("mfma")]


@pytest.fixture(scope="session")
def hip_suite_objects_gfx90a(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    files = sorted({c.file for c in GFX90A_CASES})
    return _compile_suite(tmp_path_factory.mktemp("hip_suite_gfx90a"), files, "gfx90a")


_SYMBOL_RE = re.compile(r"^[0-9a-fA-F]+ <([^>]+)>:$")


def disassemble(co: Path) -> dict[str, list[str]]:
    """Instruction lines (mnemonic and operands) of every function symbol in a code object."""
    assert OBJDUMP is not None
    text = subprocess.run(
        [OBJDUMP, "-d", "--no-show-raw-insn", str(co)], capture_output=True, text=True, check=True
    ).stdout
    funcs: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        m = _SYMBOL_RE.match(line)
        if m:
            current = funcs.setdefault(m.group(1), [])
        elif current is not None and line.startswith("\t"):
            inst = line.split("//", 1)[0].strip()
            if inst:
                current.append(inst)
    return funcs


def kernel_args_metadata(co: Path) -> dict[str, list[dict[str, str]]]:
    """Explicit (non-hidden) kernel arguments from the code object's metadata note."""
    assert READELF is not None
    text = subprocess.run(
        [READELF, "--notes", str(co)], capture_output=True, text=True, check=True
    ).stdout
    kernels: dict[str, list[dict[str, str]]] = {}
    for chunk in re.split(r"\n  - \.", text.split("amdhsa.kernels:", 1)[1])[1:]:
        name = re.search(r"^\s+\.name:\s+(\S+)", chunk, re.M)
        assert name is not None
        args: list[dict[str, str]] = []
        args_text = chunk.split(".args:", 1)[1] if ".args:" in chunk else ""
        for entry in re.split(r"\n      - ", args_text)[1:]:
            fields = dict(re.findall(r"\.(\w+):\s+(\S+)", entry.split("\n    .", 1)[0]))
            if not fields.get("value_kind", "").startswith("hidden_"):
                args.append(fields)
        kernels[name.group(1)] = args
    return kernels


def test_suite_shape() -> None:
    """At least 28 kernels, every .hip file is used, every case declares instructions."""
    assert len(CASES) >= 28
    assert len({(c.file, c.kernel) for c in CASES}) == len(CASES)
    assert len({c.name for c in CASES}) == len(CASES)
    on_disk = sorted(p.name for p in SUITE_DIR.glob("*.hip"))
    assert on_disk == source_files()
    for case in CASES:
        assert case.mnemonics, case.name
        assert len(case.sizes) >= 2, case.name


@requires_toolchain
def test_suite_compiles_to_intended_instructions(hip_suite_objects: dict[str, Path]) -> None:
    listings = {name: disassemble(co) for name, co in hip_suite_objects.items()}
    missing: list[str] = []
    for case in CASES:
        insts = listings[case.file].get(case.kernel)
        if insts is None:
            missing.append(f"{case.name}: no symbol {case.kernel} in {case.file}")
            continue
        for pattern in case.mnemonics:
            if not any(re.search(pattern, inst) for inst in insts):
                missing.append(f"{case.name}: no instruction matches {pattern!r}")
    assert not missing, "\n".join(missing)


def _check_arg(case: Case, k: int, arg: Any, meta: dict[str, str]) -> str | None:
    kind = meta.get("value_kind")
    if kind == "global_buffer":
        if not isinstance(arg, np.ndarray) or not arg.flags.c_contiguous:
            return f"{case.name}: argument {k} is a pointer; pass a C-contiguous numpy array"
        return None
    if kind == "by_value":
        if not isinstance(arg, np.generic):
            return f"{case.name}: argument {k} is by value; pass a numpy scalar"
        if arg.dtype.itemsize != int(meta["size"]):
            return f"{case.name}: argument {k} has {arg.dtype} but the kernel takes {meta['size']} bytes"
        return None
    return f"{case.name}: argument {k} has unexpected value_kind {kind}"


@requires_toolchain
def test_suite_arguments_match_kernel_signatures(hip_suite_objects: dict[str, Path]) -> None:
    metadata = {name: kernel_args_metadata(co) for name, co in hip_suite_objects.items()}
    problems: list[str] = []
    for case in CASES:
        size = min(case.sizes)
        launch = case.make(np.random.default_rng(seed_for(case, size)), size)
        meta = metadata[case.file][case.kernel]
        if len(meta) != len(launch.args):
            problems.append(f"{case.name}: {len(launch.args)} args, kernel has {len(meta)}")
            continue
        problems += [
            msg
            for k, (arg, m) in enumerate(zip(launch.args, meta, strict=True))
            if (msg := _check_arg(case, k, arg, m))
        ]
        if not 1 <= len(launch.grid) == len(launch.block) <= 3:
            problems.append(f"{case.name}: grid {launch.grid} / block {launch.block}")
        if int(np.prod(launch.block)) > 1024:
            problems.append(f"{case.name}: work-group of {np.prod(launch.block)} items")
        expected = case.reference(launch._replace(args=copy.deepcopy(launch.args)))
        if len(expected) != len(launch.outputs):
            problems.append(
                f"{case.name}: {len(expected)} references, {len(launch.outputs)} outputs"
            )
            continue
        for k, (idx, exp) in enumerate(zip(launch.outputs, expected, strict=True)):
            out = launch.args[idx]
            if exp.shape != out.shape or exp.dtype != out.dtype:
                problems.append(f"{case.name}: reference {k} is {exp.shape}/{exp.dtype}")
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="session")
def emulator_modules() -> dict[str, Any]:
    """Emulator modules loaded so far, by code object path (each file is loaded once)."""
    return {}


@requires_toolchain
@pytest.mark.parametrize(
    ("case", "size"),
    [pytest.param(case, size, id=f"{case.name}-{size}") for case in CASES for size in case.sizes],
)
def test_emulator_matches_hip_reference(
    case: Case,
    size: int,
    hip_suite_objects: dict[str, Path],
    emulator_modules: dict[str, Any],
) -> None:
    from pyhip_mlir import emulator

    launch = case.make(np.random.default_rng(seed_for(case, size)), size)
    expected = case.reference(launch._replace(args=copy.deepcopy(launch.args)))

    co = str(hip_suite_objects[case.file])
    if co not in emulator_modules:
        emulator_modules[co] = emulator.load(co)
    kernel = getattr(emulator_modules[co], case.kernel)
    kernel(list(launch.grid), list(launch.block), *launch.args)

    failures = []
    for k, (idx, exp) in enumerate(zip(launch.outputs, expected, strict=True)):
        msg = compare(launch.args[idx], exp, case.tolerance(k))
        if msg:
            failures.append(f"output {k} (argument {idx}): {msg}")
    assert not failures, f"{case.kernel} grid={launch.grid} block={launch.block}\n" + "\n".join(
        failures
    )


@requires_toolchain
@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in GFX90A_CASES])
def test_emulator_matches_hip_reference_gfx90a(case: Case, hip_suite_objects_gfx90a: dict[str, Path]) -> None:
    """The same kernels built for gfx90a (private segment buffer in s[0:3], kernarg
    pointer in s[4:5], gfx90a hazard rules and instruction spellings), one size each."""
    from pyhip_mlir import emulator

    size = max(case.sizes)
    launch = case.make(np.random.default_rng(seed_for(case, size)), size)
    expected = case.reference(launch._replace(args=copy.deepcopy(launch.args)))
    kernel = getattr(emulator.load(hip_suite_objects_gfx90a[case.file]), case.kernel)
    kernel(list(launch.grid), list(launch.block), *launch.args)
    failures = []
    for k, (idx, exp) in enumerate(zip(launch.outputs, expected, strict=True)):
        msg = compare(launch.args[idx], exp, case.tolerance(k))
        if msg:
            failures.append(f"output {k} (argument {idx}): {msg}")
    assert not failures, f"gfx90a {case.kernel}\n" + "\n".join(failures)
