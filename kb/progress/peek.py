"""Reading settings without SQLAlchemy, for the TUI's first frame.

The app paints before SQLAlchemy is imported, yet should paint in the learner's saved
language and theme. This reads the given keys from the local SQLite progress file with
the standard library, read-only; when the store is elsewhere (``KB_DATABASE_URL``) or
does not exist yet, it returns nothing and the values arrive when the store opens.
Settings are the current learner's (``--user`` / ``KB_USER`` / the OS user).
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote


def local_path() -> Path | None:
    """The local progress file, or None when ``KB_DATABASE_URL`` points elsewhere."""
    if os.environ.get("KB_DATABASE_URL", "").strip():
        return None
    from kb.paths import data_dir

    return data_dir() / "progress.sqlite"


def peek_settings(keys: tuple[str, ...], path: Path | None = None,
                  learner: str | None = None) -> dict[str, object]:
    path = path if path is not None else local_path()
    if path is None or not path.is_file() or not keys:
        return {}
    try:
        from kb.progress.learner import current_learner

        learner = learner if learner is not None else current_learner()
        con = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=0.2)
        try:
            marks = ", ".join("?" for _ in keys)
            columns = {r[1] for r in con.execute("PRAGMA table_info(settings)")}
            if "learner" in columns:
                rows = con.execute(f"SELECT key, value_json FROM settings WHERE learner = ? AND key IN ({marks})",
                                   (learner, *keys)).fetchall()
            else:  # a store before revision 0003: one learner's, upgraded when it opens
                rows = con.execute(f"SELECT key, value_json FROM settings WHERE key IN ({marks})", keys).fetchall()
        finally:
            con.close()
        return {k: json.loads(v) for k, v in rows}
    except (sqlite3.Error, ValueError, OSError):
        return {}
