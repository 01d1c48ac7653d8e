"""Orders arrive with issue 5."""
