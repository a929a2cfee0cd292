"""``J``: the object a ``@jit`` kernel receives, which traces it into a ``cdna.kernel``.

It owns the IR being built (the kernel's region, the current block), the register
variables and their SSA state (:mod:`.ssa`), the structured-control-flow frames
(:mod:`.control`) and the top-level CFG of labels and jumps. Instructions go through
:mod:`.instr`; expressions through :mod:`.lower`. Everything is built with op
constructors, never parsed from text (DESIGN.md decision 8).
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from xdsl.dialects.builtin import FileLineColLoc
from xdsl.ir import Block, Operation, Region, SSAValue

from pyhip_mlir.dialects.cdna.kernel import KernelOp, layout_args
from pyhip_mlir.dialects.cdna.pseudo import BuildOp, ExtractOp
from pyhip_mlir.dialects.cdna.types import reg_type, special_type
from pyhip_mlir.dialects.cdna.undef import UndefOp
from pyhip_mlir.dialects.isa.table import all_mnemonics, normalize_arch
from pyhip_mlir.frontend import cfg, control, instr, lower, prune
from pyhip_mlir.frontend.dtypes import DTYPES, constant_dwords, parse_type, type_names
from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.frontend.expr import Expr, is_const
from pyhip_mlir.frontend.flow import FlowMixin
from pyhip_mlir.frontend.gpr import GPRs, Ref
from pyhip_mlir.frontend.loc import Loc, declared_name, user_loc
from pyhip_mlir.frontend.ssa import CfgBlock, Scope, SSABuilder, VarInfo, _hint, _width, set_hint

ABI = ("kernarg_segment_ptr", "workgroup_id_x", "workgroup_id_y", "workgroup_id_z",
       "workitem_id", "exec")
_ABI_TYPES = {"kernarg_segment_ptr": ("s", 2), "workgroup_id_x": ("s", 1),
              "workgroup_id_y": ("s", 1), "workgroup_id_z": ("s", 1), "workitem_id": ("v", 1)}


class Idx3D:
    """``J.threadIdx``/``J.blockIdx``/``J.blockDim``: ``.x``, ``.y``, ``.z``.

    Registers are read-only views (so ``J.threadIdx.x == 0`` is a compare, not Python
    identity as on a variable); ``J.blockDim`` gives compile-time ints.
    """

    def __init__(self, get: Callable[[str], Any]):
        self._get = get

    @property
    def x(self) -> Any:
        return self._get("x")

    @property
    def y(self) -> Any:
        return self._get("y")

    @property
    def z(self) -> Any:
        return self._get("z")


class JIT(FlowMixin):
    """The kernel builder (pyhip's ``J``). See docs/dsl.md for the user guide."""

    warp_size = 64

    def __init__(self, name: str, arch: str = "gfx942", runtime_args: Sequence[tuple[str, str]] = (),
                 loc: Loc | None = None):
        self.arch = normalize_arch(arch)
        self.name = name
        self.kernel_loc = loc
        self._ids = itertools.count()
        self.ssa = SSABuilder(self._locate)
        self.vars: dict[Any, VarInfo] = {}
        for s in instr.SPECIALS:
            self.vars[s] = VarInfo(s, s, s, None)
        self.frames: list[control.Frame] = []
        self.labels: dict[str, CfgBlock] = {}
        # set by _branch_targets for the terminator being built, taken by _after_terminator
        self._pending_target: CfgBlock | None = None
        self._pending_fallthrough: CfgBlock | None = None
        entry = Block(arg_types=[reg_type(*_ABI_TYPES[a]) if a in _ABI_TYPES else special_type("exec")
                                 for a in ABI])
        for a, n in zip(entry.args, ("kargs", "wg_x", "wg_y", "wg_z", "tid", "exec"), strict=True):
            a.name_hint = n
        self.entry_args = dict(zip(ABI, entry.args, strict=True))
        self.region = Region(entry)
        self.cfg: list[CfgBlock] = []
        self.scope = self._cfg_block(entry, entry=True).scope
        self.scope.defs[("exec", 0)] = (self.entry_args["exec"], 0)
        # EXEC values (and SGPR pairs holding one) known to be the launch's full mask:
        # a vector write under any other EXEC keeps the variable's other lanes
        # (cdna.merge_lanes, see instr.merge_old_lanes).
        self.full_execs: set[SSAValue] = {self.entry_args["exec"]}
        self.written_vars: set[int] = set()
        self.prologue = Scope(entry, None, "cfg", self.cfg[0])
        self.prologue.defs[("exec", 0)] = (self.entry_args["exec"], 0)
        self.prologue_end: Operation | None = None
        self.fixed: dict[int, SSAValue] = {}
        # value -> (variable, first dword) for every value written to a variable: what
        # the allocator needs to give a register-like program one range per variable
        self.tags: dict[SSAValue, tuple[GPRs, int]] = {}
        self.special_vars: dict[str, GPRs] = {}
        self.lds_bytes = 0
        self.lds_allocs: dict[int, int] = {}
        self.lds_free: list[tuple[int, int]] = []
        self.debug_logs: list[Any] = []
        self.kargs = self._fixed_var("kargs", "s", "u32", (2,), self.entry_args["kernarg_segment_ptr"])
        self.threadIdx = Idx3D(self._thread_idx)
        self.blockIdx = Idx3D(self._block_idx)
        self.workgroup_size: tuple[int, int, int] | None = None
        self.blockDim = Idx3D(self._block_dim)
        self.args = layout_args(runtime_args)
        self.arg_vars = self._load_args(runtime_args)

    # --- variables ------------------------------------------------------------------

    def _new_var_id(self) -> int:
        return next(self._ids)

    def _register(self, g: GPRs, owner: Scope | None) -> GPRs:
        self.vars[g.id] = VarInfo(g.id, g.name, g.file, owner)
        return g

    def _varinfo(self, key: Any) -> VarInfo:
        return self.vars[key]

    def _visible(self, key: Any, scope: Scope) -> bool:
        owner = self.vars[key].owner
        return owner is None or owner.kind == "cfg" or scope.inside(owner)

    def gpr(self, *desc: Any, align: int = 0, name: str = "") -> GPRs:
        """Declare a register variable: ``J.gpr(*shape, "<file><dtype>", *init)``.

        ``J.gpr(expr)`` declares one register holding ``expr`` (pyhip's ``auto_gpr``).
        """
        loc = user_loc()
        if len(desc) == 1 and isinstance(desc[0], Expr | Ref | GPRs):
            return self.auto_gpr(desc[0], name=name, loc=loc)
        shape: list[int] = []
        i = 0
        while i < len(desc) and isinstance(desc[i], int) and not isinstance(desc[i], bool):
            if desc[i] < 1:
                raise DSLError(f"J.gpr: dimension {desc[i]} is not positive", loc)
            shape.append(desc[i])
            i += 1
        if i >= len(desc) or not isinstance(desc[i], str):
            raise DSLError("J.gpr needs a type such as 'vf32' or 'si32' after the shape "
                           f"(types: {type_names()}; file s, v or a)", loc)
        rt = parse_type(desc[i])
        if rt is None:
            raise DSLError(f"J.gpr: unknown register type {desc[i]!r} (types: {type_names()}, "
                           "with an optional file prefix s, v or a)", loc)
        init = desc[i + 1:]
        g = self._declare(rt.file, rt.dtype, tuple(shape) or (1,), align, name or declared_name(), loc)
        if init:
            e = DTYPES[g.dtype]  # initializers go element by element in row-major order
            flat = [Ref(g, k * e, k * e + e - 1) for k in range(g.count // e)]
            for k, ref in enumerate(flat):
                self._assign(ref, init[min(k, len(init) - 1)], loc)
        return g

    def new_gpr(self, reg_type_: str, count: int, dtype: str = "u32", align: int = 1, name: str = "") -> GPRs:
        """pyhip's lower-level declaration: ``J.new_gpr('s', 2, dtype='u32')``."""
        loc = user_loc()
        rt = parse_type(reg_type_ + dtype)
        if rt is None or reg_type_ not in ("s", "v", "a") or not isinstance(count, int):
            raise DSLError(f"J.new_gpr({reg_type_!r}, {count!r}, dtype={dtype!r}): file must be "
                           f"s, v or a and dtype one of {type_names()}", loc)
        n = max(1, count // DTYPES[rt.dtype])
        return self._declare(rt.file, rt.dtype, (n,), align, name or declared_name(), loc)

    def _declare(self, file: str, dtype: str, shape: tuple[int, ...], align: int, name: str,
                 loc: Loc | None, owner: Scope | None | bool = True) -> GPRs:
        count = DTYPES[dtype]
        for d in shape:
            count *= d
        # pyhip's default: pairs and larger tuples even-aligned, four and more by 4
        g = GPRs(self, file, dtype, shape, align=align or max(1, min(count, 4) // 2 * 2),
                 name=name, loc=loc)
        return self._register(g, self.scope if owner is True else owner)  # type: ignore[arg-type]

    def auto_gpr(self, expr: Any, name: str = "", loc: Loc | None = None) -> GPRs:
        loc = loc or user_loc()
        val = lower.evaluate(self, expr, loc)
        g = self._declare(val.file if val.file != "a" else "v", val.dtype if val.dtype in DTYPES else "u32",
                          (1,) if val.width == DTYPES.get(val.dtype, 1) else (val.width,), 0,
                          name or declared_name("t"), loc)
        self._write_ref(g.to_expr(), val.value)
        return g

    def _fixed_var(self, name: str, file: str, dtype: str, shape: tuple[int, ...], value: SSAValue) -> GPRs:
        g = GPRs(self, file, dtype, shape, align=1, name=name, loc=None, readonly=True)
        self._register(g, None)
        self.fixed[g.id] = value
        return g

    # --- SSA reads and writes --------------------------------------------------------

    def _read_ref(self, ref: Ref, loc: Loc | None, what: str = "") -> SSAValue:
        var = ref.var
        if var.readonly:
            v = self.fixed[var.id]
            if ref.lo == 0 and ref.width == var.count:
                return v
            op = ExtractOp(v, ref.lo, reg_type(var.file, ref.width))
            self._insert(op, loc)
            return op.res
        if ref.lo == ref.hi:  # fast path: one dword written whole by one instruction
            hit = self.scope.defs.get((var.id, ref.lo))
            if hit is not None and hit[1] == 0 and _width(hit[0]) == 1:
                return hit[0]
        info = self.vars[var.id]
        val = self.ssa.read_value(self.scope, info, ref.lo, ref.hi, loc)
        if val is None:
            self._undefined(info, ref.lo, ref.hi, self.scope, loc, what)
        return val  # type: ignore[return-value]

    def _undefined(self, var: VarInfo, lo: int, hi: int, scope: Scope, loc: Loc | None,
                   what: str = "") -> None:
        why = next((scope.poison[(var.key, k)] for k in range(lo, hi + 1)
                    if (var.key, k) in scope.poison), None)
        if var.file in instr.SPECIALS:
            raise DSLError(f"{what + ' ' if what else ''}reads {var.name}, which nothing has "
                           "written yet" + (f" ({why})" if why else ""), loc)
        g = var.name if lo == hi == 0 else f"{var.name}[{lo}]" if lo == hi else f"{var.name}[{lo}:{hi}]"
        msg = f"'{g}' is read before it is written"
        if why:
            msg = f"'{g}' has no value here: {why}"
        raise DSLError((f"{what}: " if what else "") + msg, loc)

    def _write_ref(self, ref: Ref, value: SSAValue) -> None:
        if ref.var.readonly:
            raise DSLError(f"'{ref!r}' is read-only", user_loc())
        if ref.var.file in "va" and ref.var.id in self.written_vars:
            value = instr.merge_old_lanes(self, ref, value)
        if value.name_hint is None or value.name_hint.startswith("t"):
            set_hint(value, ref.var.hint)
        self.tags[value] = (ref.var, ref.lo)
        self.written_vars.add(ref.var.id)
        self.ssa.write(self.scope, self.vars[ref.var.id], ref.lo, value)

    def _read_special(self, name: str, loc: Loc | None, what: str = "") -> SSAValue:
        hit = self.scope.defs.get((name, 0))
        if hit is not None:
            return hit[0]
        val = self.ssa.read_value(self.scope, self.vars[name], 0, 0, loc)
        if val is None:
            self._undefined(self.vars[name], 0, 0, self.scope, loc, what)
        return val  # type: ignore[return-value]

    def _write_special(self, name: str, value: SSAValue) -> None:
        scope = self.scope
        key = (name, 0)
        scope.defs[key] = (value, 0)
        scope.written.add(key)
        if scope.poison:
            scope.poison.pop(key, None)

    # --- inserting ops -----------------------------------------------------------------

    def _locate(self, op: Operation, loc: Loc | None) -> None:
        if loc is not None:
            op.location = loc.attr

    def _insert(self, op: Operation, loc: Loc | None) -> None:
        self._insert_in(self.scope, op, loc)

    def _insert_in(self, scope: Scope, op: Operation, loc: Loc | None) -> None:
        self._locate(op, loc)
        if scope is self.prologue:
            if self.prologue_end is None:
                first = scope.block.first_op
                if first is None:
                    scope.block.add_op(op)
                else:
                    scope.block.insert_op_before(op, first)
            else:
                scope.block.insert_op_after(op, self.prologue_end)
            self.prologue_end = op
            return
        scope.insert(op)

    @contextmanager
    def _at_prologue(self) -> Iterator[None]:
        saved = self.scope
        self.scope = self.prologue
        try:
            yield
        finally:
            self.scope = saved

    def _op(self, mnemonic: str, *operands: Any, mod: str = "", loc: Loc | None = None,
            **kw: Any) -> list[SSAValue]:
        """Emit for the frontend itself (expression lowering, helpers)."""
        return instr.emit(self, mnemonic, operands, mod, kw, loc)

    def __getattr__(self, name: str) -> Callable[..., None]:
        if name.startswith("_") or ("_" not in name and name not in all_mnemonics()):
            # not an instruction (instructions are s_*, v_*, ds_*, ...): a typo of J's API
            public = [n for n in (*dir(type(self)), *vars(self)) if not n.startswith("_")]
            close = difflib.get_close_matches(name, public, n=2)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise AttributeError(f"J has no attribute '{name}'{hint}")

        def call(*operands: Any, mod: Any = "", **kw: Any) -> None:
            instr.emit(self, name, operands, mod, kw, user_loc())

        call.__name__ = name
        self.__dict__[name] = call  # later J.<name> lookups skip __getattr__
        return call

    def _extract(self, v: SSAValue, k: int, file: str, n: int = 1) -> SSAValue:
        op = ExtractOp(v, k, reg_type(file, n))
        self._insert(op, None)
        return op.res

    def _build(self, parts: Sequence[SSAValue], file: str) -> SSAValue:
        width = sum(getattr(p.type, "nregs", 1) for p in parts)
        op = BuildOp(list(parts), reg_type(file, width))
        self._insert(op, None)
        return op.res

    def _undef(self, scope: Scope, var: VarInfo, width: int) -> SSAValue:
        op = UndefOp(var.type_of(width))
        op.res.name_hint = _hint(var.name)
        self._insert_in(scope, op, None)
        return op.res

    def _agpr_to_vgpr(self, v: SSAValue, width: int, loc: Loc | None) -> SSAValue:
        parts = [self._op("v_accvgpr_read_b32", instr.Dst("v"),
                          instr.Val(self._extract(v, k, "a") if width > 1 else v, "a", 1), loc=loc)[0]
                 for k in range(width)]
        return parts[0] if width == 1 else self._build(parts, "v")

    # --- assignment -------------------------------------------------------------------

    def _assign(self, dst: Ref, value: Any, loc: Loc | None) -> None:
        if dst.var.readonly:
            raise DSLError(f"'{dst!r}' is read-only", loc)
        if isinstance(value, GPRs):
            value = value.to_expr()
        if is_const(value):
            words = constant_dwords(value, dst.var.dtype, dst.width)
            for k, w in enumerate(words):
                one = Ref(dst.var, dst.lo + k, dst.lo + k)
                if dst.file == "a":
                    self._op("v_accvgpr_write_b32", one, lower.signed32(w), loc=loc)
                else:
                    self._op(f"{dst.file}_mov_b32", one, lower.signed32(w), loc=loc)
            return
        if isinstance(value, Ref):
            if value.width != dst.width:
                raise DSLError(f"assigning {value.width} dword(s) '{value!r}' to {dst.width} "
                               f"dword(s) '{dst!r}'", loc)
            self._copy(dst, value, loc)
            return
        if isinstance(value, Expr):
            val = lower.evaluate(self, value, loc, dst_file=dst.file, dst_dtype=dst.dtype)
            if val.file == "mask" and dst.width == 1:  # a per-lane condition as 0/1
                val = lower.Value(lower.to_file(self, val, "v", loc), "v", "i32", 1)
            if val.width != dst.width:
                raise DSLError(f"the expression gives {val.width} dword(s); '{dst!r}' has {dst.width}",
                               loc)
            v = lower.to_file(self, val, dst.file, loc)
            self._write_ref(dst, v)
            return
        raise DSLError(f"cannot assign a {type(value).__name__} ({value!r}) to register '{dst!r}'",
                       loc)

    def _copy(self, dst: Ref, src: Ref, loc: Loc | None) -> None:
        for k in range(dst.width):
            d = Ref(dst.var, dst.lo + k, dst.lo + k)
            s = Ref(src.var, src.lo + k, src.lo + k)
            if dst.file == "a":
                self._op("v_accvgpr_write_b32" if s.file == "v" else "v_accvgpr_mov_b32", d, s, loc=loc)
            elif dst.file == "v":
                self._op("v_accvgpr_read_b32" if s.file == "a" else "v_mov_b32", d, s, loc=loc)
            else:
                if s.file != "s":
                    raise DSLError(f"'{src!r}' is a vector register and '{dst!r}' scalar: use "
                                   "J.v_readfirstlane_b32 to copy one lane", loc)
                self._op("s_mov_b32", d, s, loc=loc)

    def _eval_operand(self, e: Expr, loc: Loc | None) -> instr.Val:
        val = lower.evaluate(self, e, loc)
        return instr.Val(lower.to_file(self, val, val.file, loc), val.file if val.file in "sva" else "s",
                         val.width)

    # --- launch geometry -------------------------------------------------------------

    def _thread_idx(self, axis: str) -> Ref:
        key = f"threadIdx.{axis}"
        if key not in self.special_vars:
            tid = self.entry_args["workitem_id"]
            with self._at_prologue():
                t = instr.Val(tid, "v", 1)
                if axis == "x":
                    v = self._op("v_and_b32", instr.Dst("v", 1, "tid_x"), 0x3FF, t)[0]
                else:
                    shift = 10 if axis == "y" else 20
                    v = self._op("v_bfe_u32", instr.Dst("v", 1, f"tid_{axis}"), t, shift, 10)[0]
            self.special_vars[key] = self._fixed_var(key, "v", "u32", (1,), v)
        return self.special_vars[key].to_expr()

    @property
    def gridDim(self) -> Any:  # noqa: N802 (pyhip's name)
        raise DSLError("J.gridDim is not available yet: it needs the code object's hidden "
                       "arguments (codegen); pass the grid size as a kernel argument", user_loc())

    def _block_dim(self, axis: str) -> int:
        """The workgroup size along ``axis``: a compile-time constant, from
        ``@jit(workgroup_size=...)`` (the launch must then use that block)."""
        if self.workgroup_size is None:
            raise DSLError("J.blockDim needs the workgroup size at compile time: "
                           "@pyhip.jit(workgroup_size=[x, y, z])", user_loc())
        return self.workgroup_size["xyz".index(axis)]

    def _block_idx(self, axis: str) -> Ref:
        key = f"blockIdx.{axis}"
        if key not in self.special_vars:
            self.special_vars[key] = self._fixed_var(key, "s", "u32", (1,),
                                                     self.entry_args[f"workgroup_id_{axis}"])
        return self.special_vars[key].to_expr()

    @property
    def lane_id(self) -> Ref:
        """This lane's index in the wavefront, 0..63 (v_mbcnt of all-ones)."""
        if "lane_id" not in self.special_vars:
            with self._at_prologue():
                lo = self._op("v_mbcnt_lo_u32_b32", instr.Dst("v", 1, "lane_lo"), -1, 0)[0]
                v = self._op("v_mbcnt_hi_u32_b32", instr.Dst("v", 1, "lane_id"), -1,
                             instr.Val(lo, "v", 1))[0]
            self.special_vars["lane_id"] = self._fixed_var("lane_id", "v", "u32", (1,), v)
        return self.special_vars["lane_id"].to_expr()

    @property
    def warp_id(self) -> Ref:
        """The wavefront's index in a 1-D workgroup (threadIdx.x // 64, in an SGPR)."""
        if "warp_id" not in self.special_vars:
            tx = self._thread_idx("x")
            with self._at_prologue():
                w = self._op("v_lshrrev_b32", instr.Dst("v", 1, "warp"), 6, tx[0])[0]
                s = self._op("v_readfirstlane_b32", instr.Dst("s", 1, "warp_id"), instr.Val(w, "v", 1))[0]
            self.special_vars["warp_id"] = self._fixed_var("warp_id", "s", "u32", (1,), s)
        return self.special_vars["warp_id"].to_expr()

    # --- runtime arguments -------------------------------------------------------------

    def _load_args(self, runtime_args: Sequence[tuple[str, str]]) -> list[GPRs]:
        out: list[GPRs] = []
        if not runtime_args:
            return out
        bools: list[tuple[GPRs, SSAValue, int]] = []
        with self._at_prologue():
            for (name, ctype), attr in zip(runtime_args, self.args, strict=True):
                off = attr.offset.data
                c = " ".join(ctype.split())
                if c.endswith("*"):
                    g = self._declare("s", "u32", (2,), 2, name, self.kernel_loc, owner=None)
                    self._op("s_load_dwordx2", g, self.kargs, off)
                elif c in ("int64_t", "uint64_t", "long", "double"):
                    dt = {"int64_t": "i64", "long": "i64", "uint64_t": "u64", "double": "f64"}[c]
                    g = self._declare("s", dt, (1,), 2, name, self.kernel_loc, owner=None)
                    self._op("s_load_dwordx2", g, self.kargs, off)
                else:
                    dt = {"float": "f32", "unsigned int": "u32", "uint32_t": "u32",
                          "bool": "u32"}.get(c, "i32")
                    g = self._declare("s", dt, (1,), 1, name, self.kernel_loc, owner=None)
                    if c == "bool":  # one byte: load its dword, extract it after the wait
                        raw = self._op("s_load_dword", instr.Dst("s", 1, name), self.kargs, off & ~3)[0]
                        bools.append((g, raw, (off & 3) * 8))
                    else:
                        self._op("s_load_dword", g, self.kargs, off)
                out.append(g)
            self._op("s_waitcnt", lgkmcnt=0)
            for g, raw, shift in bools:
                self._op("s_bfe_u32", g, instr.Val(raw, "s", 1), shift | (8 << 16))
        for g in out:  # the user's code starts where the prologue ends
            info = self.vars[g.id]
            for k in range(g.count):
                got = self.prologue.defs.get((info.key, k))
                if got is not None:
                    self.scope.defs[(info.key, k)] = got
        return out

    # --- finishing ---------------------------------------------------------------------

    def finish(self, workgroup_size: Sequence[int] | None = None) -> KernelOp:
        """Close open frames, end the kernel, seal the CFG and build the kernel op."""
        loc = user_loc()
        if self.frames:
            raise DSLError("a J.If/J.While/J.ExecMask block is still open at the end of the kernel",
                           self.frames[-1].loc)
        if not self.scope.terminated:
            self._op("s_endpgm", loc=self.kernel_loc or loc)
        for name, cb in self.labels.items():
            if not cb.placed:
                raise DSLError(f"jump to label '{name}', which is never defined (J.Label)", cb.first_use)
        last = self.cfg[-1]
        if len(self.cfg) > 1 and not last.preds and not last.scope.block.ops and last.label is None:
            self.region.detach_block(last.scope.block)
            self.cfg.pop()
        cfg.finish(self)
        self._prune_entry_args()
        kernel = KernelOp(self.name, self.region, arch=self.arch, args=self.args,
                          workgroup_size=workgroup_size, lds_bytes=self.lds_bytes or None,
                          abi_inputs=list(self._abi))
        self._locate(kernel, self.kernel_loc)
        self._fold_full_merges(kernel)
        prune.prune(kernel)
        _fill_locations(kernel)
        return kernel

    def _fold_full_merges(self, kernel: KernelOp) -> None:
        """A cdna.merge_lanes emitted while EXEC was a loop placeholder that turned out
        to be the full launch mask merges nothing: its result is the written value."""
        from pyhip_mlir.dialects.cdna.pseudo import MergeLanesOp

        for op in [o for o in kernel.walk() if isinstance(o, MergeLanesOp)]:
            if op.exec_ in self.full_execs:
                op.res.replace_all_uses_with(op.new)
                op.detach()
                op.erase()

    def _prune_entry_args(self) -> None:
        block = self.region.blocks.first
        assert block is not None
        abi = list(ABI)
        for name in reversed(ABI):
            arg = self.entry_args[name]
            if not arg.uses and name != "exec":
                block.erase_arg(arg)
                abi.remove(name)
        self._abi = abi

    # --- LDS, buffers, debug log (helpers.py) ---------------------------------------
    # Thin delegations to helpers.py / debuglog.py (imported on first use).

    def alloc_lds(self, nbytes: int, align: int = 4) -> int:
        """Allocate ``nbytes`` of LDS; returns the byte offset (first fit)."""
        from pyhip_mlir.frontend import helpers

        return helpers.alloc_lds(self, nbytes, align, user_loc())

    def free_lds(self, offset: int) -> None:
        from pyhip_mlir.frontend import helpers

        helpers.free_lds(self, offset, user_loc())

    def LDSTensor(self, shape: Any, dtype: Any = "s8", base: int | None = None) -> Any:  # noqa: N802
        from pyhip_mlir.frontend import helpers

        return helpers.LDSTensor(self, shape, dtype, base, user_loc())

    def Buffer(self, base: Any, size: Any) -> Any:  # noqa: N802
        from pyhip_mlir.frontend import helpers

        return helpers.Buffer(self, base, size, user_loc())

    def sizeof(self, dtype: Any, cnt: int = 1) -> int:
        from pyhip_mlir.frontend import helpers

        return helpers.sizeof(dtype, user_loc()) * cnt

    def debug_setup(self, cond: Any) -> None:
        from pyhip_mlir.frontend import debuglog

        debuglog.debug_setup(self, cond)

    def debug_log(self, reg: Any, dtype: Any = None, message: str = "") -> None:
        from pyhip_mlir.frontend import debuglog

        debuglog.debug_log(self, reg, dtype, message)


def _fill_locations(kernel: KernelOp) -> None:
    """Give ops the frontend made for itself (prologue loads, merges, region ends) and
    block arguments a location: the previous op's, else the enclosing op's. So every
    op of the printed IR names a user line and parsing it back keeps them all."""
    def fill(op: Operation, inherited: Any) -> None:
        for region in op.regions:
            for block in region.blocks:
                for arg in block.args:
                    if not isinstance(arg.location, FileLineColLoc):
                        arg.location = inherited
                prev = inherited
                for inner in block.ops:
                    if not isinstance(inner.location, FileLineColLoc):
                        inner.location = prev
                    prev = inner.location
                    fill(inner, inner.location)

    fill(kernel, kernel.location)
