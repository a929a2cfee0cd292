"""Unit tests of the assembly parser: operands, waitcnt, forms, SSA, CFG, kernels, errors."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest
from xdsl.dialects.builtin import FileLineColLoc, ModuleOp

from pyhip_mlir.codegen.asm_parser import AsmParseError, parse_asm
from pyhip_mlir.dialects.cdna import FallthroughOp, GetRegOp, InstOp, KernelOp
from pyhip_mlir.dialects.cdna.types import RegType, SpecialRegType

HAVE_LLVM = shutil.which("llvm-mc-22") is not None and shutil.which("llvm-objdump-22") is not None


def kernel(text: str, **kw: Any) -> KernelOp:
    m = parse_asm(text, "t.s", **kw)
    ks = [op for op in m.walk() if isinstance(op, KernelOp)]
    assert len(ks) == 1
    return ks[0]


def insts(k: KernelOp | ModuleOp) -> list[InstOp]:
    return [op for op in k.walk() if isinstance(op, InstOp)]


def one(line: str, **kw: Any) -> InstOp:
    """The first instruction of ``line`` followed by s_endpgm."""
    return insts(kernel(line + "\ns_endpgm\n", **kw))[0]


def tname(t: Any) -> str:
    if isinstance(t, RegType):
        return t.asm_name()
    assert isinstance(t, SpecialRegType)
    return t.reg


def describe(op: InstOp) -> tuple[str, list[str], list[Any]]:
    """(mnemonic, result registers, use items as register names or immediates)."""
    items = [tname(v.type) if k == "reg" else v for k, v in op.slot_items()]  # type: ignore[union-attr]
    return op.mnemonic, [tname(r.type) for r in op.defs], items


def error_of(text: str | bytes, **kw: Any) -> AsmParseError:
    with pytest.raises(AsmParseError) as info:
        parse_asm(text, "bad.s", **kw)
    return info.value


# --- operands -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ("v_add_u32 v5, v1, v2", ("v_add_u32", ["v5"], ["v1", "v2"])),
        ("v_lshl_add_u64 v[2:3], v[0:1], 2, s[0:1]", ("v_lshl_add_u64", ["v[2:3]"], ["v[0:1]", 2, "s[0:1]"])),
        ("s_load_dwordx4 s[4:7], s[0:1], 0x10", ("s_load_dwordx4", ["s[4:7]"], ["s[0:1]", 16])),
        ("v_mfma_f32_32x32x8_f16 a[0:15], v[0:1], v[2:3], a[0:15]",
         ("v_mfma_f32_32x32x8_f16", ["a[0:15]"], ["v[0:1]", "v[2:3]", "a[0:15]"])),
        ("s_mov_b32 s4, -1", ("s_mov_b32", ["s4"], [-1])),
        ("s_mov_b32 s4, 0x846ca68b", ("s_mov_b32", ["s4"], [0x846CA68B])),
        ("s_mov_b32 s4, -0x10", ("s_mov_b32", ["s4"], [-16])),
        ("v_add_f32_e64 v0, 1.0, -2.0", ("v_add_f32_e64", ["v0"], [1.0, -2.0])),
        ("v_mov_b32_e32 v0, 0.15915494", ("v_mov_b32", ["v0"], [0.15915494])),
        ("s_mov_b32 m0, s3", ("s_mov_b32", ["m0"], ["s3"])),
        ("s_and_saveexec_b64 s[2:3], vcc", ("s_and_saveexec_b64", ["s[2:3]"], ["vcc"])),
        ("s_or_b64 exec, exec, s[8:9]", ("s_or_b64", ["exec"], ["exec", "s[8:9]"])),
        ("s_mov_b32 s0, vcc_lo", ("s_mov_b32", ["s0"], ["vcc_lo"])),
        ("v_mov_b32_e32 v0, src_shared_base", ("v_mov_b32", ["v0"], ["src_shared_base"])),
        ("s_mov_b32 s0, ttmp5", ("s_mov_b32", ["s0"], ["ttmp5"])),
        ("global_load_dword v2, v[2:3], off", ("global_load_dword", ["v2"], ["v[2:3]", "off"])),
        ("global_store_dword v15, v0, s[0:1] offset:128",
         ("global_store_dword", [], ["v15", "v0", "s[0:1]"])),
        ("s_getreg_b32 s0, hwreg(HW_REG_MODE, 0, 4)",
         ("s_getreg_b32", ["s0"], ["hwreg(HW_REG_MODE, 0, 4)"])),
        ("s_sendmsg sendmsg(MSG_INTERRUPT)", ("s_sendmsg", [], ["sendmsg(MSG_INTERRUPT)"])),
    ],
)  # fmt: skip
def test_operand_forms(line: str, expected: tuple[str, list[str], list[Any]]) -> None:
    assert describe(one(line)) == expected


@pytest.mark.parametrize(
    "line, mods",
    [
        ("v_add_f32_e64 v0, -v1, |v2|", {0: "neg", 1: "abs"}),
        ("v_add_f32_e64 v0, -|v1|, v2", {0: "neg,abs"}),
        ("v_add_f32_e64 v0, neg(v1), abs(v2)", {0: "neg", 1: "abs"}),
        ("v_xor_b32_sdwa v6, sext(v1), v2 src0_sel:WORD_1", {0: "sext"}),
    ],
)
def test_source_modifiers(line: str, mods: dict[int, str]) -> None:
    assert one(line).opmod_values() == mods


@pytest.mark.parametrize(
    "line, mods",
    [
        ("global_load_dword v2, v[2:3], off offset:3072 sc0 nt",
         {"offset": 3072, "sc0": True, "nt": True}),
        ("ds_write2_b32 v3, v2, v1 offset1:4", {"offset1": 4}),
        ("ds_swizzle_b32 v3, v2 offset:swizzle(SWAP,16)", {"offset": "swizzle(SWAP,16)"}),
        ("v_mov_b32_dpp v1, v0 quad_perm:[1,0,3,2] row_mask:0xf bank_mask:0xf",
         {"quad_perm": [1, 0, 3, 2], "row_mask": 15, "bank_mask": 15}),
        ("v_mov_b32_dpp v1, v0 row_shl:1 row_mask:0xa bank_mask:0xf bound_ctrl:0",
         {"row_shl": 1, "row_mask": 10, "bank_mask": 15, "bound_ctrl": 0}),
        ("v_xor_b32_sdwa v6, v6, v6 dst_sel:DWORD dst_unused:UNUSED_PAD src0_sel:WORD_1 src1_sel:DWORD",
         {"dst_sel": "DWORD", "dst_unused": "UNUSED_PAD", "src0_sel": "WORD_1", "src1_sel": "DWORD"}),
        ("v_add_f32_e64 v0, v1, v2 clamp mul:2", {"clamp": True, "omod": "mul:2"}),
        ("v_add_f32_e64 v0, v1, v2 div:2", {"omod": "div:2"}),
        ("v_pk_fma_f16 v0, v1, v2, v3 op_sel:[1,0,0] op_sel_hi:[0,1,1]",
         {"op_sel": [1, 0, 0], "op_sel_hi": [0, 1, 1]}),
        ("v_mfma_f32_32x32x8_f16 a[0:15], v[0:1], v[2:3], 0 cbsz:1 abid:1 blgp:2",
         {"cbsz": 1, "abid": 1, "blgp": 2}),
    ],
)  # fmt: skip
def test_trailing_modifiers(line: str, mods: dict[str, Any]) -> None:
    assert one(line).mod_values() == mods


# --- s_waitcnt ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("vmcnt(0)", 0x0F70),
        ("lgkmcnt(0)", 0xC07F),
        ("expcnt(0)", 0xCF0F),
        ("vmcnt(0) lgkmcnt(0)", 0x0070),
        ("vmcnt(0) expcnt(0) lgkmcnt(0)", 0x0000),
        ("vmcnt(2)", 0x0F72),
        ("vmcnt(17)", 0x4F71),  # vmcnt bits 3:0 = 1, 15:14 = 1
        ("vmcnt(63)", 0xCF7F),
        ("vmcnt(1) & lgkmcnt(2)", 0x0271),
        ("vmcnt(1), lgkmcnt(2)", 0x0271),
        ("lgkmcnt_sat(99)", 0xCF7F),
        ("0", 0),
        ("0xc07f", 0xC07F),
    ],
)
def test_waitcnt_encoding(text: str, value: int) -> None:
    assert one(f"s_waitcnt {text}").imm_values() == {0: value}


@pytest.mark.skipif(not HAVE_LLVM, reason="llvm-mc-22 not installed")
def test_waitcnt_encoding_matches_llvm() -> None:
    texts = ["vmcnt(0)", "lgkmcnt(3)", "vmcnt(17) expcnt(2)", "vmcnt(40) lgkmcnt(0)", "expcnt(0)"]
    src = "".join(f"s_waitcnt {t}\n" for t in texts)
    out = subprocess.run(
        ["llvm-mc-22", "-triple=amdgcn-amd-amdhsa", "-mcpu=gfx942", "-show-encoding"],
        input=src, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    encs = [
        line.split("encoding: [")[1].rstrip("]") for line in out.splitlines() if "encoding" in line
    ]
    for t, enc in zip(texts, encs, strict=True):
        b = [int(x, 16) for x in enc.split(",")]
        assert one(f"s_waitcnt {t}").imm_values()[0] == b[0] | b[1] << 8, t


# --- mnemonic spellings and forms -----------------------------------------------------


@pytest.mark.parametrize(
    "line, mnemonic",
    [
        ("v_add_u32_e32 v1, v2, v3", "v_add_u32"),
        ("v_add_u32 v1, v2, v3", "v_add_u32"),
        ("v_add_u32 v1, v2, s3", "v_add_u32_e64"),  # SGPR in src1: only VOP3
        ("v_add_u32_e64 v1, v2, v3", "v_add_u32_e64"),
        ("v_cmp_eq_u32 vcc, v1, v2", "v_cmp_eq_u32"),
        ("v_cmp_eq_u32 s[0:1], v1, v2", "v_cmp_eq_u32_e64"),
        ("v_cmp_eq_u32_e64 vcc, v1, v2", "v_cmp_eq_u32_e64"),
        ("v_cndmask_b32_e64 v0, 0, 1, s[0:1]", "v_cndmask_b32_e64"),
        ("v_cndmask_b32 v0, v1, v2, vcc", "v_cndmask_b32"),
        ("v_add_co_u32_e32 v0, vcc, v1, v2", "v_add_co_u32"),
        ("v_lshl_add_u32 v0, v1, v2, v3", "v_lshl_add_u32"),
        ("v_lshl_add_u32_e64 v0, v1, v2, v3", "v_lshl_add_u32"),
        ("v_mov_b32 v0, v1 quad_perm:[1,0,3,2]", "v_mov_b32_dpp"),
        ("v_mov_b32 v0, v1 dst_sel:WORD_1", "v_mov_b32_sdwa"),
        ("v_xor_b32 v0, sext(v1), v2", "v_xor_b32_sdwa"),
        ("v_add_f32 v0, v1, v2 clamp", "v_add_f32_e64"),
        ("v_add_f32 v0, -v1, v2", "v_add_f32_e64"),
    ],
)
def test_mnemonic_forms(line: str, mnemonic: str) -> None:
    assert one(line).mnemonic == mnemonic


def test_vcc_results_are_special_values() -> None:
    op = one("v_cmp_gt_i32_e32 vcc, s4, v0")
    assert [tname(r.type) for r in op.defs] == ["vcc"]
    assert [tname(v.type) for v in op.implicit_uses] == ["exec"]
    op = one("s_and_saveexec_b64 s[2:3], vcc")
    assert [tname(r.type) for r in op.implicit_defs] == ["exec", "scc"]


@pytest.mark.parametrize(
    "line, expected",
    [
        # clang -O3 emits an SGPR-pair carry-out; the docs only spell vcc there
        ("v_div_scale_f32 v14, s[0:1], v13, v13, v12",
         ("v_div_scale_f32", ["v14", "s[0:1]"], ["v13", "v13", "v12"])),
        ("v_div_scale_f64 v[0:1], s[2:3], v[2:3], v[2:3], v[4:5]",
         ("v_div_scale_f64", ["v[0:1]", "s[2:3]"], ["v[2:3]", "v[2:3]", "v[4:5]"])),
        ("v_div_scale_f32 v14, vcc, v13, v13, v12",
         ("v_div_scale_f32", ["v14", "vcc"], ["v13", "v13", "v12"])),
    ],
)  # fmt: skip
def test_div_scale_takes_any_sgpr_pair_carry_out(
    line: str, expected: tuple[str, list[str], list[Any]]
) -> None:
    assert describe(one(line, arch="gfx942")) == expected
    mfma = "v_mfma_f32_32x32x8f16 a[0:15], v[0:1], v[2:3], a[0:15]"
    assert one(mfma, arch="gfx90a").mnemonic == "v_mfma_f32_32x32x8f16"
    e = error_of(mfma.replace("8f16", "8_f16") + "\ns_endpgm\n", arch="gfx90a")
    assert "for gfx90a (it exists on gfx942, gfx950)" in e.message
    e = error_of("v_mfma_f32_32x32x16_f16 a[0:15], v[0:3], v[4:7], a[0:15]\ns_endpgm\n")
    assert "for gfx942 (it exists on gfx950)" in e.message


# --- SSA --------------------------------------------------------------------------------


def test_ssa_reuses_last_def_of_the_same_range() -> None:
    k = kernel(
        """
        v_mov_b32 v1, 0
        v_add_u32 v2, v1, v1
        v_mov_b32 v3, 1
        v_lshl_add_u64 v[4:5], v[2:3], 2, v[2:3]
        v_add_u32 v6, v2, v3
        v_mov_b32 v1, 5
        v_add_u32 v7, v1, v2
        s_endpgm
        """
    )
    ops = list(k.body.blocks[0].ops)
    mov1, add2 = insts(k)[0], insts(k)[1]
    assert add2.uses[0] is mov1.defs[0] and add2.uses[1] is mov1.defs[0]
    # v[2:3] was never written as a pair: one get_reg of the pair
    shl = insts(k)[3]
    assert isinstance(shl.uses[0].owner, GetRegOp)
    assert shl.uses[0] is shl.uses[1]
    # v2 and v3 still hold their single-register values
    add6 = insts(k)[4]
    assert add6.uses[0] is add2.defs[0] and add6.uses[1] is insts(k)[2].defs[0]
    # a redefinition of v1 is seen by later reads
    add7 = insts(k)[6]
    assert add7.uses[0] is insts(k)[5].defs[0]
    # implicit exec: one get_reg, reused by every VALU op
    execs = {id(op.implicit_uses[0]) for op in insts(k) if op.implicit_uses}
    assert len(execs) == 1
    assert sum(isinstance(op, GetRegOp) for op in ops) == 2  # v[2:3] and exec


def test_ssa_overlapping_def_clobbers() -> None:
    k = kernel(
        """
        v_mov_b32 v2, 0
        v_lshlrev_b64 v[2:3], 2, v[0:1]
        v_add_u32 v4, v2, v2
        s_endpgm
        """
    )
    add = insts(k)[2]
    assert isinstance(add.uses[0].owner, GetRegOp)  # v2 was overwritten by v[2:3]


def test_implicit_exec_follows_exec_writes() -> None:
    k = kernel(
        """
        s_and_saveexec_b64 s[0:1], vcc
        v_mov_b32 v0, 1
        s_or_b64 exec, exec, s[0:1]
        v_mov_b32 v1, 2
        s_endpgm
        """
    )
    sae, mov0, orb, mov1 = insts(k)[:4]
    assert mov0.implicit_uses[0] is sae.implicit_defs[0]
    assert orb.uses[0] is sae.implicit_defs[0] and orb.uses[1] is sae.defs[0]
    assert mov1.implicit_uses[0] is orb.defs[0]


# --- CFG ----------------------------------------------------------------------------------

LOOP = """
        s_mov_b32 s0, 4
