"""Random, well-formed DSL kernels for translation validation.

A program is a list of *statements* drawn from a seeded generator; each statement is a
small piece of DSL code over a fixed pool of variables: three vector and two scalar
32-bit registers, an address, the kernel arguments. Building the kernel through the DSL
itself gives exactly the IR real kernels have (SSA from register variables, structured
control flow, explicit waits, EXEC values, merges under narrowed EXEC). Every program
ends by storing all variables, so anything a pass breaks is visible in memory.

Statements cover what the passes care about: SALU/VALU arithmetic and compares (SCC,
VCC, lane masks), repeated expressions (cse), dead computations (dce) and dead loads
(dse), global loads with waits placed right after or one statement later, LDS writes
and reads with waits, ``v_readfirstlane``, uniform ``J.If``, per-lane ``J.ExecMask``,
bounded ``J.While`` loops (trip count from a kernel argument), and writes under a
narrowed EXEC. A program is identified by ``(seed, size)``; ``keep`` selects a subset
of its statements (the minimizer's handle) without changing the others.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

N_V = 3
N_S = 2
LANES = 64
IN_WORDS = 256  # p_in: LANES + room for offsets
OUT_WORDS = (N_V + N_S) * LANES

Stmt = Callable[[Any, "Env"], None]


@dataclass
class Env:
    """What a statement can use: the variables and the kernel arguments."""

    v: list[Any]
    s: list[Any]
    addr: Any  # lane * 4, a byte offset into p_in / LDS
    p_in: Any
    n: Any
    lds: Any


# --- statements ---------------------------------------------------------------------


def _vbin(r: random.Random) -> Stmt:
    i, j, k = r.randrange(N_V), r.randrange(N_V), r.randrange(N_V)
    op = r.choice(["+", "-", "*", "^", "&", "|"])
    c = r.randrange(1, 100)
    src = r.choice(["v", "s", "c"])
    sidx = r.randrange(N_S)

    def f(J: Any, e: Env) -> None:
        b = e.v[k][0] if src == "v" else (e.s[sidx][0] if src == "s" else c)
        a = e.v[j][0]
        e.v[i][0] = {"+": a + b, "-": a - b, "*": a * b, "^": a ^ b, "&": a & b, "|": a | b}[op]

    return f


def _vshift(r: random.Random) -> Stmt:
    i, j, sh = r.randrange(N_V), r.randrange(N_V), r.randrange(1, 8)
    left = r.random() < 0.5

    def f(J: Any, e: Env) -> None:
        e.v[i][0] = (e.v[j][0] << sh) if left else (e.v[j][0] >> sh)

    return f


def _sbin(r: random.Random) -> Stmt:
    i, j, k = r.randrange(N_S), r.randrange(N_S), r.randrange(N_S)
    op = r.choice(["+", "-", "*", "^"])
    c = r.randrange(1, 50)
    use_c = r.random() < 0.5

    def f(J: Any, e: Env) -> None:
        a = e.s[j][0]
        b = c if use_c else e.s[k][0]
        e.s[i][0] = {"+": a + b, "-": a - b, "*": a * b, "^": a ^ b}[op]

    return f


def _cse(r: random.Random) -> Stmt:
    i, j, k = r.randrange(N_V), r.randrange(N_V), r.randrange(N_V)

    def f(J: Any, e: Env) -> None:
        t1 = J.gpr(e.v[j][0] * 3 + e.v[k][0])
        t2 = J.gpr(e.v[j][0] * 3 + e.v[k][0])
        e.v[i][0] = t1[0] ^ (t2[0] + 1)

    return f


def _dead(r: random.Random) -> Stmt:
    j = r.randrange(N_V)

    def f(J: Any, e: Env) -> None:
        t = J.gpr(e.v[j][0] * 7)  # never read
        del t

    return f


def _load(r: random.Random) -> Stmt:
    i = r.randrange(N_V)
    off = 4 * r.randrange(0, 64)
    dead = r.random() < 0.25

    def f(J: Any, e: Env) -> None:
        dst = J.gpr("vi32") if dead else e.v[i]
        J.global_load_dword(dst, e.addr, e.p_in, offset=off)
        J.s_waitcnt(vmcnt=0)

    return f


def _load_late_wait(r: random.Random) -> Stmt:
    """A load, one independent statement, then the wait, then the use."""
    i = r.randrange(N_V)
    j = (i + 1) % N_V
    off = 4 * r.randrange(0, 64)

    def f(J: Any, e: Env) -> None:
        t = J.gpr("vi32")
        J.global_load_dword(t, e.addr, e.p_in, offset=off)
        e.v[j][0] = e.v[j][0] + 5
        J.s_waitcnt(vmcnt=0)
        e.v[i][0] = e.v[i][0] + t[0]

    return f


def _lds(r: random.Random) -> Stmt:
    i, j = r.randrange(N_V), r.randrange(N_V)
    rot = r.randrange(1, 64)

    def f(J: Any, e: Env) -> None:
        J.ds_write_b32(e.addr, e.v[i])
        J.s_waitcnt(lgkmcnt=0)
        J.s_barrier()
        other = J.gpr(((J.lane_id[0] + rot) & 63) << 2)
        J.ds_read_b32(e.v[j], other)
        J.s_waitcnt(lgkmcnt=0)
        J.s_barrier()

    return f


def _readfirstlane(r: random.Random) -> Stmt:
    i, j = r.randrange(N_S), r.randrange(N_V)

    def f(J: Any, e: Env) -> None:
        J.v_readfirstlane_b32(e.s[i], e.v[j])

    return f


def _if(r: random.Random, body: list[Stmt]) -> Stmt:
    k = r.randrange(N_S)
    c = r.randrange(0, 40)

    def f(J: Any, e: Env) -> None:
        with J.If(e.s[k][0] > c):
            for s in body:
                s(J, e)

    return f


def _execmask(r: random.Random, body: list[Stmt]) -> Stmt:
    k = r.randrange(N_V)
    c = r.randrange(0, 200)

    def f(J: Any, e: Env) -> None:
        with J.ExecMask(e.v[k][0] < c):
            for s in body:
                s(J, e)

    return f


def _while(r: random.Random, body: list[Stmt]) -> Stmt:
    def f(J: Any, e: Env) -> None:
        cnt = J.gpr("si32", 0)
        with J.While(cnt[0] < e.n[0]):
            for s in body:
                s(J, e)
            cnt[0] = cnt[0] + 1

    return f


SIMPLE = [_vbin, _vbin, _vshift, _sbin, _cse, _dead, _load, _load_late_wait, _lds, _readfirstlane]
SIMPLE_IN_MASK = [_vbin, _vshift, _sbin, _load, _dead]  # no barriers/LDS under a mask


def statements(seed: int, size: int) -> list[Stmt]:
    """The program's top-level statements (deterministic in ``seed`` and ``size``)."""
    r = random.Random(seed)
    out: list[Stmt] = []
    for _ in range(size):
        roll = r.random()
        if roll < 0.10:
            out.append(_if(r, [r.choice(SIMPLE_IN_MASK)(r) for _ in range(r.randrange(1, 4))]))
        elif roll < 0.20:
            out.append(_execmask(r, [r.choice(SIMPLE_IN_MASK)(r) for _ in range(r.randrange(1, 4))]))
        elif roll < 0.27:
            out.append(_while(r, [r.choice(SIMPLE)(r) for _ in range(r.randrange(1, 4))]))
        else:
            out.append(r.choice(SIMPLE)(r))
    return out


