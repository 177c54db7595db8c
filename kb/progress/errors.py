"""The one exception the progress store raises for problems a user can act on."""

from __future__ import annotations


class ProgressStoreError(Exception):
    """The progress store cannot be used as it is: corrupt, written by a newer kb,
    locked by another process for too long, or not reachable. The message says what
    happened and what to do; the file itself is left exactly as it was."""
