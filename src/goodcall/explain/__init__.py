"""Explain a decision: a customer's profile, every offer and every channel, with the reasons."""
