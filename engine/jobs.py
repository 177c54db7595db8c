"""Jobs: the calls a check run needs, serialised for the worker's child process, and the
child's results decoded back into values (untrusted data: JSON and ``.npy`` only, every
field checked). Also the reference solution's job, cached per solution and inputs.

Planning a check adds ``Call``s to a ``Planner``: the learner's calls run in one job, the
reference's in another; ``collect`` turns what a job sent back into a ``RunResult``.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import secrets
import signal
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.compare import Opaque
from engine.inputs import TestFunction
from engine.plain import driver_names
from engine.report import Message
from engine.worker import Worker

if TYPE_CHECKING:  # pragma: no cover
    from engine.spec import ExerciseSpec

M = Message
REFERENCE_FILENAME = "<reference solution>"
_SAFE_FILE = re.compile(r"^[A-Za-z0-9_]+\.npy$")
_MAX_NPY_BYTES = 256 * 1024 * 1024


class ReferenceError_(Exception):
    """The exercise's own reference solution failed: an authoring bug."""

    def __init__(self, message: Message):
        super().__init__(message.en)
        self.message = message


# --- plan --------------------------------------------------------------------------------


@dataclass
class Call:
    cid: str
    fn: str
    args: list[Any]
    kwargs: dict[str, Any]
    strict: bool = False
    save_inputs: bool = False
    numgrad: dict[str, Any] | None = None
    keep: bool = False  # a later call of the same job takes this result as an argument
    only: list[int] | None = None  # send back only these items of a returned tuple
    driver: bool = False  # one of the exercise's check drivers, given the module first


@dataclass
class Outcome:
    """One call's result as the parent sees it."""

    ok: bool
    value: Any = None
    info: dict[str, Any] = field(default_factory=dict)  # error kind, type, message, frames
    inputs_after: dict[str, np.ndarray] = field(default_factory=dict)
    views: list[tuple[int, str]] = field(default_factory=list)
    elapsed_s: float | None = None


@dataclass
class RunResult:
    outcomes: dict[str, Outcome]
    import_error: dict[str, Any] | None
    complete: bool  # manifest present with the right token and every call answered
    process: str | None  # timeout, memory, output-limit, crashed; None when it ended well
    summary: dict[str, Any]


@dataclass(frozen=True)
class FromReference:
    """A learner call's argument that is the result of a reference call (filled in once
    the reference job has run, before the learner's job is written); ``first``: the
    call sent back a one-element tuple, and the argument is that element."""

    cid: str
    first: bool = False


def resolve(calls: list[Call], reference: dict[str, Outcome]) -> None:
    def value(a: Any) -> Any:
        if not isinstance(a, FromReference):
            return a
        v = reference[a.cid].value
        return v[0] if a.first else v

    for call in calls:
        if any(isinstance(a, FromReference) for a in call.args):
            call.args = [value(a) for a in call.args]


class Planner:
    def __init__(self, spec: ExerciseSpec):
        self.spec = spec
        self.learner: list[Call] = []
        self.reference: list[Call] = []
        self.drivers = driver_names(spec)
        self._n = 0

    def _cid(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n}"

    def add(self, side: str, fn: str, args: list[Any], kwargs: dict[str, Any], **flags: Any) -> Call:
        flags.setdefault("driver", fn in self.drivers)
        call = Call(self._cid("l" if side == "learner" else "r"), fn, args, kwargs, **flags)
        (self.learner if side == "learner" else self.reference).append(call)
        return call


