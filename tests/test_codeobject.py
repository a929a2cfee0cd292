"""pyhip_mlir.emulator.codeobject against LLVM 22 on real code objects.

The HIP kernels of tests/data/hip (and two extra ones that enable the dispatch
pointer, hidden arguments and scratch) are compiled for gfx942 and gfx90a with
clang-22, examples/vector_add.mlir is printed and assembled for gfx942. Oracles:
``llvm-objdump-22 -D --disassemble-symbols=NAME.kd`` (descriptor directives),
``llvm-readelf-22 --notes`` (metadata YAML), ``llvm-objdump-22 -d`` (instruction
encodings, which must be the kernel's code bytes), and the register each kernel's own
code uses for the kernarg pointer, workgroup ids and scratch wave offset.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from pyhip_mlir.codegen.asm_meta import parse_yaml
from pyhip_mlir.codegen.asm_printer import print_module_asm
from pyhip_mlir.dialects.cdna import KernelOp, make_context
from pyhip_mlir.emulator import codeobject
from pyhip_mlir.emulator.codeobject import (
    CodeObjectError,
    CodeObjectKernel,
    kernel_ir,
    read_code_object,
)
from pyhip_mlir.emulator.elf import MsgPackError, decode_msgpack

ROOT = Path(__file__).resolve().parent.parent
HIP_DIR = ROOT / "tests" / "data" / "hip"
HIP_KERNELS = ("divergent_loop", "lds_transpose", "mfma_tile", "reduce_dpp", "vector_add")
ARCHS = ("gfx942", "gfx90a")
CLANG = shutil.which("clang-22")
OBJDUMP = shutil.which("llvm-objdump-22")
READELF = shutil.which("llvm-readelf-22")
pytestmark = pytest.mark.skipif(
    not (CLANG and OBJDUMP and READELF), reason="clang-22 / llvm-22 not installed"
)

# Extra kernels: `hidden` reads the grid size (dispatch pointer) and the workgroup size
# (hidden arguments); `scratchy` needs a private segment.
EXTRA_HIP = {
    "hidden": """#define __global__ __attribute__((global))
extern "C" __global__ void hidden(float *out, long s, unsigned short h, double d, char c) {
  unsigned i = __builtin_amdgcn_workgroup_id_x() * __builtin_amdgcn_workgroup_size_x()
             + __builtin_amdgcn_workitem_id_x();
  unsigned j = __builtin_amdgcn_workgroup_id_y() * __builtin_amdgcn_workgroup_size_y()
             + __builtin_amdgcn_workitem_id_y();
  out[i + j * __builtin_amdgcn_grid_size_x()] = s + h + d + c;
}
""",
    "scratchy": """#define __global__ __attribute__((global))
extern "C" __global__ void scratchy(int *out, int k) {
  volatile int a[64];
  unsigned t = __builtin_amdgcn_workitem_id_x();
  for (int i = 0; i < 64; ++i) a[i] = i * k;
  out[t + __builtin_amdgcn_workgroup_id_y() * 64] = a[(t * 7) & 63];
}
""",
}
ALL_HIP = (*HIP_KERNELS, *EXTRA_HIP)


def hip_compile(src: Path, arch: str, out: Path, *extra: str) -> Path:
    """The project's HIP command line (tests/data/hip/README.md)."""
    assert CLANG is not None
    cmd = [CLANG, "-x", "hip", f"--offload-arch={arch}", "--offload-device-only",
           "--no-gpu-bundle-output", "-nogpuinc", "-nogpulib", "-O3", "-cuid=pyhip", *extra,
           "-c", str(src), "-o", str(out)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="session")
