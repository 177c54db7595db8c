"""The progress store's schema revisions, without SQLAlchemy: opening a store that is
already current reads its revision with the standard library and compares it here.

Every revision this code knows, oldest first. A test checks it against the Alembic
scripts in ``kb/progress/migrations/versions``.
"""

REVISIONS: tuple[str, ...] = ("0001", "0002", "0003")
HEAD = REVISIONS[-1]
