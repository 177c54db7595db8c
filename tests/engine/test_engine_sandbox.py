"""Every status, each with a purpose-built bad submission: the verdict, a bounded time
(the limit + 1 s: a bound, not a performance figure) and no process left behind."""

from __future__ import annotations

import json
import os
import textwrap
import time

import pytest

import engine
from engine.report import STATUSES, Report

from engine_helpers import pid_alive, processes_with, small_spec, wait_gone

SPEC = small_spec()
LIMIT = SPEC.limits.timeout_s
CORRECT = textwrap.dedent("""
    def double(x):
        return 2.0 * x
""")


@pytest.fixture(scope="module", autouse=True)
def _warm_reference(worker):
    engine.prepare(SPEC, worker)  # so that each timed run below is the learner's alone


def timed(run, source, spec=SPEC):
    t0 = time.monotonic()
    report = run(spec, source)
    return report, time.monotonic() - t0


def assert_no_leftover(report: Report, *markers: str) -> None:
    pid = report.run.get("pid")
    if pid:
        assert not wait_gone([pid]), f"job process {pid} still alive"
    for marker in markers:
        assert not wait_gone(processes_with(marker)), f"a process with {marker!r} outlived the check"


def test_statuses_are_exactly_the_contract():
    assert STATUSES == ("pass", "fail", "error", "timeout", "memory", "crashed", "output-limit", "not-started")


def test_correct_submission_passes(run):
    report, _ = timed(run, CORRECT)
    assert report.status == "pass", report.to_json()
    assert [c.status for c in report.checks] == ["pass", "pass"]
    assert_no_leftover(report)


def test_starter_is_not_started(run):
    report = run(SPEC, SPEC.starter)
    assert report.status == "not-started"
    assert all(c.status == "not-started" for c in report.checks)
    assert "NotImplementedError" in report.checks[0].message.en
    assert "NotImplementedError" in report.checks[0].message.zh


def test_wrong_answer_fails_with_worst_element(run):
    report = run(SPEC, """
        def double(x):
            return 2.0 * x + (x > 3)
    """)
    assert report.status == "fail"
    values = report.checks[0]
    assert values.status == "fail"
    assert values.diagnostics["index"] == [2]
    assert values.diagnostics["expected"] == 7.0 and values.diagnostics["actual"] == 8.0
    assert "x = [1, -2, 3.5]" in values.message.en  # a small input is shown whole


def test_infinite_loop_times_out(run):
    report, elapsed = timed(run, """
        def double(x):
            while True:
                pass
    """)
    assert report.status == "timeout"
    assert all(c.status == "timeout" for c in report.checks)
    assert "time limit" in report.checks[0].message.en and "时间限制" in report.checks[0].message.zh
    assert elapsed <= LIMIT + 1.0
    assert_no_leftover(report)


def test_sleeping_submission_times_out_on_wall_clock(run):
    report, elapsed = timed(run, """
        import time
        def double(x):
            time.sleep(60)
    """)
    assert report.status == "timeout"
    assert elapsed <= LIMIT + 1.0
    assert_no_leftover(report)


def test_memory_growth_is_memory(run):
    report, elapsed = timed(run, """
        import numpy as np
        def double(x):
            keep = []
            while True:
                keep.append(np.ones(4_000_000))
    """)
    assert report.status == "memory", report.to_json()
    assert "memory" in report.checks[0].message.en.lower()
    assert elapsed <= LIMIT + 1.0
    assert_no_leftover(report)


def test_one_huge_allocation_is_memory(run):
    report = run(SPEC, """
        import numpy as np
        def double(x):
            return np.zeros((100_000, 100_000))
    """)
    assert report.status == "memory"


def test_os_exit_is_crashed(run):
    report, elapsed = timed(run, """
        import os
        def double(x):
            os._exit(0)
    """)
    assert report.status == "crashed"
    assert "complete report" in report.checks[0].message.en
    assert elapsed <= LIMIT + 1.0
    assert_no_leftover(report)


