"""The README's first kernel: a scalar loop with an If, written in the DSL.

    python examples/readme_kernel.py

Traces the kernel and prints its cdna IR; the launch then runs the pass pipeline,
prints the kernel as inline asm in a HIP C++ file, compiles that with clang into a
gfx942 code object (cached under ~/.pyhip) and launches it: on an AMD GPU through
HIP, here on the project's CDNA emulator, with a torch tensor as the output pointer
(a numpy array works the same). The result is checked against Python; the same
kernel is then built for gfx90a and gfx950, and its report printed.
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
    print(kernel.hip_source(32))
    print(kernel.stats(32))
    for arch in ("gfx90a", "gfx950"):
        other = pyhip.jit(arch=arch)(kernel.fn).binary(32)
        print(f"{arch}: {len(other.code_object)}-byte code object, "
              f"{other.report['sgprs']} SGPRs")


if __name__ == "__main__":
    main()
