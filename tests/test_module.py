"""``@pyhip.module``: HIP C++, assembly and code-object files as launchable kernels,
built by the real clang-22 and run on the emulator."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

import pyhip_mlir as pyhip
from pyhip_mlir.runtime.kernargs import KernelArgError
from pyhip_mlir.runtime.module import ModuleError

PRELUDE = """\
#pragma once
#define __global__ __attribute__((global))
__attribute__((device)) static inline unsigned block_dim_x() {
  return ((const unsigned short *)__builtin_amdgcn_implicitarg_ptr())[6];
}
#define OFFSET 0
"""
SCALE = """\
#include "prelude.h"
#ifndef FACTOR
#define FACTOR 2
#endif
extern "C" __global__ void scale(float *out, const float *in, int n) {
  int i = __builtin_amdgcn_workgroup_id_x() * block_dim_x() + __builtin_amdgcn_workitem_id_x();
  if (i < n) out[i] = in[i] * FACTOR + OFFSET;
}
// a C++ (mangled) kernel, found by its plain name
__global__ void negate(int *p, int n) {
  int i = __builtin_amdgcn_workitem_id_x();
  if (i < n) p[i] = -p[i];
}
"""


@pytest.fixture(autouse=True)
def _emu(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PYHIP_BACKEND", "emu")
    monkeypatch.setenv("PYHIP_CACHE_DIR", str(tmp_path / "cache"))


def _sources(tmp_path: Path) -> Path:
    (tmp_path / "prelude.h").write_text(PRELUDE)
    src = tmp_path / "scale.hip"
    src.write_text(SCALE)
    return src


def test_hip_file_macros_and_rebuild_on_header_change(tmp_path: Path) -> None:
    src = _sources(tmp_path)
    x = np.arange(100, dtype=np.float32)
    out = np.zeros_like(x)

    @pyhip.module(str(src))
    def scale(out, inp, n): ...  # noqa: ANN001

    scale([2], [64], out, x, 100)
    np.testing.assert_array_equal(out, x * 2)
    scale([2], [64], out, x, 100, FACTOR=3)  # an UPPERCASE keyword is a -D macro
    np.testing.assert_array_equal(out, x * 3)
    # editing an included header rebuilds, in this process too
    (tmp_path / "prelude.h").write_text(PRELUDE.replace("OFFSET 0", "OFFSET 1"))
    src.touch()
    scale([2], [64], out, x, 100)
    np.testing.assert_array_equal(out, x * 2 + 1)

    p = np.arange(10, dtype=np.int32)
    pyhip.module(str(src)).negate([1], [64], p, 10)
    np.testing.assert_array_equal(p, -np.arange(10))


def test_arguments_are_checked_before_the_launch(tmp_path: Path) -> None:
    mod = pyhip.module(str(_sources(tmp_path)))
    x = np.zeros(4, np.float32)
    with pytest.raises(KernelArgError, match="takes 3 argument"):
        mod.scale([1], [64], x, x)
    with pytest.raises(KernelArgError, match="argument 2"):
        mod.scale([1], [64], x, x, 1 << 40)
    with pytest.raises(TypeError, match="UPPERCASE"):
        mod.scale([1], [64], x, x, 4, factor=2)


def test_assembly_and_code_object_files(tmp_path: Path) -> None:
    src = _sources(tmp_path)
    co = tmp_path / "scale.co"
    subprocess.run(["clang-22", "-x", "hip", "--offload-arch=gfx942", "--offload-device-only",
                    "--no-gpu-bundle-output", "-nogpuinc", "-nogpulib", "-O3", f"-I{tmp_path}",
                    "-c", str(src), "-o", str(co)], check=True)
    x = np.arange(64, dtype=np.float32)
    out = np.zeros_like(x)
    pyhip.module(str(co)).scale([1], [64], out, x, 64)
    np.testing.assert_array_equal(out, x * 2)

    asm = tmp_path / "scale.s"  # a hand-editable assembly file: what clang made of the C++
    subprocess.run(["clang-22", "-x", "hip", "--offload-arch=gfx942", "--offload-device-only",
                    "--no-gpu-bundle-output", "-nogpuinc", "-nogpulib", "-O3", f"-I{tmp_path}",
                    "-S", str(src), "-o", str(asm)], check=True)
    out[:] = 0
    mod = pyhip.module(str(asm))
    assert "scale" in mod.kernel_names()
    mod.scale([1], [64], out, x, 64)
    np.testing.assert_array_equal(out, x * 2)


def test_errors_name_the_file_and_the_choices(tmp_path: Path) -> None:
    src = _sources(tmp_path)
    with pytest.raises(ModuleError, match=r"no kernel 'nope' \(kernels: .*scale"):
        pyhip.module(str(src)).nope([1], [64])
    with pytest.raises(ModuleError, match="unknown kind of file"):
        pyhip.module(str(tmp_path / "k.txt"))
    with pytest.raises(ModuleError, match="cannot read|No such file"):
        pyhip.module(str(tmp_path / "missing.hip")).k([1], [64])
    bad = tmp_path / "bad.hip"
    bad.write_text("this is not C++\n")
    with pytest.raises(Exception, match="bad.hip"):
        pyhip.module(str(bad)).k([1], [64])
