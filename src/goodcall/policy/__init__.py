"""Contact policies: who may be contacted, on which channel, and when — with the reason."""
