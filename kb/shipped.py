"""What a wheel ships besides the content: the index of the shipped content and an empty
progress store, both made when the wheel is built (``hatch_build.py`` calls :func:`build`).
A first start copies them instead of parsing every content file and running the store's
migrations; nothing here is trusted further than a copy of them would be.

* The index is the same cache the refresh builds, for the shipped content root alone.
  Copied, its file paths are moved to where the content is now, and every file whose
  bytes hash as recorded gets its new size and mtime; a file that differs (content edited
  in a checkout since the build) keeps its old fingerprint, so the usual refresh parses it.
* The store is one the migrations made at their head, with no rows. It is used only when
  the migrations it came from are the ones this kb has (their digest is in the manifest).

Standard library only: a first start must not pay for SQLAlchemy or pydantic here.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from kb.index.current import STAMP, disk_files, display_path, source_digest

SHIPPED_DIR = Path(__file__).resolve().parent / "_shipped"
INDEX_FILE = "index.sqlite"
STORE_FILE = "progress.sqlite"
MANIFEST_FILE = "manifest.json"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "progress" / "migrations" / "versions"


def migrations_digest() -> str:
    """The store's migrations as they are in this kb (names and bytes)."""
    h = hashlib.sha256()
    for path in sorted(MIGRATIONS_DIR.glob("[0-9]*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _manifest(shipped: Path) -> dict:
    try:
        data = json.loads((shipped / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _install(source: Path, target: Path) -> bool:
    """Copy ``source`` to ``target`` unless ``target`` exists; a second process starting
    at the same moment finds the first one's copy whole (link, never overwrite)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.link(tmp, target)
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)


def seed_index(target: Path, roots: list[Path], shipped: Path = SHIPPED_DIR) -> bool:
    """Start the index at ``target`` from the shipped one when it does not exist yet and
    ``roots`` is exactly the shipped content root. True when it was seeded; any failure
    leaves no file behind, and the caller builds the index as before."""
    manifest = _manifest(shipped)
    source = shipped / INDEX_FILE
    built_root = manifest.get("content_root")
    if (target.exists() or len(roots) != 1 or manifest.get("stamp") != STAMP or not isinstance(built_root, str)
            or not source.is_file()):
        return False
    root = roots[0]
    try:
        if not _install(source, target):
            return True  # another process seeded it
        _move(target, Path(built_root), root)
    except (OSError, sqlite3.Error):
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.remove(f"{target}{suffix}")
            except OSError:
                pass
        return False
    return True


def _move(index: Path, old_root: Path, root: Path) -> None:
    """Point the copied index's files at ``root`` and take the fingerprints of those whose
    bytes are the recorded ones."""
    disk = disk_files([root])
    old_prefix, new_prefix = str(old_root), str(root)
    con = sqlite3.connect(index, isolation_level=None)
    try:
        con.execute("PRAGMA busy_timeout=10000")
        con.execute("BEGIN IMMEDIATE")
        rows = con.execute("SELECT id, path, display, sha256 FROM source_files").fetchall()
        for file_id, old_path, old_display, sha in rows:
            if not old_path.startswith(old_prefix):
                continue
            path = new_prefix + old_path[len(old_prefix):]
            display = display_path(Path(path))
            found = disk.get(path)
            size, mtime = -1, -1  # not on disk, or changed: the refresh will look at it
            if found is not None:
                try:
                    raw = Path(path).read_bytes()
                except OSError:
                    raw = None
                if raw is not None and source_digest(Path(path), raw) == sha:
                    size, mtime = found[1], found[2]
            con.execute("UPDATE source_files SET path = ?, display = ?, size = ?, mtime_ns = ? WHERE id = ?",
                        (path, display, size, mtime, file_id))
            con.execute("UPDATE problems SET path = ? WHERE path = ?", (display, old_display))
            con.execute("UPDATE entries SET sort_key = substr(sort_key, 1, 5) || ? WHERE file_id = ?",
                        (path, file_id))
        con.execute("COMMIT")
    finally:
        con.close()


def seed_store(target: Path, shipped: Path = SHIPPED_DIR) -> bool:
    """Create the progress store at ``target`` (which does not exist) from the shipped
    empty one, when it was made by this kb's migrations."""
    source = shipped / STORE_FILE
    if target.exists() or not source.is_file() or _manifest(shipped).get("migrations") != migrations_digest():
        return False
    try:
        return _install(source, target)
    except OSError:
        return False


def build(shipped: Path, content_root: Path) -> None:
    """Make the shipped index and empty store in ``shipped`` (the wheel's build hook).
    Imports the whole of kb's index and store code: build time only. The files are made
    beside it and moved in whole, the manifest last, so that a kb starting meanwhile
    copies either the old set or the new one."""
    from kb.index.build import open_index, refresh
    from kb.progress.store import ProgressStore

    shipped.mkdir(parents=True, exist_ok=True)
    root = content_root.resolve()
    with tempfile.TemporaryDirectory(prefix=".shipped-", dir=shipped.parent) as tmp:
        work = Path(tmp)
        engine, _ = open_index(work / INDEX_FILE)
        try:
            stats = refresh(engine, [root], rebuilt=True)
        finally:
            engine.dispose()
        (work / STORE_FILE).touch()  # an empty file: made by the migrations, never seeded from an older build
        ProgressStore("sqlite:///" + str(work / STORE_FILE), learner="kb").close()
        for name in (INDEX_FILE, STORE_FILE):  # one self-contained file each
            con = sqlite3.connect(work / name, isolation_level=None)
            try:
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                con.execute("PRAGMA journal_mode=DELETE")
                con.execute("VACUUM")
            finally:
                con.close()
        manifest = {"stamp": STAMP, "content_root": str(root), "files": stats.files,
                    "migrations": migrations_digest()}
        (work / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        for name in (INDEX_FILE, STORE_FILE, MANIFEST_FILE):
            os.replace(work / name, shipped / name)
