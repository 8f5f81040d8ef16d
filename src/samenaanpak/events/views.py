"""Public views of the meetings (filled in by the next commit)."""
