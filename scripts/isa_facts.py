"""ISA facts that LLVM's syntax docs do not state, as pattern tables.

Every table is a list of ``(Rule, value)`` rows. A rule matches an instruction when its
regex fully matches the *base* mnemonic (encoding suffix ``_e32/_e64/_dpp/_sdwa``
removed) and, if given, the family (doc section) and encoding are among the listed
ones. Sources: the CDNA3 ISA guide, LLVM's ``SOPInstructions.td`` / ``VOPCInstructions.td``
/ ``SIInstrInfo`` implicit-operand lists, and ``GCNHazardRecognizer.cpp`` for the
transcendental set. ``scripts/gen_isa_table.py`` applies them; nothing else should.

Conventions:
- A special register spelled in the assembly (``vcc`` in ``v_cmp_eq_u32 vcc, v1, v2``)
  is an explicit operand, not an implicit def/use: implicit lists hold only registers
  the assembly does not mention.
- ``ALL`` rules (implicit uses, effects) accumulate; ``FIRST`` rules (counter, latency)
  take the first match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    pattern: str
    families: tuple[str, ...] = ()
    encodings: tuple[str, ...] = ()

    def matches(self, base: str, family: str, encoding: str) -> bool:
        if self.families and family not in self.families:
            return False
        if self.encodings and encoding not in self.encodings:
            return False
        return re.fullmatch(self.pattern, base) is not None


VALU = ("VOP1", "VOP2", "VOP3", "VOP3P", "VOPC")
VMEM = ("MUBUF", "MTBUF", "MIMG")
SALU = ("SOP1", "SOP2", "SOPC", "SOPK", "SOPP")
E32 = ("e32",)

# Scalar ops whose SCC result is architecturally defined.
SCC_WRITERS = (
    r"s_(add|sub)_[iu]32|s_addc_u32|s_subb_u32|s_absdiff_i32|s_lshl[1-4]_add_u32"
    r"|s_(and|or|xor|andn2|orn2|nand|nor|xnor)_b(32|64)"
    r"|s_(lshl|lshr)_b(32|64)|s_ashr_i(32|64)|s_bfe_[iu](32|64)"
    r"|s_(min|max)_[iu]32|s_abs_i32|s_not_b(32|64)|s_wqm_b(32|64)"
    r"|s_bcnt[01]_i32_b(32|64)|s_quadmask_b(32|64)"
    r"|s_\w+_saveexec_b64|s_\w+_wrexec_b64"
    r"|s_cmp_\w+|s_cmpk_\w+|s_bitcmp[01]_b(32|64)|s_addk_i32"
)

IMPLICIT_DEFS: list[tuple[Rule, tuple[str, ...]]] = [
    (Rule(SCC_WRITERS, SALU), ("scc",)),
    (Rule(r"s_\w+_saveexec_b64|s_\w+_wrexec_b64", SALU), ("exec",)),
    (Rule(r"v_cmpx_\w+", ("VOPC", "VOP3")), ("exec",)),
    (Rule(r"s_set_gpr_idx_(on|mode)", SALU), ("m0",)),
]

IMPLICIT_USES: list[tuple[Rule, tuple[str, ...]]] = [
    (Rule(r"v_\w+", VALU), ("exec",)),
    (Rule(r".*", VMEM + ("DS", "FLAT")), ("exec",)),
    (Rule(r"s_\w+_saveexec_b64|s_\w+_wrexec_b64|s_cbranch_exec(z|nz)", SALU), ("exec",)),
    (Rule(r"s_cselect_b(32|64)|s_addc_u32|s_subb_u32|s_cbranch_scc[01]", SALU), ("scc",)),
    (Rule(r"s_cmovk_i32|s_cmov_b(32|64)", SALU), ("scc",)),
    (Rule(r"s_cbranch_vcc(z|nz)", SALU), ("vcc",)),
    (Rule(r"v_div_fmas_f(32|64)", VALU), ("vcc",)),
    (Rule(r"s_sendmsg\w*|s_ttracedata|s_movrel[sd]_b(32|64)|s_set_gpr_idx_on", SALU), ("m0",)),
    (Rule(r"v_movrel(s|d|sd|sd_2)_b(32|64)", VALU), ("m0",)),
    (
        Rule(
            r"ds_gws_\w+|ds_append|ds_consume|ds_ordered_count|ds_(read|write)_addtid_b32", ("DS",)
        ),
        ("m0",),
    ),
    (Rule(r"buffer_(load|store)_\w+_lds_\w+|buffer_(load|store)_lds_\w+", ("MUBUF",)), ("m0",)),
    (Rule(r"(global|scratch)_load_lds_\w+", ("FLAT",)), ("m0",)),
]

# Buffer loads with the ``lds`` modifier also use M0 (recorded per modifier).
MODIFIER_IMPLICIT_USES: dict[str, tuple[str, ...]] = {"lds": ("m0",)}

COUNTER: list[tuple[Rule, str | None]] = [
    (Rule(r"flat_\w+", ("FLAT",)), "vmcnt+lgkmcnt"),
    (Rule(r".*", ("FLAT",) + VMEM), "vmcnt"),
    (Rule(r"ds_nop", ("DS",)), None),
    (Rule(r".*", ("DS", "SMEM")), "lgkmcnt"),
    (Rule(r"s_sendmsg\w*", SALU), "lgkmcnt"),
]

TRANS = r"v_(exp|log|rcp|rsq|sqrt|sin|cos)(_legacy|_iflag|_clamp)?_f(16|32|64)(_legacy)?"

LATENCY: list[tuple[Rule, str]] = [
    (Rule(r"v_s?mfma\w+", ("VOP3P",)), "mfma"),
    (Rule(r"v_dot\w+", VALU), "dot"),
    (Rule(TRANS, VALU), "trans"),
    (Rule(r".*", VALU), "valu"),
    (Rule(r".*", ("SMEM",)), "smem"),
    (Rule(r".*", ("DS",)), "lds"),
    (Rule(r".*", ("FLAT",) + VMEM), "vmem"),
    (
        Rule(r"s_(branch|cbranch_\w+|setpc_b64|swappc_b64|call_b64|endpgm\w*|rfe\w*)", SALU),
        "branch",
    ),
    (
        Rule(
            r"s_(waitcnt|nop|sleep|barrier|setprio|sendmsg\w*|setreg\w*|getreg_b32|trap"
            r"|icache_inv|ttracedata|sethalt|setkill|wakeup|incperflevel|decperflevel"
            r"|set_gpr_idx_\w+|setvskip)",
            SALU,
        ),
        "special",
    ),
    (Rule(r".*", SALU), "salu"),
]

LOAD = r"\w*_load\w*|ds_read\w*|s_atc_probe\w*|\w*_gather4\w*|image_sample\w*|image_get\w*"
STORE = r"\w*_store\w*|ds_write\w*"
ATOMIC = (
    r"\w*_atomic_\w+|ds_(add|sub|rsub|inc|dec|min|max|and|or|xor|mskor|cmpst|wrxchg\w*"
    r"|condxchg32|wrap|pk_add)\w*|ds_(append|consume|ordered_count)"
)
DS_NOMEM = r"ds_(swizzle_b32|permute_b32|bpermute_b32|nop)"
MEM = ("FLAT", "DS", "SMEM") + VMEM

EFFECTS: list[tuple[Rule, tuple[str, ...]]] = [
    (Rule(LOAD, MEM), ("mem_read",)),
    (Rule(STORE, MEM), ("mem_write", "side_effect")),
    (Rule(ATOMIC, MEM), ("mem_read", "mem_write", "side_effect")),
    (Rule(r"\w*_load_lds_\w+|buffer_load_\w+_lds\w*", MEM), ("mem_write",)),
    (Rule(r"ds_gws_\w+", ("DS",)), ("side_effect", "barrier")),
    (Rule(r"s_barrier", SALU), ("barrier", "side_effect")),
    (Rule(r"s_(branch|cbranch_\w+|setpc_b64|swappc_b64|call_b64)", SALU), ("branch",)),
    (Rule(r"s_(branch|cbranch_\w+|setpc_b64|endpgm\w*|rfe\w*)", SALU), ("terminator",)),
    (
        Rule(r"s_(swappc_b64|call_b64|endpgm\w*|rfe\w*|cbranch_\w*fork|cbranch_join)", SALU),
        ("side_effect",),
    ),
    (
        Rule(
            r"s_(waitcnt|nop|sleep|setprio|sendmsg\w*|setreg\w*|getreg_b32|trap|icache_inv"
            r"|ttracedata|sethalt|setkill|wakeup|incperflevel|decperflevel|set_gpr_idx_\w+"
            r"|setvskip|memtime|memrealtime|dcache_\w+)",
            SALU + ("SMEM",),
        ),
        ("side_effect",),
    ),
    (Rule(r"buffer_(wbinvl1\w*|wbl2|inv|invl2)", ("MUBUF",)), ("side_effect",)),
    (Rule(r"s_\w+_saveexec_b64|s_\w+_wrexec_b64", SALU), ("side_effect",)),
    (Rule(r"v_cmpx_\w+", ("VOPC", "VOP3")), ("side_effect",)),
    (Rule(r"v_(readlane|writelane|readfirstlane)_b32", VALU), ()),
]

# Operands that are read and written: role "both" (tied in SSA).
BOTH: list[tuple[Rule, tuple[str, ...]]] = [
    (Rule(r"v_(mac|fmac|pk_fmac)_\w+", VALU), ("vdst",)),
    (Rule(r"v_dot\d+c_\w+", VALU), ("vdst",)),
    (Rule(r"v_writelane_b32", VALU), ("vdst",)),
    (Rule(r"v_swap_b32", VALU), ("vdst", "vsrc")),
    (Rule(r"v_permlane(16|32)_swap_b32", VALU), ("vdst", "vsrc", "src0", "vsrc0")),
    (Rule(r"s_(cmovk_i32|cmov_b(32|64)|addk_i32|mulk_i32|bitset[01]_b(32|64))", SALU), ("sdst",)),
    # 16-bit loads into one half of a VGPR keep the other half.
    (
        Rule(
            r"\w+_load_(u|s)?(byte|short|i8|u8|i16|u16)_d16(_hi)?|ds_read_[iu](8|16)_d16(_hi)?", MEM
        ),
        ("vdst",),
    ),
    (Rule(r"buffer_load_format_d16_hi_x", ("MUBUF",)), ("vdst",)),
    # SMFMAC accumulates into its destination: LLVM's SMFMACInst (VOP3PInstructions.td)
    # has the constraint "$vdst = $src2", src2 being an operand the assembly omits.
    (Rule(r"v_smfmac_\w+", ("VOP3P",)), ("vdst",)),
]

# ------------------------------------------------------------------ MFMA classes
# LLVM's MAIInstInfo table (``VOP3PInstructions.td``: every ``MAIInst`` carries the bits
# ``is_dgemm`` and ``is_gfx940_xdl``), keyed by LLVM opcode: the ``defm`` name, which is
# a record's ``llvm_opcode`` (regexes, full match, F8F6F4 source-format suffix included).
# ``GCNHazardRecognizer.cpp``'s isXDL: not an MFMA, or DGEMM -> false; without gfx940
# instructions (gfx90a) -> true; on gfx940+ (gfx942, gfx950) -> is_gfx940_xdl. The
# generator records the result per arch as ``extra.xdl``, DGEMM as ``extra.dgemm``, and
# fails on a gfx942/gfx950 MFMA opcode in none of the three lists.
MAI_DGEMM = r"V_MFMA_F64_(16X16X4|4X4X4)F64"
MAI_GFX940_XDL = (
    r"V_MFMA_F32_(4X4X4|16X16X4|16X16X16|32X32X4|32X32X8)F16"
    r"|V_MFMA_I32_(4X4X4|16X16X4|32X32X4)I8"
    r"|V_MFMA_F32_(4X4X4|16X16X4|16X16X16|32X32X4|32X32X8)BF16_1K"
    r"|V_MFMA_I32_(16X16X32|32X32X16)I8"
    r"|V_MFMA_F32_(16X16X8|32X32X4)XF32"
    r"|V_MFMA_F32_(16X16X32|32X32X16)_(BF8|FP8)_(BF8|FP8)"
    r"|V_MFMA_F32_(16X16X32|32X32X16)_(F16|BF16)|V_MFMA_I32_(16X16X64|32X32X32)_I8"
    r"|V_MFMA_(SCALE_)?F32_(16X16X128|32X32X64)_F8F6F4(_f[468]_f[468])?"
    r"|V_SMFMAC_\w+"  # the SMFMACInst multiclass sets is_gfx940_xdl on all of them
)
# is_gfx940_xdl = 0: the f32-input MFMAs (and gfx908/gfx90a-only i8/bf16 shapes, absent
# from gfx942/gfx950).
MAI_GFX940_NOT_XDL = r"V_MFMA_F32_(4X4X1|16X16X1|16X16X4|32X32X1|32X32X2)F32"

# Throughput-derived MFMA pass counts are measured with llvm-mca; these families are
# probed (base mnemonic regex).
MCA_PROBED = r"v_s?mfma\w+|v_dot\w+"


# ------------------------------------------------------------------ probed facts
# What the docs omit but llvm-mc accepts is found by probing: each candidate below is
# tried alone on the canonical line of every matching instruction (or operand slot) and
# kept when llvm-mc accepts it (``scripts/isa_gen/discover.py``; listed as fixups).


@dataclass(frozen=True)
class Slot:
    """Operand slots of the instructions ``rule`` matches: those with one of ``roles``
    that accept one of ``files`` (any, if empty) and are ``dwords`` wide (any, if empty).
    With ``fixed``, only slots that hold one of these special registers and nothing else
    (no register file, no immediate: ``vcc`` of ``v_cmp_*`` e32)."""

    rule: Rule
    roles: tuple[str, ...] = ("use",)
    files: tuple[str, ...] = ()
    dwords: tuple[int, ...] = ()
    fixed: tuple[str, ...] = ()

    def matches(self, op: dict[str, object], base: str, family: str, encoding: str) -> bool:
        files = op.get("files", ())
        special = op.get("special", ())
        return (
            op["role"] in self.roles
            and (not self.files or any(f in files for f in self.files))  # type: ignore[operator]
            and (not self.dwords or op.get("dwords", 1) in self.dwords)
            and (
                not self.fixed
                or (
                    not files
                    and not op.get("imm")
                    and len(special) == 1  # type: ignore[arg-type]
                    and special[0] in self.fixed  # type: ignore[index]
                )
            )
            and self.rule.matches(base, family, encoding)
        )


ANY_ROLE = ("def", "use", "both")

# (slot, operand field, candidates): a candidate llvm-mc accepts in the slot joins the
# operand's ``opmods`` (spelled ``-v1``, ``|v1|``, ``sext(v1)``), ``special`` (spelled
# as in a slot of that width: ``exec``, ``vcc``; 1-dword ``exec_lo``/``vcc_lo`` are not
# probed) or ``files`` (a register of that file and the slot's width, e.g. ``s[2:3]``;
# kept only when llvm-mc assembles the same MC instruction, since it promotes an e32
# line with an SGPR pair in place of ``vcc`` to e64). A fixed-special slot that gains a
# file is renamed as the docs name such slots (``discover.register_slot_name``): the
# docs spell ``v_div_scale_f32 vdst, vcc, ...`` but llvm-mc takes any SGPR pair there,
# like the ``sdst`` of ``v_add_co_u32_e64``. Slots changed by probing are probed again
# (the new SGPR-pair slot then gets ``exec``).
PROBED_OPERAND_FACTS: list[tuple[Slot, str, tuple[str, ...]]] = [
    (Slot(Rule(r"v_\w+", VALU, ("sdwa",)), files=("v",)), "opmods", ("abs", "neg", "sext")),
    (Slot(Rule(r"v_\w+", VALU, ("dpp",)), files=("v",)), "opmods", ("abs", "neg", "sext")),
    (
        Slot(Rule(r"v_\w+", ("VOP1", "VOP2", "VOPC", "VOP3"), ("e64",)), files=("v",)),
        "opmods",
        ("abs", "neg"),
    ),
    (Slot(Rule(r"\w+"), roles=ANY_ROLE, files=("s",), dwords=(2,)), "special", ("vcc", "exec")),
    (Slot(Rule(r"\w+"), roles=ANY_ROLE, fixed=("vcc", "exec", "m0", "scc")), "files", ("s",)),
]

# Cache-policy bits of each arch: (instruction rule, candidate modifiers), probed on
# every instruction (a docs page may omit them, e.g. ``buffer_wbl2 sc1`` on gfx942).
CACHE_POLICY: dict[str, tuple[str, ...]] = {
    "gfx90a": ("glc", "slc", "scc"),
    "gfx942": ("sc0", "sc1", "nt"),
    "gfx950": ("sc0", "sc1", "nt"),
}
PROBED_MODIFIERS: dict[str, list[tuple[Rule, tuple[str, ...]]]] = {
    arch: [(Rule(r"\w+"), bits)] for arch, bits in CACHE_POLICY.items()
}
