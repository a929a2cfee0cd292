"""Host-side launch support: kernel argument packing."""
