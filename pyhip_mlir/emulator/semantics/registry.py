"""The semantics table: base mnemonic -> numpy implementation over 64 lanes.

A semantic function takes an :class:`~pyhip_mlir.emulator.ctx.OpCtx` and states what
the instruction does, reading its operands through typed accessors and writing
results through ``set_*``; the driver (SSA interpreter or machine emulator) decides
where values come from, which lanes are written and when loads complete. Keys are
the table's ``base`` names (``v_add_f32`` serves ``v_add_f32``, ``_e64``, ``_dpp``,
``_sdwa``); DPP, SDWA, op_sel, neg/abs, clamp and omod are applied by the context.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyhip_mlir.emulator.ctx import OpCtx

SemFn = Callable[["OpCtx"], None]

SEMANTICS: dict[str, SemFn] = {}


def semantics(*bases: str) -> Callable[[SemFn], SemFn]:
    """Register ``fn`` as the semantics of each base mnemonic in ``bases``."""

    def register(fn: SemFn) -> SemFn:
        for b in bases:
            if b in SEMANTICS:
                raise ValueError(f"semantics for {b} defined twice")
            SEMANTICS[b] = fn
        return fn

    return register
