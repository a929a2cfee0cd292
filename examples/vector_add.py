"""Vector add with buffer loads and a grid-stride loop, for any length.

    python examples/vector_add.py

``c = a + b`` over f32 vectors. Each workgroup starts at its own block of elements and
steps by the whole grid until the end, so any grid covers any length. The loads and
stores go through buffer resources sized to the vectors: the hardware returns 0 for
reads past the end and drops writes past it, so the last, partial step needs no lane
mask. The example checks the result against torch for several lengths and grids, then
builds the same kernel for gfx90a and gfx950.
"""

from __future__ import annotations

import torch

import pyhip_mlir as pyhip

BLOCK = 256
UNROLL = 4  # elements per lane and step: four loads in flight before the first wait


@pyhip.jit()
def vector_add(J, p_a: "float*", p_b: "float*", p_c: "float*", n: "int", grid: "int"):
    a = J.Buffer(p_a, n << 2)
    b = J.Buffer(p_b, n << 2)
    c = J.Buffer(p_c, n << 2)
    step = BLOCK * UNROLL * 4  # bytes one workgroup covers per step
    base = J.gpr("su32")
    base[0] = J.blockIdx.x[0] * step
    stride = J.gpr("su32")
    stride[0] = grid[0] * step
    with J.While(base[0] < (n[0] << 2)):
        va = J.gpr(UNROLL, "vf32")
        vb = J.gpr(UNROLL, "vf32")
        # The block offset goes in voffset: soffset is not range-checked.
        voff = J.gpr((J.threadIdx.x[0] << 2) + base[0])
        for u in range(UNROLL):
            a.load_dword(va[u], voff, 0, offset12=u * BLOCK * 4)
            b.load_dword(vb[u], voff, 0, offset12=u * BLOCK * 4)
        for u in range(UNROLL):
            # Loads return in order: the pair for element u is in once 2 * (UNROLL - 1 - u)
            # younger loads are left outstanding.
            J.s_waitcnt(vmcnt=2 * (UNROLL - 1 - u))
            J.v_add_f32(va[u], va[u], vb[u])
            c.store_dword(va[u], voff, 0, offset12=u * BLOCK * 4)
        base[0] = base[0] + stride[0]
    J.s_waitcnt(vmcnt=0)


def run(n: int, grid: int, seed: int = 0) -> torch.Tensor:
    """Add two random vectors of ``n`` floats on ``grid`` workgroups; check against torch."""
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(n, generator=g)
    b = torch.randn(n, generator=g)
    c = torch.full((n,), float("nan"))
    vector_add([grid], [BLOCK], a, b, c, n, grid)
    if not torch.equal(c, a + b):
        bad = (c != a + b).nonzero()[:5].flatten().tolist()
        raise AssertionError(f"vector_add n={n} grid={grid}: wrong at indices {bad}")
    return c


def main() -> None:
    for n, grid in ((1, 1), (1000, 1), (5000, 2), (12345, 3), (2 * BLOCK * UNROLL, 4)):
        run(n, grid)
        print(f"vector_add n={n:6d} grid={grid}: ok")
    print(vector_add.stats())
    for arch in ("gfx90a", "gfx950"):
        other = pyhip.jit(arch=arch)(vector_add.fn).binary()
        print(f"{arch}: {len(other.code_object)}-byte code object")


if __name__ == "__main__":
    main()
