"""The figures of `kb progress`, with a fixed clock."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kb.progress import open_store
from kb.progress import stats

T0 = datetime(2025, 3, 10, 12, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, monkeypatch, clock, backend):
    """The same figures from SQLite and PostgreSQL (``backend``)."""
    monkeypatch.setenv("KB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    with open_store(backend.url, clock=clock) as s:
        yield s


def test_empty_store(store):
    out = stats.summary(store)
    assert out["due_now"] == 0
    assert [d["due"] for d in out["forecast"]] == [0] * 14
    assert out["retention"]["recent"]["true_retention"] is None
    assert out["retention"]["desired"] == 0.9
    assert len(out["reviews_per_day"]) == 365 and out["reviews_last_year"] == 0
    assert out["exercises"] == {"passed": 0, "attempted": 0, "total": None, "passed_ids": []}
    json.dumps(out)  # plain data


def test_forecast_buckets_and_overdue_counts_today(store, clock):
    clock.now = T0 - timedelta(days=3)
    store.record_review("overdue", 1, fuzz=False)  # Again: due a minute later, 3 days ago
    clock.now = T0
    store.record_review("soon", 3, fuzz=False)  # due in 10 minutes: today
    store.record_review("far", 4, fuzz=False)
    far_due = store.card("far").due
    fc = stats.forecast(store)
    assert fc[0]["date"] == "2025-03-10"
    days = {d["date"]: d["due"] for d in fc}
    assert days["2025-03-10"] == 2  # the overdue one and the one due in 10 minutes
    assert days[far_due.date().isoformat()] == 1
    assert sum(days.values()) == 3
    assert stats.forecast(store, item_ids={"soon"})[0]["due"] == 1


def test_forecast_in_local_time(store, clock):
    clock.now = datetime(2025, 3, 10, 15, 0, tzinfo=timezone.utc)  # 23:00 in Shanghai
    store.record_review("x", 3, fuzz=False)  # due 15:10 UTC = 23:10 Shanghai, same local day
    shanghai = stats.forecast(store, tz=ZoneInfo("Asia/Shanghai"))
    assert shanghai[0] == {"date": "2025-03-10", "due": 1}


def test_true_retention_counts_only_review_state(store, clock):
    store.set_setting("desired_retention", 0.85)
    # graduate three items into the review state
    for item in ("a", "b", "c"):
        store.record_review(item, 4, correct=True, fuzz=False)
    clock.now += timedelta(days=20)
    store.record_review("a", 3, correct=True, fuzz=False)
    store.record_review("b", 3, correct=True, fuzz=False)
    store.record_review("c", 1, correct=False, fuzz=False)
    r = stats.retention(store)
    assert r["desired"] == 0.85
    assert r["recent"]["reviews"] == 3 and r["recent"]["passed"] == 2
    assert r["recent"]["true_retention"] == pytest.approx(2 / 3)
    assert r["all_time"]["answers"] == 6 and r["all_time"]["accuracy"] == pytest.approx(5 / 6)


def test_reviews_per_day_and_streak(store, clock):
    for days_ago, n in [(0, 2), (1, 1), (2, 3), (5, 1), (400, 1)]:
        clock.now = T0 - timedelta(days=days_ago)
        for i in range(n):
            store.record_review(f"i{days_ago}-{i}", 3, fuzz=False)
    clock.now = T0
    per_day = stats.reviews_per_day(store)
    assert per_day[-1] == {"date": "2025-03-10", "reviews": 2}
    assert [d["reviews"] for d in per_day[-6:]] == [1, 0, 0, 3, 1, 2]
    assert sum(d["reviews"] for d in per_day) == 7  # the one 400 days ago is outside
    assert stats.streak(per_day) == 3


def test_mastery_by_tag(store, clock):
    store.record_review("a", 4, fuzz=False)
    store.record_review("b", 1, fuzz=False)
    out = stats.mastery_by_tag(store, {"activations": ["a", "b", "c"], "empty": []})
    act = out[0]
    assert (act["tag"], act["items"], act["seen"], act["mature"]) == ("activations", 3, 2, 0)
    assert 0 < act["mastery"] <= 2 / 3
    assert out[1]["mastery"] == 0.0


def test_exercises_passed(store):
    store.record_attempt("sigmoid", "fail", 1, 0, False)
    store.record_attempt("sigmoid", "pass", 1, 0, False)
    store.record_attempt("relu", "timeout", 1, 0, False)
    store.record_attempt("gone", "pass", 1, 0, False)
    ex = stats.exercises(store, ["sigmoid", "relu", "mse"])
    assert ex == {"passed": 1, "attempted": 2, "total": 3, "passed_ids": ["sigmoid"]}


def test_summary_scoped_to_the_content(store, clock):
    store.record_review("a", 1, fuzz=False)
    store.record_review("vanished", 1, fuzz=False)
    clock.now += timedelta(minutes=5)
    out = stats.summary(store, item_ids=["a", "b"], items_by_tag={"t": ["a", "b"]}, exercise_ids=[])
    assert out["due_now"] == 1
    assert out["items"] == {"total": 2, "seen": 1, "new": 1}
    assert out["mastery_by_tag"][0]["tag"] == "t"
    json.dumps(out)
