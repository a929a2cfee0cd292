"""Attention for one head on the matrix cores, f16: ``softmax(Q K^T / sqrt(D)) V``.

    python examples/attention.py

Q, K, V are S x D row-major f16 (D = 32 or 64, compile-time), the output S x D f16.
One wave handles 32 queries and walks the keys 32 at a time with the online softmax
(a running maximum and sum per query, the partial output rescaled when the maximum
grows), so any S works with registers only. Both products run on
``v_mfma_f32_32x32x8_f16`` with the query as the MFMA's column index:

    S^T = K Q^T      A = K (rows of K), B = Q^T (rows of Q): plain 8-byte loads
    O^T += V^T P^T   B = P^T is S^T's own registers, converted to f16

In the result layout lane l holds column l % 32, so every lane owns one query: its
softmax statistics are per lane, reduced over its 16 registers and the lane 32 away
(one ``ds_bpermute_b32``), and the rescaling of O^T is a multiply by a lane value.
Keys past S are masked to -inf; queries past S read zeros and are not stored
(buffer resources end at S rows).
"""

from __future__ import annotations

import math

import torch

import pyhip_mlir as pyhip

LOG2E = 1.4426950408889634
NEG_INF = 0xFF800000


@pyhip.jit()
def attention(J, D, p_q: "void*", p_k: "void*", p_v: "void*", p_o: "void*", S: "int"):
    assert D in (32, 64), D
    mfma = J.v_mfma_f32_32x32x8_f16 if J.arch != "gfx90a" else J.v_mfma_f32_32x32x8f16
    nbytes = S * (D * 2)
    q_buf, k_buf = J.Buffer(p_q, nbytes), J.Buffer(p_k, nbytes)
    v_buf, o_buf = J.Buffer(p_v, nbytes), J.Buffer(p_o, nbytes)
    c = 1.0 / math.sqrt(D) * LOG2E  # softmax in base 2: exp(x / sqrt(D)) = 2^(c x)
    lane = J.lane_id[0]
    row = J.gpr(lane & 31)
    half = J.gpr((lane >> 5) << 2)  # 4 * (l // 32): this lane's first k in a slice
    slices, dblocks = D // 8, D // 32

    # Q^T as the B operand, loaded once: slice kk holds Q[q][8 kk + half .. + 3].
    q0 = J.gpr("su32")
    q0[0] = J.blockIdx.x[0] * 32
    qf = J.gpr(slices, 2, "vu32")
    q_off = J.gpr(((q0[0] + row[0]) * D + half[0]) << 1)
    for kk in range(slices):
        q_buf.load_dwordx2(qf[kk], q_off, 0, offset12=16 * kk)

    o = J.gpr(dblocks, 16, "vf32", 0.0)  # O^T: register r is d = 8 (r // 4) + half + r % 4
    m = J.gpr("vf32", NEG_INF)  # running max of c * score, per query
    den = J.gpr("vf32", 0.0)  # running sum of 2^(c * score - m)
    k0 = J.gpr("su32", 0)
    neg_inf = J.gpr("vf32", NEG_INF)
    c_s = J.gpr("sf32", c)  # VOP3 (v_fma) takes no literal
    with J.While(k0[0] < S[0]):
        kf = J.gpr(slices, 2, "vu32")
        k_off = J.gpr(((k0[0] + row[0]) * D + half[0]) << 1)
        for kk in range(slices):
            k_buf.load_dwordx2(kf[kk], k_off, 0, offset12=16 * kk)
        # V^T as the A operand: V[k0 + 8 kk + half + t][d], four 2-byte loads per pair;
        # one d-block at a time (the loads of the next overlap the MFMAs of this one).
        vt = J.gpr(dblocks, 4, 4, "vu32")  # 32 keys = 4 k-slices of 8
        v_off = J.gpr(4, "vu32")
        v_off[0] = ((k0[0] + half[0]) * D + row[0]) << 1
        for kk in range(1, 4):
            v_off[kk] = v_off[kk - 1] + 8 * D * 2  # keeps offset12 under 4096

        def load_v(db: int) -> None:
            for kk in range(4):
                for t in range(4):
                    v_buf.load_ushort(vt[db, kk, t], v_off[kk], 0, offset12=(t * D + 32 * db) * 2)

        s = J.gpr(16, "vf32", 0.0)
        J.s_waitcnt(vmcnt=0)
        load_v(0)  # in flight during S and the softmax
        for kk in range(slices):
            mfma(s, kf[kk], qf[kk], s)
        # Keys past S count as -inf: register r is key k0 + 8 (r // 4) + half + r % 4.
        left = J.gpr(S[0] - k0[0] - half[0])
        for r in range(16):
            J.v_cmp_lt_i32("vcc", 8 * (r // 4) + r % 4, left)
            J.v_cndmask_b32(s[r], neg_inf, s[r], "vcc")
        blk = J.gpr("vf32")
        J.v_max_f32(blk, s[0], s[1])
        for r in range(2, 16):
            J.v_max_f32(blk, blk, s[r])
        other = J.gpr("vf32")
        J.ds_bpermute_b32(other, (lane ^ 32) << 2, blk)
        J.s_waitcnt(lgkmcnt=0)
        J.v_max_f32(blk, blk, other)
        m_new = J.gpr("vf32")
        J.v_mul_f32(m_new, c, blk)
        J.v_max_f32(m_new, m_new, m)
        alpha = J.gpr("vf32")
        J.v_sub_f32(alpha, m, m_new)
        J.v_exp_f32(alpha, alpha)  # 0 on the first block (m = -inf)
        J.v_mov_b32(m, m_new)
        total = J.gpr("vf32", 0.0)
        for r in range(16):
            J.v_fma_f32(s[r], s[r], c_s, -m_new)
            J.v_exp_f32(s[r], s[r])
            J.v_add_f32(total, total, s[r])
        J.ds_bpermute_b32(other, (lane ^ 32) << 2, total)
        J.s_waitcnt(lgkmcnt=0)
        J.v_add_f32(total, total, other)
        J.v_fma_f32(den, den, alpha, total)
        # P^T as the B operand: registers 4 kk .. 4 kk + 3 are slice kk's keys.
        pf = J.gpr(4, 2, "vu32")
        for kk in range(4):
            J.v_cvt_pkrtz_f16_f32(pf[kk, 0], s[4 * kk], s[4 * kk + 1])
            J.v_cvt_pkrtz_f16_f32(pf[kk, 1], s[4 * kk + 2], s[4 * kk + 3])
        va = J.gpr(2, "vu32")
        for db in range(dblocks):
            J.s_waitcnt(vmcnt=0)
            if db + 1 < dblocks:
                load_v(db + 1)
            for r in range(16):
                J.v_mul_f32(o[db, r], o[db, r], alpha)
            for kk in range(4):
                J.v_lshl_or_b32(va[0], vt[db, kk, 1], 16, vt[db, kk, 0])
                J.v_lshl_or_b32(va[1], vt[db, kk, 3], 16, vt[db, kk, 2])
                mfma(o[db], va, pf[kk], o[db])
        k0[0] = k0[0] + 32

    inv = J.gpr("vf32")
    J.v_rcp_f32(inv, den)
    o_off = J.gpr(((q0[0] + row[0]) * D + half[0]) << 1)
    h = J.gpr(4, "vu32")
    pk = J.gpr(2, "vu32")
    for db in range(dblocks):
        for g in range(4):  # d = 32 db + 8 g + half + 0..3: one 8-byte store
            for t in range(4):
                J.v_mul_f32(o[db, 4 * g + t], o[db, 4 * g + t], inv)
                J.v_cvt_f16_f32(h[t], o[db, 4 * g + t])
            J.v_pack_b32_f16(pk[0], h[0], h[1])
            J.v_pack_b32_f16(pk[1], h[2], h[3])
            o_buf.store_dwordx2(pk, o_off, 0, offset12=(32 * db + 8 * g) * 2)
    J.s_waitcnt(vmcnt=0)


def run(s: int, d: int = 32, seed: int = 0) -> torch.Tensor:
    """Attention over random Q, K, V of s x d; check against torch in f32."""
    g = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(s, d, generator=g).half() for _ in range(3))
    out = torch.full((s, d), float("nan"), dtype=torch.float16)
    attention([(s + 31) // 32], [64], d, q, k, v, out, s)
    ref = torch.softmax(q.float() @ k.float().T / math.sqrt(d), -1) @ v.float()
    err = (out.float() - ref).abs().max().item()
    # f16 output (2^-11 relative) and P rounded toward zero to f16 before P V
    if not err <= 4e-3:
        raise AssertionError(f"attention s={s} d={d}: max error {err}")
    return out


def main() -> None:
    for s, d in ((32, 32), (1, 32), (77, 32), (128, 64), (40, 64)):
        run(s, d)
        print(f"attention s={s:3d} d={d}: ok")
    print(attention.stats(32))
    for arch in ("gfx90a", "gfx950"):
        other = pyhip.jit(arch=arch)(attention.fn).binary(32)
        print(f"{arch}: {len(other.code_object)}-byte code object")


if __name__ == "__main__":
    main()