def objects(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """(kernel, arch) -> code object; ("vector_add_asm", "gfx942") is the assembled
    example, ("vector_add_asm_rel", ...) its relocatable object, (K, "gfx942-named")
    a HIP kernel compiled with -fhip-kernel-arg-name."""
    d = tmp_path_factory.mktemp("codeobjects")
    out: dict[tuple[str, str], Path] = {}
    for name in ALL_HIP:
        src = HIP_DIR / f"{name}.hip"
        if name in EXTRA_HIP:
            src = d / f"{name}.hip"
            src.write_text(EXTRA_HIP[name])
        for arch in ARCHS:
            out[(name, arch)] = hip_compile(src, arch, d / f"{name}.{arch}.co")
        out[(name, "gfx942-named")] = hip_compile(
            src, "gfx942", d / f"{name}.named.co", "-fhip-kernel-arg-name"
        )
    from xdsl.parser import Parser

    module = Parser(
        make_context(), (ROOT / "examples" / "vector_add.mlir").read_text()
    ).parse_module()
    text = io.StringIO()
    print_module_asm(module, text, "gfx942")
    asm = d / "vector_add.s"
    asm.write_text(text.getvalue())
    for key, flags in (("vector_add_asm", []), ("vector_add_asm_rel", ["-c"])):
        obj = d / f"{key}.co"
        cmd = [CLANG, "-x", "assembler", "-target", "amdgcn-amd-amdhsa", "-mcpu=gfx942", *flags,
               str(asm), "-o", str(obj)]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        out[(key, "gfx942")] = obj
    return out


def only_kernel(path: Path) -> CodeObjectKernel:
    co = read_code_object(path)
    assert len(co.kernels) == 1
    return next(iter(co.kernels.values()))


def tool(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


def all_objects() -> list[tuple[str, str]]:
    keys = [(k, a) for k in ALL_HIP for a in ARCHS]
    return [*keys, ("vector_add_asm", "gfx942"), ("vector_add_asm_rel", "gfx942")]


# --- descriptor -------------------------------------------------------------------------

# Directives llvm-objdump prints that are not descriptor fields (always printed as 0).
NOT_IN_DESCRIPTOR = {"reserve_vcc", "reserve_xnack_mask", "reserve_flat_scratch"}
EXCEPTIONS = ("fp_ieee_invalid_op", "fp_denorm_src", "fp_ieee_div_zero", "fp_ieee_overflow",
              "fp_ieee_underflow", "fp_ieee_inexact", "int_div_zero")  # fmt: skip


def expected_directives(k: CodeObjectKernel) -> dict[str, int]:
    """The descriptor as the .amdhsa_* directive values llvm-objdump prints."""
    d = k.descriptor
    out = {
        "group_segment_fixed_size": d.group_segment_fixed_size,
        "private_segment_fixed_size": d.private_segment_fixed_size,
        "kernarg_size": d.kernarg_size,
        "accum_offset": d.accum_offset_vgprs,
        "tg_split": d.tg_split,
        "next_free_vgpr": d.vgpr_alloc,
        # llvm-objdump prints (granule + 1) * 8; the hardware allocates sgpr_alloc.
        "next_free_sgpr": (d.granulated_wavefront_sgpr_count + 1) * 8,
        "float_round_mode_32": d.float_round_mode_32,
        "float_round_mode_16_64": d.float_round_mode_16_64,
        "float_denorm_mode_32": d.float_denorm_mode_32,
        "float_denorm_mode_16_64": d.float_denorm_mode_16_64,
        "dx10_clamp": d.enable_dx10_clamp,
        "ieee_mode": d.enable_ieee_mode,
        "fp16_overflow": d.fp16_ovfl,
        "enable_private_segment": d.enable_private_segment,
        "system_sgpr_private_segment_wavefront_offset": d.enable_private_segment,
        "system_sgpr_workgroup_id_x": d.enable_sgpr_workgroup_id_x,
        "system_sgpr_workgroup_id_y": d.enable_sgpr_workgroup_id_y,
        "system_sgpr_workgroup_id_z": d.enable_sgpr_workgroup_id_z,
        "system_sgpr_workgroup_info": d.enable_sgpr_workgroup_info,
        "system_vgpr_workitem_id": d.enable_vgpr_workitem_id,
        "user_sgpr_count": d.user_sgpr_count,
        "user_sgpr_private_segment_buffer": d.enable_sgpr_private_segment_buffer,
        "user_sgpr_dispatch_ptr": d.enable_sgpr_dispatch_ptr,
        "user_sgpr_queue_ptr": d.enable_sgpr_queue_ptr,
        "user_sgpr_kernarg_segment_ptr": d.enable_sgpr_kernarg_segment_ptr,
        "user_sgpr_dispatch_id": d.enable_sgpr_dispatch_id,
        "user_sgpr_flat_scratch_init": d.enable_sgpr_flat_scratch_init,
        "user_sgpr_private_segment_size": d.enable_sgpr_private_segment_size,
        "user_sgpr_kernarg_preload_length": d.kernarg_preload_spec_length,
        "user_sgpr_kernarg_preload_offset": d.kernarg_preload_spec_offset,
        "wavefront_size32": d.enable_wavefront_size32,
        "uses_dynamic_stack": d.uses_dynamic_stack,
    }
    for i, name in enumerate(EXCEPTIONS):
        out[f"exception_{name}"] = (d.enable_exception >> i) & 1
    return {key: int(v) for key, v in out.items()}


@pytest.mark.parametrize("key", all_objects(), ids="-".join)
def test_descriptor_matches_objdump(
    objects: dict[tuple[str, str], Path], key: tuple[str, str]
) -> None:
    path = objects[key]
    k = only_kernel(path)
    text = tool(OBJDUMP, "-D", f"--disassemble-symbols={k.name}.kd", str(path))  # type: ignore[arg-type]
    printed = {
        m[1]: int(m[2]) for m in re.finditer(r"^\s*\.amdhsa_(\w+)\s+(-?\d+)\s*$", text, re.M)
    }
    assert len(printed) > 20, text
    mine = expected_directives(k)
    unknown = set(printed) - set(mine) - NOT_IN_DESCRIPTOR
    assert not unknown, f"directives without a decoded field: {unknown}"
    diff = {n: (v, mine[n]) for n, v in printed.items() if n in mine and mine[n] != v}
    assert not diff, f"(objdump, ours): {diff}"


@pytest.mark.parametrize("name", HIP_KERNELS)
@pytest.mark.parametrize(
    ("arch", "kernarg", "wg_x"), [("gfx942", (0, 2), 2), ("gfx90a", (4, 2), 6)]
)
def test_abi_registers_match_the_code(
    objects: dict[tuple[str, str], Path], name: str, arch: str, kernarg: tuple[int, int], wg_x: int
) -> None:
    """ISA_NOTES: gfx942 kernarg pointer s[0:1]; gfx90a private segment buffer s[0:3]
    then kernarg pointer s[4:5]. The kernel's own s_load reads from that pair."""
    k = only_kernel(objects[(name, arch)])
    d = k.descriptor
    assert d.kernarg_sgprs() == kernarg
    assert d.user_sgpr_count == kernarg[0] + 2
    assert dict(d.system_sgpr_layout())["workgroup_id_x"] == wg_x
    lo = kernarg[0]
    assert re.search(rf"s_load_dword\w*\s+s[\[\d:\]]+,\s+s\[{lo}:{lo + 1}\]", k.disassembly())
    assert re.search(rf"\bs{wg_x}\b", k.disassembly())


def test_dispatch_ptr_and_scratch_layouts(objects: dict[tuple[str, str], Path]) -> None:
    """User SGPRs are dense in CP order; the scratch wave offset is a system SGPR only
    without architected flat scratch (gfx90a), and gfx90a's code adds it to s0."""
    hid = only_kernel(objects[("hidden", "gfx942")]).descriptor
    assert hid.user_sgpr_layout() == [("dispatch_ptr", 0, 2), ("kernarg_segment_ptr", 2, 2)]
    assert hid.system_sgpr_layout() == [("workgroup_id_x", 4), ("workgroup_id_y", 5)]
    assert hid.enable_vgpr_workitem_id == 1
    k90 = only_kernel(objects[("scratchy", "gfx90a")])
    assert k90.descriptor.user_sgpr_layout() == [
        ("private_segment_buffer", 0, 4), ("kernarg_segment_ptr", 4, 2), ("flat_scratch_init", 6, 2)
    ]  # fmt: skip
    assert k90.descriptor.system_sgpr_layout() == [
        ("workgroup_id_x", 8), ("workgroup_id_y", 9), ("private_segment_wave_offset", 10)
    ]  # fmt: skip
    assert re.search(r"s_add_u32 s0, s0, s10\b", k90.disassembly())
    k942 = only_kernel(objects[("scratchy", "gfx942")]).descriptor
    assert k942.enable_private_segment and k942.private_segment_fixed_size == 272
    assert k942.system_sgpr_layout() == [("workgroup_id_x", 2), ("workgroup_id_y", 3)]


# --- metadata ---------------------------------------------------------------------------


def readelf_metadata(path: Path) -> dict:
    text = tool(READELF, "--notes", str(path))  # type: ignore[arg-type]
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip() == "---") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "...")
    return parse_yaml([(i + 1, lines[i]) for i in range(start, end)], str(path))


