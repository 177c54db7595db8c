"""`kb class report`: every learner of a shared store side by side, and where the class
is stuck. The figures are checked on both backends (``backend``); the command itself
needs PostgreSQL and refuses a single learner's SQLite file."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta, timezone

import pytest

from kb.progress import open_store, stats
from kb.progress.classroom import class_report, first_failing_check

T0 = datetime(2025, 3, 10, 12, 0, tzinfo=timezone.utc)
MSG = {"en": "m", "zh": "m"}


def report(status: str, checks: list[tuple[str, str]]) -> str:
    return json.dumps({"status": status, "message": MSG,
                       "checks": [{"name": n, "status": s, "message": MSG} for n, s in checks]})


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


def fill_class(url: str, clock: Clock) -> None:
    """ann: diligent, passed sigmoid and relu; bob: stuck on sigmoid's stability check,
    then on relu's gradient; cy: stuck on sigmoid's stability too, answered long ago;
    dee: only read an entry."""
    def at(days_ago: float) -> datetime:
        return T0 - timedelta(days=days_ago)

    with open_store(url, clock=clock, learner="ann") as ann:
        for i, d in enumerate([20, 12, 3, 1]):
            ann.record_review("q1", 3, now=at(d), correct=True, fuzz=False)
            ann.record_review("q2", 3 if i % 2 else 1, now=at(d), correct=bool(i % 2), fuzz=False)
        ann.record_attempt("sigmoid", "fail", 1, 0, False, report_json=report("fail", [("values", "fail")]),
                           now=at(2))
        ann.record_attempt("sigmoid", "pass", 1, 0, False, report_json=report("pass", [("values", "pass")]),
                           now=at(1))
        ann.record_attempt("relu", "pass", 1, 0, False, now=at(0.5))
    with open_store(url, clock=clock, learner="bob") as bob:
        bob.record_review("q1", 4, now=at(2), correct=True, fuzz=False)
        for _ in range(3):  # three tries, all on the same check: counted once
            bob.record_attempt("sigmoid", "fail", 1, 0, False, now=at(1.5),
                               report_json=report("fail", [("values", "pass"), ("stability", "fail"),
                                                           ("immutability", "fail")]))
        bob.record_attempt("relu", "fail", 1, 0, False, now=at(0.1),
                           report_json=report("fail", [("gradient", "fail")]))
    with open_store(url, clock=clock, learner="cy") as cy:
        cy.record_review("q1", 2, now=at(40), correct=False, fuzz=False)
        cy.record_attempt("sigmoid", "fail", 1, 0, False, now=at(30),
                          report_json=report("fail", [("values", "pass"), ("stability", "timeout")]))
        cy.record_attempt("sigmoid", "error", 1, 0, False, now=at(29), report_json=report("error", []))
        cy.record_attempt("mse", "error", 1, 0, False, now=at(29), report_json="{not json")
    with open_store(url, clock=clock, learner="dee") as dee:
        dee.mark_read("relu", now=at(0.25))


@pytest.fixture
def clock():
    return Clock()


def test_first_failing_check():
    assert first_failing_check(report("fail", [("a", "pass"), ("b", "fail"), ("c", "fail")])) == "b"
    assert first_failing_check(report("pass", [("a", "pass")])) is None
    assert first_failing_check(report("error", [])) is None
    for bad in (None, "", "{", "[]", '{"status": "fail"}'):
        assert first_failing_check(bad) is None


def test_class_figures_per_learner_and_per_exercise(backend, clock):
    fill_class(backend.url, clock)
    tags = {"basics": ["q1", "q2"], "extra": ["q3"]}
    exercise_ids = ["sigmoid", "relu", "mse", "softmax"]
    with open_store(backend.url, clock=clock, learner="teacher") as store:
        data = class_report(store, items_by_tag=tags, exercise_ids=exercise_ids)
        json.dumps(data)  # plain data
        by = {r["learner"]: r for r in data["learners"]}
        assert list(by) == ["ann", "bob", "cy", "dee"]  # the teacher has no rows: not a learner
        assert {n: r["exercises_passed"] for n, r in by.items()} == {"ann": 2, "bob": 0, "cy": 0, "dee": 0}
        assert {n: r["exercises_attempted"] for n, r in by.items()} == {"ann": 2, "bob": 2, "cy": 2, "dee": 0}
        assert {n: r["reviews_7d"] for n, r in by.items()} == {"ann": 4, "bob": 1, "cy": 0, "dee": 0}
        assert by["ann"]["last_active"] == (T0 - timedelta(days=0.5)).isoformat()
        assert by["bob"]["last_active"] == (T0 - timedelta(days=0.1)).isoformat()
        assert by["dee"]["last_active"] == (T0 - timedelta(days=0.25)).isoformat()
        # each learner's figures are the ones their own `kb progress` shows
        for name in by:
            with open_store(backend.url, clock=clock, learner=name) as own:
                ret = stats.retention(own)
                mastery = {m["tag"]: round(m["mastery"], 4) for m in stats.mastery_by_tag(own, tags)}
            assert by[name]["true_retention"] == ret["recent"]["true_retention"]
            assert by[name]["true_retention_all_time"] == ret["all_time"]["true_retention"]
            assert by[name]["mastery_by_tag"] == mastery
        assert by["ann"]["true_retention"] is not None and by["dee"]["true_retention"] is None
        assert by["dee"]["mastery_by_tag"] == {"basics": 0.0, "extra": 0.0}
        assert by["ann"]["mastery_by_tag"]["basics"] > 0.5

        ex = {e["exercise"]: e for e in data["exercises"]}
        assert [e["exercise"] for e in data["exercises"]] == exercise_ids
        assert (ex["sigmoid"]["passed"], ex["sigmoid"]["attempted"], ex["sigmoid"]["stuck_learners"]) == (1, 3, 2)
        # ann failed "values" once but passed since: the class is stuck on stability
        assert ex["sigmoid"]["stuck_on"] == {"check": "stability", "status": None, "learners": 2}
        assert ex["relu"]["passed"] == 1 and ex["relu"]["stuck_on"]["check"] == "gradient"
        # no check ran: the run's status says why
        assert ex["mse"]["stuck_on"] == {"check": None, "status": "error", "learners": 1}
        assert ex["softmax"] == {"exercise": "softmax", "passed": 0, "attempted": 0, "stuck_learners": 0,
                                 "stuck_on": None}
        basics = next(m for m in data["mastery_by_tag"] if m["tag"] == "basics")
        assert basics["mastery"] == pytest.approx(sum(r["mastery_by_tag"]["basics"] for r in by.values()) / 4)
        # reading the class changed nobody's data
        assert store.learners() == ["ann", "bob", "cy", "dee"]


def test_class_report_refuses_a_single_learner_sqlite_store(kb, kb_home, monkeypatch):
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    for lang, word in (("en", "KB_DATABASE_URL"), ("zh", "共享")):
        res = kb("--lang", lang, "class", "report")
        assert res.code == 5 and res.out == ""  # unavailable (kb.errors)
        assert len(res.err.strip().splitlines()) == 1 and word in res.err
    assert not (kb_home / "data" / "progress.sqlite").exists()  # refused before creating it
    monkeypatch.setenv("KB_DATABASE_URL", f"sqlite:///{kb_home / 'elsewhere.sqlite'}")
    assert kb("class", "report", "--json").code == 5


def test_class_report_command_on_postgres(kb, postgres_backend, pack, tmp_path, clock, monkeypatch):
    fill_class(postgres_backend.url, clock)
    monkeypatch.setenv("KB_DATABASE_URL", postgres_backend.url)
    res = kb("--content", str(pack), "class", "report", "--json")
    assert res.code == 0, res.err
    data = res.json()
    assert [r["learner"] for r in data["learners"]] == ["ann", "bob", "cy", "dee"]
    assert {m["tag"] for m in data["mastery_by_tag"]}  # tags from the pack's quiz

    out = tmp_path / "class.csv"
    res = kb("--content", str(pack), "class", "report", "--csv", str(out))
    assert res.code == 0, res.err
    lines = res.out.splitlines()
    assert lines[0].startswith("Class report — 4 learners")
    assert any(line.startswith("ann ") for line in lines) and any(line.startswith("dee ") for line in lines)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["learner"] for r in rows] == ["ann", "bob", "cy", "dee"]
    assert rows[0]["exercises_passed"] == "0"  # the pack has no exercises: measured against the content
    assert any(k.startswith("mastery:") for k in rows[0])

    res = kb("--lang", "zh", "--content", str(pack), "class", "report")
    assert res.code == 0 and res.out.startswith("班级报告 — 4 名学习者")


def test_render_shows_where_the_class_is_stuck(backend, clock):
    from kb.cli.classroom import render_report

    fill_class(backend.url, clock)
    with open_store(backend.url, clock=clock) as store:
        data = class_report(store, items_by_tag={"basics": ["q1", "q2"]}, exercise_ids=["sigmoid", "relu", "mse"])
    text = "\n".join(render_report(data, "en"))
    assert "stability — 2 learners" in text and "(error) — 1 learner" in text
    assert "basics" in text and "weakest tag" in text
    zh = "\n".join(render_report(data, "zh"))
    assert "stability — 2 人" in zh and "最常见的未通过检查" in zh
