// Values passed to block arguments: count and types must match the destination's
// arguments, and only a branch's label target (or a cdna.fallthrough's destination)
// receives values: a conditional branch's fall-through successor takes none.
// RUN: pyhip-opt %s --split-input-file --verify-diagnostics

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%exec : !cdna.exec):
  %z = cdna.s_mov_b32 0 : () -> !cdna.sgpr<1>
  // expected-error @+1 {{cdna.s_branch passes 1 value to ^bb2, which takes 2 arguments}}
  cdna.s_branch ^bb2(%z : !cdna.sgpr<1>)
^bb1:
  cdna.s_endpgm
^bb2(%a : !cdna.sgpr<1>, %b : !cdna.sgpr<1>):
  cdna.s_endpgm
}

// -----

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%exec : !cdna.exec):
  %v = cdna.v_mov_b32 0 implicit(%exec : exec) : () -> !cdna.vgpr<1>
  // expected-error @+1 {{cdna.fallthrough passes a wrong type to ^loop: argument 0 of ^loop is !cdna.sgpr<1>, got !cdna.vgpr<1>}}
  cdna.fallthrough ^loop(%v : !cdna.vgpr<1>)
^loop(%i : !cdna.sgpr<1>):
  cdna.s_endpgm
}

// -----

// A block with arguments entered without values.
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%exec : !cdna.exec):
  // expected-error @+1 {{cdna.fallthrough passes 0 values to ^loop, which takes 1 argument}}
  cdna.fallthrough ^loop
^loop(%i : !cdna.sgpr<1>):
  %c = cdna.s_cmp_eq_u32 %i, 0 implicit() -> (scc) : (!cdna.sgpr<1>) -> ()
  // expected-error @+1 {{cdna.s_cbranch_scc1 passes 0 values to ^loop, which takes 1 argument}}
  cdna.s_cbranch_scc1 ^loop, ^bb2 implicit(%c : scc)
^bb2:
  cdna.s_endpgm
}

// -----

// The fall-through successor of a conditional branch never takes arguments.
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%exec : !cdna.exec):
  %z = cdna.s_mov_b32 0 : () -> !cdna.sgpr<1>
  %c = cdna.s_cmp_eq_u32 %z, 0 implicit() -> (scc) : (!cdna.sgpr<1>) -> ()
  // expected-error @+1 {{cdna.s_cbranch_scc1 falls through to ^next, which takes 1 argument: only the branch target receives values}}
  cdna.s_cbranch_scc1 ^done(%z : !cdna.sgpr<1>), ^next implicit(%c : scc)
^next(%x : !cdna.sgpr<1>):
  cdna.s_endpgm
^done(%y : !cdna.sgpr<1>):
  cdna.s_endpgm
}

// -----

// ... and cannot be given any in the syntax either.
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%exec : !cdna.exec):
  %z = cdna.s_mov_b32 0 : () -> !cdna.sgpr<1>
  %c = cdna.s_cmp_eq_u32 %z, 0 implicit() -> (scc) : (!cdna.sgpr<1>) -> ()
  // expected-error @+1 {{cdna.s_cbranch_scc1: only the branch target takes block arguments, not the fall-through successor}}
  cdna.s_cbranch_scc1 ^done, ^next(%z : !cdna.sgpr<1>) implicit(%c : scc)
^next(%x : !cdna.sgpr<1>):
  cdna.s_endpgm
^done:
  cdna.s_endpgm
}

// -----

// Allocated registers are part of the type: a value in s5 does not reach an argument
// in s4 without a copy.
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%exec : !cdna.exec):
  %z = cdna.s_mov_b32 0 : () -> !cdna.sgpr<s5>
  // expected-error @+1 {{argument 0 of ^bb1 is !cdna.sgpr<s4>, got !cdna.sgpr<s5>}}
  cdna.s_branch ^bb1(%z : !cdna.sgpr<s5>)
^bb1(%i : !cdna.sgpr<s4>):
  cdna.s_endpgm
}

// -----

cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%exec : !cdna.exec):
  %z = cdna.s_mov_b32 0 : () -> !cdna.sgpr<1>
  // expected-error @+1 {{2 block argument value(s) but 1 type(s)}}
  cdna.s_branch ^bb1(%z, %z : !cdna.sgpr<1>)
^bb1(%i : !cdna.sgpr<1>):
  cdna.s_endpgm
}
