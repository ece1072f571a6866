"""A synthetic Canadian carrier in the import format, for development, demos and evaluation."""
