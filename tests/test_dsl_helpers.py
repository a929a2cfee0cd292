"""pyhip's helpers in the DSL: LDS allocator, LDSTensor, Buffer, debug_log.

Each kernel runs on the SSA interpreter and is checked against numpy; the LDS tests
also read the traced IR to check which constants went into the ``offset:`` fields.
"""

import re

import numpy as np
import pytest

import pyhip_mlir as pyhip
from pyhip_mlir.frontend import DSLError
from pyhip_mlir.frontend.helpers import BUFFER_CONFIG

RNG = np.random.default_rng(7)


def _ds_lines(ir: str, mnemonic: str) -> list[str]:
    return [ln for ln in ir.splitlines() if f"cdna.{mnemonic} " in ln]


def _line_of(fn: object, text: str) -> int:
    """The source line of ``fn`` containing ``text`` (for error locations)."""
    import inspect

    lines, first = inspect.getsourcelines(fn)  # type: ignore[arg-type]
    return first + next(i for i, ln in enumerate(lines) if text in ln)


# --- LDSTensor -------------------------------------------------------------------------

@pyhip.jit()
def lds_roundtrip(J, p_in: "int*", p_out: "int*"):
    pad = J.alloc_lds(256)  # the tensor starts at 256: its base is folded too
    t = J.LDSTensor([4, 80], "b32")
    v = J.gpr(4, "vi32")
    voff = J.gpr(J.threadIdx.x[0] << 2)
    for r in range(4):
        J.global_load_dword(v[r], voff, p_in, offset=r * 256)
    J.s_waitcnt(vmcnt=0)
    for r in range(4):
        t.write("b32", v[r], r, J.lane_id[0] + 3)  # offset = 256 + r * 320 + 12
    J.s_waitcnt(lgkmcnt=0)
    res = J.gpr(4, "vi32")
    for r in range(4):
        # row 3 - r, column lane ^ 5, plus 3: (lane ^ 5) + 3 folds its 3 as well
        t.read("b32", res[r], 3 - r, (J.lane_id[0] ^ 5) + 3)
    J.s_waitcnt(lgkmcnt=0)
    for r in range(4):
        J.global_store_dword(voff, res[r], p_out, offset=r * 256)
    J.s_waitcnt(vmcnt=0)
    J.free_lds(pad)


def test_lds_roundtrip_folds_constants() -> None:
    a = RNG.integers(-(2**31), 2**31, (4, 64), dtype=np.int64).astype(np.int32)
    out = np.zeros((4, 64), dtype=np.int32)
    lds_roundtrip([1], [64], a, out)
    lanes = np.arange(64) ^ 5
    np.testing.assert_array_equal(out, a[::-1][:, lanes])
    ir = lds_roundtrip.ir()
    writes = [re.search(r"offset = (\d+)", ln).group(1) for ln in _ds_lines(ir, "ds_write_b32")]
    reads = [re.search(r"offset = (\d+)", ln).group(1) for ln in _ds_lines(ir, "ds_read_b32")]
    assert writes == [str(256 + r * 320 + 12) for r in range(4)]
    assert reads == [str(256 + (3 - r) * 320 + 12) for r in range(4)]
    assert "lds_bytes = 1536" in ir  # 256 + 4 * 80 * 4


@pyhip.jit()
def lds_pairs(J, p_in: "int*", p_out: "int*", big):
    t = J.LDSTensor([1024], "b32")
    v = J.gpr(2, "vi32")
    voff = J.gpr(J.threadIdx.x[0] << 3)
    J.global_load_dwordx2(v, voff, p_in)
    J.s_waitcnt(vmcnt=0)
    col = J.lane_id[0] * 2 + big  # big > 255 elements: not foldable into offset0
    t.write("b32", v, col, offset1=1)  # [col] = v[0], [col + 1] = v[1]
    t.write("b32", v[0], col + 256)  # what the neighbour read's second element reads
    J.s_waitcnt(lgkmcnt=0)
    r = J.gpr(2, "vi32")
    t.read("b32", r, col, offset1=1)  # the same pair back...
    J.s_waitcnt(lgkmcnt=0)
    s = J.gpr(2, "vi32")
    t.read("b32", s, (J.lane_id[0] ^ 1) * 2 + big + 1, offset1=255)  # ...and a neighbour's
    J.s_waitcnt(lgkmcnt=0)
    J.global_store_dwordx2(voff, r, p_out)
    J.global_store_dword(J.lane_id[0] << 2, s[0], p_out, offset=512)
    J.s_waitcnt(vmcnt=0)


