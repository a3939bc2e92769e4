"""Moderation: queues, cases, decisions with statements of reasons, strikes and appeals (LAW-09a, 15, 49)."""
