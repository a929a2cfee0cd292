"""Helpers of ``scripts/gen_isa_table.py``: doc parsing, record building, llvm-mc probing."""
