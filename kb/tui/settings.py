"""The learner's interface choices (language, theme), kept in the progress store.

Writing goes through ``ProgressStore.set_setting`` in a worker. Reading at start-up
must not import SQLAlchemy (the first paint comes first), so :func:`peek` reads the two
keys from the local SQLite progress file read-only with the standard library; when the
store is elsewhere (``KB_DATABASE_URL``) or not there yet, it returns nothing and the
values arrive with the store in the loading worker.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

LANG_KEY = "lang"
THEME_KEY = "tui.theme"
DARK, LIGHT = "textual-dark", "textual-light"  # the theme setting holds any Textual theme name


def local_store_path() -> Path | None:
    if os.environ.get("KB_DATABASE_URL", "").strip():
        return None
    from kb.paths import data_dir

    return data_dir() / "progress.sqlite"


def peek(path: Path | None = None) -> dict[str, object]:
    """``{key: value}`` of the interface settings stored in a local progress file."""
    path = path if path is not None else local_store_path()
    if path is None or not path.is_file():
        return {}
    try:
        con = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=0.2)
        try:
            rows = con.execute("SELECT key, value_json FROM settings WHERE key IN (?, ?)",
                               (LANG_KEY, THEME_KEY)).fetchall()
        finally:
            con.close()
        return {k: json.loads(v) for k, v in rows}
    except (sqlite3.Error, ValueError, OSError):
        return {}
