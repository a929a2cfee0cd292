"""Run a few instructions on one wave: the harness of the semantics tests.

    snap = run_snippet("v_add_u32 v2, v0, v1", regs={"v0": a, "v1": b})
    snap.v(2)            # (64,) uint32

Registers are named as in assembly (``v1``, ``s[2:3]``, ``a0``, ``vcc``, ``exec``,
``m0``, ``scc``); a VGPR takes 64 values (or one, broadcast), an SGPR range an int
(split into dwords, low first) or a sequence of dwords. Arrays in ``memory`` are
registered as global memory at their own addresses (``a.ctypes.data``);
``private_bytes`` gives every lane a private (scratch) segment of that many bytes
(``snap.private(lane)`` reads it back). The snippet runs with the sanitizer on;
registers not in ``regs`` read as never written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pyhip_mlir.emulator import bits
from pyhip_mlir.emulator.machine import Launch, Machine
from pyhip_mlir.emulator.program import SPECIAL_SLOTS, Program, RegRange, decode_kernel
from pyhip_mlir.emulator.sanitizer import Sanitizer

_REG_RE = re.compile(r"^([sva])(?:(\d+)|\[(\d+):(\d+)\])$")


def parse_reg(name: str) -> RegRange:
    if name in SPECIAL_SLOTS:
        f, first, n = SPECIAL_SLOTS[name]
        return RegRange(f, first, n)
    m = _REG_RE.match(name.replace(" ", ""))
    if not m:
        raise ValueError(f"not a register name: {name!r}")
    if m.group(2) is not None:
        return RegRange(m.group(1), int(m.group(2)), 1)
    lo, hi = int(m.group(3)), int(m.group(4))
    return RegRange(m.group(1), lo, hi - lo + 1)


@dataclass
class Snapshot:
    """Register files of the wave after the snippet ran."""

    machine: Machine

    def v(self, i: int) -> np.ndarray:
        return self.machine.vgpr[0, i, :].copy()

    def vf(self, i: int) -> np.ndarray:
        return self.v(i).view(np.float32)

    def a(self, i: int) -> np.ndarray:
        return self.machine.agpr[0, i, :].copy()

    def s(self, i: int) -> int:
        return int(self.machine.sgpr[0, i])

    def s64(self, i: int) -> int:
        return self.s(i) | (self.s(i + 1) << 32)

    @property
    def vcc(self) -> int:
        return self.s64(106)

    @property
    def exec(self) -> int:
        return self.s64(126)

    @property
    def m0(self) -> int:
        return self.s(124)

    @property
    def scc(self) -> int:
        return int(self.machine.scc[0])

    @property
    def reports(self) -> list[Any]:
        return self.machine.san.reports

    @property
    def lds(self) -> np.ndarray:
        return self.machine.lds

    def private(self, lane: int) -> np.ndarray:
        """Lane ``lane``'s private (scratch) segment, (private_bytes,) uint8."""
        n = self.machine.private_bytes
        return self.machine.private[lane * n : (lane + 1) * n].copy()


def lane_words(value: Any, count: int) -> np.ndarray:
    """A VGPR initialiser as (64, count) uint32: 64 values (per lane), one value (all
    lanes), 64-bit values (split into two dwords) or an explicit (64, count) array."""
    arr = np.asarray(value)
    if arr.dtype.itemsize == 8 and count == 2:
        arr = bits.split64(arr.astype(np.float64) if arr.dtype.kind == "f" else arr.astype(np.uint64))
    elif arr.dtype.kind == "f":
        arr = arr.astype(np.float32).view(np.uint32)
    elif arr.dtype.kind in "ib" or (arr.dtype.kind == "O"):
        arr = arr.astype(np.int64).astype(np.uint32)
    arr = arr.astype(np.uint32)
    if arr.ndim == 1 and arr.shape[0] == 64 and count == 1:
        arr = arr[:, None]
    elif arr.ndim == 1 and arr.shape[0] == count:
        arr = arr[None, :]
    elif arr.ndim == 2 and arr.shape == (64, 2) and count == 2:
        pass
    return np.broadcast_to(arr if arr.ndim else arr[None, None], (64, count))


def build_program(asm: str, arch: str = "gfx942") -> Program:
    from pyhip_mlir.codegen.asm_parser import parse_asm
    from pyhip_mlir.dialects.cdna.kernel import KernelOp
    from pyhip_mlir.emulator.semantics import SEMANTICS

    text = asm.strip("\n")
    if not re.search(r"^\s*s_endpgm\b", text, re.M):
        text += "\ns_endpgm"
    module = parse_asm(text + "\n", "snippet.s", arch=arch)
    kernel = next(op for op in module.walk() if isinstance(op, KernelOp))
    return decode_kernel(kernel, arch, SEMANTICS)


