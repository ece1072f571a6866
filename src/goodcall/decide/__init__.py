"""The one decision core: profiles in, one decision per customer out, every reason as data."""
