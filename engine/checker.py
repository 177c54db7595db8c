"""``check(spec, learner_file)``: plan the calls each declared check needs, run the
learner's code and the reference solution in separate child processes, and compute
every verdict here, in the parent, from data.

Order of work for one check run:

1. the plan: inputs generated from their seeds, one call per case;
2. the reference job (cached per solution and inputs), in its own child process;
   its result files are read and deleted before the learner's code runs;
3. the learner's job, in a fresh limited child; its process group and any orphan
   are killed before its results are read;
4. for training checks, a second reference job scores the returned parameters;
5. verdicts: exact shape/dtype/values, gradients, properties, training thresholds.

A check whose call has no complete result takes the status of how the process ended
(timeout, memory, output-limit, crashed); a run without its final manifest is never a
pass.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import signal
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from engine.compare import (
    Context, Failure, Opaque, band, compare, fmt_array, fmt_index, fmt_num, fmt_shape,
    relative_error, shape_message, show_inputs, _symptom, type_name,
)
from engine.inputs import TestFunction, bigram_loss, dataset, kb_text, materialize
from engine.report import CheckResult, Message, Report, overall_status
from engine.spec import (
    ExerciseSpec, GradientCheck, ImmutabilityCheck, LanguageModelCheck, PropertyCheck, StabilityCheck,
    TrainingCheck, TrajectoryCheck, ValueCheck,
)
from engine.worker import Worker

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
class _FromReference:
    """A learner call's argument that is the result of a reference call (filled in once
    the reference job has run, before the learner's job is written); ``first``: the
    call sent back a one-element tuple, and the argument is that element."""

    cid: str
    first: bool = False


def _resolve(calls: list[Call], reference: dict[str, Outcome]) -> None:
    def value(a: Any) -> Any:
        if not isinstance(a, _FromReference):
            return a
        v = reference[a.cid].value
        return v[0] if a.first else v

    for call in calls:
        if any(isinstance(a, _FromReference) for a in call.args):
            call.args = [value(a) for a in call.args]


class Planner:
    def __init__(self, spec: ExerciseSpec):
        self.spec = spec
        self.learner: list[Call] = []
        self.reference: list[Call] = []
        self.drivers = spec.driver_names()
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


def _job(calls: list[Call], source: bytes, filename: str, limits: dict[str, Any],
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


def _collect(calls: list[Call], job: Job, summary: dict[str, Any], files: dict[str, bytes]) -> RunResult:
    manifest = _read_json(files, "manifest.json")
    token_ok = isinstance(manifest, dict) and manifest.get("token") == job.token
    import_error = None
    if token_ok and manifest.get("import_error"):  # type: ignore[union-attr]
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


# --- the check ---------------------------------------------------------------------------


def run_check(worker: Worker, spec: ExerciseSpec, learner_file: str | os.PathLike) -> Report:
    t0 = time.monotonic()
    path = Path(learner_file)
    checks = spec.checks
    exercise = getattr(spec, "id", None)
    try:
        source = path.read_bytes()
    except OSError as exc:
        msg = M(f"Cannot read {path}: {exc.strerror or exc}.", f"无法读取 {path}：{exc.strerror or exc}。")
        results = [_result(c, "error", msg) for c in checks]
        return _report(results, t0, exercise, None, M("Cannot read your file.", "无法读取你的文件。"))

    planner = Planner(spec)
    evaluators: list[tuple[Any, Callable[..., CheckResult]]] = []
    for check in checks:
        evaluators.append((check, _PLANNERS[type(check)](planner, spec, check)))
    limits = spec.limits.model_dump()
    try:
        reference = _reference(worker, spec, planner.reference, limits)
    except ReferenceError_ as exc:
        results = [_result(c, "error", exc.message) for c in checks]
        return _report(results, t0, exercise, None, exc.message)

    _resolve(planner.learner, reference)
    job = _job(planner.learner, source, str(path), limits, list(spec.forbidden), spec.drivers)
    summary, files = worker.run(job.spec, job.blobs, "learner")
    learner = _collect(planner.learner, job, summary, files)
    del files

    ctx = _Eval(worker, spec, learner, reference, limits)
    results = []
    for check, evaluate in evaluators:
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the learner's values must not warn in kb's own process
                results.append(evaluate(ctx))
        except ReferenceError_ as exc:
            results.append(_result(check, "error", exc.message))
        except Exception as exc:  # a value no evaluator foresaw: the learner's, so a fail
            results.append(_unusable(check, exc))
    return _report(results, t0, exercise, learner, None)


def _unusable(check: Any, exc: Exception) -> CheckResult:
    what = f"{type(exc).__name__}: {str(exc)[:200]}"
    return _result(check, "fail", M(
        f"Your function returned something this check cannot use ({what}). Return what the signature "
        "says: plain float64 NumPy arrays, Python numbers, or tuples of them.",
        f"你的函数返回了本项检查无法使用的值（{what}）。请按函数签名返回：float64 NumPy 数组、Python 数值，"
        "或由它们组成的元组。"), unusable=what)


def _reference(worker: Worker, spec: ExerciseSpec, calls: list[Call], limits: dict[str, Any]) -> dict[str, Outcome]:
    if not calls:
        return {}
    key = _cache_key(spec.solution + "\0" + (spec.drivers or ""), calls)
    cache = worker.reference_cache
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    ref_limits = dict(limits, timeout_s=max(60.0, 3 * float(limits["timeout_s"])), cpu_s=None)
    job = _job(calls, spec.solution.encode("utf-8"), REFERENCE_FILENAME, ref_limits, [], spec.drivers)
    summary, files = worker.run(job.spec, job.blobs, "reference")
    run = _collect(calls, job, summary, files)
    _require_reference(run, calls)
    cache[key] = run.outcomes
    while len(cache) > 64:
        cache.popitem(last=False)
    return run.outcomes


def _require_reference(run: RunResult, calls: list[Call]) -> None:
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


def _cache_key(solution: str, calls: list[Call]) -> str:
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


# --- evaluation ------------------------------------------------------------------------------


@dataclass
class _Eval:
    worker: Worker
    spec: ExerciseSpec
    learner: RunResult
    reference: dict[str, Outcome]
    limits: dict[str, Any]

    def ref(self, call: Call) -> Any:
        o = self.reference.get(call.cid)
        if o is None or not o.ok:  # pragma: no cover - _require_reference checked it
            raise ReferenceError_(M("The reference solution has no result.", "参考答案没有结果。"))
        return o.value

    def outcome(self, call: Call) -> Outcome | None:
        return self.learner.outcomes.get(call.cid)


def _title(check: Any) -> Message:
    if check.title is not None:
        p = check.title.pair()
        return M(p["en"], p["zh"])
    return M(check.id, check.id)


def _result(check: Any, status: str, message: Message, **diagnostics: Any) -> CheckResult:
    return CheckResult(name=check.id, kind=check.kind, status=status, message=message,  # type: ignore[arg-type]
                       title=_title(check), diagnostics=diagnostics)


def _described(check: Any, message: Message) -> Message:
    if check.description is not None:
        p = check.description.pair()
        return message + M(f" (This check: {p['en']})", f"（本项检查：{p['zh']}）")
    return message


def _not_ok(ev: _Eval, check: Any, call: Call, strict_fails: bool = False) -> CheckResult | None:
    """The check's result when this call did not return normally; None when it did."""
    if ev.learner.import_error is not None:
        return _from_error(check, ev.learner.import_error, None, at_import=True)
    o = ev.outcome(call)
    if o is None:
        return _from_process(ev, check)
    if o.ok:
        return None
    if o.info.get("kind") == "fp" and strict_fails:
        return None  # handled by the stability evaluator
    return _from_error(check, o.info, call)


def _frames_text(frames: list[list[Any]]) -> str:
    lines = []
    for lineno, name, text in frames:
        if lineno == 0:
            lines.append(f"  {text}")
        else:
            lines.append(f"  line {lineno}, in {name}: {text}")
    return "\n".join(lines)


