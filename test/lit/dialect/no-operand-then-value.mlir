// An instruction without source operands (s_barrier) followed by a line defining a
// value: the next line's `%x` is not taken as the barrier's operand.
// RUN: pyhip-opt %s | pyhip-opt | filecheck %s

// CHECK: cdna.s_barrier
// CHECK-NEXT: %i0 = cdna.s_mov_b32 0 : () -> !cdna.sgpr<1>
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%exec : !cdna.exec):
  cdna.s_barrier
  %i0 = cdna.s_mov_b32 0 : () -> !cdna.sgpr<1>
  cdna.s_endpgm
}
