"""Advertising records: advertisers, campaigns, creatives, reviews, impressions in aggregate, the repository."""

from __future__ import annotations
