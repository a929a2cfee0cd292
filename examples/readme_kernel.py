"""The README's first kernel: a scalar loop with an If, written in the DSL.

    python examples/readme_kernel.py

Traces the kernel, prints its cdna IR, runs it on the emulator's SSA interpreter with
a torch tensor as the output pointer (a numpy array works the same), and checks the
result against Python.
"""

from __future__ import annotations

import torch

import pyhip_mlir as pyhip


@pyhip.jit()
def kernel(J, N, s_pout: "int*"):
    s_i = J.gpr('si32'); s_cnt = J.gpr('si32')  # noqa: E702
    s_i[0] = 0; s_cnt[0] = 0  # noqa: E702
    with J.While(s_i[0] < N):
        with J.If((s_i[0] & 1) == 0):
            s_cnt[0] = s_cnt + s_i
        s_i[0] = s_i[0] + 1
    J.s_store_dword(s_cnt, s_pout, 0, mod="glc")
    J.s_waitcnt(mod="lgkmcnt(0)")


def main() -> None:
    print(kernel.ir(32, debuginfo=False))
    out = torch.zeros(32, dtype=torch.int32)
    kernel([1], [64], 32, out)  # grid, block, then every argument in order
    expected = sum(i for i in range(32) if i % 2 == 0)
    print(f"out[0] = {out[0]} (expected {expected})")
    assert out[0] == expected


if __name__ == "__main__":
    main()
