// SSA construction: a read uses the last definition of exactly that register range
// in the block; anything else (other width, overwritten by an overlapping write,
// defined in another block) is a cdna.get_reg placed before the reader. Implicit
// exec/scc come from the table and follow their writers the same way.
// REQUIRES: asm-parser
// RUN: pyhip-opt --import-asm %s | filecheck %s

// CHECK:        cdna.kernel @ssa {arch = "gfx942", args = []} {
// CHECK-NEXT:     %[[EXEC:.*]] = cdna.get_reg : !cdna.exec
// CHECK-NEXT:     %[[A:.*]] = cdna.v_mov_b32 1 implicit(%[[EXEC]] : exec) : () -> !cdna.vgpr<v2>
// CHECK-NEXT:     %{{.*}} = cdna.v_add_u32 %[[A]], %[[A]] implicit(%[[EXEC]] : exec) : (!cdna.vgpr<v2>, !cdna.vgpr<v2>) -> !cdna.vgpr<v3>
// CHECK-NEXT:     %[[PAIR:.*]] = cdna.get_reg : !cdna.vgpr<v[2:3]>
// CHECK-NEXT:     %{{.*}} = cdna.v_lshlrev_b64 2, %[[PAIR]] implicit(%[[EXEC]] : exec) : (!cdna.vgpr<v[2:3]>) -> !cdna.vgpr<v[2:3]>
// CHECK-NEXT:     %[[V2:.*]] = cdna.get_reg : !cdna.vgpr<v2>
// CHECK-NEXT:     %{{.*}} = cdna.v_add_u32 %[[V2]], %[[V2]] implicit(%[[EXEC]] : exec)
// CHECK-NEXT:     %[[VCC:.*]] = cdna.get_reg : !cdna.vcc
// CHECK-NEXT:     %{{.*}}, %[[EXEC2:.*]], %{{.*}} = cdna.s_and_saveexec_b64 %[[VCC]] implicit(%[[EXEC]] : exec) -> (exec, scc)
// CHECK-NEXT:     %{{.*}} = cdna.v_mov_b32 0 implicit(%[[EXEC2]] : exec)
// CHECK-NEXT:     %[[S2:.*]] = cdna.get_reg : !cdna.sgpr<s2>
// CHECK-NEXT:     %[[SCC:.*]] = cdna.s_cmp_eq_u32 %[[S2]], 0 implicit() -> (scc)
// CHECK-NEXT:     cdna.s_cbranch_scc1 ^[[T:bb[0-9]+]], ^[[F:bb[0-9]+]] implicit(%[[SCC]] : scc)
// CHECK-NEXT:   ^[[F]]:
// CHECK-NEXT:     %[[V3:.*]] = cdna.get_reg : !cdna.vgpr<v3>
// CHECK-NEXT:     %[[E3:.*]] = cdna.get_reg : !cdna.exec
// CHECK-NEXT:     %{{.*}} = cdna.v_mov_b32 %[[V3]] implicit(%[[E3]] : exec)
// CHECK-NEXT:     cdna.fallthrough ^[[T]]
// CHECK-NEXT:   ^[[T]]:
// CHECK-NEXT:     cdna.s_endpgm

	.type	ssa,@function
ssa:
	v_mov_b32 v2, 1
	v_add_u32 v3, v2, v2          ; v2: the v_mov result
	v_lshlrev_b64 v[2:3], 2, v[2:3] ; the pair was never written as a pair: get_reg
	v_add_u32 v4, v2, v2          ; v2 was overwritten by v[2:3]: get_reg
	s_and_saveexec_b64 s[0:1], vcc
	v_mov_b32 v5, 0               ; reads the exec written by s_and_saveexec_b64
	s_cmp_eq_u32 s2, 0
	s_cbranch_scc1 .Ltaken
	v_mov_b32 v6, v3              ; another block: get_reg v3 and exec
.Ltaken:
	s_endpgm
