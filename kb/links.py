"""Links between entries, and the checks that need more than one file: duplicate ids,
duplicate quiz item ids, and links that point at no entry.

The same checks serve ``kb validate`` (straight from the files) and the index refresh
(from rows), so they take plain records rather than models.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pydantic import BaseModel

from kb.loader import Mark, Problem, mark_for
from kb.schema import Application, EntryBase, Exercise, LearningPath, Quiz, Text, Tool


@dataclass(frozen=True)
class Link:
    src: str
    field: str  # related, prerequisites, concepts, successor, steps, items
    dst: str
    line: int
    col: int


@dataclass(frozen=True)
class Record:
    """Where an id (an entry's or a quiz item's) is defined."""

    id: str
    kind: str
    path: str
    line: int
    col: int
    order: int  # content root order, then file order: lower wins a clash


def links_of(entry: EntryBase, marks: dict[tuple, Mark]) -> list[Link]:
    out: list[Link] = []

    def add(field: str, dst: str, path: tuple) -> None:
        line, col = mark_for(path, marks)
        out.append(Link(entry.id, field, dst, line, col))

    for name in ("related", "prerequisites"):
        for i, dst in enumerate(getattr(entry, name)):
            add(name, dst, (name, i))
    if isinstance(entry, (Application, Exercise)):
        for i, dst in enumerate(entry.concepts):
            add("concepts", dst, ("concepts", i))
    if isinstance(entry, Tool) and entry.successor:
        add("successor", entry.successor, ("successor",))
    if isinstance(entry, Quiz):
        for i, item in enumerate(entry.items):
            for j, dst in enumerate(item.concepts):
                add("items", dst, ("items", i, "concepts", j))
    if isinstance(entry, LearningPath):
        for i, step in enumerate(entry.steps):
            add("steps", step.ref, ("steps", i, "ref"))
    return out


def item_records(entry: EntryBase, marks: dict[tuple, Mark], path: str, order: int) -> list[Record]:
    if not isinstance(entry, Quiz):
        return []
    out = []
    for i, item in enumerate(entry.items):
        line, col = mark_for(("items", i, "id"), marks)
        out.append(Record(item.id, "quiz-item", path, line, col, order))
    return out


def missing_translations(entry: EntryBase, marks: dict[tuple, Mark], path: str) -> list[Problem]:
    """Warnings (errors under --strict) for learner-facing text in one language only."""
    problems: list[Problem] = []

    def walk(value: object, loc: tuple) -> None:
        if isinstance(value, Text):
            missing = value.missing()
            if missing:
                line, col = mark_for(loc, marks)
                dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
                problems.append(Problem(path, line, col, dotted, f"no {'/'.join(missing)} text", "warning"))
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name), loc + (name,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, loc + (i,))

    walk(entry, ())
    return problems


def cross_check(records: list[Record], links: list[tuple[str, Link]]) -> list[Problem]:
    """``records``: every entry and quiz item definition; ``links``: (path, link)."""
    problems: list[Problem] = []
    by_id: dict[tuple[bool, str], list[Record]] = defaultdict(list)
    for rec in records:
        by_id[(rec.kind == "quiz-item", rec.id)].append(rec)
    for (is_item, ident), recs in by_id.items():
        if len(recs) < 2:
            continue
        recs.sort(key=lambda r: (r.order, r.path))
        first = recs[0]
        what = "quiz item id" if is_item else "id"
        for dup in recs[1:]:
            problems.append(Problem(dup.path, dup.line, dup.col, "id",
                                    f"duplicate {what} '{ident}': already defined at {first.path}:{first.line}:{first.col}"))
    entry_ids = {ident for (is_item, ident) in by_id if not is_item}
    for path, link in links:
        if link.dst not in entry_ids:
            problems.append(Problem(path, link.line, link.col, link.field,
                                    f"'{link.dst}' is not the id of any entry", "warning"))
    return problems
