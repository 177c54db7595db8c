"""Learning paths: the state of each step and the step to take next.

A step is ``read`` (done once the entry has been opened), ``quiz`` (a concept's items or
a quiz's items; done when every item's latest answer was at least Hard, i.e. not
forgotten) or ``exercise`` (done once a check passed; started after any attempt).
A step whose entry is missing from the content is shown as such and skipped.

The catalog and the store are passed in; nothing here opens either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the catalog and the store are passed in (and cost an import)
    from kb.catalog import Catalog
    from kb.progress.store import ProgressStore
    from kb.schema import LearningPath

DONE, STARTED, TODO, MISSING = "done", "started", "todo", "missing"
HARD = 2


@dataclass(frozen=True)
class StepStatus:
    index: int  # 1-based position in the path
    do: str  # read | quiz | exercise
    ref: str
    note: Any  # Text | None
    state: str  # done | started | todo | missing
    done: int  # quiz: items known; read/exercise: 0 or 1
    total: int  # quiz: items; read/exercise: 1
    title: Any  # Text | None: the title of the referenced entry

    def to_dict(self) -> dict[str, Any]:
        def text(t: Any) -> Any:
            return t.model_dump() if t is not None and hasattr(t, "model_dump") else t

        return {
            "index": self.index, "do": self.do, "ref": self.ref, "state": self.state,
            "done": self.done, "total": self.total, "title": text(self.title), "note": text(self.note),
        }


@dataclass(frozen=True)
class PathStep:
    do: str  # read | quiz | exercise
    ref: str
    note: Any = None  # Text | None


def path_steps(path: Any) -> list[PathStep]:
    """A path's steps, from its model or from its stored document (``Catalog.raw``: the
    dashboard reads paths without building models)."""
    if not isinstance(path, dict):
        return [PathStep(s.do, s.ref, s.note) for s in path.steps]
    from kb.catalog import Text

    out = []
    for st in path.get("steps") or []:
        note = st.get("note")
        out.append(PathStep(st["do"], st["ref"], Text(note.get("en"), note.get("zh")) if isinstance(note, dict) else None))
    return out


def _step_items(catalog: Catalog, ref: str) -> dict[str, str] | None:
    """Which items a quiz step asks: a quiz's own, or those testing a concept."""
    summary = catalog.summary(ref)
    if summary is None:
        return None
    return {"quiz": ref} if summary.kind == "quiz" else {"concept": ref}


def step_quiz_items(catalog: Catalog, ref: str) -> list[tuple[str, Any]]:
    """The (quiz id, item) pairs of a quiz step: a quiz's items, or a concept's."""
    which = _step_items(catalog, ref)
    return catalog.quiz_items(**which) if which is not None else []


def step_item_ids(catalog: Catalog, ref: str) -> list[str]:
    """The item ids of a quiz step, without building the items."""
    which = _step_items(catalog, ref)
    return catalog.quiz_item_ids(**which) if which is not None else []


def path_quiz_items(catalog: Catalog, path: LearningPath) -> list[tuple[str, Any]]:
    """Every quiz item of a path's quiz steps, in path order (each item once)."""
    seen: set[str] = set()
    out: list[tuple[str, Any]] = []
    for step in path.steps:
        if step.do != "quiz":
            continue
        for quiz_id, item in step_quiz_items(catalog, step.ref):
            if item.id not in seen:
                seen.add(item.id)
                out.append((quiz_id, item))
    return out


def path_status(catalog: Catalog, store: ProgressStore, path: Any) -> list[StepStatus]:
    """Each step of ``path`` (its model or its stored document) with its state, from the
    catalog's summaries and the progress store: no content model is built."""
    steps = path_steps(path)
    read = store.read_entries()
    exercises = store.exercise_statuses()
    quiz_items = {i: step_item_ids(catalog, s.ref) for i, s in enumerate(steps) if s.do == "quiz"}
    all_ids = [item for items in quiz_items.values() for item in items]
    cards = store.cards(all_ids) if all_ids else {}

    out = []
    for i, step in enumerate(steps):
        entry = catalog.summary(step.ref)
        title = entry.title if entry is not None else None
        done, total = 0, 1
        if entry is None:
            state = MISSING
        elif step.do == "read":
            done = 1 if step.ref in read else 0
            state = DONE if done else TODO
        elif step.do == "exercise":
            st = exercises.get(step.ref)
            done = 1 if st == "passed" else 0
            state = DONE if st == "passed" else STARTED if st else TODO
        else:  # quiz
            items = quiz_items[i]
            total = len(items)
            if total == 0:
                state = MISSING
            else:
                seen = [cards[it] for it in items if it in cards]
                done = sum(1 for c in seen if (c.last_rating or 0) >= HARD)
                state = DONE if done == total else STARTED if seen else TODO
        out.append(StepStatus(i + 1, step.do, step.ref, step.note, state, done, total, title))
    return out


def next_step(statuses: list[StepStatus]) -> StepStatus | None:
    """The first step not done (missing steps are skipped), or None when the path is
    complete."""
    for s in statuses:
        if s.state in (TODO, STARTED):
            return s
    return None


def progress_fraction(statuses: list[StepStatus]) -> float:
    usable = [s for s in statuses if s.state != MISSING]
    return sum(1 for s in usable if s.state == DONE) / len(usable) if usable else 0.0
