"""A teacher grades a folder of submissions: each gets the verdict `kb exercise check`
gives that file, in parallel sandboxes; anything that is not a submission is reported,
never guessed at."""

from __future__ import annotations

import argparse
import csv
import json

import pytest

import engine
from kb import exercises
from kb.app.grading import find_submissions, grade
from kb.cli.grade import cmd_grade

SIGMOID_NAIVE = "import numpy as np\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n"
CRASH = "import os\ndef relu(x):\n    os._exit(3)\ndef relu_backward(dout, x):\n    return dout\n"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_HOME", str(tmp_path / "home"))
    root = tmp_path / "class"
    for learner, ident, source in [
        ("alice", "sigmoid", exercises.load("sigmoid").solution),
        ("alice", "relu", exercises.load("relu").starter),
        ("bob", "sigmoid", SIGMOID_NAIVE),
        ("bob", "relu", CRASH),
        ("carol", "mse", exercises.load("mse").solution),
    ]:
        (root / learner).mkdir(parents=True, exist_ok=True)
        (root / learner / f"{ident}.py").write_text(source, encoding="utf-8")
    (root / "bob" / "notes.txt").write_text("my notes")
    (root / "bob" / "sigmoid_v2.py").write_text(SIGMOID_NAIVE)
    (root / "README.md").write_text("submissions")
    return root


def test_submissions_are_found_and_everything_else_is_reported(folder):
    subs, skipped = find_submissions(folder, {"sigmoid", "relu", "mse"})
    assert [(learner, ident) for learner, ident, _ in subs] == [
        ("alice", "relu"), ("alice", "sigmoid"), ("bob", "relu"), ("bob", "sigmoid"), ("carol", "mse")]
    assert sorted(s.path for s in skipped) == ["README.md", "bob/notes.txt", "bob/sigmoid_v2.py"]
    assert "no exercise has the id 'sigmoid_v2'" in next(s.reason_en for s in skipped if s.path == "bob/sigmoid_v2.py")


def test_each_submission_gets_the_verdict_of_a_single_check(folder):
    run = grade(folder, jobs=2)
    assert not run.complete  # three files were not submissions
    got = {(r.learner, r.exercise): r.status for r in run.results}
    assert got == {("alice", "relu"): "not-started", ("alice", "sigmoid"): "pass", ("bob", "relu"): "crashed",
                   ("bob", "sigmoid"): "fail", ("carol", "mse"): "pass"}
    with engine.Worker() as worker:
        for r in run.results:
            single = exercises.check(exercises.load(r.exercise), folder / r.learner / f"{r.exercise}.py", worker=worker)
            assert single.status == r.status, (r.learner, r.exercise)
            assert r.checks_passed == sum(c.status == "pass" for c in single.checks)
    summary = {s.exercise: s for s in run.summaries()}
    assert summary["sigmoid"].passed == 1 and summary["sigmoid"].most_common_failure == "stability"


def _args(folder, **kw):
    return argparse.Namespace(dir=str(folder), jobs=kw.get("jobs", 2), json=kw.get("json", False),
                              csv=kw.get("csv"), lang=kw.get("lang", "en"), content=[])


def test_json_and_csv_are_one_row_per_submission_sorted(folder, capsys, tmp_path):
    code = cmd_grade(_args(folder, json=True, csv=str(tmp_path / "grades.csv")))
    out, err = capsys.readouterr()
    assert code == 1  # not every file could be graded: the three that are not submissions
    rows = json.loads(out)
    assert [(r["learner"], r["exercise"]) for r in rows] == sorted((r["learner"], r["exercise"]) for r in rows)
    assert set(rows[0]) == {"learner", "exercise", "status", "checks_passed", "checks_total", "seconds", "message"}
    assert "not graded: bob/notes.txt" in err and "not graded: README.md" in err
    with open(tmp_path / "grades.csv", encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == len(rows)


def test_a_clean_folder_exits_0_and_draws_the_grid_in_both_languages(folder, capsys):
    for junk in ("README.md", "bob/notes.txt", "bob/sigmoid_v2.py"):
        (folder / junk).unlink()
    assert cmd_grade(_args(folder)) == 0
    out = capsys.readouterr().out
    assert "alice" in out and "✓" in out and "☠" in out and "most often fails: stability" in out
    assert cmd_grade(_args(folder, lang="zh")) == 0
    out = capsys.readouterr().out
    assert "学习者" in out and "最常失败的检查" in out


def test_not_a_folder_is_a_clear_error(tmp_path, capsys):
    assert cmd_grade(_args(tmp_path / "missing")) == 3  # not found (kb.errors)
    assert "is not a folder" in capsys.readouterr().err