def kernel_for(seed: int, size: int, keep: tuple[int, ...] | None = None) -> Any:
    """The ``@pyhip.jit`` kernel of program ``(seed, size)`` (only ``keep``'s statements)."""
    import pyhip_mlir as pyhip

    stmts = statements(seed, size)
    chosen = [stmts[i] for i in (keep if keep is not None else range(len(stmts)))]
    r = random.Random(seed ^ 0x5EED)
    v_init = [r.randrange(0, 1000) for _ in range(N_V)]
    s_init = [r.randrange(0, 50) for _ in range(N_S)]

    def body(J: Any, p_in: "int*", p_out: "int*", n: "int") -> None:
        lds = J.alloc_lds(4 * LANES)
        del lds
        addr = J.gpr(J.lane_id[0] << 2)
        vs = [J.new_gpr("v", 1, dtype="i32", name=f"v{i}") for i in range(N_V)]
        for k, v in enumerate(vs):
            v[0] = J.threadIdx.x[0] + v_init[k]
        ss = [J.new_gpr("s", 1, dtype="i32", name=f"s{i}") for i in range(N_S)]
        for k, s in enumerate(ss):
            s[0] = s_init[k]
        e = Env(vs, ss, addr, p_in, n, None)
        for st in chosen:
            st(J, e)
        for k, v in enumerate(vs):
            J.global_store_dword(addr, v, p_out, offset=4 * LANES * k)
        for k, s in enumerate(ss):
            t = J.gpr("vi32")
            t[0] = s[0]
            J.global_store_dword(addr, t, p_out, offset=4 * LANES * (N_V + k))
        J.s_waitcnt(vmcnt=0)

    body.__name__ = f"rand_{seed}_{size}"
    return pyhip.jit(workgroup_size=[LANES])(body)


def inputs(seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Fresh arguments for one launch: (p_in, p_out, n)."""
    rng = np.random.default_rng(seed)
    return (rng.integers(-1000, 1000, IN_WORDS, dtype=np.int32),
            np.zeros(OUT_WORDS, dtype=np.int32), int(seed % 3))
