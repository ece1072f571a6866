"""Thin routers: parse, authorise, call the layer that does the work, shape the answer."""
