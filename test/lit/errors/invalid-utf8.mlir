// Latin-1 text is not UTF-8: located at the first bad byte.
// RUN: printf '// caf\xe9\n' > %t
// RUN: %expect-exit 1 pyhip-opt %t 2>&1 | filecheck %s
// CHECK: {{.*}}invalid-utf8.mlir.tmp:1:7: error: invalid UTF-8 byte 0xe9: the input is not UTF-8 text
