"""Study sessions: which items to ask, in what order, and what answering does.

:func:`build_queue` is pure (items, cards and the clock in; a queue out) so that it is
tested without a catalog or a database. :class:`QuizSession` drives one session for
any front end (the ``kb quiz`` prompt, the TUI quiz screen): it grades, proposes a
rating, writes each review to the store the moment it is rated (so a session that is
interrupted keeps every rated answer), re-asks learning items that fall due again
within the learn-ahead window, and undoes its ratings newest first (Anki's ``u``:
:meth:`QuizSession.undo`), as Anki does.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from kb.progress.records import CardState, ReviewOutcome
from kb.quiz.grading import Grade, grade_text

if TYPE_CHECKING:  # pragma: no cover
    from kb.progress.store import ProgressStore

DUE, NEW, AGAIN_IN_SESSION = "due", "new", "again"
LEARN_AHEAD = timedelta(minutes=20)


@dataclass(frozen=True)
class SessionItem:
    quiz_id: str
    item: Any  # a kb.schema quiz item (the faces dispatch on its ``type``)
    kind: str  # "due", "new", or "again" (asked again in this session)
    due: datetime | None = None

    @property
    def item_id(self) -> str:
        return self.item.id


def dedupe(items: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """(quiz id, item) pairs with each item id once, first occurrence kept."""
    seen: set[str] = set()
    out = []
    for quiz_id, item in items:
        if item.id not in seen:
            seen.add(item.id)
            out.append((quiz_id, item))
    return out


def build_queue(
    items: Sequence[tuple[str, Any]],
    cards: Mapping[str, CardState],
    now: datetime,
    *,
    new_limit: int,
    due_limit: int | None = None,
) -> list[SessionItem]:
    """Due items first (most overdue first), then up to ``new_limit`` never-seen items
    in content order. Items with a card that is not yet due are left out."""
    due: list[SessionItem] = []
    new: list[SessionItem] = []
    for quiz_id, item in dedupe(items):
        card = cards.get(item.id)
        if card is None:
            new.append(SessionItem(quiz_id, item, NEW))
        elif card.due <= now:
            due.append(SessionItem(quiz_id, item, DUE, card.due))
    due.sort(key=lambda e: e.due or now)  # every due item has a date; stable: content order among equal ones
    if due_limit is not None:
        due = due[: max(0, due_limit)]
    return due + new[: max(0, new_limit)]


@dataclass
class SessionSummary:
    answered: int = 0
    correct: int = 0
    ratings: dict[int, int] = field(default_factory=dict)  # rating -> count
    new_seen: int = 0
    reviewed: int = 0  # due items answered
    left: int = 0  # still in the queue when the session ended
    next_due: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "answered": self.answered,
            "correct": self.correct,
            "ratings": {str(k): v for k, v in sorted(self.ratings.items())},
            "new_seen": self.new_seen,
            "reviewed": self.reviewed,
            "left": self.left,
            "next_due": self.next_due.isoformat() if self.next_due else None,
        }

    def lines(self, lang: str, now: datetime) -> list[str]:
        """The session's end in sentences, as the CLI prints it and the app shows it."""
        from kb.i18n import tr, when
        from kb.progress.scheduling import RATING_LABELS

        out = [tr(lang, f"{self.answered} answered, {self.correct} right ({self.new_seen} new, {self.reviewed} reviews).",
                  f"作答 {self.answered} 题，答对 {self.correct} 题（新题 {self.new_seen}，复习 {self.reviewed}）。")]
        if self.ratings:
            labels = RATING_LABELS["zh" if lang == "zh" else "en"]
            out.append(" · ".join(f"{labels[k]} {v}" for k, v in sorted(self.ratings.items())))
        if self.left:
            out.append(tr(lang, f"{self.left} left for next time.", f"还剩 {self.left} 题留待下次。"))
        if self.next_due is not None:
            out.append(tr(lang, f"Next review {when(self.next_due, now, lang)}.",
                          f"下次复习：{when(self.next_due, now, lang)}。"))
        return out


@dataclass(frozen=True)
class Pending:
    """An answer graded but not rated yet: kept with ``rating`` (the proposed one until
    the learner picks another) if the session ends before it is rated."""

    entry: SessionItem
    grade: Grade
    answer: str | None
    duration_ms: int | None
    rating: int


