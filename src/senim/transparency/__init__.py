"""Transparency: statistics, the annual report, the risk register, the public dashboard and open data."""
