"""The audit tests' store (the story's customer and his copies) and command app."""

from tests.audit.conftest import app, store_url  # noqa: F401
