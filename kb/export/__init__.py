"""Exporting the knowledge base to other study tools (``kb export``)."""
