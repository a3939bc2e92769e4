"""Escalation of content that threatens life or safety to law enforcement, and evidence preservation
(LAW-19)."""
