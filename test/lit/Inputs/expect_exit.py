"""Run a command; succeed iff it exits with the given status and prints no traceback.

    %expect-exit 1 pyhip-opt bad.mlir     (lit substitution, see lit.cfg.py)

The command's stdout and stderr are passed through, so the usual ``2>&1 | filecheck``
works. lit's ``not`` accepts any non-zero status; user errors must exit with exactly 1
and never show a Python traceback (an internal error exits with 2).
"""

import subprocess
import sys


def main() -> int:
    want = int(sys.argv[1])
    proc = subprocess.run(sys.argv[2:], capture_output=True, text=True)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    if "Traceback" in proc.stdout + proc.stderr:
        sys.stderr.write("expect_exit: the command printed a Python traceback\n")
        return 1
    if proc.returncode != want:
        sys.stderr.write(f"expect_exit: exit status {proc.returncode}, expected {want}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
