"""The progress store: the learner's own data (FSRS cards, the full review log,
exercise attempts and unlocks, settings) in one SQLite file, or PostgreSQL via
``KB_DATABASE_URL``.

    from kb.progress import open_store
    store = open_store()              # migrates on open; ProgressStoreError if unusable
    store.learner                     # whose rows: --user / KB_USER / the OS user

Every row belongs to a learner and every query is filtered by it, so a class can share
one PostgreSQL database (``kb.progress.classroom`` reads the whole class for the teacher).

Importing this package is cheap: SQLAlchemy is loaded only when a name that needs it
is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kb.progress.errors import ProgressStoreError

if TYPE_CHECKING:  # pragma: no cover
    from kb.progress.records import Attempt, CardState, Review, ReviewOutcome
    from kb.progress.store import ProgressStore, default_url, open_store

__all__ = [
    "Attempt",
    "CardState",
    "ProgressStore",
    "ProgressStoreError",
    "Review",
    "ReviewOutcome",
    "default_url",
    "open_store",
]

_LAZY = {"open_store", "ProgressStore", "default_url"}
# The records' dataclasses too (~2 ms): the app's first paint reads settings through
# kb.progress.peek, which needs none of them.
_RECORDS = {"Attempt", "CardState", "Review", "ReviewOutcome"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from kb.progress import store

        return getattr(store, name)
    if name in _RECORDS:
        from kb.progress import records

        return getattr(records, name)
    raise AttributeError(f"module 'kb.progress' has no attribute {name!r}")
