"""Language identification, automatic translation into Kazakh, transliteration (LAW-09)."""
