"""Opening the index and refreshing it incrementally from the content files.

A refresh stats every file; only a file whose size or mtime changed is read, and only one
whose hash changed is parsed again. Deleted files disappear with their entries. When
anything changed, the checks across files run again over the stored rows.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, delete, event, func, select, text, update
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from kb import __version__
from kb.content import check_loaded, display_path
from kb.index.models import (FTS_DDL, INDEX_VERSION, Base, EntryRow, ItemConcept, ItemRow,
                             LinkRow, Meta, ProblemRow, SourceFile, TagRow)
from kb.index.text import searchable
from kb.links import Link, Record, cross_check
from kb.loader import MAX_BYTES, Problem, content_files, load_file

STAMP = f"{INDEX_VERSION}/{__version__}"


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


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(f"{path}{suffix}")
        except FileNotFoundError:
            pass


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
        conn.execute(Meta.__table__.insert(), [{"key": "stamp", "value": STAMP}])
    return engine, True


def _disk_files(roots: list[Path]) -> dict[str, tuple[Path, int, int, int]]:
    """path → (Path, root order, size, mtime_ns) for every content file."""
    out: dict[str, tuple[Path, int, int, int]] = {}
    for order, root in enumerate(roots):
        if not root.is_dir():
            continue
        for path in content_files(root):
            try:
                st = path.stat()
            except OSError:
                continue
            out.setdefault(str(path), (path, order, st.st_size, st.st_mtime_ns))
    return out


def refresh(engine: Engine, roots: list[Path], *, rebuilt: bool = False) -> RefreshStats:
    stats = RefreshStats(rebuilt=rebuilt)
    disk = _disk_files(roots)
    stats.files = len(disk)
    with Session(engine) as session, session.begin():
        # Take the write lock up front so two processes never refresh at once.
        session.execute(text("UPDATE meta SET value = value WHERE key = 'stamp'"))
        known = {row.path: row for row in session.scalars(select(SourceFile))}
        gone = [row for p, row in known.items() if p not in disk]
        for row in gone:
            stats.changed_ids.update(session.scalars(select(EntryRow.id).where(EntryRow.file_id == row.id)))
            _drop_file(session, row.id)
            session.delete(row)
        stats.removed = len(gone)
        next_rowid = (session.scalar(select(func.max(EntryRow.rowid))) or 0) + 1
        for key, (path, order, size, mtime) in disk.items():
            row = known.get(key)
            if row is not None and row.size == size and row.mtime_ns == mtime and row.root_order == order:
                continue
            try:
                raw = path.read_bytes() if size <= MAX_BYTES else None
            except OSError:
                raw = b""
            digest = hashlib.sha256(raw).hexdigest() if raw is not None else ""
            if row is not None and raw is not None and row.sha256 == digest and row.root_order == order:
                row.size, row.mtime_ns = size, mtime  # touched, not changed
                continue
            if row is None:
                row = SourceFile(path=key, display=display_path(path), root_order=order,
                                 size=size, mtime_ns=mtime, sha256=digest)
                session.add(row)
                session.flush()
            else:
                stats.changed_ids.update(session.scalars(select(EntryRow.id).where(EntryRow.file_id == row.id)))
                _drop_file(session, row.id)
                row.root_order, row.size, row.mtime_ns, row.sha256 = order, size, mtime, digest
            next_rowid = _add_file(session, row, path, raw, next_rowid, stats)
            stats.parsed += 1
        if stats.changed:
            _settle(session, stats.changed_ids)
    return stats


def _drop_file(session: Session, file_id: int) -> None:
    rowids = select(EntryRow.rowid).where(EntryRow.file_id == file_id).scalar_subquery()
    item_pks = select(ItemRow.pk).where(ItemRow.entry_rowid.in_(rowids)).scalar_subquery()
    session.execute(delete(ItemConcept).where(ItemConcept.item_pk.in_(item_pks)))
    session.execute(delete(ItemRow).where(ItemRow.entry_rowid.in_(rowids)))
    session.execute(delete(LinkRow).where(LinkRow.entry_rowid.in_(rowids)))
    session.execute(delete(TagRow).where(TagRow.entry_rowid.in_(rowids)))
    session.execute(delete(EntryRow).where(EntryRow.file_id == file_id))
    session.execute(delete(ProblemRow).where(ProblemRow.file_id == file_id))


def _add_file(session: Session, row: SourceFile, path: Path, raw: bytes | None, rowid: int, stats: RefreshStats) -> int:
    loaded = load_file(path, row.display, raw=raw)
    problems, records, links = check_loaded(loaded, row.display, row.root_order)
    if problems:
        session.execute(ProblemRow.__table__.insert(), [
            {"file_id": row.id, **p.to_dict()} for p in problems])
    entry = loaded.entry
    if entry is None:
        return rowid
    stats.changed_ids.add(entry.id)
    title, summary, body = searchable(entry)
    session.execute(EntryRow.__table__.insert(), [{
        "rowid": rowid, "id": entry.id, "kind": entry.kind, "file_id": row.id,
        "sort_key": f"{row.root_order:04d}/{row.path}", "active": True,
        "id_line": records[0].line, "id_col": records[0].col,
        "title_en": entry.title.en or "", "title_zh": entry.title.zh or "",
        "summary_en": entry.summary.en or "", "summary_zh": entry.summary.zh or "",
        "title_all": title, "summary_all": summary, "body_all": body,
        "data": entry.model_dump_json(exclude_none=True),
    }])
    if entry.tags:
        session.execute(TagRow.__table__.insert(), [{"entry_rowid": rowid, "tag": t} for t in dict.fromkeys(entry.tags)])
    if links:
        session.execute(LinkRow.__table__.insert(), [
            {"entry_rowid": rowid, "field": lk.field, "dst": lk.dst, "line": lk.line, "col": lk.col}
            for _, lk in links])
    for position, (item, rec) in enumerate(zip(getattr(entry, "items", []), records[1:])):
        pk = session.execute(ItemRow.__table__.insert().values(
            item_id=item.id, entry_rowid=rowid, position=position, line=rec.line, col=rec.col,
            data=item.model_dump_json(exclude_none=True))).inserted_primary_key[0]
        session.execute(ItemConcept.__table__.insert(), [
            {"item_pk": pk, "concept": c} for c in dict.fromkeys(item.concepts)])
    return rowid + 1


def _settle(session: Session, changed_ids: set[str]) -> None:
    """After a change: which file wins each touched id, and the cross-file problems."""
    for ident in changed_ids:
        rows = session.execute(select(EntryRow.rowid).where(EntryRow.id == ident).order_by(EntryRow.sort_key)).scalars().all()
        if rows:
            session.execute(update(EntryRow).where(EntryRow.id == ident).values(active=EntryRow.rowid == rows[0]))
    records: list[Record] = []
    q = select(EntryRow.id, EntryRow.kind, SourceFile.display, EntryRow.id_line, EntryRow.id_col, EntryRow.sort_key).join(
        SourceFile, SourceFile.id == EntryRow.file_id)
    for ident, kind, display, line, col, sort_key in session.execute(q):
        records.append(Record(ident, kind, display, line, col, int(sort_key[:4])))
    q = select(ItemRow.item_id, SourceFile.display, ItemRow.line, ItemRow.col, EntryRow.sort_key).join(
        EntryRow, EntryRow.rowid == ItemRow.entry_rowid).join(SourceFile, SourceFile.id == EntryRow.file_id)
    for ident, display, line, col, sort_key in session.execute(q):
        records.append(Record(ident, "quiz-item", display, line, col, int(sort_key[:4])))
    links: list[tuple[str, Link]] = []
    q = select(SourceFile.display, EntryRow.id, LinkRow.field, LinkRow.dst, LinkRow.line, LinkRow.col).join(
        EntryRow, EntryRow.rowid == LinkRow.entry_rowid).join(SourceFile, SourceFile.id == EntryRow.file_id)
    for display, src, fld, dst, line, col in session.execute(q):
        links.append((display, Link(src, fld, dst, line, col)))
    session.execute(delete(ProblemRow).where(ProblemRow.file_id.is_(None)))
    cross = cross_check(records, links)
    if cross:
        session.execute(ProblemRow.__table__.insert(), [{"file_id": None, **p.to_dict()} for p in cross])


def stored_problems(session: Session) -> list[Problem]:
    rows = session.scalars(select(ProblemRow).order_by(ProblemRow.path, ProblemRow.line, ProblemRow.col))
    return [Problem(r.path, r.line, r.col, r.field, r.message, r.severity) for r in rows]


def entry_json(data: str) -> dict:
    return json.loads(data)
