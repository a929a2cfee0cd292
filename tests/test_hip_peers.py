"""bench/kernels/*.hip, the HIP C++ peers bench/run.py compares the examples with:
built by clang-22 -x hip -O3, run on the emulator, checked against torch the same way
as the DSL examples (so the comparison is between two correct kernels)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from example_loader import load

import pyhip_mlir as pyhip

KERNELS = Path(__file__).resolve().parents[1] / "bench" / "kernels"


@pytest.mark.parametrize("n, grid", [(1, 1), (5000, 2), (12345, 3)])
def test_vector_add(n: int, grid: int) -> None:
    g = torch.Generator().manual_seed(n)
    a, b = torch.randn(n, generator=g), torch.randn(n, generator=g)
    c = torch.full((n,), float("nan"))
    pyhip.module(str(KERNELS / "vector_add.hip")).vector_add([grid], [256], a, b, c, n, grid)
    assert torch.equal(c, a + b)


@pytest.mark.parametrize("m, n", [(32, 32), (33, 70), (100, 17)])
def test_transpose(m: int, n: int) -> None:
    a = torch.randn(m, n, generator=torch.Generator().manual_seed(m * n))
    out = torch.full((n, m), float("nan"))
    grid = [(n + 31) // 32, (m + 31) // 32]
    pyhip.module(str(KERNELS / "transpose.hip")).transpose(grid, [256], a, out, m, n)
    assert torch.equal(out, a.T)


@pytest.mark.parametrize("rows, cols", [(1, 1), (3, 100), (9, 640)])
@pytest.mark.parametrize("op", ["sum", "max"])
def test_row_reduce(op: str, rows: int, cols: int) -> None:
    x = torch.randn(rows, cols, generator=torch.Generator().manual_seed(rows + cols)) - 0.5
    out = torch.full((rows,), float("nan"))
    mod = pyhip.module(str(KERNELS / "row_reduce.hip"))
    mod.kernel(f"row_{op}_f32")([(rows + 3) // 4], [256], x, out, rows, cols)
    if op == "max":
        assert torch.equal(out, x.amax(-1))
    else:
        assert bool(((out - x.sum(-1)).abs() <= 1e-6 * x.abs().sum(-1) + 1e-6).all())


@pytest.mark.parametrize("m, n, k", [(64, 64, 32), (100, 70, 40), (128, 64, 96)])
def test_gemm_lds(m: int, n: int, k: int) -> None:
    g = torch.Generator().manual_seed(m + n + k)
    a = torch.randn(m, k, generator=g).half()
    b = torch.randn(n, k, generator=g).half()
    c = torch.full((m, n), float("nan"))
    grid = [(n + 63) // 64, (m + 63) // 64]
    pyhip.module(str(KERNELS / "gemm_lds.hip")).gemm_lds_f16(grid, [256], a, b, c, m, n, k)
    ref = a.float() @ b.float().T
    # as examples/gemm.py's run: products are exact in f32, only the order of the sums differs
    assert (c - ref).abs().max().item() <= 1e-5 * max(1.0, k ** 0.5) * max(1.0, ref.abs().max().item())


def test_peers_match_the_examples_bit_for_bit() -> None:
    """The row sum and the GEMM add in the DSL kernels' order, so with the same inputs
    their f32 results are identical to the examples' (a check that they are peers)."""
    rows, cols = 5, 300
    want = load("row_reduce").run(rows, cols, "sum", "f32", seed=7)
    x = torch.randn(rows, cols, generator=torch.Generator().manual_seed(7)) - 0.5
    out = torch.full((rows,), float("nan"))
    pyhip.module(str(KERNELS / "row_reduce.hip")).row_sum_f32([2], [256], x, out, rows, cols)
    assert torch.equal(out, want)

    m, n, k = 100, 70, 40
    want = load("gemm").run(m, n, k, "f16", seed=7)
    g = torch.Generator().manual_seed(7)
    a = torch.randn(m, k, generator=g).half()
    b = torch.randn(n, k, generator=g).half()
    c = torch.full((m, n), float("nan"))
    pyhip.module(str(KERNELS / "gemm_lds.hip")).gemm_lds_f16([2, 2], [256], a, b, c, m, n, k)
    assert torch.equal(c, want)