.Lloop:
        s_sub_u32 s0, s0, 1
        s_cmp_eq_u32 s0, 0
        s_cbranch_scc0 .Lloop
        v_mov_b32 v0, 0
.Lnext:
        v_mov_b32 v1, 0
        s_branch .Lend
        v_mov_b32 v2, 0
.Lend:
        s_endpgm
"""


def test_cfg_from_labels() -> None:
    k = kernel(LOOP)
    blocks = list(k.body.blocks)
    assert len(blocks) == 6
    b0, loop, after, nxt, dead, end = blocks
    assert isinstance(b0.last_op, FallthroughOp) and b0.last_op.dest is loop
    br = loop.last_op
    assert isinstance(br, InstOp) and br.mnemonic == "s_cbranch_scc0"
    assert list(br.successors) == [loop, after]  # [taken, fall-through]
    assert [tname(v.type) for v in br.implicit_uses] == ["scc"]
    # scc comes from s_cmp_eq_u32 in the same block
    assert br.implicit_uses[0] is insts(k)[2].implicit_defs[0]
    assert isinstance(after.last_op, FallthroughOp) and after.last_op.dest is nxt
    assert list(nxt.last_op.successors) == [end]  # type: ignore[union-attr]
    assert isinstance(dead.last_op, FallthroughOp)
    assert end.last_op.mnemonic == "s_endpgm"  # type: ignore[union-attr]


def test_branch_to_first_instruction_gets_an_entry_block() -> None:
    k = kernel(".Ltop:\n s_nop 0\n s_cbranch_scc1 .Ltop\n s_endpgm\n")
    entry, top, rest = list(k.body.blocks)
    assert isinstance(entry.last_op, FallthroughOp) and entry.last_op.dest is top
    assert list(top.last_op.successors) == [top, rest]  # type: ignore[union-attr]


@pytest.mark.skipif(not HAVE_LLVM, reason="llvm-mc-22 not installed")
def test_objdump_numeric_branch_targets(tmp_path: Any) -> None:
    src = ".text\n.globl k\n.type k,@function\nk:\n" + LOOP
    (tmp_path / "k.s").write_text(src)
    subprocess.run(
        ["llvm-mc-22", "-triple=amdgcn-amd-amdhsa", "-mcpu=gfx942", "-filetype=obj",
         str(tmp_path / "k.s"), "-o", str(tmp_path / "k.o")], check=True,
    )  # fmt: skip
    dump = subprocess.run(
        ["llvm-objdump-22", "-d", str(tmp_path / "k.o")], capture_output=True, text=True, check=True
    ).stdout
    assert "s_cbranch_scc0 65533" in dump  # numeric offset plus a <k+0x..> comment
    from_dump = kernel(dump)
    from_src = kernel(src)
    assert from_dump.sym_name.data == "k"

    def flat(k: KernelOp) -> list[tuple[str, list[int]]]:
        ops = insts(k)
        first = {}
        for b in k.body.blocks:
            nxt = next((op for op in b.walk() if isinstance(op, InstOp)), None)
            first[b] = ops.index(nxt) if nxt is not None else -1
        return [(op.mnemonic, [first[s] for s in op.successors]) for op in ops]

    assert flat(from_dump) == flat(from_src)
    assert flat(from_src)[3] == ("s_cbranch_scc0", [1, 4])


def test_objdump_padding_and_addresses_are_skipped() -> None:
    dump = """