def _from_error(check: Any, info: dict[str, Any], call: Call | None, at_import: bool = False) -> CheckResult:
    kind = info.get("kind", "error")
    etype = info.get("type") or "Exception"
    emsg = info.get("message") or ""
    frames = info.get("frames") or []
    where = ""
    where_zh = ""
    if frames:
        lineno, name, text = frames[-1]
        where = f" at line {lineno} ({text})" if text else f" at line {lineno}"
        where_zh = f"（第 {lineno} 行：{text}）" if text else f"（第 {lineno} 行）"
    fn = f"{call.fn}()" if call else "your file"
    fn_zh = f"{call.fn}()" if call else "你的文件"
    if call is not None and call.driver:  # the check's own code called the learner's
        fn, fn_zh = f"your code (run by the check {call.fn})", f"你的代码（由检查 {call.fn} 调用）"
    diag = {"exception": etype, "exception_message": emsg, "traceback": frames}
    if info.get("where"):
        diag["raised_in"] = info["where"]
    if kind == "not-started":
        return _result(check, "not-started", M(
            f"Not started yet: {fn} still raises NotImplementedError. Replace the `raise` with your code.",
            f"尚未开始：{fn_zh} 仍然抛出 NotImplementedError。把 `raise` 这一行换成你的实现。"), **diag)
    if kind == "memory":
        return _result(check, "memory", M(
            f"{fn} ran out of memory{where}: an array far larger than needed, or one growing in a loop?",
            f"{fn_zh} 内存不足{where_zh}：是否创建了过大的数组，或在循环中不断增长？"), **diag)
    if kind == "missing":
        name = call.fn if call is not None else emsg
        return _result(check, "error", M(
            f"Your file does not define {name}() (check the spelling; it must be a top-level function).",
            f"你的文件没有定义 {name}()（检查拼写；它必须是顶层函数）。"), **diag)
    if kind == "forbidden":
        return _result(check, "fail", M(
            f"{fn} calls {emsg.split(' ')[0]}{where}, but this exercise asks you to implement it yourself.",
            f"{fn_zh} 调用了 {emsg.split(' ')[0]}{where_zh}，而本练习要求你自己实现它。"), **diag)
    if at_import:
        head = M(f"Your file failed to load: {etype}: {emsg}{where}.",
                 f"你的文件加载失败：{etype}: {emsg}{where_zh}。")
    elif etype == "RecursionError":
        head = M(f"{fn} recursed too deeply (RecursionError){where}: a function calling itself without end?",
                 f"{fn_zh} 递归过深（RecursionError）{where_zh}：是否有函数无休止地调用自身？")
    elif etype == "SystemExit":
        head = M(f"{fn} called sys.exit(){where}; return a value instead.",
                 f"{fn_zh} 调用了 sys.exit(){where_zh}；请改为返回结果。")
    else:
        head = M(f"{fn} raised {etype}: {emsg}{where}.", f"{fn_zh} 抛出了 {etype}: {emsg}{where_zh}。")
    if etype == "PermissionError" and "not permitted" in emsg:
        head = head + M(" Checks run in a sandbox: code may not start processes, open network connections "
                        "or signal other processes.",
                        "检查在沙箱中运行：代码不能启动进程、建立网络连接或向其他进程发送信号。")
    if frames:
        tb = _frames_text(frames)
        head = head + M(f"\nTraceback (your code):\n{tb}", f"\n调用栈（你的代码）：\n{tb}")
    return _result(check, "error", head, **diag)


def _from_process(ev: _Eval, check: Any) -> CheckResult:
    status = ev.learner.process or "crashed"
    return _result(check, status, process_message(status, ev.learner.summary, ev.limits), **_run_info(ev.learner.summary))


def process_message(status: str, summary: dict[str, Any], limits: dict[str, Any]) -> Message:
    if summary.get("zygote_lost"):
        if status == "timeout":
            return M("The checking process stopped answering; your code was stopped.",
                     "检查进程失去响应，你的代码已被终止。")
        return M("The checking process itself was killed while your code ran (did it kill its parent "
                 "process?). Nothing it returned counts.",
                 "运行你的代码时检查进程本身被终止（你的代码是否结束了父进程？）。它返回的任何结果都不算数。")
    if status == "timeout":
        t = float(limits["timeout_s"])
        return M(f"Stopped at the time limit ({t:g} s): an infinite loop, or a loop far too slow?",
                 f"达到时间限制（{t:g} 秒）后被终止：是死循环，还是循环太慢？")
    if status == "memory":
        return M(f"Ran out of memory (limit {limits['memory_mb']} MB): an array far larger than needed, "
                 "or one growing in a loop?",
                 f"内存超出限制（{limits['memory_mb']} MB）：是否创建了过大的数组，或在循环中不断增长？")
    if status == "output-limit":
        return M(f"Printed more than {limits['output_kb']} KiB, so the run was stopped. Remove prints "
                 "inside loops.",
                 f"输出超过 {limits['output_kb']} KiB，运行已被终止。请删掉循环里的 print。")
    sig = summary.get("signal")
    code = summary.get("exit_code")
    if sig:
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        what = {"SIGSEGV": "segmentation fault", "SIGABRT": "abort", "SIGBUS": "bus error",
                "SIGKILL": "killed", "SIGFPE": "arithmetic fault"}.get(name, "")
        en = f"killed by {name}" + (f", {what}" if what else "")
        zh = f"被 {name} 终止" + (f"（{what}）" if what else "")
    elif summary.get("malformed"):
        en = "it sent back a result kb cannot read"
        zh = "它返回了 kb 无法读取的结果"
    elif code == 70:
        en = "the checking code inside the process failed: did your code replace built-in or NumPy functions?"
        zh = "进程内的检查代码出错：你的代码是否替换了内置函数或 NumPy 函数？"
    elif code not in (None, 0):
        en, zh = f"exited with code {code}", f"以退出码 {code} 退出"
    else:
        en, zh = "exited before finishing (os._exit?)", "在完成前退出（os._exit？）"
    return M(f"The process ended without a complete report ({en}). Nothing it returned counts.",
             f"进程在给出完整报告前就结束了（{zh}）。它返回的任何结果都不算数。")


def _run_info(summary: dict[str, Any]) -> dict[str, Any]:
    keys = ("pid", "exit_code", "signal", "timed_out", "output_limit", "wall_s", "cpu_s", "maxrss_kb",
            "zygote_lost", "malformed")
    return {k: summary.get(k) for k in keys if summary.get(k) is not None}


def _excerpt(stream: dict[str, Any]) -> tuple[str, bool]:
    head, tail, total = stream.get("head", ""), stream.get("tail", ""), int(stream.get("total", 0))
    shown = len(head.encode()) + len(tail.encode())
    if total <= shown:
        return head + tail, False
    return (head + f"\n… [{total - shown} bytes not shown · 省略 {total - shown} 字节] …\n" + tail), True


def _report(results: list[CheckResult], t0: float, exercise: str | None, run: RunResult | None,
            message: Message | None) -> Report:
    statuses = [r.status for r in results]
    status = overall_status(statuses)
    if run is not None and status == "pass" and not run.complete:
        status = run.process or "crashed"  # never a pass without a complete report
        message = process_message(status, run.summary, {}) if status == "crashed" else message
    n_pass = statuses.count("pass")
    if message is None:
        if status == "pass":
            message = M(f"All {len(results)} checks passed.", f"全部 {len(results)} 项检查通过。")
        elif status == "not-started":
            message = M("Not started yet: implement the functions, then check again.",
                        "尚未开始：实现这些函数后再检查。")
        else:
            message = M(f"{n_pass} of {len(results)} checks passed.", f"{len(results)} 项检查中通过 {n_pass} 项。")
    stdout, out_trunc = _excerpt(run.summary.get("stdout") or {}) if run else ("", False)
    stderr, err_trunc = _excerpt(run.summary.get("stderr") or {}) if run else ("", False)
    return Report(
        status=status,  # type: ignore[arg-type]
        checks=results,
        duration_s=time.monotonic() - t0,
        message=message,
        stdout=stdout,
        stderr=stderr,
        stdout_truncated=out_trunc,
        stderr_truncated=err_trunc,
        exercise=exercise,
        run=_run_info(run.summary) if run else {},
    )


# --- per kind ---------------------------------------------------------------------------------


