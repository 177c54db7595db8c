"""Where kb keeps things: shipped content, content packs, and the user's directories.

``KB_HOME`` puts config, data and cache under one directory (tests use a temp one);
otherwise platformdirs picks the platform's usual places.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

APP = "kb"


def _home() -> Path | None:
    home = os.environ.get("KB_HOME")
    return Path(home).expanduser() if home else None


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """User data (progress, the learner's exercise files). Never deleted by kb."""
    home = _home()
    if home:
        return _ensure(home / "data")
    import platformdirs

    return _ensure(Path(platformdirs.user_data_dir(APP, appauthor=False)))


def cache_dir() -> Path:
    """Derived, rebuildable files (the content index)."""
    home = _home()
    if home:
        return _ensure(home / "cache")
    import platformdirs

    return _ensure(Path(platformdirs.user_cache_dir(APP, appauthor=False)))


def config_dir() -> Path:
    home = _home()
    if home:
        return _ensure(home / "config")
    import platformdirs

    return _ensure(Path(platformdirs.user_config_dir(APP, appauthor=False)))


def shipped_content_dir() -> Path:
    """The shipped knowledge base: the repository's ``content/`` in a checkout or an
    editable install, ``kb/_content`` inside an installed wheel."""
    here = Path(__file__).resolve().parent
    packaged = here / "_content"
    if packaged.is_dir():
        return packaged
    return here.parent / "content"


def content_roots(extra: Sequence[str | os.PathLike[str]] | None = None) -> list[Path]:
    """Shipped content first, then ``KB_CONTENT_PATH`` packs, then ``--content`` packs.

    Order matters: when two roots define the same id, the earlier root wins and the
    clash is reported as a problem.
    """
    roots = [shipped_content_dir()]
    env = os.environ.get("KB_CONTENT_PATH", "")
    roots += [Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()]
    roots += [Path(p).expanduser() for p in (extra or [])]
    seen: set[Path] = set()
    unique = []
    for root in roots:
        resolved = root.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(resolved)
    return unique