def test_segfault_is_crashed(run):
    report, elapsed = timed(run, """
        import ctypes
        def double(x):
            return ctypes.string_at(0)
    """)
    assert report.status == "crashed"
    assert "SIGSEGV" in report.checks[0].message.en
    assert "Segmentation fault" in report.stderr  # faulthandler's account, with the learner's line
    assert elapsed <= LIMIT + 1.0
    assert_no_leftover(report)


def test_recursion_is_an_error_with_the_learners_line(run):
    report, elapsed = timed(run, """
        def helper(x):
            return helper(x)

        def double(x):
            return helper(x)
    """)
    assert report.status == "error"
    check = report.checks[0]
    assert check.diagnostics["exception"] == "RecursionError"
    assert "recursed too deeply" in check.message.en
    frames = check.diagnostics["traceback"]
    assert frames[0][:2] == [6, "double"]  # the learner's own frames and line numbers only
    assert any(f[:2] == [3, "helper"] for f in frames)
    assert elapsed <= LIMIT + 1.0


def test_deep_recursion_past_the_c_stack_is_crashed_or_error(run):
    report, elapsed = timed(run, """
        import sys
        sys.setrecursionlimit(10**8)
        def f(n):
            return f(n + 1) + 1
        def double(x):
            return f(0)
    """)
    assert report.status in ("crashed", "error", "memory", "timeout")  # 3.11 keeps Python frames on the heap
    assert report.status != "pass"
    assert elapsed <= LIMIT + 1.0
    assert_no_leftover(report)


def test_exception_traceback_is_trimmed_to_the_learners_frames(run):
    report = run(SPEC, """
        import numpy as np

        def double(x):
            return np.dot(x, np.ones(7))
    """)
    assert report.status == "error"
    check = report.checks[0]
    assert check.diagnostics["exception"] == "ValueError"
    assert check.diagnostics["traceback"] == [[5, "double", "return np.dot(x, np.ones(7))"]]
    assert "line 5" in check.message.en and "第 5 行" in check.message.zh


def test_print_flood_is_output_limit_with_a_visible_marker(run):
    report, elapsed = timed(run, """
        def double(x):
            while True:
                print("spam " * 40)
    """)
    assert report.status == "output-limit"
    assert report.stdout_truncated
    assert "bytes not shown" in report.stdout and "省略" in report.stdout
    assert report.stdout.startswith("spam spam")
    assert len(report.stdout) < 20_000
    assert elapsed <= LIMIT + 1.0
    assert_no_leftover(report)


def test_some_printing_is_fine_and_shown(run):
    report = run(SPEC, """
        import sys
        def double(x):
            print("debug:", x.shape)
            print("warn", file=sys.stderr)
            return 2.0 * x
    """)
    assert report.status == "pass"
    assert "debug: (3,)" in report.stdout
    assert "warn" in report.stderr
    assert not report.stdout_truncated


def test_monkeypatched_numpy_cannot_pass_a_wrong_answer(run):
    report = run(SPEC, """
        import numpy as np
        np.allclose = lambda *a, **k: True
        np.array_equal = lambda *a, **k: True
        np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)
        np.testing.assert_allclose = lambda *a, **k: None
        np.isfinite = lambda a: np.ones(np.shape(a), dtype=bool)
        np.save = lambda *a, **k: None
        np.load = lambda *a, **k: None
        np.lib.format.write_array = lambda *a, **k: None
        np.shares_memory = lambda *a, **k: False

        def double(x):
            return x * 3.0
    """)
    assert report.status == "fail"
    assert report.checks[0].status == "fail"


def test_monkeypatched_builtins_and_engine_cannot_pass_a_wrong_answer(run):
    report = run(SPEC, """
        import builtins, json, sys
        builtins.isinstance = lambda *a: True
        builtins.len = lambda *a: 0
        json.dumps = lambda *a, **k: '{"ok": true}'
        main = sys.modules["__main__"]
        for name in list(vars(main)):
            if not name.startswith("__"):
                setattr(main, name, None)

        def double(x):
            return x * 3.0
    """)
    assert report.status != "pass"
    assert report.checks[0].status != "pass"