@pytest.mark.parametrize("big", [4, 300])
def test_read2_write2(big: int) -> None:
    a = RNG.integers(0, 2**31, (64, 2), dtype=np.int64).astype(np.int32)
    out = np.zeros(192, dtype=np.int32)
    lds_pairs([1], [64], a, out, big)
    np.testing.assert_array_equal(out[:128].reshape(64, 2), a)
    np.testing.assert_array_equal(out[128:192], a[np.arange(64) ^ 1, 1])
    ir = lds_pairs.ir(big)
    w = _ds_lines(ir, "ds_write2_b32")
    assert len(w) == 1
    r = _ds_lines(ir, "ds_read2_b32")
    assert "offset0 = 0, offset1 = 255" in r[1]  # 5 + 255 > 255: the 5 went into the address
    if big == 4:
        assert "offset0 = 4, offset1 = 5" in w[0] and "offset0 = 4, offset1 = 5" in r[0]
        assert "cdna.v_add_u32 20," in ir
    else:  # 300 elements do not fit in offset0: they are added to the address
        assert "offset0 = 0, offset1 = 1" in w[0]
        assert "cdna.v_add_u32 1200," in ir and "cdna.v_add_u32 1204," in ir


@pyhip.jit()
def lds_closures(J, p_out: "int*"):
    t = J.LDSTensor([2, 64], "b32")
    a = J.gpr("vi32")
    b = J.gpr("vi32")
    a[0] = J.lane_id[0] * 3
    b[0] = J.lane_id[0] + 1000
    put = t.write_(0, J.lane_id)
    put(a)
    put(b, 256)  # same address, row 1 (256 bytes further)
    J.s_waitcnt(lgkmcnt=0)
    get = t.read_(1, 63 - J.lane_id[0])
    r = J.gpr(2, "vi32")
    get(r[0])
    get(r[1], -256)
    J.s_waitcnt(lgkmcnt=0)
    view = t.view_as([32, 4], "b32")
    assert view[1, 2] == t.lds_base + 24 and t[1, 3] == t.lds_base + 268
    q = J.gpr("vi32")
    view.read("b32", q, 1, 2)  # element 6 of row 0 of t: 6 * 3
    J.s_waitcnt(lgkmcnt=0)
    J.global_store_dwordx2(J.lane_id[0] << 3, r, p_out)
    J.global_store_dword(J.lane_id[0] << 2, q, p_out, offset=512)
    J.s_waitcnt(vmcnt=0)
    t.free()


def test_read_write_closures_and_views() -> None:
    out = np.zeros(192, dtype=np.int32)
    lds_closures([1], [64], out)
    rev = 63 - np.arange(64)
    np.testing.assert_array_equal(out[:128:2], rev + 1000)
    np.testing.assert_array_equal(out[1:128:2], rev * 3)
    assert (out[128:] == 18).all()


# --- the allocator ---------------------------------------------------------------------

def test_allocator_first_fit_and_coalescing() -> None:
    seen: dict[str, int] = {}

    @pyhip.jit()
    def alloc(J):
        a = J.alloc_lds(100)
        b = J.alloc_lds(256)
        seen["a"], seen["b"] = a, b
        J.free_lds(a)
        seen["c"] = J.alloc_lds(64)  # fits the hole a left
        seen["d"] = J.alloc_lds(48, align=64)  # 64 is taken: the first aligned hole after b
        J.free_lds(b)
        J.free_lds(seen["c"])
        J.free_lds(seen["d"])
        seen["e"] = J.alloc_lds(65536)  # everything merged back into one hole
        J.free_lds(seen["e"])

    ir = alloc.ir()
    assert seen == {"a": 0, "b": 100, "c": 0, "d": 384, "e": 0}
    assert "lds_bytes = 65536" in ir  # the high-water mark


def test_allocator_errors_at_user_line() -> None:
    @pyhip.jit()
    def too_big(J):
        J.alloc_lds(60000)
        J.alloc_lds(8192)

    with pytest.raises(DSLError, match="does not fit in the 65536 bytes of LDS of gfx942") as e:
        too_big.ir()
    assert e.value.loc is not None and e.value.loc.line == _line_of(too_big.fn, "8192")

    @pyhip.jit()
    def bad_free(J):
        J.alloc_lds(64)
        J.free_lds(4)

    with pytest.raises(DSLError, match=r"J.free_lds\(4\): no LDS allocation starts there") as e:
        bad_free.ir()
    assert e.value.loc is not None and e.value.loc.line == _line_of(bad_free.fn, "free_lds(4)")

    @pyhip.jit()
    def double_free(J):
        t = J.LDSTensor([16], "b32")
        J.free_lds(t.lds_base)
        t.free()

    with pytest.raises(DSLError, match="no LDS allocation starts there"):
        double_free.ir()


def test_allocator_gfx950_has_160k() -> None:
    @pyhip.jit(arch="gfx950")
    def big(J):
        J.alloc_lds(160 * 1024)

    assert f"lds_bytes = {160 * 1024}" in big.ir()


# --- Buffer -------------------------------------------------------------------------------

@pyhip.jit()
def buffer_copy(J, p_in: "int*", p_out: "int*", p_lim: "int*", n: "int"):
    src = J.Buffer(p_in, n << 2)  # n dwords in range
    dst = J.Buffer(p_out, 3 * 64 * 16)
    lim = J.Buffer(p_lim, n << 2)
    x4 = J.gpr(4, "vi32")
    x2 = J.gpr(2, "vi32")
    x1 = J.gpr("vi32")
    voff = J.gpr(J.lane_id[0] << 4)
    src.load_dwordx4(x4, voff, 0)
    src.load_dwordx2(x2, voff, 0, offset12=8)
    src.load_dword(x1, voff, 0, offset12=4)
    J.s_waitcnt(vmcnt=0)
    dst.store_dwordx4(x4, voff, 0)
    dst.store_dwordx2(x2, voff, 0, offset12=1024)  # lanes 0..63 of the second third...
    dst.advance(64 * 16 * 2)  # ...and a base moved past two thirds
    dst.store_dword(x1, voff, 0)
    lim.store_dwordx4(x4, voff, 0)  # dwords from n on are out of range: dropped
    J.s_waitcnt(vmcnt=0)