@dataclass(frozen=True, eq=False)
class _Rated:
    """One rating of the session, kept so that it can be undone."""

    entry: SessionItem
    outcome: ReviewOutcome
    again: SessionItem | None  # the copy queued to be asked again, if any


class QuizSession:
    """One study session over ``items`` ((quiz id, item) pairs in content order)."""

    def __init__(
        self,
        store: "ProgressStore",
        items: Sequence[tuple[str, Any]],
        *,
        new_limit: int | None = None,
        due_limit: int | None = None,
        lang: str = "en",
        clock: Callable[[], datetime] | None = None,
        fuzz: bool = True,
        learn_ahead: timedelta = LEARN_AHEAD,
        max_asks: int = 3,
    ):
        self.store = store
        self.items = dedupe(items)
        self.lang = lang
        self.clock = clock or store.clock
        self.fuzz = fuzz
        self.learn_ahead = learn_ahead
        self.max_asks = max_asks
        if new_limit is None:
            new_limit = int(store.get_setting("new_per_session"))
        self.new_limit = new_limit
        self.retention = store.desired_retention()
        ids = [item.id for _, item in self.items]
        self.cards = store.cards(ids)
        self.queue: deque[SessionItem] = deque(
            build_queue(self.items, self.cards, self.now(), new_limit=new_limit, due_limit=due_limit)
        )
        self.planned = len(self.queue)
        self._asked: Counter[str] = Counter()
        self._results: list[tuple[SessionItem, bool | None, int]] = []
        # What each rating did, newest last, so that it can be undone: the outcome (the
        # card before and after, the log row) and the item it queued to ask again.
        self._undo: list[_Rated] = []
        self.pending: Pending | None = None

    def now(self) -> datetime:
        """The session's clock, in UTC."""
        return self.clock().astimezone(timezone.utc)


    def __len__(self) -> int:
        return len(self.queue)

    def counts(self) -> dict[str, int]:
        """What is left, the way Anki shows it: new items, items being learned (asked
        again in this session) and reviews; it only shrinks as items are answered,
        except when an item rated Again comes back."""
        out = {"new": 0, "learning": 0, "review": 0}
        for e in self.queue:
            out["new" if e.kind == NEW else "learning" if e.kind == AGAIN_IN_SESSION else "review"] += 1
        return out

    def next_item(self) -> SessionItem | None:
        """The next item to ask (it stays first in the queue until it is rated)."""
        return self.queue[0] if self.queue else None

    def check(self, entry: SessionItem, text: str) -> Grade:
        """Grade typed input (raises ``InvalidResponse``: ask again)."""
        return grade_text(entry.item, text, self.lang)

    def answered(self, entry: SessionItem, grade: Grade, answer: str | None,
                 duration_ms: int | None = None) -> int:
        """The learner answered ``entry`` (graded ``grade``): until it is rated the
        answer is pending (see :meth:`end`). Returns the proposed rating."""
        from kb.progress.scheduling import propose_rating

        rating = propose_rating(grade.correct)
        self.pending = Pending(entry, grade, answer or None, duration_ms, rating)
        return rating

    def propose(self, rating: int) -> None:
        """The learner moved the rating of the pending answer (not saved until rated)."""
        if self.pending is not None:
            self.pending = Pending(self.pending.entry, self.pending.grade, self.pending.answer,
                                   self.pending.duration_ms, int(rating))

    def end(self) -> SessionSummary:
        """End the session: an answer graded but not rated is kept with its rating (the
        proposed one, or the one the learner last moved to), so leaving never loses
        it. Raises what the store raises if that last write fails (the summary is then
        still :meth:`summary`)."""
        pending, self.pending = self.pending, None
        if pending is not None:
            self.rate(pending.entry, pending.rating, grade=pending.grade, answer=pending.answer,
                      duration_ms=pending.duration_ms)
        return self.summary()

    def skip(self, entry: SessionItem) -> None:
        """Leave the item for another day: nothing is recorded."""
        if self.pending is not None and self.pending.entry is entry:
            self.pending = None
        if self.queue and self.queue[0] is entry:
            self.queue.popleft()

    def rate(
        self,
        entry: SessionItem,
        rating: int,
        *,
        grade: Grade | None = None,
        answer: str | None = None,
        duration_ms: int | None = None,
    ) -> ReviewOutcome:
        """Record the answer with ``rating`` (committed at once) and move on."""
        now = self.now()
        outcome = self.store.record_review(
            entry.item_id,
            rating,
            now=now,
            correct=grade.correct if grade is not None else None,
            answer=answer,
            duration_ms=duration_ms,
            desired_retention=self.retention,
            fuzz=self.fuzz,
        )
        self.cards[entry.item_id] = outcome.after
        if self.queue and self.queue[0] is entry:
            self.queue.popleft()
        self._asked[entry.item_id] += 1
        self._results.append((entry, grade.correct if grade else None, int(rating)))
        again = None
        if outcome.after.due <= now + self.learn_ahead and self._asked[entry.item_id] < self.max_asks:
            again = SessionItem(entry.quiz_id, entry.item, AGAIN_IN_SESSION, outcome.after.due)
            self.queue.append(again)
        self._undo.append(_Rated(entry, outcome, again))
        if self.pending is not None and self.pending.entry is entry:
            self.pending = None
        return outcome

    def can_undo(self) -> bool:
        """Is there a rating of this session left to undo?"""
        return bool(self._undo)

    def undo(self) -> SessionItem | None:
        """Undo the session's last rating (Anki's ``u``): its review leaves the store,
        the card is back as it was before, and the item is first in the queue again, to
        be asked anew. Repeatable back through the session's ratings; None when there
        is nothing to undo. Raises ``ProgressStoreError`` (nothing changed) when the item
        was answered again elsewhere since."""
        if not self._undo:
            return None
        self.pending = None  # the answer on screen is dropped: the undone item comes first
        last = self._undo[-1]
        self.store.undo_review(last.outcome)
        self._undo.pop()
        item_id = last.entry.item_id
        if last.outcome.before is None:
            self.cards.pop(item_id, None)
        else:
            self.cards[item_id] = last.outcome.before
        if last.again is not None:  # not asked again after all (if it was, that was undone first)
            self.queue = deque(e for e in self.queue if e is not last.again)
        self._asked[item_id] -= 1
        self._results.pop()
        self.queue.appendleft(last.entry)
        return last.entry

    def summary(self) -> SessionSummary:
        s = SessionSummary()
        s.answered = len(self._results)
        s.correct = sum(1 for _, ok, _ in self._results if ok)
        s.ratings = dict(Counter(r for _, _, r in self._results))
        s.new_seen = sum(1 for e, _, _ in self._results if e.kind == NEW)
        s.reviewed = sum(1 for e, _, _ in self._results if e.kind == DUE)
        s.left = len({e.item_id for e in self.queue})
        dues = [c.due for c in self.cards.values()]
        s.next_due = min(dues) if dues else None
        return s


# --- choosing items from the content -----------------------------------------------------


def counts_label(counts: dict[str, int], lang: str) -> str:
    """``new 5 · learning 1 · review 4`` (in the learner's language): what is left."""
    from kb.i18n import tr

    return tr(lang, f"new {counts['new']} · learning {counts['learning']} · review {counts['review']}",
              f"新题 {counts['new']} · 学习中 {counts['learning']} · 复习 {counts['review']}")


class NoSuchPath(LookupError):
    pass


def select_items(catalog, *, tag: str | None = None, path: str | None = None) -> list[tuple[str, Any]]:
    """The (quiz id, item) pairs a session draws from: everything, a tag's, or the quiz
    steps of a learning path (in path order). Both filters together intersect."""
    if path is not None:
        from kb.learning_path import path_quiz_items

        entry = catalog.get(path)
        if entry is None or getattr(entry, "kind", None) != "path":
            raise NoSuchPath(path)
        items = path_quiz_items(catalog, entry)
        if tag is not None:
            tagged = {item.id for _, item in catalog.quiz_items(tag=tag)}
            items = [(q, it) for q, it in items if it.id in tagged]
        return dedupe(items)
    return dedupe(catalog.quiz_items(tag=tag))
