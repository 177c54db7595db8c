"""Learners are rows: every progress row belongs to a learner, so that one database
(PostgreSQL) can hold a whole class.

Adds ``learner`` to cards, review_log, exercise_attempts, exercise_unlocks, settings and
reads; keys and unique constraints start with it (a card is one learner's card of one
item; a review's uid is unique per learner, so that an export imports under another
name). The rows already there belong to the learner who opens the store with this kb
(``--user`` / ``KB_USER``, else the OS user; ``learner`` when the OS has no name for
its user): a single-learner store stays that learner's, nothing is lost.

On SQLite the tables are rebuilt (Alembic batch mode) in an order that keeps the
foreign key from review_log to cards valid at every step: review_log first lets go of
cards, cards gets its new key, then review_log refers to it again.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LEARNER = sa.String(100)
TABLES = ("cards", "review_log", "exercise_attempts", "exercise_unlocks", "settings", "reads")


def _learner() -> str:
    config = op.get_context().config
    name = config.attributes.get("learner") if config is not None else None
    if not name:  # a developer running `alembic upgrade` by hand
        from kb.progress.learner import current_learner

        name = current_learner()
    return name


def upgrade() -> None:
    learner = _learner()
    # 1. the column, filled with the store's one learner
    for table in TABLES:
        op.add_column(table, sa.Column("learner", LEARNER, nullable=True))
        op.execute(sa.table(table, sa.column("learner")).update().values(learner=learner))

    # 2. the review log lets go of cards; its keys start with the learner
    with op.batch_alter_table("review_log") as b:
        b.drop_constraint("fk_review_log_item_id_cards", type_="foreignkey")
        b.drop_constraint("uq_review_log_uid", type_="unique")
        b.drop_index("ix_review_log_item_at")
        b.alter_column("learner", existing_type=LEARNER, nullable=False)
        b.create_unique_constraint("uq_review_log_learner_uid", ["learner", "uid"])
        b.create_index("ix_review_log_learner_item_at", ["learner", "item_id", "at"])
        b.create_index("ix_review_log_learner_at", ["learner", "at"])

    # 3. a card is one learner's card of one item
    with op.batch_alter_table("cards") as b:
        b.drop_index("ix_cards_due")
        b.drop_constraint("pk_cards", type_="primary")
        b.alter_column("learner", existing_type=LEARNER, nullable=False)
        b.create_primary_key("pk_cards", ["learner", "item_id"])
        b.create_index("ix_cards_learner_due", ["learner", "due"])

    # 4. the review log refers to the learner's card again
    with op.batch_alter_table("review_log") as b:
        b.create_foreign_key("fk_review_log_learner_cards", "cards", ["learner", "item_id"],
                             ["learner", "item_id"])

    with op.batch_alter_table("exercise_attempts") as b:
        b.drop_constraint("uq_exercise_attempts_uid", type_="unique")
        b.drop_index("ix_exercise_attempts_exercise_at")
        b.alter_column("learner", existing_type=LEARNER, nullable=False)
        b.create_unique_constraint("uq_exercise_attempts_learner_uid", ["learner", "uid"])
        b.create_index("ix_exercise_attempts_learner_exercise_at", ["learner", "exercise_id", "at"])

    for table, key in (("exercise_unlocks", "exercise_id"), ("settings", "key"), ("reads", "entry_id")):
        with op.batch_alter_table(table) as b:
            b.drop_constraint(f"pk_{table}", type_="primary")
            b.alter_column("learner", existing_type=LEARNER, nullable=False)
            b.create_primary_key(f"pk_{table}", ["learner", key])


def downgrade() -> None:
    raise NotImplementedError("the progress store is never downgraded: it is user data")
