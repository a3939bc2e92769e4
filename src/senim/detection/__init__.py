"""Detection of unlawful content: normalisation, matchers (terms, Kazakh stems, Russian lemmas, personal
data), rules, signals (LAW-15, LAW-19, LAW-36). Issue 5."""
