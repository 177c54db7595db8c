"""``kb exercise ...`` end to end through ``kb.cli.main``, with KB_HOME in a temp dir:
the learner's file, checks and their exit status, hints, the solution's lock, reset,
watch, ``check --all`` and the attempts stored in the progress store."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from kb import exercises
from kb.cli import main

ROOT = Path(__file__).resolve().parents[2]

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


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    monkeypatch.delenv("KB_CONTENT_PATH", raising=False)
    monkeypatch.setenv("KB_LANG", "en")
    return tmp_path / "home"


def kb(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_clean_line(err: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("kb")
    assert "Traceback" not in err


def test_start_creates_the_file_and_never_overwrites(home, capsys):
    code, out, err = kb(capsys, "exercise", "start", "sigmoid")
    assert code == 0
    path = Path(out.strip())
    assert path == home / "data" / "exercises" / "sigmoid.py"
    assert "raise NotImplementedError" in path.read_text()
    path.write_text(SIGMOID_OK)
    code, out, err = kb(capsys, "exercise", "start", "sigmoid")
    assert code == 0 and Path(out.strip()) == path
    assert path.read_text() == SIGMOID_OK
    assert "Already exists" in err


def test_check_exit_status_and_human_output(home, capsys):
    kb(capsys, "exercise", "start", "sigmoid")
    code, out, _ = kb(capsys, "exercise", "check", "sigmoid")
    assert code == 1
    assert "NOT STARTED" in out and "NotImplementedError" in out
    path = exercises.learner_path("sigmoid")
    path.write_text(SIGMOID_NAIVE)
    code, out, _ = kb(capsys, "exercise", "check", "sigmoid")
    assert code == 1
    assert "FAIL" in out and "overflow" in out and "kb exercise hint sigmoid" in out
    path.write_text(SIGMOID_OK)
    code, out, _ = kb(capsys, "exercise", "check", "sigmoid")
    assert code == 0
    assert "PASS (4/4 checks" in out


def test_check_json_is_one_object(home, capsys, tmp_path):
    mine = tmp_path / "mine.py"
    mine.write_text(SIGMOID_NAIVE)
    code, out, _ = kb(capsys, "exercise", "check", "sigmoid", "--file", str(mine), "--json")
    assert code == 1
    data = json.loads(out)
    assert data["exercise"] == "sigmoid" and data["status"] == "fail"
    for check in data["checks"]:
        assert {"name", "status", "message"} <= set(check)
        assert set(check["message"]) == {"en", "zh"}
    assert {c["name"]: c["status"] for c in data["checks"]}["stability"] == "fail"


def test_check_in_chinese(home, capsys, tmp_path):
    mine = tmp_path / "mine.py"
    mine.write_text(SIGMOID_NAIVE)
    code, out, _ = kb(capsys, "--lang", "zh", "exercise", "check", "sigmoid", "--file", str(mine))
    assert code == 1
    assert "未通过" in out and "上溢" in out and "卡住了" in out


@pytest.mark.parametrize("argv,words,status", [  # status: kb.errors (3 not found, 2 usage)
    (["exercise", "check", "no-such-exercise"], "no exercise 'no-such-exercise'", 3),
    (["exercise", "check", "sigmoid"], "kb exercise start sigmoid", 3),
    (["exercise", "check", "sigmoid", "--file", "/nonexistent/x.py"], "no such file", 3),
    (["exercise", "start", "no-such-exercise"], "kb exercise list", 3),
    (["exercise", "hint", "no-such-exercise"], "no exercise", 3),
    (["exercise", "check"], "give an ID", 2),
    (["exercise", "check", "sigmoid", "--all"], "--all", 2),
])
def test_user_errors_are_one_line_without_traceback(home, capsys, argv, words, status):
    code, out, err = kb(capsys, *argv)
    assert code == status
    one_clean_line(err)
    assert words in err


def test_hints_unlock_one_tier_at_a_time(home, capsys):
    seen = []
    for _ in range(4):
        code, out, _ = kb(capsys, "exercise", "hint", "relu")
        assert code == 0
        seen.append(out)
    assert "Hint 1/3 (idea)" in seen[0] and "Hint 2/3" not in seen[0]
    assert "Hint 2/3 (NumPy tool)" in seen[1] and "Hint 3/3" not in seen[1]
    assert "» Hint 3/3 (partial line)" in seen[2]
    assert "last hint" in seen[3] and "» " not in seen[3]
    code, out, _ = kb(capsys, "--lang", "zh", "exercise", "hint", "relu")
    assert "提示 1/3（思路）" in out


def test_solution_after_three_failed_attempts_needs_a_yes(home, capsys, tmp_path):
    code, _, err = kb(capsys, "exercise", "solution", "sigmoid")
    assert code == 6 and "0 so far" in err  # refused: not yet (kb.errors)
    one_clean_line(err)
    kb(capsys, "exercise", "start", "sigmoid")
    kb(capsys, "exercise", "check", "sigmoid")  # not-started: not a failed attempt
    exercises.learner_path("sigmoid").write_text(SIGMOID_NAIVE)
    for _ in range(3):
        assert kb(capsys, "exercise", "check", "sigmoid")[0] == 1
    code, out, err = kb(capsys, "exercise", "solution", "sigmoid")  # stdin is not a terminal
    assert code == 6 and "--yes" in err and "def sigmoid" not in out
    code, out, _ = kb(capsys, "exercise", "solution", "sigmoid", "--yes")
    assert code == 0 and "def sigmoid" in out and "np.where" in out
    code, out, _ = kb(capsys, "exercise", "solution", "sigmoid")  # unlocked now
    assert code == 0 and "def sigmoid" in out


def test_solution_after_a_pass(home, capsys):
    kb(capsys, "exercise", "start", "sigmoid")
    exercises.learner_path("sigmoid").write_text(SIGMOID_OK)
    assert kb(capsys, "exercise", "check", "sigmoid")[0] == 0
    code, out, _ = kb(capsys, "exercise", "solution", "sigmoid")
    assert code == 0 and "Reference solution for sigmoid" in out


def test_attempts_are_recorded(home, capsys):
    from kb.progress import open_store

    kb(capsys, "exercise", "start", "sigmoid")
    kb(capsys, "exercise", "check", "sigmoid")
    kb(capsys, "exercise", "hint", "sigmoid")
    exercises.learner_path("sigmoid").write_text(SIGMOID_OK)
    kb(capsys, "exercise", "check", "sigmoid")
    kb(capsys, "exercise", "solution", "sigmoid")
    kb(capsys, "exercise", "check", "sigmoid")
    with open_store() as store:
        attempts = store.attempts("sigmoid")
        assert [a.status for a in attempts] == ["not-started", "pass", "pass"]
        assert [a.hints_seen for a in attempts] == [0, 1, 1]
        assert [a.solution_shown for a in attempts] == [False, False, True]
        assert all(a.duration_s > 0 for a in attempts)
        assert json.loads(attempts[1].report_json)["status"] == "pass"
        assert store.exercise_statuses()["sigmoid"] == "passed"


def test_reset_keeps_a_backup(home, capsys):
    kb(capsys, "exercise", "start", "mse")
    path = exercises.learner_path("mse")
    path.write_text("# my work\n")
    code, out, err = kb(capsys, "exercise", "reset", "mse")
    assert code == 0 and Path(out.strip()) == path
    assert "raise NotImplementedError" in path.read_text()
    backups = list((home / "data" / "exercises" / "backups").glob("mse-*.py"))
    assert len(backups) == 1 and backups[0].read_text() == "# my work\n"
    assert str(backups[0]) in err
    kb(capsys, "exercise", "reset", "mse")
    assert len(list((home / "data" / "exercises" / "backups").glob("mse-*.py"))) == 2


def test_list_shows_every_core_exercise_and_status(home, capsys):
    kb(capsys, "exercise", "start", "relu")
    code, out, _ = kb(capsys, "exercise", "list", "--json")
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)}
    core = {"sigmoid", "tanh", "relu", "softmax", "mse", "bce-with-logits", "cross-entropy",
            "dense-layer", "adam", "training-loop", "metrics"}
    assert core <= set(rows)
    assert rows["relu"]["status"] == "started" and rows["sigmoid"]["status"] == "new"
    assert set(rows["adam"]["title"]) == {"en", "zh"}
    code, out, _ = kb(capsys, "exercise", "list")
    assert code == 0 and "training-loop" in out and "★" in out


@pytest.mark.slow
def test_check_all_passes_on_the_shipped_exercises(home, capsys):
    code, out, _ = kb(capsys, "exercise", "check", "--all", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["ok"] and len(data["exercises"]) >= 11
    for row in data["exercises"]:
        assert row["reference"] == "pass" and row["starter"] != "pass"


def test_check_all_fails_when_a_starter_passes(home, capsys, tmp_path):
    pack = tmp_path / "pack" / "exercises"
    pack.mkdir(parents=True)
    (pack / "lazy-double.yaml").write_text(textwrap.dedent("""
        id: lazy-double
        kind: exercise
        title: {en: "Double", zh: "加倍"}
        summary: {en: "Double an array.", zh: "把数组加倍。"}
        concepts: [relu-function]
        difficulty: 1
        hints: [{en: "Multiply by 2.", zh: "乘以 2。"}]
        functions: [{name: double, signature: "double(x) -> ndarray"}]
        starter: |
          def double(x):
              return 2.0 * x
        solution: |
          def double(x):
              return 2.0 * x
        checks:
          - kind: value
            call: double
            cases: [{args: [{value: [1.0, 2.0]}]}]
    """), encoding="utf-8")
    code, out, _ = kb(capsys, "--content", str(tmp_path / "pack"), "exercise", "check", "--all")
    assert code == 1
    assert "✗ lazy-double" in out and "starter passes" in out


def test_watch_rechecks_on_save(home, capsys):
    kb(capsys, "exercise", "start", "sigmoid")
    path = exercises.learner_path("sigmoid")
    results: list[str] = []

    def save_later():
        while len(results) < 1:
            time.sleep(0.05)
        time.sleep(0.2)
        path.write_text(SIGMOID_OK)

    ex = exercises.load("sigmoid")
    saver = threading.Thread(target=save_later)
    saver.start()
    stop = threading.Event()
    timer = threading.Timer(20, stop.set)  # a bound, in case no change is ever seen
    timer.start()
    try:
        mechanism = exercises.watch(path, lambda: results.append(exercises.check(ex, path).status),
                                    debounce_s=0.1, max_runs=2, stop=stop)
    finally:
        timer.cancel()
        saver.join()
    assert mechanism == "inotify"
    assert results == ["not-started", "pass"]


def test_watch_polling_fallback_debounces_a_burst_of_writes(tmp_path):
    path = tmp_path / "f.py"
    path.write_text("0")
    calls: list[str] = []

    def burst():
        while not calls:
            time.sleep(0.02)
        for i in range(5):  # several writes in quick succession: one re-check
            path.write_text(f"{i}" * (i + 2))
            time.sleep(0.02)

    writer = threading.Thread(target=burst)
    writer.start()
    stop = threading.Event()
    timer = threading.Timer(10, stop.set)
    timer.start()
    try:
        mechanism = exercises.watch(path, lambda: calls.append(path.read_text()), debounce_s=0.3,
                                    poll_s=0.05, use_inotify=False, max_runs=2, stop=stop)
    finally:
        timer.cancel()
        writer.join()
    assert mechanism == "polling"
    assert calls == ["0", "444444"]


def test_cli_watch_runs_a_check(home, capsys):
    kb(capsys, "exercise", "start", "sigmoid")
    code, out, err = kb(capsys, "exercise", "watch", "sigmoid", "--poll", "--max-checks", "1")
    assert code == 0
    assert "NOT STARTED" in out and "Watching" in err and "polling" in err


def test_importing_the_cli_module_is_light():
    code = ("import sys, kb.cli.exercise, kb.exercises\n"
            "heavy = [m for m in ('numpy', 'sqlalchemy', 'textual', 'engine.checker') if m in sys.modules]\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_register_sets_handlers_with_exit_codes():
    import argparse

    from kb.cli import exercise

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    exercise.register(sub)
    for action in ("list", "start x", "check x", "hint x", "solution x", "reset x", "watch x"):
        args = parser.parse_args(["exercise", *action.split()])
        assert callable(args.func)


def test_a_pass_names_the_next_exercise_of_the_path(home, capsys):
    kb(capsys, "exercise", "start", "sigmoid")
    exercises.learner_path("sigmoid").write_text(SIGMOID_OK)
    code, out, _ = kb(capsys, "exercise", "check", "sigmoid")
    assert code == 0
    nxt = exercises.next_exercise(exercises.load("sigmoid"), {"sigmoid"})
    assert nxt is not None and nxt.path_title is not None
    assert f"Next: {nxt.exercise.id}" in out and f"kb exercise start {nxt.exercise.id}" in out
    assert nxt.path_title["en"] in out
    code, out, _ = kb(capsys, "--lang", "zh", "exercise", "check", "sigmoid")
    assert f"下一个：{nxt.exercise.id}" in out and nxt.path_title["zh"] in out
    code, out, _ = kb(capsys, "exercise", "check", "sigmoid", "--json")
    assert json.loads(out)["status"] == "pass"  # one JSON document, no suggestion line


def test_the_next_exercise_skips_what_is_passed_and_follows_the_course():
    course = exercises.all_exercises()
    tracks = [e.track for e in course]
    order = ["foundations", "networks", "autograd", "large-models"]
    assert tracks == sorted(tracks, key=order.index)  # the course order: track by track
    last_foundation = [e for e in course if e.track == "foundations"][-1]
    passed = {e.id for e in course if e.track == "foundations"}
    nxt = exercises.next_exercise(last_foundation, passed)
    assert nxt is not None and nxt.exercise.id not in passed
    assert exercises.next_exercise(course[0], {e.id for e in course}) is None


def test_the_list_is_grouped_by_track_in_the_learners_language(home, capsys):
    code, out, _ = kb(capsys, "exercise", "list")
    assert code == 0
    heads = [line for line in out.splitlines() if line and not line.startswith((" ", "✓", "◐", "○"))]
    assert heads[0].startswith("Foundations (0/") and any(h.startswith("Large models") for h in heads)
    code, out, _ = kb(capsys, "--lang", "zh", "exercise", "list")
    assert out.splitlines()[0].startswith("基础（已通过 0/")
    code, out, _ = kb(capsys, "exercise", "list", "--json")
    assert {"track", "status", "difficulty"} <= set(json.loads(out)[0])


def test_a_check_as_its_own_process_says_everything_before_it_ends(home, tmp_path):
    """`kb exercise check` ends without the interpreter's teardown (kb.cli.end_at_once):
    its whole output still arrives, with the exit status, whether read to the end, as
    JSON, or cut short by a pipe."""
    mine = tmp_path / "sigmoid.py"
    mine.write_text(SIGMOID_OK, encoding="utf-8")
    run = [sys.executable, "-m", "kb", "exercise", "check", "sigmoid", "--file", str(mine)]
    done = subprocess.run(run, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "PASS" in lines[0] and lines[-1].startswith("Next: ") and done.stderr == ""
    as_json = subprocess.run([*run, "--json"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert as_json.returncode == 0 and json.loads(as_json.stdout)["status"] == "pass"
    naive = tmp_path / "naive.py"
    naive.write_text(SIGMOID_NAIVE, encoding="utf-8")
    failed = subprocess.run([*run[:-1], str(naive)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert failed.returncode == 1 and "FAIL" in failed.stdout.splitlines()[0]
    cut = subprocess.run(f"{' '.join(map(str, run))} | head -1", shell=True, capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert "PASS" in cut.stdout and "Traceback" not in cut.stderr


def test_a_check_goes_on_when_the_index_cannot_be_opened(home, tmp_path, capsys):
    """The check reads the exercise from the index when it can; an index that cannot be
    made (here KB_HOME/cache is a file) leaves the check to the exercise's own files."""
    home.mkdir(parents=True)
    (home / "cache").write_text("not a directory", encoding="utf-8")
    mine = tmp_path / "sigmoid.py"
    mine.write_text(SIGMOID_OK, encoding="utf-8")
    code, out, err = kb(capsys, "exercise", "check", "sigmoid", "--file", str(mine))
    assert code == 0 and "PASS" in out and "Traceback" not in err
    naive = tmp_path / "naive.py"
    naive.write_text(SIGMOID_NAIVE, encoding="utf-8")
    code, out, _ = kb(capsys, "exercise", "check", "sigmoid", "--file", str(naive))
    assert code == 1 and "FAIL" in out