k.co:	file format elf64-amdgpu

Disassembly of section .text:

0000000000001700 <k>:
	v_mov_b32_e32 v0, 0                                        // 000000001700: 7E000280
	s_endpgm                                                   // 000000001704: BF810000
	s_nop 0                                                    // 000000001708: BF800000
	s_nop 0                                                    // 00000000170C: BF800000
	s_code_end                                                 // 000000001710: BF9F0000
"""
    k = kernel(dump)
    assert [op.mnemonic for op in insts(k)] == ["v_mov_b32", "s_endpgm"]


def test_objdump_bare_vop3_spelling_uses_the_encoding_size() -> None:
    dump = """0000000000000000 <k>:
	v_nop                                                      // 000000000000: 7E000000
	v_nop                                                      // 000000000004: D1400000 00000000
	s_endpgm                                                   // 00000000000C: BF810000
"""
    assert [op.mnemonic for op in insts(kernel(dump))] == ["v_nop", "v_nop_e64", "s_endpgm"]


# --- kernels, metadata, locations -----------------------------------------------------

KERNEL_S = """
	.amdgcn_target "amdgcn-amd-amdhsa--gfx90a:xnack-"
	.text
	.globl	vadd
	.p2align	8
	.type	vadd,@function
vadd:                                   ; @vadd
	s_load_dwordx2 s[4:5], s[0:1], 0x0  ; load
	s_endpgm
