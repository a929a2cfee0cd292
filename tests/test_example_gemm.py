"""examples/gemm.py: the MFMA GEMM against torch on the emulator, with tiles that fit
the matrix and tiles that overhang it in M, N and K, and built for gfx90a and gfx950."""

from __future__ import annotations

import pytest
from example_loader import load

import pyhip_mlir as pyhip

gemm = load("gemm")


@pytest.mark.parametrize("m, n, k, dtype, tile", [
    (64, 64, 32, "f16", (64, 64, 32)),      # one tile, one stage
    (128, 64, 96, "bf16", (64, 64, 32)),    # several tiles and stages, exact fit
    (100, 70, 40, "f16", (64, 64, 32)),     # overhang in M, N and K
    (130, 66, 72, "bf16", (128, 64, 32)),   # 2x1 blocks per wave
    (64, 96, 136, "f16", (64, 64, 64)),     # BK = 64, K overhang
    (1, 1, 8, "f16", (64, 64, 32)),         # a single element
])
def test_gemm(m: int, n: int, k: int, dtype: str, tile: tuple[int, int, int]) -> None:
    gemm.run(m, n, k, dtype, *tile, seed=m + n + k)


def test_gemm_uses_the_32x32x8_mfma_and_double_buffered_lds() -> None:
    asm = gemm.gemm.asm("f16", 64, 64, 32)
    assert asm.count("v_mfma_f32_32x32x8_f16") == 4  # BK / 8 k-slices, one block per wave
    assert "buffer_load_dwordx4" in asm and "ds_write_b128" in asm and "ds_read_b64" in asm
    assert gemm.gemm.stats("f16", 64, 64, 32)["lds_bytes"] == 2 * 2 * 64 * (32 + gemm.PAD) * 2


@pytest.mark.parametrize("arch, mnemonic", [("gfx90a", "v_mfma_f32_32x32x8bf16_1k"),
                                            ("gfx950", "v_mfma_f32_32x32x8_bf16")])
def test_gemm_builds_for_other_arch(arch: str, mnemonic: str) -> None:
    k = pyhip.jit(arch=arch)(gemm.gemm.fn)
    assert mnemonic in k.asm("bf16", 64, 64, 32)
    assert len(k.binary("bf16", 64, 64, 32).code_object) > 0