@pytest.mark.parametrize("key", all_objects(), ids="-".join)
def test_metadata_matches_readelf(
    objects: dict[tuple[str, str], Path], key: tuple[str, str]
) -> None:
    co = read_code_object(objects[key])
    assert co.metadata == readelf_metadata(objects[key])
    assert co.target == f"amdgcn-amd-amdhsa--{key[1]}"
    assert co.arch == key[1]


_C_TYPES = {"int": (4, "by_value"), "unsigned": (4, "by_value"), "long": (8, "by_value"),
            "unsigned short": (2, "by_value"), "double": (8, "by_value"), "char": (1, "by_value")}  # fmt: skip


def c_signature(name: str) -> list[tuple[str, str, int, int]]:
    """(name, value_kind, offset, size) per parameter of ``name``'s C declaration."""
    src = EXTRA_HIP.get(name) or (HIP_DIR / f"{name}.hip").read_text()
    m = re.search(rf"void\s+{name}\s*\(([^)]*)\)", src)
    assert m is not None
    out, offset = [], 0
    for param in m.group(1).split(","):
        words = param.replace("*", " * ").split()
        pname = words[-1]
        ctype = " ".join(w for w in words[:-1] if w not in ("const", "__restrict__"))
        size, kind = (8, "global_buffer") if ctype.endswith("*") else _C_TYPES[ctype]
        offset = (offset + size - 1) // size * size
        out.append((pname, kind, offset, size))
        offset += size
    return out


