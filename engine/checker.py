"""``check(spec, learner_file)``: plan the calls each declared check needs, run the
learner's code and the reference solution in separate child processes, and compute
every verdict here, in the parent, from data.

Order of work for one check run:

1. the plan: inputs generated from their seeds, one call per case (each kind plans
   itself: ``engine.checks.<kind>``);
2. the reference job (cached per solution and inputs), in its own child process
   (``engine.jobs``): first when a learner call takes one of its results as an
   argument, else at the same time as the learner's job;
3. the learner's job, in a fresh limited child forked from a process that never held
   the reference; its process group and any orphan are killed before its results are
   read;
4. for training checks, a second reference job scores the returned parameters;
5. verdicts, each kind's evaluator: exact shape/dtype/values, gradients, properties,
   training thresholds, with the kind's typed diagnostics (``engine.diagnostics``).

A check whose call has no complete result takes the status of how the process ended
(timeout, memory, output-limit, crashed); a run without its final manifest is never a
pass.
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.checks import plan
from engine.checks.common import Eval, Evaluator, process_message, result, run_info, unusable
from engine.compare import Failure, fmt_array
from engine.jobs import (Call, Planner, ReferenceError_, RunResult, build_job, cached_reference, collect,
                         finish_reference, needs_reference, reference_job, reference_outcomes, resolve)
from engine.report import CheckResult, Message, Report, overall_status
from engine.plain import limits as run_limits
from engine.plain import view
from engine.worker import Worker

if TYPE_CHECKING:  # pragma: no cover
    from engine.spec import ExerciseSpec

M = Message

# bench/bench_engine.py builds jobs under this older name.
_job = build_job


def run_check(worker: Worker, spec: ExerciseSpec, learner_file: str | os.PathLike[str]) -> Report:
    t0 = time.monotonic()
    spec = view(spec)  # plain data: the engine reads a spec by attribute, whichever form it came in
    path = Path(learner_file)
    checks = spec.checks
    exercise = getattr(spec, "id", None)
    try:
        source = path.read_bytes()
    except OSError as exc:
        msg = M(f"Cannot read {path}: {exc.strerror or exc}.", f"无法读取 {path}：{exc.strerror or exc}。")
        results = [result(c, "error", msg) for c in checks]
        return _report(results, t0, exercise, None, M("Cannot read your file.", "无法读取你的文件。"))

    planner = Planner(spec)
    evaluators: list[tuple[Any, Evaluator]] = [(check, plan(planner, spec, check)) for check in checks]
    limits = run_limits(spec)
    reference = cached_reference(worker, spec, planner.reference)
    side_by_side = reference is None and not needs_reference(planner.learner)
    try:
        if reference is None and not side_by_side:
            reference = reference_outcomes(worker, spec, planner.reference, limits)
    except ReferenceError_ as exc:
        results = [result(c, "error", exc.message) for c in checks]
        return _report(results, t0, exercise, None, exc.message)

    if reference is not None:
        resolve(planner.learner, reference)
    job = build_job(planner.learner, source, str(path), limits, list(spec.forbidden), spec.drivers)
    if side_by_side:
        # No learner call takes a reference result: the two jobs run at once, each in
        # its own child (the learner's child never holds the reference).
        ref_job = reference_job(spec, planner.reference, limits)
        (ref_summary, ref_files), (summary, files) = worker.run_side_by_side(
            [(ref_job.spec, ref_job.blobs, "reference"), (job.spec, job.blobs, "learner")])
        try:
            reference = finish_reference(worker, spec, planner.reference, ref_job, ref_summary, ref_files)
        except ReferenceError_ as exc:
            results = [result(c, "error", exc.message) for c in checks]
            return _report(results, t0, exercise, None, exc.message)
        del ref_files
    else:
        summary, files = worker.run(job.spec, job.blobs, "learner")
    assert reference is not None
    learner = collect(planner.learner, job, summary, files)
    del files

    ctx = Eval(worker, spec, learner, reference, limits)
    results = []
    for check, evaluate in evaluators:
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the learner's values must not warn in kb's own process
                results.append(evaluate(ctx))
        except ReferenceError_ as exc:
            results.append(result(check, "error", exc.message))
        except Exception as exc:  # a value no evaluator foresaw: the learner's, so a fail
            results.append(unusable(check, exc))
    return _report(results, t0, exercise, learner, None)


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
        run=run_info(run.summary) if run else {},
    )


def warm_reference(worker: Worker, spec: ExerciseSpec) -> None:
    """Run the reference job for ``spec`` now so that later checks find it cached."""
    spec = view(spec)
    planner = Planner(spec)
    for check in spec.checks:
        plan(planner, spec, check)
    reference_outcomes(worker, spec, planner.reference, run_limits(spec))


__all__ = ["run_check", "warm_reference", "Call", "CheckResult", "process_message", "fmt_array", "Failure"]
