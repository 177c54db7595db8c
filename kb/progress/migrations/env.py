"""Alembic environment for the progress store.

``kb.progress.store`` runs migrations programmatically and hands the open connection
over in ``config.attributes["connection"]``; nothing here reads an ini file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic import context

from kb.progress.models import Base

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:  # pragma: no cover - only for a developer's `alembic` CLI
        from sqlalchemy import create_engine

        from kb.progress.store import default_url

        engine = create_engine(context.config.get_main_option("sqlalchemy.url") or default_url())
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover
    raise SystemExit("the progress store is migrated online only")
run_migrations_online()