.Lfunc_end0:
	.size	vadd, .Lfunc_end0-vadd
	.section	.rodata,"a",@progbits
	.amdhsa_kernel vadd
		.amdhsa_group_segment_fixed_size 4096
		.amdhsa_kernarg_size 24
		.amdhsa_user_sgpr_count 2
		.amdhsa_user_sgpr_kernarg_segment_ptr 1
		.amdhsa_system_sgpr_workgroup_id_x 1
		.amdhsa_system_sgpr_workgroup_id_y 1
	.end_amdhsa_kernel
	.text
	.amdgpu_metadata
---
amdhsa.kernels:
  - .args:
      - .address_space:  global
        .name:           a
        .offset:         0
        .size:           8
        .value_kind:     global_buffer
      - .name:           out
        .offset:         8
        .size:           8
        .type_name:      'float*'
        .value_kind:     global_buffer
      - .offset:         16
        .size:           4
        .value_kind:     by_value
      - .offset:         24
        .size:           8
        .value_kind:     hidden_block_count_x
    .max_flat_workgroup_size: 256
    .name:           vadd
    .reqd_workgroup_size:
      - 64
      - 2
      - 1
amdhsa.target:   amdgcn-amd-amdhsa--gfx90a:xnack-
...
	.end_amdgpu_metadata
