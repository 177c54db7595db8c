"""Opening the index and refreshing it incrementally from the content files.

A refresh stats every file; only a file whose size or mtime changed is read, and only one
whose hash changed is parsed again. Deleted files disappear with their entries. When
anything changed, the checks across files run again over the stored rows.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, bindparam, create_engine, delete, event, func, select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, aliased

from kb.content import check_loaded, display_path
from kb.index.current import STAMP, RefreshStats, disk_files, index_path, remove_index
from kb.index.models import (FTS_DDL, Base, EntryRow, ItemConcept, ItemRow, table,
                             LinkRow, Meta, ProblemRow, SourceFile, TagRow)
from kb.index.text import searchable
from kb.links import Link, Record, cross_check
from kb.loader import MAX_BYTES, Problem, load_file, source_digest

_ = (RefreshStats, index_path)  # re-exported: callers import them from here too


def _pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _pragmas)
    return engine


_remove = remove_index


def _stamp_ok(engine: Engine) -> bool:
    with engine.connect() as conn:
        if conn.exec_driver_sql("PRAGMA quick_check").scalar() != "ok":
            return False
        has_meta = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name='meta'").first()
        if not has_meta:
            return False
        row = conn.execute(select(Meta.value).where(Meta.key == "stamp")).first()
        return row is not None and row[0] == STAMP


def open_index(path: Path) -> tuple[Engine, bool]:
    """An engine on a usable index at ``path``; ``True`` if it had to be (re)created.
    A file from another version or a corrupt one is deleted and built anew: the index
    is a cache."""
    fresh = not path.exists()
    if not fresh:
        engine = _engine(path)
        try:
            if _stamp_ok(engine):
                return engine, False
        except (DatabaseError, sqlite3.DatabaseError):
            pass
        engine.dispose()
        _remove(path)
    engine = _engine(path)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        for ddl in FTS_DDL:
            conn.exec_driver_sql(ddl)
        conn.execute(table(Meta).insert(), [{"key": "stamp", "value": STAMP}])
    return engine, True


_disk_files = disk_files


def refresh(engine: Engine, roots: list[Path], *, rebuilt: bool = False) -> RefreshStats:
    stats = RefreshStats(rebuilt=rebuilt)
    disk = _disk_files(roots)
    stats.files = len(disk)
    with Session(engine) as session, session.begin():
        # Take the write lock up front so two processes never refresh at once.
        session.execute(text("UPDATE meta SET value = value WHERE key = 'stamp'"))
        sf = SourceFile.__table__.c
        known = {r.path: r for r in session.execute(
            select(sf.id, sf.path, sf.root_order, sf.size, sf.mtime_ns, sf.sha256))}
        gone = [row.id for p, row in known.items() if p not in disk]
        if gone:
            _drop_files(session, gone, stats)
            session.execute(delete(SourceFile).where(SourceFile.id.in_(gone)))
        stats.removed = len(gone)
        batch = _Batch(session)
        for key, (order, size, mtime) in disk.items():
            row = known.get(key)
            if row is not None and row.size == size and row.mtime_ns == mtime and row.root_order == order:
                continue
            path = Path(key)
            try:
                raw = path.read_bytes() if size <= MAX_BYTES else None
            except OSError:
                raw = None  # load_file tries again and reports why it cannot read it
            # An exercise folder's digest covers its code files too (they fill the entry).
            digest = source_digest(path, raw) if raw is not None else ""
            if row is not None and raw is not None and row.sha256 == digest and row.root_order == order:
                batch.touched.append({"b_id": row.id, "size": size, "mtime_ns": mtime})  # touched, not changed
                continue
            display = display_path(path)
            fields = {"path": key, "display": display, "root_order": order,
                      "size": size, "mtime_ns": mtime, "sha256": digest}
            if row is None:
                file_id = batch.new_file(fields)
            else:
                file_id = row.id
                _drop_files(session, [file_id], stats)
                batch.changed_files.append({"b_id": file_id, **fields})
            batch.add(file_id, display, order, path, raw, stats)
            stats.parsed += 1
            if batch.pending >= _BATCH:
                batch.flush()
        batch.flush()
        if stats.changed:
            _settle(session, stats.changed_ids)
    return stats


_BATCH = 500  # files parsed before their rows are written (bounds memory, not round trips)


class _Batch:
    """Rows of newly parsed files, written with one executemany per table: a full build
    makes a few hundred statements instead of several per file."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.next_rowid = (session.scalar(select(func.max(EntryRow.rowid))) or 0) + 1
        self.next_file = (session.scalar(select(func.max(SourceFile.id))) or 0) + 1
        self.next_item = (session.scalar(select(func.max(ItemRow.pk))) or 0) + 1
        self.touched: list[dict] = []
        self.changed_files: list[dict] = []
        self._clear()

    def _clear(self) -> None:
        self.files: list[dict] = []
        self.entries: list[dict] = []
        self.tags: list[dict] = []
        self.links: list[dict] = []
        self.items: list[dict] = []
        self.item_concepts: list[dict] = []
        self.problems: list[dict] = []
        self.pending = 0

    def new_file(self, fields: dict) -> int:
        file_id = self.next_file
        self.next_file += 1
        self.files.append({"id": file_id, **fields})
        return file_id

    def add(self, file_id: int, display: str, order: int, path: Path, raw: bytes | None, stats: RefreshStats) -> None:
        self.pending += 1
        loaded = load_file(path, display, raw=raw)
        problems, records, links = check_loaded(loaded, display, order)
        self.problems += [{"file_id": file_id, **p.to_dict()} for p in problems]
        entry = loaded.entry
        if entry is None:
            return
        rowid = self.next_rowid
        self.next_rowid += 1
        stats.changed_ids.add(entry.id)
        title, summary, body = searchable(entry)
        self.entries.append({
            "rowid": rowid, "id": entry.id, "kind": entry.kind, "file_id": file_id,
            "sort_key": f"{order:04d}/{path}", "active": True,
            "id_line": records[0].line, "id_col": records[0].col,
            "title_en": entry.title.en or "", "title_zh": entry.title.zh or "",
            "summary_en": entry.summary.en or "", "summary_zh": entry.summary.zh or "",
            "title_all": title, "summary_all": summary, "body_all": body,
            "data": entry.model_dump_json(exclude_none=True),
        })
        self.tags += [{"entry_rowid": rowid, "tag": t} for t in dict.fromkeys(entry.tags)]
        self.links += [{"entry_rowid": rowid, "field": lk.field, "dst": lk.dst, "line": lk.line, "col": lk.col}
                       for _, lk in links]
        for position, (item, rec) in enumerate(zip(getattr(entry, "items", []), records[1:])):
            pk = self.next_item
            self.next_item += 1
            self.items.append({"pk": pk, "item_id": item.id, "entry_rowid": rowid, "position": position,
                               "line": rec.line, "col": rec.col, "data": item.model_dump_json(exclude_none=True)})
            self.item_concepts += [{"item_pk": pk, "concept": c} for c in dict.fromkeys(item.concepts)]

    def flush(self) -> None:
        run = self.session.execute
        sf = table(SourceFile)
        if self.touched:
            run(sf.update().where(sf.c.id == bindparam("b_id")), self.touched)
            self.touched = []
        if self.changed_files:
            run(sf.update().where(sf.c.id == bindparam("b_id")), self.changed_files)
            self.changed_files = []
        for target, rows in ((sf, self.files), (table(EntryRow), self.entries), (table(TagRow), self.tags),
                             (table(LinkRow), self.links), (table(ItemRow), self.items),
                             (table(ItemConcept), self.item_concepts), (table(ProblemRow), self.problems)):
            if rows:
                run(target.insert(), rows)
        self._clear()