@pytest.mark.parametrize("n", [256, 100, 37, 0])
def test_buffer_loads_stores_and_range_check(n: int) -> None:
    a = RNG.integers(1, 2**31, 256, dtype=np.int64).astype(np.int32)
    out = np.full(3 * 256 + 16, -7, dtype=np.int32)
    lim = np.full(256, -7, dtype=np.int32)
    buffer_copy([1], [64], a, out, lim, n)
    got = np.where(np.arange(256) < n, a, 0)  # out of range reads give 0
    np.testing.assert_array_equal(out[:256], got)
    second = out[256:512].reshape(64, 4)
    # offset12=1024 moves lanes 0..63 by 64 dwords: lane l lands at dword 4l + 256
    pairs = got.reshape(64, 4)[:, 2:4]
    np.testing.assert_array_equal(out[256:256 + 256].reshape(64, 4)[:, :2], pairs)
    assert (second[:, 2:] == -7).all()
    np.testing.assert_array_equal(out[512:768].reshape(64, 4)[:, 0], got.reshape(64, 4)[:, 1])
    assert (out[768:] == -7).all()
    np.testing.assert_array_equal(lim, np.where(np.arange(256) < n, got, -7))


def test_buffer_descriptor_and_errors() -> None:
    ir = buffer_copy.ir()
    assert f"cdna.s_mov_b32 {BUFFER_CONFIG}" in ir
    assert "offen" in ir and "offset = 1024" in ir

    @pyhip.jit()
    def bad(J, p: "int*"):
        b = J.Buffer(p, 64)
        v = J.gpr("vi32")
        b.load_dword(v, J.lane_id, 0, offset12=4096)

    with pytest.raises(DSLError, match="offset12=4096 must be a compile-time int in 0..4095") as e:
        bad.ir()
    assert e.value.loc is not None and e.value.loc.line == _line_of(bad.fn, "4096")

    @pyhip.jit()
    def vsize(J, p: "int*"):
        J.Buffer(p, J.lane_id)

    with pytest.raises(DSLError, match="vector register"):
        vsize.ir()


# --- debug_log --------------------------------------------------------------------------

@pyhip.jit(with_debug_log=True)
def logged(J, p_in: "float*", n: "int"):
    x = J.gpr("vf32")
    J.global_load_dword(x, J.threadIdx.x[0] << 2, p_in)
    J.s_waitcnt(vmcnt=0)
    J.debug_setup(J.warp_id[0] == 1)  # the second wave of workgroup 0 only... and of all
    i = J.gpr("si32", 0)
    with J.While(i[0] < n):
        J.debug_log(i)
        J.debug_log(x, message="x")
        J.v_add_f32(x, x, x)  # doubles x
        i[0] = i[0] + 1
    pair = J.gpr(2, "vu32")
    pair[0] = J.lane_id[0] + 0
    pair[1] = J.lane_id[0] * 3
    with J.ExecMask(J.lane_id[0] < 10):
        J.debug_log(pair[0:1])


def test_debug_log_records() -> None:
    a = RNG.standard_normal(128).astype(np.float32)
    logs = logged([1], [128], a, 3)
    assert set(logs) == {"i", 'x("x")', "pair[0:1]"}
    assert [int(r[0]) for r in logs["i"]] == [0, 1, 2]
    assert all(r.shape == (1,) and r.dtype == np.int32 for r in logs["i"])
    for k, rec in enumerate(logs['x("x")']):
        assert rec.shape == (64, 1) and rec.dtype == np.float32
        np.testing.assert_array_equal(rec[:, 0], a[64:] * np.float32(2**k))
    (pair,) = logs["pair[0:1]"]
    lanes = np.arange(10)
    np.testing.assert_array_equal(pair[:10], np.stack([lanes, lanes * 3], axis=1))
    assert (pair[10:] == 0xFFFFFFFF).all()  # masked-off lanes keep the fill


def test_debug_log_default_filter_and_without_flag() -> None:
    @pyhip.jit(with_debug_log=True)
    def k(J, p: "int*"):
        s = J.gpr("si32")
        s[0] = J.blockIdx.x[0] * 100 + J.warp_id[0]
        J.debug_log(s, np.uint32)

    logs = k([3], [256], np.zeros(1, np.int32))
    assert [int(r[0]) for r in logs["s"]] == [0]  # wave 0 of workgroup 0

    @pyhip.jit()
    def plain(J, p: "int*"):
        v = J.gpr("vi32", 1)
        J.debug_log(v)

    with pytest.warns(UserWarning, match="without @pyhip.jit\\(with_debug_log=True\\)"):
        plain.ir()
