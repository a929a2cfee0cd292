"""examples/attention.py: one head of attention (QK^T, online softmax, PV) on the
MFMA, against torch, for sequence lengths that leave partial key and query blocks."""

from __future__ import annotations

import pytest
from example_loader import load

import pyhip_mlir as pyhip

attention = load("attention")


@pytest.mark.parametrize("s, d", [(1, 32), (32, 32), (77, 32), (40, 64), (96, 64)])
def test_attention(s: int, d: int) -> None:
    attention.run(s, d, seed=s * d)


def test_attention_runs_both_products_on_the_mfma() -> None:
    asm = attention.attention.asm(32)
    # S^T = K Q^T: D / 8 k-slices; O^T += V^T P^T: 32 keys = 4 k-slices
    assert asm.count("v_mfma_f32_32x32x8_f16") == 32 // 8 + 4
    assert "ds_bpermute_b32" in asm and "v_exp_f32" in asm


@pytest.mark.parametrize("arch, mnemonic", [("gfx90a", "v_mfma_f32_32x32x8f16"),
                                            ("gfx950", "v_mfma_f32_32x32x8_f16")])
def test_attention_builds_for_other_arch(arch: str, mnemonic: str) -> None:
    k = pyhip.jit(arch=arch)(attention.attention.fn)
    assert mnemonic in k.asm(64)
    assert len(k.binary(64).code_object) > 0
