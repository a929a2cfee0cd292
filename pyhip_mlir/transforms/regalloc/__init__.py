"""``regalloc-linear-scan``: the register allocator (see ``allocate`` for the steps)."""
