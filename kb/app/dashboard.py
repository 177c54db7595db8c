"""The dashboard: where the learner stands, as plain data. Home in the app and the first
lines of ``kb progress`` draw it, so both show the same figures for the same store.

- **due**: quiz items of the content whose review is due now; **new**: items of the content
  never answered (``seen`` + ``new`` = ``items``).
- **passed** / **attempted** / **exercises**: exercises of the content checked and passed,
  checked at all (passed included), and in all. **in_progress**: started or attempted, not
  passed (``kb.exercises.exercise_state``), in content order.
- **path**: the learning path followed — the learner's choice (``current_path``), else the
  one to start with (``foundations``), else the first by id; a finished path gives way to
  the next one with a step to take. **steps** / **next_step**: its steps' states
  (``kb.learning_path``) and the first not done.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from kb.app.services import Services
    from kb.catalog import Catalog, Summary
    from kb.progress import ProgressStore

START_PATH = "foundations"  # where the shipped content says to begin


def _text(t: Any) -> dict | None:
    """A Text (model, catalog Text or dict) as a plain ``{en, zh}`` dict."""
    if t is None:
        return None
    if isinstance(t, dict):
        return {"en": t.get("en"), "zh": t.get("zh")}
    return {"en": getattr(t, "en", None), "zh": getattr(t, "zh", None)}


@dataclass
class Dashboard:
    """Every figure of the dashboard, JSON-ready (Home keeps the last one in its cache and
    shows it at the next start before the catalog is open)."""

    path: dict | None = None  # {"id", "title": {en, zh}} of the path followed
    steps: list[dict] = field(default_factory=list)  # [{index, do, ref, state, done, total, title}]
    next_step: int | None = None  # the index of the next step; None: path complete (or none)
    due: int = 0
    new: int = 0
    seen: int = 0
    items: int = 0
    in_progress: list[dict] = field(default_factory=list)  # [{id, title, state}]
    passed: int = 0
    attempted: int = 0
    exercises: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # entries per kind
    errors: int = 0  # content problems
    warnings: int = 0
    store_error: str | None = None  # the progress store could not be read: no progress figures

    def step(self, index: int | None) -> dict | None:
        return next((s for s in self.steps if s["index"] == index), None) if index is not None else None

    @property
    def steps_done(self) -> int:
        return sum(1 for s in self.steps if s["state"] == "done")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Dashboard:
        """Raises ValueError or TypeError for anything that is not a dashboard."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not a dashboard")
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def dashboard(services: Services) -> Dashboard:
    """The dashboard for the open catalog and store (blocking: the TUI calls it in a
    thread worker). Without a store, the content figures only and ``store_error``."""
    data = Dashboard(counts=dict(services.counts), errors=len(services.errors),
                     warnings=len(services.warnings), store_error=services.store_error)
    exercises = [s for s in services.summaries if s.kind == "exercise"]
    data.exercises = len(exercises)
    store = services.store
    if store is None:
        return data
    catalog = services.catalog
    item_ids = list(dict.fromkeys(catalog.quiz_item_ids()))
    data.items = len(item_ids)
    data.due = len(store.due_items(item_ids=item_ids))
    data.seen = len(store.cards(item_ids)) if item_ids else 0
    data.new = data.items - data.seen

    from kb.exercises import exercise_state

    statuses = store.exercise_statuses()
    data.passed = sum(1 for s in exercises if statuses.get(s.id) == "passed")
    data.attempted = sum(1 for s in exercises if s.id in statuses)
    for s in exercises:
        state = exercise_state(s.id, statuses)
        if state in ("attempted", "started"):
            data.in_progress.append({"id": s.id, "title": _text(s.title), "state": state})

    followed = followed_path(catalog, store, services.summaries)
    if followed is not None:
        entry, steps, nxt = followed
        data.path = {"id": entry.id, "title": _text(entry.title)}
        data.steps = [{"index": st.index, "do": st.do, "ref": st.ref, "state": st.state, "done": st.done,
                       "total": st.total, "title": _text(st.title)} for st in steps]
        data.next_step = nxt
    return data


def followed_path(catalog: Catalog, store: ProgressStore, summaries: list[Summary]) -> tuple[Summary, list, int | None] | None:
    """The path the dashboard follows (its summary), its step states and the index of its
    next step. Paths are read as stored documents: no content model is built."""
    from kb.learning_path import next_step, path_status

    chosen = store.get_setting("current_path")
    paths = sorted((s for s in summaries if s.kind == "path"),
                   key=lambda s: (s.id != chosen, s.id != START_PATH, s.id))
    found = None
    for summary in paths:
        doc = catalog.raw(summary.id)
        if doc is None or doc.get("kind") != "path":  # gone since the summaries were read
            continue
        steps = path_status(catalog, store, doc)
        nxt = next_step(steps)
        if found is None or nxt is not None:
            found = (summary, steps, nxt.index if nxt is not None else None)
        if nxt is not None:
            break
    return found
