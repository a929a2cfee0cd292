"""The ``hip`` backend's library layer: ctypes calls into the real HIP runtime.

Only the module API is used (``hipModuleLoadData``, ``hipModuleGetFunction``,
``hipModuleLaunchKernel`` with the packed kernarg buffer passed through ``extra``),
so no HIP headers and no compiled extension are needed. Every function gets its
``argtypes``/``restype`` once, when the library is opened; every nonzero status
becomes a :class:`HipError` worded by the library itself (``hipGetErrorName`` /
``hipGetErrorString``).

The library is looked for where a ROCm user has it: ``$PYHIP_HIP_LIB``; next to an
already imported torch ROCm build (``torch/lib/libamdhip64.so``, the one torch's own
tensors live in); ``$ROCM_PATH/lib`` (default /opt/rocm); then the loader's search
path (``libamdhip64.so`` and ``.so.7/.6/.5``).

With no GPU, ``hipInit`` and ``hipGetDeviceCount`` fail; :func:`ensure_device` folds
both results into one :class:`NoGpuError` that suggests the emulator.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import threading
from functools import cache
from typing import Any

SONAMES = ("libamdhip64.so", "libamdhip64.so.7", "libamdhip64.so.6", "libamdhip64.so.5")
EMU_HINT = "run on the CDNA emulator instead: PYHIP_BACKEND=emu (the default when no GPU is present)"
# hipFunction_attribute (hip_runtime_api.h; the same numbering as CUDA's CUfunction_attribute)
FUNC_ATTRIBUTES = {"max_threads_per_block": 0, "shared_size_bytes": 1, "const_size_bytes": 2,
                   "local_size_bytes": 3, "num_regs": 4}
# hipModuleLaunchKernel's ``extra`` markers (hip_runtime_api.h: HIP_LAUNCH_PARAM_*)
_BUFFER_POINTER, _BUFFER_SIZE, _END = 1, 2, 3

_p = ctypes.c_void_p
_SIGNATURES: dict[str, tuple[list[Any], Any]] = {
    "hipInit": ([ctypes.c_uint], ctypes.c_int),
    "hipGetDeviceCount": ([ctypes.POINTER(ctypes.c_int)], ctypes.c_int),
    "hipGetDevice": ([ctypes.POINTER(ctypes.c_int)], ctypes.c_int),
    "hipSetDevice": ([ctypes.c_int], ctypes.c_int),
    "hipGetErrorName": ([ctypes.c_int], ctypes.c_char_p),
    "hipGetErrorString": ([ctypes.c_int], ctypes.c_char_p),
    "hipModuleLoadData": ([ctypes.POINTER(_p), _p], ctypes.c_int),
    "hipModuleUnload": ([_p], ctypes.c_int),
    "hipModuleGetFunction": ([ctypes.POINTER(_p), _p, ctypes.c_char_p], ctypes.c_int),
    "hipModuleLaunchKernel": ([_p, ctypes.c_uint, ctypes.c_uint, ctypes.c_uint, ctypes.c_uint,
                               ctypes.c_uint, ctypes.c_uint, ctypes.c_uint, _p,
                               ctypes.POINTER(_p), ctypes.POINTER(_p)], ctypes.c_int),
    "hipFuncGetAttribute": ([ctypes.POINTER(ctypes.c_int), ctypes.c_int, _p], ctypes.c_int),
    "hipStreamSynchronize": ([_p], ctypes.c_int),
    "hipDeviceSynchronize": ([], ctypes.c_int),
}


class HipError(RuntimeError):
    """A HIP call failed (or the library is missing: ``code`` is then None)."""

    def __init__(self, message: str, call: str | None = None, code: int | None = None,
                 name: str | None = None):
        super().__init__(message)
        self.call, self.code, self.name = call, code, name


class NoGpuError(HipError):
    """The HIP runtime is there but finds no AMD GPU."""


def _candidates() -> list[str]:
    out: list[str] = []
    env = os.environ.get("PYHIP_HIP_LIB")
    if env:
        return [env]
    torch = sys.modules.get("torch")
    if torch is not None and getattr(getattr(torch, "version", None), "hip", None):
        out.append(os.path.join(os.path.dirname(torch.__file__), "lib", "libamdhip64.so"))
    out.append(os.path.join(os.environ.get("ROCM_PATH", "/opt/rocm"), "lib", "libamdhip64.so"))
    return out + list(SONAMES)


def find_library() -> str:
    """The path or soname of the HIP runtime library that loads (see the docstring)."""
    return _open()[1]


@cache
def _open_cached(candidates: tuple[str, ...]) -> tuple[ctypes.CDLL, str]:
    errors: list[str] = []
    for c in candidates:
        if os.sep in c and not os.path.isfile(c):
            errors.append(f"{c}: no such file")
            continue
        try:
            return ctypes.CDLL(c), c
        except OSError as e:
            errors.append(str(e))
    if os.environ.get("PYHIP_HIP_LIB"):
        raise HipError(f"PYHIP_HIP_LIB={os.environ['PYHIP_HIP_LIB']!r} cannot be loaded: "
                       f"{'; '.join(errors)}")
    raise HipError("the HIP runtime library (libamdhip64.so) was not found: install ROCm "
                   "(or, for this error path only, Debian's `apt-get install libamdhip64-5`), "
                   f"or set PYHIP_HIP_LIB; or {EMU_HINT}")


def _open() -> tuple[ctypes.CDLL, str]:
    return _open_cached(tuple(_candidates()))


class HipRuntime:
    """The opened library with every function declared."""

    def __init__(self) -> None:
        self.lib, self.path = _open()
        self.fn: dict[str, Any] = {}
        for name, (argtypes, restype) in _SIGNATURES.items():
            f = getattr(self.lib, name)
            f.argtypes, f.restype = argtypes, restype
            self.fn[name] = f

    def error_name(self, code: int) -> str:
        raw = self.fn["hipGetErrorName"](code)
        return raw.decode(errors="replace") if raw else f"hipError({code})"

    def error_text(self, code: int) -> str:
        raw = self.fn["hipGetErrorString"](code)
        return raw.decode(errors="replace") if raw else "unknown error"

    def error(self, call: str, code: int, cls: type[HipError] = HipError) -> HipError:
        name = self.error_name(code)
        return cls(f"{call} failed: {name} ({code}): {self.error_text(code)}", call, code, name)

    def check(self, call: str, code: int) -> None:
        if code != 0:
            raise self.error(call, code)


_lock = threading.Lock()
_runtime: HipRuntime | None = None


def runtime() -> HipRuntime:
    global _runtime
    with _lock:
        if _runtime is None:
            _runtime = HipRuntime()
        return _runtime


@cache
def _device_state() -> tuple[int, int, int]:
    """(hipInit status, hipGetDeviceCount status, device count), asked once."""
    rt = runtime()
    init = rt.fn["hipInit"](0)
    count = ctypes.c_int(0)
    status = rt.fn["hipGetDeviceCount"](ctypes.byref(count))
    return init, status, count.value if status == 0 else 0


def ensure_device() -> None:
    """Raise :class:`NoGpuError` (one readable message) unless a GPU is usable."""
    rt = runtime()
    init, status, count = _device_state()
    if init == 0 and status == 0 and count > 0:
        return
    parts = []
    if init != 0:
        parts.append(f"hipInit returned {rt.error_name(init)} ({init}): {rt.error_text(init)}")
    if status != 0:
        parts.append(f"hipGetDeviceCount returned {rt.error_name(status)} ({status})")
    parts.append(f"{count} device(s) found")
    raise NoGpuError(f"no AMD GPU: {'; '.join(parts)} (library {rt.path}). {EMU_HINT[0].upper()}"
                     f"{EMU_HINT[1:]}", "hipInit", init or status, rt.error_name(init or status))


@cache
def has_gpu() -> bool:
    """True when the library loads and sees at least one device; never raises."""
    try:
        ensure_device()
    except HipError:
        return False
    return True


def device_target_id(device: int | None = None) -> str:
    """The device's full target id (``gfx942:sramecc+:xnack-``)."""
    ensure_device()
    d = 0 if device is None else device
    torch = sys.modules.get("torch")
    if torch is not None and getattr(getattr(torch, "version", None), "hip", None):
        return str(torch.cuda.get_device_properties(d).gcnArchName)
    # hipDeviceProp_t's layout differs between ROCm releases, so it is not parsed
    # here; amdgpu-arch prints one target per device.
    rocm = os.path.join(os.environ.get("ROCM_PATH", "/opt/rocm"), "llvm", "bin", "amdgpu-arch")
    for tool in (rocm, shutil.which("amdgpu-arch"), shutil.which("amdgpu-arch-22")):
        if tool and os.path.isfile(tool):
            out = subprocess.run([tool], capture_output=True, text=True, check=False).stdout
            lines = [ln.strip() for ln in out.splitlines() if ln.strip()]
            if d < len(lines):
                return lines[d]
    raise HipError("cannot tell the GPU's architecture: import torch (ROCm build) first or "
                   "install amdgpu-arch; or set PYHIP_ARCH")


