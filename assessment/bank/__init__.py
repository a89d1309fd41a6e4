"""The question bank and the rules: data files loaded and validated, exposed read-only."""
