"""The content as the rest of kb sees it: one object over the index, and the one place
its queries live (search in :mod:`kb.search`), for the CLI and the app alike.

Reading costs what the data costs. :meth:`Catalog.open` asks whether the index is
current (its stamp and a stat of every content file against the recorded fingerprints,
:mod:`kb.index.current`); when it is, the index is read through the standard library's
``sqlite3`` on a read-only connection, and neither SQLAlchemy, Alembic nor pydantic is
imported. Only a missing, stale or unusable index goes through the refresh
(:mod:`kb.index.build`, SQLAlchemy), after which the same queries read it. Entry
models (:meth:`get`, quiz items) are validated with pydantic on request; :meth:`raw`
is the stored document as plain data, which ``kb show`` renders without models.

Nothing here imports Textual.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from kb.index.current import (TAGS_FILE, RefreshStats, connect_read_only, current_files, index_path,
                              remove_index)
from kb.text import Bilingual

if TYPE_CHECKING:
    from kb.problems import Problem
    from kb.schema import Entry, QuizItem
    from kb.search import Hit

T = TypeVar("T")


class Text(Bilingual):
    """A learner-facing text read from the index, ``{en, zh}``, with the parts of the
    content model's ``Text`` that readers use (``pick`` takes either)."""

    __slots__ = ("en", "zh")

    def __init__(self, en: str | None = None, zh: str | None = None) -> None:
        self.en = en
        self.zh = zh

    def model_dump(self, **_: Any) -> dict:
        return {"en": self.en, "zh": self.zh}

    def __eq__(self, other: object) -> bool:
        return (getattr(other, "en", None), getattr(other, "zh", None)) == (self.en, self.zh) and (
            isinstance(other, Text) or hasattr(other, "model_dump"))

    def __hash__(self) -> int:
        return hash((self.en, self.zh))

    def __repr__(self) -> str:
        return f"Text(en={self.en!r}, zh={self.zh!r})"


@dataclass(frozen=True)
class Summary:
    id: str
    kind: str
    title: Text
    summary: Text
    tags: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind,
                "title": self.title.model_dump(), "summary": self.summary.model_dump(),
                "tags": list(self.tags)}


@dataclass(frozen=True)
class Backlink:
    src: Summary
    field: str


def _text(en: str, zh: str) -> Text:
    return Text(en or None, zh or None)


_ACTIVE = "active IS 1"
_LABELS_MAX_BYTES = 1 << 20  # as the loader's limit for any content file


