// Pipeline syntax errors are located in the pipeline text.
// RUN: %expect-exit 1 pyhip-opt %s --pass-pipeline='builtin.module(cse,,dce)' 2>&1 | filecheck %s
// RUN: %expect-exit 1 pyhip-opt %s --pass-pipeline='builtin.module(cse' 2>&1 | filecheck %s --check-prefix=OPEN
// RUN: %expect-exit 1 pyhip-opt %s -p 'cse{max=' 2>&1 | filecheck %s --check-prefix=OPT
// CHECK: <pass-pipeline>:1:20: error: bad pass pipeline: expected pass name here
// OPEN: <pass-pipeline>:1:19: error: 'builtin.module(' is not closed
// OPT: <pass-pipeline>:1:9: error: bad pass pipeline:
