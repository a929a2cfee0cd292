"""Row softmax, f32 or bf16 in and out, numerically stable: ``softmax(x, dim=-1)``.

    python examples/softmax.py

One wave per row, four rows per workgroup of 256 lanes (waves past the last row skip
it under a scalar ``J.If``). The row stays in registers: lane l holds columns
``l, l + 64, ...`` (up to ``capacity``, a compile-time multiple of 64). Columns past
the row's end read as -inf. Three steps, each ending in a wave reduction (DPP inside
rows of 16 lanes, ``ds_swizzle_b32`` across rows, ``ds_bpermute_b32`` across halves):

    m = max(x)                     so that no exponent overflows
    e = 2^((x - m) * log2(e)), s = sum(e)
    y = e * (1 / s)

bf16 is widened exactly on load and rounded to nearest even on store, in integer
instructions (gfx942 has no f32 -> bf16 conversion).
"""

from __future__ import annotations

import torch

import pyhip_mlir as pyhip

WAVES = 4
LOG2E = 1.4426950408889634
NEG_INF = 0xFF800000
OOB = 0x80000000  # a buffer offset past any resource here: loads read 0, stores drop

DTYPES = {"f32": torch.float32, "bf16": torch.bfloat16}


def wave_reduce(J, v, op: str) -> None:  # noqa: ANN001
    """Leave ``op`` (add / max) over the wave's 64 lanes of ``v`` in every lane."""
    dpp, plain = getattr(J, f"v_{op}_f32_dpp"), getattr(J, f"v_{op}_f32")
    for s in (1, 2, 4, 8):
        dpp(v, v, v, row_ror=s)
    t = J.gpr("vf32")
    J.ds_swizzle_b32(t, v, offset="swizzle(SWAP,16)")
    J.s_waitcnt(lgkmcnt=0)
    plain(v, v, t)
    J.ds_bpermute_b32(t, (J.lane_id[0] ^ 32) << 2, v)
    J.s_waitcnt(lgkmcnt=0)
    plain(v, v, t)


@pyhip.jit()
def softmax(J, dtype, capacity, p_x: "void*", p_y: "void*", rows: "int", cols: "int"):
    assert dtype in DTYPES and capacity % 64 == 0 and capacity <= 4096, (dtype, capacity)
    esize = 4 if dtype == "f32" else 2
    n = capacity // 64  # registers per lane
    row = J.gpr("su32")
    row[0] = J.blockIdx.x[0] * WAVES + J.warp_id[0]
    with J.If(row[0] < rows[0]):
        nbytes = rows * cols * esize
        src, dst = J.Buffer(p_x, nbytes), J.Buffer(p_y, nbytes)
        oob = J.gpr("vu32", OOB)
        neg_inf = J.gpr("vf32", NEG_INF)
        base = J.gpr((row[0] * cols[0] + J.lane_id[0]) * esize)
        # Per group of 64 columns: a valid-lane mask and its offset (past the end: OOB).
        masks = J.gpr(n, 2, "su32")
        offs = J.gpr(n, "vu32")
        x = J.gpr(n, "vf32")
        for i in range(n):
            J.SetMask(masks[i], J.lane_id[0] + 64 * i < cols[0])
            J.v_cndmask_b32_e64(offs[i], oob, base, masks[i])
            if i + 1 < n:
                base[0] = base[0] + 64 * esize
            if esize == 4:
                src.load_dword(x[i], offs[i], 0)
            else:
                src.load_ushort(x[i], offs[i], 0)
        m = J.gpr("vf32", NEG_INF)
        for i in range(n):
            J.s_waitcnt(vmcnt=min(n - 1 - i, 63))  # loads return in order
            if esize == 2:
                J.v_lshlrev_b32(x[i], 16, x[i])
            J.v_cndmask_b32_e64(x[i], neg_inf, x[i], masks[i])
            J.v_max_f32(m, m, x[i])
        wave_reduce(J, m, "max")
        J.v_mul_f32(m, -LOG2E, m)
        total = J.gpr("vf32", 0.0)
        log2e = J.gpr("sf32", LOG2E)  # v_fma (VOP3) takes no literal
        for i in range(n):
            J.v_fma_f32(x[i], x[i], log2e, m)  # (x - max) * log2(e); -inf stays -inf
            J.v_exp_f32(x[i], x[i])
            J.v_add_f32(total, total, x[i])
        wave_reduce(J, total, "add")
        inv = J.gpr("vf32")
        J.v_rcp_f32(inv, total)
        if esize == 2:
            bias = J.gpr("vu32", 0x7FFF)
            lsb = J.gpr("vu32")
        for i in range(n):
            J.v_mul_f32(x[i], x[i], inv)
            if esize == 4:
                dst.store_dword(x[i], offs[i], 0)
            else:  # round to nearest even: add 0x7fff plus the kept half's lowest bit
                J.v_bfe_u32(lsb, x[i], 16, 1)
                J.v_add3_u32(x[i], x[i], bias, lsb)
                J.v_lshrrev_b32(x[i], 16, x[i])
                dst.store_short(x[i], offs[i], 0)
        J.s_waitcnt(vmcnt=0)


def capacity_for(cols: int) -> int:
    return max(64, (cols + 63) // 64 * 64)


def run(rows: int, cols: int, dtype: str = "f32", seed: int = 0) -> torch.Tensor:
    """Softmax of a random rows x cols matrix; check against torch in f32."""
    g = torch.Generator().manual_seed(seed)
    x = (torch.randn(rows, cols, generator=g) * 4).to(DTYPES[dtype])
    y = torch.full_like(x, float("nan"))
    softmax([(rows + WAVES - 1) // WAVES], [64 * WAVES], dtype, capacity_for(cols), x, y, rows, cols)
    ref = torch.softmax(x.float(), -1)
    if dtype == "f32":  # v_exp_f32 / v_rcp_f32 are accurate to about 1 ulp
        ok = torch.allclose(y, ref, rtol=1e-5, atol=1e-7)
    else:  # one rounding to bf16 of a result within f32 error: at most 1 bf16 ulp off
        ulp = torch.finfo(torch.bfloat16).eps * ref.abs().clamp_min(1e-30)
        ok = bool(((y.float() - ref).abs() <= ulp + 1e-30).all())
    if not ok:
        err = (y.float() - ref).abs().max().item()
        raise AssertionError(f"softmax {dtype} {rows}x{cols}: max error {err}")
    return y


def main() -> None:
    for rows, cols in ((1, 1), (3, 100), (9, 640), (64, 1000)):
        for dtype in DTYPES:
            run(rows, cols, dtype)
            print(f"softmax {dtype:4} {rows:3d} x {cols:4d}: ok")
    print(softmax.stats("bf16", 1024))
    for arch in ("gfx90a", "gfx950"):
        other = pyhip.jit(arch=arch)(softmax.fn).binary("bf16", 1024)
        print(f"{arch}: {len(other.code_object)}-byte code object")


if __name__ == "__main__":
    main()
