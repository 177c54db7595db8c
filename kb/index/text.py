"""What of an entry search reads, gathered from every learner-facing field."""

from __future__ import annotations

from pydantic import BaseModel

from kb.schema import EntryBase, Text


def _texts(value: object, out: list[str]) -> None:
    if isinstance(value, Text):
        out += [t for t in (value.en, value.zh) if t]
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _texts(getattr(value, name), out)
    elif isinstance(value, list):
        for v in value:
            _texts(v, out)


# Fields that are code or identifiers, not prose a learner searches.
_SKIP = {"id", "kind", "title", "summary", "tags", "related", "prerequisites", "concepts",
         "starter", "solution", "checks", "limits", "functions", "homepage", "successor"}


def searchable(entry: EntryBase) -> tuple[str, str, str]:
    """(title, summary, body) with both languages joined; body holds every other text,
    plus formulas and a tool's category, so nothing a learner reads is unsearchable."""
    title: list[str] = []
    summary: list[str] = []
    body: list[str] = []
    _texts(entry.title, title)
    _texts(entry.summary, summary)
    for name in type(entry).model_fields:
        if name in _SKIP:
            continue
        _texts(getattr(entry, name), body)
    for formula in getattr(entry, "formulas", []):
        body.append(formula.expr)
    for item in getattr(entry, "items", []):
        for lang in ("en", "zh"):
            body += getattr(item.accepted, lang) if hasattr(item, "accepted") else []
    if hasattr(entry, "category"):
        body.append(entry.category)
    return "\n".join(title), "\n".join(summary), "\n".join(body)
