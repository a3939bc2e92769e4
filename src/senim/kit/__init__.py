"""Domain-free helpers: time, ids, crypto primitives. Imports no domain package."""
