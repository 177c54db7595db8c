"""The derived SQLite index: full build, incremental refresh by fingerprint, rebuild on
corruption or a stamp mismatch, id clashes between roots, and the catalog's queries."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

import kb.index.build as build
from kb.catalog import Catalog
from kb.content import load_roots
from kb.index.models import EntryRow, LinkRow, SourceFile, TagRow

PACK_ENTRIES = 17  # fixtures/pack
SHIPPED_ENTRIES = 1  # fixtures/shipped


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The file names the index parses, in order."""
    seen: list[str] = []
    real = build.load_file

    def spy(path, rel=None, **kw):
        seen.append(Path(path).name)
        return real(path, rel, **kw)

    monkeypatch.setattr(build, "load_file", spy)
    return seen


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The content files whose bytes are read."""
    seen: list[str] = []
    real = Path.read_bytes

    def spy(self):
        if self.suffix == ".yaml":
            seen.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    return seen


def open_cat(*packs: Path) -> Catalog:
    return Catalog.open([str(p) for p in packs])


def bump_mtime(path: Path, seconds: int = 5) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    bump_mtime(path)  # a coarse file-system clock must not hide the edit


def test_full_build(pack, kb_home, parsed):
    cat = open_cat(pack)
    st = cat.last_refresh
    assert st.rebuilt and st.files == st.parsed == PACK_ENTRIES + SHIPPED_ENTRIES
    assert len(parsed) == st.files
    assert sum(cat.counts().values()) == PACK_ENTRIES + SHIPPED_ENTRIES
    assert cat.counts() == {"application": 1, "concept": 10, "faq": 3, "path": 1, "quiz": 1, "tool": 2}
    assert cat.db_path.parent == kb_home / "cache"
    assert cat.get("relu").title.en == "ReLU (rectified linear unit)"
    assert {str(p.message) for p in cat.problems()} == {"no zh text", "no en text"}


def test_no_change_refresh_only_stats(pack, parsed, reads):
    open_cat(pack).close()
    parsed.clear(), reads.clear()
    cat = open_cat(pack)
    st = cat.last_refresh
    assert (st.parsed, st.removed, st.rebuilt, st.changed) == (0, 0, False, False)
    assert parsed == [] and reads == []
    assert cat.get("relu") is not None


def test_one_changed_file_is_parsed_alone(pack, parsed):
    cat = open_cat(pack)
    edit(pack / "concepts" / "relu.yaml", "ReLU (rectified linear unit)", "Rectifier")
    parsed.clear()
    st = cat.refresh()
    assert parsed == ["relu.yaml"]
    assert (st.parsed, st.removed, st.changed_ids) == (1, 0, {"relu"})
    assert cat.get("relu").title.en == "Rectifier"
    assert [h.id for h in cat.search("rectifier")] == ["relu"]
    assert cat.search("rectified") == []  # the old text left the FTS index too


def test_touched_file_with_the_same_bytes_is_not_parsed(pack, parsed, reads):
    cat = open_cat(pack)
    bump_mtime(pack / "concepts" / "relu.yaml")
    parsed.clear(), reads.clear()
    st = cat.refresh()
    assert (st.parsed, st.changed) == (0, False)
    assert parsed == [] and reads == ["relu.yaml"]  # hashed, found equal
    reads.clear()
    cat.refresh()
    assert reads == []  # the new mtime was recorded


def test_deleted_file_disappears_with_its_rows(pack):
    cat = open_cat(pack)
    assert cat.get("dropout") is not None
    (pack / "concepts" / "dropout.yaml").unlink()
    st = cat.refresh()
    assert (st.parsed, st.removed, st.changed_ids) == (0, 1, {"dropout"})
    assert cat.get("dropout") is None
    assert "dropout" not in [h.id for h in cat.search("dropout")]
    assert [b.src.id for b in cat.backlinks("overfitting")] == ["how-to-prevent-overfitting"]
    with Session(cat.engine) as s:
        assert s.scalar(select(SourceFile.id).where(SourceFile.path.like("%dropout.yaml"))) is None
        assert s.scalars(select(TagRow.tag).where(TagRow.tag == "regularization")).all() == []
    # the links into it are now dangling
    assert any("'dropout' is not the id of any entry" in p.message for p in cat.problems())


def test_added_file_is_parsed_and_linked(pack, parsed, write, concept):
    cat = open_cat(pack)
    assert not any(p.field == "prerequisites" for p in cat.problems())
    write(pack, "concepts/leaky-relu.yaml", concept("leaky-relu", en="Leaky ReLU", extra="related: [relu]\n"))
    parsed.clear()
    st = cat.refresh()
    assert parsed == ["leaky-relu.yaml"] and st.changed_ids == {"leaky-relu"}
    assert "leaky-relu" in [b.src.id for b in cat.backlinks("relu")]


def test_a_file_that_breaks_and_is_fixed(pack):
    cat = open_cat(pack)
    path = pack / "concepts" / "sigmoid.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text("id: sigmoid\nkind: [\n", encoding="utf-8")
    bump_mtime(path)
    cat.refresh()
    assert cat.get("sigmoid") is None
    assert [p.message for p in cat.problems() if p.path.endswith("sigmoid.yaml")] == [
        "YAML syntax error: while parsing a flow node at 3:1, did not find expected node content"]
    assert cat.get("relu") is not None  # one bad file never stops the others
    path.write_text(good, encoding="utf-8")
    bump_mtime(path, 10)
    cat.refresh()
    assert cat.get("sigmoid") is not None
    assert not [p for p in cat.problems() if p.path.endswith("sigmoid.yaml")]


def test_index_problems_match_validate(pack, shipped, write, concept):
    write(pack, "concepts/broken.yaml", "id: broken\nkind: concept\ntitle: oops\n")
    write(pack, "concepts/neural-network.yaml", concept("neural-network"))  # clashes with shipped
    write(pack, "concepts/lonely.yaml", concept("lonely", extra="related: [nowhere]\n"))
    cat = open_cat(pack)
    from_files = load_roots([shipped, pack.resolve()])
    assert sorted(map(str, cat.problems())) == sorted(map(str, from_files.problems))
    assert sorted(cat.problems()) == sorted(from_files.problems)


def test_corrupt_index_is_rebuilt(pack):
    cat = open_cat(pack)
    db = cat.db_path
    cat.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(b"this is not a database" * 200)
    cat = open_cat(pack)
    assert cat.last_refresh.rebuilt and cat.last_refresh.parsed == PACK_ENTRIES + SHIPPED_ENTRIES
    assert cat.get("relu") is not None


def _damage(cat: Catalog, start: int, length: int | None = None) -> Path:
    db = cat.db_path
    with cat.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    cat.close()
    raw = bytearray(db.read_bytes())
    end = len(raw) if length is None else start + length
    raw[start:end] = b"\xff" * (end - start)  # trash b-tree pages
    db.write_bytes(bytes(raw))
    return db


def test_damaged_pages_lead_to_a_rebuild(pack):
    """Opening reads no more than the stamp and the fingerprints (a current index is not
    scanned page by page on every command): a read that meets a damaged page rebuilds
    the index and answers; `kb index` (``verify``) checks every page and rebuilds."""
    cat = open_cat(pack)
    _damage(cat, len(cat.db_path.read_bytes()) // 2, 8192)
    cat = open_cat(pack)
    assert len(cat.list()) == PACK_ENTRIES + SHIPPED_ENTRIES
    assert [h.id for h in cat.search("relu")][0] == "relu"
    assert cat.get("relu") is not None and cat.backlinks("relu")
    rebuilt_on_read = bool(cat.last_refresh.rebuilt)
    cat.close()
    cat = Catalog.open([str(pack)], verify=True)
    assert rebuilt_on_read or cat.last_refresh.rebuilt
    assert len(cat.list()) == PACK_ENTRIES + SHIPPED_ENTRIES


def test_an_index_damaged_where_opening_reads_is_rebuilt_on_open(pack):
    cat = open_cat(pack)
    _damage(cat, 100)  # all but the header: the stamp cannot be read
    cat = open_cat(pack)
    assert cat.last_refresh.rebuilt
    assert len(cat.list()) == PACK_ENTRIES + SHIPPED_ENTRIES


def test_stamp_mismatch_leads_to_a_rebuild(pack, parsed):
    cat = open_cat(pack)
    with cat.engine.begin() as conn:
        conn.execute(text("UPDATE meta SET value = 'old-version' WHERE key = 'stamp'"))
    cat.close()
    parsed.clear()
    cat = open_cat(pack)
    assert cat.last_refresh.rebuilt and len(parsed) == PACK_ENTRIES + SHIPPED_ENTRIES


def test_a_newer_schema_version_leads_to_a_rebuild(pack, monkeypatch):
    open_cat(pack).close()
    monkeypatch.setattr(build, "STAMP", "999/9.9.9")
    monkeypatch.setattr("kb.index.current.STAMP", "999/9.9.9")  # what the stat check compares
    cat = open_cat(pack)
    assert cat.last_refresh.rebuilt
    with cat.engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM meta WHERE key = 'stamp'")).scalar() == "999/9.9.9"


def test_an_index_without_tables_is_rebuilt(pack):
    cat = open_cat(pack)
    db = cat.db_path
    cat.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    sqlite3.connect(db).execute("CREATE TABLE unrelated (x)").connection.commit()
    assert open_cat(pack).last_refresh.rebuilt


def test_rebuild_flag_starts_over(pack, parsed):
    open_cat(pack).close()
    parsed.clear()
    cat = Catalog.open([str(pack)], rebuild=True)
    assert cat.last_refresh.rebuilt and len(parsed) == PACK_ENTRIES + SHIPPED_ENTRIES


def test_id_clash_earlier_root_wins_and_removing_it_reveals_the_other(tmp_path, shipped, write, concept):
    first, second = tmp_path / "first", tmp_path / "second"
    write(first, "concepts/relu.yaml", concept("relu", en="First ReLU"))
    write(second, "concepts/relu.yaml", concept("relu", en="Second ReLU"))
    write(second, "concepts/other.yaml", concept("other", extra="related: [relu]\n"))
    cat = open_cat(first, second)
    assert cat.get("relu").title.en == "First ReLU"
    assert [h.title["en"] for h in cat.search("relu", kind="concept")] == ["First ReLU"]
    assert [s.title.en for s in cat.list() if s.id == "relu"] == ["First ReLU"]
    clash = [p for p in cat.problems() if "duplicate id" in p.message]
    assert [(p.path.endswith("second/concepts/relu.yaml"), "first/concepts/relu.yaml" in p.message) for p in clash] == [
        (True, True)]
    (first / "concepts" / "relu.yaml").unlink()
    st = cat.refresh()
    assert (st.parsed, st.removed) == (0, 1)
    assert cat.get("relu").title.en == "Second ReLU"
    assert not [p for p in cat.problems() if "duplicate id" in p.message]
    # and putting it back hides the second again
    write(first, "concepts/relu.yaml", concept("relu", en="First again"))
    cat.refresh()
    assert cat.get("relu").title.en == "First again"
    assert len([p for p in cat.problems() if "duplicate id" in p.message]) == 1


def test_shipped_content_wins_over_a_pack(pack, shipped, write, concept):
    write(pack, "concepts/neural-network.yaml", concept("neural-network", en="Pack version"))
    cat = open_cat(pack)
    assert cat.get("neural-network").title.en == "Neural network"


def test_each_set_of_roots_has_its_own_index(pack, tmp_path, write, concept):
    other = tmp_path / "other"
    write(other, "concepts/solo.yaml", concept("solo"))
    a, b = open_cat(pack), open_cat(other)
    assert a.db_path != b.db_path
    assert a.get("solo") is None and b.get("solo") is not None and b.get("relu") is None


def test_content_path_environment_adds_packs(pack, monkeypatch, tmp_path, write, concept):
    other = tmp_path / "other"
    write(other, "concepts/solo.yaml", concept("solo"))
    monkeypatch.setenv("KB_CONTENT_PATH", os.pathsep.join([str(pack), "", str(other)]))
    cat = Catalog.open()
    assert cat.get("relu") is not None and cat.get("solo") is not None and cat.get("neural-network") is not None


# --- what the catalog reads from the index ----------------------------------------------


def test_list_by_kind_and_tag(pack):
    cat = open_cat(pack)
    assert [s.id for s in cat.list(kind="tool")] == ["pytorch", "theano"]
    assert [s.id for s in cat.list(tag="regularization")] == ["dropout"]
    assert [s.id for s in cat.list(kind="faq", tag="training")] == ["how-to-prevent-overfitting"]
    assert cat.list(tag="no-such-tag") == []
    relu = cat.summary("relu")
    assert relu.tags == ("activation",) and relu.to_dict()["title"] == {
        "en": "ReLU (rectified linear unit)", "zh": "修正线性单元（ReLU）"}
    assert ("activation", 4) in cat.tags()


def test_backlinks_are_one_query_over_links(pack):
    cat = open_cat(pack)
    back = {(b.src.id, b.field) for b in cat.backlinks("relu")}
    assert back == {("activation-function", "related"), ("sigmoid", "related"), ("gelu", "related"),
                    ("which-activation", "related"), ("activations-path", "steps"), ("activations", "items")}
    assert {(b.src.id, b.field) for b in cat.backlinks("pytorch")} == {("theano", "successor")}
    with Session(cat.engine) as s:
        plan = " ".join(r[-1] for r in s.execute(text(
            "EXPLAIN QUERY PLAN SELECT entry_rowid FROM links WHERE dst = 'relu'")))
    assert "USING INDEX" in plan or "USING COVERING INDEX" in plan


def test_quiz_items_by_concept_tag_and_id(pack):
    cat = open_cat(pack)
    assert [(q, i.id) for q, i in cat.quiz_items()] == [("activations", "relu-negative"), ("activations", "sigmoid-range")]
    assert [i.id for _, i in cat.quiz_items(concept="sigmoid")] == ["sigmoid-range"]
    assert [i.id for _, i in cat.quiz_items(tag="activation")] == ["relu-negative", "sigmoid-range"]
    quiz_id, item = cat.quiz_item("relu-negative")
    assert quiz_id == "activations" and item.answer == 1
    assert cat.quiz_item("nope") is None


def test_entries_round_trip_through_the_index(pack):
    cat = open_cat(pack)
    from_files = load_roots([pack])
    for ident, entry in from_files.entries.items():
        assert cat.get(ident) == entry, ident
    assert cat.raw("theano")["successor"] == "pytorch"
    assert cat.get("nope") is None and cat.raw("nope") is None and cat.summary("nope") is None


def test_rows_are_consistent_after_many_edits(pack, write, concept):
    cat = open_cat(pack)
    for i in range(3):
        write(pack, f"concepts/tmp-{i}.yaml", concept(f"tmp-{i}", extra="related: [relu]\ntags: [scratch]\n"))
        edit(pack / "concepts" / "relu.yaml", "Cheap to compute.", f"Cheap to compute ({i}).")
        cat.refresh()
    for i in range(3):
        (pack / "concepts" / f"tmp-{i}.yaml").unlink()
    cat.refresh()
    with Session(cat.engine) as s:
        assert s.scalar(select(text("count(*)")).select_from(EntryRow)) == PACK_ENTRIES + SHIPPED_ENTRIES
        orphans = s.execute(text("SELECT count(*) FROM links WHERE entry_rowid NOT IN (SELECT rowid FROM entries)")).scalar()
        assert orphans == 0
        assert s.execute(text("SELECT count(*) FROM tags WHERE tag = 'scratch'")).scalar() == 0
        fts = s.execute(text("SELECT count(*) FROM entry_fts")).scalar()
        assert fts == PACK_ENTRIES + SHIPPED_ENTRIES
        s.execute(text("INSERT INTO entry_fts(entry_fts, rank) VALUES ('integrity-check', 1)"))
        assert s.scalars(select(LinkRow.dst).where(LinkRow.dst.like("tmp-%"))).all() == []
    assert [h.id for h in cat.search("Cheap to compute (2)")] == ["relu"]


def test_an_unreadable_file_is_a_problem_and_the_others_load(pack, monkeypatch):
    real = Path.read_bytes

    def deny(self):
        if self.name == "relu.yaml":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    cat = open_cat(pack)
    assert [p.message for p in cat.problems() if p.path.endswith("relu.yaml")] == ["cannot read file: Permission denied"]
    assert cat.get("relu") is None and cat.get("sigmoid") is not None


def test_the_stored_document_renders_as_the_model_does(pack):
    """`kb show` renders the stored JSON without building models: the same Markdown and
    the same --json as from the validated entry."""
    import json

    from kb.render import entry_markdown

    cat = open_cat(pack)
    titles = {s.id: s.title for s in cat.list()}
    for s in cat.list():
        model, raw = cat.get(s.id), cat.raw(s.id)
        assert json.dumps(raw) == json.dumps(model.model_dump(mode="json", exclude_none=True)), s.id
        for lang in ("en", "zh"):
            assert entry_markdown(raw, lang, step_titles=titles) == entry_markdown(model, lang, step_titles=titles)


def test_the_light_file_listing_knows_every_kind_folder():
    from kb.index.current import FOLDERS
    from kb.schema import FOLDERS as SCHEMA_FOLDERS

    assert FOLDERS == SCHEMA_FOLDERS


def test_a_current_index_is_read_without_a_refresh(pack, monkeypatch):
    open_cat(pack).close()
    monkeypatch.setattr(build, "refresh", lambda *a, **k: pytest.fail("refreshed a current index"))
    cat = open_cat(pack)
    assert cat.last_refresh.files == PACK_ENTRIES + SHIPPED_ENTRIES and not cat.last_refresh.changed
    assert [h.id for h in cat.search("relu")][0] == "relu"
