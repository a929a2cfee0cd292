"""Dialects of pyhip_mlir."""
