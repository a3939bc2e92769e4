"""Public communities (DEF-08) and community moderators (DEF-09)."""
