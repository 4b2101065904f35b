"""The kit's rules as pure functions (no widgets, files or database)."""
