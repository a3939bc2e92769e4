"""Transparency records: the risk register and published reports."""

from __future__ import annotations
