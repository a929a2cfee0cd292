// An unknown pass name: the diagnostic lists the known passes.
// RUN: %expect-exit 1 pyhip-opt %s --pass-pipeline='builtin.module(cse,frobnicate)' 2>&1 | filecheck %s
// RUN: %expect-exit 1 pyhip-opt %s -p frobnicate 2>&1 | filecheck %s --check-prefix=SHORT
// CHECK: <pass-pipeline>:1:20: error: unknown pass 'frobnicate'; known passes: {{.*}}canonicalize, cse, dce, {{.*}}verify-isa
// CHECK-NEXT: builtin.module(cse,frobnicate)
// SHORT: <pass-pipeline>:1:1: error: unknown pass 'frobnicate'; known passes: {{.*}}cse, dce
