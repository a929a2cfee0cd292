"""tools of pyhip_mlir."""
