// Every parsed op and block argument carries the file:line:col of its first token
// (shown by --print-debuginfo); an explicit loc(...) wins.
// RUN: pyhip-opt %s --print-debuginfo | filecheck %s

// CHECK: cdna.kernel @k {{.*}} {
// CHECK-NEXT: ^entry(%tid: !cdna.vgpr<1> loc("{{.*}}locations.mlir":[[# @LINE + 4]]:8), %exec: !cdna.exec loc("{{.*}}locations.mlir":[[# @LINE + 4]]:30)):
// CHECK-NEXT: %a = cdna.v_add_u32 5, %tid {{.*}} loc("{{.*}}locations.mlir":[[# @LINE + 5]]:3)
// CHECK-NEXT: %b = {{.*}} loc("kernel.py":12:4)
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%tid : !cdna.vgpr<1>, %exec : !cdna.exec):
  // The op's location is its first token, even when it spans two lines.
  %a = cdna.v_add_u32 5, %tid implicit(%exec : exec)
       : (!cdna.vgpr<1>) -> !cdna.vgpr<1>
  %b = cdna.v_add_u32 6, %tid implicit(%exec : exec) : (!cdna.vgpr<1>) -> !cdna.vgpr<1> loc("kernel.py":12:4)
  // CHECK-NEXT: cdna.s_endpgm loc("{{.*}}locations.mlir":[[# @LINE + 1]]:5)
    cdna.s_endpgm
// CHECK-NEXT: } loc("{{.*}}locations.mlir":9:1)
}