def test_fake_report_on_stdout_is_ignored(run):
    fake = json.dumps({"status": "pass", "checks": [{"name": "values", "status": "pass"}],
                       "done": True, "exit_code": 0, "ok": True})
    report = run(SPEC, f"""
        import sys
        print({fake!r})
        sys.stdout.flush()

        def double(x):
            print({fake!r})
            return x
    """)
    assert report.status == "fail"
    assert '"status": "pass"' in report.stdout  # shown as output, never parsed


def test_fake_result_files_then_exit_is_never_a_pass(run):
    # Find the result directory, write a "complete" set of results and a manifest of
    # its own, then leave before the harness can write the real ones.
    report = run(SPEC, """
        import json, os

        def double(x):
            parent = os.path.dirname(os.getcwd())
            for d in os.listdir(parent):
                if d.startswith("out-"):
                    out = os.path.join(parent, d)
                    for i in range(1, 10):
                        with open(os.path.join(out, f"l{i}.json"), "w") as f:
                            json.dump({"ok": True, "result": {"t": "float", "v": 1.0}}, f)
                    with open(os.path.join(out, "manifest.json"), "w") as f:
                        json.dump({"token": "guess", "done": [f"l{i}" for i in range(1, 10)]}, f)
            os._exit(0)
    """)
    assert report.status == "crashed"
    assert all(c.status != "pass" for c in report.checks)


def test_correct_values_then_exit_is_never_a_pass(run):
    # Right answers for the first calls, then os._exit before the run is complete.
    report = run(SPEC, """
        import os
        calls = 0

        def double(x):
            global calls
            calls += 1
            if calls == 3:
                os._exit(0)
            return 2.0 * x
    """)
    assert report.checks[0].status == "pass"  # both of its calls returned
    assert report.checks[1].status == "crashed"
    assert report.status == "crashed"


def test_background_processes_are_refused_and_none_is_left(run):
    marker = f"{os.getpid()}{time.monotonic_ns() % 100000}"
    report, elapsed = timed(run, f"""
        import os, subprocess, time

        def double(x):
            for start in (lambda: subprocess.Popen(["sleep", "{marker}1"]), os.fork):
                try:
                    if start() == 0:
                        os.setsid()
                        subprocess.Popen(["sleep", "{marker}2"])
                        time.sleep(600)
                        os._exit(0)
                except OSError as exc:
                    print("refused:", type(exc).__name__)
            return 2.0 * x
    """)
    assert report.status == "pass"
    assert report.stdout.count("refused: PermissionError") >= 2
    assert elapsed <= LIMIT + 1.0
    assert_no_leftover(report, f"sleep {marker}1", f"sleep {marker}2")


def test_a_process_started_at_import_is_refused(run):
    marker = f"{os.getpid()}{time.monotonic_ns() % 100000}"
    report, elapsed = timed(run, f"""
        import subprocess, sys

        subprocess.Popen(["sleep", "{marker}3"], stdout=sys.stdout, stderr=sys.stderr)

        def double(x):
            return 2.0 * x
    """)
    assert report.status == "error"
    assert "may not start processes" in report.checks[0].message.en
    assert elapsed <= LIMIT + 1.0
    assert_no_leftover(report, f"sleep {marker}3")


def test_signalling_the_worker_is_refused_and_the_worker_lives_on(run, worker):
    before = worker.pid
    report, elapsed = timed(run, """
        import os, signal
        def double(x):
            for pid in {os.getppid(), 0, -1, 1}:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            return 2.0 * x
    """)
    assert report.status == "pass"
    assert elapsed <= LIMIT + 1.0
    assert worker.pid == before and pid_alive(before)
    assert run(SPEC, CORRECT).status == "pass"


def test_a_killed_worker_is_crashed_and_restarts(run, worker, tmp_path):
    before = worker.pid
    path = tmp_path / "slow.py"
    path.write_text("import time\ndef double(x):\n    time.sleep(1)\n    return 2.0 * x\n")
    import signal
    import threading

    threading.Timer(0.5, lambda: os.kill(before, signal.SIGKILL)).start()
    report, elapsed = timed(lambda spec, _src: engine.check(spec, path, worker=worker), "")
    assert report.status == "crashed"
    said = [report.message.en] + [c.message.en for c in report.checks]
    assert any("killed" in m for m in said), said
    assert elapsed <= LIMIT + 1.0 + 3.0  # the parent's grace period for a silent worker
    assert worker.pid is not None and worker.pid != before
    assert not pid_alive(before)
    assert run(SPEC, CORRECT).status == "pass"


