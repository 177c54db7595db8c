"""FSRS scheduling, wrapped: kb's :class:`CardState` in, kb's CardState out.

The ``fsrs`` package does the arithmetic; this module fixes the conventions (UTC,
ratings as plain ints 1..4, the rating a grade proposes, the retention range) and
keeps fsrs objects out of the rest of kb.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timezone
from typing import overload

from fsrs import Card, Rating, Scheduler, State

from kb.progress.records import REVIEW, CardState

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "again", HARD: "hard", GOOD: "good", EASY: "easy"}
RATING_LABELS = {
    "en": {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"},
    "zh": {AGAIN: "重来", HARD: "困难", GOOD: "良好", EASY: "简单"},
}
MIN_RETENTION, MAX_RETENTION, DEFAULT_RETENTION = 0.70, 0.99, 0.90


def propose_rating(correct: bool) -> int:
    """A correct answer proposes Good, a wrong one Again (the learner may override)."""
    return GOOD if correct else AGAIN


def parse_rating(text: str) -> int | None:
    """``"1".."4"``, a name (``again``/``a``, ``hard``/``h``, ``good``/``g``,
    ``easy``/``e``) or its Chinese label; None if not a rating."""
    t = text.strip().casefold()
    if t in ("1", "2", "3", "4"):
        return int(t)
    for value, name in RATING_NAMES.items():
        if t in (name, name[0]) or t == RATING_LABELS["zh"][value]:
            return value
    return None


def make_scheduler(desired_retention: float = DEFAULT_RETENTION, *, fuzz: bool = True) -> Scheduler:
    if not MIN_RETENTION <= desired_retention <= MAX_RETENTION:
        raise ValueError(
            f"desired retention must be between {MIN_RETENTION} and {MAX_RETENTION}, "
            f"not {desired_retention}"
        )
    return Scheduler(desired_retention=desired_retention, enable_fuzzing=fuzz)


@overload
def _utc(dt: datetime) -> datetime: ...
@overload
def _utc(dt: None) -> None: ...
def _utc(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime: kb uses timezone-aware UTC datetimes")
    return dt.astimezone(timezone.utc)


def _card_id(item_id: str) -> int:
    return zlib.crc32(item_id.encode("utf-8"))


def to_fsrs(state: CardState | None, item_id: str, now: datetime) -> Card:
    if state is None:
        return Card(card_id=_card_id(item_id), due=_utc(now))
    return Card(
        card_id=_card_id(item_id),
        state=State(state.state),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=_utc(state.due),
        last_review=_utc(state.last_review),
    )


def apply_rating(
    scheduler: Scheduler, before: CardState | None, item_id: str, rating: int, now: datetime
) -> CardState:
    """The card after answering ``item_id`` with ``rating`` at ``now``."""
    now = _utc(now)
    card, _log = scheduler.review_card(to_fsrs(before, item_id, now), Rating(int(rating)), now)
    lapse = before is not None and before.state == REVIEW and int(rating) == AGAIN
    return CardState(
        item_id=item_id,
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        last_rating=int(rating),
        reps=(before.reps if before else 0) + 1,
        lapses=(before.lapses if before else 0) + (1 if lapse else 0),
    )


def replay(
    scheduler: Scheduler, item_id: str, ratings: list[tuple[datetime, int]]
) -> CardState | None:
    """The card that a sequence of ``(time, rating)`` answers produces (used when two
    review histories of one item are merged)."""
    state: CardState | None = None
    for at, rating in sorted(ratings, key=lambda r: r[0]):
        state = apply_rating(scheduler, state, item_id, rating, at)
    return state


def retrievability(scheduler: Scheduler, state: CardState | None, now: datetime) -> float:
    """The probability of recalling the item at ``now`` (0 for a never-seen item)."""
    if state is None or state.last_review is None or not state.stability:
        return 0.0
    return float(scheduler.get_card_retrievability(to_fsrs(state, state.item_id, now), _utc(now)))
