"""pyhip_mlir.runtime.kernargs: byte-exact kernarg segments and every error path.

The layouts come from real code objects compiled by clang-22 (read back with
:mod:`pyhip_mlir.emulator.codeobject`); the expected bytes are built independently
with :mod:`struct` at the offsets ``llvm-readelf-22 --notes`` prints. Hidden
argument values follow AMDGPUUsage "Code Object V5 Metadata" and ROCm CLR.
"""

from __future__ import annotations

import ctypes
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pyhip_mlir.codegen.asm_meta import parse_yaml
from pyhip_mlir.emulator.codeobject import CodeObjectKernel, read_code_object
from pyhip_mlir.runtime.kernargs import KernelArgError, pack_kernargs, pointer_value

CLANG = shutil.which("clang-22")
READELF = shutil.which("llvm-readelf-22")
needs_llvm = pytest.mark.skipif(not (CLANG and READELF), reason="clang-22 / llvm-22 not installed")

# Uses the workgroup sizes (hidden_group_size_*), so clang keeps the hidden arguments.
HIDDEN_HIP = """#define __global__ __attribute__((global))
extern "C" __global__ void hidden(float *out, long s, unsigned short h, double d, char c) {
  unsigned i = __builtin_amdgcn_workgroup_id_x() * __builtin_amdgcn_workgroup_size_x()
             + __builtin_amdgcn_workitem_id_x();
  unsigned j = __builtin_amdgcn_workgroup_id_y() * __builtin_amdgcn_workgroup_size_y()
             + __builtin_amdgcn_workitem_id_y();
  out[i + j * 1000] = s + h + d + c;
}
"""


@pytest.fixture(scope="session")
def hidden_kernel(tmp_path_factory: pytest.TempPathFactory) -> tuple[CodeObjectKernel, list[dict]]:
    """The compiled kernel and its ``.args`` as llvm-readelf prints them."""
    d = tmp_path_factory.mktemp("kernargs")
    src, obj = d / "hidden.hip", d / "hidden.co"
    src.write_text(HIDDEN_HIP)
    assert CLANG is not None and READELF is not None
    subprocess.run(
        [CLANG, "-x", "hip", "--offload-arch=gfx942", "--offload-device-only",
         "--no-gpu-bundle-output", "-nogpuinc", "-nogpulib", "-O3", "-cuid=pyhip",
         "-fhip-kernel-arg-name", "-c", str(src), "-o", str(obj)],
        check=True,
    )  # fmt: skip
    notes = subprocess.run(
        [READELF, "--notes", str(obj)], capture_output=True, text=True, check=True
    )
    lines = notes.stdout.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip() == "---") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "...")
    doc = parse_yaml([(i + 1, lines[i]) for i in range(start, end)], "readelf")
    (entry,) = doc["amdhsa.kernels"]
    return read_code_object(obj).kernels["hidden"], entry[".args"]


def by_kind(args: list[dict]) -> dict[str, dict]:
    return {a[".value_kind"] if a[".value_kind"] != "by_value" else a[".name"]: a for a in args}


def expected_segment(
    args: list[dict], size: int, explicit: dict[str, bytes], hidden: dict[str, int]
) -> bytes:
    """Zero-filled segment with ``explicit`` (name -> bytes) and ``hidden`` (kind ->
    value, stored in the argument's .size bytes) placed at the readelf offsets."""
    out = bytearray(size)
    for a in args:
        kind = a[".value_kind"]
        raw = explicit.get(a.get(".name", "")) if not kind.startswith("hidden_") else None
        if kind.startswith("hidden_"):
            raw = hidden.get(kind, 0).to_bytes(a[".size"], "little")
        assert raw is not None and len(raw) == a[".size"]
        out[a[".offset"] : a[".offset"] + len(raw)] = raw
    return bytes(out)


