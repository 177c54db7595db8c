"""The engine's child process. Self-contained (stdlib + NumPy): it runs as a script,
``python -I -S engine/_child.py zygote SITE``, never as part of the ``engine`` package.
SITE is the one directory added to ``sys.path``: it holds NumPy and nothing else.

Two roles:

*zygote*  Imports NumPy once, becomes a child subreaper, then loops on its control
          channel: a JSON header line from the parent, followed by the binary blobs it
          announces (the submitted source, the inputs as ``.npy``). For each job it
          forks a fresh *job*, supervises it (wall-clock deadline, output caps) and,
          once it has ended, kills whatever is left, then replies with a header line
          carrying the job's sequence number and how it ended, followed by the job's
          result stream.

*job*     The forked process. With ``isolate`` (the zygote itself runs inside
          bubblewrap) the job gets its own user, PID, mount and IPC namespaces and is
          PID 1 of its PID namespace, so nothing it starts outlives it; its ``/tmp`` is
          a fresh size-limited tmpfs and ``/proc`` is hidden. Always: resource limits,
          no capabilities, ``no_new_privs`` and a seccomp filter that refuses new
          processes, sockets, ptrace, mounts and signals to any other process. It
          loads its inputs from memory (``.npy`` bytes, no pickle), executes the
          submitted source as a module, calls the requested functions and writes each
          result as a named record into its result pipe. It never decides a verdict:
          the parent compares the data against the reference solution. A job that ends
          without its final manifest is, to the parent, a crash.

Everything the job sends is data the parent validates; nothing printed on stdout or
stderr is ever parsed. No file is shared with the parent.
"""

import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time

HEAD = 8 * 1024  # bytes of each output stream kept from the start
TAIL = 2 * 1024  # and from the end
RESULT_CAP = 256 * 1024 * 1024  # bytes of results a job may send
TMP_MB = 64  # a job's private /tmp (tmpfs) in the namespace sandbox

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_SECCOMP = 22
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36

_libc: list = []


def _c():
    if not _libc:
        import ctypes

        _libc.append(ctypes.CDLL(None, use_errno=True))
    return _libc[0]


def _prctl(option, value):
    if not sys.platform.startswith("linux"):
        return False
    try:
        return _c().prctl(option, value, 0, 0, 0) == 0
    except Exception:
        return False


# --- the job's confinement ----------------------------------------------------------------

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_THREAD = 0x00010000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_RDONLY = 0x2, 0x4, 0x8, 0x1
MS_REC, MS_PRIVATE = 0x4000, 0x40000

# System call numbers the seccomp filter names, per architecture.
_SYSCALLS = {
    "x86_64": (0xC000003E, {
        "fork": 57, "vfork": 58, "clone": 56, "clone3": 435, "ptrace": 101,
        "process_vm_readv": 310, "process_vm_writev": 311, "kill": 62, "tkill": 200, "tgkill": 234,
        "socket": 41, "socketpair": 53, "pidfd_open": 434, "pidfd_send_signal": 424,
        "pidfd_getfd": 438, "unshare": 272, "setns": 308, "mount": 165, "umount2": 166,
        "pivot_root": 155, "bpf": 321, "keyctl": 250, "userfaultfd": 323, "perf_event_open": 298,
        "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsmount": 432, "io_uring_setup": 425,
    }),
    "aarch64": (0xC00000B7, {
        "clone": 220, "clone3": 435, "ptrace": 117, "process_vm_readv": 270,
        "process_vm_writev": 271, "kill": 129, "tkill": 130, "tgkill": 131, "socket": 198,
        "socketpair": 199, "pidfd_open": 434, "pidfd_send_signal": 424, "pidfd_getfd": 438,
        "unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41, "bpf": 280,
        "keyctl": 219, "userfaultfd": 282, "perf_event_open": 241, "open_tree": 428,
        "move_mount": 429, "fsopen": 430, "fsmount": 432, "io_uring_setup": 425,
    }),
}