def test_import_time_errors(run):
    report = run(SPEC, """
        import numpy as np
        x = undefined_name
        def double(x):
            return 2 * x
    """)
    assert report.status == "error"
    assert "NameError" in report.checks[0].message.en
    assert report.checks[0].diagnostics["traceback"][0][0] == 3


def test_syntax_error_names_the_line(run):
    report = run(SPEC, "def double(x):\n    return 2 *\n")
    assert report.status == "error"
    assert "SyntaxError" in report.checks[0].message.en
    assert report.checks[0].diagnostics["traceback"][0][0] == 2


def test_missing_function(run):
    report = run(SPEC, "def dubble(x):\n    return 2 * x\n")
    assert report.status == "error"
    assert "does not define double()" in report.checks[0].message.en


def test_not_utf8(worker, tmp_path):
    path = tmp_path / "latin1.py"
    path.write_bytes("# caf\xe9\ndef double(x):\n    return 2 * x\n".encode("latin-1"))
    report = engine.check(SPEC, path, worker=worker)
    assert report.status == "error"
    assert "UTF-8" in report.checks[0].message.en


def test_missing_file(worker, tmp_path):
    report = engine.check(SPEC, tmp_path / "nope.py", worker=worker)
    assert report.status == "error"
    assert "Cannot read" in report.message.en


def test_sys_exit_is_an_error(run):
    report = run(SPEC, """
        import sys
        def double(x):
            sys.exit(0)
    """)
    assert report.status == "error"
    assert "sys.exit" in report.checks[0].message.en


def test_the_learners_file_is_never_written(worker, tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(CORRECT, encoding="utf-8")
    os.chmod(path, 0o444)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    assert engine.check(SPEC, path, worker=worker).status == "pass"
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_working_directory_is_a_fresh_temp_dir(run, tmp_path):
    (tmp_path / "secret.txt").write_text("x")
    report = run(SPEC, """
        import os
        print(sorted(os.listdir(".")), os.environ.get("OPENBLAS_NUM_THREADS"), os.environ.get("HOME"))
        def double(x):
            return 2.0 * x
    """)
    assert report.status == "pass"
    assert report.stdout.startswith("[] 1")


def test_isolated_mode_ignores_pythonpath(run, monkeypatch, tmp_path):
    (tmp_path / "evil.py").write_text("raise SystemExit('imported')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    with engine.Worker() as fresh:  # started with PYTHONPATH set in the parent
        path = tmp_path / "sub.py"
        path.write_text("import sys\nprint(sys.flags.isolated)\ntry:\n    import evil\nexcept ImportError:\n    pass\n"
                        "def double(x):\n    return 2.0 * x\n")
        report = engine.check(SPEC, path, worker=fresh)
    assert report.status == "pass"
    assert report.stdout.strip() == "1"


def test_cold_path_without_a_worker(tmp_path):
    path = tmp_path / "sub.py"
    path.write_text(CORRECT)
    report = engine.check(SPEC, path)
    assert report.status == "pass"
    assert_no_leftover(report)


def test_report_json_round_trip(run):
    report = run(SPEC, """
        import numpy as np
        def double(x):
            return np.full(x.shape, np.nan)
    """)
    assert report.status == "fail"
    data = json.loads(report.to_json())
    assert data["status"] == "fail"
    assert {"name", "status", "message", "diagnostics"} <= set(data["checks"][0])
    assert set(data["checks"][0]["message"]) == {"en", "zh"}
    again = Report.from_json(report.to_json())
    assert again.status == report.status and again.checks[0].message == report.checks[0].message
    assert "nan" in report.checks[0].message.en


def test_worker_survives_many_jobs_and_is_reused(run, worker):
    pid = worker.pid
    for _ in range(5):
        assert run(SPEC, CORRECT).status == "pass"
    assert worker.pid == pid
