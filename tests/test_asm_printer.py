"""The assembly printer, checked with the real toolchain.

Allocated kernels (parsed from IR text) are printed, assembled with clang-22 for
gfx90a, gfx942 and gfx950, disassembled with llvm-objdump-22 and their metadata read
back with llvm-readelf-22. Error paths (unallocated values, structured control flow,
ABI mismatches) must raise AsmPrintError naming the culprit.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from xdsl.dialects.builtin import ModuleOp
from xdsl.parser import Parser

from pyhip_mlir.codegen.asm_printer import (
    AsmPrintError,
    format_inst,
    kernel_to_asm,
    modifiers_text,
    parallel_copy,
    print_module_asm,
    waitcnt_text,
)
from pyhip_mlir.dialects.cdna import InstOp, KernelOp, make_context

ROOT = Path(__file__).resolve().parent.parent
ARCHS = ("gfx90a", "gfx942", "gfx950")
CLANG = shutil.which("clang-22")
LLVM_MC = shutil.which("llvm-mc-22")
OBJDUMP = shutil.which("llvm-objdump-22")
READELF = shutil.which("llvm-readelf-22")
needs_tools = pytest.mark.skipif(
    not (CLANG and LLVM_MC and OBJDUMP and READELF), reason="LLVM 22 tools not installed"
)


def parse(text: str) -> ModuleOp:
    module = Parser(make_context(), text, "test.mlir").parse_module()
    module.verify()
    return module


def kernel(module: ModuleOp, name: str | None = None) -> KernelOp:
    ks = [op for op in module.walk() if isinstance(op, KernelOp)]
    return next(k for k in ks if name is None or k.sym_name.data == name)


def module_asm(module: ModuleOp, arch: str | None = None) -> str:
    out = io.StringIO()
    print_module_asm(module, out, arch)
    return out.getvalue()


def assemble(asm: str, arch: str, tmp_path: Path) -> Path:
    src = tmp_path / f"k_{arch}.s"
    obj = tmp_path / f"k_{arch}.co"
    src.write_text(asm)
    assert CLANG is not None
    proc = subprocess.run(
        [CLANG, "-x", "assembler", "-target", "amdgcn-amd-amdhsa", f"-mcpu={arch}", str(src),
         "-o", str(obj)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert proc.returncode == 0, f"clang-22 rejected the {arch} assembly:\n{proc.stderr}\n{asm}"
    return obj


def disassemble(obj: Path) -> str:
    assert OBJDUMP is not None
    return subprocess.run(
        [OBJDUMP, "-d", str(obj)], capture_output=True, text=True, check=True
    ).stdout


def descriptor(obj: Path, name: str) -> dict[str, int]:
    """The kernel descriptor as llvm-objdump decodes it (``.amdhsa_*`` -> value)."""
    assert OBJDUMP is not None
    out = subprocess.run(
        [OBJDUMP, "-D", f"--disassemble-symbols={name}.kd", str(obj)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {m[1]: int(m[2]) for m in re.finditer(r"^\s*\.amdhsa_(\w+) (\d+)\s*$", out, re.M)}


def notes(obj: Path) -> str:
    assert READELF is not None
    return subprocess.run(
        [READELF, "--notes", str(obj)], capture_output=True, text=True, check=True
    ).stdout


def instructions(disasm: str) -> list[str]:
    """Disassembled instructions, without encodings/addresses, ``_e32``/``_e64`` dropped."""
    out = []
    for line in disasm.splitlines():
        m = re.match(r"^\s+([a-z]\w*)(.*?)\s*//", line)
        if m:
            mnem = re.sub(r"_e(32|64)$", "", m[1])
            out.append((mnem + " " + m[2].strip()).strip())
    return out


VECTOR_ADD = (ROOT / "examples" / "vector_add.mlir").read_text()

MFMA_LDS = """
builtin.module {
  cdna.kernel @mfma_lds {arch = "ARCH", args = [#cdna.karg<"out", "float*", 0, 8>],
      workgroup_size = [64, 1, 1], lds_bytes = 256 : i64,
      abi_inputs = ["kernarg_segment_ptr", "workitem_id", "exec"]} {
  ^entry(%k : !cdna.sgpr<s[0:1]>, %tid : !cdna.vgpr<v0>, %exec : !cdna.exec):
    %p = cdna.s_load_dwordx2 %k, 0 : (!cdna.sgpr<s[0:1]>) -> !cdna.sgpr<s[2:3]>
    %one = cdna.v_mov_b32 15360 implicit(%exec : exec) : () -> !cdna.vgpr<v2>
    %ab = cdna.build %one, %one : !cdna.vgpr<v2>, !cdna.vgpr<v2> -> !cdna.vgpr<v[2:3]>
    %d = cdna.v_mfma_f32_32x32x8f16 %ab, %ab, 0 implicit(%exec : exec) : (!cdna.vgpr<v[2:3]>, !cdna.vgpr<v[2:3]>) -> !cdna.agpr<a[0:15]>
    cdna.s_nop 7
    cdna.s_nop 7
    %e = cdna.extract %d[3] : !cdna.agpr<a[0:15]> -> !cdna.agpr<a3>
    %r = cdna.copy %e : !cdna.agpr<a3> -> !cdna.vgpr<v4>
    %addr = cdna.v_lshlrev_b32 2, %tid implicit(%exec : exec) : (!cdna.vgpr<v0>) -> !cdna.vgpr<v5>
    cdna.ds_write_b32 %addr, %r implicit(%exec : exec) [offset = 16] : (!cdna.vgpr<v5>, !cdna.vgpr<v4>) -> ()
    cdna.s_waitcnt 49279
    %p_lo = cdna.extract %p[0] : !cdna.sgpr<s[2:3]> -> !cdna.sgpr<s2>
    %lo, %c0 = cdna.v_add_co_u32 %p_lo, %addr implicit(%exec : exec) : (!cdna.sgpr<s2>, !cdna.vgpr<v5>) -> (!cdna.vgpr<v6>, !cdna.vcc)
    %p_hi = cdna.extract %p[1] : !cdna.sgpr<s[2:3]> -> !cdna.sgpr<s3>
    %hi0 = cdna.v_mov_b32 %p_hi implicit(%exec : exec) : (!cdna.sgpr<s3>) -> !cdna.vgpr<v7>
    %hi, %c1 = cdna.v_addc_co_u32 0, %hi0, %c0 implicit(%exec : exec) : (!cdna.vgpr<v7>, !cdna.vcc) -> (!cdna.vgpr<v7>, !cdna.vcc)
    %pv = cdna.build %lo, %hi : !cdna.vgpr<v6>, !cdna.vgpr<v7> -> !cdna.vgpr<v[6:7]>
    cdna.global_store_dword %pv, %r, "off" implicit(%exec : exec) : (!cdna.vgpr<v[6:7]>, !cdna.vgpr<v4>) -> ()
    cdna.s_endpgm
  }
}
"""

LOOP = """
builtin.module {
  cdna.kernel @loop {arch = "ARCH", args = [], abi_inputs = ["exec"]} {
  ^entry(%exec : !cdna.exec):
    %i0 = cdna.s_mov_b32 0 : () -> !cdna.sgpr<s4>
    cdna.s_branch ^head
  ^head:
    %i = cdna.get_reg : !cdna.sgpr<s4>
    %i1, %c = cdna.s_add_u32 %i, 1 implicit() -> (scc) : (!cdna.sgpr<s4>) -> !cdna.sgpr<s4>
    %c2 = cdna.s_cmp_lt_u32 %i1, 100 implicit() -> (scc) : (!cdna.sgpr<s4>) -> ()
    cdna.s_cbranch_scc1 ^head, ^done implicit(%c2 : scc)
  ^other:
    cdna.s_branch ^head
  ^done:
    cdna.s_endpgm
  }
}
"""


# --- whole kernels through clang ------------------------------------------------------


@needs_tools
@pytest.mark.parametrize("arch", ARCHS)
def test_vector_add_assembles_and_has_metadata(arch: str, tmp_path: Path) -> None:
    module = parse(VECTOR_ADD)
    asm = module_asm(module, arch)
    assert f'.amdgcn_target "amdgcn-amd-amdhsa--{arch}"' in asm
    obj = assemble(asm, arch, tmp_path)
    insts = instructions(disassemble(obj))
    for want in (
        "s_load_dwordx4 s[4:7], s[0:1], 0x0",
        "s_load_dword s10, s[0:1], 0x18",
        "v_lshl_add_u32 v1, s2, 6, v0",
        "s_waitcnt lgkmcnt(0)",
        "v_cmp_gt_i32 vcc, s10, v1",
        "s_and_saveexec_b64 s[12:13], vcc",
        "v_addc_co_u32 v5, vcc, 0, v5, vcc",
        "global_load_dword v10, v[4:5], off",
        "s_waitcnt vmcnt(0)",
        "v_add_f32 v12, v10, v11",
        "global_store_dword v[8:9], v12, off",
        "s_endpgm",
    ):
        assert want in insts, f"{want!r} not in {insts}"
    assert any(i.startswith("s_cbranch_execz") for i in insts)
    # build/extract of coinciding registers print nothing; 24 instructions and the
    # three s_nop that separate each VCC write from the v_addc reading it
    assert len(insts) == 27, insts
    assert insts.count("s_nop 0") == 3
    meta = notes(obj)
    for name, offset, size, kind in (
        ("a", 0, 8, "global_buffer"),
        ("b", 8, 8, "global_buffer"),
        ("c", 16, 8, "global_buffer"),
        ("n", 24, 4, "by_value"),
    ):
        m = re.search(
            rf"- \.address_space:\s+global\n\s+\.name:\s+{name}\n\s+\.offset:\s+{offset}\n"
            rf"\s+\.size:\s+{size}\n.*?\.value_kind:\s+{kind}"
            if kind == "global_buffer"
            else rf"- \.name:\s+{name}\n\s+\.offset:\s+{offset}\n\s+\.size:\s+{size}\n"
            rf".*?\.value_kind:\s+{kind}",
            meta,
            re.S,
        )
        assert m, f"argument {name} missing from metadata:\n{meta}"
    assert re.search(r"\.group_segment_fixed_size:\s+0\b", meta)
    assert re.search(r"\.kernarg_segment_size:\s+28\b", meta)
    assert re.search(r"\.max_flat_workgroup_size:\s+64\b", meta)
    assert re.search(r"\.symbol:\s+vector_add\.kd", meta)
    assert re.search(rf"amdhsa\.target:\s+amdgcn-amd-amdhsa--{arch}", meta)
    kd = descriptor(obj, "vector_add")
    assert kd["user_sgpr_kernarg_segment_ptr"] == 1
    assert kd["system_sgpr_workgroup_id_x"] == 1
    assert kd["system_sgpr_workgroup_id_y"] == 0
    assert kd["kernarg_size"] == 28


@needs_tools
@pytest.mark.parametrize("arch", ARCHS)
def test_mfma_lds_kernel(arch: str, tmp_path: Path) -> None:
    module = parse(MFMA_LDS.replace("ARCH", arch))
    asm = kernel_to_asm(kernel(module))
    obj = assemble(asm, arch, tmp_path)
    insts = instructions(disassemble(obj))
    for want in (
        "v_mov_b32 v3, v2",  # cdna.build: v2 is already in place, v3 gets a copy
        "v_accvgpr_read_b32 v4, a3",  # cdna.copy AGPR -> VGPR
        "ds_write_b32 v5, v4 offset:16",
        "global_store_dword v[6:7], v4, off",
    ):
        assert want in insts, f"{want!r} not in {insts}"
    # gfx94x disassembles the gfx90a spelling as v_mfma_f32_32x32x8_f16
    assert (
        re.sub(r"x8_f16", "x8f16", " ".join(insts)).count(
            "v_mfma_f32_32x32x8f16 a[0:15], v[2:3], v[2:3], 0"
        )
        == 1
    )
    kd = descriptor(obj, "mfma_lds")
    assert kd["group_segment_fixed_size"] == 256
    assert kd["accum_offset"] == 8  # v0..v7 -> AGPRs from 8
    assert kd["next_free_vgpr"] >= 24  # 8 VGPRs + 16 AGPRs (granule-rounded)
    assert kd["next_free_vgpr"] < 32
    meta = notes(obj)
    assert re.search(r"\.group_segment_fixed_size:\s+256\b", meta)
    assert re.search(r"\.agpr_count:\s+16\b", meta)
    assert re.search(r"\.vgpr_count:\s+24\b", meta)


@needs_tools
@pytest.mark.parametrize("arch", ARCHS)
def test_loop_labels_and_branches(arch: str, tmp_path: Path) -> None:
    module = parse(LOOP.replace("ARCH", arch))
    asm = kernel_to_asm(kernel(module))
    lines = [line.strip() for line in asm.splitlines()]
    i = lines.index(".LBBloop_1:")  # the loop header is a branch target
    assert lines[i + 1 : i + 6] == [
        "s_add_u32 s4, s4, 1",
        "s_cmp_lt_u32 s4, 0x64",
        "s_cbranch_scc1 .LBBloop_1",
        "s_branch .LBBloop_3",  # the fall-through block is not next in layout
        "s_branch .LBBloop_1",  # ^other: unreachable, so it has no label
    ]
    assert ".LBBloop_2:" not in lines
    obj = assemble(asm, arch, tmp_path)
    insts = instructions(disassemble(obj))
    assert [i.split()[0] for i in insts] == [
        "s_mov_b32", "s_branch", "s_add_u32", "s_cmp_lt_u32", "s_cbranch_scc1", "s_branch",
        "s_branch", "s_endpgm",
    ]  # fmt: skip


@needs_tools
def test_two_kernels_share_one_code_object(tmp_path: Path) -> None:
    text = VECTOR_ADD.rstrip().removesuffix("}")
    loop = LOOP.replace("ARCH", "gfx942").split("builtin.module {", 1)[1].rstrip()
    module = parse(text + loop)
    asm = module_asm(module)
    assert asm.count(".amdgpu_metadata") == 1 and asm.count(".amdgcn_target") == 1
    meta = notes(assemble(asm, "gfx942", tmp_path))
    assert re.search(r"\.name:\s+vector_add\n", meta) and re.search(r"\.name:\s+loop\n", meta)


GFX90A_PRIVATE = """
builtin.module {
  cdna.kernel @psb {arch = "gfx90a", args = [#cdna.karg<"x", "int", 0, 4>],
      abi_inputs = ["kernarg_segment_ptr", "workgroup_id_x", "workgroup_id_y"]} {
  ^entry(%k : !cdna.sgpr<s[KLO:KHI]>, %wx : !cdna.sgpr<sWX>, %wy : !cdna.sgpr<sWY>):
    %x = cdna.s_load_dword %k, 0 : (!cdna.sgpr<s[KLO:KHI]>) -> !cdna.sgpr<s8>
    cdna.s_endpgm
  }
}
"""


def _psb(klo: int, wx: int, wy: int, arch: str = "gfx90a") -> ModuleOp:
    text = GFX90A_PRIVATE.replace("KLO", str(klo)).replace("KHI", str(klo + 1))
    text = text.replace("sWX", f"s{wx}").replace("sWY", f"s{wy}").replace("gfx90a", arch)
    return parse(text)


@needs_tools
def test_gfx90a_private_segment_buffer_layout(tmp_path: Path) -> None:
    """clang's gfx90a layout (kernarg in s[4:5]) enables the private segment buffer."""
    obj = assemble(kernel_to_asm(kernel(_psb(4, 6, 7))), "gfx90a", tmp_path)
    kd = descriptor(obj, "psb")
    assert kd["user_sgpr_private_segment_buffer"] == 1
    assert kd["user_sgpr_kernarg_segment_ptr"] == 1
    assert kd["system_sgpr_workgroup_id_x"] == 1 and kd["system_sgpr_workgroup_id_y"] == 1
    assert kd["system_sgpr_workgroup_id_z"] == 0
    kd = descriptor(assemble(kernel_to_asm(kernel(_psb(0, 2, 3))), "gfx90a", tmp_path), "psb")
    assert kd["user_sgpr_private_segment_buffer"] == 0


def test_abi_register_mismatch_is_an_error() -> None:
    with pytest.raises(AsmPrintError, match=r"kernarg_segment_ptr in s\[0:1\].*s\[4:5\]"):
        kernel_to_asm(kernel(_psb(4, 6, 7, arch="gfx942")))
    with pytest.raises(AsmPrintError, match=r"workgroup_id_y in s3, but the entry argument is s4"):
        kernel_to_asm(kernel(_psb(0, 2, 4, arch="gfx942")))


# --- errors ---------------------------------------------------------------------------

UNALLOCATED = """
builtin.module {
  cdna.kernel @bad {arch = "gfx942", args = [], abi_inputs = ["exec"]} {
  ^entry(%exec : !cdna.exec):
    %val = cdna.v_mov_b32 1 implicit(%exec : exec) : () -> !cdna.vgpr<1>
    %w = cdna.v_add_u32 %val, %val implicit(%exec : exec) : (!cdna.vgpr<1>, !cdna.vgpr<1>) -> !cdna.vgpr<v1>
    cdna.s_endpgm
  }
}
"""


def test_unallocated_value_is_an_error() -> None:
    with pytest.raises(
        AsmPrintError, match=r"v_mov_b32: result 0 'vdst' %val is not allocated"
    ) as e:
        kernel_to_asm(kernel(parse(UNALLOCATED)))
    assert isinstance(e.value.op, InstOp) and e.value.op.mnemonic == "v_mov_b32"


STRUCTURED = """
builtin.module {
  cdna.kernel @structured {arch = "gfx942", args = [], abi_inputs = ["exec"]} {
  ^entry(%exec : !cdna.exec):
    %s = cdna.s_mov_b32 1 : () -> !cdna.sgpr<s4>
    %c = cdna.s_cmp_eq_u32 %s, 1 implicit() -> (scc) : (!cdna.sgpr<s4>) -> ()
    cdna.if (%c : !cdna.scc) {
      cdna.s_nop 0
      cdna.yield
    }
    cdna.s_endpgm
  }
}
"""


def test_structured_control_flow_is_an_error() -> None:
    with pytest.raises(AsmPrintError, match="structured control flow must be lowered"):
        kernel_to_asm(kernel(parse(STRUCTURED)))


def test_instruction_missing_on_arch_is_an_error() -> None:
    module = parse(MFMA_LDS.replace("ARCH", "gfx942").replace("x8f16", "x8_f16"))
    with pytest.raises(
        AsmPrintError, match="'v_mfma_f32_32x32x8_f16' is not an instruction of gfx90a"
    ):
        module_asm(module, "gfx90a")


def test_vector_to_scalar_copy_is_an_error() -> None:
    text = """
    builtin.module {
      cdna.kernel @cp {arch = "gfx942", args = [], abi_inputs = ["workitem_id"]} {
      ^entry(%tid : !cdna.vgpr<v0>):
        %s = cdna.copy %tid : !cdna.vgpr<v0> -> !cdna.sgpr<s4>
        cdna.s_endpgm
      }
    }"""
    with pytest.raises(AsmPrintError, match="v_readfirstlane_b32"):
        kernel_to_asm(kernel(parse(text)))


def test_mixed_arch_module_needs_an_arch() -> None:
    text = (
        VECTOR_ADD.rstrip().removesuffix("}")
        + LOOP.replace("ARCH", "gfx950").split("builtin.module {", 1)[1]
    )
    module = parse(text)
    with pytest.raises(AsmPrintError, match="different architectures"):
        module_asm(module)
    assert '"amdgcn-amd-amdhsa--gfx950"' in module_asm(module, "gfx950")


# --- single instructions --------------------------------------------------------------

SINGLE = """
builtin.module {
  cdna.kernel @one {arch = "ARCH", args = []} {
  ^entry:
    %exec = cdna.get_reg : !cdna.exec
    %v2 = cdna.get_reg : !cdna.vgpr<v2>
    %s3 = cdna.get_reg : !cdna.sgpr<s3>
    %a = cdna.v_mul_f32_e64 -|%v2|, |%s3| implicit(%exec : exec) [omod = "mul:2", clamp] : (!cdna.vgpr<v2>, !cdna.sgpr<s3>) -> !cdna.vgpr<v1>
    %b = cdna.v_cvt_f32_i32_sdwa sext(%v2) implicit(%exec : exec) [src0_sel = "BYTE_1", dst_sel = "WORD_1", dst_unused = "UNUSED_PRESERVE"] : (!cdna.vgpr<v2>) -> !cdna.vgpr<v1>
    %c = cdna.v_add_f32_dpp %v2, -%v2 implicit(%exec : exec) [bound_ctrl = 0, bank_mask = 5, row_mask = 10, row_shr = 1] : (!cdna.vgpr<v2>, !cdna.vgpr<v2>) -> !cdna.vgpr<v1>
    %d = cdna.v_add_f32 0.5, %v2 implicit(%exec : exec) : (!cdna.vgpr<v2>) -> !cdna.vgpr<v1>
    %e = cdna.v_add_u32 "vcc_lo", %v2 implicit(%exec : exec) : (!cdna.vgpr<v2>) -> !cdna.vgpr<v1>
    %f = cdna.s_mov_b32 1000 : () -> !cdna.sgpr<s5>
    %g = cdna.s_mov_b32 -100 : () -> !cdna.sgpr<s5>
    %h = cdna.s_getreg_b32 "hwreg(HW_REG_MODE, 0, 4)" : () -> !cdna.sgpr<s6>
    cdna.s_waitcnt 3953
    cdna.s_waitcnt 0
    cdna.s_endpgm
  }
}
"""

SINGLE_EXPECTED = [
    "v_mul_f32_e64 v1, -|v2|, |s3| clamp mul:2",
    "v_cvt_f32_i32_sdwa v1, sext(v2) dst_sel:WORD_1 dst_unused:UNUSED_PRESERVE src0_sel:BYTE_1",
    "v_add_f32_dpp v1, v2, -v2 row_shr:1 row_mask:0xa bank_mask:0x5 bound_ctrl:0",
    "v_add_f32 v1, 0.5, v2",
    "v_add_u32 v1, vcc_lo, v2",
    "s_mov_b32 s5, 0x3e8",
    "s_mov_b32 s5, -100",
    "s_getreg_b32 s6, hwreg(HW_REG_MODE, 0, 4)",
    "s_waitcnt vmcnt(1)",
    "s_waitcnt vmcnt(0) expcnt(0) lgkmcnt(0)",
    "s_endpgm",
]


@needs_tools
@pytest.mark.parametrize("arch", ARCHS)
def test_single_instructions(arch: str) -> None:
    module = parse(SINGLE.replace("ARCH", arch))
    ops = [op for op in kernel(module).walk() if isinstance(op, InstOp)]
    lines = [format_inst(op, lambda b: ".L0", arch) for op in ops]
    assert lines == SINGLE_EXPECTED
    assert LLVM_MC is not None
    proc = subprocess.run(
        [LLVM_MC, "-arch=amdgcn", f"-mcpu={arch}", "-filetype=null"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and not proc.stderr, proc.stderr


def test_modifier_order_follows_llvm() -> None:
    mods = {"sc1": True, "offset": 16, "sc0": True}
    assert modifiers_text(mods) == ["offset:16", "sc1", "sc0"]
    mods2 = {"blgp": 1, "cbsz": 2, "abid": 1}
    assert modifiers_text(mods2) == ["cbsz:2", "abid:1", "blgp:1"]
    assert modifiers_text({"op_sel": [1, 0, 0], "glc": False}) == ["op_sel:[1,0,0]"]


@needs_tools
def test_waitcnt_decoding_matches_llvm() -> None:
    rng = random.Random(7)
    values = [0, 0xC07F, 0x0F70, 0x3F70, 0xCF7F, 0x0070, 0x0F0F] + [
        rng.randrange(0x10000) & 0xCF7F for _ in range(40)
    ]
    texts = [waitcnt_text(v) for v in values]
    assert texts[:2] == ["vmcnt(0) expcnt(0) lgkmcnt(0)", "lgkmcnt(0)"]
    assert texts[3] == "0x3f70"  # bits outside the counters: printed raw
    assert LLVM_MC is not None
    src = "".join(f"s_waitcnt {t}\n" for t in texts)
    out = subprocess.run(
        [LLVM_MC, "-arch=amdgcn", "-mcpu=gfx942", "-show-encoding"],
        input=src,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    enc = re.findall(r"encoding: \[0x([0-9a-f]{2}),0x([0-9a-f]{2}),0x8c,0xbf\]", out)
    assert [int(hi + lo, 16) for lo, hi in enc] == values


# --- parallel copies ------------------------------------------------------------------


def _simulate(lines: list[str], regs: dict[str, int]) -> dict[str, int]:
    regs = dict(regs)
    for line in lines:
        mnem, rest = line.split(" ", 1)
        ops = [o.strip() for o in rest.split(",")]
        if mnem == "v_swap_b32":
            regs[ops[0]], regs[ops[1]] = regs[ops[1]], regs[ops[0]]
        elif mnem == "s_mov_b64":
            lo_d, lo_s = (int(re.search(r"\d+", o)[0]) for o in ops)  # type: ignore[index]
            vals = [regs[f"s{lo_s}"], regs[f"s{lo_s + 1}"]]
            regs[f"s{lo_d}"], regs[f"s{lo_d + 1}"] = vals
        else:
            regs[ops[0]] = regs[ops[1]]
    return regs


def test_parallel_copy_is_a_simultaneous_assignment() -> None:
    rng = random.Random(3)
    for _ in range(300):
        file = rng.choice("vs")
        n = rng.randrange(1, 7)
        pool = [f"{file}{i}" for i in range(8)]
        dsts = rng.sample(pool, n)
        moves = [(d, rng.choice(pool)) for d in dsts]
        if file == "s" and any(d != s for d, s in moves):
            # scalar cycles need a scratch register: only acyclic scalar copies
            try:
                lines = parallel_copy(moves)
            except ValueError:
                continue
        else:
            lines = parallel_copy(moves)
        before = {r: i for i, r in enumerate(pool)}
        after = _simulate(lines, before)
        want = dict(before)
        want.update({d: before[s] for d, s in moves})
        assert after == want, (moves, lines)


def test_parallel_copy_pairs_sgprs() -> None:
    assert parallel_copy([("s4", "s0"), ("s5", "s1")]) == ["s_mov_b64 s[4:5], s[0:1]"]
    assert parallel_copy([("exec_lo", "s2"), ("exec_hi", "s3")]) == ["s_mov_b64 exec, s[2:3]"]
    assert parallel_copy([("s5", "s0"), ("s6", "s1")]) == ["s_mov_b32 s5, s0", "s_mov_b32 s6, s1"]
    assert parallel_copy([("v1", "v0"), ("v2", "v1")]) == ["v_mov_b32 v2, v1", "v_mov_b32 v1, v0"]
    with pytest.raises(ValueError, match="scratch"):
        parallel_copy([("s0", "s1"), ("s1", "s0")])
