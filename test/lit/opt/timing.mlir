// --mlir-timing: a wall-time table on stderr (parser, verifier, each pass, output).
// RUN: pyhip-opt %s -p cse,dce --mlir-timing 2>&1 >/dev/null | filecheck %s

// CHECK: ... Execution time report ...
// CHECK: Total Execution Time: {{[0-9.]+}} seconds
// CHECK: ----Wall Time----  ----Name----
// CHECK-NEXT: {{[0-9.]+}} ({{ *[0-9.]+}}%)  Parser
// CHECK-NEXT: {{[0-9.]+}} ({{ *[0-9.]+}}%)  Verifier
// CHECK-NEXT: {{[0-9.]+}} ({{ *[0-9.]+}}%)  cse
// CHECK-NEXT: {{[0-9.]+}} ({{ *[0-9.]+}}%)  dce
// CHECK-NEXT: {{[0-9.]+}} ({{ *[0-9.]+}}%)  Output
// CHECK-NEXT: {{[0-9.]+}} (100.0%)  Total
cdna.kernel @k {arch = "gfx942", args = []} {
^entry(%exec : !cdna.exec):
  cdna.s_endpgm
}
