"""Warp bitonic sort: one row of 64 values per wavefront, in the DSL and in HIP C++.

    python examples/bitonic_sort.py

Each wave sorts one row of 64 f32 or i32 values, ascending or descending; lane l
holds element l, so the whole sort stays in registers. The bitonic network has 21
compare-exchange steps: step (k, j) pairs lane l with lane l ^ j, and each lane keeps
the smaller or the larger of the two. The partner's value comes over the cheapest
cross-lane path for the distance: DPP ``quad_perm`` inside a quad (j = 1, 2),
``ds_swizzle_b32`` SWAP inside 32 lanes (j = 4, 8, 16) and ``ds_bpermute_b32`` across
the two halves of the wave (j = 32). Which lanes keep the minimum depends only on the
lane, k, j and the direction, all known when tracing, so the DSL kernel picks with one
``v_cndmask_b32`` under a constant 64-bit lane mask instead of computing it per lane.

A workgroup of 256 lanes sorts 4 rows; in a last, partial workgroup the waves past the
end skip everything under a scalar ``J.If`` on their row index. ``bitonic_sort.hip``
is the same algorithm in HIP C++ (clang builtins for DPP, swizzle and bpermute),
launched through ``@pyhip.module``. Both are checked against ``torch.sort``; the DSL
kernel is then built for gfx90a and gfx950.
"""

from __future__ import annotations

from typing import Literal

import torch

import pyhip_mlir as pyhip

WAVE = 64
WAVES_PER_BLOCK = 4
BLOCK = WAVE * WAVES_PER_BLOCK
DTYPES = {"f32": torch.float32, "i32": torch.int32}


def keep_min_lanes(k: int, j: int, descending: bool) -> int:
    """The lanes that keep the smaller value of their pair at step (k, j), as an EXEC-style
    64-bit mask: the lower lane of a pair (bit j clear) in an ascending block (bit k
    clear), the upper one in a descending block; a descending sort flips every block."""
    mask = 0
    for lane in range(WAVE):
        if ((lane & j) == 0) ^ ((lane & k) != 0) ^ descending:
            mask |= 1 << lane
    return mask


# Quoted C types are runtime arguments; dtype and descending (plain annotations) are
# compile-time: each combination traces its own kernel.
@pyhip.jit()
def bitonic_sort(J, p_in: "int*", p_out: "int*", rows: "int", dtype: str, descending: bool):
    row = J.gpr("su32")
    row[0] = J.blockIdx.x[0] * WAVES_PER_BLOCK + J.warp_id[0]
    # The row index is scalar (one per wave), so the guard is a branch around the
    # whole wave, and the cross-lane operations inside always see all 64 lanes.
    with J.If(row[0] < rows[0]):
        # 64-bit row offset: rows * 256 bytes may pass 4 GiB.
        row_bytes = J.gpr(2, "su32")
        row_bytes[0] = row[0]
        row_bytes[1] = 0
        row_bytes[0:1] = row_bytes[0:1] << 8
        base = J.gpr(2, "su32")
        base[0:1] = p_in[0:1] + row_bytes[0:1]
        voff = J.gpr(J.lane_id[0] << 2)
        x = J.gpr(f"v{dtype}")
        J.global_load_dword(x, voff, base)
        J.s_waitcnt(vmcnt=0)

        t = J.gpr(f"v{dtype}")
        lo = J.gpr(f"v{dtype}")
        hi = J.gpr(f"v{dtype}")
        bperm_addr = J.gpr((J.lane_id[0] ^ 32) << 2)  # ds_bpermute takes byte addresses
        keep_min = J.gpr(2, "su32")
        v_min = getattr(J, f"v_min_{dtype}")
        v_max = getattr(J, f"v_max_{dtype}")
        k = 2
        while k <= WAVE:
            j = k // 2
            while j >= 1:
                if j == 1:
                    J.v_mov_b32_dpp(t, x, quad_perm=[1, 0, 3, 2])
                elif j == 2:
                    J.v_mov_b32_dpp(t, x, quad_perm=[2, 3, 0, 1])
                elif j < 32:
                    J.ds_swizzle_b32(t, x, offset=f"swizzle(SWAP,{j})")
                    J.s_waitcnt(lgkmcnt=0)
                else:  # swizzle stays inside 32 lanes; crossing halves needs bpermute
                    J.ds_bpermute_b32(t, bperm_addr, x)
                    J.s_waitcnt(lgkmcnt=0)
                v_min(lo, x, t)
                v_max(hi, x, t)
                mask = keep_min_lanes(k, j, descending)
                J.s_mov_b32(keep_min[0], mask & 0xFFFFFFFF)
                J.s_mov_b32(keep_min[1], mask >> 32)
                J.v_cndmask_b32_e64(x, hi, lo, keep_min)  # lanes in the mask take lo
                j //= 2
            k *= 2

        base[0:1] = p_out[0:1] + row_bytes[0:1]
        J.global_store_dword(voff, x, base)
        J.s_waitcnt(vmcnt=0)


# The HIP C++ twin: kernels bitonic_sort_f32 and bitonic_sort_i32, each taking the
# direction as a runtime int (the DSL kernel bakes it into its lane masks instead).
HIP = pyhip.module("bitonic_sort.hip")  # relative to this file


def blocks(rows: int) -> int:
    return (rows + WAVES_PER_BLOCK - 1) // WAVES_PER_BLOCK


def make_input(rows: int, dtype: str, seed: int) -> torch.Tensor:
    """Random rows with duplicates (a quarter of each row copies other elements);
    i32 covers the whole range, negatives and both extremes included."""
    g = torch.Generator().manual_seed(seed)
    if dtype == "f32":
        x = torch.randn(rows, WAVE, generator=g)
    else:
        x = torch.randint(-(2**31), 2**31, (rows, WAVE), dtype=torch.int32, generator=g)
        x[0, 0], x[-1, -1] = -(2**31), 2**31 - 1
    src = torch.randint(0, WAVE, (rows, WAVE // 4), generator=g)
    x[:, : WAVE // 4] = x.gather(1, src)
    return x


def run(rows: int, dtype: str, descending: bool, seed: int = 0,
        backend: Literal["dsl", "hip"] = "dsl") -> torch.Tensor:
    """Sort ``rows`` random rows of 64 with the DSL or the HIP kernel; check against torch."""
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {sorted(DTYPES)}, not {dtype!r}")
    if backend not in ("dsl", "hip"):
        raise ValueError(f"backend must be 'dsl' or 'hip', not {backend!r}")
    x = make_input(rows, dtype, seed)
    # Rows past the end stay at a sentinel: a wave that ignored the guard would write them.
    sentinel = torch.full((WAVES_PER_BLOCK, WAVE), 7, dtype=DTYPES[dtype])
    out = torch.cat([torch.full_like(x, 7), sentinel])
    if backend == "dsl":
        bitonic_sort([blocks(rows)], [BLOCK], x, out, rows, dtype, descending)
    else:
        HIP.kernel(f"bitonic_sort_{dtype}")([blocks(rows)], [BLOCK], x, out, rows, int(descending))
    expected = torch.sort(x, dim=-1, descending=descending).values
    what = f"bitonic_sort[{backend}] rows={rows} {dtype} {'descending' if descending else 'ascending'}"
    if not torch.equal(out[:rows], expected):
        bad = (out[:rows] != expected).nonzero()[:5].tolist()
        raise AssertionError(f"{what}: wrong at (row, lane) {bad}")
    if not torch.equal(out[rows:], sentinel):
        raise AssertionError(f"{what}: wrote past the last row")
    return out[:rows]


def main() -> None:
    for backend in ("dsl", "hip"):
        for dtype in DTYPES:
            for descending in (False, True):
                for rows in (1, 5, 64):
                    run(rows, dtype, descending, seed=rows, backend=backend)
                    order = "descending" if descending else "ascending"
                    print(f"bitonic_sort[{backend}] {dtype} {order:10} rows={rows:3d}: ok")
    print(bitonic_sort.stats("f32", False))
    for arch in ("gfx90a", "gfx950"):
        for compile_args in (("f32", False), ("i32", True)):
            other = pyhip.jit(arch=arch)(bitonic_sort.fn).binary(*compile_args)
            print(f"{arch} {compile_args}: {len(other.code_object)}-byte code object")


if __name__ == "__main__":
    main()
