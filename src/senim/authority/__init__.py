"""Orders and requests of state bodies, user-data disclosures, reports of measures, user counting
(LAW-10–12, 16–25, 33, 40–44)."""
