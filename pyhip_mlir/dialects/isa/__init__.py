"""The CDNA instruction table (generated data + loader)."""
