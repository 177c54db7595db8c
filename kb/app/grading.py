"""A teacher's batch grading: every ``DIR/<learner>/<exercise-id>.py`` checked in parallel
sandboxes, as ``kb exercise check`` would check that file, returned as plain data for
the faces to draw.

Files that are not a known exercise's ``<id>.py`` inside a learner's folder are
reported, never guessed at. Each worker thread holds its own warm ``engine.Worker``
(two sandboxed children), so ``jobs`` submissions are checked at once.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

LEARNER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
MAX_FILE_BYTES = 1 << 20  # a submission larger than this is not code a learner wrote


@dataclass
class Graded:
    """One submission's verdict (``status`` is the engine's, or ``ungraded``)."""

    learner: str
    exercise: str
    status: str
    checks_passed: int
    checks_total: int
    seconds: float
    message: str
    message_zh: str = ""
    failing_check: str | None = None

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        data = asdict(self)
        data.pop("failing_check")
        zh = data.pop("message_zh")
        if lang == "zh" and zh:
            data["message"] = zh
        return data


@dataclass
class Skipped:
    """A file or folder in DIR that is not a submission, and why."""

    path: str
    reason_en: str
    reason_zh: str


@dataclass
class ExerciseSummary:
    exercise: str
    submitted: int
    passed: int
    most_common_failure: str | None  # the check that fails most often: where the class is stuck
    failures: int = 0


@dataclass
class GradeRun:
    results: list[Graded] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    jobs: int = 1

    @property
    def complete(self) -> bool:
        """Every submission graded (whatever the verdicts) and nothing left unexplained."""
        return not self.skipped and all(r.status != "ungraded" for r in self.results)

    def learners(self) -> list[str]:
        return sorted({r.learner for r in self.results})

    def exercises(self) -> list[str]:
        return sorted({r.exercise for r in self.results})

    def summaries(self) -> list[ExerciseSummary]:
        out = []
        for ident in self.exercises():
            rows = [r for r in self.results if r.exercise == ident]
            failing = Counter(r.failing_check for r in rows if r.status != "pass" and r.failing_check)
            top = failing.most_common(1)
            out.append(ExerciseSummary(ident, len(rows), sum(r.status == "pass" for r in rows),
                                       top[0][0] if top else None, top[0][1] if top else 0))
        return out


def find_submissions(root: Path, known: set[str]) -> tuple[list[tuple[str, str, Path]], list[Skipped]]:
    """``(learner, exercise, path)`` for every ``root/<learner>/<exercise>.py`` with a
    known exercise id, sorted; everything else in ``root`` is reported."""
    subs: list[tuple[str, str, Path]] = []
    skipped: list[Skipped] = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        rel = entry.name
        if entry.is_symlink() or not entry.is_dir():
            skipped.append(Skipped(rel, "not a learner's folder (DIR/<learner>/<exercise-id>.py)",
                                   "不是学习者的文件夹（应为 DIR/<学习者>/<练习 id>.py）"))
            continue
        if not LEARNER.match(entry.name):
            skipped.append(Skipped(rel, "a learner's folder name may hold letters, digits and . _ @ - only",
                                   "学习者文件夹名只能包含字母、数字和 . _ @ -"))
            continue
        for item in sorted(entry.iterdir(), key=lambda p: p.name):
            rel = f"{entry.name}/{item.name}"
            if item.is_symlink() or not item.is_file():
                skipped.append(Skipped(rel, "not a regular file", "不是普通文件"))
            elif item.suffix != ".py":
                skipped.append(Skipped(rel, "not a .py file", "不是 .py 文件"))
            elif item.stem not in known:
                skipped.append(Skipped(rel, f"no exercise has the id '{item.stem}'",
                                       f"没有 id 为 '{item.stem}' 的练习"))
            else:
                subs.append((entry.name, item.stem, item))
    return subs, skipped


def grade(root: Path, *, jobs: int | None = None, extra_roots: list[str] | None = None,
          progress: Callable[[Graded], None] | None = None) -> GradeRun:
    """Grade every submission under ``root`` with ``jobs`` parallel sandboxes (default:
    the number of cores). ``progress`` is called with each verdict as it comes."""
    from engine import Worker
    from kb.exercises import all_exercises

    t0 = time.monotonic()
    exercises = {ex.id: ex for ex in all_exercises(extra_roots)}
    subs, skipped = find_submissions(root, set(exercises))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(subs) or 1))
    local = threading.local()
    workers: list[Worker] = []
    lock = threading.Lock()

    def worker() -> Worker:
        if getattr(local, "worker", None) is None:
            local.worker = Worker()
            with lock:
                workers.append(local.worker)
        return local.worker

    def one(sub: tuple[str, str, Path]) -> Graded:
        learner, ident, path = sub
        start = time.monotonic()
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ValueError(f"larger than {MAX_FILE_BYTES // 1024} KiB")
            from kb.exercises import check

            report = check(exercises[ident], path, worker=worker())
        except Exception as exc:  # the file or the machine, never the verdict: say which
            result = Graded(learner, ident, "ungraded", 0, 0, round(time.monotonic() - start, 3),
                            f"could not be checked: {type(exc).__name__}: {exc}",
                            f"无法检查：{type(exc).__name__}: {exc}")
        else:
            failing = next((c for c in report.checks if c.status != "pass"), None)
            result = Graded(learner, ident, report.status, sum(c.status == "pass" for c in report.checks),
                            len(report.checks), round(time.monotonic() - start, 3), report.message.en,
                            report.message.zh, failing.name if failing is not None else None)
        if progress is not None:
            progress(result)
        return result

    try:
        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="kb-grade") as pool:
            results = list(pool.map(one, subs))
    finally:
        for w in workers:
            w.close()
    results.sort(key=lambda r: (r.learner, r.exercise))
    return GradeRun(results, skipped, time.monotonic() - t0, jobs)
