"""SQLAlchemy 2 ORM models of the content index."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Table, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kb.index.current import INDEX_VERSION  # noqa: F401  (bump it there when these models change)


class Base(DeclarativeBase):
    pass


def table(model: type[Base]) -> Table:
    """The Core table of a mapped class, for bulk ``insert()``/``update()`` with rows keyed by
    column (SQLAlchemy types ``__table__`` as any FROM clause)."""
    t = model.__table__
    assert isinstance(t, Table)
    return t


class Meta(Base):
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(String)


class SourceFile(Base):
    """One YAML file and its fingerprint; a refresh compares these with the disk."""

    __tablename__ = "source_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String, unique=True)  # absolute
    display: Mapped[str] = mapped_column(String)  # as problems name it
    root_order: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    mtime_ns: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


class EntryRow(Base):
    """One entry. Its ``rowid`` is also the rowid of its row in ``entry_fts``."""

    __tablename__ = "entries"
    rowid: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String, index=True)
    kind: Mapped[str] = mapped_column(String, index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id", ondelete="CASCADE"), index=True)
    sort_key: Mapped[str] = mapped_column(String)  # root order + path: lower wins an id clash
    active: Mapped[bool] = mapped_column(default=True)  # false when another file has this id first
    id_line: Mapped[int] = mapped_column(Integer)
    id_col: Mapped[int] = mapped_column(Integer)
    title_en: Mapped[str] = mapped_column(Text, default="")
    title_zh: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_zh: Mapped[str] = mapped_column(Text, default="")
    # What search reads: both languages of title, summary and the rest of the text.
    title_all: Mapped[str] = mapped_column(Text, default="")
    summary_all: Mapped[str] = mapped_column(Text, default="")
    body_all: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[str] = mapped_column(Text)  # the validated document as JSON


Index("ix_entries_active_kind", EntryRow.active, EntryRow.kind)
# Titles by their start, for the first search tier ("gradient" → "Gradient descent").
Index("ix_entries_title_en_lower", func.lower(EntryRow.title_en))
Index("ix_entries_title_zh", EntryRow.title_zh)


class HeadRow(Base):
    """The short searchable text of an entry (title and summary, both languages) in a
    narrow table: what the title and summary FTS tables index, and what a LIKE scan for
    a short term reads instead of the wide entries rows. Kept in sync by triggers."""

    __tablename__ = "heads"
    rowid: Mapped[int] = mapped_column(Integer, primary_key=True)  # = entries.rowid
    kind: Mapped[str] = mapped_column(String)
    title_all: Mapped[str] = mapped_column(Text)
    summary_all: Mapped[str] = mapped_column(Text)


class TagRow(Base):
    __tablename__ = "tags"
    entry_rowid: Mapped[int] = mapped_column(ForeignKey("entries.rowid", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String, primary_key=True, index=True)


class LinkRow(Base):
    """An edge from an entry to an id; backlinks are one indexed query on ``dst``."""

    __tablename__ = "links"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_rowid: Mapped[int] = mapped_column(ForeignKey("entries.rowid", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String)
    dst: Mapped[str] = mapped_column(String, index=True)
    line: Mapped[int] = mapped_column(Integer)
    col: Mapped[int] = mapped_column(Integer)


class ItemRow(Base):
    """A quiz item, addressable by its own id and by the concepts it tests."""

    __tablename__ = "quiz_items"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(String, index=True)
    entry_rowid: Mapped[int] = mapped_column(ForeignKey("entries.rowid", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    line: Mapped[int] = mapped_column(Integer)
    col: Mapped[int] = mapped_column(Integer)
    data: Mapped[str] = mapped_column(Text)


class ItemConcept(Base):
    __tablename__ = "quiz_item_concepts"
    item_pk: Mapped[int] = mapped_column(ForeignKey("quiz_items.pk", ondelete="CASCADE"), primary_key=True)
    concept: Mapped[str] = mapped_column(String, primary_key=True, index=True)


class ProblemRow(Base):
    """A loading problem. ``file_id`` is null for cross-file problems, which are
    recomputed after every refresh that changed anything."""

    __tablename__ = "problems"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("source_files.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String)
    line: Mapped[int] = mapped_column(Integer)
    col: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String)
    message: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String)


# External-content FTS5 tables kept in sync by triggers. Trigram tokens make any
# substring of 3+ characters searchable in both languages. Search goes tier by tier,
# title, then title + summary, then everything, so a common term is answered from the
# small title index and only a rare one reaches the big one.
FTS_DDL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS entry_fts USING fts5(
        title_all, summary_all, body_all,
        content='entries', content_rowid='rowid', tokenize='trigram')""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS title_fts USING fts5(
        title_all, content='heads', content_rowid='rowid', tokenize='trigram')""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS head_fts USING fts5(
        title_all, summary_all, content='heads', content_rowid='rowid', tokenize='trigram')""",
    """CREATE TRIGGER IF NOT EXISTS entries_ai AFTER INSERT ON entries BEGIN
        INSERT INTO entry_fts(rowid, title_all, summary_all, body_all)
        VALUES (new.rowid, new.title_all, new.summary_all, new.body_all);
        INSERT INTO heads(rowid, kind, title_all, summary_all)
        VALUES (new.rowid, new.kind, new.title_all, new.summary_all);
        INSERT INTO title_fts(rowid, title_all) VALUES (new.rowid, new.title_all);
        INSERT INTO head_fts(rowid, title_all, summary_all) VALUES (new.rowid, new.title_all, new.summary_all); END""",
    """CREATE TRIGGER IF NOT EXISTS entries_ad AFTER DELETE ON entries BEGIN
        INSERT INTO entry_fts(entry_fts, rowid, title_all, summary_all, body_all)
        VALUES ('delete', old.rowid, old.title_all, old.summary_all, old.body_all);
        INSERT INTO title_fts(title_fts, rowid, title_all) VALUES ('delete', old.rowid, old.title_all);
        INSERT INTO head_fts(head_fts, rowid, title_all, summary_all)
        VALUES ('delete', old.rowid, old.title_all, old.summary_all);
        DELETE FROM heads WHERE rowid = old.rowid; END""",
]