def device_arch(device: int | None = None) -> str:
    """The device's gfx name without features (``gfx942``)."""
    return device_target_id(device).split(":")[0]


class HipModule:
    """A loaded code object (kept alive with its bytes until :meth:`close`)."""

    def __init__(self, code_object: bytes):
        self.rt = runtime()
        self._bytes = ctypes.create_string_buffer(code_object, len(code_object))
        handle = ctypes.c_void_p()
        self.rt.check("hipModuleLoadData",
                      self.rt.fn["hipModuleLoadData"](ctypes.byref(handle), self._bytes))
        self.handle = handle

    def function(self, name: str) -> HipFunction:
        f = ctypes.c_void_p()
        self.rt.check(f"hipModuleGetFunction({name!r})", self.rt.fn["hipModuleGetFunction"](
            ctypes.byref(f), self.handle, name.encode()))
        return HipFunction(self, name, f)

    def close(self) -> None:
        if getattr(self, "handle", None) is not None and self.handle.value:
            self.rt.fn["hipModuleUnload"](self.handle)
            self.handle = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


def load_module(code_object: bytes) -> HipModule:
    return HipModule(code_object)


def current_stream() -> int:
    """torch's current HIP stream when torch (ROCm) is imported, else the null stream."""
    torch = sys.modules.get("torch")
    if torch is not None and getattr(getattr(torch, "version", None), "hip", None):
        return int(torch.cuda.current_stream().cuda_stream)
    return 0


