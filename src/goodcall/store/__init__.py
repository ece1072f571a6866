"""The store: the customer 360 tables in SQLite (default) or PostgreSQL, and their import.

Other modules read the store through :mod:`goodcall.store.reader` only; the import
(:mod:`goodcall.store.importer`) is the only writer of customer data.
"""
