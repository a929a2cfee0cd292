"""Block arguments of label blocks: the Python API of ``target_args`` and
``FallthroughOp.args``, the operand segments behind them, and the fast paths.

The syntax and the verifier's messages are checked by lit
(``test/lit/dialect/block-args.mlir``, ``test/lit/errors/block-args.mlir``).
"""

from __future__ import annotations

import pytest
from xdsl.parser import Parser
from xdsl.utils.exceptions import VerifyException

from pyhip_mlir.dialects.cdna import FallthroughOp, InstOp, KernelOp, inst_class, make_context
from pyhip_mlir.dialects.cdna.inst import _irdl_invariants_hold

LOOP = """
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%n : !cdna.sgpr<1>, %exec : !cdna.exec):
  %z = cdna.s_mov_b32 0 : () -> !cdna.sgpr<1>
  cdna.fallthrough ^loop(%z, %z : !cdna.sgpr<1>, !cdna.sgpr<1>)
^loop(%i : !cdna.sgpr<1>, %sum : !cdna.sgpr<1>):
  %c = cdna.s_cmp_ge_u32 %i, %n implicit() -> (scc) : (!cdna.sgpr<1>, !cdna.sgpr<1>) -> ()
  cdna.s_cbranch_scc1 ^done(%sum : !cdna.sgpr<1>), ^body implicit(%c : scc)
^body:
  %sum2, %c1 = cdna.s_add_u32 %sum, %i implicit() -> (scc) : (!cdna.sgpr<1>, !cdna.sgpr<1>) -> !cdna.sgpr<1>
  %i2, %c2 = cdna.s_add_u32 %i, 1 implicit() -> (scc) : (!cdna.sgpr<1>) -> !cdna.sgpr<1>
  cdna.s_branch ^loop(%i2, %sum2 : !cdna.sgpr<1>, !cdna.sgpr<1>)
^done(%r : !cdna.sgpr<1>):
  cdna.s_endpgm
}
"""


def _kernel() -> KernelOp:
    module = Parser(make_context(), LOOP).parse_module()
    module.verify()
    return next(op for op in module.walk() if isinstance(op, KernelOp))


def test_accessors_split_the_operand_segments() -> None:
    k = _kernel()
    entry, loop, body, done = k.body.blocks
    ft = entry.last_op
    assert isinstance(ft, FallthroughOp) and ft.dest is loop
    assert list(ft.args) == [entry.first_op.results[0]] * 2  # type: ignore[union-attr]
    br = loop.last_op
    assert isinstance(br, InstOp)
    c = loop.first_op.results[0]  # type: ignore[union-attr]
    assert list(br.uses) == [] and list(br.implicit_uses) == [c]
    assert list(br.target_args) == [loop.args[1]]
    assert list(br.targets) == [done, body]
    jump = body.last_op
    assert isinstance(jump, InstOp) and len(jump.target_args) == 2 and not jump.implicit_uses
    for op in (br, jump):  # parsed ops take the cheap verification path
        assert _irdl_invariants_hold(op)


def test_constructor_builds_the_same_op() -> None:
    k = _kernel()
    text = str(k)
    _, loop, body, done = k.body.blocks
    br = loop.last_op
    assert isinstance(br, InstOp)
    new = inst_class("s_cbranch_scc1")(
        implicit_uses=list(br.implicit_uses), targets=[done, body], target_args=list(br.target_args)
    )
    assert new.properties == br.properties and list(new.operands) == list(br.operands)
    assert _irdl_invariants_hold(new)
    loop.insert_op_before(new, br)
    loop.erase_op(br)
    new.verify()
    assert str(k) == text


def test_verifier_checks_each_edge() -> None:
    k = _kernel()
    entry, loop, _, _ = k.body.blocks
    ft = entry.last_op
    assert isinstance(ft, FallthroughOp)
    short = FallthroughOp(loop, [ft.args[0]])
    entry.insert_op_before(short, ft)
    entry.erase_op(ft)
    with pytest.raises(VerifyException, match=r"cdna.fallthrough passes 1 value to \^loop, which takes 2 arguments"):
        short.verify()
