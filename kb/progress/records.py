"""Plain records the store hands out (no SQLAlchemy here: the TUI and the quiz code
import these without paying for the ORM)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# fsrs.State values, mirrored so that readers need not import fsrs.
LEARNING, REVIEW, RELEARNING = 1, 2, 3
STATE_NAMES = {LEARNING: "learning", REVIEW: "review", RELEARNING: "relearning"}
# A quiz answer is a letter, a number or a phrase; the log keeps at most this much of one
# (the store cuts longer ones, an import refuses them), so every export imports again.
MAX_ANSWER_CHARS = 4096


@dataclass(frozen=True)
class CardState:
    """The FSRS state of one quiz item."""

    item_id: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    last_rating: int | None = None
    reps: int = 0
    lapses: int = 0


@dataclass(frozen=True)
class Review:
    """One answer in the review log."""

    uid: str
    item_id: str
    at: datetime
    rating: int  # 1 Again, 2 Hard, 3 Good, 4 Easy
    state_before: int | None  # None: the item was new
    correct: bool | None
    answer: str | None
    duration_ms: int | None


@dataclass(frozen=True)
class Attempt:
    """One check of an exercise."""

    uid: str
    exercise_id: str
    at: datetime
    status: str
    duration_s: float
    hints_seen: int
    solution_shown: bool
    report_json: str | None = None


@dataclass(frozen=True)
class ReviewOutcome:
    """What ``record_review`` did: the card before (None if new) and after, and the
    log entry written."""

    before: CardState | None
    after: CardState
    review: Review
