"""codegen of pyhip_mlir."""