def _drop_files(session: Session, file_ids: list[int], stats: RefreshStats) -> None:
    """Delete everything a file contributed (its entries become changed ids)."""
    for i in range(0, len(file_ids), 10_000):
        chunk = file_ids[i:i + 10_000]
        stats.changed_ids.update(session.scalars(select(EntryRow.id).where(EntryRow.file_id.in_(chunk))))
        rowids = select(EntryRow.rowid).where(EntryRow.file_id.in_(chunk)).scalar_subquery()
        item_pks = select(ItemRow.pk).where(ItemRow.entry_rowid.in_(rowids)).scalar_subquery()
        session.execute(delete(ItemConcept).where(ItemConcept.item_pk.in_(item_pks)))
        session.execute(delete(ItemRow).where(ItemRow.entry_rowid.in_(rowids)))
        session.execute(delete(LinkRow).where(LinkRow.entry_rowid.in_(rowids)))
        session.execute(delete(TagRow).where(TagRow.entry_rowid.in_(rowids)))
        session.execute(delete(EntryRow).where(EntryRow.file_id.in_(chunk)))
        session.execute(delete(ProblemRow).where(ProblemRow.file_id.in_(chunk)))


def _settle(session: Session, changed_ids: set[str]) -> None:
    """After a change: which file wins each touched id, and the cross-file problems.

    Both are worked out in SQL over the whole index, so that only the rows that matter
    (ids defined twice, links to no entry) come back to Python: the cost of a one-file
    change stays a small fraction of a full build."""
    # An entry is active when no entry with its id sorts before it; write only flips.
    session.execute(text(
        "UPDATE entries SET active = NOT active WHERE active != NOT EXISTS ("
        " SELECT 1 FROM entries AS e2 WHERE e2.id = entries.id AND e2.sort_key < entries.sort_key)"
        " AND id IN (SELECT value FROM json_each(:ids))"), {"ids": json.dumps(sorted(changed_ids))})
    records: list[Record] = []
    dup_entries = select(EntryRow.id).group_by(EntryRow.id).having(func.count() > 1)
    q = select(EntryRow.id, EntryRow.kind, SourceFile.display, EntryRow.id_line, EntryRow.id_col, EntryRow.sort_key).join(
        SourceFile, SourceFile.id == EntryRow.file_id).where(EntryRow.id.in_(dup_entries))
    for ident, kind, display, line, col, sort_key in session.execute(q):
        records.append(Record(ident, kind, display, line, col, int(sort_key[:4])))
    dup_items = select(ItemRow.item_id).group_by(ItemRow.item_id).having(func.count() > 1)
    q_items = select(ItemRow.item_id, SourceFile.display, ItemRow.line, ItemRow.col, EntryRow.sort_key).join(
        EntryRow, EntryRow.rowid == ItemRow.entry_rowid).join(SourceFile, SourceFile.id == EntryRow.file_id).where(
        ItemRow.item_id.in_(dup_items))
    for ident, display, line, col, sort_key in session.execute(q_items):
        records.append(Record(ident, "quiz-item", display, line, col, int(sort_key[:4])))
    # Links to no entry: cross_check reports every link whose target is not among the
    # records' ids, and none of these targets is any entry's id.
    links: list[tuple[str, Link]] = []
    target = aliased(EntryRow)
    q_links = select(SourceFile.display, EntryRow.id, LinkRow.field, LinkRow.dst, LinkRow.line, LinkRow.col).join(
        EntryRow, EntryRow.rowid == LinkRow.entry_rowid).join(SourceFile, SourceFile.id == EntryRow.file_id).where(
        ~select(target.rowid).where(target.id == LinkRow.dst).exists())
    for display, src, fld, dst, line, col in session.execute(q_links):
        links.append((display, Link(src, fld, dst, line, col)))
    session.execute(delete(ProblemRow).where(ProblemRow.file_id.is_(None)))
    cross = cross_check(records, links)
    if cross:
        session.execute(table(ProblemRow).insert(), [{"file_id": None, **p.to_dict()} for p in cross])


def stored_problems(session: Session) -> list[Problem]:
    rows = session.scalars(select(ProblemRow).order_by(ProblemRow.path, ProblemRow.line, ProblemRow.col))
    return [Problem(r.path, r.line, r.col, r.field, r.message, r.severity) for r in rows]

