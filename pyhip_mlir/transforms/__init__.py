"""transforms of pyhip_mlir."""
