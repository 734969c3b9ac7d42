"""Subject access requests and their exports (issue 19)."""
