"""The learner's interface choices (language, theme), kept in the progress store.

Writing goes through ``ProgressStore.set_setting`` in a worker; reading at start-up
goes through ``kb.progress.peek`` so that the first paint needs no SQLAlchemy.
"""

from __future__ import annotations

from pathlib import Path

from kb.progress.peek import peek_settings

LANG_KEY = "lang"
THEME_KEY = "tui.theme"
DARK, LIGHT = "textual-dark", "textual-light"  # the theme setting holds any Textual theme name


def peek(path: Path | None = None) -> dict[str, object]:
    """``{key: value}`` of the interface settings stored in a local progress file."""
    return peek_settings((LANG_KEY, THEME_KEY), path)
