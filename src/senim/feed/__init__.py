"""Feeds (non-profiled, LAW-35) and what a user chose not to see (LAW-52)."""
