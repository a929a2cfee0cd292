"""Reference semantics of the integer atomics, shared by the global and LDS tests:
each op is a function of (old, data, width mask) on unsigned Python ints, applied
lane by lane in lane order (what the hardware guarantees for one address)."""

from __future__ import annotations

from collections.abc import Callable

AtomicRef = Callable[[int, int, int], int]


def signed(x: int, m: int) -> int:
    """``x`` (unsigned, ``m`` = all-ones mask of its width) as a signed value."""
    return x - (m + 1) if x > (m >> 1) else x


INT_ATOMICS: dict[str, AtomicRef] = {
    "add": lambda o, d, m: (o + d) & m,
    "sub": lambda o, d, m: (o - d) & m,
    "and": lambda o, d, m: o & d,
    "or": lambda o, d, m: o | d,
    "xor": lambda o, d, m: o ^ d,
    "umin": lambda o, d, m: min(o, d),
    "umax": lambda o, d, m: max(o, d),
    "smin": lambda o, d, m: min(o, d, key=lambda v: signed(v, m)),
    "smax": lambda o, d, m: max(o, d, key=lambda v: signed(v, m)),
    "swap": lambda o, d, m: d,
    "inc": lambda o, d, m: 0 if o >= d else (o + 1) & m,
    "dec": lambda o, d, m: d if (o == 0 or o > d) else o - 1,
}


def sequential(init: int, data: list[int], op: AtomicRef, m: int) -> tuple[list[int], int]:
    """Lane-order read-modify-write: the old value each lane sees, and the final one."""
    olds, cur = [], init
    for d in data:
        olds.append(cur)
        cur = op(cur, d, m)
    return olds, cur
