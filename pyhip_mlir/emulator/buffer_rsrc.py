"""Buffer resource descriptors (V#) and MUBUF addressing with the hardware's range check.

``buffer_load_dword v, v_off, s[0:3], s_off offen offset:N`` reads through a 128-bit buffer
resource in four SGPRs. ``decode_rsrc`` splits descriptors into fields and
``buffer_address`` computes each lane's address and whether the access is in range.
Out-of-range loads return 0 and out-of-range stores/atomics are dropped: the caller
applies ``in_range`` (no memory is touched here).

Descriptor fields (GFX9 layout, shared by CDNA3/gfx942)::

    bits  47:0   base address        bits 110:108  num_format
    bits  61:48  stride (bytes)      bits 114:111  data_format
    bit   62     cache_swizzle       bits 116:115  element_size (swizzled buffers only)
    bit   63     swizzle_enable      bits 118:117  index_stride (swizzled buffers only)
    bits  95:64  num_records         bit  119      add_tid_enable
    bits 107:96  dst_sel x,y,z,w     bits 127:126  type (0 for buffers)

Address (linear, i.e. unswizzled)::

    index  = idxen ? vindex : 0
    offset = (offen ? voffset : 0) + inst_offset        # unsigned, no 32-bit wrap
    addr   = base + soffset + offset + stride * index

Range check, as implemented:

* structured: ``idxen and stride != 0``: the lane is out of range if
  ``index >= num_records`` (num_records counts records of ``stride`` bytes);
* raw: otherwise (``stride == 0`` or ``idxen == 0``; num_records counts bytes): each
  dword of the access is checked on its own and is out of range if
  ``offset_of_that_dword + its_size > num_records``, i.e. the check includes the size.
  For dword-aligned accesses this equals the manual's ``offset >= num_records`` per
  component (``num_records - 4`` is the last in-range dword offset); it differs only for
  accesses that straddle ``num_records``, which are out of range here;
* ``soffset`` is not part of either check;
* ``per component``: DWORD x2/x3/x4 loads and stores are checked per dword (``in_range``
  then has a trailing component axis); format instructions and atomics are "all or
  nothing" (``all_or_nothing=True``).

Swizzled resources (``swizzle_enable`` or ``add_tid_enable``, i.e. scratch-style
buffers) are not implemented: ``buffer_address`` raises ``UnsupportedBufferResource``.

Sources, and how sure each fact is. The AMD "AMD Instinct MI300 ISA Reference Guide"
itself was not reachable through the search tools used to write this module, so:

* field layout: LLVM AMDGPUUsage.rst, "Address Spaces / Buffer Resource" (stride and
  swizzle bits in 63:48, NumRecords in 95:64, flags in 127:96); the per-field bits of
  word 3 (dst_sel, num/data format, index stride, add_tid_enable at bit 119) from gem5's
  Vega model ``BufferRsrcDescriptor`` (src/arch/amdgpu/vega/insts/op_encodings.hh) and
  the CLRX "GCN Memory instructions" page, which agree; the MLIR AMDGPU lowering comment
  "on MI-300 and onward ... cache swizzling mode by setting bit 14 of the stride field"
  (bit 62, which only affects caching, not addresses);
* address formula: the GCN/Vega ISA guides' "Buffer Instructions" section as summarised
  in gem5's ``Inst_MUBUF::calcAddr`` comment (linear addressing);
* raw vs structured check and what counts: the GCN3/Vega ISA "Range Checking" table
  (raw: ``InstOffset + (OffEN ? vgpr_offset : 0) >= NumRecords``, SGPR offset excluded;
  structured: ``index >= NumRecords``) and Mesa radeonsi's GFX9 note that for VMEM
  NUM_RECORDS is in bytes when IDXEN == 0 or STRIDE == 0 and in STRIDE units otherwise,
  both as remembered (not found in the indexed copies); rocMLIR PR #678 review (CDNA has
  no OOB_SELECT: its checks follow from the instruction's parameters); the MLIR AMDGPU
  dialect docs (sgprOffset "added after bounds checks", later "may or may not be
  considered"), the basis for leaving soffset out;
* per-dword checking including the dword's end: LLVM AMDGPUUsage.rst "Relaxed Buffer
  OOB Mode" (llvm PR #134734): voffset is range-checked per 32-bit word, with saturating
  unsigned arithmetic, and a load of ``<8 x i8>`` at offset 6 of an 8-byte buffer treats
  its first two bytes as out of range;
* "out-of-range reads return zero (except components with dst_sel = SEL_1, which return
  1: format loads, not modelled here), writes do not write anything, format instructions
  and atomics are all-or-nothing, DWORD x{2,3,4} are checked per component": the "Range
  Checking" notes, read in a copy of an RDNA ISA guide; the GCN3/Vega guides carry the
  same notes as remembered.

gem5's model differs on one point: it compares ``buffer_offset >= num_records -
soffset`` (includes soffset). Not followed here (see above).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Rsrc", "UnsupportedBufferResource", "buffer_address", "decode_rsrc"]

_U64 = np.uint64


class UnsupportedBufferResource(NotImplementedError):
    """A descriptor this emulator does not model (swizzled or add-TID buffers)."""


@dataclass(frozen=True)
class Rsrc:
    """Decoded buffer resources: every field is an array of shape (n,)."""

    base: np.ndarray  # uint64, 48 bits
    stride: np.ndarray  # uint64, 14 bits
    cache_swizzle: np.ndarray  # bool
    swizzle_enable: np.ndarray  # bool
    num_records: np.ndarray  # uint64, 32 bits
    dst_sel: np.ndarray  # uint8 (n, 4): x, y, z, w
    num_format: np.ndarray  # uint8
    data_format: np.ndarray  # uint8
    element_size: np.ndarray  # uint8, raw 2-bit field
    index_stride: np.ndarray  # uint8, raw 2-bit field
    add_tid_enable: np.ndarray  # bool
    type: np.ndarray  # uint8


def decode_rsrc(rsrc: np.ndarray) -> Rsrc:
    """(n, 4) uint32 descriptors (or one (4,)) -> ``Rsrc``."""
    w = np.asarray(rsrc, dtype=np.uint32).reshape(-1, 4).astype(_U64)
    w0, w1, w2, w3 = w[:, 0], w[:, 1], w[:, 2], w[:, 3]

    def bits(word: np.ndarray, lo: int, width: int) -> np.ndarray:
        return (word >> _U64(lo)) & _U64((1 << width) - 1)

    return Rsrc(
        base=w0 | (bits(w1, 0, 16) << _U64(32)),
        stride=bits(w1, 16, 14),
        cache_swizzle=bits(w1, 30, 1).astype(bool),
        swizzle_enable=bits(w1, 31, 1).astype(bool),
        num_records=w2,
        dst_sel=np.stack([bits(w3, 3 * i, 3) for i in range(4)], axis=1).astype(np.uint8),
        num_format=bits(w3, 12, 3).astype(np.uint8),
        data_format=bits(w3, 15, 4).astype(np.uint8),
        element_size=bits(w3, 19, 2).astype(np.uint8),
        index_stride=bits(w3, 21, 2).astype(np.uint8),
        add_tid_enable=bits(w3, 23, 1).astype(bool),
        type=bits(w3, 30, 2).astype(np.uint8),
    )


def buffer_address(
    rsrc: Rsrc,
    vindex: np.ndarray | None,
    voffset: np.ndarray | None,
    soffset: np.ndarray | int,
    inst_offset: int,
    idxen: bool,
    offen: bool,
    lane: np.ndarray | None,
    nbytes: int,
    *,
    all_or_nothing: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-lane addresses and range check for n waves of 64 lanes.

    ``vindex``/``voffset``: (n, 64) uint32 (ignored unless ``idxen``/``offen``);
    ``soffset``: (n,) or scalar; ``lane``: lane ids, only meaningful with add_tid_enable
    (unsupported, so unused). Returns ``addr`` (n, 64) uint64 and ``in_range``: (n, 64)
    bool for accesses of at most 4 bytes or with ``all_or_nothing``; otherwise
    (n, 64, ceil(nbytes / 4)) bool, one entry per dword component.
    """
    del lane  # only add_tid_enable resources use the lane id
    bad = rsrc.swizzle_enable | rsrc.add_tid_enable
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise UnsupportedBufferResource(
            f"swizzled buffer resource (add_tid_enable/swizzle_enable) in wave {i}: "
            f"swizzle_enable={bool(rsrc.swizzle_enable[i])}, "
            f"add_tid_enable={bool(rsrc.add_tid_enable[i])}; only linear buffers are emulated"
        )
    n = rsrc.base.size
    zero = np.zeros((n, 64), _U64)
    index = np.asarray(vindex).astype(_U64).reshape(n, 64) if idxen else zero
    offset = (np.asarray(voffset).astype(_U64).reshape(n, 64) if offen else zero) + _U64(
        inst_offset
    )
    soff = np.broadcast_to(np.asarray(soffset).astype(_U64).reshape(-1), (n,))[:, None]
    stride = rsrc.stride[:, None]
    addr = rsrc.base[:, None] + soff + offset + stride * index

    ncomp = max(1, -(-nbytes // 4))
    comp = np.arange(ncomp, dtype=_U64) * _U64(4)
    size = np.minimum(_U64(nbytes) - comp, _U64(4))
    records = rsrc.num_records[:, None, None]
    raw_ok = offset[..., None] + comp + size <= records
    structured = (idxen & (rsrc.stride != 0))[:, None, None]
    in_range = np.where(structured, (index < rsrc.num_records[:, None])[..., None], raw_ok)
    if ncomp == 1 or all_or_nothing:
        return addr, in_range.all(axis=-1)
    return addr, in_range