@pytest.mark.parametrize("name", ALL_HIP)
def test_metadata_args_are_the_c_signature(objects: dict[tuple[str, str], Path], name: str) -> None:
    expect = c_signature(name)
    k = only_kernel(objects[(name, "gfx942-named")])
    explicit = [a for a in k.args if not a[".value_kind"].startswith("hidden_")]
    got = [(a[".name"], a[".value_kind"], a[".offset"], a[".size"]) for a in explicit]
    assert got == expect
    for arch in ARCHS:  # without -fhip-kernel-arg-name: same layout, no names
        plain = only_kernel(objects[(name, arch)]).args
        assert [(a[".value_kind"], a[".offset"], a[".size"]) for a in plain[: len(expect)]] == [
            e[1:] for e in expect
        ]
    assert k.kernarg_segment_size == k.descriptor.kernarg_size


def test_asm_example_metadata(objects: dict[tuple[str, str], Path]) -> None:
    """The printer's metadata carries names and C types from the cdna.kernel args."""
    k = only_kernel(objects[("vector_add_asm", "gfx942")])
    assert [(a[".name"], a[".type_name"], a[".offset"], a[".size"]) for a in k.args] == [
        ("a", "float*", 0, 8), ("b", "float*", 8, 8), ("c", "float*", 16, 8), ("n", "int", 24, 4)
    ]  # fmt: skip
    assert k.metadata[".reqd_workgroup_size"] == [64, 1, 1]
    assert k.metadata[".wavefront_size"] == 64


# --- code -------------------------------------------------------------------------------

_ENCODING_RE = re.compile(r"//\s*([0-9A-F]+):((?:\s[0-9A-F]{8})+)")


