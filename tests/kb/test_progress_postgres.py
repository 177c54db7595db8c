"""The same store on PostgreSQL (no SQLite-only SQL). Runs when KB_TEST_POSTGRES_URL
names a server (``source .ci/postgres.sh`` starts a throwaway one; CI does); each test
gets a fresh schema. Skipped otherwise. The rest of the progress suite runs on both
backends through the ``backend`` fixture (tests/kb/conftest.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone

import pytest

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def pg_url(postgres_backend, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KB_DATABASE_URL", postgres_backend.url)
    return postgres_backend.url


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


def test_two_processes_on_postgres(pg_url, postgres_backend, tmp_path):
    env = postgres_backend.env(KB_HOME=str(tmp_path / "home"))
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


LEARNER = textwrap.dedent(
    """
    import sys
    from kb.progress import open_store
    s = open_store()   # KB_USER names the learner
    uids = []
    for i in range(40):
        uids.append(s.record_review(f"item-{i % 5}", 1 + i % 4, answer=s.learner).review.uid)
        if i % 8 == 0:
            s.record_attempt("sigmoid", "fail", 0.1, 0, False)
    print(" ".join(uids))
    """
)


def test_learners_writing_at_once_keep_their_rows_apart(pg_url, postgres_backend, tmp_path):
    """Four learners in four processes answer the same item ids at once: each ends with
    exactly their own log and cards."""
    names = ["ann", "bob", "张三", "dana"]
    procs = {n: subprocess.Popen([sys.executable, "-c", LEARNER],
                                 env=postgres_backend.env(KB_HOME=str(tmp_path / "home"), KB_USER=n),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in names}
    printed = {}
    for n, p in procs.items():
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        printed[n] = set(out.split())
    from kb.progress import open_store

    with open_store() as s:
        assert s.learners() == sorted(names)
        for n in names:
            me = s.as_learner(n)
            log = me.reviews()
            assert {r.uid for r in log} == printed[n] and {r.answer for r in log} == {n}
            assert sorted(me.cards()) == [f"item-{i}" for i in range(5)]
            assert all(c.reps == 8 for c in me.cards().values())
            assert len(me.attempts("sigmoid")) == 5
