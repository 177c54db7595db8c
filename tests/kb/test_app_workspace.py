"""kb.app.workspace: the exercise workspace's use cases that the CLI and the app share
(open, check and record, hints, the solution gate, what comes next), on a real store
and the real engine."""

from __future__ import annotations

import textwrap

import pytest

import engine
from kb import exercises
from kb.app.workspace import Workspace
from kb.progress import open_store

SIGMOID_OK = textwrap.dedent("""
    import numpy as np

    def sigmoid(x):
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
""")
SIGMOID_NAIVE = textwrap.dedent("""
    import numpy as np

    def sigmoid(x):
        return 1 / (1 + np.exp(-x))
""")


@pytest.fixture(scope="module")
def worker():
    with engine.Worker() as w:
        yield w


@pytest.fixture
def store():
    s = open_store()
    yield s
    s.close()


def test_open_creates_the_file_once_and_reads_the_progress_rows(store):
    ws = Workspace(exercises.load("sigmoid"), store)
    first = ws.open()
    assert first.created and first.path.is_file() and "NotImplementedError" in first.text
    assert (first.hints, first.solution, first.report) == (0, False, None)
    first.path.write_text(SIGMOID_NAIVE, encoding="utf-8")
    second = ws.open()
    assert not second.created and second.text == SIGMOID_NAIVE  # never overwritten


def test_check_records_the_attempt_and_a_pass_names_the_next_exercise(store, worker):
    ws = Workspace(exercises.load("sigmoid"), store)
    path = ws.open().path
    path.write_text(SIGMOID_NAIVE, encoding="utf-8")
    failed = ws.check(worker=worker)
    assert failed.report.status == "fail" and failed.following is None and failed.saved_error is None
    path.write_text(SIGMOID_OK, encoding="utf-8")
    passed = ws.check(worker=worker)
    assert passed.report.status == "pass"
    assert passed.following is not None and passed.following.exercise.id != "sigmoid"
    assert [a.status for a in store.attempts("sigmoid")] == ["fail", "pass"]
    assert ws.open().report.status == "pass"  # the last stored report comes back


def test_without_a_store_the_check_still_runs_and_says_why_nothing_was_saved(worker, tmp_path):
    ws = Workspace(exercises.load("sigmoid"), None, store_error="the disk is full")
    path = tmp_path / "mine.py"
    path.write_text(SIGMOID_OK, encoding="utf-8")
    checked = ws.check(path, worker=worker)
    assert checked.report.status == "pass" and checked.saved_error == "the disk is full"
    assert ws.ask_solution().decision == "no-store"
    assert ws.unlock_hint(shown_without_store=0).shown == 1


def test_hints_unlock_one_tier_at_a_time_and_stop_at_the_last(store):
    ex = exercises.load("sigmoid")
    ws = Workspace(ex, store)
    seen = [ws.unlock_hint() for _ in range(len(ex.hints) + 1)]
    assert [h.shown for h in seen] == [1, 2, 3, 3]
    assert [h.new for h in seen] == [True, True, True, False]
    assert store.hints_unlocked("sigmoid") == 3


def test_the_solution_gate_locked_then_confirm_then_shown(store):
    ex = exercises.load("sigmoid")
    ws = Workspace(ex, store)
    locked = ws.ask_solution()
    assert (locked.decision, locked.failed, locked.left) == ("locked", 0, 3)
    assert "3 to go" in locked.locked_message("en", ("Try a hint.", "先看提示。"))
    assert "还差 3 次" in locked.locked_message("zh", ("Try a hint.", "先看提示。"))
    for _ in range(exercises.ATTEMPTS_FOR_SOLUTION):
        store.record_attempt("sigmoid", "fail", 0.1, 0, False, None)
    assert ws.ask_solution().decision == "confirm"
    assert not store.solution_unlocked("sigmoid")  # asking is not seeing
    assert ws.ask_solution(confirmed=True).decision == "shown"
    assert store.solution_unlocked("sigmoid")
    assert ws.ask_solution().decision == "shown"  # once seen, seen