@pytest.mark.parametrize("key", all_objects(), ids="-".join)
def test_code_bytes_are_the_disassembled_instructions(
    objects: dict[tuple[str, str], Path], key: tuple[str, str]
) -> None:
    """The function symbol's bytes are what llvm-objdump decodes from the entry on
    (it goes on to the section end: s_code_end / s_nop padding outside the symbol)."""
    k = only_kernel(objects[key])
    words = [(int(m[1], 16), m[2].split()) for m in _ENCODING_RE.finditer(k.disassembly())]
    assert words and words[0][0] == k.address
    code = b"".join(struct.pack("<I", int(w, 16)) for _, ws in words for w in ws)
    assert len(k.code) > 0 and code[: len(k.code)] == k.code
    padding = set(struct.unpack(f"<{(len(code) - len(k.code)) // 4}I", code[len(k.code) :]))
    assert padding <= {0xBF800000, 0xBF9F0000}  # s_nop 0, s_code_end
    raw = objects[key].read_bytes()
    assert raw[k.code_offset : k.code_offset + len(k.code)] == k.code


def test_relocatable_object_matches_linked(objects: dict[tuple[str, str], Path]) -> None:
    linked = only_kernel(objects[("vector_add_asm", "gfx942")])
    rel = only_kernel(objects[("vector_add_asm_rel", "gfx942")])
    assert rel.code == linked.code
    assert rel.metadata == linked.metadata
    assert rel.descriptor.compute_pgm_rsrc1 == linked.descriptor.compute_pgm_rsrc1
    assert rel.descriptor.compute_pgm_rsrc2 == linked.descriptor.compute_pgm_rsrc2


@pytest.mark.parametrize(
    "key", [k for k in all_objects() if k != ("scratchy", "gfx90a")], ids="-".join
)
def test_kernel_ir(objects: dict[tuple[str, str], Path], key: tuple[str, str]) -> None:
    k = only_kernel(objects[key])
    op = kernel_ir(k)
    assert isinstance(op, KernelOp)
    assert op.sym_name.data == k.name
    names = [o.name for o in op.walk()]
    assert "cdna.s_endpgm" in names
    end = k.address + len(k.code)
    n_inst = sum(1 for m in _ENCODING_RE.finditer(k.disassembly()) if int(m[1], 16) < end)
    skip = ("cdna.get_reg", "cdna.fallthrough", "cdna.kernel")
    assert sum(1 for n in names if not n.startswith(skip)) == n_inst


def test_kernel_ir_refuses_gfx90a_flat_scratch(objects: dict[tuple[str, str], Path]) -> None:
    """gfx90a's flat scratch prologue writes flat_scratch_lo/hi, which the IR has no
    value for: a clear error naming the line, not a parser failure."""
    from pyhip_mlir.emulator.ctx import EmulationError

    k = only_kernel(objects[("scratchy", "gfx90a")])
    with pytest.raises(EmulationError, match=r"scratchy.*flat scratch.*flat_scratch_lo"):
        kernel_ir(k)


# --- errors -----------------------------------------------------------------------------


def test_not_elf(tmp_path: Path) -> None:
    p = tmp_path / "k.co"
    p.write_text("not an elf\n")
    with pytest.raises(CodeObjectError, match=r"k\.co: not an ELF file"):
        read_code_object(p)
    with pytest.raises(CodeObjectError, match="cannot read"):
        read_code_object(tmp_path / "missing.co")


