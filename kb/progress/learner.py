"""Who is learning: the name every progress row belongs to.

``kb --user NAME`` (which sets ``KB_USER`` for this process and the processes it
starts), else ``KB_USER``, else the operating-system user (``getpass.getuser()``).
On one laptop that is simply you; on a shared PostgreSQL store it keeps each learner's
cards, answers, attempts, unlocks, reads and settings apart.

Standard library only: the TUI reads it before SQLAlchemy is imported.
"""

from __future__ import annotations

import getpass
import os

MAX_CHARS = 100  # the learner column is String(100)
FALLBACK = "learner"  # when the OS cannot name its user (no passwd entry, no LOGNAME)


def os_user() -> str:
    try:
        name = getpass.getuser()
    except Exception:  # noqa: BLE001 - KeyError/OSError on a container without a passwd entry
        return FALLBACK
    return name.strip() or FALLBACK


def check_learner(name: object) -> str:
    """The name, stripped, or ValueError saying what a learner name may be."""
    if not isinstance(name, str):
        raise ValueError("a learner name must be text")
    name = name.strip()
    if not name or len(name) > MAX_CHARS or not name.isprintable():
        raise ValueError(f"a learner name (--user / KB_USER) must be 1 to {MAX_CHARS} printable characters")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a learner name (--user / KB_USER) must be valid text") from None
    return name


def current_learner() -> str:
    """``KB_USER`` if set (and not blank), else the OS user."""
    name = os.environ.get("KB_USER", "").strip()
    return check_learner(name) if name else os_user()
