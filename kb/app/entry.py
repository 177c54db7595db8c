"""The entry view: one entry with what surrounds it — backlinks, the titles of the entries
it links to, a path's step states, how many quiz items test it, its exercise's state.

The app's Detail screen draws it. ``kb show`` reads the same entry as plain data from the
index (no models, no progress store: a script's lookup stays cheap and changes nothing), so
it shares the rendering (kb.render) and the labels (kb.app.labels) rather than this view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from kb.app.services import Services
    from kb.catalog import Backlink, Summary
    from kb.learning_path import StepStatus


@dataclass
class EntryView:
    entry_id: str
    entry: Any = None  # the content model (kb.schema), or None when no entry has this id
    backlinks: list[Backlink] = field(default_factory=list)
    titles: dict[str, Summary] = field(default_factory=dict)  # id -> Summary of every linked entry
    steps: list[StepStatus] = field(default_factory=list)  # a path's steps with their states
    quiz_items: int = 0  # quiz items that test this entry (or are in it)
    tag_labels: dict[str, Any] = field(default_factory=dict)  # slug -> label (Text) of each of its tags
    exercise_status: str | None = None  # an exercise's: "passed", "attempted" or None

    @property
    def exercise_id(self) -> str | None:
        """The exercise to practise here: the entry itself, or the first exercise that
        practises this concept; None where there is none."""
        if self.entry is None:
            return None
        if self.entry.kind == "exercise":
            return self.entry_id
        return next((b.src.id for b in self.backlinks if b.src.kind == "exercise"), None)


def entry_view(services: Services, entry_id: str, *, mark_read: bool = True) -> EntryView:
    """The entry ``entry_id`` and its surroundings (blocking: the TUI calls it in a thread
    worker). With ``mark_read`` the store records that the learner opened it, which is
    what completes a path's read step; a store that refuses (read-only) does not stop
    the entry from being shown."""
    catalog, store = services.catalog, services.store
    data = EntryView(entry_id, catalog.get(entry_id))
    entry = data.entry
    if entry is None:
        return data
    data.backlinks = catalog.backlinks(entry_id)
    labels = catalog.tag_labels()
    data.tag_labels = {t: labels[t] for t in entry.tags if t in labels}
    ids = set(entry.prerequisites) | set(entry.related) | set(getattr(entry, "concepts", None) or [])
    if getattr(entry, "successor", None):
        ids.add(entry.successor)
    for b in data.backlinks:
        data.titles[b.src.id] = b.src
    if entry.kind == "path" and store is not None:
        from kb.learning_path import path_status

        data.steps = path_status(catalog, store, entry)
        ids |= {s.ref for s in entry.steps}
    for ident in ids - set(data.titles):
        summary = services.summary(ident)
        if summary is not None:
            data.titles[ident] = summary
    if entry.kind == "quiz":
        data.quiz_items = len(entry.items)
    elif entry.kind == "concept":
        data.quiz_items = len(catalog.quiz_items(concept=entry_id))
    if store is not None:
        if entry.kind == "exercise":
            data.exercise_status = store.exercise_statuses().get(entry_id)
        if mark_read:
            try:
                store.mark_read(entry_id)
            except Exception:
                pass  # reading must work with a read-only store
    return data
