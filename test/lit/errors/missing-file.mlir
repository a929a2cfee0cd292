// A missing input file.
// RUN: %expect-exit 1 pyhip-opt %t.does-not-exist.mlir 2>&1 | filecheck %s
// CHECK: {{.*}}missing-file.mlir.tmp.does-not-exist.mlir: error: cannot read input file: No such file or directory
