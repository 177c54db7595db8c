"""SQLAlchemy 2 models of the progress store.

The store is user data: every table here is created and changed only by an Alembic
revision in ``kb/progress/migrations/versions``. Change a model, then add a revision
(never edit one that has shipped) and add its id to ``REVISIONS``.

Every row belongs to a learner (``learner``, the ``--user`` / ``KB_USER`` name; revision
0003): the keys and unique constraints start with it, and the store filters every query
by it, so learners sharing one database see only their own rows.

Datetimes are timezone-aware UTC in Python. On SQLite they are stored as fixed-width
naive UTC strings (so that ordering and the ``due`` index work); on PostgreSQL as
``timestamp with time zone``.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    MetaData,
    Boolean,
    DateTime,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kb.progress.revisions import HEAD, REVISIONS  # noqa: F401  (where migrations look)

LEARNER_CHARS = 100  # the learner column is String(100)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend. Naive datetimes are refused:
    a naive value is a bug (whose local time?), not something to guess about."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: use timezone-aware UTC")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


# Deterministic constraint names, so that the migrations can name them too and a
# PostgreSQL store can be altered later without guessing generated names.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class CardRow(Base):
    """The FSRS state of one quiz item. Never deleted: an item that leaves the content
    keeps its card (and its log) and resumes it if it comes back."""

    __tablename__ = "cards"
    __table_args__ = (Index("ix_cards_learner_due", "learner", "due"),)

    learner: Mapped[str] = mapped_column(String(LEARNER_CHARS), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[int] = mapped_column(Integer)  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)
    difficulty: Mapped[float | None] = mapped_column(Float, nullable=True)
    due: Mapped[datetime] = mapped_column(UTCDateTime)
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)


class ReviewRow(Base):
    """One answer ever given. Append-only; ``uid`` makes import idempotent."""

    __tablename__ = "review_log"
    __table_args__ = (
        ForeignKeyConstraint(["learner", "item_id"], ["cards.learner", "cards.item_id"],
                             name="fk_review_log_learner_cards"),
        UniqueConstraint("learner", "uid", name="uq_review_log_learner_uid"),
        Index("ix_review_log_learner_item_at", "learner", "item_id", "at"),
        Index("ix_review_log_learner_at", "learner", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner: Mapped[str] = mapped_column(String(LEARNER_CHARS))
    uid: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    rating: Mapped[int] = mapped_column(Integer)  # fsrs.Rating 1..4
    state_before: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: new card
    correct: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AttemptRow(Base):
    """One ``kb exercise check`` (or TUI check) of an exercise."""

    __tablename__ = "exercise_attempts"
    __table_args__ = (
        UniqueConstraint("learner", "uid", name="uq_exercise_attempts_learner_uid"),
        Index("ix_exercise_attempts_learner_exercise_at", "learner", "exercise_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner: Mapped[str] = mapped_column(String(LEARNER_CHARS))
    uid: Mapped[str] = mapped_column(String(64))
    exercise_id: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(32))
    duration_s: Mapped[float] = mapped_column(Float)
    hints_seen: Mapped[int] = mapped_column(Integer)
    solution_shown: Mapped[bool] = mapped_column(Boolean)
    report_json: Mapped[str | None] = mapped_column(Text, nullable=True)


class UnlockRow(Base):
    __tablename__ = "exercise_unlocks"

    learner: Mapped[str] = mapped_column(String(LEARNER_CHARS), primary_key=True)
    exercise_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    hints_unlocked: Mapped[int] = mapped_column(Integer, default=0)
    solution_unlocked: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SettingRow(Base):
    __tablename__ = "settings"

    learner: Mapped[str] = mapped_column(String(LEARNER_CHARS), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value_json: Mapped[str] = mapped_column(Text)  # JSON-encoded value
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReadRow(Base):
    """Entries the learner has opened (revision 0002): the state of ``read`` path steps."""

    __tablename__ = "reads"

    learner: Mapped[str] = mapped_column(String(LEARNER_CHARS), primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer, default=1)
