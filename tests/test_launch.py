"""The launch API: argument validation errors that name the argument, grid/block
handling, kernarg bytes packed at the offsets clang wrote into the code object, and
concurrent launches from threads."""

from __future__ import annotations

import struct
import threading

import numpy as np
import pytest
import torch

import pyhip_mlir as pyhip
from pyhip_mlir.runtime.binary import binaries_of
from pyhip_mlir.runtime.build import compile_hip
from pyhip_mlir.runtime.kernargs import KernelArgError, pack_kernargs
from pyhip_mlir.runtime.launcher import Packer, dims3

SIG_SRC = """\
#define __global__ __attribute__((global))
extern "C" __global__ void sig(float *a, char c, short s, double d, int *b, unsigned u,
                               long long q, __bf16 h, _Float16 f16) {
  if (__builtin_amdgcn_workitem_id_x() == 0) a[0] = c + s + d + u + q + (float)h + (float)f16 + b[0];
}
"""
SIG = [("a", "float*"), ("c", "char"), ("s", "short"), ("d", "double"), ("b", "int*"),
       ("u", "unsigned int"), ("q", "long long"), ("h", "__bf16"), ("f16", "_Float16")]


@pytest.fixture(scope="module")
def sig_packer() -> Packer:
    binary = binaries_of(compile_hip(SIG_SRC, "gfx942", name="sig"))["sig"]
    args = [dict(a) for a in binary.args]
    for a, (name, ctype) in zip(args, SIG, strict=True):  # clang's HIP metadata has no names
        a[".name"], a[".type_name"] = name, ctype
    return Packer(args, binary.kernarg_size, "cpu", "sig")


def test_packing_matches_clang_offsets(sig_packer: Packer) -> None:
    a = np.zeros(4, np.float32)
    b = np.zeros(4, np.int32)
    vals = [a, -3, -300, 2.5, b, 4_000_000_000, -(1 << 40), 1.5, 0.25]
    raw = sig_packer.pack(vals)
    offs = {x[".name"]: x[".offset"] for x in sig_packer.explicit}
    assert struct.unpack_from("<Q", raw, offs["a"])[0] == a.ctypes.data
    assert struct.unpack_from("<b", raw, offs["c"])[0] == -3
    assert struct.unpack_from("<h", raw, offs["s"])[0] == -300
    assert struct.unpack_from("<d", raw, offs["d"])[0] == 2.5
    assert struct.unpack_from("<Q", raw, offs["b"])[0] == b.ctypes.data
    assert struct.unpack_from("<I", raw, offs["u"])[0] == 4_000_000_000
    assert struct.unpack_from("<q", raw, offs["q"])[0] == -(1 << 40)
    assert struct.unpack_from("<H", raw, offs["h"])[0] == 0x3FC0  # bf16 1.5
    assert struct.unpack_from("<e", raw, offs["f16"])[0] == 0.25
    # the general packer (hidden arguments and all) agrees byte for byte
    assert raw == bytes(pack_kernargs(sig_packer.args_meta, vals, (1, 1, 1), (1, 1, 1),
                                      segment_size=sig_packer.segment_size))


@pytest.mark.parametrize("pos, value, message", [
    (0, 3.5, "argument 0 'a': expected a pointer"),
    (1, 200, "argument 1 'c': 200 is out of range for char"),
    (2, "x", "argument 2 's': expected an integer"),
    (3, "x", "argument 3 'd': expected a number"),
    (4, np.zeros(2, np.int8)[1:], "argument 4 'b': address .* is not 4-byte aligned"),
    (5, -1, "argument 5 'u': -1 is out of range for unsigned int"),
    (6, 1.0, "argument 6 'q': expected an integer"),
])
def test_bad_arguments_name_the_argument(sig_packer: Packer, pos: int, value: object,
                                         message: str) -> None:
    vals: list[object] = [np.zeros(1, np.float32), 0, 0, 0.0, np.zeros(1, np.int32), 0, 0, 0.0, 0.0]
    vals[pos] = value
    with pytest.raises(KernelArgError, match=message):
        sig_packer.pack(vals)


def test_argument_count_and_device(sig_packer: Packer) -> None:
    with pytest.raises(KernelArgError, match=r"sig takes 9 argument\(s\) \(a, c, s"):
        sig_packer.pack([1, 2])
    gpu = Packer(sig_packer.args_meta, sig_packer.segment_size, "gpu", "sig")
    vals = [torch.zeros(4), 0, 0, 0.0, 0, 0, 0, 0.0, 0.0]
    with pytest.raises(KernelArgError, match="argument 0 'a': is a CPU tensor; the hip backend"):
        gpu.pack(vals)


