"""A built kernel: code object bytes plus what launching it needs, as plain data.

Everything a launch needs (the ``.args`` layout, kernarg size, LDS, register counts)
is copied out of the code object's metadata once, when it is built, so that a cache
hit needs neither an ELF parse nor xDSL: the cache stores :meth:`KernelBinary.to_json`
next to the bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Waves per SIMD the register file allows, per arch: 512 VGPRs per SIMD lane on
# gfx90a/gfx942/gfx950 (unified VGPR+AGPR file), allocated in granules of 8; at most 8
# waves per SIMD (LLVM AMDGPU ``getMaxWavesPerEU`` / ``getVGPRAllocGranule``).
_UNIFIED_VGPRS = 512
_VGPR_GRANULE = 8
_MAX_WAVES = 8
_SGPRS_PER_SIMD = 800
_SGPR_GRANULE = 16


def waves_per_simd(vgprs: int, sgprs: int) -> int:
    """Occupancy the registers allow (``vgprs`` counts AGPRs in the unified file)."""
    v = max(_VGPR_GRANULE, -(-max(vgprs, 1) // _VGPR_GRANULE) * _VGPR_GRANULE)
    s = max(_SGPR_GRANULE, -(-max(sgprs, 1) // _SGPR_GRANULE) * _SGPR_GRANULE)
    return max(0, min(_MAX_WAVES, _UNIFIED_VGPRS // v, _SGPRS_PER_SIMD // s))


@dataclass
class KernelBinary:
    """One kernel of a code object."""

    name: str
    arch: str
    code_object: bytes
    metadata: dict[str, Any]  # the kernel's ``amdhsa.kernels`` entry
    report: dict[str, Any] = field(default_factory=dict)  # what the build measured

    @property
    def args(self) -> list[dict[str, Any]]:
        return list(self.metadata.get(".args") or [])

    @property
    def kernarg_size(self) -> int:
        return int(self.metadata.get(".kernarg_segment_size", 0))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "arch": self.arch, "metadata": self.metadata,
                "report": self.report}

    @classmethod
    def from_json(cls, data: dict[str, Any], code_object: bytes) -> KernelBinary:
        return cls(str(data["name"]), str(data["arch"]), code_object, dict(data["metadata"]),
                   dict(data.get("report") or {}))


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return value


def binaries_of(code_object: bytes, label: str = "<code object>") -> dict[str, KernelBinary]:
    """Every kernel of a code object (parsed in pure Python, no xDSL)."""
    from pyhip_mlir.emulator.codeobject import parse_code_object

    co = parse_code_object(code_object, label)
    out: dict[str, KernelBinary] = {}
    for name, k in co.kernels.items():
        meta = _json_safe(k.metadata)
        d = k.descriptor
        vgprs = int(meta.get(".vgpr_count", 0))
        sgprs = int(meta.get(".sgpr_count", 0))
        report = {
            "sgprs": sgprs, "vgprs": vgprs, "agprs": int(meta.get(".agpr_count", 0)),
            "lds_bytes": int(meta.get(".group_segment_fixed_size", d.group_segment_fixed_size)),
            "private_bytes": int(meta.get(".private_segment_fixed_size", 0)),
            "sgpr_spills": int(meta.get(".sgpr_spill_count", 0)),
            "vgpr_spills": int(meta.get(".vgpr_spill_count", 0)),
            "waves_per_simd": waves_per_simd(vgprs, sgprs),
            "code_bytes": len(k.code),
        }
        out[name] = KernelBinary(name, co.arch, code_object, meta, report)
    return out


def with_arg_types(binary: KernelBinary, signature: list[tuple[str, str]]) -> KernelBinary:
    """Add ``.name``/``.type_name`` from the source signature to the explicit arguments
    (clang's HIP metadata leaves them out; the launcher uses them for checks)."""
    meta = dict(binary.metadata)
    args = [dict(a) for a in binary.args]
    explicit = [a for a in args if not str(a.get(".value_kind", "")).startswith("hidden_")]
    if len(explicit) != len(signature):
        raise ValueError(f"kernel {binary.name}: the code object has {len(explicit)} arguments, "
                         f"the signature {len(signature)}")
    for a, (name, ctype) in zip(explicit, signature, strict=True):
        a.setdefault(".name", name)
        a.setdefault(".type_name", ctype)
    meta[".args"] = args
    return KernelBinary(binary.name, binary.arch, binary.code_object, meta, dict(binary.report))