"""


def test_kernel_directives_and_metadata() -> None:
    m = parse_asm(KERNEL_S, "k.s")
    assert m.attributes["cdna.arch"].data == "gfx90a"  # type: ignore[attr-defined]
    k = next(op for op in m.walk() if isinstance(op, KernelOp))
    assert k.sym_name.data == "vadd" and k.arch.data == "gfx90a"
    assert [(a.arg_name.data, a.ctype.data, a.offset.data, a.size.data) for a in k.args.data] == [
        ("a", "void*", 0, 8),
        ("out", "float*", 8, 8),
        ("arg2", "int", 16, 4),
    ]
    assert k.lds_bytes is not None and k.lds_bytes.value.data == 4096
    assert [d.value.data for d in k.workgroup_size.data] == [64, 2, 1]  # type: ignore[union-attr]
    assert k.attributes["cdna.kernarg_size"].value.data == 24  # type: ignore[attr-defined]
    assert k.attributes["cdna.max_flat_workgroup_size"].value.data == 256  # type: ignore[attr-defined]
    # launch inputs become entry block arguments: s[0:1], s2 (x), s3 (y), v0, exec
    assert [a.data for a in k.abi_inputs.data] == [  # type: ignore[union-attr]
        "kernarg_segment_ptr", "workgroup_id_x", "workgroup_id_y", "workitem_id", "exec",
    ]  # fmt: skip
    entry = k.body.blocks[0]
    assert [tname(a.type) for a in entry.args] == ["s[0:1]", "s2", "s3", "v0", "exec"]
    load = insts(k)[0]
    assert load.uses[0] is entry.args[0]
    loc = load.location
    assert isinstance(loc, FileLineColLoc)
    assert (loc.filename.data, loc.line.data, loc.column.data) == ("k.s", 8, 2)


def test_arch_parameter_wins_and_default_is_gfx942() -> None:
    assert kernel("s_endpgm\n").arch.data == "gfx942"
    assert kernel(KERNEL_S, arch="gfx950").arch.data == "gfx950"


def test_kernel_without_metadata_has_no_args() -> None:
    k = kernel(".type k,@function\nk:\n s_endpgm\n")
    assert k.sym_name.data == "k" and list(k.args.data) == [] and k.abi_inputs is None


def test_kernel_label_named_by_amdhsa_block() -> None:
    text = ".globl k\nk:\n s_endpgm\n.rodata\n.amdhsa_kernel k\n .amdhsa_kernarg_size 8\n.end_amdhsa_kernel\n"
    k = kernel(text)
    assert k.sym_name.data == "k" and k.attributes["cdna.kernarg_size"].value.data == 8  # type: ignore[attr-defined]
    # code without any label takes the name of the .amdhsa_kernel block
    assert kernel(text.replace("k:\n", "")).sym_name.data == "k"


def test_two_kernels() -> None:
    m = parse_asm(".type a,@function\na:\n s_endpgm\n.type b,@function\nb:\n s_nop 1\n s_endpgm\n")
    names = [op.sym_name.data for op in m.walk() if isinstance(op, KernelOp)]
    assert names == ["a", "b"]


def test_comments_are_ignored() -> None:
    k = kernel("/* a\n block */ s_nop 0 // trailing\n# hash line\n s_endpgm ; semicolon\n")
    assert [op.mnemonic for op in insts(k)] == ["s_nop", "s_endpgm"]


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, line, col, needle",
    [
        ("v_add_u32 v1, v2, v3\nv_frobnicate_b32 v1, v2\ns_endpgm\n", 2, 1,
         "unknown instruction 'v_frobnicate_b32' for gfx942"),
        ("v_ad_u32 v1, v2, v3\ns_endpgm\n", 1, 1, "did you mean v_xad_u32, v_sad_u32, v_add_u32?"),
        ("v_add_u32 v1, v[3:2], v3\ns_endpgm\n", 1, 15, "bad register range"),
        ("v_add_u32 v1, v[2:, v3\ns_endpgm\n", 1, 19, "bad register syntax"),
        ("v_add_u32 v300, v1, v3\ns_endpgm\n", 1, 11, "v0..v255"),
        ("v_add_u32 v1, v2\ns_endpgm\n", 1, 17, "missing operand"),
        ("v_add_u32 v1, v2, v3, v4\ns_endpgm\n", 1, 23, "too many operands"),
        ("s_mov_b32 s1, v2\ns_endpgm\n", 1, 15, "does not fit"),
        ("global_load_dword v1, v[2:3], off glc\ns_endpgm\n", 1, 35, "modifier 'glc'"),
        ("v_add_u32 v1, v2, v3\n", 1, 1, "unterminated block"),
        ("s_cbranch_scc1 .Lnowhere\ns_endpgm\n", 1, 16, "undefined label '.Lnowhere'"),
        (".L0:\ns_nop 0\ns_cbranch_scc1 .L0\n", 3, 1, "no fall-through block"),
        ("s_nop 0\ns_cbranch_scc1 .L0\n.L0:\n", 3, 1, "unterminated block"),
        (".amdhsa_kernel k\n .amdhsa_kernarg_size 8\n", 1, 1, "has no .end_amdhsa_kernel"),
        ("s_endpgm\n.amdgpu_metadata\n---\namdhsa.kernels:\n", 2, 1, "has no .end_amdgpu_metadata"),
        ("s_endpgm\n.amdgpu_metadata\n---\namdhsa.kernels:\n  - .name: k\n   .args: 3\n.end_amdgpu_metadata\n",
         6, 1, "metadata: unexpected indentation"),
        ("s_nop 0\n\x00\x01\x02ELF\n", 2, 1, "invalid character"),
        (b"s_nop 0\n\xff\xfe\n", 2, 1, "not UTF-8"),
        ("s_waitcnt vmcnt(64)\ns_endpgm\n", 1, 17, "out of range"),
        ("s_waitcnt vmcnt(0) bogus(1)\ns_endpgm\n", 1, 20, "unknown modifier 'bogus'"),
        ("s_waitcnt vmcnt(0) vmcnt(1)\ns_endpgm\n", 1, 20, "vmcnt is given twice"),
        ("s_mov_b32 vcc_lo, 0\ns_endpgm\n", 1, 11, "cannot write 'vcc_lo'"),
        ("v_lshl_add_u64 v[1:2], v[0:1], 2, s[0:1]\ns_endpgm\n", 1, 1, "must start at a multiple of 2"),
        ("%%% garbage\n", 1, 1, "expected an instruction, a label or a directive"),
        ("s_nop 0 /* open\ns_endpgm\n", 1, 9, "unterminated /* comment"),
        (".L0:\ns_nop 0\n.L0:\ns_endpgm\n", 3, 1, "defined twice"),
        ("v_add_u32 v1, v2 v3\ns_endpgm\n", 1, 18, "unknown modifier 'v3'"),
        (".amdgcn_target \"amdgcn-amd-amdhsa--gfx1100\"\ns_endpgm\n", 1, 36, "unknown architecture"),
    ],
)  # fmt: skip
def test_errors_have_line_and_column(text: str | bytes, line: int, col: int, needle: str) -> None:
    e = error_of(text)
    assert needle in e.message, e.message
    assert (e.filename, e.line, e.col) == ("bad.s", line, col), str(e)
    assert str(e) == f"bad.s:{line}:{col}: error: {e.message}"


def test_error_for_bad_arch_argument() -> None:
    assert "unknown architecture" in error_of("s_endpgm\n", arch="gfx1234").message


def test_random_bytes_never_raise_anything_else() -> None:
    import random

    rng = random.Random(1)
    for _ in range(200):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80)))
        try:
            parse_asm(data, "fuzz.s")
        except AsmParseError:
            pass
    words = ["v_add_u32", "v1", ",", "s[0:1]", "[", "]", ":", "off", "offset:4", "(", ")",
             "-", "|", "0x10", "s_endpgm", "\n", ".L1:", "s_branch", ".L1", "vmcnt(0)", "sext("]  # fmt: skip
    for _ in range(500):
        text = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 12)))
        try:
            parse_asm(text, "fuzz.s")
        except AsmParseError:
            pass


def test_unknown_mnemonic_reported_before_its_operands() -> None:
    # Prose is not an instruction with odd operands: the first word is the error.
    err = error_of("s_nop 0\nthis is not an instruction at all\n")
    assert (err.line, err.col) == (2, 1)
    assert "unknown instruction 'this'" in err.message
