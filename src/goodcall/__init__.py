"""goodcall: decide whom to contact, with what, when, how, and whether at all."""

__version__ = "0.1.0"
