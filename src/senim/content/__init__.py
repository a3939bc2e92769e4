"""Posts, comments and their images."""