def read_tag_labels(path: Path) -> dict[str, Text]:
    """slug → label from one root's tags file, read without pydantic (the read path stays
    light); what is not a well-formed label is left out, and ``kb validate`` says why.
    Parser events come first: no anchors, no deep nesting reach the composer."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        if path.stat().st_size > _LABELS_MAX_BYTES:
            return {}
        text = path.read_bytes().decode("utf-8-sig")
        depth = 0
        for event in yaml.parse(text, Loader=loader):
            if getattr(event, "anchor", None) is not None:
                return {}
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > 3:
                    return {}
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
        data = yaml.load(text, Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    out: dict[str, Text] = {}
    for slug, label in (data.items() if isinstance(data, dict) else ()):
        if isinstance(slug, str) and isinstance(label, dict):
            en, zh = label.get("en"), label.get("zh")
            en, zh = (v if isinstance(v, str) and v.strip() else None for v in (en, zh))
            if en or zh:
                out[slug] = Text(en, zh)
    return out


class Catalog:
    def __init__(self, roots: list[Path], db_path: Path) -> None:
        self.roots = roots
        self.db_path = db_path
        self._engine: Any = None  # SQLAlchemy, only to build and refresh
        self._fresh = False
        self._local = threading.local()  # a read-only connection per thread
        self._conns: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self.last_refresh: RefreshStats | None = None
        self._labels: tuple[tuple, dict[str, Text]] | None = None  # (files' fingerprint, labels)

    @classmethod
    def open(cls, extra_roots: list[str] | None = None, *, do_refresh: bool = True,
             rebuild: bool = False, verify: bool = False) -> "Catalog":
        """The catalog over the shipped content and ``extra_roots``. With ``do_refresh``
        the index is brought up to date: a current one is only stat-checked and read as
        it is; ``verify`` (what ``kb index`` does) also checks its pages and runs the
        refresh whatever the stat says; ``rebuild`` starts from nothing."""
        from kb.paths import cache_dir, content_roots

        roots = content_roots(extra_roots)
        path = index_path(roots, cache_dir())
        if rebuild:
            remove_index(path)
        cat = cls(roots, path)
        if do_refresh:
            files = None if rebuild or verify else cat._current()
            if files is None:
                cat.refresh()
            else:
                cat.last_refresh = RefreshStats(files=files)
        return cat

    def _current(self) -> int | None:
        """The number of content files when the index is current, else None. A first
        start over the shipped content alone begins from the index the wheel ships."""
        if not self.db_path.exists():
            from kb.paths import shipped_content_dir
            from kb.shipped import seed_index

            if self.roots != [shipped_content_dir()] or not seed_index(self.db_path, self.roots):
                return None
        try:
            return current_files(self._conn(), self.roots)
        except sqlite3.DatabaseError:  # not an index (any more): the refresh rebuilds it
            self._close_readers()
            return None

    @property
    def engine(self):
        """The SQLAlchemy engine the refresh writes through (opened on first use)."""
        if self._engine is None:
            from kb.index.build import open_index

            self._close_readers()  # open_index may replace the file
            self._engine, self._fresh = open_index(self.db_path)
        return self._engine

    def refresh(self) -> RefreshStats:
        from kb.index.build import refresh

        self.last_refresh = refresh(self.engine, self.roots, rebuilt=self._fresh)
        self._fresh = False
        return self.last_refresh

    def close(self) -> None:
        self._close_readers()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # -- reading --------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self._engine is None and not self.db_path.exists():
                self.engine  # noqa: B018  (creates an empty index, as opening always did)
            conn = connect_read_only(self.db_path)
            self._local.conn = conn
            with self._lock:
                self._conns.append(conn)
        return conn

    def _close_readers(self) -> None:
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            try:
                conn.close()
            except sqlite3.ProgrammingError:  # made in another thread, which may still use it
                pass
        self._local = threading.local()

    def _read(self, query: Callable[[sqlite3.Connection], T]) -> T:
        """``query`` on a read-only connection. A file that turns out to be damaged
        (SQLite's own DatabaseError, not a lock or a missing table) is rebuilt, never
        repaired, and the query runs once more."""
        try:
            return query(self._conn())
        except sqlite3.DatabaseError as exc:
            if type(exc) is not sqlite3.DatabaseError:
                raise
        self.close()
        self.refresh()  # open_index finds the damage and starts over
        return query(self._conn())

    def _rows(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        return self._read(lambda c: c.execute(sql, params).fetchall())

    def raw(self, ident: str) -> dict | None:
        """The entry as stored: its validated document as plain data (JSON types)."""
        rows = self._rows(f"SELECT data FROM entries WHERE id = ? AND {_ACTIVE} LIMIT 1", (ident,))
        return json.loads(rows[0][0]) if rows else None

    def exercise_document(self, ident: str) -> dict | None:
        """Exercise ``ident``'s validated document when its file loaded without an error
        (what ``kb.exercises.load`` would return, as plain data), else None."""
        rows = self._rows(
            f"SELECT data FROM entries e WHERE id = ? AND kind = 'exercise' AND {_ACTIVE} AND NOT EXISTS "
            "(SELECT 1 FROM problems p WHERE p.file_id = e.file_id AND p.severity = 'error') LIMIT 1", (ident,))
        return json.loads(rows[0][0]) if rows else None

    def get(self, ident: str) -> "Entry | None":
        rows = self._rows(f"SELECT kind, data FROM entries WHERE id = ? AND {_ACTIVE} LIMIT 1", (ident,))
        if not rows:
            return None
        from kb.schema import KINDS

        kind, data = rows[0]
        return KINDS[kind].model_validate_json(data)

    def summary(self, ident: str) -> Summary | None:
        found = self._summaries("id = ?", [ident])
        return found[0] if found else None

    def _summaries(self, where: str, params: list, order: str = "") -> list[Summary]:
        def query(c: sqlite3.Connection) -> list[Summary]:
            rows = c.execute("SELECT rowid, id, kind, title_en, title_zh, summary_en, summary_zh FROM entries"
                             f" WHERE {where} AND {_ACTIVE}{order}", params).fetchall()
            tags: dict[int, list[str]] = {}
            for i in range(0, len(rows), 500):
                chunk = [r[0] for r in rows[i:i + 500]]
                for rowid, tag in c.execute(f"SELECT entry_rowid, tag FROM tags WHERE entry_rowid IN "
                                            f"({', '.join('?' * len(chunk))})", chunk):
                    tags.setdefault(rowid, []).append(tag)
            return [Summary(ident, kind, _text(t_en, t_zh), _text(s_en, s_zh), tuple(sorted(tags.get(rowid, ()))))
                    for rowid, ident, kind, t_en, t_zh, s_en, s_zh in rows]
        return self._read(query)

    def list(self, kind: str | None = None, tag: str | None = None) -> builtins.list[Summary]:
        where, params = ["1"], []
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if tag:
            where.append("rowid IN (SELECT entry_rowid FROM tags WHERE tag = ?)")
            params.append(self.resolve_tag(tag))
        return self._summaries(" AND ".join(where), params, " ORDER BY kind, id")

    def counts(self) -> dict[str, int]:
        return dict(self._rows(f"SELECT kind, count(*) FROM entries WHERE {_ACTIVE} GROUP BY kind"))

    def tags(self) -> builtins.list[tuple[str, int]]:
        return self._rows("SELECT t.tag, count(*) FROM tags AS t JOIN entries AS e ON e.rowid = t.entry_rowid"
                          " WHERE e.active IS 1 GROUP BY t.tag ORDER BY t.tag")

    # -- tag labels: entries carry slugs, learners read labels ---------------------------

    def tag_labels(self) -> dict[str, Text]:
        """slug → label from the roots' tags files (the first root's label wins), read
        again only when one of those files changed."""
        files = [root / TAGS_FILE for root in self.roots]
        key: builtins.list[tuple[int, int] | None] = []
        for f in files:
            try:
                st = f.stat()
                key.append((st.st_size, st.st_mtime_ns))
            except OSError:
                key.append(None)
        cached = self._labels
        if cached is not None and cached[0] == tuple(key):
            return cached[1]
        labels: dict[str, Text] = {}
        for f, k in zip(files, key):
            if k is not None:
                for slug, label in read_tag_labels(f).items():
                    labels.setdefault(slug, label)
        self._labels = (tuple(key), labels)
        return labels

    def tag_label(self, slug: str, lang: str) -> str:
        """A tag as a learner reads it: its label in ``lang``, else in the other language,
        else the slug itself (a pack's tag nobody labelled)."""
        label = self.tag_labels().get(slug)
        if label is None:
            return slug
        text, _ = label.get(lang)
        return text or slug

    def resolve_tag(self, tag: str) -> str:
        """The slug a learner means by ``tag``: a slug as it is, or a label in either
        language (case and spacing aside); unknown text comes back unchanged."""
        if self._rows("SELECT 1 FROM tags WHERE tag = ? LIMIT 1", (tag,)):
            return tag
        want = " ".join(tag.casefold().split())
        for slug, label in self.tag_labels().items():
            if want in (" ".join((label.en or "").casefold().split()), " ".join((label.zh or "").casefold().split())):
                return slug
        return tag

    def search(self, query: str, *, kind: str | None = None, limit: int = 20, lang: str = "en",
               mode: str = "all") -> builtins.list[Hit]:
        from kb.search import search  # its tokenizer's expressions: only a search compiles them

        return self._read(lambda c: search(c, query, kind=kind, limit=limit, lang=lang, mode=mode))

    def backlinks(self, ident: str) -> builtins.list[Backlink]:
        """Entries that link to ``ident`` (related, prerequisites, concepts, steps...)."""
        rows = self._rows("SELECT e.id, l.field FROM links AS l JOIN entries AS e ON e.rowid = l.entry_rowid"
                          " WHERE l.dst = ? AND e.active IS 1 AND e.id != ?", (ident, ident))
        fields: dict[str, str] = {}
        for src, fld in rows:
            fields.setdefault(src, fld)
        if not fields:
            return []
        ids = list(fields)
        summaries = {sm.id: sm for sm in self._summaries(f"id IN ({', '.join('?' * len(ids))})", ids)}
        return [Backlink(summaries[i], f) for i, f in sorted(fields.items()) if i in summaries]

    def _items(self, where: str, params: builtins.list[Any]) -> builtins.list[tuple[str, str]]:
        return self._rows("SELECT e.id, i.data FROM quiz_items AS i JOIN entries AS e ON e.rowid = i.entry_rowid"
                          f" WHERE e.active IS 1{where}", params)

    def _item_filter(self, concept: str | None, tag: str | None, quiz: str | None) -> tuple[str, builtins.list[Any]]:
        where, params = "", []
        if quiz:
            where += " AND e.id = ?"
            params.append(quiz)
        if concept:
            where += " AND i.pk IN (SELECT item_pk FROM quiz_item_concepts WHERE concept = ?)"
            params.append(concept)
        if tag:
            tag = self.resolve_tag(tag)
            where += (" AND (e.rowid IN (SELECT entry_rowid FROM tags WHERE tag = ?)"
                      " OR i.pk IN (SELECT item_pk FROM quiz_item_concepts WHERE concept IN ("
                      "SELECT e2.id FROM entries AS e2 JOIN tags AS t2 ON t2.entry_rowid = e2.rowid"
                      " WHERE t2.tag = ?)))")
            params += [tag, tag]
        return where + " ORDER BY e.id, i.position", params

    def quiz_items(self, concept: str | None = None, tag: str | None = None,
                   quiz: str | None = None) -> builtins.list[tuple[str, "QuizItem"]]:
        """(quiz id, item) pairs, optionally of one quiz, for one concept or one tag (the
        quiz's tags or the tags of the concepts the item tests)."""
        from pydantic import TypeAdapter

        from kb.schema import QuizItem

        adapter: TypeAdapter[Any] = TypeAdapter(QuizItem)
        return [(quiz_id, adapter.validate_json(data))
                for quiz_id, data in self._items(*self._item_filter(concept, tag, quiz))]

    def quiz_item_ids(self, concept: str | None = None, tag: str | None = None,
                      quiz: str | None = None) -> builtins.list[str]:
        """The ids of the items ``quiz_items`` gives, in its order, without building them."""
        where, params = self._item_filter(concept, tag, quiz)
        return [r[0] for r in self._rows("SELECT i.item_id FROM quiz_items AS i JOIN entries AS e"
                                         f" ON e.rowid = i.entry_rowid WHERE e.active IS 1{where}", params)]

    def quiz_item(self, item_id: str) -> "tuple[str, QuizItem] | None":
        rows = self._items(" AND i.item_id = ? ORDER BY e.sort_key LIMIT 1", [item_id])
        if not rows:
            return None
        from pydantic import TypeAdapter

        from kb.schema import QuizItem

        return rows[0][0], TypeAdapter(QuizItem).validate_json(rows[0][1])

    def problems(self) -> "builtins.list[Problem]":
        from kb.problems import Problem

        rows = self._rows("SELECT path, line, col, field, message, severity FROM problems"
                          " ORDER BY path, line, col")
        return [Problem(*r) for r in rows]
