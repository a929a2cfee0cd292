"""The code-object cache: what its key covers, one build for many processes, damaged
entries rebuilt (never loaded), and fresh-process hits that skip tracing and xDSL.
Real files, real subprocesses, real clang builds."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import warnings
from pathlib import Path

import pytest

from pyhip_mlir.runtime.cache import (
    CacheError,
    CacheWarning,
    CodeObjectCache,
    Entry,
    cache_key,
    encode_entry,
)

KERNEL_FILE = textwrap.dedent('''\
    import pyhip_mlir as pyhip

    @pyhip.jit()
    def count(J, N, s_pout: "int*"):
        s_i = J.gpr("si32")
        s_i[0] = 0
        with J.While(s_i[0] < N):
            s_i[0] = s_i[0] + 1
        J.s_store_dword(s_i, s_pout, 0, mod="glc")
        J.s_waitcnt(mod="lgkmcnt(0)")
''')
RUN = textwrap.dedent('''\
    import json, sys, time, warnings
    sys.path.insert(0, sys.argv[1])
    start = time.time()
    while time.time() < float(sys.argv[2]):  # start together
        time.sleep(0.001)
    from kern import count
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        binary = count.binary(7)
        loaded = sorted(m for m in ("xdsl", "numpy", "torch") if m in sys.modules)
        import numpy as np
        out = np.zeros(4, np.int32)
        count([1], [64], 7, out)
    from pyhip_mlir.frontend.build import shared_cache
    print(json.dumps({"value": int(out[0]), "builds": shared_cache().stats.builds,
                      "loaded_before_launch": loaded, "warnings": [str(x.message) for x in w],
                      "key": binary.report["cache_key"]}))
''')


def _run(tmp_path: Path, n: int = 1, delay: float = 0.0) -> list[dict]:
    import os
    import time

    if not (tmp_path / "kern.py").exists():
        (tmp_path / "kern.py").write_text(KERNEL_FILE)
    (tmp_path / "run.py").write_text(RUN)
    env = {**os.environ, "PYHIP_CACHE_DIR": str(tmp_path / "cache"), "PYHIP_BACKEND": "emu",
           "PYHIP_EMU": "machine"}
    at = str(time.time() + delay)
    procs = [subprocess.Popen([sys.executable, str(tmp_path / "run.py"), str(tmp_path), at],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(n)]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def test_key_changes_with_every_ingredient() -> None:
    base = {"ir": "a" * 64, "pipeline": "cse,dce", "codegen": "hip", "arch": "gfx942",
            "features": "", "compiler": "/usr/bin/clang-22", "compiler_version": "clang 22.1",
            "flags": ["-O3"], "pyhip": "0.1.0+abc"}
    k = cache_key(base)
    assert cache_key(dict(reversed(list(base.items())))) == k
    for name, value in base.items():
        changed = {**base, name: (value + ["-g"]) if isinstance(value, list) else value + "x"}
        assert cache_key(changed) != k, name
        assert cache_key({n: v for n, v in base.items() if n != name}) != k, name
    with pytest.raises(TypeError, match="ingredient 'ingredients.ir'"):
        cache_key({**base, "ir": object()})


def test_jit_key_ingredients_cover_arch_pipeline_codegen_and_ir(tmp_path: Path) -> None:
    from pyhip_mlir.frontend.build import key_ingredients

    ing = key_ingredients("module {}", "gfx942", "cse", "hip")
    assert set(ing) == {"ir", "pipeline", "codegen", "arch", "features", "compiler",
                        "compiler_version", "flags", "pyhip"}
    keys = {cache_key(ing), cache_key(key_ingredients("module {} ", "gfx942", "cse", "hip")),
            cache_key(key_ingredients("module {}", "gfx950", "cse", "hip")),
            cache_key(key_ingredients("module {}", "gfx942", "cse,dce", "hip")),
            cache_key(key_ingredients("module {}", "gfx942", "cse", "asm"))}
    assert len(keys) == 5


def test_eight_processes_build_once_and_agree(tmp_path: Path) -> None:
    results = _run(tmp_path, n=8, delay=3.0)
    assert [r["value"] for r in results] == [7] * 8
    assert sum(r["builds"] for r in results) == 1
    assert len({r["key"] for r in results}) == 1


def test_fresh_process_hit_skips_tracing_and_xdsl(tmp_path: Path) -> None:
    first = _run(tmp_path)[0]
    assert first["builds"] == 1 and "xdsl" in first["loaded_before_launch"]
    second = _run(tmp_path)[0]
    assert second["builds"] == 0 and second["value"] == 7
    assert second["loaded_before_launch"] == []  # no xdsl, numpy or torch to load the binary
    # editing the kernel's file invalidates the manifest: traced again, same IR, same entry
    (tmp_path / "kern.py").write_text(KERNEL_FILE + "\n# a comment\n")
    third = _run(tmp_path)[0]
    assert "xdsl" in third["loaded_before_launch"] and third["builds"] == 0


@pytest.mark.parametrize("damage", ["empty", "mid-header", "truncated-code", "flipped-byte",
                                    "garbage-json"])
def test_damaged_entry_is_rebuilt_not_loaded(tmp_path: Path, damage: str) -> None:
    first = _run(tmp_path)[0]
    path = next((tmp_path / "cache").glob(f"??/{first['key']}.pyhipco"))
    data = bytearray(path.read_bytes())
    if damage == "empty":
        data = bytearray()
    elif damage == "mid-header":
        data = data[:20]
    elif damage == "truncated-code":
        data = data[:-10]
    elif damage == "flipped-byte":
        data[-5] ^= 0xFF
    else:
        data[12:40] = b"{" * 28
    path.write_bytes(bytes(data))
    second = _run(tmp_path)[0]
    assert second["value"] == 7 and second["builds"] == 1
    assert any("damaged cache entry" in w for w in second["warnings"]), second["warnings"]
    cache = CodeObjectCache(tmp_path / "cache")
    assert cache.get(first["key"]) is not None  # the rebuilt entry is sound


def test_cache_unit_behaviour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = CodeObjectCache(tmp_path)
    builds = []

    def build() -> Entry:
        builds.append(1)
        return Entry(b"\x7fELF...", {"name": "k"})

    threads = [threading.Thread(target=cache.get_or_build, args=("ab" * 32, build)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1
    fresh = CodeObjectCache(tmp_path)
    assert fresh.get("ab" * 32) == Entry(b"\x7fELF...", {"name": "k"})
    assert fresh.stats.disk_hits == 1
    # an entry recorded under another key is not this key's entry
    (tmp_path / "cd").mkdir()
    (tmp_path / "cd" / f"{'cd' * 32}.pyhipco").write_bytes(encode_entry("ef" * 32, Entry(b"x")))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert fresh.get("cd" * 32) is None
    assert any(issubclass(x.category, CacheWarning) and "another key" in str(x.message) for x in w)
    # a directory under a regular file cannot be created: a clear error naming it
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(CacheError, match=str(blocker)):
        CodeObjectCache(blocker / "sub").put("12" * 32, Entry(b""))
    monkeypatch.setenv("PYHIP_CACHE", "0")
    memory_only = CodeObjectCache(tmp_path / "none")
    memory_only.put("34" * 32, Entry(b"y"))
    assert memory_only.get("34" * 32) == Entry(b"y") and not (tmp_path / "none").exists()
