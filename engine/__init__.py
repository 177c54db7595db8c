"""kb's exercise engine: runs learner code in a sandboxed child process and checks it
numerically against a reference solution. Stands alone: never imports kb or Textual.

    report = engine.check(spec, "sigmoid.py")           # cold: starts a child, then stops it
    with engine.Worker() as worker:                      # warm: NumPy already imported
        report = engine.check(spec, "sigmoid.py", worker=worker)

Importing ``engine`` is cheap (standard library only): start a ``Worker`` first and its
children import NumPy while this process reads the exercise; NumPy is imported here on the
first check. ``spec`` is an ``ExerciseSpec`` (pydantic, which validates it) or its JSON
document (kb's index stores it): checking reads either through ``engine.plain``, so a
check that starts from the document never imports pydantic.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from engine.report import STATUSES, CheckResult, Message, Report, overall_status
    from engine.spec import ExerciseSpec
    from engine.worker import Worker, WorkerError


def check(spec: "ExerciseSpec", learner_file: str | os.PathLike[str], *, worker: Worker | None = None) -> Report:
    """Check ``learner_file`` against ``spec`` (an ExerciseSpec, kb's Exercise, or the
    validated JSON document of one).

    The learner's code runs only in a child ``python -I`` process with limits; the
    verdict is computed here from the data it returns. Without ``worker``, a child is
    started for this one check and stopped afterwards (the CLI's cold path)."""
    from engine.checker import run_check
    from engine.worker import Worker

    if worker is not None:
        return run_check(worker, spec, learner_file)
    with Worker() as cold:
        return run_check(cold, spec, learner_file)


def prepare(spec: "ExerciseSpec", worker: Worker) -> None:
    """Compute and cache the reference results for ``spec`` in ``worker`` ahead of the
    learner's first check (the TUI can call this when an exercise is opened)."""
    from engine.checker import warm_reference

    warm_reference(worker, spec)


# Each name from the module that defines it, on first use: a cold check imports
# ``engine.worker`` alone first, so that its children start before anything else loads.
_LAZY = {"ExerciseSpec": "engine.spec", "Worker": "engine.worker", "WorkerError": "engine.worker",
         "Report": "engine.report", "CheckResult": "engine.report", "Message": "engine.report",
         "STATUSES": "engine.report", "overall_status": "engine.report"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")


__all__ = [
    "ExerciseSpec", "Report", "CheckResult", "Message", "STATUSES", "Worker", "WorkerError",
    "check", "prepare", "overall_status",
]
