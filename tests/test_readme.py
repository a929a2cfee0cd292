"""The README's first code block is the DSL kernel of issue 4 and runs as written."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_first_example_runs() -> None:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```python\n(.*?)```", text, re.S)
    assert block is not None
    code = block.group(1)
    assert "@pyhip.jit()" in code and "J.While" in code and "J.If" in code
    namespace: dict[str, object] = {"__name__": "readme"}
    exec(compile(code, str(ROOT / "README.md"), "exec"), namespace)  # asserts the result itself
    out = namespace["out"]
    assert int(out[0]) == sum(i for i in range(32) if i % 2 == 0)  # type: ignore[index]


def test_readme_example_file_matches() -> None:
    """examples/readme_kernel.py has the same kernel as the README."""
    text = (ROOT / "README.md").read_text()
    example = (ROOT / "examples" / "readme_kernel.py").read_text()
    block = re.search(r"```python\n(.*?)```", text, re.S)
    assert block is not None
    kernel = block.group(1).split("@pyhip.jit()")[1].split("out =")[0].strip()
    for line in kernel.splitlines():
        assert line.split("  # noqa")[0].rstrip() in example.replace("  # noqa: E702", ""), line


def test_readme_lists_every_example_and_each_has_a_test() -> None:
    text = (ROOT / "README.md").read_text()
    tests = "\n".join(p.read_text() for p in (ROOT / "tests").glob("test_*.py"))
    for path in sorted((ROOT / "examples").glob("*.py")):
        if path.name == "emulate_vector_add.py":  # the code-object runner of `dev.sh example`
            continue
        assert f"(examples/{path.name})" in text, f"README does not link examples/{path.name}"
        if path.stem != "readme_kernel":  # that one is the README's own block, tested above
            assert f'load("{path.stem}")' in tests, f"no test loads examples/{path.name}"
    assert "(docs/performance.md)" in text and "bench/run.py" in text
    assert "bash scripts/dev.sh example" in text and "bash scripts/dev.sh test" in text
