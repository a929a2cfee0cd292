"""Kernel facts in assembly text: ``.amdhsa_kernel`` directives and ``.amdgpu_metadata``.

The metadata block is the YAML LLVM writes (block mappings and sequences, plain or
quoted scalars, flow sequences); :func:`parse_yaml` reads exactly that subset, so no
YAML library is needed. :func:`kernel_args` turns one kernel's ``.args`` into
:class:`KernelArgAttr` values, :func:`abi_layout` the descriptor directives into the
launch-time inputs the entry block receives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from xdsl.utils.exceptions import VerifyException

from pyhip_mlir.codegen.asm_lexer import AsmParseError
from pyhip_mlir.dialects.cdna.kernel import KernelArgAttr, ctype_layout


@dataclass
class KernelInfo:
    """What the directives of one kernel say (``line`` is where they start)."""

    name: str
    line: int = 0
    amdhsa: dict[str, int | str] = field(default_factory=dict)
    meta: dict[str, Any] | None = None
    meta_line: int = 0


# --- YAML subset ----------------------------------------------------------------------

_KEY_RE = re.compile(r"([^\s:'\"][^:]*?|'[^']*'|\"[^\"]*\"):(?:\s+(.*))?$")


def _scalar(text: str) -> Any:
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip()
        return [_scalar(x) for x in inner.split(",")] if inner else []
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    try:
        return int(text, 0)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


class _Yaml:
    def __init__(self, lines: list[tuple[int, str]], filename: str):
        self.lines = [
            (no, len(t) - len(t.lstrip(" ")), t.strip())
            for no, t in lines
            if t.strip() and not t.strip().startswith("#") and t.strip() not in ("---", "...")
        ]
        self.i = 0
        self.filename = filename

    def error(self, message: str) -> AsmParseError:
        no = self.lines[min(self.i, len(self.lines) - 1)][0] if self.lines else 0
        return AsmParseError(self.filename, no, 1, f"metadata: {message}")

    def node(self, indent: int) -> Any:
        if self.i >= len(self.lines):
            return None
        _, ind, text = self.lines[self.i]
        if ind < indent:
            return None
        if text.startswith("- ") or text == "-":
            return self.seq(ind)
        return self.mapping(ind)

    def seq(self, indent: int) -> list[Any]:
        out: list[Any] = []
        while self.i < len(self.lines):
            no, ind, text = self.lines[self.i]
            if ind != indent or not (text.startswith("- ") or text == "-"):
                if ind > indent:
                    raise self.error(f"unexpected indentation: {text!r}")
                break
            rest = text[1:].strip()
            if not rest:
                self.i += 1
                out.append(self.node(indent + 1))
            elif _KEY_RE.match(rest):
                # "- key: value" opens a mapping indented past the dash.
                self.lines[self.i] = (no, ind + 2, rest)
                out.append(self.mapping(ind + 2))
            else:
                self.i += 1
                out.append(_scalar(rest))
        return out

    def mapping(self, indent: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while self.i < len(self.lines):
            _, ind, text = self.lines[self.i]
            if ind < indent:
                break
            if ind > indent:
                raise self.error(f"unexpected indentation: {text!r}")
            m = _KEY_RE.match(text)
            if m is None:
                raise self.error(f"expected 'key: value', got {text!r}")
            key = str(_scalar(m.group(1)))
            self.i += 1
            if m.group(2) is not None and m.group(2).strip():
                out[key] = _scalar(m.group(2))
            else:
                nxt = self.lines[self.i] if self.i < len(self.lines) else None
                if nxt is not None and (nxt[1] > indent or nxt[2].startswith("- ")):
                    out[key] = self.node(nxt[1])
                else:
                    out[key] = None
        return out


def parse_yaml(lines: list[tuple[int, str]], filename: str) -> Any:
    """The document in ``lines`` ((line number, text) pairs)."""
    y = _Yaml(lines, filename)
    doc = y.node(0)
    if y.i < len(y.lines):
        raise y.error(f"unexpected text {y.lines[y.i][2]!r}")
    return doc


# --- kernel arguments -----------------------------------------------------------------

_BY_VALUE_CTYPES = {1: "bool", 4: "int", 8: "int64_t"}


def _int(arg: dict[str, Any], key: str, filename: str, line: int) -> int:
    v = arg.get(key, 0)
    if isinstance(v, bool) or not isinstance(v, int):
        raise AsmParseError(filename, line, 1, f"metadata: '{key}' must be an integer, not {v!r}")
    return v


def _ctype(arg: dict[str, Any], size: int) -> str | None:
    kind = str(arg.get(".value_kind", ""))
    tname = arg.get(".type_name")
    if isinstance(tname, str):
        cand = " ".join(tname.replace("'", "").split())
        try:
            if ctype_layout(cand)[0] == size:
                return cand
        except ValueError:
            pass
    if kind in ("global_buffer", "dynamic_shared_pointer") or (
        kind == "by_value" and isinstance(tname, str) and tname.strip().endswith("*")
    ):
        return "void*"
    if kind == "by_value":
        return _BY_VALUE_CTYPES.get(size)
    return None


def kernel_args(meta: dict[str, Any], filename: str, line: int) -> list[KernelArgAttr]:
    """The runtime arguments of one ``amdhsa.kernels`` entry (hidden ones left out)."""
    out: list[KernelArgAttr] = []
    args = meta.get(".args") or []
    if not isinstance(args, list):
        raise AsmParseError(filename, line, 1, "metadata: '.args' is not a list")
    for i, arg in enumerate(args):
        if not isinstance(arg, dict):
            raise AsmParseError(filename, line, 1, f"metadata: argument {i} is not a mapping")
        kind = str(arg.get(".value_kind", ""))
        if kind.startswith("hidden_"):
            continue
        size = _int(arg, ".size", filename, line)
        offset = _int(arg, ".offset", filename, line)
        ctype = _ctype(arg, size)
        name = str(arg.get(".name", f"arg{i}"))
        if ctype is None:
            raise AsmParseError(
                filename, line, 1,
                f"metadata: argument '{name}' ({kind}, {arg.get('.size')} bytes) has no "
                "supported C type",
            )  # fmt: skip
        try:
            out.append(KernelArgAttr.get(name, ctype, offset, size))
        except VerifyException as e:
            raise AsmParseError(filename, line, 1, f"metadata: {e}") from None
    return out


# --- launch-time inputs ---------------------------------------------------------------

# User SGPRs in hardware order with their sizes; only the kernarg pointer has an ABI
# input name, so a kernel enabling any other one keeps no entry-block arguments.
_USER_SGPRS = (
    ("private_segment_buffer", 4),
    ("dispatch_ptr", 2),
    ("queue_ptr", 2),
    ("kernarg_segment_ptr", 2),
    ("dispatch_id", 2),
    ("flat_scratch_init", 2),
    ("private_segment_size", 1),
)


def abi_layout(amdhsa: dict[str, int | str]) -> list[tuple[str, str, int, int]] | None:
    """(abi input, file, first register, width) per input, or None if not expressible."""

    def flag(key: str, default: int = 0) -> int:
        v = amdhsa.get(f".amdhsa_{key}", default)
        return v if isinstance(v, int) else -1

    out: list[tuple[str, str, int, int]] = []
    sgpr = 0
    for name, width in _USER_SGPRS:
        on = flag(f"user_sgpr_{name}")
        if on and name != "kernarg_segment_ptr":
            return None
        if on:
            out.append(("kernarg_segment_ptr", "s", sgpr, width))
            sgpr += width
    if flag("user_sgpr_kernarg_preload_length") or flag("enable_private_segment"):
        return None
    count = flag("user_sgpr_count", sgpr)
    if count != sgpr:
        return None
    for dim in "xyz":
        if flag(f"system_sgpr_workgroup_id_{dim}", 1 if dim == "x" else 0):
            out.append((f"workgroup_id_{dim}", "s", sgpr, 1))
            sgpr += 1
    if flag("system_sgpr_workgroup_info"):
        return None
    out.append(("workitem_id", "v", 0, 1))
    out.append(("exec", "exec", 0, 2))
    return out