def _context(spec: ExerciseSpec, fn: str, args: list[Any], kwargs: dict[str, Any], note: Any = None,
             outputs: list[str] | None = None) -> Context:
    sig = spec.function(fn)
    names = sig.params() if sig else _driver_params(spec, fn)
    inputs: list[tuple[str, Any]] = []
    for i, a in enumerate(args):
        inputs.append((names[i] if i < len(names) else f"arg{i}", a))
    inputs += list(kwargs.items())
    counts: list[tuple[Message, int]] = []
    first = next((a for a in args if isinstance(a, np.ndarray) and a.ndim > 0), None)
    if first is not None:
        counts.append((M("the number of elements", "元素个数"), int(first.size)))
        if first.ndim >= 2:
            counts.append((M("N, the number of rows", "行数 N"), int(first.shape[0])))
            counts.append((M("the number of columns", "列数"), int(first.shape[-1])))
    seen: set[int] = set()
    unique = []
    for m, n in counts:  # one hint per distinct count
        if n not in seen:
            seen.add(n)
            unique.append((m, n))
    counts = unique
    note_msg = None
    if note is not None:
        p = note.pair()
        note_msg = M(p["en"], p["zh"])
    out_names = outputs or (sig.outputs() if sig else None)
    return Context(inputs=inputs, counts=counts, note=note_msg, output_names=out_names)


def _driver_params(spec: ExerciseSpec, fn: str) -> list[str]:
    """A check driver's parameter names after the module it is given (``sub``)."""
    import ast

    if not spec.drivers or fn not in spec.driver_names():
        return []
    for node in ast.parse(spec.drivers).body:
        if isinstance(node, ast.FunctionDef) and node.name == fn:
            return [a.arg for a in node.args.posonlyargs + node.args.args][1:]
    return []


def _plan_value(planner: Planner, spec: ExerciseSpec, check: ValueCheck | StabilityCheck) -> Callable[[_Eval], CheckResult]:
    strict = isinstance(check, StabilityCheck)
    pairs = []
    only = list(check.items) if check.items else None
    for case in check.cases:
        args = [materialize(a) for a in case.args]
        kwargs = {k: materialize(v) for k, v in case.kwargs.items()}
        lc = planner.add("learner", check.call, args, kwargs, strict=strict, only=only)
        rc = planner.add("reference", check.call, args, kwargs, only=only)
        pairs.append((case, lc, rc))

    def evaluate(ev: _Eval) -> CheckResult:
        for case, lc, rc in pairs:
            bad = _not_ok(ev, check, lc, strict_fails=strict)
            if bad is not None:
                return bad
            expected = ev.ref(rc)
            o = ev.outcome(lc)
            assert o is not None
            if only is not None and o.ok and not (isinstance(o.value, tuple) and len(o.value) == len(only)):
                sig = spec.function(check.call)
                names = sig.outputs() if sig else None
                want = f"({', '.join(names)})" if names else f"of at least {max(only) + 1} values"
                want_zh = f"({', '.join(names)})" if names else f"（至少 {max(only) + 1} 个值）"
                return _result(check, "fail", M(
                    f"{check.call}() should return a tuple {want}; got {type_name(o.value)}"
                    + (" with fewer elements" if isinstance(o.value, tuple) else "") + ".",
                    f"{check.call}() 应返回元组 {want_zh}；实际为 {type_name(o.value)}"
                    + ("，元素不够" if isinstance(o.value, tuple) else "") + "。"))
            ctx = _context(spec, check.call, lc.args, lc.kwargs, case.note, check.outputs)
            if not o.ok:  # a floating-point warning in strict mode
                info = o.info
                frames = info.get("frames") or []
                line = f" at line {frames[-1][0]} ({frames[-1][2]})" if frames else ""
                line_zh = f"（第 {frames[-1][0]} 行：{frames[-1][2]}）" if frames else ""
                warning = str(info.get("message") or "")
                if "divide by zero" in warning:
                    fix = M(" Rewrite it so that nothing divides by 0 or takes log(0) (clip, add eps, or "
                            "work in log space).",
                            "请改写，使任何除法的分母和 log 的参数都不为 0（裁剪、加上 eps，或在对数空间中计算）。")
                elif "invalid value" in warning:
                    fix = M(" Rewrite it so that no invalid operation happens (0/0, inf − inf, 0·inf, "
                            "sqrt or log of a negative number).",
                            "请改写，避免出现无效运算（0/0、inf − inf、0·inf、对负数开方或取对数）。")
                else:
                    fix = M(" Rewrite it so that no intermediate overflows (e.g. never exp() of a large "
                            "positive number).",
                            "请改写，使中间结果不会上溢（例如不要对很大的正数取 exp()）。")
                msg = M(f"{check.call}() raised a floating-point warning on extreme inputs: "
                        f"{warning}{line}.",
                        f"{check.call}() 在极端输入上产生浮点警告：{warning}{line_zh}。") + fix
                shown = show_inputs(ctx)
                if shown:
                    msg = msg + M(" ", "") + shown
                return _result(check, "fail", _described(check, msg), warning=info.get("message"),
                               traceback=frames)
            failure = compare(o.value, expected, check.call, check.rtol, check.atol, ctx)
            if failure is not None:
                # A dtype failure explains the dtype only: the check's description is about values.
                msg = failure.message if "actual_dtype" in failure.diagnostics else _described(check, failure.message)
                return _result(check, "fail", msg, **failure.diagnostics, case=check.cases.index(case))
        n = len(pairs)
        return _result(check, "pass", M(
            f"{n} case{'s' if n > 1 else ''} match the reference (rtol {check.rtol:g}, atol {check.atol:g})"
            + (", with no floating-point warnings." if strict else "."),
            f"{n} 个用例与参考答案一致（rtol {check.rtol:g}，atol {check.atol:g}）" + ("，且没有浮点警告。" if strict else "。")))

    return evaluate


def _plan_immutability(planner: Planner, spec: ExerciseSpec, check: ImmutabilityCheck) -> Callable[[_Eval], CheckResult]:
    calls = []
    for case in check.cases:
        args = [materialize(a) for a in case.args]
        kwargs = {k: materialize(v) for k, v in case.kwargs.items()}
        calls.append((case, planner.add("learner", check.call, args, kwargs, save_inputs=True)))

    def evaluate(ev: _Eval) -> CheckResult:
        for case, lc in calls:
            bad = _not_ok(ev, check, lc)
            if bad is not None:
                return bad
            o = ev.outcome(lc)
            assert o is not None
            ctx = _context(spec, check.call, lc.args, lc.kwargs)
            arg_names = [n for n, _ in ctx.inputs]
            originals = {str(i): a for i, a in enumerate(lc.args)} | dict(lc.kwargs)
            for key, before in originals.items():
                if not isinstance(before, np.ndarray):
                    continue
                name = arg_names[int(key)] if key.isdigit() and int(key) < len(arg_names) else key
                after = o.inputs_after.get(key)
                if after is None:
                    return _result(check, "crashed", M("The run did not report the inputs after the call.",
                                                       "运行没有报告调用后的输入。"))
                if after.shape != before.shape or after.dtype != before.dtype or not np.array_equal(
                        after, before, equal_nan=before.dtype.kind == "f"):
                    where = where_zh = ""
                    diag: dict[str, Any] = {"input": name}
                    if after.shape == before.shape:
                        diff = np.argwhere(~((after == before) | (np.isnan(after) & np.isnan(before))
                                             if before.dtype.kind == "f" else after == before))
                        if len(diff):
                            idx = tuple(int(i) for i in diff[0])
                            b, a = fmt_num(before[idx]), fmt_num(after[idx])
                            if b == a:  # a change in the last digits only (e.g. x + h - h)
                                b, a = f"{float(before[idx]):.17g}", f"{float(after[idx]):.17g}"
                            where = f" ({name}{fmt_index(idx)} was {b}, now {a})"
                            where_zh = f"（{name}{fmt_index(idx)} 原为 {b}，现为 {a}）"
                            diag.update(index=list(idx), before=b, after=a)
                    msg = M(f"{check.call}() changed its input {name} in place{where}. The caller's array must "
                            f"stay as it was: compute into a new array (e.g. {name} = {name} - c, not {name} -= c).",
                            f"{check.call}() 原地修改了输入 {name}{where_zh}。"
                            f"调用者的数组必须保持不变：请把结果写进新数组（例如 {name} = {name} - c，而不是 {name} -= c）。")
                    return _result(check, "fail", _described(check, msg), **diag)
            if o.views and not check.allow_views:
                j, key = o.views[0]
                name = arg_names[int(key)] if key.isdigit() and int(key) < len(arg_names) else key
                msg = M(f"{check.call}() returned a view of its input {name} (they share memory): changing one "
                        "would change the other. Return a new array.",
                        f"{check.call}() 返回的是输入 {name} 的视图（共享内存）：改动其一会改动另一个。请返回新数组。")
                return _result(check, "fail", _described(check, msg), view_of=name)
        return _result(check, "pass", M("Inputs are unchanged and the result is a new array.",
                                        "输入保持不变，结果是新数组。"))

    return evaluate


