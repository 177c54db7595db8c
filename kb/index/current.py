"""Is the index current? A stat of every content file against the fingerprints the
index recorded, and its version stamp: no content is read, nothing heavy is imported
(the standard library only), so every read of the index can afford to ask.

What is here is also what the refresh (``kb.index.build``) uses to list the files and
name the index, so the question and the refresh cannot drift apart.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from kb import __version__

# Bump when the index models, the searchable text or the content schema change in a way
# that old rows would not match: the index is then rebuilt from the files.
INDEX_VERSION = "4"
STAMP = f"{INDEX_VERSION}/{__version__}"

# The folder each kind lives in under a content root (the same as ``kb.schema.FOLDERS``,
# which imports pydantic; a test keeps the two equal).
FOLDERS: dict[str, str] = {
    "concept": "concepts", "faq": "faqs", "tool": "tools", "application": "applications",
    "quiz": "quizzes", "exercise": "exercises", "path": "paths",
}
EXERCISE_FILE = "exercise.yaml"
CODE_FIELDS = ("starter", "solution")  # each read from <field>.py
MUTANTS_DIR = "mutants"
TAGS_FILE = "tags.yaml"  # a root's tag labels (not an entry: read beside the index, not into it)


@dataclass
class RefreshStats:
    files: int = 0
    parsed: int = 0
    removed: int = 0
    rebuilt: bool = False
    changed_ids: set[str] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return bool(self.parsed or self.removed or self.rebuilt)


def index_path(roots: list[Path], cache: Path) -> Path:
    """One index per set of content roots, so packs used now and then do not make each
    other's index rebuild."""
    key = hashlib.sha256("\n".join(str(r) for r in roots).encode()).hexdigest()[:16]
    return cache / f"index-{key}.sqlite"


def remove_index(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(f"{path}{suffix}")
        except FileNotFoundError:
            pass


class _Stat(NamedTuple):
    st_size: int
    st_mtime_ns: int


class FolderEntry:
    """An exercise folder as the index's refresh sees one file: stat() sums the sizes
    and takes the newest mtime of exercise.yaml, the code files and mutants/ (whose
    own mtime changes when a mutant is added or removed)."""

    def __init__(self, folder: str):
        self.name = os.path.basename(folder)
        self.path = os.path.join(folder, EXERCISE_FILE)
        self._folder = folder

    def stat(self) -> _Stat:
        main = os.stat(self.path)  # raises when there is no exercise.yaml: nothing to index
        size, mtime = main.st_size, main.st_mtime_ns
        for name in [f"{f}.py" for f in CODE_FIELDS] + [MUTANTS_DIR]:
            try:
                st = os.stat(os.path.join(self._folder, name))
            except OSError:
                continue
            size += st.st_size if name != MUTANTS_DIR else 0
            mtime = max(mtime, st.st_mtime_ns)
        return _Stat(size, mtime)


def content_entries(root: Path) -> list[os.DirEntry | FolderEntry]:
    """The YAML files of a content root, in the kind folders, sorted for stable order:
    folders by name, then files by name, the order the index breaks id clashes in. In
    ``exercises/`` each sub-folder is one exercise (its ``exercise.yaml``); a folder
    sorts before a single file of the same id (``relu`` < ``relu.yaml``)."""
    files: list[os.DirEntry | FolderEntry] = []
    for folder in sorted(FOLDERS.values()):
        try:
            with os.scandir(root / folder) as it:
                found: list[os.DirEntry | FolderEntry] = []
                for e in it:
                    if e.name.endswith((".yaml", ".yml")) and e.is_file():
                        found.append(e)
                    elif folder == FOLDERS["exercise"] and e.is_dir() and not e.name.startswith((".", "_")):
                        found.append(FolderEntry(e.path))
        except OSError:  # missing, or unreadable: the folder contributes nothing
            continue
        files += sorted(found, key=lambda e: e.name)
    return files


def disk_files(roots: list[Path]) -> dict[str, tuple[int, int, int]]:
    """path → (root order, size, mtime_ns) for every content file; a stat each, no more."""
    out: dict[str, tuple[int, int, int]] = {}
    for order, root in enumerate(roots):
        for entry in content_entries(root):
            try:
                st = entry.stat()
            except OSError:
                continue
            out.setdefault(entry.path, (order, st.st_size, st.st_mtime_ns))
    return out


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the index (``mode=ro``: this process cannot change it)."""
    conn = sqlite3.connect(f"{Path(path).as_uri()}?mode=ro", uri=True, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def current_files(conn: sqlite3.Connection, roots: list[Path]) -> int | None:
    """The number of content files when the index on ``conn`` is current for ``roots``
    (its stamp is this version's and every file's size, mtime and root order are the
    ones recorded), else None: a refresh would then have something to do. Raises
    ``sqlite3.DatabaseError`` for a file that is not a usable index."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
    if row is None or row[0] != STAMP:
        return None
    known = {path: (order, size, mtime) for path, order, size, mtime in conn.execute(
        "SELECT path, root_order, size, mtime_ns FROM source_files")}
    disk = disk_files(roots)
    return len(disk) if known == disk else None


def exercise_folder(path: Path) -> Path | None:
    """The folder when ``path`` is ``<root>/exercises/<id>/exercise.yaml``, else None."""
    if path.name == EXERCISE_FILE and path.parent.parent.name == FOLDERS["exercise"]:
        return path.parent
    return None


def mutant_files(folder: Path) -> list[Path]:
    try:
        with os.scandir(folder / MUTANTS_DIR) as it:
            return sorted(Path(e.path) for e in it if e.name.endswith(".py") and e.is_file())
    except OSError:
        return []


def source_digest(path: Path, raw: bytes) -> str:
    """The hash of everything an entry is made of: the YAML bytes, and for an exercise
    folder its code files and the names of its mutants (their count is checked)."""
    h = hashlib.sha256(raw)
    folder = exercise_folder(path)
    if folder is not None:
        for fld in CODE_FIELDS:
            h.update(b"\0" + fld.encode() + b"\0")
            try:
                h.update((folder / f"{fld}.py").read_bytes())
            except OSError as exc:
                h.update(f"<{type(exc).__name__}>".encode())
        h.update(b"\0mutants\0" + "\0".join(m.name for m in mutant_files(folder)).encode())
    return h.hexdigest()


def display_path(path: Path) -> str:
    """A path as problems name it: relative to the working directory when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
