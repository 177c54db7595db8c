"""The parent's side of the child process: a pre-started zygote (``engine/_child.py``)
with NumPy already imported, that forks one fresh, limited process per job.

``Worker`` is what the TUI holds (started ahead of time, reused for every check, and
restarted by itself when a job killed it); ``engine.check(spec, file)`` without a
worker starts one, uses it once and stops it (the CLI's cold path).
"""

from __future__ import annotations

import json
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

CHILD = Path(__file__).resolve().parent / "_child.py"
READY_TIMEOUT_S = 60.0  # interpreter + NumPy start-up on a loaded machine
GRACE_S = 3.0  # how long past a job's own deadline the parent waits for the zygote


class WorkerError(RuntimeError):
    """The child process could not be started (a broken installation, not a
    learner's mistake)."""


def child_env() -> dict[str, str]:
    """A small, fixed environment for the child: one BLAS thread, UTF-8, no user
    variables (``-I`` ignores PYTHON* anyway)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "VECLIB_MAXIMUM_THREADS": "1",
    }
    for key in ("SYSTEMROOT", "TMPDIR"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


class _Zygote:
    def __init__(self, python: str):
        self.home = tempfile.mkdtemp(prefix="kb-engine-")
        self.proc = subprocess.Popen(
            [python, "-I", str(CHILD), "zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=child_env(),
            cwd=self.home,
            start_new_session=True,
            close_fds=True,
        )
        self.buf = b""
        self.ready = False
        self.info: dict[str, Any] = {}
        self.job_pid: int | None = None
        self.eof = False

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, obj: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(obj) + "\n").encode())
        self.proc.stdin.flush()

    def read(self, deadline: float) -> dict[str, Any] | None:
        """The next message, or None on EOF (``self.eof`` set) or when the deadline
        passes."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self.buf:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                if not sel.select(left):
                    continue
                data = os.read(fd, 65536)
                if not data:
                    self.eof = True
                    return None
                self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> None:
        if self.ready:
            return
        msg = self.read(time.monotonic() + timeout)
        if not msg or not msg.get("ready"):
            self.kill()
            detail = (msg or {}).get("error", "no answer")
            raise WorkerError(f"the checking process did not start: {detail}")
        self.ready = True
        self.info = msg

    def kill(self) -> None:
        for pid in filter(None, (self.job_pid, self.proc.pid)):
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError, OSError):
                    pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
        self.close_pipes()

    def close_pipes(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass
        shutil.rmtree(self.home, ignore_errors=True)

    def stop(self) -> None:
        # Between jobs the zygote holds nothing worth a graceful exit (its interpreter
        # shutdown costs ~0.1 s): kill its process group and reap it.
        self.kill()


class Worker:
    """A pre-started child with NumPy imported, waiting for jobs.

    Thread-safe (one job at a time). After a job that killed the child, a new one is
    started at once, so the next check is warm again. Holds an in-memory cache of
    reference results (deterministic for a given solution and inputs)."""

    def __init__(self, *, python: str | None = None, start: bool = True):
        self.python = python or sys.executable
        self._lock = threading.RLock()
        self._zygote: _Zygote | None = None
        self._closed = False
        self.reference_cache: OrderedDict[str, Any] = OrderedDict()
        self.restarts = 0
        if start:
            self._zygote = _Zygote(self.python)

    # -- lifecycle ----------------------------------------------------------------------

    def __enter__(self) -> "Worker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._zygote is not None:
                self._zygote.stop()
                self._zygote = None

    def __del__(self) -> None:  # pragma: no cover - best effort
        try:
            if not self._closed and self._zygote is not None:
                self._zygote.kill()
        except Exception:
            pass

    @property
    def pid(self) -> int | None:
        return self._zygote.proc.pid if self._zygote and self._zygote.alive() else None

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> None:
        """Block until NumPy is imported in the child (optional: jobs wait anyway)."""
        with self._lock:
            self._ensure().wait_ready(timeout)

    def _ensure(self) -> _Zygote:
        if self._closed:
            raise WorkerError("this worker is closed")
        if self._zygote is None or not self._zygote.alive():
            if self._zygote is not None:
                self._zygote.kill()
                self.restarts += 1
            self._zygote = _Zygote(self.python)
        return self._zygote

    # -- jobs ---------------------------------------------------------------------------

    def run(self, job: dict[str, Any]) -> dict[str, Any]:
        """Run one job; returns the zygote's account of how it ended (see
        ``_child._supervise``), or a synthesised one if the zygote itself died."""
        with self._lock:
            zyg = self._ensure()
            zyg.wait_ready()
            timeout = float(job["limits"]["timeout_s"])
            t0 = time.monotonic()
            try:
                zyg.send({"op": "run", "job": job})
            except (OSError, ValueError):
                zyg.kill()
                self._zygote = None
                return _synthetic("crashed", t0)
            deadline = t0 + timeout + GRACE_S
            msg = zyg.read(deadline)
            if msg and "started" in msg:
                zyg.job_pid = int(msg["started"])
                msg = zyg.read(deadline)
            if msg and msg.get("done"):
                zyg.job_pid = None
                return msg
            # The zygote died (the job killed it) or hung: kill it and the job, and
            # start a fresh one so that the next check is warm again.
            timed_out = msg is None and not zyg.eof
            zyg.kill()
            self._zygote = None
            self.restarts += 1
            if not self._closed:
                self._zygote = _Zygote(self.python)
            return _synthetic("timeout" if timed_out else "crashed", t0)


def _synthetic(kind: str, t0: float) -> dict[str, Any]:
    empty = {"head": "", "tail": "", "total": 0}
    return {
        "done": True,
        "pid": None,
        "exit_code": None,
        "signal": None,
        "timed_out": kind == "timeout",
        "output_limit": False,
        "zygote_lost": True,
        "wall_s": time.monotonic() - t0,
        "cpu_s": None,
        "maxrss_kb": None,
        "stdout": empty,
        "stderr": empty,
    }


class JobDir:
    """A temporary directory for one job: ``in/`` (inputs the parent wrote),
    ``work-*/`` (the job's empty cwd), ``out-<token>/`` (its results)."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="kb-check-"))
        self.token = secrets.token_hex(16)
        self.input_dir = self.root / "in"
        self.work_dir = self.root / f"work-{secrets.token_hex(4)}"
        self.out_dir = self.root / f"out-{secrets.token_hex(8)}"  # the token itself is not in any name
        for d in (self.input_dir, self.work_dir, self.out_dir):
            d.mkdir(mode=0o700)

    def cleanup(self) -> None:
        def onerror(func: Any, path: str, _exc: Any) -> None:
            try:
                os.chmod(os.path.dirname(path), 0o700)
                os.chmod(path, 0o700)
                func(path)
            except OSError:
                pass

        if sys.version_info >= (3, 12):  # pragma: no cover
            shutil.rmtree(self.root, onexc=onerror)
        else:
            shutil.rmtree(self.root, onerror=onerror)

    def __enter__(self) -> "JobDir":
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()