def test_grid_and_block_are_not_modified() -> None:
    grid, block = [4], [64, 2]
    assert dims3("grid", grid) == (4, 1, 1) and dims3("block", block) == (64, 2, 1)
    assert grid == [4] and block == [64, 2]
    assert dims3("grid", 3) == (3, 1, 1)
    for bad in ([], [1, 1, 1, 1], [0], [2.5], "x"):
        with pytest.raises(KernelArgError, match="grid"):
            dims3("grid", bad)


@pyhip.jit()
def fill(J, p: "int*", value: "int"):
    off = J.gpr(J.threadIdx.x[0] << 2)
    v = J.gpr("vu32")
    J.v_mov_b32(v, value)
    J.global_store_dword(off, v, p)
    J.s_waitcnt(vmcnt=0)


def test_jit_launch_errors_and_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYHIP_EMU", "machine")
    out = np.zeros(64, np.int32)
    with pytest.raises(KernelArgError, match="argument 1 'value': 4294967296 is out of range"):
        fill([1], [64], out, 1 << 32)
    with pytest.raises(KernelArgError, match="argument 0 'p': expected a pointer"):
        fill([1], [64], 1.5, 3)
    outs = [np.zeros(64, np.int32) for _ in range(8)]
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            fill([1], [64], outs[i], i + 1)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i, o in enumerate(outs):
        assert (o == i + 1).all()


def _fast(packer: Packer, wg: tuple[int, int, int] | None = None) -> tuple[object, list]:
    """The generated launch function with an entry that records what it was given."""
    import ctypes

    from pyhip_mlir.runtime.launcher import compile_launch

    seen: list = []

    def entry(g: object, b: object, buf: object, state: object, stream: object, lds: int) -> None:
        seen.append((g, b, bytes(buf)[:packer.struct.size], stream, lds))

    return compile_launch(packer, entry, lambda: (ctypes.create_string_buffer(packer.struct.size),
                                                 None), wg, "sig"), seen


def test_generated_launch_packs_the_same_bytes(sig_packer: Packer) -> None:
    launch, seen = _fast(sig_packer)
    a, b = torch.zeros(4), np.zeros(4, np.int32)
    vals = [a, -3, -300, 2.5, b, 4_000_000_000, -(1 << 40), 1.5, 0.25]
    launch([2, 3], (64,), vals, 77, 128)
    assert seen == [((2, 3, 1), (64, 1, 1), sig_packer.pack(vals), 77, 128)]
    launch(5, [64], [a, np.int8(1), True, 1, 1 << 20, 0, 0, 0, 0], None, 0)  # exact types not needed
    assert len(seen) == 2


@pytest.mark.parametrize("pos, value, message", [
    (0, 3.5, "argument 0 'a': expected a pointer"),
    (0, torch.zeros(4)[1:].view(torch.int8)[1:], "argument 0 'a': address .* is not 4-byte aligned"),
    (1, 200, "argument 1 'c': 200 is out of range for char"),
    (3, 1e300, "argument 3 'd'"),
    (5, -1, "argument 5 'u': -1 is out of range for unsigned int"),
    (8, 1e10, "argument 8 'f16': .*out of range"),
])
def test_generated_launch_reports_bad_arguments(sig_packer: Packer, pos: int, value: object,
                                                message: str) -> None:
    launch, seen = _fast(sig_packer)
    vals: list[object] = [torch.zeros(1), 0, 0, 0.0, np.zeros(1, np.int32), 0, 0, 0.0, 0.0]
    vals[pos] = value
    if pos == 3:  # a double holds 1e300: no error, packed as is
        launch([1], [64], vals, None, 0)
        assert struct.unpack_from("<d", seen[0][2], sig_packer.explicit[3][".offset"])[0] == 1e300
        return
    with pytest.raises(KernelArgError, match=message):
        launch([1], [64], vals, None, 0)
    assert not seen
    with pytest.raises(KernelArgError, match="takes 9 argument"):
        launch([1], [64], vals[:3], None, 0)
    with pytest.raises(KernelArgError, match="block"):
        launch([1], [0], vals, None, 0)
