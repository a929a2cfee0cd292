"""examples/vector_add.py, transpose.py and readme_kernel.py: against torch on the emulator,
at sizes that leave partial workgroups and tiles, and built for every arch."""

from __future__ import annotations

import pytest
from example_loader import load

import pyhip_mlir as pyhip

vector_add = load("vector_add")
transpose = load("transpose")
readme = load("readme_kernel")


@pytest.mark.parametrize("n, grid", [(1, 1), (1000, 1), (4096, 2), (12345, 3)])
def test_vector_add(n: int, grid: int) -> None:
    vector_add.run(n, grid, seed=n)


@pytest.mark.parametrize("m, n", [(32, 32), (64, 96), (1, 1), (33, 70), (100, 17)])
def test_transpose(m: int, n: int) -> None:
    transpose.run(m, n, seed=m * n)


def test_transpose_reads_lds_through_the_padded_row() -> None:
    """Rows of the LDS tile are 33 floats apart (132 bytes): the column read of lane
    `col` at row `r` is at dword col * 33 + r, a different bank for each of 32 lanes."""
    ir = transpose.transpose.ir(debuginfo=False)
    assert "offset = 1056" in ir  # tile row 8 = 8 * 33 * 4 bytes


def test_readme_kernel_example() -> None:
    readme.main()  # runs the kernel, checks it, prints its report and builds other archs


@pytest.mark.parametrize("arch", ["gfx90a", "gfx950"])
@pytest.mark.parametrize("kernel, args", [(vector_add.vector_add, ()), (transpose.transpose, ()),
                                          (readme.kernel, (32,))])
def test_builds_for_other_arch(kernel: pyhip.JitKernel, args: tuple[int, ...], arch: str) -> None:
    binary = pyhip.jit(arch=arch)(kernel.fn).binary(*args)
    assert binary.arch == arch and len(binary.code_object) > 0
