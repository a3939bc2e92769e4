"""The integrating-platform API: an existing platform pushes accounts and content items."""
