"""Structural sanity checks of the generated instruction tables (data/<arch>.json)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyhip_mlir.dialects.isa.table import ARCHS, InstrDef, get_table, lookup, normalize_arch

EXTRAS = Path(__file__).resolve().parents[1] / "scripts" / "isa_src" / "gfx950_extra.txt"
ALL_FAMILIES = {
    "DS",
    "FLAT",
    "MTBUF",
    "MUBUF",
    "SMEM",
    "SOP1",
    "SOP2",
    "SOPC",
    "SOPK",
    "SOPP",
    "VOP1",
    "VOP2",
    "VOP3",
    "VOP3P",
    "VOPC",
}


def instr(mnemonic: str, arch: str = "gfx942") -> InstrDef:
    found = lookup(mnemonic, arch)
    assert found is not None, f"{mnemonic} missing on {arch}"
    return found


def operand(i: InstrDef, name: str) -> object:
    return next(o for o in i.operands if o.name == name)


@pytest.mark.parametrize("arch", ARCHS)
def test_tables_load_with_metadata(arch: str) -> None:
    table = get_table(arch)
    assert table.arch == arch
    assert len(table) > 1800
    assert table.meta["arch"] == arch
    assert table.meta["llvm_version"].startswith("22")
    assert isinstance(table.meta["fixups"], list)
    assert ALL_FAMILIES <= {i.family for i in table.instructions.values()}


@pytest.mark.parametrize("arch", ARCHS)
def test_every_record_is_consistent(arch: str) -> None:
    for m, i in get_table(arch).instructions.items():
        assert i.mnemonic == m
        assert m.startswith(i.base), m
        assert i.llvm_opcode, f"{m}: no llvm_opcode"
        for o in i.operands:
            assert o.role in ("def", "use", "both"), m
            assert set(o.files) <= {"s", "v", "a"}, m
            assert o.files or o.special or o.imm, f"{m}.{o.name}: accepts nothing"
            assert o.dwords >= 1
        if i.family.startswith("VOP"):
            assert "exec" in i.implicit_uses, m
        if i.encoding == "e32" and i.llvm_opcode.endswith(("_e64", "_dpp", "_sdwa")):
            pytest.fail(f"{m}: e32 record assembled as {i.llvm_opcode}")


def test_mfma_f16_shapes_gfx942() -> None:
    big = instr("v_mfma_f32_32x32x8_f16")
    assert big.latency == "mfma"
    assert big.mfma_passes == 8
    vdst = operand(big, "vdst")
    assert vdst.role == "def" and vdst.dwords == 16 and set(vdst.files) == {"v", "a"}
    assert operand(big, "src2").dwords == 16
    assert operand(big, "vsrc0").dwords == 2
    small = instr("v_mfma_f32_16x16x16_f16")
    assert small.mfma_passes == 4
    assert operand(small, "vdst").dwords == 4
    assert big.llvm_opcode == "V_MFMA_F32_32X32X8F16"


def test_mfma_spelling_per_arch() -> None:
    assert lookup("v_mfma_f32_32x32x8f16", "gfx90a") is not None
    assert lookup("v_mfma_f32_32x32x8_f16", "gfx90a") is None
    assert lookup("v_mfma_f32_32x32x8_f16", "gfx942") is not None
    assert lookup("v_mfma_f32_32x32x4_xf32", "gfx942") is not None
    assert lookup("v_mfma_f32_32x32x4_xf32", "gfx950") is None
    assert lookup("v_mfma_f32_32x32x16_f16", "gfx942") is None


@pytest.mark.skipif(not EXTRAS.exists(), reason="scripts/isa_src/gfx950_extra.txt not written yet")
def test_gfx950_extras_present() -> None:
    i = instr("v_mfma_f32_32x32x16_f16", "gfx950")
    assert operand(i, "vdst").dwords == 16
    assert i.mfma_passes is not None and i.mfma_passes >= 8


def test_scalar_scc() -> None:
    assert "scc" in instr("s_add_u32").implicit_defs
    assert "scc" in instr("s_cmp_eq_u32").implicit_defs
    assert "scc" in instr("s_addc_u32").implicit_uses
    assert "scc" in instr("s_cselect_b32").implicit_uses
    assert "scc" in instr("s_cbranch_scc1").implicit_uses
    assert "scc" not in instr("s_mov_b32").implicit_defs
    assert "scc" not in instr("s_mul_i32").implicit_defs
    sav = instr("s_and_saveexec_b64")
    assert {"exec", "scc"} <= set(sav.implicit_defs) and "exec" in sav.implicit_uses


def test_vcc_and_exec_writers() -> None:
    cmp32 = instr("v_cmp_eq_u32")
    assert cmp32.encoding == "e32"
    assert "vcc" in cmp32.special_defs
    vcc = operand(cmp32, "vcc")
    assert vcc.role == "def" and vcc.is_fixed_special
    assert "vcc" not in instr("v_cmp_eq_u32_e64").special_defs  # writes its sdst
    assert "exec" in instr("v_cmpx_eq_u32").special_defs
    assert "exec" in instr("v_cmpx_eq_u32_e64").implicit_defs
    assert "vcc" in instr("v_add_co_u32").special_defs
    assert "vcc" in instr("v_addc_co_u32").special_uses
    assert "vcc" in instr("v_cndmask_b32").special_uses
    assert "vcc" in instr("v_div_fmas_f32").implicit_uses
    assert "vcc" in instr("s_cbranch_vccz").implicit_uses
    assert "exec" in instr("s_cbranch_execz").implicit_uses


def test_m0_readers() -> None:
    for m in ("s_sendmsg", "ds_gws_init", "s_movrels_b32", "global_load_lds_dword"):
        assert "m0" in instr(m).implicit_uses, m
    assert instr("buffer_load_dword").extra["modifier_implicit_uses"] == {"lds": ["m0"]}


def test_memory_counters() -> None:
    assert instr("global_load_dword").counter == "vmcnt"
    assert instr("buffer_store_dword").counter == "vmcnt"
    assert instr("s_load_dword").counter == "lgkmcnt"
    assert instr("ds_read_b32").counter == "lgkmcnt"
    assert instr("s_sendmsg").counter == "lgkmcnt"
    assert instr("flat_load_dword").counter == "vmcnt+lgkmcnt"
    assert instr("v_add_f32").counter is None
    assert instr("s_waitcnt").counter is None


def test_latency_classes() -> None:
    assert instr("v_exp_f32").latency == "trans"
    assert instr("v_rsq_f64_e64").latency == "trans"
    assert instr("v_add_f32").latency == "valu"
    assert instr("s_add_u32").latency == "salu"
    assert instr("v_dot2_f32_f16").latency == "dot"
    assert instr("s_waitcnt").latency == "special"


def test_effects() -> None:
    assert "terminator" in instr("s_endpgm").effects
    assert {"branch", "terminator"} <= set(instr("s_cbranch_scc0").effects)
    assert "barrier" in instr("s_barrier").effects
    assert "side_effect" in instr("s_waitcnt").effects
    assert "side_effect" in instr("s_nop").effects
    assert instr("global_load_dword").effects == ("mem_read",)
    assert {"mem_write", "side_effect"} <= set(instr("global_store_dword").effects)
    assert {"mem_read", "mem_write", "side_effect"} <= set(instr("global_atomic_add").effects)
    assert "side_effect" in instr("v_cmpx_eq_u32").effects
    assert not instr("v_add_f32").effects


def test_roles() -> None:
    assert operand(instr("v_fmac_f32"), "vdst").role == "both"
    assert operand(instr("v_writelane_b32"), "vdst").role == "both"
    assert operand(instr("s_cmovk_i32"), "sdst").role == "both"
    assert operand(instr("buffer_atomic_add"), "vdata").role == "both"
    assert operand(instr("global_load_short_d16_hi"), "vdst").role == "both"
    assert operand(instr("s_setreg_b32"), "hwreg").role == "use"
    ds = instr("ds_add_rtn_u32")
    assert operand(ds, "vdst").role == "def" and operand(ds, "vdata").role == "use"
    atomic = instr("global_atomic_add")
    assert operand(atomic, "vdst").optional and atomic.extra["when"]["vdst"] == "sc0"
    assert instr("global_atomic_add", "gfx90a").extra["when"]["vdst"] == "glc"


def test_operand_widths_and_files() -> None:
    g = instr("global_load_dwordx4")
    assert operand(g, "vdst").dwords == 4
    assert operand(g, "vaddr").dwords == 2 and g.extra["alt_dwords"]["vaddr"] == 1
    assert operand(instr("s_load_dwordx8"), "sdst").dwords == 8
    assert operand(instr("buffer_load_dword"), "srsrc").dwords == 4
    assert operand(instr("v_accvgpr_read_b32"), "vsrc").files == ("a",)
    sdwa = instr("v_add_u32_sdwa")
    assert operand(sdwa, "src0").opmods == ("sext",)
    assert operand(instr("v_add_f32_e64"), "src0").opmods == ("abs", "neg")
    assert "off" in operand(g, "saddr").special


def test_modifiers() -> None:
    assert "sc0" in instr("global_load_dword").modifiers
    assert "glc" in instr("global_load_dword", "gfx90a").modifiers
    # The docs list gds on every DS op; llvm-mc 22 accepts it only for GWS on gfx90a+.
    assert "gds" not in instr("ds_add_u32").modifiers
    assert "gds" not in instr("ds_add_u32", "gfx90a").modifiers
    assert instr("ds_gws_init").extra["required"] == ["gds"]
    assert {"cbsz", "abid", "blgp"} <= set(instr("v_mfma_f32_32x32x8_f16").modifiers)


def test_normalize_arch() -> None:
    assert normalize_arch("gfx940") == "gfx942"
    assert normalize_arch("gfx942:sramecc+:xnack-") == "gfx942"
    with pytest.raises(ValueError):
        normalize_arch("gfx1100")


def test_probed_cache_policy_modifiers() -> None:
    """Cache-policy bits the docs omit but llvm-mc accepts and encodes (scripts/isa_gen/
    discover.py): ``buffer_wbl2 sc1`` / ``buffer_inv sc1`` as clang emits them."""
    for arch in ("gfx942", "gfx950"):
        for m in ("buffer_wbl2", "buffer_inv"):
            assert {"sc0", "sc1"} <= set(instr(m, arch).modifiers), (arch, m)
            assert "nt" not in instr(m, arch).modifiers  # accepted, but not encoded
    assert "scc" in instr("global_load_dword", "gfx90a").modifiers
    assert not instr("buffer_wbl2", "gfx90a").modifiers  # gfx90a rejects glc/slc on it
    fixups = get_table("gfx942").meta["fixups"]
    assert any(f.startswith("gfx942 buffer_wbl2: accepted by llvm-mc") for f in fixups)


@pytest.mark.parametrize("arch", ARCHS)
def test_probed_operand_modifiers(arch: str) -> None:
    src = operand(instr("v_mov_b32_sdwa", arch), "src")
    assert src.opmods == ("sext",)  # v_mov_b32_sdwa v0, sext(v1)
    assert "sext" not in operand(instr("v_add_f32_sdwa", arch), "src0").opmods
    assert "neg" in operand(instr("v_div_scale_f32", arch), "src0").opmods
    assert not operand(instr("v_mov_b32_dpp", arch), "vsrc").opmods  # llvm-mc rejects -v1


@pytest.mark.parametrize("arch", ARCHS)
def test_probed_exec_in_sgpr_pairs(arch: str) -> None:
    for m, slot in (
        ("v_cmp_eq_u32_e64", "sdst"),
        ("v_cndmask_b32_e64", "ssrc2"),
        ("s_and_saveexec_b64", "sdst"),
        ("s_and_saveexec_b64", "ssrc"),
        ("s_mov_b64", "sdst"),
        ("s_and_b64", "ssrc0"),
    ):
        o = operand(instr(m, arch), slot)
        assert o.dwords == 2 and {"vcc", "exec"} <= set(o.special), (arch, m, slot)
    # 1-dword slots keep their own list (vcc/exec there mean vcc_lo/exec_lo)
    assert operand(instr("s_mov_b32", arch), "sdst").dwords == 1


@pytest.mark.parametrize("arch", ["gfx942", "gfx950"])
def test_smfmac_accumulator_is_tied(arch: str) -> None:
    # LLVM VOP3PInstructions.td, multiclass SMFMACInst: Constraints = "$vdst = $src2"
    # (src2 is not spelled in the assembly): vdst is read and written.
    table = get_table(arch).instructions
    smfmacs = [m for m in table if m.startswith("v_smfmac_")]
    assert len(smfmacs) >= 28
    for m in smfmacs:
        roles = [(o.name, o.role) for o in table[m].operands]
        assert roles[0] == ("vdst", "both"), m
        # A, B and the sparsity index VGPR (gfx950's newer pages call them src0..src2)
        assert [r for _, r in roles[1:]] == ["use", "use", "use"], m


def test_mfma_xdl_and_dgemm_flags() -> None:
    # LLVM VOP3PInstructions.td: V_MFMA_F32_32X32X8F16 is in a `let is_gfx940_xdl = 1`
    # block, V_MFMA_F32_32X32X2F32 is not; every SMFMACInst sets is_gfx940_xdl; the f64
    # MFMAs have is_dgemm = 1. GCNHazardRecognizer's isXDL is true for every non-DGEMM
    # MFMA on gfx90a (no gfx940 instructions).
    assert instr("v_mfma_f32_32x32x8_f16").extra.get("xdl") is True
    assert "xdl" not in instr("v_mfma_f32_32x32x2_f32").extra
    assert "xdl" not in instr("v_mfma_f32_32x32x2f32", "gfx950").extra
    assert instr("v_mfma_f32_32x32x4_xf32").extra.get("xdl") is True
    assert instr("v_smfmac_f32_16x16x32_f16").extra.get("xdl") is True
    assert instr("v_mfma_f32_32x32x2f32", "gfx90a").extra.get("xdl") is True
    for arch in ARCHS:
        table = get_table(arch).instructions
        for m in table:
            i = table[m]
            dgemm = i.latency == "mfma" and i.llvm_opcode.startswith("V_MFMA_F64_")
            assert bool(i.extra.get("dgemm")) == dgemm, (arch, m)
            if i.latency != "mfma" or dgemm:
                assert "xdl" not in i.extra, (arch, m)
            elif arch != "gfx90a":
                f32_input = i.llvm_opcode.endswith("F32") and not i.llvm_opcode.endswith("XF32")
                assert bool(i.extra.get("xdl")) == (not f32_input), (arch, m)
            else:
                assert i.extra.get("xdl") is True, (arch, m)