def _negated(args: list[Any]) -> list[Any]:
    return [-args[0]] + list(args[1:])


def _plan_property(planner: Planner, spec: ExerciseSpec, check: PropertyCheck) -> Callable[[_Eval], CheckResult]:
    needs_neg = any(p.type in ("odd", "even", "complement") for p in check.properties)
    calls = []
    for case in check.cases:
        args = [materialize(a) for a in case.args]
        kwargs = {k: materialize(v) for k, v in case.kwargs.items()}
        lc = planner.add("learner", check.call, args, kwargs)
        nc = planner.add("learner", check.call, _negated(args), kwargs) if needs_neg else None
        calls.append((case, lc, nc))

    def evaluate(ev: _Eval) -> CheckResult:
        for case, lc, nc in calls:
            for call in (lc, nc):
                if call is not None:
                    bad = _not_ok(ev, check, call)
                    if bad is not None:
                        return bad
            out = ev.outcome(lc).value  # type: ignore[union-attr]
            neg = ev.outcome(nc).value if nc is not None else None  # type: ignore[union-attr]
            ctx = _context(spec, check.call, lc.args, lc.kwargs, case.note)
            label = f"{check.call}()"
            if check.output is not None:
                k = check.output
                name = (ctx.output_names or [])[k] if k < len(ctx.output_names or []) else f"[{k}]"
                for value in (out, neg):
                    if value is not None and not (isinstance(value, (tuple, list)) and len(value) > k):
                        return _result(check, "fail", M(
                            f"{label} should return a tuple of at least {k + 1} values ({name} is element {k}); "
                            f"got {type_name(value)}" + (f" of length {len(value)}" if isinstance(value, (tuple, list)) else "") + ".",
                            f"{label} 应返回至少含 {k + 1} 个值的元组（{name} 是第 {k} 个元素）；实际为 {type_name(value)}"
                            + (f"，长度 {len(value)}" if isinstance(value, (tuple, list)) else "") + "。"))
                out = out[k]
                neg = neg[k] if neg is not None else None
                label = f"{check.call}(): {name}"
            for prop in check.properties:
                msg = _property_failure(label, prop, out, neg, lc.args, ctx)
                if msg is not None:
                    return _result(check, "fail", _described(check, msg), property=prop.type)
        return _result(check, "pass", M(
            "Holds: " + ", ".join(_prop_name(p).en for p in check.properties) + ".",
            "满足：" + "、".join(_prop_name(p).zh for p in check.properties) + "。"))

    return evaluate


def _prop_name(p: Any) -> Message:
    if p.type == "sums-to":
        return M(f"sums to {fmt_num(p.value)} along axis {p.axis}", f"沿轴 {p.axis} 求和为 {fmt_num(p.value)}")
    if p.type == "range":
        lo = fmt_num(p.min) if p.min is not None else "-inf"
        hi = fmt_num(p.max) if p.max is not None else "inf"
        return M(f"values in [{lo}, {hi}]", f"取值在 [{lo}, {hi}] 内")
    if p.type == "odd":
        return M("odd: f(-x) = -f(x)", "奇函数：f(-x) = -f(x)")
    if p.type == "even":
        return M("even: f(-x) = f(x)", "偶函数：f(-x) = f(x)")
    if p.type == "complement":
        return M(f"f(x) + f(-x) = {fmt_num(p.total)}", f"f(x) + f(-x) = {fmt_num(p.total)}")
    if p.type == "finite":
        return M("finite values", "数值有限")
    if p.type == "fraction":
        what = fmt_num(p.equal)
        return M(f"between {p.min:.0%} and {p.max:.0%} of the values equal {what}",
                 f"等于 {what} 的值占 {p.min:.0%} 到 {p.max:.0%}")
    if p.type == "partition":
        if p.size_arg is not None:
            return M("every index exactly once, in full batches but the last",
                     "每个下标恰好出现一次，除最后一批外每批都是满的")
        return M("every index exactly once", "每个下标恰好出现一次")
    return M("same shape as the input", "与输入形状相同")


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, (tuple, list)):
        return [x for v in value for x in _leaves(v)]
    return [value]


def _property_failure(fn: str, prop: Any, out: Any, neg: Any, args: list[Any], ctx: Context) -> Message | None:
    """What is wrong with ``out`` for ``prop`` (None: it holds). ``fn`` labels the result
    in messages: "softmax()" or "attention(): weights"."""
    if prop.type == "partition":
        return _partition_failure(fn, prop, out, args)
    leaves = _leaves(out)
    if not leaves:
        return M(f"{fn} returned {type_name(out)} with nothing in it; expected numbers.",
                 f"{fn} 返回了空的 {type_name(out)}；应返回数值。")
    for leaf in leaves:
        if isinstance(leaf, Opaque) or not (isinstance(leaf, np.ndarray) or np.isscalar(leaf)) \
                or isinstance(leaf, (str, bytes)):
            return M(f"{fn} returned {type_name(leaf)}, not numbers.", f"{fn} 返回了 {type_name(leaf)}，而不是数值。")
        if np.iscomplexobj(leaf) or (isinstance(leaf, np.ndarray) and leaf.dtype.kind not in "biuf"):
            return M(f"{fn} returned {type_name(leaf)}: expected real numbers.",
                     f"{fn} 返回了 {type_name(leaf)}：应为实数。")
    arrays = [np.asarray(x, dtype=np.float64) if not isinstance(x, np.ndarray) else x for x in leaves]
    shown = show_inputs(ctx)
    tail = (M(" ", "") + shown) if shown else M("", "")
    if prop.type == "same-shape":
        a = arrays[0]
        want = np.shape(args[prop.arg])
        if a.shape != want:
            return shape_message(fn, a.shape, want)
        return None
    if prop.type == "finite":
        for a in arrays:
            if not np.all(np.isfinite(a)):
                idx = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0]) if a.ndim else ()
                return M(f"{fn} returned a non-finite value ({fmt_num(a[idx])}) at {fmt_index(idx)}.",
                         f"{fn} 在 {fmt_index(idx)} 处返回了非有限值（{fmt_num(a[idx])}）。") + tail
        return None
    if prop.type == "range":
        for a in arrays:
            af = a.astype(np.float64)
            bad = np.isnan(af)
            if prop.min is not None:
                bad |= af < prop.min
            if prop.max is not None:
                bad |= af > prop.max
            if bad.any():
                idx = tuple(int(i) for i in np.argwhere(bad)[0]) if a.ndim else ()
                name = _prop_name(prop)
                return M(f"{fn} should return {name.en}; got {fmt_num(af[idx])} at {fmt_index(idx)}.",
                         f"{fn} 的结果应当{name.zh}；在 {fmt_index(idx)} 处得到 {fmt_num(af[idx])}。") + tail
        return None
    if prop.type == "fraction":
        for a in arrays:
            share = float(np.mean(a == prop.equal)) if a.size else 0.0
            if not prop.min <= share <= prop.max:
                what = fmt_num(prop.equal)
                return M(f"{fn}: {share:.1%} of the values equal {what}; expected between {prop.min:.0%} and "
                         f"{prop.max:.0%}.",
                         f"{fn}：有 {share:.1%} 的值等于 {what}；应在 {prop.min:.0%} 到 {prop.max:.0%} 之间。")
        return None
    if prop.type == "sums-to":
        a = arrays[0]
        if a.ndim == 0:
            return M(f"{fn} returned a single number; expected an array.", f"{fn} 只返回了一个数，应返回数组。")
        axis = prop.axis
        if not -a.ndim <= axis < a.ndim:
            return shape_message(fn, a.shape, np.shape(args[0]))
        s = a.astype(np.float64).sum(axis=axis)
        bad = ~(np.abs(s - prop.value) <= prop.atol)
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(np.atleast_1d(bad))[0])
            got = np.atleast_1d(s)[idx]
            en = (f"{fn}: values along axis {axis} should sum to {fmt_num(prop.value)}; "
                  f"at {fmt_index(idx)} they sum to {fmt_num(got)}.")
            zh = f"{fn}：沿轴 {axis} 的和应为 {fmt_num(prop.value)}；在 {fmt_index(idx)} 处的和为 {fmt_num(got)}。"
            for other in range(a.ndim):
                if other % a.ndim == axis % a.ndim:
                    continue
                s2 = a.astype(np.float64).sum(axis=other)
                if np.all(np.abs(s2 - prop.value) <= prop.atol):
                    en += f" They do sum to {fmt_num(prop.value)} along axis {other}: normalised along the wrong axis?"
                    zh += f"沿轴 {other} 的和倒是 {fmt_num(prop.value)}：是不是沿错了轴做归一化？"
                    break
            return M(en, zh) + tail
        return None
    # Symmetries against f(-x).
    negs = [np.asarray(x, dtype=np.float64) for x in _leaves(neg)]
    for a, b in zip(arrays, negs):
        if a.shape != b.shape:
            return shape_message(fn, b.shape, a.shape)
        af, bf = a.astype(np.float64), b.astype(np.float64)
        if prop.type == "odd":
            resid, want_en, want_zh = af + bf, "f(-x) = -f(x)", "f(-x) = -f(x)"
        elif prop.type == "even":
            resid, want_en, want_zh = af - bf, "f(-x) = f(x)", "f(-x) = f(x)"
        else:
            resid = af + bf - prop.total
            want_en = want_zh = f"f(x) + f(-x) = {fmt_num(prop.total)}"
        bad = ~(np.abs(resid) <= prop.atol)
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(np.atleast_1d(bad))[0]) if af.ndim else ()
            xv = np.asarray(args[0])[idx] if np.ndim(args[0]) else args[0]
            return M(f"{fn} should satisfy {want_en}; at x = {fmt_num(xv)}: f(x) = {fmt_num(af[idx])}, "
                     f"f(-x) = {fmt_num(bf[idx])}.",
                     f"{fn} 应满足 {want_zh}；在 x = {fmt_num(xv)} 处：f(x) = {fmt_num(af[idx])}，"
                     f"f(-x) = {fmt_num(bf[idx])}。")
    return None


