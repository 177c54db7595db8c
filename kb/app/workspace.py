"""The exercise workspace's use cases: open an exercise, check and record, unlock a
hint, ask for the solution, and what comes next. ``kb exercise …`` and the app's
workspace screen both call these, so the solution gate, the hint tiers and the
"next exercise" rule exist once; the faces only say the result in their own words
(a key in the app, a command in the shell).

Plain data in and out; no Textual, no printing. The progress store may be missing
(``store is None``, with ``store_error`` saying why): the workspace still opens and
checks, and says that progress is not saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kb import exercises

if TYPE_CHECKING:  # pragma: no cover
    from engine import Report, Worker
    from kb.exercises import Next
    from kb.schema import Exercise


@dataclass
class Opened:
    """What the workspace shows when an exercise opens."""

    exercise: "Exercise"
    path: Path  # the learner's file (created from the starter if it did not exist)
    created: bool
    text: str
    hints: int  # hint tiers unlocked so far
    solution: bool  # the solution was unlocked before
    report: Any = None  # the last attempt's report (engine.Report), if one is readable


@dataclass
class Checked:
    report: "Report"
    saved_error: str | None = None  # why the attempt was not recorded, if it was not
    following: "Next | None" = None  # after a pass: the exercise to offer next
    all_passed: bool = False  # after a pass: none is left (every exercise is passed)


@dataclass
class Hints:
    shown: int  # tiers now unlocked
    total: int
    new: bool  # this call unlocked one (False: every tier was already shown)


@dataclass
class SolutionGate:
    """The answer to "show me the solution": ``shown``; ``confirm`` (allowed after an
    explicit yes: enough failed checks, not passed); or ``locked`` (``failed`` failed
    checks so far, ``left`` to go)."""

    decision: Literal["shown", "confirm", "locked", "no-store"]
    failed: int = 0
    left: int = 0
    why: str | None = None  # for "no-store": why the store could not be opened

    def locked_message(self, lang: str, way: tuple[str, str]) -> str:
        """The locked gate in a sentence, with ``way`` (en, zh) as the way forward."""
        from kb.i18n import tr

        n = exercises.ATTEMPTS_FOR_SOLUTION
        return tr(lang,
                  f"The solution opens after a pass, or after {n} failed checks "
                  f"({self.failed} so far, {self.left} to go). {way[0]}",
                  f"通过检查后，或检查失败 {n} 次后才能查看答案"
                  f"（目前失败 {self.failed} 次，还差 {self.left} 次）。{way[1]}")


class Workspace:
    """One exercise, its learner file and its progress rows."""

    def __init__(self, exercise: "Exercise", store: Any | None, *, store_error: str | None = None,
                 catalog: Any | None = None, extra_roots: list[str] | None = None) -> None:
        self.exercise = exercise
        self.store = store
        self.store_error = store_error
        self.catalog = catalog
        self.extra_roots = extra_roots
        self._following: tuple[Next | None] | None = None  # look_ahead's answer

    def open(self) -> Opened:
        """Create the learner's file from the starter if needed (never overwriting it)
        and read what the workspace shows."""
        ex = self.exercise
        path, created = exercises.start(ex)
        hints, solution, report = 0, False, None
        if self.store is not None:
            hints = self.store.hints_unlocked(ex.id)
            solution = self.store.solution_unlocked(ex.id)
            attempts = self.store.attempts(ex.id)
            if attempts and attempts[-1].report_json:
                from kb.stored_report import read_stored_report

                # an unreadable stored report (old, imported, hand-edited) is just not shown
                report = read_stored_report(attempts[-1].report_json)
        return Opened(ex, path, created, path.read_text(encoding="utf-8"), hints, solution, report)

    def run(self, path: Path | str | None = None, *, worker: "Worker | None" = None) -> "Report":
        """Check the learner's file (or ``path``) without recording anything. Raises
        ``ExerciseError`` when there is nothing to check."""
        return exercises.check(self.exercise, path, worker=worker)

    def record(self, report: "Report") -> Checked:
        """Record the attempt (a store that fails says why, the verdict stands) and,
        after a pass, find the next exercise."""
        checked = Checked(report, saved_error=self.store_error if self.store is None else None)
        if self.store is not None:
            try:
                exercises.record(self.store, self.exercise, report)
            except Exception as exc:  # the verdict still counts for the learner; say it was not saved
                checked.saved_error = str(exc)
        if report.status == "pass":
            try:
                checked.following = self._following[0] if self._following else self.next_exercise()
                checked.all_passed = checked.following is None
            except Exception:  # a suggestion is never worth an error
                pass
        return checked

    def look_ahead(self) -> None:
        """Find now what ``record`` offers after a pass (the exercise itself counts as
        passed either way): a cold check does this while its checking children start,
        not after the verdict."""
        try:
            self._following = (self.next_exercise(),)
        except Exception:  # record tries again, and a suggestion is never worth an error
            self._following = None

    def check(self, path: Path | str | None = None, *, worker: "Worker | None" = None) -> Checked:
        """Run and record (the app's check; the CLI prints the verdict between the two)."""
        return self.record(self.run(path, worker=worker))

    def next_exercise(self) -> "Next | None":
        """The exercise to offer after a pass (the path's next step, else the course's);
        None when every exercise is passed."""
        passed = self.store.exercises_passed() if self.store is not None else {self.exercise.id}
        if self.catalog is not None:
            return exercises.next_exercise(self.exercise, passed, catalog=self.catalog)
        return exercises.next_exercise(self.exercise, passed, self.extra_roots)

    def unlock_hint(self, shown_without_store: int = 0) -> Hints:
        """Unlock the next hint tier (kept in the store; without one, ``shown_without_store``
        is what this session has shown)."""
        total = len(self.exercise.hints)
        if self.store is None:
            shown = min(shown_without_store + 1, total)
            return Hints(shown, total, shown > shown_without_store)
        shown = self.store.hints_unlocked(self.exercise.id)
        if shown >= total:
            return Hints(shown, total, False)
        return Hints(self.store.unlock_hint(self.exercise.id, max_tiers=total), total, True)

    def ask_solution(self, *, confirmed: bool = False) -> SolutionGate:
        """Show the solution after a pass, after it was shown before, or, with
        ``confirmed``, after enough failed checks; otherwise say what stands in the way."""
        if self.store is None:
            return SolutionGate("no-store", why=self.store_error)
        access = exercises.solution_access(self.store, self.exercise.id)
        if access.allowed or (access.needs_confirmation and confirmed):
            self.store.unlock_solution(self.exercise.id)
            return SolutionGate("shown", access.failed)
        if access.needs_confirmation:
            return SolutionGate("confirm", access.failed)
        return SolutionGate("locked", access.failed, exercises.ATTEMPTS_FOR_SOLUTION - access.failed)