def _seccomp(me):
    """Install a filter: no new processes (threads are fine), no sockets, no ptrace or
    cross-process memory access, no mounts or namespaces, and signals only to ``me``
    (this process). Refused calls fail with EPERM (clone3 with ENOSYS, so that a C
    library falls back to clone, which the filter can inspect). True if installed."""
    machine = os.uname().machine
    if machine not in _SYSCALLS or not sys.platform.startswith("linux"):
        return False
    import ctypes
    import errno

    arch, nr = _SYSCALLS[machine]
    LD, JEQ, JSET, JGE, RET = 0x20, 0x15, 0x45, 0x35, 0x06
    ALLOW, ERRNO, KILL = 0x7FFF0000, 0x00050000, 0x80000000
    prog = []  # (code, jt label or 0, jf label or 0, k)

    def op(code, k=0, jt=None, jf=None):
        prog.append([code, jt, jf, k])

    op(LD, 4)  # seccomp_data.arch
    op(JEQ, arch, None, "kill")
    op(LD, 0)  # seccomp_data.nr
    if machine == "x86_64":
        op(JGE, 0x40000000, "eperm", None)  # the x32 ABI's numbers
    for name in ("fork", "vfork", "ptrace", "process_vm_readv", "process_vm_writev", "socket",
                 "socketpair", "pidfd_open", "pidfd_send_signal", "pidfd_getfd", "unshare", "setns",
                 "mount", "umount2", "pivot_root", "bpf", "keyctl", "userfaultfd", "perf_event_open",
                 "open_tree", "move_mount", "fsopen", "fsmount", "io_uring_setup"):
        if name in nr:
            op(JEQ, nr[name], "eperm", None)
    op(JEQ, nr["clone3"], "enosys", None)
    op(JEQ, nr["clone"], "clone", None)
    op(JEQ, nr["kill"], "self", None)
    op(JEQ, nr["tkill"], "self", None)
    op(JEQ, nr["tgkill"], "self", None)
    op(RET, ALLOW)
    labels = {}
    labels["clone"] = len(prog)
    op(LD, 16)  # args[0], low word: the clone flags
    op(JSET, CLONE_THREAD, "allow", "eperm")
    labels["self"] = len(prog)
    op(LD, 16)  # args[0]: the target pid (kill) or thread group (tgkill) or thread (tkill)
    op(JEQ, me, "allow", "eperm")
    labels["allow"] = len(prog)
    op(RET, ALLOW)
    labels["eperm"] = len(prog)
    op(RET, ERRNO | errno.EPERM)
    labels["enosys"] = len(prog)
    op(RET, ERRNO | errno.ENOSYS)
    labels["kill"] = len(prog)
    op(RET, KILL)

    class Filter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                    ("k", ctypes.c_uint32)]

    class Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Filter))]

    table = (Filter * len(prog))()
    for i, (code, jt, jf, k) in enumerate(prog):
        rel = [0 if t is None else labels[t] - i - 1 for t in (jt, jf)]
        table[i] = Filter(code, rel[0], rel[1], k & 0xFFFFFFFF)
    fprog = Prog(len(prog), table)
    libc = _c()
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(PR_SET_SECCOMP, 2, ctypes.byref(fprog), 0, 0) == 0


def _drop_capabilities():
    """No capabilities left, bounding set included (as root on the host, or as root of
    the job's own user namespace, a job must not be able to undo its mounts)."""
    import ctypes

    libc = _c()
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() == 22:  # EINVAL: past the last
            break

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header = Header(0x20080522, 0)
    data = (Data * 2)()
    return libc.capset(ctypes.byref(header), data) == 0


def _unshare_job_namespaces():
    """In the job's leader: new user, PID, mount and IPC namespaces (the next child is
    PID 1 of the new PID namespace). The user namespace maps only our own ids."""
    uid, gid = os.getuid(), os.getgid()
    if _c().unshare(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC) != 0:
        import ctypes

        raise OSError(ctypes.get_errno(), "unshare failed")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        fd = os.open(f"/proc/self/{name}", os.O_WRONLY)
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)


def _mount_job_filesystems():
    """In the job (PID 1 of its namespace): a private, size-limited /tmp and /dev/shm
    of its own, and an empty /proc (no other process is visible anyway)."""
    libc = _c()
    libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None)
    opts = f"size={TMP_MB}m,nr_inodes=4096,mode=1777".encode()
    if libc.mount(b"tmpfs", b"/tmp", b"tmpfs", MS_NOSUID | MS_NODEV, opts) != 0:
        raise OSError("cannot mount the job's /tmp")
    if os.path.isdir("/dev/shm"):
        libc.mount(b"tmpfs", b"/dev/shm", b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, b"size=1m,nr_inodes=16")
    if libc.mount(b"tmpfs", b"/proc", b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
                  b"size=4k,nr_inodes=2") != 0:
        raise OSError("cannot hide /proc")


def _confine(isolated, limits):
    """The last step before any submitted code runs: limits, no capabilities, the
    seccomp filter. Returns what could be applied."""
    _set_limits(limits)
    caps = _drop_capabilities() if sys.platform.startswith("linux") else False
    filtered = _seccomp(os.getpid())
    return {"caps_dropped": caps, "seccomp": filtered, "namespaces": isolated}


def _set_limits(limits):
    import resource

    mem = int(limits["memory_mb"]) * 1024 * 1024
    cpu = limits.get("cpu_s") or float(limits["timeout_s"]) + 1
    cpu = max(1, int(cpu + 0.999))
    wanted = [
        (resource.RLIMIT_AS, mem, mem),
        (resource.RLIMIT_CPU, cpu, cpu + 1),
        (resource.RLIMIT_CORE, 0, 0),
        (resource.RLIMIT_FSIZE, 64 * 1024 * 1024, 64 * 1024 * 1024),
        (resource.RLIMIT_NOFILE, 256, 256),
    ]
    for res, soft, hard in wanted:
        try:
            cur_soft, cur_hard = resource.getrlimit(res)
            if cur_hard != resource.RLIM_INFINITY:
                hard = min(hard, cur_hard)
                soft = min(soft, hard)
            resource.setrlimit(res, (soft, hard))
        except (ValueError, OSError):
            pass


