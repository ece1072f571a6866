"""Arbitration: the best (offer, channel) per customer, or none, under global capacity limits."""