def test_not_amdgpu(objects: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    raw = bytearray(objects[("vector_add", "gfx942")].read_bytes())
    raw[18:20] = struct.pack("<H", 62)  # e_machine = EM_X86_64
    p = tmp_path / "x86.o"
    p.write_bytes(raw)
    with pytest.raises(CodeObjectError, match=r"not an AMDGPU code object \(e_machine 62"):
        read_code_object(p)
    raw[4] = 1  # ELFCLASS32
    p.write_bytes(raw)
    with pytest.raises(CodeObjectError, match="64-bit little-endian"):
        read_code_object(p)


def test_missing_kd(objects: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    raw = objects[("vector_add", "gfx942")].read_bytes()
    assert raw.count(b"vector_add.kd\0") >= 1  # symbol string tables
    p = tmp_path / "nokd.co"
    p.write_bytes(raw.replace(b"vector_add.kd\0", b"vector_add.kx\0"))
    with pytest.raises(CodeObjectError, match="descriptor symbol 'vector_add.kd' not found"):
        read_code_object(p)


def test_every_truncation_is_a_code_object_error(
    objects: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    raw = objects[("vector_add", "gfx942")].read_bytes()
    p = tmp_path / "cut.co"
    for n in range(0, len(raw), 7):
        p.write_bytes(raw[:n])
        with pytest.raises(CodeObjectError):
            read_code_object(p)
    p.write_bytes(raw[:40])
    with pytest.raises(CodeObjectError, match="truncated ELF header"):
        read_code_object(p)


def test_corruption_never_escapes_as_another_exception(
    objects: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    raw = objects[("hidden", "gfx942")].read_bytes()
    rng = random.Random(942)
    p = tmp_path / "bad.co"
    for _ in range(400):
        bad = bytearray(raw)
        for _ in range(rng.randint(1, 8)):
            bad[rng.randrange(len(bad))] = rng.randrange(256)
        p.write_bytes(bad)
        try:
            read_code_object(p)
        except CodeObjectError:
            pass


def test_bad_metadata_note(objects: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    raw = bytearray(objects[("vector_add", "gfx942")].read_bytes())
    at = raw.index(b"AMDGPU\0\0") + 8  # the note's descriptor starts after the name
    raw[at] = 0xC1  # a tag MessagePack never uses
    p = tmp_path / "meta.co"
    p.write_bytes(raw)
    with pytest.raises(
        CodeObjectError, match="NT_AMDGPU_METADATA note: unsupported MessagePack tag 0xc1"
    ):
        read_code_object(p)


def test_missing_objdump(
    objects: dict[tuple[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    k = only_kernel(objects[("vector_add", "gfx942")])
    monkeypatch.setattr(codeobject, "find_llvm_objdump", lambda: None)
    with pytest.raises(CodeObjectError, match=r"apt-get install llvm-22"):
        k.disassembly()
    monkeypatch.undo()
    monkeypatch.setenv("PYHIP_LLVM_OBJDUMP", "/nonexistent/llvm-objdump")
    with pytest.raises(CodeObjectError, match="cannot run /nonexistent/llvm-objdump"):
        only_kernel(objects[("vector_add", "gfx942")]).disassembly()


# --- MessagePack --------------------------------------------------------------------------


def test_msgpack_subset() -> None:
    doc = (
        b"\x8a"  # fixmap, 10 entries
        + b"\xa1a" + b"\x7f"
        + b"\xa1b" + b"\xe0"  # negative fixint -32
        + b"\xa1c" + b"\xcd\x12\x34"
        + b"\xa1d" + b"\xd3" + struct.pack(">q", -(2**40))
        + b"\xa1e" + b"\xcb" + struct.pack(">d", 2.5)
        + b"\xa1f" + b"\xca" + struct.pack(">f", 0.5)
        + b"\xd9\x01g" + b"\xdc\x00\x03\xc0\xc2\xc3"  # str8 key, array16 [nil, false, true]
        + b"\xa1h" + b"\xde\x00\x01\xa1k\x91\x01"  # map16 {"k": [1]}
        + b"\xa1i" + b"\xc4\x02\x00\xff"  # bin8
        + b"\xa1j" + b"\xda\x00\x03xyz"  # str16
    )  # fmt: skip
    assert decode_msgpack(doc) == {
        "a": 127, "b": -32, "c": 0x1234, "d": -(2**40), "e": 2.5, "f": 0.5,
        "g": [None, False, True], "h": {"k": [1]}, "i": b"\x00\xff", "j": "xyz",
    }  # fmt: skip
    for bad, msg in (
        (b"\x92\x01", "truncated"),
        (b"\xc1", "unsupported"),
        (b"\x01\x02", "trailing"),
    ):
        with pytest.raises(MsgPackError, match=msg):
            decode_msgpack(bad)
