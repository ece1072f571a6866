"""Audit a call list from any system: every blunder, with the rule and the evidence."""
