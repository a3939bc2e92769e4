"""Outbound delivery: in-app notices, e-mail and signed webhooks (everything leaving the process is a job)."""
