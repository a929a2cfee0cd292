"""examples/bitonic_sort.py: the DSL and HIP C++ warp sorts against torch.sort on the
emulator, for both dtypes and directions, with a partial last workgroup, and the DSL
kernel built for other archs."""

from __future__ import annotations

import pytest
from example_loader import load

import pyhip_mlir as pyhip

ex = load("bitonic_sort")


@pytest.mark.parametrize("rows", [1, 3, 9])  # 9: the third workgroup has one wave of four
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dtype", ["f32", "i32"])
def test_dsl_sort(dtype: str, descending: bool, rows: int) -> None:
    ex.run(rows, dtype, descending, seed=rows, backend="dsl")


@pytest.mark.parametrize("rows", [1, 9])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dtype", ["f32", "i32"])
def test_hip_sort(dtype: str, descending: bool, rows: int) -> None:
    ex.run(rows, dtype, descending, seed=rows, backend="hip")


def test_keep_min_lanes() -> None:
    # The first step compares neighbours: even lanes keep the minimum in blocks of
    # two that alternate ascending and descending.
    assert ex.keep_min_lanes(2, 1, False) == 0x9999999999999999
    # The last step sorts the whole wave: the low half keeps the minimum when ascending.
    assert ex.keep_min_lanes(64, 32, False) == 0x00000000FFFFFFFF
    assert ex.keep_min_lanes(64, 32, True) == 0xFFFFFFFF00000000


def test_dsl_kernel_uses_each_cross_lane_path() -> None:
    ir = ex.bitonic_sort.ir("f32", False, debuginfo=False)
    assert ir.count("v_mov_b32_dpp") == 11  # j = 1 six times, j = 2 five times
    assert ir.count("ds_swizzle_b32") == 9  # j = 4, 8, 16: four, three and two times
    assert ir.count("ds_bpermute_b32") == 1  # j = 32, once


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="dtype"):
        ex.run(1, "f64", False)
    with pytest.raises(ValueError, match="backend"):
        ex.run(1, "f32", False, backend="cuda")  # type: ignore[arg-type]


@pytest.mark.parametrize("arch", ["gfx90a", "gfx950"])
def test_builds_for_other_arch(arch: str) -> None:
    for compile_args in (("f32", False), ("i32", True)):
        binary = pyhip.jit(arch=arch)(ex.bitonic_sort.fn).binary(*compile_args)
        assert binary.arch == arch and len(binary.code_object) > 0
