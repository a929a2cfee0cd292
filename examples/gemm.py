"""GEMM on the matrix cores: f16 or bf16 in, f32 accumulate, ``C = A @ B.T``.

    python examples/gemm.py

``A`` is M x K and ``B`` is N x K, both row-major (a linear layer's input and weight),
``C`` is M x N f32. A workgroup of 4 waves computes a BM x BN tile of C; each wave a
(BM/2) x (BN/2) quarter as 32x32 blocks accumulated in AGPRs by
``v_mfma_f32_32x32x8_f16`` (``..._bf16``; gfx90a spells them ``..x8f16`` and
``..x8bf16_1k``). K is walked BK at a time through two LDS buffers:

    load stage 0 -> LDS[0]; barrier
    for each stage s:
        issue the buffer loads of stage s+1 (in flight during the MFMAs)
        MFMAs on LDS[s % 2], the ds_reads of one k-slice issued before the MFMAs of
          the previous one (explicit lgkmcnt waits)
        s_waitcnt vmcnt(0); write stage s+1 to LDS[(s+1) % 2]; barrier

One barrier per stage is enough: the buffer written in stage s was last read in stage
s-1, which every wave finished before that stage's barrier. BM, BN (multiples of 64)
and BK (32 or 64) are compile-time arguments. M, N and K need not be multiples of the
tile: rows past M lie past the end of the buffer resource, which reads 0 and drops
stores there; lanes whose k or column is past the edge get an offset past the end too.
K must be a multiple of 8 (rows are read 16 bytes at a time).
"""

from __future__ import annotations

import torch

import pyhip_mlir as pyhip

OOB = 0x80000000  # a buffer offset past any resource the kernel builds (< 2 GiB each)
PAD = 8  # halves of padding per LDS row: rows 16 bytes apart from a multiple of 128

MFMA = {  # (arch family, dtype) -> the 32x32x8 instruction
    ("gfx94", "f16"): "v_mfma_f32_32x32x8_f16",
    ("gfx94", "bf16"): "v_mfma_f32_32x32x8_bf16",
    ("gfx95", "f16"): "v_mfma_f32_32x32x8_f16",
    ("gfx95", "bf16"): "v_mfma_f32_32x32x8_bf16",
    ("gfx90", "f16"): "v_mfma_f32_32x32x8f16",
    ("gfx90", "bf16"): "v_mfma_f32_32x32x8bf16_1k",
}


