"""Initial progress store: FSRS cards, the review log, exercise attempts and unlocks,
settings.

This revision has shipped: never edit it. Change the schema with a new revision.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "cards",
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("due", TS, nullable=False),
        sa.Column("last_review", TS, nullable=True),
        sa.Column("last_rating", sa.Integer(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("item_id", name="pk_cards"),
    )
    op.create_index("ix_cards_due", "cards", ["due"])

    op.create_table(
        "review_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uid", sa.String(64), nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("state_before", sa.Integer(), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_review_log"),
        sa.UniqueConstraint("uid", name="uq_review_log_uid"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["cards.item_id"], name="fk_review_log_item_id_cards"
        ),
    )
    op.create_index("ix_review_log_at", "review_log", ["at"])
    op.create_index("ix_review_log_item_at", "review_log", ["item_id", "at"])

    op.create_table(
        "exercise_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uid", sa.String(64), nullable=False),
        sa.Column("exercise_id", sa.String(200), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("hints_seen", sa.Integer(), nullable=False),
        sa.Column("solution_shown", sa.Boolean(), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_exercise_attempts"),
        sa.UniqueConstraint("uid", name="uq_exercise_attempts_uid"),
    )
    op.create_index(
        "ix_exercise_attempts_exercise_at", "exercise_attempts", ["exercise_id", "at"]
    )

    op.create_table(
        "exercise_unlocks",
        sa.Column("exercise_id", sa.String(200), nullable=False),
        sa.Column("hints_unlocked", sa.Integer(), nullable=False),
        sa.Column("solution_unlocked", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("exercise_id", name="pk_exercise_unlocks"),
    )

    op.create_table(
        "settings",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value_json", sa.Text(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )


def downgrade() -> None:
    raise NotImplementedError("the progress store is never downgraded: it is user data")
