// Unknown targets and architectures on the command line.
// RUN: %expect-exit 1 pyhip-opt %s -t llvm 2>&1 | filecheck %s --check-prefix=TARGET
// RUN: %expect-exit 1 pyhip-opt %s -t 'asm{arch=gfx1100}' 2>&1 | filecheck %s --check-prefix=ARCH
// RUN: %expect-exit 1 pyhip-opt %s --arch=gfx999 2>&1 | filecheck %s --check-prefix=ARCH2
// RUN: %expect-exit 1 pyhip-opt %s -t 'asm{arch' 2>&1 | filecheck %s --check-prefix=SYNTAX
// TARGET: error: argument -t/--target: invalid choice: 'llvm' (choose from mlir, asm)
// ARCH: <target>:1:10: error: unknown architecture 'gfx1100'; supported: gfx90a, gfx942, gfx950
// ARCH2: <command-line>: error: --arch=gfx999: unknown architecture 'gfx999'
// SYNTAX: <target>:1:9: error: bad target: Expected equals, space or end of arguments here