def stream_handle(stream: Any) -> int:
    if stream is None:
        return current_stream()
    if isinstance(stream, int):
        return stream
    handle = getattr(stream, "cuda_stream", None)
    if handle is None:
        raise TypeError(f"stream must be a HIP stream handle (int) or a torch stream, got "
                        f"{type(stream).__name__}")
    return int(handle)


class HipFunction:
    """A kernel of a loaded module: :meth:`launch` with a packed kernarg buffer."""

    def __init__(self, module: HipModule, name: str, handle: ctypes.c_void_p):
        self.module, self.name, self.handle = module, name, handle
        self._launch = module.rt.fn["hipModuleLaunchKernel"]
        self._local = threading.local()

    def attributes(self) -> dict[str, int]:
        out = {}
        for key, attr in FUNC_ATTRIBUTES.items():
            v = ctypes.c_int(0)
            self.module.rt.check("hipFuncGetAttribute", self.module.rt.fn["hipFuncGetAttribute"](
                ctypes.byref(v), attr, self.handle))
            out[key] = v.value
        return out

    def _extra(self, buf: Any, size: int) -> Any:
        """The ``extra`` array for this thread, rebuilt only when the buffer changes."""
        cached = getattr(self._local, "extra", None)
        if cached is not None and cached[0] is buf and cached[1] == size:
            return cached[2]
        size_c = ctypes.c_size_t(size)
        extra = (ctypes.c_void_p * 5)(_BUFFER_POINTER, ctypes.addressof(buf), _BUFFER_SIZE,
                                      ctypes.addressof(size_c), _END)
        self._local.extra = (buf, size, extra, size_c)
        return extra

    def launch(self, grid: tuple[int, int, int], block: tuple[int, int, int], kernarg: Any,
               stream: Any = None, shared_mem_bytes: int = 0) -> None:
        if isinstance(kernarg, bytes | bytearray):
            kernarg = ctypes.create_string_buffer(bytes(kernarg), max(len(kernarg), 1))
        extra = self._extra(kernarg, ctypes.sizeof(kernarg))
        code = self._launch(self.handle, grid[0], grid[1], grid[2], block[0], block[1], block[2],
                            shared_mem_bytes, stream_handle(stream), None, extra)
        if code != 0:
            raise self.module.rt.error(f"hipModuleLaunchKernel({self.name!r})", code)
