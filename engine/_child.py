"""The engine's child process. Self-contained (stdlib + NumPy): it runs as a script,
``python -I engine/_child.py zygote``, never as part of the ``engine`` package.

Two roles:

*zygote*  Imports NumPy once, becomes a child subreaper, then loops on its control
          channel (JSON lines: the parent's requests in, replies out). For each job it
          forks a fresh *job* process, supervises it (wall-clock deadline, output cap)
          and, once it has ended, kills its whole process group and every orphan that
          was re-parented to the zygote, then replies with how the job ended.

*job*     The forked process: new session, resource limits, an empty temporary working
          directory, the control channel closed. It loads the inputs (``.npy``, no
          pickle), executes the submitted source as a module, calls the requested
          functions and writes each result as JSON + ``.npy`` into a result directory
          whose path only this process was told. It never decides a verdict: the
          parent compares the data against the reference solution. A job that ends
          without its final manifest is, to the parent, a crash.

Everything the job writes is data the parent validates; nothing printed on stdout or
stderr is ever parsed.
"""

import json
import os
import select
import signal
import sys
import time

HEAD = 8 * 1024  # bytes of each stream kept from the start
TAIL = 2 * 1024  # and from the end

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def _prctl(option, value):
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except Exception:
        return False


# --- zygote ---------------------------------------------------------------------------


class _Lines:
    def __init__(self, fd):
        self.fd = fd
        self.buf = b""

    def has_line(self):
        return b"\n" in self.buf

    def feed(self):
        data = os.read(self.fd, 65536)
        if not data:
            return False
        self.buf += data
        return True

    def readline(self):
        while b"\n" not in self.buf:
            if not self.feed():
                return None
        line, self.buf = self.buf.split(b"\n", 1)
        return line


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


def _send(fd, obj):
    data = (json.dumps(obj) + "\n").encode()
    while data:
        n = os.write(fd, data)
        data = data[n:]


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
    """Kill and reap every remaining child of the zygote: background processes the
    job left behind (re-parented here because the zygote is a subreaper)."""
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


def _set_nonblocking(fd):
    os.set_blocking(fd, False)


def _drain(fd, cap, budget):
    """Read what is available now from a non-blocking fd, at most ``budget`` bytes."""
    got = 0
    while got < budget:
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return got, False
        except OSError:
            return got, True
        if not data:
            return got, True
        cap.add(data)
        got += len(data)
    return got, False


def _supervise(pid, out_r, err_r, ctl, job, t0):
    limits = job["limits"]
    deadline = t0 + float(limits["timeout_s"])
    cap_bytes = int(limits["output_kb"]) * 1024
    caps = {out_r: _Capture(), err_r: _Capture()}
    for fd in caps:
        _set_nonblocking(fd)
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    open_fds = [out_r, err_r]
    timed_out = output_limit = parent_gone = False
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
        over = False
        for fd in ready:
            if fd == ctl.fd:
                if not ctl.feed():  # the parent went away
                    parent_gone = True
            elif fd in caps:
                got, eof = _drain(fd, caps[fd], 1 << 20)
                if eof:
                    open_fds.remove(fd)
                if caps[out_r].total + caps[err_r].total > cap_bytes:
                    over = True
        if parent_gone:
            break
        if over:
            output_limit = True
            break
    # Kill the job's whole process group (it called setsid: pgid == pid).
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if wstatus is None:
        _, wstatus, rusage = os.wait4(pid, 0)
    wall = time.monotonic() - t0
    # What the job printed last, if anything is still buffered (never wait for EOF:
    # a background process may hold the pipe open until it is killed).
    if not output_limit:
        for fd in open_fds:
            _drain(fd, caps[fd], cap_bytes)
        if caps[out_r].total + caps[err_r].total > cap_bytes:
            output_limit = True
    _reap_all(os.getpid())
    for fd in (out_r, err_r) + ((pidfd,) if pidfd is not None else ()):
        try:
            os.close(fd)
        except OSError:
            pass
    return {
        "done": True,
        "pid": pid,
        "exit_code": os.WEXITSTATUS(wstatus) if os.WIFEXITED(wstatus) else None,
        "signal": os.WTERMSIG(wstatus) if os.WIFSIGNALED(wstatus) else None,
        "timed_out": timed_out,
        "output_limit": output_limit,
        "parent_gone": parent_gone,
        "wall_s": wall,
        "cpu_s": (rusage.ru_utime + rusage.ru_stime) if rusage else None,
        "maxrss_kb": rusage.ru_maxrss if rusage else None,
        "stdout": caps[out_r].to_dict(),
        "stderr": caps[err_r].to_dict(),
    }


def zygote():
    ctl_in = os.dup(0)
    ctl_out = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    try:
        import ctypes  # noqa: F401  (used by the jobs' prctl)
        import faulthandler  # noqa: F401
        import types  # noqa: F401
        import warnings  # noqa: F401
        import resource  # noqa: F401

        import numpy
        import numpy.lib.format  # noqa: F401
    except BaseException as exc:  # pragma: no cover - broken installation
        _send(ctl_out, {"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    subreaper = _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _send(ctl_out, {"ready": True, "pid": os.getpid(), "numpy": numpy.__version__,
                    "subreaper": subreaper})
    ctl = _Lines(ctl_in)
    while True:
        line = ctl.readline()
        if line is None:
            return 0
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        op = msg.get("op")
        if op == "exit":
            return 0
        if op == "ping":
            _send(ctl_out, {"pong": True})
            continue
        if op != "run":
            continue
        job = msg["job"]
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        me = os.getpid()
        t0 = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the job process
            code = 70
            try:
                os.setsid()
                _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                if os.getppid() != me:
                    os._exit(71)
                os.dup2(out_w, 1)
                os.dup2(err_w, 2)
                os.closerange(3, 65536)
                job_main(job)
            except BaseException as exc:
                try:
                    os.write(2, f"\n[kb engine] the harness failed: {type(exc).__name__}: {exc}\n".encode())
                except BaseException:
                    pass
            os._exit(code)
        os.close(out_w)
        os.close(err_w)
        _send(ctl_out, {"started": pid})
        result = _supervise(pid, out_r, err_r, ctl, job, t0)
        if result["parent_gone"]:
            return 0
        _send(ctl_out, result)


