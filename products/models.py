"""Products arrive with issue 3."""
