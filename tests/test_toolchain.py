"""Toolchain discovery with the real clang-22 and real error paths (no mocks)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pyhip_mlir.runtime.toolchain import ToolchainError, find_clang


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.delenv("PYHIP_CLANG", raising=False)
    monkeypatch.setenv("ROCM_PATH", str(tmp_path / "no-rocm"))
    return monkeypatch


def test_system_clang_22_is_found_with_its_version(env: pytest.MonkeyPatch) -> None:
    tc = find_clang()
    assert os.path.isabs(tc.clang) and Path(tc.clang).name.startswith("clang")
    assert tc.version.split(".")[0] == "22" and "clang version" in tc.version_line
    assert tc.source == "PATH"
    assert find_clang() is tc  # probed once


def test_rocm_clang_is_preferred(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = find_clang().clang
    rocm = tmp_path / "rocm"
    (rocm / "llvm" / "bin").mkdir(parents=True)
    (rocm / "llvm" / "bin" / "clang").symlink_to(real)
    env.setenv("ROCM_PATH", str(rocm))
    tc = find_clang()
    assert tc.source == f"ROCm ({rocm})" and tc.clang == str(rocm / "llvm" / "bin" / "clang")


def test_override_errors_name_the_problem(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("PYHIP_CLANG", str(tmp_path / "nope"))
    with pytest.raises(ToolchainError, match="no such program"):
        find_clang()
    fake = tmp_path / "fakeclang"
    fake.write_text("#!/bin/sh\necho 'not a compiler'\n")
    fake.chmod(0o755)
    env.setenv("PYHIP_CLANG", str(fake))
    with pytest.raises(ToolchainError, match="is not a clang"):
        find_clang()


def test_no_compiler_anywhere_says_what_to_install(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    env.setenv("PATH", str(empty))
    with pytest.raises(ToolchainError, match="apt-get install clang-22 lld-22"):
        find_clang()
