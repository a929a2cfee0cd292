"""Finishing the kernel's CFG: seal label blocks, complete and prune phis, pass block args.

Label blocks stay unsealed while tracing (a later ``J.Jump`` may still target them), so
reads in them make incomplete phis (block arguments). At the end every block is sealed,
each phi gets one incoming value per predecessor, trivial phis (all incoming values the
same, or the phi itself) are replaced by that value until none is left, and the edges
into blocks with arguments are rebuilt to pass them (``target_args`` of the branch,
``args`` of ``cdna.fallthrough``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xdsl.ir import Operation, SSAValue

from pyhip_mlir.dialects.cdna.inst import InstOp
from pyhip_mlir.dialects.cdna.pseudo import FallthroughOp
from pyhip_mlir.frontend.errors import DSLError
from pyhip_mlir.frontend.ssa import CfgBlock

if TYPE_CHECKING:
    from pyhip_mlir.frontend.builder import JIT


def finish(J: JIT) -> None:
    blocks = list(J.cfg)
    for b in blocks:
        b.sealed = True
    pending = True
    while pending:  # filling a phi may create phis in blocks already visited
        pending = False
        for b in blocks:
            for phi in list(b.phis):
                if len(phi.incoming) != len(b.preds):
                    J.ssa.fill_phi(b, phi)
                    pending = True
    _remove_trivial(blocks)
    for b in blocks:
        for phi in b.phis:
            if any(v is None for v in phi.incoming):
                raise DSLError(
                    f"'{phi.var.name}' may be read before it is written: some path into label "
                    f"'{b.label}' does not give it a value", phi.loc)
        if b.phis:
            for i, edge in enumerate(b.preds):
                assert edge.op is not None
                _pass_args(edge.op, [p.incoming[i] for p in b.phis])  # type: ignore[misc]


def _remove_trivial(blocks: list[CfgBlock]) -> None:
    all_phis = [p for b in blocks for p in b.phis]
    changed = True
    while changed:
        changed = False
        for b in blocks:
            for phi in list(b.phis):
                others = {id(v): v for v in phi.incoming if v is not None and v is not phi.arg}
                if len(others) > 1:
                    continue
                rep = next(iter(others.values()), None)
                if rep is None:
                    if phi.arg.uses:
                        raise DSLError(f"'{phi.var.name}' is read before it is written", phi.loc)
                else:
                    phi.arg.replace_all_uses_with(rep)
                for p in all_phis:
                    p.incoming = [rep if v is phi.arg else v for v in p.incoming]
                b.phis.remove(phi)
                all_phis.remove(phi)
                b.scope.block.erase_arg(phi.arg)
                changed = True


def _pass_args(op: Operation, args: list[SSAValue]) -> None:
    """Rebuild the terminator ``op`` so that it passes ``args`` to its label target."""
    if isinstance(op, FallthroughOp):
        new: Operation = FallthroughOp(op.dest, args)
    else:
        assert isinstance(op, InstOp)
        new = type(op)(
            defs=[r.type for r in op.defs], uses=list(op.uses), imm=op.imm_values(),
            implicit_uses=list(op.implicit_uses),
            implicit_defs=[r.type for r in op.implicit_defs], targets=list(op.targets),
            mods=op.mod_values(), opmods=op.opmod_values(), target_args=args,
        )
    new.location = op.location
    block = op.parent_block()
    assert block is not None
    block.insert_op_before(new, op)
    for old_r, new_r in zip(op.results, new.results, strict=True):
        old_r.replace_all_uses_with(new_r)
    block.erase_op(op)

