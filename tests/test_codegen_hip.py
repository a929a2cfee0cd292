"""The two code-generation paths (inline-asm HIP C++ and direct assembly), built by
the real clang-22 for every arch, agree on the metadata and run the same on the
emulator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import pyhip_mlir as pyhip
from pyhip_mlir.emulator.codeobject import parse_code_object
from pyhip_mlir.runtime.build import BuildError, compile_hip

ARCHS = ("gfx90a", "gfx942", "gfx950")
RNG = np.random.default_rng(6)


def _transpose(J, p_in: "float*", p_out: "float*", scale: "float", M, N):  # noqa: ANN001
    tile = J.LDSTensor([32, 33], "f32")
    src = J.Buffer(p_in, M * N * 4)
    dst = J.Buffer(p_out, M * N * 4)
    tr, tc = J.blockIdx.y[0], J.blockIdx.x[0]
    row = J.gpr(J.threadIdx.x[0] >> 5)
    col = J.gpr(J.threadIdx.x[0] & 31)
    v = J.gpr(4, "vf32")
    voff = J.gpr(row[0] * (N * 4) + (col[0] << 2))
    for i in range(4):
        src.load_dword(v[i], voff, (tr * 32 + 8 * i) * (N * 4) + (tc << 7))
    J.s_waitcnt(vmcnt=0)
    for i in range(4):
        tile.write("b32", v[i], row[0] + 8 * i, col)
    J.s_waitcnt(lgkmcnt=0)
    J.s_barrier()
    for i in range(4):
        tile.read("b32", v[i], col, row[0] + 8 * i)
    J.s_waitcnt(lgkmcnt=0)
    for i in range(4):
        J.v_mul_f32(v[i], scale, v[i])
    voff[0] = row[0] * (M * 4) + (col[0] << 2)
    for i in range(4):
        dst.store_dword(v[i], voff, (tc * 32 + 8 * i) * (M * 4) + (tr << 7))
    J.s_waitcnt(vmcnt=0)


def _counter(J, N, s_pout: "int*"):  # noqa: ANN001
    s_i = J.gpr("si32")
    s_i[0] = 0
    with J.While(s_i[0] < N):
        s_i[0] = s_i[0] + 1
    J.s_store_dword(s_i, s_pout, 0, mod="glc")
    J.s_waitcnt(mod="lgkmcnt(0)")


def _kernel(fn, arch: str, codegen: str) -> pyhip.JitKernel:  # noqa: ANN001
    return pyhip.jit(arch=arch, codegen=codegen, workgroup_size=[256] if fn is _transpose else None)(fn)


def _explicit(args: list[dict]) -> list[tuple]:
    return [(a[".offset"], a[".size"], a[".value_kind"], a.get(".address_space"))
            for a in args if not a[".value_kind"].startswith("hidden_")]


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("fn, ct", [(_transpose, (64, 32)), (_counter, (5,))])
def test_both_paths_same_metadata(arch: str, fn, ct: tuple) -> None:  # noqa: ANN001
    metas = {}
    for codegen in ("hip", "asm"):
        b = _kernel(fn, arch, codegen).binary(*ct)
        co = parse_code_object(b.code_object)
        assert co.arch == arch
        metas[codegen] = co.kernels[fn.__name__].metadata
    hip, asm = metas["hip"], metas["asm"]
    assert _explicit(hip[".args"]) == _explicit(asm[".args"])
    assert _explicit(hip[".args"])  # the comparison compared something
    for key in (".kernarg_segment_size", ".group_segment_fixed_size",
                ".private_segment_fixed_size", ".wavefront_size"):
        assert hip[key] == asm[key], key
    # clang counts the clobbered registers: at least what the direct path counts
    assert hip[".vgpr_count"] >= asm[".vgpr_count"] - 1
    assert hip[".sgpr_count"] >= asm[".sgpr_count"] - 6
    if fn is _transpose:
        assert hip[".group_segment_fixed_size"] == 32 * 33 * 4
        assert hip[".max_flat_workgroup_size"] == 256


@pytest.mark.parametrize("codegen", ["hip", "asm"])
def test_paths_run_on_the_emulator(codegen: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYHIP_EMU", "machine")
    k = _kernel(_transpose, "gfx942", codegen)
    M, N = 64, 96
    a = RNG.standard_normal((M, N)).astype(np.float32)
    out = np.zeros((N, M), dtype=np.float32)
    k([N // 32, M // 32], [256], a, out, 2.0, M, N)
    np.testing.assert_array_equal(out, 2.0 * a.T)


def test_hip_source_pins_inputs_and_clobbers() -> None:
    k = _kernel(_transpose, "gfx942", "hip")
    src = k.hip_source(64, 32)
    assert 'extern "C"' in src and "void _transpose(float* p_in, float* p_out, float scale)" in src
    assert '"+{s[0:1]}"(pyhip_in0)' in src  # kernarg pointer
    assert '"+{v0}"' in src and "__builtin_amdgcn_workitem_id_x()" in src
    assert "pyhip_lds[4224]" in src
    assert "amdgpu_flat_work_group_size(1, 256)" in src
    stats = k.stats(64, 32)
    assert stats["lds_bytes"] == 4224 and stats["instructions"] > 10
    assert 1 <= stats["waves_per_simd"] <= 8


def test_clang_error_keeps_the_source() -> None:
    with pytest.raises(BuildError) as e:
        compile_hip("this is not C++", "gfx942", name="broken")
    assert e.value.source_path is not None
    assert Path(e.value.source_path).read_text() == "this is not C++"
    assert "broken.hip" in str(e.value) and "error" in str(e.value)


def test_readme_kernel_builds_for_every_arch() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "readme_kernel", Path(__file__).resolve().parents[1] / "examples" / "readme_kernel.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for arch in ARCHS:
        b = pyhip.jit(arch=arch)(mod.kernel.fn).binary(32)
        co = parse_code_object(b.code_object)
        assert co.arch == arch and list(co.kernels) == ["kernel"]
        assert b.report["codegen"] == "hip" and "s_cbranch_scc0" in b.report["asm"]


def test_dump_dir_has_every_stage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYHIP_DUMP_DIR", str(tmp_path))
    b = _kernel(_counter, "gfx942", "hip").binary(3)
    (d,) = tmp_path.iterdir()
    assert d.name == f"_counter-{b.report['cache_key'][:12]}"
    names = sorted(p.name for p in d.iterdir())
    assert names[0] == "00-traced.mlir" and "12-insert-nop.mlir" in names
    assert {"_counter.s", "_counter.hip", "_counter.co"} <= set(names)
    assert (d / "_counter.co").read_bytes() == b.code_object
    assert "cdna.s_cbranch_scc0" in (d / "11-lower-structured.mlir").read_text()