@needs_llvm
@pytest.mark.parametrize(
    ("grid", "block", "work_items", "counts", "remainders"),
    [
        ((3, 2, 1), (64, 4, 1), None, (3, 2, 1), (0, 0, 0)),
        # 2-D grid with partial last workgroups: 190 = 2*64 + 62, 7 = 1*4 + 3.
        ((3, 2, 1), (64, 4, 1), (190, 7, 1), (2, 1, 1), (62, 3, 0)),
    ],
)
def test_hidden_kernel_byte_exact(
    hidden_kernel: tuple[CodeObjectKernel, list[dict]],
    grid: tuple[int, int, int],
    block: tuple[int, int, int],
    work_items: tuple[int, int, int] | None,
    counts: tuple[int, int, int],
    remainders: tuple[int, int, int],
) -> None:
    kernel, readelf_args = hidden_kernel
    assert kernel.args == readelf_args
    kinds = [a[".value_kind"] for a in readelf_args]
    assert "hidden_block_count_x" in kinds and "hidden_grid_dims" in kinds
    buf = np.arange(16, dtype=np.float32)
    values = [buf, -5, 65535, 2.5, -3]
    got = pack_kernargs(
        kernel.args, values, grid, block, segment_size=kernel.kernarg_segment_size,
        work_items=work_items,
    )  # fmt: skip
    explicit = {
        "out": struct.pack("<Q", buf.__array_interface__["data"][0]),
        "s": struct.pack("<q", -5),
        "h": struct.pack("<H", 65535),
        "d": struct.pack("<d", 2.5),
        "c": struct.pack("<b", -3),
    }
    hidden = {"hidden_grid_dims": 3}
    for i, axis in enumerate("xyz"):
        hidden[f"hidden_block_count_{axis}"] = counts[i]
        hidden[f"hidden_group_size_{axis}"] = block[i]
        hidden[f"hidden_remainder_{axis}"] = remainders[i]
    size = kernel.metadata[".kernarg_segment_size"]
    assert bytes(got) == expected_segment(readelf_args, size, explicit, hidden)
    assert len(got) == 296 == kernel.descriptor.kernarg_size


# --- synthetic metadata: typed scalars, pointers, other hidden kinds ----------------------


def arg(
    name: str, offset: int, size: int, kind: str = "by_value", tname: str | None = None
) -> dict:
    a: dict[str, Any] = {".name": name, ".offset": offset, ".size": size, ".value_kind": kind}
    if tname is not None:
        a[".type_name"] = tname
    return a


def pack1(a: dict, value: object) -> bytes:
    seg = pack_kernargs([a], [value], (1, 1, 1), (64, 1, 1), segment_size=a[".offset"] + a[".size"])
    return bytes(seg[a[".offset"] :])


@pytest.mark.parametrize(
    ("tname", "size", "value", "raw"),
    [
        ("int", 4, -1, struct.pack("<i", -1)),
        ("unsigned int", 4, 2**32 - 1, struct.pack("<I", 2**32 - 1)),
        ("uint", 4, 7, struct.pack("<I", 7)),
        ("int64_t", 8, -(2**63), struct.pack("<q", -(2**63))),
        ("unsigned long", 8, 2**64 - 1, struct.pack("<Q", 2**64 - 1)),
        ("short", 2, -32768, struct.pack("<h", -32768)),
        ("char", 1, -128, b"\x80"),
        ("bool", 1, True, b"\x01"),
        ("float", 4, 1.5, struct.pack("<f", 1.5)),
        ("float", 4, 3, struct.pack("<f", 3.0)),  # an int for a float parameter converts
        ("double", 8, np.float32(0.25), struct.pack("<d", 0.25)),
        ("half", 2, 1.0, struct.pack("<e", 1.0)),
        ("__bf16", 2, 1.0, b"\x80\x3f"),
        ("'const int'", 4, np.int16(-2), struct.pack("<i", -2)),
        (None, 4, 0.5, struct.pack("<f", 0.5)),  # no type: a float by size
        (None, 8, -(2**63), struct.pack("<q", -(2**63))),
        (None, 4, 2**32 - 1, struct.pack("<I", 2**32 - 1)),
        ("S", 12, b"\x01" * 12, b"\x01" * 12),  # a struct passed as bytes
    ],
)
def test_by_value_encoding(tname: str | None, size: int, value: object, raw: bytes) -> None:
    assert pack1(arg("x", 8, size, tname=tname), value) == raw


