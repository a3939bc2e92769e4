"""The hash-chained, append-only audit log: ``record`` in the same transaction as the change."""

from senim.audit.service import Actor, record, verify

__all__ = ["Actor", "record", "verify"]
