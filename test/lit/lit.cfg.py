# ruff: noqa: F821  (lit injects `config` and `lit_config`)
"""lit configuration of the pyhip_mlir FileCheck tests.

Run from the repository root: ``.venv/bin/lit -v test/lit``. ``pyhip-opt`` and
``filecheck`` (the pip FileCheck) are taken from the interpreter's bin directory (the
venv lit runs in) or from PATH.
"""

import os
import shutil
import sys

import lit.formats

config.name = "pyhip_mlir"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".s", ".py"]
config.excludes = ["Output", "lit.cfg.py", "Inputs", "__pycache__"]
config.test_source_root = os.path.dirname(__file__)

# Put the venv's bin directory (where pyhip-opt and filecheck live) first on PATH.
bin_dirs = [os.path.dirname(sys.executable)]
venv = os.environ.get("VIRTUAL_ENV")
if venv:
    bin_dirs.append(os.path.join(venv, "bin"))
repo_venv = os.path.join(config.test_source_root, "..", "..", ".venv", "bin")
bin_dirs.append(os.path.abspath(repo_venv))
path = os.pathsep.join([*bin_dirs, os.environ.get("PATH", "")])
config.environment["PATH"] = path
config.environment["PYTHONDONTWRITEBYTECODE"] = "1"
# xDSL moves its API between minor versions: a deprecation is a failure, not noise.
config.environment["PYTHONWARNINGS"] = "error::DeprecationWarning,error::PendingDeprecationWarning"
for var in ("HOME", "TMPDIR", "LANG", "LC_ALL", "PYTHONPATH"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

for tool in ("pyhip-opt", "filecheck"):
    if shutil.which(tool, path=path) is None:
        lit_config.fatal(f"{tool} not found on {path}; run `pip install -e .[test]`")

config.substitutions.append(("%python", sys.executable))
config.substitutions.append(
    ("%repo", os.path.abspath(os.path.join(config.test_source_root, "..", "..")))
)

# `%expect-exit 1 cmd ...`: cmd must exit with status 1 and print no traceback.
inputs = os.path.join(config.test_source_root, "Inputs")
config.substitutions.insert(
    0, ("%expect-exit", f"{sys.executable} {os.path.join(inputs, 'expect_exit.py')}")
)

# Features for tests that need the assembly printer / parser (written separately).
codegen = os.path.join(config.test_source_root, "..", "..", "pyhip_mlir", "codegen")
for feature, module in (("asm-printer", "asm_printer.py"), ("asm-parser", "asm_parser.py")):
    if os.path.exists(os.path.join(codegen, module)):
        config.available_features.add(feature)