def _partition_failure(fn: str, prop: Any, out: Any, args: list[Any]) -> Message | None:
    n = int(args[prop.n_arg])
    size = int(args[prop.size_arg]) if prop.size_arg is not None else None
    if not isinstance(out, (list, tuple)):
        return M(f"{fn} should return a list of index arrays; got {type_name(out)}.",
                 f"{fn} 应返回由下标数组组成的列表；实际为 {type_name(out)}。")
    for i, b in enumerate(out):
        if not isinstance(b, np.ndarray) or b.ndim != 1 or b.dtype.kind not in "iu":
            return M(f"{fn}: batch {i} should be a 1-D integer array; got {type_name(b)}.",
                     f"{fn}：第 {i} 批应为一维整数数组；实际为 {type_name(b)}。")
    where = np.concatenate([np.full(len(b), i) for i, b in enumerate(out)]) if out else np.zeros(0, int)
    flat = np.concatenate(list(out)).astype(np.int64) if out else np.zeros(0, np.int64)
    outside = (flat < 0) | (flat >= n)
    if outside.any():
        j = int(np.argmax(outside))
        return M(f"{fn}: index {int(flat[j])} (batch {int(where[j])}) is outside 0 … {n - 1}.",
                 f"{fn}：下标 {int(flat[j])}（第 {int(where[j])} 批）超出了 0 … {n - 1} 的范围。")
    counts = np.bincount(flat, minlength=n)
    if (counts > 1).any():
        k = int(np.argmax(counts > 1))
        batches = sorted({int(w) for w in where[flat == k]})
        en_b = ", ".join(str(b) for b in batches)
        zh_b = "、".join(str(b) for b in batches)
        return M(f"{fn}: index {k} appears {int(counts[k])} times (in batch{'es' if len(batches) > 1 else ''} "
                 f"{en_b}); each index belongs to exactly one batch per epoch.",
                 f"{fn}：下标 {k} 出现了 {int(counts[k])} 次（在第 {zh_b} 批中）；每个迭代周期中每个下标只属于一个批次。")
    if (counts == 0).any():
        missing = int((counts == 0).sum())
        k = int(np.argmax(counts == 0))
        return M(f"{fn}: {missing} of the {n} indices never appear (index {k}, for one): every example must be "
                 "used once per epoch. Was the last, shorter batch dropped?",
                 f"{fn}：{n} 个下标中有 {missing} 个从未出现（例如下标 {k}）：每个迭代周期中每个样本都必须用到一次。"
                 "是不是把最后那个较短的批次丢掉了？")
    if size is not None and out:
        for i, b in enumerate(out[:-1]):
            if len(b) != size:
                return M(f"{fn}: batch {i} has {len(b)} indices; every batch but the last must have batch_size = "
                         f"{size}.",
                         f"{fn}：第 {i} 批有 {len(b)} 个下标；除最后一批外，每批都必须正好有 batch_size = {size} 个。")
        if not 1 <= len(out[-1]) <= size:
            return M(f"{fn}: the last batch has {len(out[-1])} indices; it must have between 1 and {size}"
                     + (" (an empty batch at the end?)." if len(out[-1]) == 0 else "."),
                     f"{fn}：最后一批有 {len(out[-1])} 个下标；应在 1 到 {size} 之间"
                     + ("（末尾多了一个空批次？）。" if len(out[-1]) == 0 else "。"))
    return None


