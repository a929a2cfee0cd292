// An empty file (or one with only comments) is an empty module, not an error.
// RUN: printf '' > %t
// RUN: pyhip-opt %t | filecheck %s
// RUN: pyhip-opt %s | filecheck %s
// RUN: printf '' | pyhip-opt - | filecheck %s
// CHECK: builtin.module {
// CHECK-NEXT: }
