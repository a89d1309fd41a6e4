"""Answers in, one Diagnosis out: validation, scoring, the rules engine, findings."""
