"""The job queue: a ``job`` row written in the same transaction as the change that needs it."""

from senim.jobs.registry import JobContext, job, periodic
from senim.jobs.service import enqueue

__all__ = ["JobContext", "enqueue", "job", "periodic"]
