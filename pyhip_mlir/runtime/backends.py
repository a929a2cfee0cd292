"""Where a code object runs: ``hip`` (a ROCm GPU, through ctypes) or ``emu`` (the
project's CDNA emulator). Both take the same :class:`KernelBinary` and the same
arguments; the choice is ``PYHIP_BACKEND=emu|hip``, or, when unset, ``hip`` if the HIP
runtime finds an AMD GPU and ``emu`` otherwise.

A backend ``load``s a binary into a handle once and ``launch``es the handle with
arguments the :class:`Packer` has validated.
"""

from __future__ import annotations

import os
import tempfile
import threading
from typing import Any, Protocol

from pyhip_mlir.runtime.binary import KernelBinary
from pyhip_mlir.runtime.launcher import Packer

BACKENDS = ("emu", "hip")


class Backend(Protocol):
    name: str
    device: str  # where pointer arguments must live: "cpu" or "gpu"

    def load(self, binary: KernelBinary) -> Any: ...

    def launch(self, handle: Any, grid: tuple[int, int, int], block: tuple[int, int, int],
               args: tuple[Any, ...] | list[Any], packer: Packer, stream: Any,
               lds_bytes: int) -> Any: ...


class EmuBackend:
    """Runs code objects on the CDNA emulator; returns its :class:`LaunchResult`."""

    name = "emu"
    device = "cpu"

    def __init__(self) -> None:
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self.max_steps: int | None = None

    def load(self, binary: KernelBinary) -> Any:
        import hashlib

        from pyhip_mlir.emulator.api import EmulatedKernel
        from pyhip_mlir.emulator.codeobject import read_code_object

        if self._dir is None:  # llvm-objdump disassembles from a file
            self._dir = tempfile.TemporaryDirectory(prefix="pyhip-emu-")
        digest = hashlib.sha256(binary.code_object).hexdigest()[:24]
        path = os.path.join(self._dir.name, f"{digest}.co")
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(binary.code_object)
        return EmulatedKernel(read_code_object(path).kernels[binary.name])

    def launch(self, handle: Any, grid: tuple[int, int, int], block: tuple[int, int, int],
               args: tuple[Any, ...] | list[Any], packer: Packer, stream: Any,
               lds_bytes: int) -> Any:
        packer.values(args)  # the same checks as on a GPU, before anything runs
        return handle(grid, block, *args, lds_bytes=lds_bytes, max_steps=self.max_steps)


class HipBackend:
    """Runs code objects on an AMD GPU through the HIP runtime library."""

    name = "hip"
    device = "gpu"

    def __init__(self) -> None:
        from pyhip_mlir.runtime import hip

        hip.ensure_device()  # no GPU: one readable error that suggests the emulator
        self._hip = hip
        self._modules: list[Any] = []

    def load(self, binary: KernelBinary) -> Any:
        module = self._hip.load_module(binary.code_object)
        self._modules.append(module)  # the function lives as long as its module
        return module.function(binary.name)

    def launch(self, handle: Any, grid: tuple[int, int, int], block: tuple[int, int, int],
               args: tuple[Any, ...] | list[Any], packer: Packer, stream: Any,
               lds_bytes: int) -> Any:
        if packer.has_hidden:
            kernarg: Any = packer.pack(args, grid, block, lds_bytes)
        else:
            kernarg = packer.pack_into_buffer(args)
        handle.launch(grid, block, kernarg, stream=stream, shared_mem_bytes=lds_bytes)
        return None

    def entry(self, handle: Any, packer: Packer) -> tuple[Any, Any]:
        """(entry, new_state) for :func:`compile_launch`: the raw ctypes launch and a
        per-thread kernarg buffer with its ``extra`` array."""
        import ctypes
        import sys

        hip = self._hip
        raw, fh, rt, name = handle._launch, handle.handle, handle.module.rt, handle.name
        size = packer.struct.size
        torch = sys.modules.get("torch")
        torch_rocm = torch is not None and bool(getattr(getattr(torch, "version", None), "hip", None))

        def new_state() -> tuple[Any, Any]:
            buf = ctypes.create_string_buffer(max(size, 1))
            size_c = ctypes.c_size_t(size)
            extra = (ctypes.c_void_p * 5)(1, ctypes.addressof(buf), 2, ctypes.addressof(size_c), 3)
            return buf, (extra, size_c)

        def entry(g: Any, b: Any, buf: Any, state: Any, stream: Any, lds_bytes: int) -> None:
            s = 0 if stream is None and not torch_rocm else hip.stream_handle(stream)
            code = raw(fh, g[0], g[1], g[2], b[0], b[1], b[2], lds_bytes, s, None, state[0])
            if code:
                raise rt.error(f"hipModuleLaunchKernel({name!r})", code)

        return entry, new_state


_lock = threading.Lock()
_instances: dict[str, Backend] = {}


def backend_name() -> str:
    """``PYHIP_BACKEND`` if set, else ``hip`` when an AMD GPU is present, else ``emu``."""
    name = os.environ.get("PYHIP_BACKEND", "").strip().lower()
    if name:
        if name not in BACKENDS:
            raise ValueError(f"PYHIP_BACKEND={name!r}: expected one of {', '.join(BACKENDS)}")
        return name
    from pyhip_mlir.runtime import hip

    return "hip" if hip.has_gpu() else "emu"


def get_backend(name: str | None = None) -> Backend:
    """The process-wide backend called ``name`` (default: :func:`backend_name`)."""
    name = name or backend_name()
    with _lock:
        inst = _instances.get(name)
        if inst is None:
            inst = EmuBackend() if name == "emu" else HipBackend()
            _instances[name] = inst
        return inst


def default_arch() -> str:
    """``PYHIP_ARCH``, else the GPU's arch when the hip backend is in use, else gfx942."""
    env = os.environ.get("PYHIP_ARCH", "").strip()
    if env:
        return env
    if backend_name() == "hip":
        from pyhip_mlir.runtime import hip

        return hip.device_arch()
    return "gfx942"
