// Binary input: the first byte that is not text is located.
// RUN: printf 'ok\n\x7fELF\x02\x01\x00\xff\xfe' > %t
// RUN: %expect-exit 1 pyhip-opt %t 2>&1 | filecheck %s
// CHECK: {{.*}}binary-garbage.mlir.tmp:2:7: error: a NUL byte: the input is not UTF-8 text
