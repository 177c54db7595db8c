"""Reusable widgets of the kb app."""