@pytest.mark.parametrize(
    ("tname", "size", "value", "message"),
    [
        ("int", 4, 2**31, r"2147483648 is out of range for int32"),
        ("unsigned int", 4, -1, r"-1 is out of range for uint32"),
        ("bool", 1, 2, "out of range for bool"),
        (None, 2, 70000, r"out of range for a 2-byte integer \(-32768\.\.65535\)"),
        ("int", 4, 3.0, "expected an integer for int, got float"),
        ("int", 4, "3", "expected an integer for int, got str"),
        ("float", 4, "x", "expected a number for float, got str"),
        ("float", 4, 1e300, "out of range for a 32-bit float"),
        (None, 8, "x", "expected a number"),
        (None, 1, 0.5, "a float cannot be stored in a 1-byte by-value argument"),
        ("S", 12, b"\x00" * 8, "8 bytes given for a 12-byte argument"),
    ],
)
def test_by_value_errors(tname: str | None, size: int, value: object, message: str) -> None:
    with pytest.raises(KernelArgError, match=message) as info:
        pack1(arg("n", 0, size, tname=tname), value)
    assert info.value.name == "n" and info.value.position == 0
    assert str(info.value).startswith("argument 0 'n': ")


def test_pointer_sources() -> None:
    a = np.arange(8, dtype=np.float64)
    addr = a.__array_interface__["data"][0]
    ptr = arg("p", 0, 8, "global_buffer")

    class DLPackOnly:
        def __init__(self, x: np.ndarray):
            self.x = x

        def __dlpack__(self, **kw: Any) -> Any:
            return self.x.__dlpack__(**kw)

    carr = (ctypes.c_int * 4)()
    sources = [
        (a, addr), (a[3:], addr + 24), (DLPackOnly(a[2:]), addr + 16), (addr, addr),
        (np.uint64(addr), addr), (None, 0), (carr, ctypes.addressof(carr)),
        (ctypes.c_void_p(1234), 1234),
    ]  # fmt: skip
    for value, want in sources:
        assert pointer_value(value) == want
        assert pack1(ptr, value) == struct.pack("<Q", want)
    typed = arg("q", 0, 8, "by_value", "float*")  # a by-value pointer type is a pointer
    assert pack1(typed, a) == struct.pack("<Q", addr)


def test_torch_tensor_pointer() -> None:
    torch = pytest.importorskip("torch")
    t = torch.arange(10, dtype=torch.float32)
    assert pack1(arg("p", 0, 8, "global_buffer"), t[2:]) == struct.pack("<Q", t.data_ptr() + 8)


@pytest.mark.parametrize("value", ["abc", 1.5, True, [1, 2], -1, 2**64, object()])
def test_not_a_pointer(value: object) -> None:
    meta = [arg("n", 0, 4, tname="int"), arg("buf", 8, 8, "global_buffer")]
    with pytest.raises(KernelArgError) as info:
        pack_kernargs(meta, [1, value], (1, 1, 1), (1, 1, 1), segment_size=16)
    assert (info.value.name, info.value.position) == ("buf", 1)
    assert "expected a pointer" in str(info.value) or "64-bit unsigned" in str(info.value)


VADD = [arg("a", 0, 8, "global_buffer", "float*"), arg("b", 8, 8, "global_buffer", "float*"),
        arg("c", 16, 8, "global_buffer", "float*"), arg("n", 24, 4, tname="int")]  # fmt: skip


def test_argument_count() -> None:
    with pytest.raises(
        KernelArgError, match=r"expected 4 arguments \(a, b, c, n\), got 2: missing 'c', 'n'"
    ) as info:
        pack_kernargs(VADD, [0, 0], (1, 1, 1), (64, 1, 1), segment_size=28)
    assert (info.value.name, info.value.position) == ("c", 2)
    with pytest.raises(KernelArgError, match=r"got 6: 2 extra value\(s\) from position 4") as info:
        pack_kernargs(VADD, [0, 0, 0, 1, 2, 3], (1, 1, 1), (64, 1, 1), segment_size=28)
    assert info.value.position == 4
    unnamed = [{k: v for k, v in a.items() if k != ".name"} for a in VADD]
    with pytest.raises(KernelArgError, match=r"\(arg0, arg1, arg2, arg3\), got 3: missing 'arg3'"):
        pack_kernargs(unnamed, [0, 0, 0], (1, 1, 1), (64, 1, 1), segment_size=28)