def _plan_gradient(planner: Planner, spec: ExerciseSpec, check: GradientCheck) -> Callable[[_Eval], CheckResult]:
    values = {name: materialize(arg) for name, arg in check.inputs.items()}
    for name in check.wrt:
        values[name] = np.asarray(values[name], dtype=np.float64)
    dout = materialize(check.dout) if check.dout is not None else None
    order = list(check.inputs)
    fwd_only = [check.forward_item] if check.forward_item is not None else None
    out_ref = None
    if "out" in check.backward_args:  # the reference forward's output, e.g. sigmoid_backward(dout, out)
        out_call = planner.add("reference", check.forward, [values[n] for n in order], {}, only=fwd_only)
        out_ref = _FromReference(out_call.cid, check.forward_item is not None)
    cache = fc = None
    if "cache" in check.backward_args:  # out, cache = forward(...) by the learner, in the same job
        fc = planner.add("learner", check.forward, [values[n] for n in order], {}, keep=True, only=[])
        cache = Kept(fc.cid, check.cache_item)
    bargs = [dout if n == "dout" else out_ref if n == "out" else cache if n == "cache" else values[n]
             for n in check.backward_args]
    bwd_only = [check.backward_item] if check.backward_item is not None else None
    lc = planner.add("learner", check.backward, bargs, {}, only=bwd_only)
    rc = planner.add("reference", check.forward, [values[n] for n in order], {},
                     numgrad={"wrt": [order.index(n) for n in check.wrt], "dout": dout, "h": check.h,
                              "item": check.forward_item})

    def evaluate(ev: _Eval) -> CheckResult:
        for call in (fc, lc):  # the learner's own forward first: its cache fed the backward
            bad = _not_ok(ev, check, call) if call is not None else None
            if bad is not None:
                return bad
        numeric = ev.ref(rc)
        got = ev.outcome(lc).value  # type: ignore[union-attr]
        if bwd_only is not None:
            if not (isinstance(got, tuple) and len(got) == 1):
                return _result(check, "fail", M(
                    f"{check.backward}() should return a tuple whose element {check.backward_item} holds the "
                    f"gradients; got {type_name(got)}.",
                    f"{check.backward}() 应返回元组，其第 {check.backward_item} 个元素是梯度；实际为 {type_name(got)}。"))
            got = got[0]
        n = len(check.wrt)
        ctx = _context(spec, check.backward, lc.args, {})
        if n == 1 and not isinstance(got, (tuple, list)):
            got = (got,)
        if not isinstance(got, (tuple, list)) or len(got) != n:
            names = ", ".join(check.wrt)
            return _result(check, "fail", M(
                f"{check.backward}() should return {n} gradient{'s' if n > 1 else ''} ({names}); got {type_name(got)}"
                + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else "") + ".",
                f"{check.backward}() 应返回 {n} 个梯度（{names}）；实际为 {type_name(got)}"
                + (f"，长度 {len(got)}" if isinstance(got, (tuple, list)) else "") + "。"))
        errors: dict[str, float] = {}
        bands: dict[str, str] = {}
        for name, g, num in zip(check.wrt, got, numeric):
            label = f"d{name}"
            if isinstance(g, np.ndarray) and g.shape != num.shape:
                return _result(check, "fail", _described(check, shape_message(label, g.shape, num.shape)),
                               gradient=label, expected_shape=list(num.shape), actual_shape=list(g.shape))
            if not isinstance(g, np.ndarray):
                if np.isscalar(g) and num.shape == () and not isinstance(g, (str, bytes)):
                    g = np.asarray(g, dtype=np.float64)
                else:
                    return _result(check, "fail", M(
                        f"{label}: expected an array of shape {fmt_shape(num.shape)}, got {type_name(g)}.",
                        f"{label}：应为形状 {fmt_shape(num.shape)} 的数组，实际为 {type_name(g)}。"), gradient=label)
            gf = g.astype(np.float64)
            if not np.all(np.isfinite(gf)):
                idx = tuple(int(i) for i in np.argwhere(~np.isfinite(gf))[0]) if gf.ndim else ()
                return _result(check, "fail", M(f"{label}: non-finite value at {fmt_index(idx)}.",
                                                f"{label}：在 {fmt_index(idx)} 处出现非有限值。"), gradient=label)
            rel = relative_error(gf, num)
            worst = float(rel.max()) if rel.size else 0.0
            errors[label] = worst
            bands[label] = band(worst)[0]
            if worst > check.tolerance:
                idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(rel)), rel.shape)) if rel.ndim else ()
                _, band_msg = band(worst)
                symptom = _symptom(gf, num, ctx)
                en = (f"{label}: max relative error {worst:.2e} — {band_msg.en}; worst at {fmt_index(idx)}: "
                      f"yours {fmt_num(gf[idx])}, numerical {fmt_num(num[idx])} (centred differences of the "
                      f"reference {check.forward}(), h = {check.h:g}).")
                zh = (f"{label}：最大相对误差 {worst:.2e}——{band_msg.zh}；最差处 {fmt_index(idx)}："
                      f"你的 {fmt_num(gf[idx])}，数值梯度 {fmt_num(num[idx])}（对参考 {check.forward}() 做中心差分，h = {check.h:g}）。")
                msg = M(en, zh)
                if symptom is not None:
                    msg = msg + M(" ", "") + symptom
                return _result(check, "fail", _described(check, msg), gradient=label, rel_errors=errors,
                               bands=bands, index=list(idx), yours=float(gf[idx]), numerical=float(num[idx]))
        summary_en = ", ".join(f"{k} {v:.1e} ({bands[k]})" for k, v in errors.items())
        return _result(check, "pass", M(
            f"Gradients match centred differences (max relative error: {summary_en}).",
            f"梯度与中心差分一致（最大相对误差：{summary_en}）。"), rel_errors=errors, bands=bands)

    return evaluate


