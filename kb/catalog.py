"""The content as the rest of kb sees it: one object over the refreshed index.

CLI commands and TUI workers call these methods; nothing here imports Textual.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kb.index.build import RefreshStats, index_path, open_index, refresh, stored_problems
from kb.index.models import EntryRow, ItemConcept, ItemRow, LinkRow, TagRow
from kb.loader import Problem
from kb.schema import KINDS, EntryBase, QuizItem, Text
from kb.search import Hit, search


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
    return Text.model_construct(en=en or None, zh=zh or None)


class Catalog:
    def __init__(self, roots: list[Path], db_path: Path) -> None:
        self.roots = roots
        self.db_path = db_path
        self.engine, self._fresh = open_index(db_path)
        self.last_refresh: RefreshStats | None = None

    @classmethod
    def open(cls, extra_roots: list[str] | None = None, *, do_refresh: bool = True,
             rebuild: bool = False) -> "Catalog":
        from kb.paths import cache_dir, content_roots

        roots = content_roots(extra_roots)
        path = index_path(roots, cache_dir())
        if rebuild:
            from kb.index.build import _remove
            _remove(path)
        cat = cls(roots, path)
        if do_refresh:
            cat.refresh()
        return cat

    def refresh(self) -> RefreshStats:
        self.last_refresh = refresh(self.engine, self.roots, rebuilt=self._fresh)
        self._fresh = False
        return self.last_refresh

    def close(self) -> None:
        self.engine.dispose()

    # -- reading --------------------------------------------------------------------

    def _session(self) -> Session:
        return Session(self.engine)

    def get(self, ident: str) -> EntryBase | None:
        with self._session() as s:
            row = s.execute(select(EntryRow.kind, EntryRow.data).where(
                EntryRow.id == ident, EntryRow.active.is_(True))).first()
        if row is None:
            return None
        return KINDS[row.kind].model_validate_json(row.data)

    def summary(self, ident: str) -> Summary | None:
        found = self._summaries(select(EntryRow).where(EntryRow.id == ident))
        return found[0] if found else None

    def _summaries(self, q) -> list[Summary]:
        q = q.where(EntryRow.active.is_(True))
        with self._session() as s:
            rows = s.scalars(q).all()
            tags: dict[int, list[str]] = {}
            if rows:
                for rowid, tag in s.execute(select(TagRow.entry_rowid, TagRow.tag).where(
                        TagRow.entry_rowid.in_([r.rowid for r in rows]))):
                    tags.setdefault(rowid, []).append(tag)
            return [Summary(r.id, r.kind, _text(r.title_en, r.title_zh), _text(r.summary_en, r.summary_zh),
                            tuple(sorted(tags.get(r.rowid, ())))) for r in rows]

    def list(self, kind: str | None = None, tag: str | None = None) -> list[Summary]:
        q = select(EntryRow)
        if kind:
            q = q.where(EntryRow.kind == kind)
        if tag:
            q = q.where(EntryRow.rowid.in_(select(TagRow.entry_rowid).where(TagRow.tag == tag)))
        return self._summaries(q.order_by(EntryRow.kind, EntryRow.id))

    def counts(self) -> dict[str, int]:
        with self._session() as s:
            rows = s.execute(select(EntryRow.kind, func.count()).where(EntryRow.active.is_(True)).group_by(EntryRow.kind))
            return {kind: n for kind, n in rows}

    def tags(self) -> list[tuple[str, int]]:
        with self._session() as s:
            q = select(TagRow.tag, func.count()).join(EntryRow, EntryRow.rowid == TagRow.entry_rowid).where(
                EntryRow.active.is_(True)).group_by(TagRow.tag).order_by(TagRow.tag)
            return [(t, n) for t, n in s.execute(q)]

    def search(self, query: str, *, kind: str | None = None, limit: int = 20, lang: str = "en",
               mode: str = "all") -> list[Hit]:
        with self._session() as s:
            return search(s, query, kind=kind, limit=limit, lang=lang, mode=mode)

    def backlinks(self, ident: str) -> list[Backlink]:
        """Entries that link to ``ident`` (related, prerequisites, concepts, steps...)."""
        with self._session() as s:
            rows = s.execute(select(EntryRow.id, LinkRow.field).join(
                EntryRow, EntryRow.rowid == LinkRow.entry_rowid).where(
                LinkRow.dst == ident, EntryRow.active.is_(True), EntryRow.id != ident)).all()
        fields: dict[str, str] = {}
        for src, fld in rows:
            fields.setdefault(src, fld)
        summaries = {sm.id: sm for sm in self._summaries(select(EntryRow).where(EntryRow.id.in_(list(fields))))}
        return [Backlink(summaries[i], f) for i, f in sorted(fields.items()) if i in summaries]

    def quiz_items(self, concept: str | None = None, tag: str | None = None) -> list[tuple[str, QuizItem]]:
        """(quiz id, item) pairs, optionally for one concept or one tag (the quiz's tags
        or the tags of the concepts the item tests)."""
        from pydantic import TypeAdapter

        adapter = TypeAdapter(QuizItem)
        q = select(EntryRow.id, ItemRow.data).join(EntryRow, EntryRow.rowid == ItemRow.entry_rowid).where(
            EntryRow.active.is_(True))
        if concept:
            q = q.where(ItemRow.pk.in_(select(ItemConcept.item_pk).where(ItemConcept.concept == concept)))
        if tag:
            tagged = select(EntryRow.id).join(TagRow, TagRow.entry_rowid == EntryRow.rowid).where(TagRow.tag == tag)
            q = q.where((EntryRow.rowid.in_(select(TagRow.entry_rowid).where(TagRow.tag == tag)))
                        | ItemRow.pk.in_(select(ItemConcept.item_pk).where(ItemConcept.concept.in_(tagged))))
        q = q.order_by(EntryRow.id, ItemRow.position)
        with self._session() as s:
            return [(quiz_id, adapter.validate_json(data)) for quiz_id, data in s.execute(q)]

    def quiz_item(self, item_id: str) -> tuple[str, QuizItem] | None:
        from pydantic import TypeAdapter

        with self._session() as s:
            row = s.execute(select(EntryRow.id, ItemRow.data).join(EntryRow, EntryRow.rowid == ItemRow.entry_rowid).where(
                ItemRow.item_id == item_id, EntryRow.active.is_(True)).order_by(EntryRow.sort_key)).first()
        return (row[0], TypeAdapter(QuizItem).validate_json(row[1])) if row else None

    def problems(self) -> list[Problem]:
        with self._session() as s:
            return stored_problems(s)

    def raw(self, ident: str) -> dict | None:
        with self._session() as s:
            data = s.scalar(select(EntryRow.data).where(EntryRow.id == ident, EntryRow.active.is_(True)))
        return json.loads(data) if data else None