# --- job ----------------------------------------------------------------------------


class ForbiddenCall(Exception):
    pass


def _set_limits(limits):
    import resource

    mem = int(limits["memory_mb"]) * 1024 * 1024
    cpu = limits.get("cpu_s") or float(limits["timeout_s"]) + 1
    cpu = max(1, int(cpu + 0.999))
    wanted = [
        (resource.RLIMIT_AS, mem, mem),
        (resource.RLIMIT_CPU, cpu, cpu + 1),
        (resource.RLIMIT_CORE, 0, 0),
        (resource.RLIMIT_FSIZE, 256 * 1024 * 1024, 256 * 1024 * 1024),
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


def job_main(job):
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
    body(job)


def _job_body(job):
    import faulthandler
    import io
    import types
    import warnings

    import numpy as np

    _exit = os._exit
    _replace = os.replace
    _open = io.open
    _quote = json.encoder.c_encode_basestring_ascii or json.encoder.py_encode_basestring_ascii
    _float_repr = float.__repr__
    _inf = float("inf")

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
    _shares = np.shares_memory
    _perf = time.perf_counter
    _ndarray = np.ndarray
    _generic = np.generic
    _array = np.array
    _errstate = np.errstate
    _catch = warnings.catch_warnings
    _simplefilter = warnings.simplefilter

    _set_limits(job["limits"])
    faulthandler.enable(file=sys.stderr)
    os.chdir(job["work_dir"])
    try:
        sys.stdout.reconfigure(line_buffering=True, errors="backslashreplace")
        sys.stderr.reconfigure(line_buffering=True, errors="backslashreplace")
    except Exception:
        pass
    out_dir = job["out_dir"]
    token = job["token"]
    filename = job["filename"]
    source_lines = []

    def write_json(name, obj):
        tmp = out_dir + "/." + name + ".tmp"
        with _open(tmp, "w", encoding="utf-8") as f:
            f.write(_dumps(obj))
        _replace(tmp, out_dir + "/" + name)

    def save_npy(name, arr):
        # A minimal .npy (format 1.0) writer built on C-level methods only, so that
        # submitted code patching numpy's Python functions cannot alter what is sent.
        if not arr.flags.c_contiguous:
            arr = arr.copy(order="C")
        header = "{'descr': %r, 'fortran_order': False, 'shape': %r, }" % (arr.dtype.str, tuple(arr.shape))
        pad = 64 - (10 + len(header) + 1) % 64
        header = (header + " " * pad + "\n").encode("latin1")
        tmp = out_dir + "/." + name + ".tmp"
        with _open(tmp, "wb") as f:
            f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header)
            f.write(arr.tobytes())
        _replace(tmp, out_dir + "/" + name)

    # Inputs: .npy files written by the parent, loaded without pickle.
    arrays = {}
    in_dir = job["input_dir"]
    for name in job.get("arrays", []):
        arrays[name] = np.load(os.path.join(in_dir, name), allow_pickle=False)

    test_fns = []

    def materialize(ref):
        if "npy" in ref:
            return arrays[ref["npy"]].copy()
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

        def loss():
            out = fn(*args, **kwargs)
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
        with _open(job["source_path"], "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8")
        source_lines = text.splitlines()
        code = compile(text, filename, "exec", dont_inherit=True)
    except BaseException as exc:
        import_error = describe(exc, exc.__traceback__)
        if isinstance(exc, SyntaxError):
            import_error["frames"] = [[exc.lineno or 0, "<module>", (exc.text or "").strip()[:200]]]
        elif isinstance(exc, UnicodeDecodeError):
            import_error["message"] = "the file is not valid UTF-8: " + import_error["message"]
    if import_error is None:
        for dotted in job.get("forbidden", []):
            parts = dotted.split(".")
            owner = np
            for part in parts[1:-1]:
                owner = getattr(owner, part, None)
            if owner is not None and hasattr(owner, parts[-1]):
                def stub(*a, _name=dotted, **k):
                    raise ForbiddenCall(f"{_name} is off-limits in this exercise")
                try:
                    setattr(owner, parts[-1], stub)
                except (AttributeError, TypeError):
                    pass
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(code, module.__dict__)
        except BaseException as exc:
            import_error = describe(exc, exc.__traceback__)

    done = []
    if import_error is not None:
        write_json("import.json", import_error)
    else:
        for call in job["calls"]:
            cid = call["cid"]
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
                counter[0] = 0
                record = {"ok": True, "result": encode(result, cid), "elapsed_s": elapsed,
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
                    outs = list(leaves(result))
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
                                 "import_error": import_error is not None})
    _exit(0)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "zygote":
        sys.exit(zygote())
    sys.exit(2)
