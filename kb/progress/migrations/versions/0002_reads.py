"""Remember which entries the learner has read: the state of ``read`` steps in
learning paths.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reads",
        sa.Column("entry_id", sa.String(200), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", name="pk_reads"),
    )


def downgrade() -> None:
    raise NotImplementedError("the progress store is never downgraded: it is user data")
