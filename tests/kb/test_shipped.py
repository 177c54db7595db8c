"""The index and the empty store a wheel ships (kb/shipped.py): a first start copies them,
moves the index's files to where the content is, and ends with what building from the
files would give; anything that does not fit is not used, and the old way runs."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from kb.catalog import Catalog
from kb.shipped import INDEX_FILE, MANIFEST_FILE, STORE_FILE, build, seed_index, seed_store

PACK = Path(__file__).parent / "fixtures" / "pack"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    """What the build hook makes, from a copy of the fixture pack at a build-time path."""
    base = tmp_path_factory.mktemp("build")
    content = base / "content"
    shutil.copytree(PACK, content)
    out = base / "_shipped"
    build(out, content)
    return out


def _pack(tmp_path: Path) -> Path:
    """The same content installed somewhere else, as a wheel's kb/_content is."""
    root = tmp_path / "site" / "kb" / "_content"
    shutil.copytree(PACK, root)
    return root.resolve()


def _answers(cat: Catalog) -> tuple:
    hits = [(h.id, h.kind) for h in cat.search("relu")]
    return (hits, [s.id for s in cat.list()], cat.counts(), cat.raw("relu"), cat.quiz_item_ids(),
            [str(p) for p in cat.problems()], cat.backlinks("relu"))


def test_a_seeded_index_is_current_and_answers_as_a_built_one(shipped, tmp_path):
    root = _pack(tmp_path)
    target = tmp_path / "cache" / "index.sqlite"
    assert seed_index(target, [root], shipped)
    seeded = Catalog([root], target)
    assert seeded._current() == json.loads((shipped / MANIFEST_FILE).read_text())["files"]
    built = Catalog([root], tmp_path / "built.sqlite")
    built.refresh()
    assert _answers(seeded) == _answers(built)
    paths = {r[0] for r in sqlite3.connect(target).execute("SELECT path FROM source_files")}
    assert paths and all(p.startswith(str(root)) for p in paths)  # moved to where the content is
    seeded.close()
    built.close()


def test_a_file_edited_since_the_build_is_parsed_again_and_only_it(shipped, tmp_path):
    root = _pack(tmp_path)
    relu = root / "concepts" / "relu.yaml"
    relu.write_text(relu.read_text(encoding="utf-8").replace("Cheap to compute.", "Cheap as Zanzibar."),
                    encoding="utf-8")
    target = tmp_path / "index.sqlite"
    assert seed_index(target, [root], shipped)
    cat = Catalog([root], target)
    assert cat._current() is None  # not current: the refresh looks at the edited file
    stats = cat.refresh()
    assert stats.parsed == 1 and [h.id for h in cat.search("zanzibar")] == ["relu"]
    assert cat._current() is not None
    cat.close()


def test_what_does_not_fit_is_not_used_and_leaves_nothing_behind(shipped, tmp_path):
    root = _pack(tmp_path)
    target = tmp_path / "index.sqlite"
    assert not seed_index(target, [root, root], shipped)  # not the shipped content alone
    broken = tmp_path / "broken"
    shutil.copytree(shipped, broken)
    (broken / INDEX_FILE).write_bytes(b"not an index at all" * 100)
    assert not seed_index(target, [root], broken) and not target.exists()
    stale = tmp_path / "stale"
    shutil.copytree(shipped, stale)
    manifest = json.loads((stale / MANIFEST_FILE).read_text())
    (stale / MANIFEST_FILE).write_text(json.dumps({**manifest, "stamp": "0/0"}))
    assert not seed_index(target, [root], stale) and not target.exists()
    assert not seed_index(target, [root], tmp_path / "nothing-shipped")
    assert list(tmp_path.glob(".index.sqlite.*")) == []  # no temporary copy left
    target.write_bytes(b"")
    assert not seed_index(target, [root], shipped)  # an existing file is never replaced
    assert target.read_bytes() == b""


def _schema(path: Path) -> list:
    con = sqlite3.connect(path)
    try:
        return sorted(con.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))
    finally:
        con.close()


def test_the_shipped_store_is_the_migrations_head_with_no_rows(shipped, tmp_path, monkeypatch):
    from kb.progress import open_store

    target = tmp_path / "data" / "progress.sqlite"
    assert seed_store(target, shipped)
    migrated = tmp_path / "migrated.sqlite"
    monkeypatch.setattr("kb.shipped.SHIPPED_DIR", tmp_path / "nothing-shipped")  # the migrations, not a copy
    open_store("sqlite:///" + str(migrated), learner="ada").close()
    assert _schema(target) == _schema(migrated)
    con = sqlite3.connect(target)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    rows = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables if t != "alembic_version"}
    con.close()
    assert set(rows.values()) == {0}
    with open_store("sqlite:///" + str(target), learner="ada") as store:  # used as it is
        store.record_attempt("relu", "pass", 1.0, 0, False)
        assert store.exercise_statuses() == {"relu": "passed"}
    assert not seed_store(target, shipped)  # never over an existing store


def test_a_store_from_other_migrations_is_not_used(shipped, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(shipped, other)
    manifest = json.loads((other / MANIFEST_FILE).read_text())
    (other / MANIFEST_FILE).write_text(json.dumps({**manifest, "migrations": "0" * 64}))
    assert not seed_store(tmp_path / "progress.sqlite", other)
    assert not (tmp_path / "progress.sqlite").exists()
    assert (other / STORE_FILE).exists()
