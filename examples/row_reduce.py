"""Row reduction, sum or max, of an f32 or bf16 matrix: DPP, ds_swizzle and ds_bpermute.

    python examples/row_reduce.py

``out[r] = sum(x[r, :])`` (or ``max``) in f32, for any number of rows and columns.
One wave reduces one row and a workgroup of 256 lanes takes four rows; in the last
workgroup the waves past the end skip everything under a scalar ``J.If``. Each lane
first accumulates the columns ``lane, lane + 64, ...`` with four buffer loads in flight
per step; lanes past the row's end read the reduction's identity. Then the wave
combines its 64 partial results in three stages, each with the cheapest cross-lane
path for its distance:

    DPP row_ror 1, 2, 4, 8   inside each row of 16 lanes (no memory instruction)
    ds_swizzle_b32 SWAP 16   the two rows of each half wave
    ds_bpermute_b32 l ^ 32   the two half waves

and lane 0 stores the row's result. bf16 inputs are read 2 bytes per element and
widened exactly (a bf16 is the high half of an f32).
"""

from __future__ import annotations

import torch

import pyhip_mlir as pyhip

WAVES = 4
UNROLL = 4
NEG_INF = 0xFF800000
OOB = 0x80000000  # a buffer offset past the end of any resource here: reads return 0

DTYPES = {"f32": torch.float32, "bf16": torch.bfloat16}


def wave_reduce(J, v, op: str) -> None:  # noqa: ANN001
    """Leave ``op`` (add / max) over the wave's 64 lanes of ``v`` in every lane."""
    dpp, plain = getattr(J, f"v_{op}_f32_dpp"), getattr(J, f"v_{op}_f32")
    for s in (1, 2, 4, 8):  # rotations give every lane a source: full writes
        dpp(v, v, v, row_ror=s)
    t = J.gpr("vf32")
    J.ds_swizzle_b32(t, v, offset="swizzle(SWAP,16)")
    J.s_waitcnt(lgkmcnt=0)
    plain(v, v, t)
    J.ds_bpermute_b32(t, (J.lane_id[0] ^ 32) << 2, v)
    J.s_waitcnt(lgkmcnt=0)
    plain(v, v, t)


@pyhip.jit()
def row_reduce(J, op, dtype, p_x: "void*", p_out: "float*", rows: "int", cols: "int"):
    assert op in ("sum", "max") and dtype in DTYPES, (op, dtype)
    esize = 4 if dtype == "f32" else 2
    vop = "add" if op == "sum" else "max"
    row = J.gpr("su32")
    row[0] = J.blockIdx.x[0] * WAVES + J.warp_id[0]
    with J.If(row[0] < rows[0]):
        src = J.Buffer(p_x, rows * cols * esize)
        acc = J.gpr(UNROLL, "vf32", 0.0 if op == "sum" else NEG_INF)
        ident = J.gpr("vf32", 0.0 if op == "sum" else NEG_INF)
        oob = J.gpr("vu32", OOB)
        c0 = J.gpr("su32", 0)  # the wave's next column
        col = J.gpr(J.lane_id[0] + 0)  # this lane's
        off = J.gpr((row[0] * cols[0] + col[0]) * esize)  # its byte offset
        x = J.gpr(UNROLL, "vf32")
        a = J.gpr(UNROLL, "vu32")
        with J.While(c0[0] < cols[0]):
            for u in range(UNROLL):
                J.SetMask("vcc", col[0] + 64 * u < cols[0])
                J.v_cndmask_b32(a[u], oob, off, "vcc")
                if esize == 4:
                    src.load_dword(x[u], a[u], 0, offset12=64 * u * 4)
                else:
                    src.load_ushort(x[u], a[u], 0, offset12=64 * u * 2)
            for u in range(UNROLL):
                J.s_waitcnt(vmcnt=UNROLL - 1 - u)  # loads return in order
                if esize == 2:
                    J.v_lshlrev_b32(x[u], 16, x[u])  # bf16 -> f32: the high half
                if op == "max":  # past the end the load gave 0, not the identity
                    J.SetMask("vcc", col[0] + 64 * u < cols[0])
                    J.v_cndmask_b32(x[u], ident, x[u], "vcc")
                getattr(J, f"v_{vop}_f32")(acc[u], acc[u], x[u])
            c0[0] = c0[0] + 64 * UNROLL
            col[0] = col[0] + 64 * UNROLL
            off[0] = off[0] + 64 * UNROLL * esize
        for u in range(1, UNROLL):
            getattr(J, f"v_{vop}_f32")(acc[0], acc[0], acc[u])
        wave_reduce(J, acc[0], vop)
        addr = J.gpr("vu32")
        addr[0] = row[0] << 2
        with J.ExecMask(J.lane_id[0] == 0):
            J.global_store_dword(addr, acc[0], p_out)
        J.s_waitcnt(vmcnt=0)


def run(rows: int, cols: int, op: str = "sum", dtype: str = "f32", seed: int = 0) -> torch.Tensor:
    """Reduce a random rows x cols matrix; check against torch."""
    g = torch.Generator().manual_seed(seed)
    x = (torch.randn(rows, cols, generator=g) - 0.5).to(DTYPES[dtype])
    out = torch.full((rows,), float("nan"))
    row_reduce([(rows + WAVES - 1) // WAVES], [64 * WAVES], op, dtype, x, out, rows, cols)
    xf = x.float()
    if op == "max":
        ok = torch.equal(out, xf.amax(-1))
    else:  # a different summation order: bounded by the sum of magnitudes
        ok = bool(((out - xf.sum(-1)).abs() <= 1e-6 * xf.abs().sum(-1) + 1e-6).all())
    if not ok:
        raise AssertionError(f"row_reduce {op} {dtype} {rows}x{cols}: got {out[:4]}, "
                             f"want {xf.amax(-1)[:4] if op == 'max' else xf.sum(-1)[:4]}")
    return out


def main() -> None:
    for rows, cols in ((1, 1), (3, 100), (9, 640), (64, 1000)):
        for op in ("sum", "max"):
            for dtype in DTYPES:
                run(rows, cols, op, dtype)
                print(f"row_reduce {op} {dtype:4} {rows:3d} x {cols:4d}: ok")
    print(row_reduce.stats("sum", "bf16"))
    for arch in ("gfx90a", "gfx950"):
        other = pyhip.jit(arch=arch)(row_reduce.fn).binary("max", "bf16")
        print(f"{arch}: {len(other.code_object)}-byte code object")


if __name__ == "__main__":
    main()
