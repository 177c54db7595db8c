"""Alembic migrations of the progress store, run programmatically by ``open_store``."""
