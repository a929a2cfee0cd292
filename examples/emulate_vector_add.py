"""Run the vector_add code object on the CDNA3 emulator and check it against numpy.

    python examples/emulate_vector_add.py vadd.co [n]

(`bash scripts/dev.sh example` builds vadd.co from examples/vector_add.mlir and runs
this.) No GPU needed: the emulator executes the code object's instructions, with the
sanitizer watching waits, hazards and memory bounds.
"""

from __future__ import annotations

import sys

import numpy as np

from pyhip_mlir import emulator


def main() -> int:
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rng = np.random.default_rng(0)
    a = rng.standard_normal(n).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    c = np.zeros(n, np.float32)
    blocks = (n + 63) // 64
    res = emulator.load(path).vector_add([blocks], [64], a, b, c, n)
    ok = np.array_equal(c, a + b)
    print(f"vector_add on the emulator: n={n}, {res.waves} waves, {res.wave_instructions} "
          f"wave-instructions in {res.seconds:.3f} s, sanitizer reports: {len(res.reports)}, "
          f"result {'matches' if ok else 'DIFFERS from'} numpy")
    for r in res.reports:
        print(r)
    return 0 if ok and not res.reports else 1


if __name__ == "__main__":
    sys.exit(main())