@pyhip.jit()
def gemm(J, dtype, BM, BN, BK, p_a: "void*", p_b: "void*", p_c: "float*",
         M: "int", N: "int", K: "int"):
    assert BM % 64 == 0 and BN % 64 == 0 and BK in (32, 64), (BM, BN, BK)
    mfma = getattr(J, MFMA[(J.arch[:5], dtype)])
    TM, TN = BM // 64, BN // 64  # 32x32 blocks per wave
    CPR = BK // 8  # 16-byte chunks per tile row
    RPP = 256 // CPR  # tile rows one pass of 256 lanes loads
    LA, LB = BM // RPP, BN // RPP  # loads per lane and stage
    RS = (BK + PAD) * 2  # LDS row stride in bytes
    a_bytes, b_bytes = BM * RS, BN * RS
    stage_bytes = a_bytes + b_bytes
    lds = J.alloc_lds(2 * stage_bytes, align=16)

    src_a = J.Buffer(p_a, M * K * 2)
    src_b = J.Buffer(p_b, N * K * 2)
    dst_c = J.Buffer(p_c, M * N * 4)
    m0 = J.gpr("su32")
    m0[0] = J.blockIdx.y[0] * BM
    n0 = J.gpr("su32")
    n0[0] = J.blockIdx.x[0] * BN
    tid = J.threadIdx.x[0]

    # Global loads: lane t, load j reads row (t // CPR) + RPP * j, halves 8 * (t % CPR).
    kl = J.gpr((tid & (CPR - 1)) << 3)  # this lane's k within the stage
    va = J.gpr(LA, "vu32")
    vb = J.gpr(LB, "vu32")
    for j in range(LA):
        va[j] = ((m0[0] + (tid >> (CPR.bit_length() - 1)) + RPP * j) * K[0] + kl[0]) << 1
    for j in range(LB):
        vb[j] = ((n0[0] + (tid >> (CPR.bit_length() - 1)) + RPP * j) * K[0] + kl[0]) << 1
    ga = J.gpr(LA, 4, "vu32")
    gb = J.gpr(LB, 4, "vu32")
    k_next = J.gpr("su32", 0)  # the k of the stage being loaded
    off = J.gpr("vu32")
    oob = J.gpr("vu32", OOB)  # VOP2 reads vcc over the constant bus: no literal beside it

    def load_stage() -> None:
        J.SetMask("vcc", kl[0] + k_next[0] < K[0])
        for j in range(LA):
            J.v_cndmask_b32(off, oob, va[j], "vcc")
            src_a.load_dwordx4(ga[j], off, 0)
            va[j] = va[j] + BK * 2
        for j in range(LB):
            J.v_cndmask_b32(off, oob, vb[j], "vcc")
            src_b.load_dwordx4(gb[j], off, 0)
            vb[j] = vb[j] + BK * 2
        k_next[0] = k_next[0] + BK

    # LDS writes: the same chunk at row * RS + 16 * (t % CPR) of the stage's buffer.
    w_base = J.gpr((tid >> (CPR.bit_length() - 1)) * RS + ((tid & (CPR - 1)) << 4) + lds)
    w_addr = J.gpr(w_base[0] + 0)

    def store_stage() -> None:
        J.s_waitcnt(vmcnt=0)
        for j in range(LA):
            J.ds_write_b128(w_addr, ga[j], offset=j * RPP * RS)
        for j in range(LB):
            J.ds_write_b128(w_addr, gb[j], offset=a_bytes + j * RPP * RS)
        J.s_waitcnt(lgkmcnt=0)
        J.s_barrier()

    # MFMA operands: lane l reads row l % 32 of a 32-row block, halves 4 * (l // 32) + 8 * kk.
    lane = J.lane_id[0]
    wr = J.gpr("su32")
    wr[0] = J.warp_id[0] >> 1
    wc = J.gpr("su32")
    wc[0] = J.warp_id[0] & 1
    r_addr = J.gpr((lane & 31) * RS + ((lane >> 5) << 3) + lds)
    ra_base = J.gpr(r_addr[0] + wr[0] * (BM // 2 * RS))
    rb_base = J.gpr(r_addr[0] + wc[0] * (BN // 2 * RS) + a_bytes)
    ra = J.gpr(ra_base[0] + 0)
    rb = J.gpr(rb_base[0] + 0)
    flip = J.gpr("su32", 0)  # 0 or stage_bytes: the buffer of the stage computed next
    acc = J.gpr(TM * TN, 16, "af32", 0.0)
    fa = [J.gpr(TM, 2, "vu32") for _ in range(2)]
    fb = [J.gpr(TN, 2, "vu32") for _ in range(2)]

    def read_slice(kk: int) -> None:
        for i in range(TM):
            J.ds_read_b64(fa[kk % 2][i], ra, offset=i * 32 * RS + kk * 16)
        for i in range(TN):
            J.ds_read_b64(fb[kk % 2][i], rb, offset=i * 32 * RS + kk * 16)

    def compute_stage() -> None:
        slices = BK // 8
        read_slice(0)
        for kk in range(slices):
            if kk + 1 < slices:
                read_slice(kk + 1)
                J.s_waitcnt(lgkmcnt=TM + TN)  # slice kk is in, kk + 1 may be in flight
            else:
                J.s_waitcnt(lgkmcnt=0)
            for i in range(TM):
                for j in range(TN):
                    t = i * TN + j
                    mfma(acc[t], fa[kk % 2][i], fb[kk % 2][j], acc[t])

    load_stage()
    store_stage()
    steps = J.gpr("su32")
    steps[0] = (K[0] + (BK - 1)) >> (BK.bit_length() - 1)
    s = J.gpr("su32", 0)
    with J.While(s[0] < steps[0]):
        load_stage()  # the stage after the last loads zeros: it is never read
        compute_stage()
        # The other buffer: reads and writes of the next stage go there.
        flip[0] = stage_bytes - flip[0]
        w_addr[0] = w_base[0] + flip[0]
        ra[0] = ra_base[0] + flip[0]
        rb[0] = rb_base[0] + flip[0]
        store_stage()
        s[0] = s[0] + 1

    # Epilogue: block register r of lane l is C[8 * (r // 4) + 4 * (l // 32) + r % 4][l % 32].
    col = J.gpr(n0[0] + wc[0] * (BN // 2) + (lane & 31))
    row = J.gpr(m0[0] + wr[0] * (BM // 2) + ((lane >> 5) << 2))
    c_off = J.gpr("vu32")
    row_bytes = J.gpr(N[0] << 2)
    row_skip = J.gpr(row_bytes[0] * 5)
    out = J.gpr("vf32")
    for i in range(TM):
        for j in range(TN):
            J.SetMask("vcc", col[0] + 32 * j < N[0])
            base = J.gpr(((row[0] + 32 * i) * N[0] + col[0] + 32 * j) << 2)
            J.v_cndmask_b32(c_off, oob, base, "vcc")
            for r in range(16):
                J.v_accvgpr_read_b32(out, acc[i * TN + j, r])
                dst_c.store_dword(out, c_off, 0)
                if r < 15:  # the next row, or 5 rows on: r = 3 -> 4 is row 3 -> 8
                    J.v_add_u32(c_off, c_off, row_skip if r % 4 == 3 else row_bytes)
    J.s_waitcnt(vmcnt=0)


TORCH = {"f16": torch.float16, "bf16": torch.bfloat16}


def run(m: int, n: int, k: int, dtype: str = "f16", bm: int = 64, bn: int = 64, bk: int = 32,
        seed: int = 0) -> torch.Tensor:
    """C = A @ B.T for random A (m x k) and B (n x k); check against torch in f32."""
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(m, k, generator=g).to(TORCH[dtype])
    b = torch.randn(n, k, generator=g).to(TORCH[dtype])
    c = torch.full((m, n), float("nan"))
    grid = [(n + bn - 1) // bn, (m + bm - 1) // bm]
    gemm(grid, [256], dtype, bm, bn, bk, a, b, c, m, n, k)
    ref = a.float() @ b.float().T
    # Products of f16/bf16 are exact in f32; only the order of the f32 sums differs.
    err = (c - ref).abs().max().item() if c.numel() else 0.0
    tol = 1e-5 * max(1.0, k ** 0.5) * max(1.0, ref.abs().max().item())
    if not err <= tol:
        raise AssertionError(f"gemm {m}x{n}x{k} {dtype} tile {bm}x{bn}x{bk}: max error {err} > {tol}")
    return c


def main() -> None:
    for m, n, k, dtype, bm, bn, bk in ((64, 64, 32, "f16", 64, 64, 32),
                                      (128, 128, 128, "bf16", 64, 64, 32),
                                      (100, 70, 40, "f16", 64, 64, 32),
                                      (128, 128, 64, "f16", 128, 128, 32),
                                      (64, 96, 136, "f16", 64, 64, 64),
                                      (130, 66, 72, "bf16", 128, 64, 32)):
        run(m, n, k, dtype, bm, bn, bk)
        print(f"gemm {m}x{n}x{k} {dtype:4} tile {bm}x{bn}x{bk}: ok")
    print(gemm.stats("f16", 64, 64, 32))
    for arch in ("gfx90a", "gfx950"):
        other = pyhip.jit(arch=arch)(gemm.fn).binary("bf16", 64, 64, 32)
        print(f"{arch}: {len(other.code_object)}-byte code object")


if __name__ == "__main__":
    main()
