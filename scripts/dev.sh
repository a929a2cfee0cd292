#!/usr/bin/env bash
# One entry point for the README's commands. Idempotent: installs only what is missing.
#   bash scripts/dev.sh example   # run the README's DSL kernel (examples/readme_kernel.py) and the
#                                 # other examples/*.py kernels; compile
#                                 # examples/vector_add.mlir to gfx942 asm and a code object, then
#                                 # run it on the emulator against numpy
#   bash scripts/dev.sh test      # run every test (pytest, which also runs the lit suite)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
APT_PKGS=(clang-22 lld-22 llvm-22 libamdhip64-5)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

setup_apt() {
    local missing=()
    for p in "${APT_PKGS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "[setup] apt-get install ${missing[*]}" >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    fi
}

setup_venv() {
    local stamp="$VENV/.pyhip-stamp" want
    want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/pyhip-opt" ]; then
        return
    fi
    echo "[setup] creating $VENV" >&2
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    local log="$VENV/pip-install.log"
    if ! "$VENV/bin/pip" install -q --disable-pip-version-check -e ".[test,torch]" > "$log" 2>&1; then
        cat "$log" >&2
        echo "[setup] pip install failed (log: $log)" >&2
        exit 1
    fi
    echo "$want" > "$stamp"
}

setup() { setup_apt; setup_venv; export PATH="$VENV/bin:$PATH"; }

cmd=${1:-}
case "$cmd" in
    example)
        setup
        python examples/readme_kernel.py
        for ex in vector_add row_reduce softmax transpose bitonic_sort gemm attention; do
            echo "# examples/$ex.py" >&2
            python "examples/$ex.py"
        done
        out=${TMPDIR:-/tmp}/pyhip_vector_add
        pyhip-opt examples/vector_add.mlir -t 'asm{arch=gfx942}' -o "$out.s"
        cat "$out.s"
        clang-22 -x assembler -target amdgcn-amd-amdhsa -mcpu=gfx942 "$out.s" -o "$out.co"
        echo "# assembled: $out.co ($(stat -c %s "$out.co") bytes)" >&2
        python examples/emulate_vector_add.py "$out.co" 1000
        ;;
    test)
        setup
        set +e
        python -m pytest -q -p no:cacheprovider "${@:2}"
        rc=$?
        set -e
        # pytest exits 5 when it collected no tests: not a failure of the suite.
        if [ $rc -eq 5 ]; then rc=0; fi
        exit $rc
        ;;
    *)
        echo "usage: bash scripts/dev.sh {example|test} [pytest args]" >&2
        exit 2
        ;;
esac
