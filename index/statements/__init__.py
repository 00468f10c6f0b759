"""Parsed story → statements with speakers: quotations, reported speech, resolution."""