def _plan_training(planner: Planner, spec: ExerciseSpec, check: TrainingCheck) -> Callable[[_Eval], CheckResult]:
    X_tr, y_tr, X_te, y_te = dataset(check.dataset)
    kwargs = {k: materialize(v) for k, v in check.kwargs.items()}
    lc = planner.add("learner", check.call, [X_tr, y_tr], kwargs)
    length = check.history_length
    if isinstance(length, str):
        length = kwargs.get(length)  # type: ignore[assignment]

    def evaluate(ev: _Eval) -> CheckResult:
        bad = _not_ok(ev, check, lc)
        if bad is not None:
            return bad
        fn = check.call
        parsed = _params_history(fn, ev.outcome(lc).value, check.params,  # type: ignore[union-attr]
                                 length if isinstance(length, int) else None)
        if isinstance(parsed, Message):
            return _result(check, "fail", parsed)
        clean, hist = parsed
        if not len(hist):
            return _result(check, "fail", M(f"{fn}(): history is empty; expected one mean loss per epoch.",
                                            f"{fn}()：history 为空；应为每个迭代周期一个平均损失。"))
        if not np.all(np.isfinite(hist)):
            return _result(check, "fail", M(f"{fn}(): the loss history contains NaN or inf: training diverged, or "
                                            "log(0) in the loss?",
                                            f"{fn}()：损失记录中有 NaN 或 inf：训练发散了，或损失里出现了 log(0)？"))
        # Score the returned parameters with the reference forward on held-out data.
        score_call = Call("s1", check.forward, [clean, X_te], {})
        job = _job([score_call], spec.solution.encode("utf-8"), REFERENCE_FILENAME,
                   dict(ev.limits, timeout_s=max(60.0, float(ev.limits["timeout_s"])), cpu_s=None), [])
        summary, files = ev.worker.run(job.spec, job.blobs, "reference")
        run = _collect([score_call], job, summary, files)
        _require_reference(run, [score_call])
        probs = np.asarray(run.outcomes["s1"].value, dtype=np.float64).reshape(-1)
        acc = float(np.mean((probs >= 0.5) == (y_te >= 0.5)))
        first, last = float(hist[0]), float(hist[-1])
        k = max(1, len(hist) // 10)
        fell = len(hist) >= 2 and last < first and float(np.mean(hist[-k:])) < float(np.mean(hist[:k]))
        diag = {"accuracy": acc, "threshold": check.threshold, "loss_first": first, "loss_last": last,
                "epochs": len(hist), "n_test": int(len(y_te)),
                # The learner's curve, for the TUI's plot (thinned so a report stays small).
                "history": [float(v) for v in hist[:: max(1, len(hist) // 500)]]}
        loss_en = f"loss went from {fmt_num(round(first, 4))} to {fmt_num(round(last, 4))} over {len(hist)} epochs"
        loss_zh = f"损失在 {len(hist)} 个迭代周期内从 {fmt_num(round(first, 4))} 变为 {fmt_num(round(last, 4))}"
        if check.loss_must_fall and not fell:
            return _result(check, "fail", _described(check, M(
                f"The training loss did not fall ({loss_en}): a wrong gradient sign, a learning rate of 0, or "
                "parameters that are never updated?",
                f"训练损失没有下降（{loss_zh}）：梯度符号错了、学习率为 0，还是参数从未更新？")), **diag)
        if acc < check.threshold:
            return _result(check, "fail", _described(check, M(
                f"Held-out accuracy {acc:.3f} is below the required {check.threshold:g} ({loss_en}). Check the "
                "backward pass (compare with the dense-layer exercise) and the Adam update.",
                f"留出数据上的准确率 {acc:.3f} 低于要求的 {check.threshold:g}（{loss_zh}）。"
                "检查反向传播（可对照全连接层练习）和 Adam 更新。")), **diag)
        return _result(check, "pass", M(
            f"Held-out accuracy {acc:.3f} (needs ≥ {check.threshold:g}); {loss_en}.",
            f"留出数据上的准确率 {acc:.3f}（要求 ≥ {check.threshold:g}）；{loss_zh}。"), **diag)

    return evaluate


def _params_history(fn: str, got: Any, shapes: dict[str, list[int]], length: int | None
                    ) -> tuple[dict[str, np.ndarray], np.ndarray] | Message:
    """A training function's ``(params, history)``, checked: the named float arrays of
    the right shapes, finite, and a history of ``length`` numbers; else what is wrong."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return M(f"{fn}() should return (params, history); got {type_name(got)}.",
                 f"{fn}() 应返回 (params, history)；实际为 {type_name(got)}。")
    params, history = got
    if not isinstance(params, dict):
        return M(f"{fn}(): params should be a dict, got {type_name(params)}.",
                 f"{fn}()：params 应为 dict，实际为 {type_name(params)}。")
    clean: dict[str, np.ndarray] = {}
    for name, shape in shapes.items():
        p = params.get(name)
        if not isinstance(p, np.ndarray):
            return M(f"{fn}(): params[{name!r}] is missing or not an array ({type_name(p)}).",
                     f"{fn}()：params[{name!r}] 缺失或不是数组（{type_name(p)}）。")
        if p.shape != tuple(shape):
            return shape_message(f"params[{name!r}]", p.shape, tuple(shape))
        if p.dtype.kind != "f":
            return M(f"params[{name!r}]: dtype {p.dtype}, expected float64.",
                     f"params[{name!r}]：dtype 为 {p.dtype}，应为 float64。")
        if not np.all(np.isfinite(p)):
            return M(f"params[{name!r}] contains NaN or inf: training diverged?",
                     f"params[{name!r}] 含有 NaN 或 inf：训练发散了？")
        clean[name] = p.astype(np.float64)
    hist = _history(history)
    if hist is None:
        return M(f"{fn}(): history should be a list of numbers (one mean loss per epoch); got {type_name(history)}.",
                 f"{fn}()：history 应为数值列表（每个迭代周期一个平均损失）；实际为 {type_name(history)}。")
    if length is not None and len(hist) != length:
        return M(f"{fn}(): history has {len(hist)} values; expected {length}, one per epoch.",
                 f"{fn}()：history 有 {len(hist)} 个值；应为 {length} 个，每个迭代周期一个。")
    return clean, hist


def _history(history: Any) -> np.ndarray | None:
    if isinstance(history, np.ndarray):
        return history.astype(np.float64).reshape(-1) if history.dtype.kind in "iuf" and history.ndim == 1 else None
    if not isinstance(history, (list, tuple)):
        return None
    values = []
    for h in history:
        if isinstance(h, np.ndarray) and h.ndim == 0:
            h = h[()]
        if not isinstance(h, (int, float, np.integer, np.floating)) or isinstance(h, bool):
            return None
        values.append(float(h))
    return np.array(values)


def _plan_trajectory(planner: Planner, spec: ExerciseSpec, check: TrajectoryCheck) -> Callable[[_Eval], CheckResult]:
    X, y, _, _ = dataset(check.dataset)
    n = int(len(X))
    base = {"batch_size": n, "lr": check.lr, "seed": check.seed}
    calls = [planner.add("learner", check.call, [X, y], dict(base, epochs=j)) for j in range(check.steps + 1)]
    fn = check.call

    def evaluate(ev: _Eval) -> CheckResult:
        for call in calls:
            bad = _not_ok(ev, check, call)
            if bad is not None:
                return bad
        runs = []
        for j, call in enumerate(calls):
            parsed = _params_history(f"{fn}(epochs={j})", ev.outcome(call).value, check.params, j)  # type: ignore[union-attr]
            if isinstance(parsed, Message):
                return _result(check, "fail", parsed)
            runs.append(parsed)
        start = runs[0][0]
        # Adam's first step moves each parameter by at most lr: more means another start.
        jump = max(float(np.max(np.abs(runs[1][0][k] - start[k]))) for k in start)
        if jump > 3 * check.lr:
            return _result(check, "fail", _described(check, M(
                f"{fn}(epochs=1) did not start from the parameters {fn}(epochs=0) returned for the same seed "
                f"(a parameter moved by {fmt_num(jump)} in one Adam step of lr = {check.lr:g}). Initialise the "
                "parameters first, from the generator seeded by `seed`, before anything else draws from it, so "
                "that the same seed always gives the same initial parameters.",
                f"{fn}(epochs=1) 没有从同一种子下 {fn}(epochs=0) 返回的参数出发（一次 lr = {check.lr:g} 的 Adam 更新中，"
                f"有参数移动了 {fmt_num(jump)}）。请先用以 `seed` 为种子的生成器初始化参数，再做其他随机抽取，"
                "使同一种子总给出同样的初始参数。")), jump=jump)
        mistakes: list[str | None] = [None] + [d.mistake for d in check.diagnoses]
        ref_calls = [Call(f"t{i}", check.reference, [start, X, y, check.steps, check.lr], {"mistake": m})
                     for i, m in enumerate(mistakes)]
        job = _job(ref_calls, spec.solution.encode("utf-8"), REFERENCE_FILENAME,
                   dict(ev.limits, timeout_s=max(60.0, float(ev.limits["timeout_s"])), cpu_s=None), [])
        summary, files = ev.worker.run(job.spec, job.blobs, "reference")
        run = _collect(ref_calls, job, summary, files)
        _require_reference(run, ref_calls)
        trajectories = [_reference_trajectory(run.outcomes[c.cid].value, check) for c in ref_calls]
        mine = [r[0] for r in runs[1:]]
        expected, losses = trajectories[0]
        off = _departure(mine, expected, check)
        if off is None:
            hist = runs[-1][1]
            bad_epoch = next((j for j in range(check.steps)
                              if not np.isclose(hist[j], losses[j], rtol=1e-6, atol=1e-9)), None)
            if bad_epoch is not None:
                return _result(check, "fail", _described(check, M(
                    f"The parameters follow Adam step by step, but history[{bad_epoch}] = {fmt_num(hist[bad_epoch])} "
                    f"while the mean training loss of that epoch is {fmt_num(losses[bad_epoch])}: history must hold "
                    "the loss your forward pass computed in each epoch, averaged over the epoch's examples.",
                    f"参数逐步符合 Adam，但 history[{bad_epoch}] = {fmt_num(hist[bad_epoch])}，而该迭代周期的平均训练损失是 "
                    f"{fmt_num(losses[bad_epoch])}：history 必须记录每个迭代周期里前向传播算出的损失（按样本取平均）。")),
                    epoch=bad_epoch)
            return _result(check, "pass", M(
                f"{check.steps} full-batch steps follow Adam from your initial parameters, and the history holds "
                "each epoch's loss.",
                f"{check.steps} 个全批量步骤都与从你的初始参数出发的 Adam 一致，history 记录了每个迭代周期的损失。"))
        for diagnosis, (traj, _) in zip(check.diagnoses, trajectories[1:]):
            if _departure(mine, traj, check) is None:
                p = diagnosis.message.pair()
                return _result(check, "fail", _described(check, M(p["en"], p["zh"])), mistake=diagnosis.mistake)
        return _result(check, "fail", _described(check, _trajectory_symptom(fn, start, mine, expected, off, check)),
                       step=off[0] + 1, parameter=off[1])

    return evaluate


def _plan_language_model(planner: Planner, spec: ExerciseSpec, check: LanguageModelCheck
                         ) -> Callable[[_Eval], CheckResult]:
    c = check.corpus
    train, held, vocab = kb_text(c.chars, c.min_count, c.held_out_every)
    V = len(vocab)
    kwargs = {k: materialize(v) for k, v in check.kwargs.items()}
    lc = planner.add("learner", check.call, [train, V], kwargs)
    shapes = {name: [V if d == "V" else int(d) for d in dims] for name, dims in check.params.items()}
    length = check.history_length if isinstance(check.history_length, int) else kwargs.get(check.history_length)
    context = kwargs.get(check.context_kwarg, 3)
    fn = check.call

    def evaluate(ev: _Eval) -> CheckResult:
        bad = _not_ok(ev, check, lc)
        if bad is not None:
            return bad
        parsed = _params_history(fn, ev.outcome(lc).value, shapes,  # type: ignore[union-attr]
                                 length if isinstance(length, int) else None)
        if isinstance(parsed, Message):
            return _result(check, "fail", parsed)
        params, hist = parsed
        if not len(hist) or not np.all(np.isfinite(hist)):
            return _result(check, "fail", M(
                f"{fn}(): the loss history is empty or holds NaN or inf: training diverged, or log(0) in the loss?",
                f"{fn}()：损失记录为空或含有 NaN、inf：训练发散了，或损失里出现了 log(0)？"))
        score = Call("s1", check.loss, [params, held, context], {})
        job = _job([score], spec.solution.encode("utf-8"), REFERENCE_FILENAME,
                   dict(ev.limits, timeout_s=max(60.0, float(ev.limits["timeout_s"])), cpu_s=None), [], spec.drivers)
        summary, files = ev.worker.run(job.spec, job.blobs, "reference")
        run = _collect([score], job, summary, files)
        _require_reference(run, [score])
        value = run.outcomes["s1"].value
        loss = float(value) if isinstance(value, (int, float, np.floating)) else float("nan")
        bigram = bigram_loss(train, held, V)
        goal = bigram - check.margin
        k = max(1, len(hist) // 10)
        first, last = float(np.mean(hist[:k])), float(np.mean(hist[-k:]))
        diag = {"held_out_loss": loss, "bigram_loss": bigram, "threshold": goal, "vocab_size": V,
                "train_chars": int(len(train)), "held_out_chars": int(len(held)),
                "loss_first": first, "loss_last": last,
                "history": [float(v) for v in hist[:: max(1, len(hist) // 500)]]}
        if not np.isfinite(loss):
            return _result(check, "fail", M(
                "Your parameters give a non-finite loss on the held-out text: NaN or inf in them, or a "
                "probability of 0 for a character that occurs?",
                "你的参数在留出文本上给出了非有限的损失：参数里有 NaN 或 inf，或者某个出现过的字符概率为 0？"), **diag)
        if not last < first:
            return _result(check, "fail", _described(check, M(
                f"The training loss did not fall (mean of the first tenth {fmt_num(round(first, 4))}, of the last "
                f"{fmt_num(round(last, 4))}): a wrong gradient sign, a learning rate of 0, or parameters never updated?",
                f"训练损失没有下降（前十分之一的平均为 {fmt_num(round(first, 4))}，最后十分之一为 "
                f"{fmt_num(round(last, 4))}）：梯度符号错了、学习率为 0，还是参数从未更新？")), **diag)
        if loss > goal:
            return _result(check, "fail", _described(check, M(
                f"Held-out loss {loss:.3f} nats per character; a bigram model (no context) reaches {bigram:.3f}, and "
                f"a model that uses its context must get below {goal:.3f}. Check that the targets are the next "
                "characters, the embedding gets its gradient, and the hidden layer's derivative is right.",
                f"留出文本上每个字符的损失为 {loss:.3f} 奈特；不看上下文的二元（bigram）模型能达到 {bigram:.3f}，"
                f"利用上下文的模型必须低于 {goal:.3f}。请检查目标是否是下一个字符、嵌入是否得到了梯度、"
                "隐藏层的导数是否正确。")), **diag)
        return _result(check, "pass", M(
            f"Held-out loss {loss:.3f} nats per character (perplexity {np.exp(loss):.1f}), below the bigram model's "
            f"{bigram:.3f} by {bigram - loss:.3f}.",
            f"留出文本上每个字符的损失为 {loss:.3f} 奈特（困惑度 {np.exp(loss):.1f}），比二元模型的 {bigram:.3f} "
            f"低 {bigram - loss:.3f}。"), **diag)

    return evaluate


def _reference_trajectory(value: Any, check: TrajectoryCheck) -> tuple[list[dict[str, np.ndarray]], np.ndarray]:
    if not (isinstance(value, (tuple, list)) and len(value) == 2 and isinstance(value[0], (list, tuple))
            and len(value[0]) == check.steps and len(value[1]) == check.steps):
        raise ReferenceError_(M("The reference trajectory has the wrong form: an authoring bug, not yours.",
                                "参考轨迹的格式不对：这是练习编写的问题，不是你的错。"))
    return [{k: np.asarray(p[k], dtype=np.float64) for k in check.params} for p in value[0]], \
        np.asarray(value[1], dtype=np.float64)


def _departure(mine: list[dict[str, np.ndarray]], expected: list[dict[str, np.ndarray]],
               check: TrajectoryCheck) -> tuple[int, str] | None:
    """The first (step, parameter) where ``mine`` leaves ``expected``; None if it never does."""
    for j, (a, b) in enumerate(zip(mine, expected)):
        for name in check.params:
            if not np.allclose(a[name], b[name], rtol=check.rtol, atol=check.atol):
                return j, name
    return None


def _trajectory_symptom(fn: str, start: dict[str, np.ndarray], mine: list[dict[str, np.ndarray]],
                        expected: list[dict[str, np.ndarray]], off: tuple[int, str],
                        check: TrajectoryCheck) -> Message:
    """What a departure from the reference trajectory looks like, in words."""
    names = list(check.params)
    still = [k for k in names if all(np.array_equal(p[k], start[k]) for p in mine)]
    moves = [k for k in names if not np.array_equal(expected[-1][k], start[k])]
    if still and len(still) == len(names):
        return M(f"No parameter changes in {check.steps} steps: is the update applied (and lr used)?",
                 f"{check.steps} 步之后没有任何参数发生变化：更新真的执行了吗（lr 用上了吗）？")
    moved_later = any(not np.array_equal(mine[-1][k], start[k]) for k in names)
    if moves and moved_later and all(np.array_equal(mine[0][k], start[k]) for k in moves):
        return M("The first update changed nothing and the later ones lag one step behind: the update uses the "
                 "previous minibatch's gradients. Compute the gradients (backward) before you update.",
                 "第一次更新没有改变任何参数，之后的更新都慢一步：更新用的是上一个小批量的梯度。"
                 "请先做反向传播求梯度，再更新参数。")
    frozen = [k for k in still if k in moves]
    if frozen:
        listed = ", ".join(frozen)
        return M(f"{listed} never change while Adam would move them: their gradients are never computed, or "
                 "their updates never applied.",
                 f"{listed} 从未改变，而 Adam 本应更新它们：它们的梯度没有算出来，或者更新没有应用上。")
    j, name = off
    a, b = mine[j][name], expected[j][name]
    idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(a - b))), a.shape))
    right = [k for k in names if np.allclose(mine[j][k], expected[j][k], rtol=check.rtol, atol=check.atol)]
    tail_en = f" ({', '.join(right)} still match there.)" if right else ""
    tail_zh = f"（此时 {'、'.join(right)} 仍然一致。）" if right else ""
    return M(f"After step {j + 1} of full-batch training, {name} leaves Adam's trajectory from your own initial "
             f"parameters: at {fmt_index(idx)} yours is {fmt_num(a[idx])}, Adam gives {fmt_num(b[idx])}. Check "
             f"the gradient of {name} and the Adam update.{tail_en}",
             f"全批量训练第 {j + 1} 步之后，{name} 偏离了从你自己的初始参数出发的 Adam 轨迹：在 {fmt_index(idx)} 处"
             f"你的值为 {fmt_num(a[idx])}，Adam 给出 {fmt_num(b[idx])}。请检查 {name} 的梯度和 Adam 更新。{tail_zh}")


_PLANNERS: dict[type, Callable[..., Callable[[_Eval], CheckResult]]] = {
    ValueCheck: _plan_value,
    StabilityCheck: _plan_value,
    ImmutabilityCheck: _plan_immutability,
    PropertyCheck: _plan_property,
    GradientCheck: _plan_gradient,
    TrainingCheck: _plan_training,
    TrajectoryCheck: _plan_trajectory,
    LanguageModelCheck: _plan_language_model,
}

__all__ = ["run_check", "Call", "process_message", "fmt_array", "Failure"]


def warm_reference(worker: Worker, spec: ExerciseSpec) -> None:
    """Run the reference job for ``spec`` now so that later checks find it cached."""
    planner = Planner(spec)
    for check in spec.checks:
        _PLANNERS[type(check)](planner, spec, check)
    _reference(worker, spec, planner.reference, spec.limits.model_dump())
