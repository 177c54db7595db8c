"""The everyday calls on a current local store run as SQL text on the store's own sqlite3
connection, without importing SQLAlchemy; what they write reads back the same through
SQLAlchemy's models, and the reverse (both ways store datetimes alike)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from kb.progress import open_store

T0 = datetime(2025, 3, 1, 9, 0, 0, 250_000, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parents[2]


def _url(tmp_path: Path) -> str:
    return "sqlite:///" + str(tmp_path / "progress.sqlite")


def test_everyday_calls_on_a_current_file_import_no_sqlalchemy(tmp_path):
    url = _url(tmp_path)
    with open_store(url, learner="ada") as store:  # creates the file (Alembic, SQLAlchemy)
        store.record_review("q1", 3, now=T0)
        store.unlock_hint("sigmoid")
    program = f"""
import json, sys
from datetime import datetime, timezone
from kb.progress import open_store
store = open_store({url!r}, learner="ada", clock=lambda: datetime(2025, 4, 1, tzinfo=timezone.utc))
store.record_attempt("sigmoid", "pass", 0.5, store.hints_unlocked("sigmoid"), store.solution_unlocked("sigmoid"), "{{}}")
out = {{
    "statuses": store.exercise_statuses(),
    "cards": sorted(store.cards(["q1", "q2"])),
    "due": [i for i, _ in store.due_items()],
    "attempts": [a.status for a in store.attempts("sigmoid")],
    "hints": store.hints_unlocked("sigmoid"),
    "setting": store.get_setting("new_per_session"),
    "reads": store.read_entries(),
}}
store.close()
out["sqlalchemy"] = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic"))
print(json.dumps(out))
"""
    env = {**os.environ, "KB_HOME": str(tmp_path / "home")}
    proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out == {"statuses": {"sigmoid": "passed"}, "cards": ["q1"], "due": ["q1"], "attempts": ["pass"],
                   "hints": 1, "setting": 10, "reads": {}, "sqlalchemy": []}


def test_statement_rows_and_model_rows_read_back_alike(tmp_path):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from kb.progress.models import AttemptRow, CardRow

    with open_store(_url(tmp_path), learner="ada") as store:
        store.record_attempt("relu", "fail", 1.25, 0, False, None, now=T0)  # a statement
        outcome = store.record_review("q1", 3, now=T0 + timedelta(minutes=1))  # the ORM
        store.mark_read("relu", now=T0)  # the ORM
        with Session(store.engine) as s:  # the statement's row, through the models
            row = s.scalars(select(AttemptRow)).one()
            card_due = s.scalars(select(CardRow.due)).one()
        assert (row.at, row.status, row.duration_s, row.solution_shown) == (T0, "fail", 1.25, False)
        # the ORM's rows, through the statements: the same aware datetimes
        assert store.attempts()[0].at == T0
        assert store.card("q1") == outcome.after and store.card("q1").due == card_due
        assert store.read_entries() == {"relu": T0}
        assert store.due_items(outcome.after.due) == [("q1", outcome.after.due)]
        assert store.due_items(outcome.after.due - timedelta(microseconds=1)) == []


def test_a_view_as_another_learner_shares_the_connection_and_its_rows_stay_apart(tmp_path):
    with open_store(_url(tmp_path), learner="ada") as store:
        bob = store.as_learner("bob")
        bob.record_attempt("relu", "pass", 1.0, 0, False)
        store.record_attempt("relu", "fail", 1.0, 0, False)
        assert bob.exercise_statuses() == {"relu": "passed"}
        assert store.exercise_statuses() == {"relu": "attempted"}
        bob.close()  # a view leaves the store open
        assert store.attempts("relu")[0].status == "fail"


def test_a_store_another_process_keeps_locked_is_a_clear_error_and_nothing_is_half_written(tmp_path, monkeypatch):
    import sqlite3

    import pytest

    from kb.progress import ProgressStoreError

    monkeypatch.setattr("kb.progress.store.BUSY_TIMEOUT_MS", 200)
    url = _url(tmp_path)
    with open_store(url, learner="ada") as store:
        store.record_attempt("relu", "fail", 1.0, 0, False)
    other = sqlite3.connect(tmp_path / "progress.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another kb writing
    try:
        with open_store(url, learner="ada") as store:
            with pytest.raises(ProgressStoreError, match="locked"):
                store.record_attempt("relu", "pass", 1.0, 0, False)
            assert store.exercise_statuses() == {"relu": "attempted"}  # reads go on (WAL)
    finally:
        other.execute("ROLLBACK")
        other.close()
    with open_store(url, learner="ada") as store:
        store.record_attempt("relu", "pass", 1.0, 0, False)  # the lock gone, the write lands
        assert [a.status for a in store.attempts("relu")] == ["fail", "pass"]
