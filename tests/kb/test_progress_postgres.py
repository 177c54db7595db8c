"""The same store on PostgreSQL (no SQLite-only SQL). Runs only when
KB_TEST_POSTGRES_URL names a database the test may empty, e.g.
``postgresql+psycopg://kbtest:kbtest@localhost/kbtest``; skipped otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

URL = os.environ.get("KB_TEST_POSTGRES_URL", "")
pytestmark = pytest.mark.skipif(not URL, reason="set KB_TEST_POSTGRES_URL to run against PostgreSQL")

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pg_url(tmp_path, monkeypatch):
    from sqlalchemy import create_engine, text

    monkeypatch.setenv("KB_HOME", str(tmp_path / "home"))
    engine = create_engine(URL)
    with engine.begin() as conn:
        for table in ("review_log", "cards", "exercise_attempts", "exercise_unlocks", "settings", "reads",
                      "alembic_version"):
            conn.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()
    monkeypatch.setenv("KB_DATABASE_URL", URL)
    return URL


def test_whole_api_on_postgres(pg_url, tmp_path):
    from kb.progress import open_store, stats
    from kb.progress.transfer import export_data, import_data

    clock = {"now": T0}
    with open_store(clock=lambda: clock["now"]) as s:
        assert not s.is_sqlite
        s.record_attempt("sigmoid", "fail", 1.5, 0, False)
        s.record_attempt("sigmoid", "pass", 0.5, 1, False, report_json="{}")
        assert [a.status for a in s.attempts("sigmoid")] == ["fail", "pass"]
        assert s.attempts("sigmoid")[0].at == T0
        assert s.unlock_hint("sigmoid") == 1 and s.hints_unlocked("sigmoid") == 1
        s.unlock_solution("sigmoid")
        assert s.solution_unlocked("sigmoid")
        s.set_setting("lang", "zh")
        assert s.get_setting("lang") == "zh"
        s.mark_read("neuron")
        assert s.was_read("neuron")
        for item, rating in [("a", 1), ("b", 3), ("c", 4)]:
            s.record_review(item, rating, correct=rating > 1, fuzz=False)
        clock["now"] += timedelta(minutes=11)
        assert [i for i, _ in s.due_items()] == ["a", "b"]
        assert s.next_due(item_ids={"b"}) == "b"
        out = stats.summary(s, item_ids=["a", "b", "c"], items_by_tag={"t": ["a", "c"]}, exercise_ids=["sigmoid"])
        assert out["due_now"] == 2 and out["exercises"]["passed"] == 1
        assert out["reviews_last_year"] == 3
        data = export_data(s)
        res = import_data(s, data)
        assert res.reviews_added == 0 and res.reviews_skipped == 3
        assert s.card("c").due.tzinfo is timezone.utc
    with open_store() as again:  # reopen: already at head
        assert again.review_count() == 3


WRITER = textwrap.dedent(
    """
    import sys
    from kb.progress import open_store
    name = sys.argv[1]
    s = open_store()
    for i in range(60):
        s.record_review(f"shared-{i % 4}", 3, answer=name)
    """
)


def test_two_processes_on_postgres(pg_url, tmp_path):
    env = dict(os.environ, KB_DATABASE_URL=pg_url, KB_HOME=str(tmp_path / "home"),
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, n], env=env, stderr=subprocess.PIPE, text=True)
             for n in ("a", "b")]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    from kb.progress import open_store

    with open_store() as s:
        log = s.reviews()
        assert len(log) == 120
        for item, card in s.cards().items():
            assert card.reps == sum(1 for r in log if r.item_id == item)
