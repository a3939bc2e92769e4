"""Personal data protection (issue 8): consent, subject requests, breaches, retention, data location."""