def run_snippet(
    asm: str,
    *,
    regs: dict[str, Any] | None = None,
    arch: str = "gfx942",
    exec_mask: int = (1 << 64) - 1,
    memory: Sequence[np.ndarray] = (),
    lds_bytes: int = 0,
    sanitize: bool | str = True,
    max_vgpr: int = 0,
    private_bytes: int = 0,
) -> Snapshot:
    from pyhip_mlir.emulator.memory import GlobalMemory

    program = build_program(asm, arch)
    regs = dict(regs or {})
    for name in regs:  # registers set up here need room even if the snippet never names them
        r = parse_reg(name)
        if r.file == "v":
            program.max_vgpr = max(program.max_vgpr, r.first + r.count)
        elif r.file == "a":
            program.max_agpr = max(program.max_agpr, r.first + r.count)
    program.max_vgpr = max(program.max_vgpr, max_vgpr)
    gm = GlobalMemory()
    for i, arr in enumerate(memory):
        gm.register(arr, name=f"memory[{i}]")

    def init(m: Machine) -> None:
        m.write(slice(None), RegRange("s", 126, 2),
                np.array([[[exec_mask & 0xFFFFFFFF, exec_mask >> 32]]], dtype=np.uint32), None)
        for name, value in regs.items():
            r = parse_reg(name)
            if r.file == "scc":
                m.scc[0] = bool(value)
            elif r.file == "s":
                if isinstance(value, int | np.integer):
                    v = int(value)
                    words = [(v >> (32 * k)) & 0xFFFFFFFF for k in range(r.count)]
                else:
                    words = [int(x) & 0xFFFFFFFF for x in np.asarray(value).reshape(-1)]
                m.write(slice(None), r, np.array([[words]], dtype=np.uint32), None)
            else:
                m.file(r.file)[0, r.first : r.first + r.count, :] = lane_words(value, r.count).T
            m.san.mark_written(slice(None), r)

    launch = Launch(
        n_waves=1,
        wg_of_wave=np.zeros(1, dtype=np.int64),
        wg_ids=np.zeros((1, 3), dtype=np.int64),
        wave_in_wg=np.zeros(1, dtype=np.int64),
        lds_bytes=lds_bytes,
        n_wgs=1,
        init=init,
        private_bytes=private_bytes,
    )
    san = Sanitizer(enabled=bool(sanitize), mode="collect" if sanitize == "collect" else "raise")
    m = Machine(program, launch, gm, san)
    m.run(max_steps=1_000_000)
    return Snapshot(m)


def asm_kernel_source(
    name: str,
    body: str,
    args: Sequence[tuple[str, str]] = (),
    *,
    arch: str = "gfx942",
    lds_bytes: int = 0,
    workgroup_ids: str = "x",
    vgprs: int = 32,
    sgprs: int = 32,
) -> str:
    """A complete hand-written-style ``.s``: ``body`` plus descriptor and v5 metadata.

    Launch state: kernarg pointer in s[0:1] (s[4:5] after the private segment buffer on
    gfx90a), the workgroup ids of ``workgroup_ids`` next, work-item ids packed in v0.
    ``args`` are (name, C type) pairs laid out with C alignment.
    """
    from pyhip_mlir.dialects.cdna.kernel import layout_args

    laid = layout_args(list(args))
    size = max([a.offset.data + a.size.data for a in laid] or [0])
    meta_args = []
    for a in laid:
        ptr = a.ctype.data.endswith("*")
        kind = "global_buffer" if ptr else "by_value"
        extra = ", .address_space: global" if ptr else ""
        meta_args.append(
            f"      - {{.name: {a.arg_name.data}, .offset: {a.offset.data}, .size: {a.size.data}, "
            f".value_kind: {kind}{extra}, .type_name: '{a.ctype.data}'}}"
        )
    gfx90a = arch == "gfx90a"
    lines = [
        f'.amdgcn_target "amdgcn-amd-amdhsa--{arch}"',
        ".amdhsa_code_object_version 5",
        ".text",
        f".globl {name}",
        ".p2align 8",
        f".type {name},@function",
        f"{name}:",
        *("  " + ln.strip() for ln in body.strip("\n").splitlines()),
        ".rodata",
        ".p2align 6",
        f".amdhsa_kernel {name}",
        *( ["  .amdhsa_user_sgpr_private_segment_buffer 1"] if gfx90a else []),
        "  .amdhsa_user_sgpr_kernarg_segment_ptr 1",
        f"  .amdhsa_user_sgpr_count {6 if gfx90a else 2}",
        *(f"  .amdhsa_system_sgpr_workgroup_id_{d} 1" for d in workgroup_ids),
        "  .amdhsa_system_vgpr_workitem_id 2",
        f"  .amdhsa_next_free_vgpr {vgprs}",
        f"  .amdhsa_next_free_sgpr {sgprs}",
        f"  .amdhsa_accum_offset {max(4, (vgprs + 3) // 4 * 4)}",
        f"  .amdhsa_group_segment_fixed_size {lds_bytes}",
        ".end_amdhsa_kernel",
        ".amdgpu_metadata",
        "---",
        "amdhsa.version: [ 1, 2 ]",
        "amdhsa.kernels:",
        f"  - .name: {name}",
        f"    .symbol: {name}.kd",
        f"    .kernarg_segment_size: {max(size, 4)}",
        f"    .group_segment_fixed_size: {lds_bytes}",
        "    .private_segment_fixed_size: 0",
        "    .kernarg_segment_align: 8",
        "    .wavefront_size: 64",
        f"    .sgpr_count: {sgprs}",
        f"    .vgpr_count: {vgprs}",
        "    .max_flat_workgroup_size: 1024",
        *(["    .args:", *meta_args] if meta_args else []),
        "...",
        ".end_amdgpu_metadata",
    ]
    return "\n".join(lines) + "\n"


def build_asm_kernel(tmp_dir: Any, name: str, body: str, args: Sequence[tuple[str, str]] = (), **kw: Any) -> Any:
    """Assemble :func:`asm_kernel_source` with clang and load it: the kernel callable."""
    from pathlib import Path

    from pyhip_mlir.emulator.api import assemble, load

    arch = kw.get("arch", "gfx942")
    Path(tmp_dir).mkdir(parents=True, exist_ok=True)
    co = assemble(asm_kernel_source(name, body, args, **kw), arch, Path(tmp_dir) / f"{name}.co")
    return getattr(load(co), name)
