"""What a semantic function sees: one instruction executing on a group of waves.

:class:`OpCtx` turns operands into typed numpy arrays and results back into register
words, applying every modifier the encoding defines, so a semantic function states
only the operation (``ctx.set_f32(0, ctx.f32(0) + ctx.f32(1))`` is ``v_add_f32`` in
all four encodings). Drivers subclass it and implement the primitives at the bottom
(register access, EXEC/SCC, memory, control); the SSA interpreter and the machine
emulator share everything above them.

Shapes: a group has ``n`` waves. A vector operand is ``(n, 64)`` (one element per
lane), a scalar operand or immediate ``(n, 1)``, so the two broadcast together;
multi-dword raw values are ``(n, L, dwords)`` uint32. A lane mask is ``(n, 64)`` bool.

Slots: ``i`` indexes the table's active *use* slots of the instruction (immediates
included, labels excluded), ``j`` its *def* slots, both in assembly order.

Modifier rules (AMD CDNA3 ISA, "VOP3 / VOP3P / DPP / SDWA" sections):

* ``neg``/``abs`` apply to float reads (abs first), never to integer reads;
* ``sext`` (SDWA) sign-extends the selected byte/word of an integer read;
* VOP3 ``op_sel[i]`` selects the high half of 16-bit source ``i``; the last bit
  selects the destination half (the other half is preserved);
* VOP3P ``op_sel``/``op_sel_hi`` select the halves feeding the low/high result,
  ``neg_lo``/``neg_hi`` negate them;
* ``omod`` (``mul:2``, ``mul:4``, ``div:2``) then ``clamp`` (to [0, 1] for floats)
  apply to float results; integer ``clamp`` saturates (the semantic function
  passes the wide result to :meth:`set_int_clamped`);
* DPP permutes the lanes of ``vsrc0``; lanes whose source is out of range (or
  inactive) read 0 with ``bound_ctrl:0`` and are not written otherwise;
  ``row_mask``/``bank_mask`` disable writes to whole rows / banks;
* SDWA ``src*_sel`` picks a byte or word (zero- or sign-extended), ``dst_sel``
  writes one and ``dst_unused`` says what the rest of the dword becomes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from pyhip_mlir.emulator import bits

if TYPE_CHECKING:
    from pyhip_mlir.emulator.program import Instr

U32 = np.uint32
LANE_IDS = np.arange(64, dtype=np.int64)

_SDWA_SEL = {
    "BYTE_0": (0, 8),
    "BYTE_1": (8, 8),
    "BYTE_2": (16, 8),
    "BYTE_3": (24, 8),
    "WORD_0": (0, 16),
    "WORD_1": (16, 16),
    "DWORD": (0, 32),
}
_OMOD = {"mul:2": 2.0, "mul:4": 4.0, "div:2": 0.5}


# --- named constant registers (added by the scratch work; see memory_vmem.APERTURES) ---
# ``src_shared_base`` / ``src_private_base`` (AMDGPUUsage "Address Spaces": the LDS and
# private aperture bases, 4 GiB-aligned, readable as inline constant registers on
# GFX9+) read as the 64-bit aperture base; a 32-bit read gives its low dword, 0
# (clang-22 reads them with s_mov_b64 and uses only the high dword for an
# addrspacecast; the 32-bit behaviour is inferred, not checked). Values: the Linux KFD
# gfx9 apertures (kfd_flat_memory.c), as memory_vmem.APERTURES.
NAMED_CONSTANTS: dict[str, int] = {"src_shared_base": 1 << 48, "src_private_base": 2 << 48}


class EmulationError(Exception):
    """The program did something the emulator refuses (names instruction and wave)."""


def _inline_int(value: int) -> bool:
    return -16 <= value <= 64


class OpCtx:
    """Base of the drivers' contexts; see the module docstring."""

    ins: Instr
    n: int
    arch: str = "gfx942"

    # --- immediates ---------------------------------------------------------------

    def imm(self, i: int, default: Any = None) -> Any:
        """The Python value of immediate slot ``i`` (``default`` if omitted)."""
        op = self.ins.uses[i] if i < len(self.ins.uses) else None
        if op is None:
            return default
        if op.is_reg:
            raise EmulationError(f"{self.ins.mnemonic}: operand {i} is a register, not an immediate")
        return op.value

    def mod(self, key: str, default: Any = None) -> Any:
        """A trailing modifier by assembler keyword (``offset``, ``glc``, ``row_shr``)."""
        return self.ins.mods.get(key, default)

    def is_reg(self, i: int) -> bool:
        op = self.ins.uses[i] if i < len(self.ins.uses) else None
        return op is not None and op.is_reg

    def present(self, i: int) -> bool:
        return i < len(self.ins.uses) and self.ins.uses[i] is not None and self.ins.uses[i].value != "off"  # type: ignore[union-attr]

    # --- raw reads ----------------------------------------------------------------

    def raw(self, i: int, dwords: int | None = None, *, fp64: bool = False) -> np.ndarray:
        """Use slot ``i`` as ``(n, L, dwords)`` uint32 words (immediates expanded)."""
        op = self.ins.uses[i]
        if op is None:
            raise EmulationError(f"{self.ins.mnemonic}: operand {i} is missing")
        d = dwords or self.ins.use_slots[i].dwords
        if op.reg is None:
            return np.broadcast_to(self._imm_words(op.value, d, fp64), (self.n, 1, d))
        words = self._read_reg(i)
        # DPP permutes the slot the encoding calls vsrc0/vsrc; it is use slot 0 except
        # for tied ops (v_fmac_f32_dpp vdst, vsrc0, vsrc1: vdst is use slot 0).
        if self.ins.idef.encoding == "dpp" and self.ins.use_slots[i].name in ("vsrc0", "vsrc"):
            words = self._dpp_permute(words)
        return words

    def _imm_words(self, value: Any, d: int, fp64: bool) -> np.ndarray:
        if isinstance(value, float):
            if d == 2:
                return bits.split64(np.array([value], dtype=np.float64))[0]
            w = np.array([value], dtype=np.float32).view(U32)
            return np.resize(w, d)
        if isinstance(value, str) and value in NAMED_CONSTANTS:
            value = NAMED_CONSTANTS[value]
        if not isinstance(value, int):
            raise EmulationError(f"{self.ins.mnemonic}: immediate {value!r} is not a number")
        if d == 2:
            if fp64 and not _inline_int(value):
                v = (value & 0xFFFFFFFF) << 32  # a 32-bit literal is the high dword of an f64
            else:
                v = value & 0xFFFFFFFFFFFFFFFF  # inline constants sign-extend
            return np.array([v & 0xFFFFFFFF, v >> 32], dtype=U32)
        w = np.array([value & 0xFFFFFFFF], dtype=U32)
        return np.resize(w, d)

    # --- typed reads --------------------------------------------------------------

    def _sdwa_int(self, i: int, w: np.ndarray, signed: bool) -> np.ndarray:
        sel = self.ins.mods.get(f"src{i}_sel") if self.ins.idef.encoding == "sdwa" else None
        if sel is None or sel == "DWORD":
            return w.astype(np.int32).astype(np.int64) if signed else w
        shift, width = _SDWA_SEL[str(sel)]
        field = (w >> U32(shift)) & U32((1 << width) - 1)
        if "sext" in self.ins.opmods.get(i, ""):
            return bits.sext(field, width).astype(np.int64)
        return field.astype(np.int64) if signed else field

    def u32(self, i: int) -> np.ndarray:
        w = self.raw(i, 1)[..., 0]
        return self._sdwa_int(i, w, False) if self.ins.idef.encoding == "sdwa" else w

    def i32(self, i: int) -> np.ndarray:
        """Signed 32-bit operand as int64 (so arithmetic does not wrap by accident)."""
        w = self.raw(i, 1)[..., 0]
        if self.ins.idef.encoding == "sdwa":
            return self._sdwa_int(i, w, True).astype(np.int64)
        return w.view(np.int32).astype(np.int64)

    def u64(self, i: int) -> np.ndarray:
        return bits.join64(self.raw(i, 2))

    def i64(self, i: int) -> np.ndarray:
        return self.u64(i).view(np.int64)

    def _float_mods(self, i: int, x: np.ndarray) -> np.ndarray:
        m = self.ins.opmods.get(i, "")
        if "abs" in m:
            x = np.abs(x)
        if "neg" in m:
            x = -x
        return x

    def f32(self, i: int) -> np.ndarray:
        w = self.raw(i, 1)[..., 0]
        if self.ins.idef.encoding == "sdwa":
            sel = self.ins.mods.get(f"src{i}_sel")
            if sel not in (None, "DWORD"):
                shift, width = _SDWA_SEL[str(sel)]
                w = (w >> U32(shift)) & U32((1 << width) - 1)
        return self._float_mods(i, bits.as_f32(w))

    def f64(self, i: int) -> np.ndarray:
        return self._float_mods(i, bits.as_f64(self.raw(i, 2, fp64=True)))

    def _op_sel_bit(self, key: str, i: int, default: int = 0) -> int:
        sel = self.ins.mods.get(key)
        if not sel:
            return default
        return int(sel[i]) if i < len(sel) else default

    def half16(self, i: int, hi: bool | None = None) -> np.ndarray:
        """The 16 bits of slot ``i`` a 16-bit op reads (op_sel / SDWA aware), uint16."""
        op = self.ins.uses[i]
        if op is not None and op.reg is None and isinstance(op.value, float):
            return bits.f16_bits(np.full((self.n, 1), op.value, dtype=np.float32))
        w = self.raw(i, 1)[..., 0]
        if hi is None:
            if self.ins.idef.encoding == "sdwa":
                hi = self.ins.mods.get(f"src{i}_sel") == "WORD_1"
            else:
                hi = bool(self._op_sel_bit("op_sel", i))
        return bits.half_bits(w, hi)

    def f16(self, i: int, hi: bool | None = None) -> np.ndarray:
        """Float16 source as float32 (exact), neg/abs applied."""
        return self._float_mods(i, bits.f16_of(self.half16(i, hi)).astype(np.float32))

    def pk_f16(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """VOP3P source ``i`` as the (low-result, high-result) f16 inputs, as float32."""
        op = self.ins.uses[i]
        if op is not None and op.reg is None and isinstance(op.value, float):
            lo_bits = hi_bits = bits.f16_bits(np.full((self.n, 1), op.value, dtype=np.float32))
        else:
            w = self.raw(i, 1)[..., 0]
            lo_bits = bits.half_bits(w, bool(self._op_sel_bit("op_sel", i, 0)))
            hi_bits = bits.half_bits(w, bool(self._op_sel_bit("op_sel_hi", i, 1)))
        lo = bits.f16_of(lo_bits).astype(np.float32)
        hi = bits.f16_of(hi_bits).astype(np.float32)
        if self._op_sel_bit("neg_lo", i):
            lo = -lo
        if self._op_sel_bit("neg_hi", i):
            hi = -hi
        return lo, hi

    def lanes(self, i: int) -> np.ndarray:
        """A 64-bit scalar operand (vcc, s[2:3], exec) as an (n, 64) lane mask."""
        return bits.mask_to_lanes(bits.join64(self.raw(i, 2))[:, 0])

    # --- writes -------------------------------------------------------------------

    def set(self, j: int, value: np.ndarray) -> None:
        """Write def slot ``j`` (VGPR writes are exec-masked; see the module docstring).

        ``value``: (n, L) of any numeric dtype, bit-cast to the slot's width (floats
        by their IEEE bits, wider integers truncated or split into dwords), or raw
        (n, L, dwords) uint32 words.
        """
        d = self.ins.def_slots[j].dwords if j < len(self.ins.def_slots) else 1
        reg = self.ins.defs[j].reg
        if reg is not None:
            d = reg.count
        words = self.to_words(value, d)
        if self.ins.idef.encoding == "sdwa" and j == 0:
            words = self._sdwa_dst(words)
        self._write_reg(j, words, self.write_lanes())

    def to_words(self, value: np.ndarray, d: int) -> np.ndarray:
        v = np.asarray(value)
        if v.ndim == 3 and v.dtype == U32:
            return v
        if v.ndim == 1:
            v = v[:, None]
        if v.dtype == np.bool_:
            v = v.astype(U32)
        if v.dtype.itemsize == 8 or d >= 2:
            if v.dtype.kind == "f":
                v = v.astype(np.float64)
            elif v.dtype.itemsize != 8:
                v = v.astype(np.int64)
            w = bits.split64(v)
            return w if d == 2 else w[..., :d]
        if v.dtype.kind == "f":
            return bits.f32_bits(v.astype(np.float32))[..., None]
        return v.astype(np.int64).astype(U32)[..., None] if v.dtype.kind == "i" else v.astype(U32)[..., None]

    def _float_result(self, v: np.ndarray) -> np.ndarray:
        omod = self.ins.mods.get("omod")
        if omod is not None:
            v = v * v.dtype.type(_OMOD[str(omod)])
        if self.ins.mods.get("clamp"):
            v = np.where(np.isnan(v), v.dtype.type(0), np.clip(v, 0, 1)).astype(v.dtype)
        return v

    def set_f32(self, j: int, v: np.ndarray) -> None:
        with np.errstate(all="ignore"):
            self.set(j, self._float_result(np.asarray(v, dtype=np.float32)))

    def set_f64(self, j: int, v: np.ndarray) -> None:
        with np.errstate(all="ignore"):
            self.set(j, self._float_result(np.asarray(v, dtype=np.float64)))

    def set_f16(self, j: int, v: np.ndarray, *, zero_high: bool = False, hi: bool | None = None) -> None:
        """Round to f16 and write one half: the op_sel destination bit picks the high
        half; the other half is preserved, or zeroed when ``zero_high``. ``hi``
        overrides the op_sel choice (v_fma_mixhi_f16, whose op_sel selects sources)."""
        with np.errstate(all="ignore"):
            h = bits.f16_bits(self._float_result(np.asarray(v, dtype=np.float32)))
        self.set_u16(j, h, zero_high=zero_high, hi=hi)

    def set_u16(self, j: int, h: np.ndarray, *, zero_high: bool = False, hi: bool | None = None) -> None:
        if hi is None:
            sel = self.ins.mods.get("op_sel")
            hi = bool(sel and int(sel[-1]))
        h32 = np.asarray(h).astype(U32)
        if self.ins.idef.encoding == "sdwa" or (zero_high and not hi):
            self.set(j, h32)
            return
        old = self._read_def(j)[..., 0]
        new = (old & U32(0x0000FFFF)) | (h32 << U32(16)) if hi else (old & U32(0xFFFF0000)) | h32
        self.set(j, new)

    def read_def(self, j: int) -> np.ndarray:
        """Current contents of def slot ``j``, (n, L, dwords) uint32, for instructions
        that update only part of their destination (v_cvt_pkaccum_u8_f32,
        v_cvt_pk_fp8_f32, v_cvt_sr_fp8_f32). Added by the valu_float family."""
        return self._read_def(j)

    def set_pk_f16(self, j: int, lo: np.ndarray, hi: np.ndarray) -> None:
        with np.errstate(all="ignore"):
            lo_b = bits.f16_bits(self._float_result(np.asarray(lo, dtype=np.float32))).astype(U32)
            hi_b = bits.f16_bits(self._float_result(np.asarray(hi, dtype=np.float32))).astype(U32)
        self.set(j, lo_b | (hi_b << U32(16)))

    def set_int_clamped(self, j: int, wide: np.ndarray, lo: int, hi: int) -> None:
        """An integer result: saturated to [lo, hi] with ``clamp``, else wrapped."""
        if self.ins.mods.get("clamp"):
            wide = np.clip(wide, lo, hi)
        self.set(j, np.asarray(wide).astype(np.int64))

    def set_lanes(self, j: int, lanes: np.ndarray) -> None:
        """Write a 64-bit lane mask (v_cmp's sdst, a carry-out) to def slot ``j``."""
        m = bits.lanes_to_mask(lanes)[:, None]
        self._write_reg(j, bits.split64(m), None)

    def _sdwa_dst(self, words: np.ndarray) -> np.ndarray:
        sel = str(self.ins.mods.get("dst_sel", "DWORD"))
        if sel == "DWORD":
            return words
        shift, width = _SDWA_SEL[sel]
        field_mask = U32(((1 << width) - 1) << shift)
        val = (words[..., 0] << U32(shift)) & field_mask
        unused = str(self.ins.mods.get("dst_unused", "UNUSED_PAD"))
        if unused == "UNUSED_PRESERVE":
            old = self._read_def(0)[..., 0]
            val = val | (old & ~field_mask)
        elif unused == "UNUSED_SEXT":
            top = (val >> U32(shift + width - 1)) & U32(1)
            above = U32((0xFFFFFFFF << (shift + width)) & 0xFFFFFFFF)
            val = np.where(top.astype(bool), val | above, val)
        return val[..., None]

    # --- DPP ----------------------------------------------------------------------

    def _dpp_source(self) -> np.ndarray:
        """Source lane of every lane for this instruction's dpp control (-1: invalid)."""
        hit = self.ins.cache.get("dpp_src")
        if hit is not None:
            return hit
        m = self.ins.mods
        lane = LANE_IDS
        row, in_row = lane // 16, lane % 16
        src = lane.copy()
        if "quad_perm" in m:
            perm = np.array(m["quad_perm"], dtype=np.int64)
            src = (lane & ~3) + perm[lane & 3]
        elif "row_shl" in m:
            s = in_row + int(m["row_shl"])
            src = np.where(s < 16, row * 16 + s, -1)
        elif "row_shr" in m:
            s = in_row - int(m["row_shr"])
            src = np.where(s >= 0, row * 16 + s, -1)
        elif "row_ror" in m:
            src = row * 16 + (in_row - int(m["row_ror"])) % 16
        elif "wave_shl" in m:
            src = np.where(lane + 1 < 64, lane + 1, -1)
        elif "wave_shr" in m:
            src = lane - 1
        elif "wave_rol" in m:
            src = (lane + 1) % 64
        elif "wave_ror" in m:
            src = (lane - 1) % 64
        elif m.get("row_mirror"):
            src = row * 16 + (15 - in_row)
        elif m.get("row_half_mirror"):
            src = (lane & ~7) + (7 - (lane & 7))
        elif "row_bcast" in m:
            b = int(m["row_bcast"])
            if b == 15:  # lane 15 of each row feeds the next row
                src = np.where(row > 0, row * 16 - 1, -1)
            else:  # 31: lane 31 feeds rows 2 and 3
                src = np.where(row >= 2, 31, -1)
        self.ins.cache["dpp_src"] = src
        return src

    def _dpp_permute(self, words: np.ndarray) -> np.ndarray:
        src = self._dpp_source()
        valid = (src >= 0)[None, :] & np.take_along_axis(
            self.exec_lanes(), np.maximum(src, 0)[None, :].repeat(self.n, 0), axis=1
        )
        out = words[:, np.maximum(src, 0), :]
        return np.where(valid[..., None], out, U32(0))

    def _dpp_write_lanes(self) -> np.ndarray:
        m = self.ins.mods
        lane = LANE_IDS
        row_mask = int(m.get("row_mask", 0xF))
        bank_mask = int(m.get("bank_mask", 0xF))
        ok = (((row_mask >> (lane // 16)) & 1) & ((bank_mask >> ((lane // 4) % 4)) & 1)).astype(bool)
        lanes = ok[None, :] & self.exec_lanes()
        if "bound_ctrl" not in m:  # invalid source lanes are not written
            src = self._dpp_source()
            valid = (src >= 0)[None, :] & np.take_along_axis(
                self.exec_lanes(), np.maximum(src, 0)[None, :].repeat(self.n, 0), axis=1
            )
            lanes = lanes & valid
        return lanes

    def write_lanes(self) -> np.ndarray:
        """Lanes a vector destination of this instruction is written in."""
        if self.ins.idef.encoding == "dpp":
            return self._dpp_write_lanes()
        return self.exec_lanes()

    # --- primitives (drivers implement) -------------------------------------------

    def _read_reg(self, i: int) -> np.ndarray:
        """Register use slot ``i`` as (n, L, dwords) uint32 (L = 64 for VGPR/AGPR)."""
        raise NotImplementedError

    def _read_def(self, j: int) -> np.ndarray:
        """The current contents of def slot ``j`` (for partial writes), (n, L, d)."""
        raise NotImplementedError

    def _write_reg(self, j: int, words: np.ndarray, lanes: np.ndarray | None) -> None:
        """Write def slot ``j``; vector registers only in ``lanes`` (None: all)."""
        raise NotImplementedError

    def exec_lanes(self) -> np.ndarray:
        raise NotImplementedError

    def set_exec(self, lanes: np.ndarray) -> None:
        raise NotImplementedError

    @property
    def scc(self) -> np.ndarray:
        """(n, 1) bool."""
        raise NotImplementedError

    def set_scc(self, value: np.ndarray) -> None:
        raise NotImplementedError

    def m0(self) -> np.ndarray:
        """(n, 1) uint32."""
        raise NotImplementedError

    def vcc(self) -> np.ndarray:
        """VCC as (n, 1) uint64 (an implicit operand, read without a use slot)."""
        raise NotImplementedError

    def branch(self, taken: np.ndarray) -> None:
        """Waves (n,) bool whose taken branch goes to the instruction's target."""
        raise NotImplementedError

    def end_program(self) -> None:
        raise NotImplementedError

    def barrier(self) -> None:
        raise NotImplementedError

    def wait(self, vmcnt: int, lgkmcnt: int) -> None:
        raise NotImplementedError

    def nop(self, wait_states: int) -> None:
        """Extra wait states (``s_nop N`` gives N+1)."""

    # Memory: ``space`` is "global" or "lds"; addresses (n, L) uint64; lanes (n, L)
    # bool selects the lanes that access memory. Reads happen at issue.
    def mem_read(self, space: str, addr: np.ndarray, nbytes: int, lanes: np.ndarray) -> np.ndarray:
        """(n, L, nbytes) uint8; inactive lanes read zeros."""
        raise NotImplementedError

    def mem_write(self, space: str, addr: np.ndarray, data: np.ndarray, lanes: np.ndarray) -> None:
        """``data``: (n, L, nbytes) uint8."""
        raise NotImplementedError

    def mem_atomic(
        self,
        space: str,
        addr: np.ndarray,
        nbytes: int,
        op: Callable[[np.ndarray, np.ndarray], np.ndarray],
        data: np.ndarray,
        dtype: np.dtype,
        lanes: np.ndarray,
    ) -> np.ndarray:
        """Per-lane read-modify-write in lane order; returns the old values (n, L)."""
        raise NotImplementedError

    def deliver(self, j: int, words: np.ndarray, lanes: np.ndarray | None) -> None:
        """A load's result for def slot ``j``: the machine writes it when an
        ``s_waitcnt`` completes the load; the SSA interpreter at once."""
        raise NotImplementedError

    def memory_op(self, counter: str) -> None:
        """Count an issued memory op without a destination (a store) on ``counter``."""