# --- zygote ---------------------------------------------------------------------------


class _Channel:
    """The parent's requests: a JSON line, then the blobs it announces."""

    def __init__(self, fd):
        self.fd = fd
        self.buf = bytearray()

    def feed(self):
        data = os.read(self.fd, 1 << 20)
        if not data:
            return False
        self.buf += data
        return True

    def readline(self):
        while b"\n" not in self.buf:
            if not self.feed():
                return None
        i = self.buf.index(b"\n")
        line = bytes(self.buf[:i])
        del self.buf[: i + 1]
        return line

    def read_exact(self, n):
        while len(self.buf) < n:
            if not self.feed():
                return None
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data


class _Capture:
    """Keeps the head and the tail of a stream and counts every byte."""

    def __init__(self):
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def add(self, data):
        self.total += len(data)
        room = HEAD - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if data:
            self.tail += data
            if len(self.tail) > TAIL:
                del self.tail[: len(self.tail) - TAIL]

    def to_dict(self):
        return {
            "head": self.head.decode("utf-8", "replace"),
            "tail": self.tail.decode("utf-8", "replace"),
            "total": self.total,
        }


class _Results:
    """The job's result stream, kept whole up to RESULT_CAP."""

    def __init__(self):
        self.data = bytearray()
        self.total = 0

    def add(self, data):
        self.total += len(data)
        if len(self.data) < RESULT_CAP:
            self.data += data[: RESULT_CAP - len(self.data)]


def _send(fd, obj, payload=b""):
    data = (json.dumps(obj) + "\n").encode() + payload
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _children(pid):
    """Direct children of ``pid`` (Linux /proc)."""
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids += [int(x) for x in f.read().split()]
        return kids
    except OSError:
        pass
    try:
        names = os.listdir("/proc")
    except OSError:
        return kids
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid:
            kids.append(int(name))
    return kids