def test_other_hidden_kinds_are_zero_and_lds_size_is_set() -> None:
    kinds = ["hidden_printf_buffer", "hidden_hostcall_buffer", "hidden_multigrid_sync_arg",
             "hidden_heap_v1", "hidden_default_queue", "hidden_completion_action",
             "hidden_private_base", "hidden_shared_base", "hidden_queue_ptr", "hidden_none",
             "hidden_some_future_kind"]  # fmt: skip
    meta = [arg("n", 0, 4, tname="int")]
    meta += [{".offset": 8 + 8 * i, ".size": 8, ".value_kind": k} for i, k in enumerate(kinds)]
    lds_at = 8 + 8 * len(kinds)
    meta.append({".offset": lds_at, ".size": 4, ".value_kind": "hidden_dynamic_lds_size"})
    seg = pack_kernargs(meta, [7], (2, 2, 2), (8, 8, 8), segment_size=lds_at + 8,
                        dynamic_lds_size=4096)  # fmt: skip
    assert bytes(seg[:8]) == struct.pack("<i", 7) + bytes(4)
    assert bytes(seg[8:lds_at]) == bytes(lds_at - 8)
    assert bytes(seg[lds_at:]) == struct.pack("<I", 4096) + bytes(4)


def test_launch_shape_errors() -> None:
    with pytest.raises(KernelArgError, match="grid: must be 3 positive integers"):
        pack_kernargs(VADD, [0, 0, 0, 1], (0, 1, 1), (64, 1, 1), segment_size=28)
    with pytest.raises(KernelArgError, match="block: must be 3 integers"):
        pack_kernargs(VADD, [0, 0, 0, 1], (1, 1, 1), 64, segment_size=28)  # type: ignore[arg-type]
    with pytest.raises(KernelArgError, match=r"grid: \(2, 1, 1\) workgroups do not match"):
        pack_kernargs(
            VADD, [0, 0, 0, 1], (2, 1, 1), (64, 1, 1), segment_size=28, work_items=(200, 1, 1)
        )
    meta = [{".offset": 0, ".size": 2, ".value_kind": "hidden_group_size_x"}]
    with pytest.raises(KernelArgError, match="hidden_group_size_x: 65536 does not fit in 2 bytes"):
        pack_kernargs(meta, [], (1, 1, 1), (65536, 1, 1), segment_size=2)


def test_metadata_outside_segment() -> None:
    with pytest.raises(KernelArgError, match="lies outside the 24-byte kernarg segment") as info:
        pack_kernargs(VADD, [0, 0, 0, 1], (1, 1, 1), (64, 1, 1), segment_size=24)
    assert (info.value.name, info.value.position) == ("n", 3)


def test_asm_kernel_layout_from_a_code_object(tmp_path: Path) -> None:
    """Packing against examples/vector_add.mlir assembled: typed metadata, no hidden args."""
    if not CLANG:
        pytest.skip("clang-22 not installed")
    import io

    from xdsl.parser import Parser

    from pyhip_mlir.codegen.asm_printer import print_module_asm
    from pyhip_mlir.dialects.cdna import make_context

    root = Path(__file__).resolve().parent.parent
    module = Parser(
        make_context(), (root / "examples" / "vector_add.mlir").read_text()
    ).parse_module()
    out = io.StringIO()
    print_module_asm(module, out, "gfx942")
    (tmp_path / "v.s").write_text(out.getvalue())
    subprocess.run([CLANG, "-x", "assembler", "-target", "amdgcn-amd-amdhsa", "-mcpu=gfx942",
                    str(tmp_path / "v.s"), "-o", str(tmp_path / "v.co")], check=True)  # fmt: skip
    k = read_code_object(tmp_path / "v.co").kernels["vector_add"]
    a, b, c = (np.zeros(4, np.float32) for _ in range(3))
    seg = pack_kernargs(
        k.args, [a, b, c, 4], (1, 1, 1), (64, 1, 1), segment_size=k.kernarg_segment_size
    )
    addrs = [x.__array_interface__["data"][0] for x in (a, b, c)]
    assert bytes(seg) == struct.pack("<QQQi", *addrs, 4)
    with pytest.raises(
        KernelArgError, match="argument 3 'n': 2147483648 is out of range for int32"
    ):
        pack_kernargs(k.args, [a, b, c, 2**31], (1, 1, 1), (64, 1, 1), segment_size=28)