# --- serialising calls into a job -----------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    """An argument that is the result (or one item of it) of an earlier call in the
    same job: it never leaves the child (a learner's opaque cache)."""

    cid: str
    item: int | None = None


@dataclass
class Job:
    spec: dict[str, Any]
    blobs: list[bytes]
    token: str


def build_job(calls: list[Call], source: bytes, filename: str, limits: dict[str, Any],
         forbidden: list[str], drivers: str | None = None) -> Job:
    """One job as the zygote takes it: a JSON description and the blobs it names (the
    source, the input arrays as .npy bytes). Nothing is written to disk."""
    names: dict[int, str] = {}
    arrays: dict[str, int] = {}
    blobs: list[bytes] = [source]

    def ref(value: Any) -> dict[str, Any]:
        if isinstance(value, np.ndarray):
            key = id(value)
            if key not in names:
                name = f"a{len(names) + 1}.npy"
                buf = io.BytesIO()
                np.save(buf, value, allow_pickle=False)
                arrays[name] = len(blobs)
                blobs.append(buf.getvalue())
                names[key] = name
            return {"npy": names[key]}
        if isinstance(value, np.generic):
            return {"json": value.item()}
        if isinstance(value, TestFunction):
            return {"fn": value.name}
        if isinstance(value, Kept):
            return {"kept": value.cid, "item": value.item}
        if isinstance(value, dict):
            return {"dict": {str(k): ref(v) for k, v in value.items()}}
        if isinstance(value, tuple):
            return {"tuple": [ref(v) for v in value]}
        if isinstance(value, list):
            return {"list": [ref(v) for v in value]}
        return {"json": value}

    out_calls = []
    for call in calls:
        entry: dict[str, Any] = {
            "cid": call.cid,
            "fn": call.fn,
            "args": [ref(a) for a in call.args],
            "kwargs": {k: ref(v) for k, v in call.kwargs.items()},
        }
        if call.strict:
            entry["strict"] = True
        if call.save_inputs:
            entry["save_inputs"] = True
        if call.keep:
            entry["keep"] = True
        if call.only is not None:
            entry["only"] = list(call.only)
        if call.driver:
            entry["driver"] = True
        if call.numgrad:
            ng = dict(call.numgrad)
            ng["dout"] = ref(ng["dout"]) if ng.get("dout") is not None else None
            entry["numgrad"] = ng
        out_calls.append(entry)
    token = secrets.token_hex(16)
    if drivers:
        blobs.append(drivers.encode("utf-8"))
    spec = {
        "source": 0,
        "drivers": len(blobs) - 1 if drivers else None,
        "filename": filename,
        "token": token,
        "arrays": arrays,
        "calls": out_calls,
        "limits": limits,
        "forbidden": forbidden,
    }
    return Job(spec, blobs, token)


def _npy(files: dict[str, bytes], name: Any) -> np.ndarray:
    if not isinstance(name, str) or not _SAFE_FILE.match(name) or name not in files:
        raise ValueError("malformed result file name")
    arr = np.load(io.BytesIO(files[name]), allow_pickle=False)
    if not isinstance(arr, np.ndarray) or arr.dtype.hasobject:
        raise ValueError("malformed array")
    return arr


def _decode(enc: Any, files: dict[str, bytes], depth: int = 0) -> Any:
    """A result as sent by the child (untrusted data) into Python/NumPy values. Raises
    ValueError (or another ordinary exception) on anything malformed."""
    if not isinstance(enc, dict) or depth > 8:
        raise ValueError("malformed result")
    t = enc.get("t")
    if t in ("array", "npscalar"):
        name = enc.get("file")
        if isinstance(name, str) and len(files.get(name, b"")) > _MAX_NPY_BYTES:
            return Opaque("array too large to compare")
        arr = _npy(files, name)
        if t == "npscalar":
            if arr.ndim != 0:
                raise ValueError("malformed scalar")
            return arr[()]
        if enc.get("cls") not in (None, "ndarray"):
            return Opaque(f"{enc['cls']} (an ndarray subclass; return a plain np.ndarray)")
        return arr
    if t == "float":
        v = enc.get("v")
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            raise ValueError("malformed float")
        return float(v)
    if t == "int":
        v = enc.get("v")
        if isinstance(v, str) and re.fullmatch(r"-?[0-9]{1,400}", v):
            return int(v)
        if not isinstance(v, int) or isinstance(v, bool):
            raise ValueError("malformed int")
        return v
    if t == "bool":
        v = enc.get("v")
        if not isinstance(v, bool):
            raise ValueError("malformed bool")
        return v
    if t == "none":
        return None
    if t in ("tuple", "list"):
        raw = enc.get("items", [])
        if not isinstance(raw, list) or len(raw) > 10_000:
            raise ValueError("malformed sequence")
        items = [_decode(x, files, depth + 1) for x in raw]
        return tuple(items) if t == "tuple" else items
    if t == "dict":
        items = enc.get("items", {})
        if not isinstance(items, dict) or len(items) > 1000:
            raise ValueError("malformed dict")
        return {str(k): _decode(v, files, depth + 1) for k, v in items.items()}
    if t == "badarray":
        return Opaque(f"array of dtype {enc.get('dtype')}")
    if t == "other":
        return Opaque(str(enc.get("type", "?"))[:100])
    raise ValueError("malformed result")


_JSON_CAP = 16 * 1024 * 1024


def _bounded_number(text: str) -> float | int:
    if len(text) > 400:
        raise ValueError("number too long")
    return float(text) if any(c in text for c in ".eE") else int(text)


def _read_json(files: dict[str, bytes], name: str) -> Any:
    """A JSON record from the result stream, or None: too large, not UTF-8, not JSON,
    numbers over 400 digits, nesting too deep (RecursionError) all read as missing."""
    data = files.get(name)
    if data is None or len(data) > _JSON_CAP:
        return None
    try:
        return json.loads(data.decode("utf-8"), parse_int=_bounded_number, parse_float=_bounded_number)
    except (ValueError, RecursionError, UnicodeDecodeError, OverflowError):
        return None


def collect(calls: list[Call], job: Job, summary: dict[str, Any], files: dict[str, bytes]) -> RunResult:
    manifest = _read_json(files, "manifest.json")
    token_ok = isinstance(manifest, dict) and manifest.get("token") == job.token
    import_error = None
    if token_ok and manifest.get("import_error"):
        ie = _read_json(files, "import.json")
        import_error = ie if isinstance(ie, dict) else {"kind": "error", "type": "?", "message": "", "frames": []}
        import_error = _clean_error(import_error)
    outcomes: dict[str, Outcome] = {}
    for call in calls:
        rec = _read_json(files, f"{call.cid}.json")
        if not isinstance(rec, dict) or rec.get("token") != job.token:
            continue
        try:
            if rec.get("ok") is True:
                o = Outcome(True, _decode(rec.get("result"), files))
                if call.save_inputs:
                    inputs_after = rec.get("inputs_after") or {}
                    if not isinstance(inputs_after, dict):
                        raise ValueError("malformed inputs")
                    for key, name in inputs_after.items():
                        o.inputs_after[str(key)] = _npy(files, name)
                    views = rec.get("views") or []
                    if not isinstance(views, list):
                        raise ValueError("malformed views")
                    o.views = [(int(j), str(k)) for j, k in views]
            else:
                o = Outcome(False, info=_clean_error(rec))
            el = rec.get("elapsed_s")
            o.elapsed_s = float(el) if isinstance(el, (int, float)) and not isinstance(el, bool) else None
            outcomes[call.cid] = o
        except Exception:
            summary = dict(summary, malformed=True)
            continue  # a malformed result counts as missing
    complete = token_ok and summary.get("exit_code") == 0 and not summary.get("malformed") and (
        import_error is not None or all(c.cid in outcomes for c in calls))
    process = _process_status(summary, complete)
    return RunResult(outcomes, import_error, complete, process, summary)


def _clean_error(rec: dict[str, Any]) -> dict[str, Any]:
    """An error record from the child with every field of a usable type."""
    kind = rec.get("kind")
    frames = []
    raw_frames = rec.get("frames")
    for f in (raw_frames if isinstance(raw_frames, list) else [])[:20]:
        if isinstance(f, list) and len(f) == 3 and isinstance(f[0], int) and not isinstance(f[0], bool):
            frames.append([f[0], str(f[1])[:100], str(f[2])[:200]])
    where = rec.get("where")
    if not (isinstance(where, list) and len(where) == 3):
        where = None
    else:
        where = [str(where[0])[:100], where[1] if isinstance(where[1], int) else 0, str(where[2])[:100]]
    return {
        "kind": kind if kind in ("not-started", "memory", "fp", "forbidden", "error", "missing") else "error",
        "type": str(rec.get("type") or "Exception")[:100],
        "message": str(rec.get("message") or "")[:1000],
        "frames": frames,
        "where": where,
    }


def _process_status(summary: dict[str, Any], complete: bool) -> str | None:
    if summary.get("timed_out"):
        return "timeout"
    if summary.get("output_limit") or summary.get("result_limit"):
        return "output-limit"
    if summary.get("signal") == getattr(signal, "SIGXCPU", -1):
        return "timeout"
    if complete:
        return None
    err = (summary.get("stderr") or {})
    if "MemoryError" in err.get("head", "") + err.get("tail", ""):
        return "memory"
    return "crashed"



# --- the reference solution's job -----------------------------------------------------------------


def reference_outcomes(worker: Worker, spec: ExerciseSpec, calls: list[Call], limits: dict[str, Any]) -> dict[str, Outcome]:
    cached = cached_reference(worker, spec, calls)
    if cached is not None:
        return cached
    job = reference_job(spec, calls, limits)
    summary, files = worker.run(job.spec, job.blobs, "reference")
    return finish_reference(worker, spec, calls, job, summary, files)


def cached_reference(worker: Worker, spec: ExerciseSpec, calls: list[Call]) -> dict[str, Outcome] | None:
    """The reference's outcomes for these calls if this worker has them (``{}`` when
    there is nothing to run), else None."""
    if not calls:
        return {}
    key = _reference_key(spec, calls)
    cache = worker.reference_cache
    if key in cache:
        cache.move_to_end(key)
        cached: dict[str, Outcome] = cache[key]
        return cached
    return None


def reference_job(spec: ExerciseSpec, calls: list[Call], limits: dict[str, Any]) -> Job:
    ref_limits = dict(limits, timeout_s=max(60.0, 3 * float(limits["timeout_s"])), cpu_s=None)
    return build_job(calls, spec.solution.encode("utf-8"), REFERENCE_FILENAME, ref_limits, [], spec.drivers)


def finish_reference(worker: Worker, spec: ExerciseSpec, calls: list[Call], job: Job, summary: dict[str, Any],
                     files: dict[str, bytes]) -> dict[str, Outcome]:
    """The reference job's outcomes, kept in the worker's cache; ReferenceError_ when the
    reference failed (an authoring bug)."""
    run = collect(calls, job, summary, files)
    require_reference(run, calls)
    cache = worker.reference_cache
    cache[_reference_key(spec, calls)] = run.outcomes
    while len(cache) > 64:
        cache.popitem(last=False)
    return run.outcomes


def _reference_key(spec: ExerciseSpec, calls: list[Call]) -> str:
    return cache_key(spec.solution + "\0" + (spec.drivers or ""), calls)


def needs_reference(calls: list[Call]) -> bool:
    """Some of the learner's calls take a reference result as an argument (chained
    calls): the reference must run first."""
    return any(isinstance(a, FromReference) for call in calls for a in call.args)


def require_reference(run: RunResult, calls: list[Call]) -> None:
    if run.import_error is not None:
        raise ReferenceError_(M(
            f"The exercise's reference solution failed to load ({run.import_error.get('type')}: "
            f"{run.import_error.get('message')}): an authoring bug, not yours.",
            f"本练习的参考答案无法加载（{run.import_error.get('type')}：{run.import_error.get('message')}）："
            "这是练习编写的问题，不是你的错。"))
    for call in calls:
        o = run.outcomes.get(call.cid)
        if o is None or not o.ok:
            detail = "no result" if o is None else f"{o.info.get('type')}: {o.info.get('message')}"
            if o is None and run.process:
                detail = run.process
            raise ReferenceError_(M(
                f"The exercise's reference solution failed on {call.fn}() ({detail}): an authoring bug, not yours.",
                f"本练习的参考答案在 {call.fn}() 上失败（{detail}）：这是练习编写的问题，不是你的错。"))


def cache_key(solution: str, calls: list[Call]) -> str:
    h = hashlib.sha256(solution.encode("utf-8"))

    def feed(v: Any) -> None:
        if isinstance(v, np.ndarray):
            h.update(f"nd{v.dtype}{v.shape}".encode())
            h.update(np.ascontiguousarray(v).tobytes())
        elif isinstance(v, dict):
            for k in sorted(v):
                h.update(f"k{k}".encode())
                feed(v[k])
        elif isinstance(v, (list, tuple)):
            h.update(f"s{len(v)}".encode())
            for x in v:
                feed(x)
        else:
            h.update(repr(v).encode())

    for c in calls:
        h.update(f"|{c.cid}|{c.fn}|{c.strict}|{c.only}|{c.driver}|{c.keep}|".encode())
        feed(c.args)
        feed(c.kwargs)
        feed(c.numgrad or {})
    return h.hexdigest()


def run_reference_job(worker: Worker, spec: ExerciseSpec, calls: list[Call], limits: dict[str, Any],
                      *, drivers: bool = False) -> RunResult:
    """A reference job that depends on what the learner returned (scoring trained
    parameters, replaying a trajectory from the learner's start): run after the
    learner's job, never cached; a failure is the exercise's, not the learner's."""
    job = build_job(calls, spec.solution.encode("utf-8"), REFERENCE_FILENAME,
                    dict(limits, timeout_s=max(60.0, float(limits["timeout_s"])), cpu_s=None), [],
                    spec.drivers if drivers else None)
    summary, files = worker.run(job.spec, job.blobs, "reference")
    run = collect(calls, job, summary, files)
    require_reference(run, calls)
    return run
