"""Every sanitizer report kind: a planted bug is reported with the right text, and the
same kernel without the bug runs clean and computes the right result.

Kernels are hand-written assembly assembled by clang-22 (the path users of raw asm
take): kernarg pointer in s[0:1], workgroup id x in s2, work-item ids in v0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pyhip_mlir.emulator import SanitizerError
from pyhip_mlir.emulator.testing import build_asm_kernel

ARGS = [("out", "int*"), ("inp", "int*")]
LOAD_ARGS = """
s_load_dwordx4 s[4:7], s[0:1], 0
s_waitcnt lgkmcnt(0)
v_lshlrev_b32 v1, 2, v0
"""


def kernel(tmp_path: Path, body: str, args=ARGS, **kw):  # noqa: ANN001, ANN201
    return build_asm_kernel(tmp_path, "k", LOAD_ARGS + body, args, **kw)


def run_planted(tmp_path: Path, buggy: str, clean: str, *args, block=64, **kw):  # noqa: ANN001, ANN201
    """(report of the buggy kernel, result of the clean one)."""
    with pytest.raises(SanitizerError) as e:
        kernel(tmp_path / "bug", buggy, **kw)([1], [block], *[a.copy() for a in args])
    k = kernel(tmp_path / "ok", clean, **kw)
    res = k([1], [block], *args)
    assert res.reports == []
    return e.value.report, e.value


@pytest.fixture
def io() -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(64, np.int32), np.arange(64, dtype=np.int32) * 3


def test_read_before_wait(tmp_path: Path, io: tuple[np.ndarray, np.ndarray]) -> None:
    body = """
    global_load_dword v2, v1, s[6:7]
    {wait}
    v_add_u32 v3, v2, 1
    global_store_dword v1, v3, s[4:5]
    s_endpgm
    """
    out, inp = io
    rep, err = run_planted(tmp_path, body.format(wait=""), body.format(wait="s_waitcnt vmcnt(0)"), out, inp)
    assert rep.kind == "read-before-wait"
    assert "v2" in rep.message and "global_load_dword v2" in rep.message
    assert rep.text.startswith("v_add_u32") and rep.text.endswith("v3, v2, 1")
    assert "wave 0" in str(err) and "workgroup (0, 0, 0)" in str(err)
    np.testing.assert_array_equal(out, inp + 1)


def test_overwrite_pending_load(tmp_path: Path, io: tuple[np.ndarray, np.ndarray]) -> None:
    body = """
    global_load_dword v2, v1, s[6:7]
    {fix}
    v_mov_b32 v2, 7
    global_store_dword v1, v2, s[4:5]
    s_endpgm
    """
    out, inp = io
    rep, _ = run_planted(tmp_path, body.format(fix=""), body.format(fix="s_waitcnt vmcnt(0)"), out, inp)
    assert rep.kind == "overwrite-pending"
    assert "overwrites v2" in rep.message
    assert (out == 7).all()


def test_smem_may_return_out_of_order(tmp_path: Path) -> None:
    """lgkmcnt(1) after two SMEM loads does not say which one completed."""
    body = """
    s_load_dword s8, s[6:7], 0
    s_load_dword s9, s[6:7], 4
    s_waitcnt lgkmcnt({n})
    v_mov_b32 v2, s8
    global_store_dword v1, v2, s[4:5]
    s_endpgm
    """
    out, inp = np.zeros(64, np.int32), np.array([11, 22] + [0] * 62, np.int32)
    rep, _ = run_planted(tmp_path, body.format(n=1), body.format(n=0), out, inp)
    assert rep.kind == "read-before-wait" and "s8" in rep.message
    assert (out == 11).all()


def test_out_of_bounds_global(tmp_path: Path) -> None:
    body = """
    global_load_dword v2, v1, s[6:7]
    s_waitcnt vmcnt(0)
    global_store_dword v1, v2, s[4:5]
    s_endpgm
    """
    k = kernel(tmp_path, body)
    out = np.zeros(64, np.int32)
    short = np.arange(40, dtype=np.int32)
    with pytest.raises(SanitizerError) as e:
        k([1], [64], out, short)
    rep = e.value.report
    assert rep.kind == "out-of-bounds"
    assert rep.lane == 40 and rep.text.startswith("global_load_dword")
    assert "inp" in rep.message  # the buffer is named after the kernel argument
    k([1], [40], out, short)  # 40 work-items stay inside
    np.testing.assert_array_equal(out[:40], short)


def test_lds_out_of_bounds_and_misaligned(tmp_path: Path) -> None:
    body = """
    v_mov_b32 v2, {addr}
    v_mov_b32 v3, 5
    ds_write_b32 v2, v3
    s_waitcnt lgkmcnt(0)
    s_endpgm
    """
    k = kernel(tmp_path, body.format(addr=256), lds_bytes=256)
    with pytest.raises(SanitizerError) as e:
        k([1], [64], np.zeros(64, np.int32), np.zeros(64, np.int32))
    assert e.value.report.kind == "out-of-bounds" and "256 bytes of LDS" in e.value.report.message
    k = kernel(tmp_path / "m", body.format(addr=2), lds_bytes=256)
    with pytest.raises(SanitizerError) as e:
        k([1], [64], np.zeros(64, np.int32), np.zeros(64, np.int32))
    assert e.value.report.kind == "misaligned" and "0x2" in e.value.report.message
    assert kernel(tmp_path / "c", body.format(addr=252), lds_bytes=256)(
        [1], [64], np.zeros(64, np.int32), np.zeros(64, np.int32)).reports == []


def test_uninitialized_register_and_lds(tmp_path: Path, io: tuple[np.ndarray, np.ndarray]) -> None:
    out, inp = io
    k = kernel(tmp_path, "v_add_u32 v3, v5, 1\nglobal_store_dword v1, v3, s[4:5]\ns_endpgm")
    with pytest.raises(SanitizerError) as e:
        k([1], [64], out, inp)
    rep = e.value.report
    assert rep.kind == "uninitialized" and "reads v5" in rep.message and rep.lane == 0
    k = kernel(tmp_path / "l", "ds_read_b32 v3, v1\ns_waitcnt lgkmcnt(0)\ns_endpgm", lds_bytes=256)
    with pytest.raises(SanitizerError) as e:
        k([1], [64], out, inp)
    assert e.value.report.kind == "uninitialized" and "LDS byte" in e.value.report.message
    clean = "ds_write_b32 v1, v0\ns_waitcnt lgkmcnt(0)\nds_read_b32 v3, v1\ns_waitcnt lgkmcnt(0)\n" \
            "global_store_dword v1, v3, s[4:5]\ns_endpgm"
    assert kernel(tmp_path / "c", clean, lds_bytes=256)([1], [64], out, inp).reports == []
    np.testing.assert_array_equal(out, np.arange(64))


@pytest.mark.parametrize(
    ("producer", "consumer", "nops", "rule"),
    [
        ("v_add_u32 v3, v0, 1", "v_readfirstlane_b32 s8, v3", 1, "v_readlane/v_readfirstlane reads it"),
        ("v_add_co_u32 v3, vcc, v0, 1", "v_addc_co_u32 v4, vcc, v0, 0, vcc", 2, "VALU writes SGPR/VCC"),
        ("v_mov_b32 v3, v0", "v_mov_b32_dpp v4, v3 quad_perm:[1,0,3,2] row_mask:0xf bank_mask:0xf", 2,
         "DPP reads it"),
    ],
)
def test_hazards(tmp_path: Path, producer: str, consumer: str, nops: int, rule: str) -> None:
    out, inp = np.zeros(64, np.int32), np.zeros(64, np.int32)
    for n in range(nops):
        k = kernel(tmp_path / str(n), f"{producer}\n" + "s_nop 0\n" * n + f"{consumer}\ns_endpgm")
        with pytest.raises(SanitizerError) as e:
            k([1], [64], out, inp)
        rep = e.value.report
        assert rep.kind == "hazard" and rule in rep.message
        assert f"needs {nops} wait state(s)" in rep.message and f"has {n}" in rep.message
    ok = kernel(tmp_path / "ok", f"{producer}\ns_nop {nops - 1}\n{consumer}\ns_endpgm")
    assert ok([1], [64], out, inp).reports == []


def test_mfma_result_hazard(tmp_path: Path) -> None:
    body = """
    v_mov_b32 v2, 0
    v_mov_b32 v3, 0
    v_accvgpr_write_b32 a0, 0
    v_accvgpr_write_b32 a1, 0
    v_accvgpr_write_b32 a2, 0
    v_accvgpr_write_b32 a3, 0
    s_nop 1
    v_mfma_f32_16x16x16_f16 a[0:3], v[2:3], v[2:3], a[0:3]
    s_nop {n}
    v_accvgpr_read_b32 v4, a3
    s_endpgm
    """
    out, inp = np.zeros(64, np.int32), np.zeros(64, np.int32)
    with pytest.raises(SanitizerError) as e:
        kernel(tmp_path, body.format(n=5))([1], [64], out, inp)
    assert e.value.report.kind == "hazard" and "MFMA result" in e.value.report.message
    assert "needs 7" in e.value.report.message
    assert kernel(tmp_path / "ok", body.format(n=6))([1], [64], out, inp).reports == []


def test_barrier_not_reached_by_all_waves(tmp_path: Path, io: tuple[np.ndarray, np.ndarray]) -> None:
    body = """
    v_readfirstlane_b32 s8, v0
    s_cmp_eq_u32 s8, 64
    s_cbranch_scc1 .Lend
    {barrier_or_nothing}
    .Lend:
    s_barrier
    s_endpgm
    """
    out, inp = io
    with pytest.raises(SanitizerError) as e:
        kernel(tmp_path, body.format(barrier_or_nothing="s_endpgm"))([1], [128], out, inp)
    rep = e.value.report
    assert rep.kind == "barrier" and "never reached it" in rep.message
    assert kernel(tmp_path / "ok", body.format(barrier_or_nothing=""))([1], [128], out, inp).reports == []


def test_raw_pointer_bounds_unknown(tmp_path: Path, io: tuple[np.ndarray, np.ndarray]) -> None:
    out, inp = io
    body = "global_load_dword v2, v1, s[6:7]\ns_waitcnt vmcnt(0)\nglobal_store_dword v1, v2, s[4:5]\ns_endpgm"
    res = kernel(tmp_path, body)([1], [64], out, inp.ctypes.data)
    assert [r.kind for r in res.reports] == ["unknown-bounds"]
    assert "bounds unknown" in res.reports[0].message
    np.testing.assert_array_equal(out, inp)


def test_wild_pointer_is_a_report_not_a_crash(tmp_path: Path, io: tuple[np.ndarray, np.ndarray]) -> None:
    out, _ = io
    body = "global_load_dword v2, v1, s[6:7]\ns_waitcnt vmcnt(0)\ns_endpgm"
    with pytest.raises(SanitizerError) as e:
        kernel(tmp_path, body)([1], [64], out, 0x10)
    assert e.value.report.kind == "out-of-bounds"


def test_collect_mode_gathers_reports(tmp_path: Path, io: tuple[np.ndarray, np.ndarray]) -> None:
    out, inp = io
    k = kernel(tmp_path, "v_add_u32 v3, v5, 1\nv_add_u32 v4, v6, 1\ns_endpgm")
    res = k([1], [64], out, inp, sanitize="collect")
    assert [r.kind for r in res.reports] == ["uninitialized", "uninitialized"]
    assert k([1], [64], out, inp, sanitize=False).reports == []


def test_report_names_the_ir_source_line() -> None:
    """A kernel launched from IR reports at the IR op's file:line, not the temporary .s."""
    from pyhip_mlir import emulator
    from pyhip_mlir.diagnostics import LocatedParser
    from pyhip_mlir.dialects.cdna.dialect import make_context

    path = Path(__file__).resolve().parent.parent / "examples" / "vector_add.mlir"
    lines = path.read_text().splitlines(keepends=True)
    wait = next(i for i, ln in enumerate(lines) if "s_waitcnt 3952" in ln)
    add = next(i for i, ln in enumerate(lines) if "cdna.v_add_f32" in ln)
    src = "".join(lines[:wait] + ["\n"] + lines[wait + 1 :])  # drop the vmcnt wait, keep numbering
    module = LocatedParser(make_context(), src, "vadd_nowait.mlir").parse_module()
    kernel = next(op for op in module.walk() if op.name == "cdna.kernel")
    a, c = np.ones(64, np.float32), np.zeros(64, np.float32)
    with pytest.raises(SanitizerError) as e:
        emulator.launch(kernel, [1], [64], a, a, c, 64)
    rep = e.value.report
    assert rep.kind == "read-before-wait"
    assert rep.loc.startswith(f"vadd_nowait.mlir:{add + 1}:")
    assert str(e.value).startswith(f"vadd_nowait.mlir:{add + 1}:")


def test_misaligned_global_is_a_warning(tmp_path: Path, io: tuple[np.ndarray, np.ndarray]) -> None:
    out, inp = io
    body = "v_add_u32 v1, v1, 2\nglobal_load_dword v2, v1, s[6:7]\ns_waitcnt vmcnt(0)\ns_endpgm"
    res = kernel(tmp_path, body)([1], [32], out, inp)
    assert [r.kind for r in res.reports] == ["misaligned-global"]
    assert res.reports[0].severity == "warning" and "32 misaligned" in res.reports[0].message


def test_torch_tensors_are_device_memory(tmp_path: Path) -> None:
    import torch
    body = """
    global_load_dword v2, v1, s[6:7]
    s_waitcnt vmcnt(0)
    v_add_u32 v2, v2, v0
    global_store_dword v1, v2, s[4:5]
    s_endpgm
    """
    out = torch.zeros(64, dtype=torch.int32)
    inp = torch.arange(64, dtype=torch.int32) * 10
    assert kernel(tmp_path, body)([1], [64], out, inp).reports == []
    assert torch.equal(out, inp + torch.arange(64, dtype=torch.int32))