def _reap_all(me):
    """Kill and reap every remaining child of the zygote: anything a job left behind
    (re-parented here because the zygote is a subreaper)."""
    for _ in range(200):
        try:
            while True:
                pid, _status = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
        except ChildProcessError:
            pass
        kids = _children(me)
        if not kids:
            return
        for kid in kids:
            for kill in (os.killpg, os.kill):
                try:
                    kill(kid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        time.sleep(0.002)


def _drain(fd, sink, budget):
    """Read what is available now from a non-blocking fd, at most ``budget`` bytes."""
    got = 0
    while got < budget:
        try:
            data = os.read(fd, 1 << 16)
        except BlockingIOError:
            return got, False
        except OSError:
            return got, True
        if not data:
            return got, True
        sink.add(data)
        got += len(data)
    return got, False


def _supervise(pid, out_r, err_r, res_r, ctl, job, t0):
    limits = job["limits"]
    deadline = t0 + float(limits["timeout_s"])
    cap_bytes = int(limits["output_kb"]) * 1024
    outs = {out_r: _Capture(), err_r: _Capture()}
    results = _Results()
    sinks = dict(outs)
    sinks[res_r] = results
    for fd in sinks:
        os.set_blocking(fd, False)
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    open_fds = [out_r, err_r, res_r]
    timed_out = output_limit = result_limit = parent_gone = False
    wstatus = rusage = None
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done == pid:
            wstatus, rusage = status, usage
            break
        now = time.monotonic()
        if now >= deadline:
            timed_out = True
            break
        watch = open_fds + [ctl.fd] + ([pidfd] if pidfd is not None else [])
        wait = deadline - now if pidfd is not None else min(deadline - now, 0.02)
        try:
            ready, _, _ = select.select(watch, [], [], wait)
        except InterruptedError:
            continue
        for fd in ready:
            if fd == ctl.fd:
                if not ctl.feed():  # the parent went away
                    parent_gone = True
            elif fd in sinks:
                _, eof = _drain(fd, sinks[fd], 1 << 20)
                if eof:
                    open_fds.remove(fd)
        if parent_gone:
            break
        if outs[out_r].total + outs[err_r].total > cap_bytes:
            output_limit = True
            break
        if results.total > RESULT_CAP:
            result_limit = True
            break
    # Kill the job (and, outside the namespace sandbox, its process group).
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if wstatus is None:
        _, wstatus, rusage = os.wait4(pid, 0)
    wall = time.monotonic() - t0
    _reap_all(os.getpid())
    # Everything that could write to the pipes is gone now: read what is buffered.
    for fd in open_fds:
        _drain(fd, sinks[fd], (RESULT_CAP if fd == res_r else cap_bytes) + 1)
    if outs[out_r].total + outs[err_r].total > cap_bytes:
        output_limit = True
    if results.total > RESULT_CAP:
        result_limit = True
    for fd in (out_r, err_r, res_r) + ((pidfd,) if pidfd is not None else ()):
        try:
            os.close(fd)
        except OSError:
            pass
    summary = {
        "done": True,
        "seq": job["seq"],
        "pid": None if job.get("isolated") else pid,  # a sandbox pid means nothing outside
        "isolated": bool(job.get("isolated")),
        "exit_code": os.WEXITSTATUS(wstatus) if os.WIFEXITED(wstatus) else None,
        "signal": os.WTERMSIG(wstatus) if os.WIFSIGNALED(wstatus) else None,
        "timed_out": timed_out,
        "output_limit": output_limit,
        "result_limit": result_limit,
        "parent_gone": parent_gone,
        "wall_s": wall,
        "cpu_s": (rusage.ru_utime + rusage.ru_stime) if rusage else None,
        "maxrss_kb": rusage.ru_maxrss if rusage else None,
        "stdout": outs[out_r].to_dict(),
        "stderr": outs[err_r].to_dict(),
    }
    return summary, bytes(results.data) if not result_limit else b""


def _self_test(isolate):
    """Before the zygote says it is ready: one trial job that sets up the confinement
    and reports what it got. A sandbox that cannot confine a job is refused here."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            got = _enter_job(isolate, {"memory_mb": 256, "timeout_s": 5, "output_kb": 4})
            got["pid1"] = os.getpid() == 1
            got["proc_hidden"] = not os.path.exists("/proc/self")
            try:
                if os.fork() == 0:
                    os._exit(0)
                fork_refused = False
            except OSError:
                fork_refused = True
            got["fork_refused"] = fork_refused
            os.write(w, json.dumps(got).encode())
            os._exit(0)
        except BaseException as exc:
            try:
                os.write(w, json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode())
            finally:
                os._exit(1)
    os.close(w)
    chunks = []
    while True:
        data = os.read(r, 65536)
        if not data:
            break
        chunks.append(data)
    os.close(r)
    os.waitpid(pid, 0)
    _reap_all(os.getpid())
    try:
        return json.loads(b"".join(chunks) or b"{}")
    except ValueError:
        return {"error": "the trial job sent nothing readable"}


def _enter_job(isolate, limits):
    """In a forked job: become confined. With ``isolate`` this forks once more, and
    only the inner process (PID 1 of the new namespace) returns; the outer one waits
    for it and exits the way it did."""
    os.setsid()
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if isolate:
        _unshare_job_namespaces()
        inner = os.fork()
        if inner != 0:
            _mirror(inner)  # never returns
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        _mount_job_filesystems()
        os.makedirs("/tmp/work", exist_ok=True)
        os.chdir("/tmp/work")
    return _confine(isolate, limits)


def _mirror(pid):
    """The job's leader: wait for the job (PID 1 of its namespace) and end the same way,
    so the zygote's wait4 sees the job's exit status and, through this process, its
    resource usage."""
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(70)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            signal.signal(sig, signal.SIG_DFL)
            _prctl(PR_SET_PDEATHSIG, 0)
            os.kill(os.getpid(), sig)
        except (OSError, ValueError):
            pass
        os._exit(128 + sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)


def _remove_tree(path):
    def unlock(func, target, _exc):
        try:
            os.chmod(os.path.dirname(target), 0o700)
            os.chmod(target, 0o700)
            func(target)
        except OSError:
            pass

    shutil.rmtree(path, onerror=unlock)


def zygote(site, isolate):
    ctl_in = os.dup(0)
    ctl_out = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    try:
        if site:
            sys.path.insert(0, site)
        import ctypes  # noqa: F401  (the jobs' confinement)
        import faulthandler  # noqa: F401
        import io  # noqa: F401
        import types  # noqa: F401
        import warnings  # noqa: F401
        import resource  # noqa: F401

        import numpy
        import numpy.lib.format  # noqa: F401
    except BaseException as exc:  # pragma: no cover - broken installation
        _send(ctl_out, {"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    subreaper = _prctl(PR_SET_CHILD_SUBREAPER, 1)
    # Not dumpable: a process of the same user cannot open this one's /proc entries
    # (its pipes to the parent, its memory) without CAP_SYS_PTRACE, which jobs lack.
    _prctl(PR_SET_DUMPABLE, 0)
    trial = _self_test(isolate)
    if "error" in trial or (isolate and not (trial.get("pid1") and trial.get("proc_hidden"))):
        _send(ctl_out, {"ready": False, "error": "the job sandbox did not start: "
                        + str(trial.get("error") or trial)})
        return 1
    _send(ctl_out, {"ready": True, "pid": os.getpid(), "numpy": numpy.__version__,
                    "subreaper": subreaper, "isolated": bool(isolate), "confinement": trial})
    ctl = _Channel(ctl_in)
    while True:
        line = ctl.readline()
        if line is None:
            return 0
        try:
            msg = json.loads(line)
            op = msg.get("op")
        except (ValueError, AttributeError):
            return 3  # out of step with the parent: it restarts this process
        if op == "exit":
            return 0
        if op != "run":
            return 3
        job = msg["job"]
        job["isolated"] = bool(isolate)
        blobs = []
        for size in msg.get("blobs", []):
            blob = ctl.read_exact(int(size))
            if blob is None:
                return 0
            blobs.append(blob)
        work_dir = None
        if not isolate:  # inside the sandbox each job has a /tmp of its own instead
            work_dir = job["work_dir"] = tempfile.mkdtemp(prefix="kb-job-")
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        res_r, res_w = os.pipe()
        t0 = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the job process
            try:
                os.dup2(out_w, 1)
                os.dup2(err_w, 2)
                os.dup2(res_w, 3)
                os.closerange(4, 65536)
                job_main(job, blobs, isolate)
            except BaseException as exc:
                try:
                    os.write(2, f"\n[kb engine] the harness failed: {type(exc).__name__}: {exc}\n".encode())
                except BaseException:
                    pass
            os._exit(70)
        for fd in (out_w, err_w, res_w):
            os.close(fd)
        del blobs
        _send(ctl_out, {"seq": job["seq"], "started": pid})
        summary, results = _supervise(pid, out_r, err_r, res_r, ctl, job, t0)
        if work_dir is not None:
            _remove_tree(work_dir)
        if summary["parent_gone"]:
            return 0
        summary["result_bytes"] = len(results)
        _send(ctl_out, summary, results)
        del results


# --- job ----------------------------------------------------------------------------


class ForbiddenCall(Exception):
    pass


def _test_functions(np):
    """The engine's test functions, by name (``engine.spec.TEST_FUNCTIONS``): scalar
    functions of an array, their correct gradients and gradients with planted bugs, for
    exercises whose learner function takes a function (a gradient checker). Fixed and
    deterministic; every call returns a new value."""
    A = np.array([[0.5, -1.2, 0.3], [1.1, 0.4, -0.7], [-0.6, 0.9, 1.3], [0.2, -0.3, -1.0], [1.4, 0.8, 0.1]])
    C = np.array([[1.0, -0.5], [0.3, 0.8], [-1.2, 0.4], [0.6, 1.1], [-0.2, -0.9]])

    def cubic(x):
        return float(np.sum(x ** 3 + 0.5 * x ** 2))

    def cubic_grad(x):
        return 3.0 * x ** 2 + x

    def cubic_grad_missing_3(x):
        return x ** 2 + x

    def logsumexp(x):
        m = np.max(x)
        return float(m + np.log(np.sum(np.exp(x - m))))

    def logsumexp_grad(x):
        e = np.exp(x - np.max(x))
        return e / np.sum(e)

    def logsumexp_grad_sign(x):
        return -logsumexp_grad(x)

    def logsumexp_grad_unnormalised(x):
        return np.exp(x)

    def tanh_layer(W):
        return float(np.sum(C * np.tanh(A @ W)))

    def tanh_layer_grad(W):
        t = np.tanh(A @ W)
        return A.T @ (C * (1.0 - t * t))

    def tanh_layer_grad_no_tanh_derivative(W):
        return A.T @ C + 0.0 * W

    def tanh_layer_grad_one_entry_off(W):
        g = tanh_layer_grad(W)
        idx = np.unravel_index(np.argmax(np.abs(g)), g.shape)
        g[idx] *= 1.001
        return g

    return {
        "cubic": cubic,
        "cubic-grad": cubic_grad,
        "cubic-grad-missing-3": cubic_grad_missing_3,
        "logsumexp": logsumexp,
        "logsumexp-grad": logsumexp_grad,
        "logsumexp-grad-sign": logsumexp_grad_sign,
        "logsumexp-grad-unnormalised": logsumexp_grad_unnormalised,
        "tanh-layer": tanh_layer,
        "tanh-layer-grad": tanh_layer_grad,
        "tanh-layer-grad-no-tanh-derivative": tanh_layer_grad_no_tanh_derivative,
        "tanh-layer-grad-one-entry-off": tanh_layer_grad_one_entry_off,
    }


def _forbid(names, np):
    """Replace each forbidden NumPy function by a stub that raises, wherever a loaded
    module holds it (``numpy.tanh`` is also ``numpy._core.umath.tanh`` and more), and
    stop the submission from loading fresh copies of NumPy's compiled modules."""
    stubs = {}
    for dotted in names:
        owner = np
        for part in dotted.split(".")[1:-1]:
            owner = getattr(owner, part, None)
        target = getattr(owner, dotted.rsplit(".", 1)[-1], None) if owner is not None else None
        if target is None:
            continue

        def stub(*a, _name=dotted, **k):
            raise ForbiddenCall(f"{_name} is off-limits in this exercise")

        stubs[id(target)] = (target, stub)
    if not stubs:
        return
    for module in list(sys.modules.values()):
        try:
            namespace = vars(module)
        except TypeError:
            continue
        for key, value in list(namespace.items()):
            hit = stubs.get(id(value))
            if hit is not None and hit[0] is value:
                try:
                    setattr(module, key, hit[1])
                except (AttributeError, TypeError):
                    pass
    # A compiled module imported again (after removal from sys.modules) comes back
    # with its original attributes; refuse to re-import anything of NumPy's.
    import importlib.abc

    loaded = {k for k in sys.modules if k == "numpy" or k.startswith("numpy.")}

    class _NoReload(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path=None, target=None):
            if fullname in loaded:
                raise ForbiddenCall(f"re-importing {fullname} is off-limits in this exercise")
            return None

    sys.meta_path.insert(0, _NoReload())


def job_main(job, blobs, isolate):
    """Runs in the forked job process; ends with os._exit, never returns.

    The body runs as a fresh function object whose globals are a private copy of this
    module's, with a private snapshot of the builtins: submitted code that
    monkeypatches ``builtins`` or this module does not reach the harness's own names.
    """
    import builtins
    import types

    private = dict(globals())
    private["__builtins__"] = dict(builtins.__dict__)
    body = types.FunctionType(_job_body.__code__, private, "job")
    body(job, blobs, isolate)


def _job_body(job, blobs, isolate):
    import faulthandler
    import io
    import types
    import warnings

    import numpy as np

    confinement = _enter_job(isolate, job["limits"])
    if not isolate:
        os.chdir(job["work_dir"])

    _exit = os._exit
    _write = os.write
    _quote = json.encoder.c_encode_basestring_ascii or json.encoder.py_encode_basestring_ascii
    _float_repr = float.__repr__
    _inf = float("inf")
    _bytes_io = io.BytesIO
    _load = np.load

    def _dumps(obj):
        # A small JSON writer on private builtins only (json.dumps runs Python code
        # that patched builtins would reach).
        t = type(obj)
        if obj is None:
            return "null"
        if obj is True:
            return "true"
        if obj is False:
            return "false"
        if t is int:
            return int.__repr__(obj)
        if t is float:
            if obj != obj:
                return "NaN"
            if obj == _inf:
                return "Infinity"
            if obj == -_inf:
                return "-Infinity"
            return _float_repr(obj)
        if t is str:
            return _quote(obj)
        if t is list or t is tuple:
            return "[" + ", ".join([_dumps(x) for x in obj]) + "]"
        if t is dict:
            return "{" + ", ".join([_quote(str(k)) + ": " + _dumps(v) for k, v in obj.items()]) + "}"
        return _quote(str(t))

    def emit(name, data):
        # One record of the result stream on fd 3: a name, a length, the bytes.
        raw = name.encode("ascii")
        view = memoryview(b"KB" + len(raw).to_bytes(1, "little") + raw + len(data).to_bytes(8, "little") + data)
        while view:
            n = _write(3, view)
            view = view[n:]

    _shares = np.shares_memory
    _perf = time.perf_counter
    _ndarray = np.ndarray
    _generic = np.generic
    _array = np.array
    _errstate = np.errstate
    _catch = warnings.catch_warnings
    _simplefilter = warnings.simplefilter

    faulthandler.enable(file=sys.stderr)
    try:
        sys.stdout.reconfigure(line_buffering=True, errors="backslashreplace")
        sys.stderr.reconfigure(line_buffering=True, errors="backslashreplace")
    except Exception:
        pass
    token = job["token"]
    filename = job["filename"]
    source_lines = []

    def write_json(name, obj):
        obj["token"] = token  # every record carries the job's token; the parent checks it
        emit(name, _dumps(obj).encode("utf-8"))

    def save_npy(name, arr):
        # A minimal .npy (format 1.0) writer built on C-level methods only, so that
        # submitted code patching numpy's Python functions cannot alter what is sent.
        if not arr.flags.c_contiguous:
            arr = arr.copy(order="C")
        header = "{'descr': %r, 'fortran_order': False, 'shape': %r, }" % (arr.dtype.str, tuple(arr.shape))
        pad = 64 - (10 + len(header) + 1) % 64
        header = (header + " " * pad + "\n").encode("latin1")
        emit(name, b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + arr.tobytes())

    # Inputs: .npy bytes sent by the parent, loaded without pickle.
    arrays = {}
    for name, index in job.get("arrays", {}).items():
        arrays[name] = _load(_bytes_io(blobs[index]), allow_pickle=False)
    kept = {}  # results of earlier calls that later calls take as arguments (chains)

    test_fns = []

    def materialize(ref):
        if "npy" in ref:
            return arrays[ref["npy"]].copy()
        if "kept" in ref:
            if ref["kept"] not in kept:
                raise RuntimeError("no cache: the forward call before this one did not return")
            value, maker = kept[ref["kept"]]
            item = ref.get("item")
            if item is None:
                return value
            if type(value) not in (tuple, list) or len(value) <= item:
                raise TypeError(f"{maker}() should return a tuple whose element {item} is the cache; "
                                f"it returned {type(value).__name__}")
            return value[item]
        if "json" in ref:
            return ref["json"]
        if "fn" in ref:
            if not test_fns:
                test_fns.append(_test_functions(np))
            return test_fns[0][ref["fn"]]
        if "dict" in ref:
            return {k: materialize(v) for k, v in ref["dict"].items()}
        if "list" in ref:
            return [materialize(v) for v in ref["list"]]
        if "tuple" in ref:
            return tuple(materialize(v) for v in ref["tuple"])
        raise ValueError(f"bad input reference {ref!r}")

    def describe(exc, tb):
        frames = []
        where = None  # the innermost frame below the learner's own (e.g. in NumPy)
        while tb is not None:
            code = tb.tb_frame.f_code
            if code.co_filename == filename:
                n = tb.tb_lineno
                text = source_lines[n - 1].strip() if 0 < n <= len(source_lines) else ""
                frames.append([n, code.co_name, text[:200]])
                where = None
            elif frames:
                where = [code.co_filename.rsplit("/", 1)[-1], tb.tb_lineno, code.co_name]
            tb = tb.tb_next
        try:
            message = str(exc)
        except BaseException:
            message = "<unprintable>"
        if isinstance(exc, NotImplementedError):
            kind = "not-started"
        elif isinstance(exc, MemoryError):
            kind = "memory"
        elif isinstance(exc, (FloatingPointError, RuntimeWarning)):
            kind = "fp"
        elif isinstance(exc, ForbiddenCall):
            kind = "forbidden"
        else:
            kind = "error"
        if len(frames) > 12:
            frames = frames[:4] + [[0, "...", f"({len(frames) - 8} more frames)"]] + frames[-4:]
        return {
            "ok": False,
            "kind": kind,
            "type": type(exc).__name__,
            "message": message[:1000],
            "frames": frames,
            "where": where,
        }

    counter = [0]

    def encode(obj, cid, depth=0):
        t = type(obj)
        if obj is None:
            return {"t": "none"}
        if t is bool:
            return {"t": "bool", "v": obj}
        if t is int:
            return {"t": "int", "v": obj if abs(obj) < 2**53 else str(obj)}
        if t is float:
            return {"t": "float", "v": obj}
        if issubclass(t, _ndarray):
            arr = _ndarray.view(obj, _ndarray)
            if arr.dtype.hasobject or arr.dtype.kind in "OVUSMm":
                return {"t": "badarray", "dtype": str(arr.dtype), "shape": list(arr.shape)}
            counter[0] += 1
            name = f"{cid}_{counter[0]}.npy"
            save_npy(name, arr)
            return {"t": "array", "file": name, "cls": t.__name__}
        if issubclass(t, _generic):
            if obj.dtype.kind not in "biuf":
                return {"t": "other", "type": t.__name__}
            counter[0] += 1
            name = f"{cid}_{counter[0]}.npy"
            save_npy(name, _array(obj))
            return {"t": "npscalar", "file": name, "dtype": str(obj.dtype)}
        if depth >= 4:
            return {"t": "other", "type": t.__name__}
        if t is tuple or t is list:
            if len(obj) > 10_000:
                return {"t": "other", "type": f"{t.__name__} of {len(obj)} items"}
            return {"t": t.__name__, "items": [encode(x, cid, depth + 1) for x in obj]}
        if t is dict:
            items = {}
            for k, v in list(obj.items())[:1000]:
                if type(k) is not str:
                    return {"t": "other", "type": "dict with non-string keys"}
                items[k] = encode(v, cid, depth + 1)
            return {"t": "dict", "items": items}
        return {"t": "other", "type": getattr(t, "__name__", "?")}

    def leaves(obj):
        t = type(obj)
        if issubclass(t, _ndarray):
            yield obj
        elif t in (tuple, list):
            for x in obj:
                yield from leaves(x)
        elif t is dict:
            for x in obj.values():
                yield from leaves(x)

    def numgrad(fn, args, kwargs, spec):
        h = float(spec["h"])
        dout = materialize(spec["dout"]) if spec.get("dout") is not None else None

        item = spec.get("item")

        def loss():
            out = fn(*args, **kwargs)
            if item is not None:
                out = out[item]
            if dout is None:
                return float(out)
            return float(np.sum(np.asarray(out, dtype=np.float64) * dout))

        grads = []
        for i in spec["wrt"]:
            x = args[i]
            g = np.zeros(x.shape, dtype=np.float64)
            for idx in np.ndindex(x.shape):
                old = x[idx]
                x[idx] = old + h
                fp = loss()
                x[idx] = old - h
                fm = loss()
                x[idx] = old
                g[idx] = (fp - fm) / (2 * h)
            grads.append(g)
        return tuple(grads)

    # The submitted source, run as a module named "submission".
    import_error = None
    module = types.ModuleType("submission")
    module.__file__ = filename
    sys.modules["submission"] = module
    try:
        text = blobs[job["source"]].decode("utf-8")
        source_lines = text.splitlines()
        code = compile(text, filename, "exec", dont_inherit=True)
    except BaseException as exc:
        import_error = describe(exc, exc.__traceback__)
        if isinstance(exc, SyntaxError):
            import_error["frames"] = [[exc.lineno or 0, "<module>", (exc.text or "").strip()[:200]]]
        elif isinstance(exc, UnicodeDecodeError):
            import_error["message"] = "the file is not valid UTF-8: " + import_error["message"]
    if import_error is None:
        _forbid(job.get("forbidden", []), np)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(code, module.__dict__)
        except BaseException as exc:
            import_error = describe(exc, exc.__traceback__)
    drivers = {}
    if import_error is None and job.get("drivers") is not None:
        # The exercise's own check drivers (trusted content, not the learner's code).
        drivers = {"__name__": "checks", "np": np}
        try:
            exec(compile(blobs[job["drivers"]].decode("utf-8"), "<checks>", "exec", dont_inherit=True), drivers)
        except BaseException as exc:
            import_error = describe(exc, exc.__traceback__)
            import_error["message"] = "the exercise's check drivers failed: " + import_error["message"]

    def driven(name):
        target = drivers.get(name)
        if not callable(target):
            return None

        def call_driver(*args, **kwargs):
            return target(module, *args, **kwargs)

        return call_driver

    done = []
    if import_error is not None:
        write_json("import.json", import_error)
    else:
        for call in job["calls"]:
            cid = call["cid"]
            if call.get("driver"):
                fn = driven(call["fn"])
            else:
                fn = module.__dict__.get(call["fn"]) if call.get("fn") else None
            if not callable(fn):
                write_json(cid + ".json", {"ok": False, "kind": "missing", "type": "NameError",
                                           "message": call["fn"], "frames": [], "where": None})
                done.append(cid)
                continue
            try:
                args = [materialize(r) for r in call["args"]]
                kwargs = {k: materialize(v) for k, v in call["kwargs"].items()}
            except BaseException as exc:  # MemoryError while copying inputs
                write_json(cid + ".json", describe(exc, None))
                done.append(cid)
                continue
            caught = []
            start = _perf()
            try:
                if call.get("numgrad"):
                    result = numgrad(fn, args, kwargs, call["numgrad"])
                elif call.get("strict"):
                    with _catch():
                        _simplefilter("error", RuntimeWarning)
                        with _errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
                            result = fn(*args, **kwargs)
                else:
                    with _catch(record=True) as got:
                        _simplefilter("always")
                        result = fn(*args, **kwargs)
                    for w in got[:5]:
                        try:
                            caught.append(f"{w.category.__name__}: {w.message}"[:300])
                        except BaseException:
                            pass
                elapsed = _perf() - start
                if call.get("keep"):
                    kept[cid] = (result, call["fn"])
                counter[0] = 0
                sent = result
                only = call.get("only")
                if only is not None and type(result) in (tuple, list):
                    # A chained call sends back only these items (a learner's cache stays here).
                    sent = tuple(result[i] for i in only if i < len(result))
                record = {"ok": True, "result": encode(sent, cid), "elapsed_s": elapsed,
                          "warnings": caught}
                if call.get("save_inputs"):
                    saved = {}
                    for i, a in enumerate(args):
                        if type(a) is _ndarray:
                            name = f"{cid}_in{i}.npy"
                            save_npy(name, a)
                            saved[str(i)] = name
                    for k, a in kwargs.items():
                        if type(a) is _ndarray:
                            name = f"{cid}_in_{k}.npy"
                            save_npy(name, a)
                            saved[k] = name
                    record["inputs_after"] = saved
                    views = []
                    outs = list(leaves(sent))
                    for j, out in enumerate(outs):
                        for key, a in list(enumerate(args)) + list(kwargs.items()):
                            if type(a) is _ndarray and _shares(out, a):
                                views.append([j, str(key)])
                    record["views"] = views
                del result
            except BaseException as exc:
                record = describe(exc, exc.__traceback__)
                record["elapsed_s"] = _perf() - start
                exc = None
            try:
                write_json(cid + ".json", record)
            except MemoryError:
                write_json(cid + ".json", {"ok": False, "kind": "memory", "type": "MemoryError",
                                           "message": "", "frames": [], "where": None})
            done.append(cid)
    try:
        sys.__stdout__.flush()
        sys.__stderr__.flush()
    except BaseException:
        pass
    write_json("manifest.json", {"token": token, "done": done,
                                 "import_error": import_error is not None, "confinement": confinement})
    _exit(0)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "zygote":
        sys.exit(zygote(sys.argv[2], len(sys.argv) > 3 and sys.argv[3] == "isolate"))
    sys.exit(2)
