"""The ``hip`` backend against the real HIP runtime library installed here
(libamdhip64-5, which finds no GPU on this machine): discovery, the one no-GPU
message, errors worded by the library, and the backend choice."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pyhip_mlir.runtime import hip
from pyhip_mlir.runtime.backends import backend_name, get_backend
from pyhip_mlir.runtime.build import compile_hip

KERNEL = """\
#define __global__ __attribute__((global))
extern "C" __global__ void one(int *p) { p[__builtin_amdgcn_workitem_id_x()] = 1; }
"""


def _library_name(code: int) -> str:
    """The error name the installed library itself gives ``code`` (not hard-coded)."""
    lib = ctypes.CDLL(hip.find_library())
    lib.hipGetErrorName.restype = ctypes.c_char_p
    return lib.hipGetErrorName(code).decode()


def test_the_real_library_is_found() -> None:
    path = hip.find_library()
    assert "libamdhip64.so" in path
    assert hip.runtime().fn["hipModuleLaunchKernel"].restype is ctypes.c_int


def test_no_gpu_is_one_readable_message() -> None:
    lib = ctypes.CDLL(hip.find_library())
    init = lib.hipInit(0)
    assert init != 0, "this machine has no AMD GPU"
    with pytest.raises(hip.NoGpuError) as e:
        hip.ensure_device()
    msg = str(e.value)
    assert msg.startswith("no AMD GPU: ")
    assert _library_name(init) in msg and "0 device(s) found" in msg
    assert "PYHIP_BACKEND=emu" in msg
    assert hip.has_gpu() is False
    with pytest.raises(hip.NoGpuError):
        hip.device_arch()


def test_module_calls_fail_with_the_librarys_words() -> None:
    co = compile_hip(KERNEL, "gfx942", name="one")
    with pytest.raises(hip.HipError) as e:
        hip.load_module(co)
    assert e.value.call == "hipModuleLoadData"
    assert str(e.value).startswith(f"hipModuleLoadData failed: {_library_name(e.value.code)} "
                                   f"({e.value.code}): ")


def test_a_missing_override_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "libnothere.so"
    code = (f"import os; os.environ['PYHIP_HIP_LIB'] = {str(missing)!r}\n"
            "from pyhip_mlir.runtime import hip\n"
            "try:\n    hip.find_library()\nexcept hip.HipError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert f"PYHIP_HIP_LIB={str(missing)!r} cannot be loaded" in out.stdout


def test_backend_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYHIP_BACKEND", raising=False)
    assert backend_name() == "emu"  # no GPU here: the emulator is the default
    monkeypatch.setenv("PYHIP_BACKEND", "cuda")
    with pytest.raises(ValueError, match="PYHIP_BACKEND='cuda': expected one of emu, hip"):
        backend_name()
    monkeypatch.setenv("PYHIP_BACKEND", "hip")
    with pytest.raises(hip.NoGpuError, match="no AMD GPU"):
        get_backend()


def test_jit_launch_on_hip_reports_no_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyhip_mlir as pyhip

    monkeypatch.setenv("PYHIP_BACKEND", "hip")
    monkeypatch.setenv("PYHIP_ARCH", "gfx942")

    @pyhip.jit()
    def store(J, p: "int*"):  # noqa: ANN001
        s = J.gpr("si32")
        s[0] = 1
        J.s_store_dword(s, p, 0)
        J.s_waitcnt(mod="lgkmcnt(0)")

    with pytest.raises(hip.NoGpuError) as e:
        store([1], [64], np.zeros(4, np.int32))
    assert "PYHIP_BACKEND=emu" in str(e.value)


def test_stream_handles() -> None:
    assert hip.stream_handle(None) == 0  # no torch ROCm build here: the null stream
    assert hip.stream_handle(1234) == 1234

    class TorchLikeStream:
        cuda_stream = 77

    assert hip.stream_handle(TorchLikeStream()) == 77
    with pytest.raises(TypeError, match="stream must be"):
        hip.stream_handle("default")
