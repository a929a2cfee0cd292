"""Hazard wait states of ``pyhip_mlir.dialects.isa.hazards`` against LLVM itself.

Each case is one producer/consumer pair written twice: as MIR for
``llc-22 -run-pass=post-RA-hazard-rec`` (LLVM's GCNHazardRecognizer inserts ``S_NOP N``,
N+1 wait states each) and as assembly for :class:`HazardRules`. They must agree.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from pyhip_mlir.dialects.isa.hazards import HazardRules
from pyhip_mlir.emulator.testing import build_program

LLC = shutil.which("llc-22")
pytestmark = pytest.mark.skipif(LLC is None, reason="llc-22 not installed")


def _tuple(file: str, first: int, count: int) -> str:
    return "$" + "_".join(f"{file}{i}" for i in range(first, first + count))


A0_15 = _tuple("agpr", 0, 16)
V16_31 = _tuple("vgpr", 16, 16)
A0_3, A4_7 = _tuple("agpr", 0, 4), _tuple("agpr", 4, 4)
V16_19, V18_21, V20_23 = _tuple("vgpr", 16, 4), _tuple("vgpr", 18, 4), _tuple("vgpr", 20, 4)
MODE = "implicit $mode, implicit $exec"


def _smfmac(dst: str, idx: str) -> str:
    return (f"{dst} = V_SMFMAC_F32_16X16X32_F16_e64 $vgpr0_vgpr1, $vgpr8_vgpr9_vgpr10_vgpr11, "
            f"{idx}, 0, 0, {dst}, {MODE}")


MFMA16_V16 = f"{V16_19} = V_MFMA_F32_16X16X16F16_vgprcd_e64 $vgpr0_vgpr1, $vgpr2_vgpr3, {V16_19}, 0, 0, 0, {MODE}"

# name -> (MIR lines, assembly per arch ("" = same as gfx942), archs)
CASES: dict[str, tuple[list[str], dict[str, str]]] = {
    # The check the XDL flag decides: a non-XDL (f32-input) MFMA needs passes + 2 on
    # gfx942, an XDL one passes + 3; gfx90a treats every non-DGEMM MFMA as XDL.
    "f32 MFMA AGPR D -> v_accvgpr_read": (
        [f"{A0_15} = V_MFMA_F32_32X32X2F32_e64 $vgpr0, $vgpr1, {A0_15}, 0, 0, 0, {MODE}",
         "$vgpr4 = V_ACCVGPR_READ_B32_e64 $agpr3, implicit $exec"],
        {"gfx942": "v_mfma_f32_32x32x2_f32 a[0:15], v0, v1, a[0:15]\nv_accvgpr_read_b32 v4, a3",
         "gfx90a": "v_mfma_f32_32x32x2f32 a[0:15], v0, v1, a[0:15]\nv_accvgpr_read_b32 v4, a3"},
    ),
    "f32 MFMA VGPR D -> v_mov_b32": (
        [f"{V16_31} = V_MFMA_F32_32X32X2F32_vgprcd_e64 $vgpr0, $vgpr1, {V16_31}, 0, 0, 0, {MODE}",
         "$vgpr4 = V_MOV_B32_e32 $vgpr19, implicit $exec"],
        {"gfx942": "v_mfma_f32_32x32x2_f32 v[16:31], v0, v1, v[16:31]\nv_mov_b32 v4, v19",
         "gfx90a": "v_mfma_f32_32x32x2f32 v[16:31], v0, v1, v[16:31]\nv_mov_b32 v4, v19"},
    ),
    "f16 MFMA AGPR D -> v_accvgpr_read": (
        [f"{A0_15} = V_MFMA_F32_32X32X8F16_e64 $vgpr0_vgpr1, $vgpr2_vgpr3, {A0_15}, 0, 0, 0, {MODE}",
         "$vgpr4 = V_ACCVGPR_READ_B32_e64 $agpr3, implicit $exec"],
        {"gfx942": "v_mfma_f32_32x32x8_f16 a[0:15], v[0:1], v[2:3], a[0:15]\nv_accvgpr_read_b32 v4, a3",
         "gfx90a": "v_mfma_f32_32x32x8f16 a[0:15], v[0:1], v[2:3], a[0:15]\nv_accvgpr_read_b32 v4, a3"},
    ),
    "f32 MFMA D -> MFMA SrcA": (
        [f"{A0_3} = V_MFMA_F32_16X16X4F32_e64 $vgpr0, $vgpr1, {A0_3}, 0, 0, 0, {MODE}",
         f"{A4_7} = V_MFMA_F32_16X16X4F32_e64 $agpr1, $vgpr1, {A4_7}, 0, 0, 0, {MODE}"],
        {"gfx942": "v_mfma_f32_16x16x4_f32 a[0:3], v0, v1, a[0:3]\nv_mfma_f32_16x16x4_f32 a[4:7], a1, v1, a[4:7]",
         "gfx90a": "v_mfma_f32_16x16x4f32 a[0:3], v0, v1, a[0:3]\nv_mfma_f32_16x16x4f32 a[4:7], a1, v1, a[4:7]"},
    ),
    # SMFMAC: the tied vdst is SrcC, the index VGPR counts as SrcA/SrcB.
    "SMFMAC D -> v_mov_b32": (
        [_smfmac(V16_19, "$vgpr6"), "$vgpr8 = V_MOV_B32_e32 $vgpr17, implicit $exec"],
        {"gfx942": "v_smfmac_f32_16x16x32_f16 v[16:19], v[0:1], v[8:11], v6\nv_mov_b32 v8, v17"},
    ),
    "MFMA D -> SMFMAC accumulator, partial overlap": (
        [MFMA16_V16, _smfmac(V18_21, "$vgpr6")],
        {"gfx942": "v_mfma_f32_16x16x16_f16 v[16:19], v[0:1], v[2:3], v[16:19]\n"
                   "v_smfmac_f32_16x16x32_f16 v[18:21], v[0:1], v[8:11], v6"},
    ),
    "MFMA D -> SMFMAC index": (
        [MFMA16_V16, _smfmac(V20_23, "$vgpr17")],
        {"gfx942": "v_mfma_f32_16x16x16_f16 v[16:19], v[0:1], v[2:3], v[16:19]\n"
                   "v_smfmac_f32_16x16x32_f16 v[20:23], v[0:1], v[8:11], v17"},
    ),
    "SMFMAC D -> same SMFMAC accumulator": (
        [_smfmac(V16_19, "$vgpr6"), _smfmac(V16_19, "$vgpr6")],
        {"gfx942": "v_smfmac_f32_16x16x32_f16 v[16:19], v[0:1], v[8:11], v6\n"
                   "v_smfmac_f32_16x16x32_f16 v[16:19], v[0:1], v[8:11], v6"},
    ),
    # gfx950's newer SMFMAC pages call the index VGPR src2: still SrcA/SrcB, not SrcC.
    "f32 MFMA D -> gfx950 SMFMAC index": (
        [f"{V16_19} = V_MFMA_F32_16X16X4F32_vgprcd_e64 $vgpr0, $vgpr1, {V16_19}, 0, 0, 0, {MODE}",
         f"{V20_23} = V_SMFMAC_F32_16X16X64_F16_e64 $vgpr0_vgpr1_vgpr2_vgpr3, "
         f"{_tuple('vgpr', 8, 8)}, $vgpr17, 0, 0, {V20_23}, {MODE}"],
        {"gfx950": "v_mfma_f32_16x16x4_f32 v[16:19], v0, v1, v[16:19]\n"
                   "v_smfmac_f32_16x16x64_f16 v[20:23], v[0:3], v[8:15], v17"},
    ),
}

def llvm_wait_states(mir_lines: list[str], arch: str) -> int:
    """Wait states llc-22's post-RA hazard recognizer inserts into the block."""
    assert LLC is not None
    mir = ("---\nname: hz\nbody: |\n  bb.0:\n"
           + "".join(f"    {line}\n" for line in mir_lines)
           + "    S_ENDPGM 0\n...\n")
    proc = subprocess.run(
        [LLC, "-mtriple=amdgcn-amd-amdhsa", f"-mcpu={arch}", "-run-pass=post-RA-hazard-rec",
         "-x", "mir", "-o", "-", "-"],
        input=mir, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    body = proc.stdout.split("bb.0:", 1)[1]
    return sum(int(n) + 1 for n in re.findall(r"\bS_NOP (\d+)", body))


def ours(asm: str, arch: str) -> int:
    prog = build_program(asm, arch)
    need = HazardRules(arch).required(prog.instrs[0], prog.instrs[1])
    return need[0] if need else 0


def _params() -> list[object]:
    out: list[object] = []
    for name, (_, asm) in CASES.items():
        for arch in ("gfx942", "gfx950", "gfx90a"):
            text = asm.get(arch, asm.get("gfx942") if arch == "gfx950" else None)
            if text is None:
                continue
            out.append(pytest.param(name, arch, text, id=f"{arch}-{name}"))
    return out


@pytest.mark.parametrize(("name", "arch", "asm"), _params())
def test_wait_states_match_llvm(name: str, arch: str, asm: str) -> None:
    assert ours(asm, arch) == llvm_wait_states(CASES[name][0], arch)


def test_f32_mfma_is_not_xdl_on_gfx942() -> None:
    """The brief's check in numbers: 16-pass f32 MFMA -> reader: 18 (passes + 2, non-XDL)
    on gfx942, 19 (passes + 3) on gfx90a, where every non-DGEMM MFMA is XDL."""
    name = "f32 MFMA AGPR D -> v_accvgpr_read"
    mir, asm = CASES[name]
    assert ours(asm["gfx942"], "gfx942") == llvm_wait_states(mir, "gfx942") == 18
    assert ours(asm["gfx90a"], "gfx90a") == llvm_wait_states(mir, "gfx90a") == 19
