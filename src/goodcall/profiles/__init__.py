"""Customer 360: the import tables, and the one-row-per-customer profile every decision reads."""
