"""Matrix transpose through LDS, with a padded tile against bank conflicts.

    python examples/transpose.py

``out = a.T`` for an f32 matrix of any shape. A workgroup of 256 lanes moves one 32x32
tile: it reads 32 rows of the tile (coalesced: the 32 lanes of a row read 128
consecutive bytes), writes them to LDS, and after a barrier reads LDS by column so the
global writes are coalesced too. The LDS tile is 32x33 floats: with 33 floats per row
the 32 lanes reading one column hit 32 different banks (bank = dword index mod 32 =
(col * 33 + row) mod 32), where a 32-float row would put them all on one bank.
Tiles on the matrix's right and bottom edges are partial: lanes outside the matrix
are masked off with ``J.ExecMask``.
"""

from __future__ import annotations

import torch

import pyhip_mlir as pyhip

TILE = 32
ROWS_PER_STEP = 8  # 256 lanes = 8 rows of 32


@pyhip.jit()
def transpose(J, p_in: "float*", p_out: "float*", M: "int", N: "int"):
    tile = J.LDSTensor([TILE, TILE + 1], "f32")
    src = J.Buffer(p_in, M * N * 4)  # bytes; 1 << 31 at most, as buffer offsets are 32-bit
    dst = J.Buffer(p_out, M * N * 4)
    # The tile's first row and column in `a`, and this lane's row and column in it.
    r0 = J.gpr("su32")
    r0[0] = J.blockIdx.y[0] * TILE
    c0 = J.gpr("su32")
    c0[0] = J.blockIdx.x[0] * TILE
    row = J.gpr(J.threadIdx.x[0] >> 5)
    col = J.gpr(J.threadIdx.x[0] & 31)
    steps = TILE // ROWS_PER_STEP
    v = J.gpr(steps, "vf32", 0.0)
    gr = J.gpr(row[0] + r0[0])
    gc = J.gpr(col[0] + c0[0])
    addr = J.gpr(gr[0] * (N[0] * 4) + (gc[0] << 2))
    for i in range(steps):
        with J.ExecMask((gr[0] + ROWS_PER_STEP * i < M[0]) & (gc[0] < N[0])):
            src.load_dword(v[i], addr, 0)
        if i + 1 < steps:
            addr[0] = addr[0] + N[0] * (ROWS_PER_STEP * 4)
    J.s_waitcnt(vmcnt=0)
    for i in range(steps):
        tile.write("b32", v[i], row[0] + ROWS_PER_STEP * i, col)
    J.s_waitcnt(lgkmcnt=0)
    J.s_barrier()
    for i in range(steps):
        tile.read("b32", v[i], col, row[0] + ROWS_PER_STEP * i)
    J.s_waitcnt(lgkmcnt=0)
    # A row of `out` is a column of `a`: out[c0 + row, r0 + col].
    gr[0] = row[0] + c0[0]
    gc[0] = col[0] + r0[0]
    addr[0] = gr[0] * (M[0] * 4) + (gc[0] << 2)
    for i in range(steps):
        with J.ExecMask((gr[0] + ROWS_PER_STEP * i < N[0]) & (gc[0] < M[0])):
            dst.store_dword(v[i], addr, 0)
        if i + 1 < steps:
            addr[0] = addr[0] + M[0] * (ROWS_PER_STEP * 4)
    J.s_waitcnt(vmcnt=0)


def run(m: int, n: int, seed: int = 0) -> torch.Tensor:
    """Transpose a random m x n matrix; check against torch."""
    a = torch.randn(m, n, generator=torch.Generator().manual_seed(seed))
    out = torch.full((n, m), float("nan"))
    grid = [(n + TILE - 1) // TILE, (m + TILE - 1) // TILE]
    transpose(grid, [256], a, out, m, n)
    if not torch.equal(out, a.T):
        bad = (out != a.T).nonzero()[:5].tolist()
        raise AssertionError(f"transpose {m}x{n}: wrong at {bad}")
    return out


def main() -> None:
    for m, n in ((32, 32), (64, 96), (1, 1), (33, 70), (100, 17)):
        run(m, n)
        print(f"transpose {m:3d} x {n:3d}: ok")
    print(transpose.stats())
    for arch in ("gfx90a", "gfx950"):
        other = pyhip.jit(arch=arch)(transpose.fn).binary()
        print(f"{arch}: {len(other.code_object)}-byte code object")


if __name__ == "__main__":
    main()
