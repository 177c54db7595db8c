"""kb's exercise service: find an exercise, manage the learner's file, run the engine
and keep the progress store up to date. The CLI (``kb exercise ...``) and the TUI are
two faces on these calls.

The learner's code lives in ``<data dir>/exercises/<id>.py``; kb creates it from the
starter and never overwrites it (``reset`` keeps a backup first). The engine only
reads it. NumPy, SQLAlchemy and the engine's heavy parts are imported inside
functions, so that importing this module is cheap.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from kb.errors import NOT_FOUND, UNAVAILABLE, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    from engine import Report, Worker
    from kb.schema import Exercise

#: Statuses that count as a failed attempt (towards unlocking the solution). A
#: ``not-started`` run is not an attempt at all.
FAILED = ("fail", "error", "timeout", "memory", "crashed", "output-limit")
ATTEMPTS_FOR_SOLUTION = 3
HINT_TIERS = (("idea", "思路"), ("NumPy tool", "NumPy 工具"), ("partial line", "部分代码"))


class ExerciseError(Exception):
    """A problem the user can act on (unknown id, missing file...), in both languages."""

    def __init__(self, en: str, zh: str | None = None, code: int = NOT_FOUND):
        super().__init__(en)
        self.en = en
        self.zh = zh or en
        self.code = code

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


# --- finding exercises ----------------------------------------------------------------------


def load(ident: str, extra_roots: list[str] | None = None) -> "Exercise":
    """The exercise ``ident``. Fast path: the folder ``<root>/exercises/<ident>/`` or
    the single file ``<root>/exercises/<ident>.yaml`` in the first content root that
    has one (the same precedence as the catalog, without building the index);
    otherwise the catalog, for files named otherwise."""
    from kb.loader import load_file
    from kb.paths import content_roots
    from kb.schema import Exercise

    for root in content_roots(extra_roots):
        for path in (root / "exercises" / ident / "exercise.yaml", root / "exercises" / f"{ident}.yaml"):
            if not path.is_file():
                continue
            loaded = load_file(path)
            errors = [p for p in loaded.problems if p.severity == "error"]
            if errors:
                first = errors[0]
                raise ExerciseError(f"{first} ({len(errors)} problem(s); run `kb validate`)",
                                    f"{first}（共 {len(errors)} 个问题；请运行 `kb validate`）", code=UNAVAILABLE)
            if isinstance(loaded.entry, Exercise) and loaded.entry.id == ident:
                return loaded.entry
    entry = _catalog_get(ident, extra_roots)
    if isinstance(entry, Exercise):
        return entry
    if entry is not None:
        raise ExerciseError(f"'{ident}' is a {entry.kind}, not an exercise (try `kb exercise list`)",
                            f"'{ident}' 是 {entry.kind}，不是练习（试试 `kb exercise list`）")
    ids = [e.id for e in all_exercises(extra_roots)]
    raise ExerciseError(f"no exercise '{ident}'{did_you_mean(ident, ids, 'en')} (see `kb exercise list`)",
                        f"没有名为“{ident}”的练习{did_you_mean(ident, ids, 'zh')}（见 `kb exercise list`）")


def for_check(ident: str, extra_roots: list[str] | None, catalog: Any) -> "Exercise":
    """Exercise ``ident`` as a check reads it: from the index (stat-checked, brought up
    to date if a file changed), its validated document as the engine's plain view
    (``engine.plain``: the same fields and values as the model, without YAML or
    pydantic, ~100 ms of a cold check). An exercise the index does not hold, or an
    index that cannot be read (``catalog`` None: ``open_catalog_quietly`` could not open
    it), loads as ``load`` does, with its error."""
    doc = None
    if catalog is not None:
        try:
            doc = catalog.exercise_document(ident)
        except Exception:  # an index that cannot be read: the files themselves
            doc = None
    if doc is None:
        return load(ident, extra_roots)
    from engine.plain import view

    return view(doc)  # type: ignore[return-value]  # Exercise's fields, read by attribute


def open_catalog_quietly(extra_roots: list[str] | None = None) -> Any:
    """The catalog, or None when the index cannot be opened (an unwritable cache, a full
    disk): a check goes on without it, reading the exercise's files."""
    from kb.catalog import Catalog

    try:
        return Catalog.open(extra_roots)
    except Exception:
        return None


def _catalog_get(ident: str, extra_roots: list[str] | None) -> Any:
    from kb.catalog import Catalog

    cat = Catalog.open(extra_roots)
    try:
        return cat.get(ident)
    finally:
        cat.close()


TRACK_ORDER = ("foundations", "networks", "autograd", "large-models")


def exercise_state(ident: str, statuses: dict[str, str]) -> str:
    """One exercise's state, as every face shows it: ``passed``, ``attempted`` (checked,
    never passed), ``started`` (the learner's file exists, never checked) or ``new``."""
    return statuses.get(ident) or ("started" if learner_path(ident).exists() else "new")


def course_order(ex: Any) -> tuple[int, int, str]:
    """Where an exercise stands in the course: its track, then its difficulty."""
    track = getattr(ex, "track", "foundations")
    return (TRACK_ORDER.index(track) if track in TRACK_ORDER else len(TRACK_ORDER), ex.difficulty, ex.id)


def course(cat: Any) -> list["Exercise"]:
    """Every exercise of ``cat`` in course order: by track, then difficulty."""
    from kb.schema import Exercise

    found = (cat.get(s.id) for s in cat.list(kind="exercise"))
    return sorted((e for e in found if isinstance(e, Exercise)), key=course_order)


def all_exercises(extra_roots: list[str] | None = None) -> list["Exercise"]:
    """Every exercise in the content roots, in course order."""
    from kb.catalog import Catalog

    cat = Catalog.open(extra_roots)
    try:
        return course(cat)
    finally:
        cat.close()


@dataclass(frozen=True)
class Brief:
    """An exercise as the course lists it, read from the index's stored document
    (no content model is built: a check's "what next" costs what the data costs)."""

    id: str
    title: Any  # kb.catalog.Text
    track: str
    difficulty: int


def course_briefs(cat: Any) -> list[Brief]:
    """Every exercise of ``cat`` in course order (``course_order``), as briefs."""
    return sorted((_brief(cat, s) for s in cat.list(kind="exercise")), key=course_order)


def _brief(cat: Any, summary: Any) -> Brief:
    doc = cat.raw(summary.id) or {}
    return Brief(summary.id, summary.title, str(doc.get("track") or "foundations"), int(doc.get("difficulty") or 1))


@dataclass
class Next:
    """The exercise to offer after a pass, and why: ``path`` names the learning path
    it follows in (its title, both languages), else it is the next of the course."""

    exercise: Brief
    path_title: dict[str, str] | None


def next_exercise(ex: "Exercise", passed: set[str], extra_roots: list[str] | None = None, *,
                  catalog: Any = None) -> Next | None:
    """After ``ex`` is passed: the next exercise not yet passed in the first learning
    path that has ``ex`` as a step, else the next one in course order (rustlings moves
    on; kb says what is next and why). None when every exercise is passed. Uses
    ``catalog`` when given (the app's), else opens one over the content roots."""
    from kb.catalog import Catalog

    cat = catalog if catalog is not None else Catalog.open(extra_roots)
    try:
        return _next_in(cat, ex.id, set(passed) | {ex.id})
    finally:
        if catalog is None:
            cat.close()


def _next_in(cat: Any, ident: str, done: set[str]) -> Next | None:
    exercises = {s.id: s for s in cat.list(kind="exercise")}
    for summary in cat.list(kind="path"):  # by id
        path = cat.raw(summary.id) or {}
        steps = path.get("steps")
        if not isinstance(steps, list):
            steps = []
        refs = [st.get("ref") for st in steps if isinstance(st, dict) and st.get("do") == "exercise"]
        if ident not in refs:
            continue
        for ref in refs[refs.index(ident) + 1:]:
            if ref not in done and ref in exercises:  # one document read, not the course's
                return Next(_brief(cat, exercises[ref]), {"en": summary.title.en, "zh": summary.title.zh})
    ordered = course_briefs(cat)
    ids = [b.id for b in ordered]
    start = ids.index(ident) + 1 if ident in ids else 0
    for following in ordered[start:] + ordered[:start]:
        if following.id not in done:
            return Next(following, None)
    return None


# --- the learner's file ------------------------------------------------------------------------


def exercises_dir() -> Path:
    from kb.paths import data_dir

    path = data_dir() / "exercises"
    path.mkdir(parents=True, exist_ok=True)
    return path


def learner_path(ident: str) -> Path:
    return exercises_dir() / f"{ident}.py"


def start(ex: "Exercise") -> tuple[Path, bool]:
    """Create the learner's file from the starter; never overwrite. Returns the path
    and whether it was created now."""
    path = learner_path(ex.id)
    try:
        with open(path, "x", encoding="utf-8") as f:  # "x": fails if it exists
            f.write(ex.starter)
    except FileExistsError:
        return path, False
    return path, True


def reset(ex: "Exercise") -> tuple[Path, Path | None]:
    """Back up the learner's file (if any), then write the starter again. Returns the
    path and the backup's path."""
    path = learner_path(ex.id)
    backup = None
    if path.exists():
        backups = exercises_dir() / "backups"
        backups.mkdir(exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = backups / f"{ex.id}-{stamp}.py"
        n = 1
        while backup.exists():
            n += 1
            backup = backups / f"{ex.id}-{stamp}-{n}.py"
        os.replace(path, backup)
    tmp = path.with_suffix(".py.tmp")
    tmp.write_text(ex.starter, encoding="utf-8")
    os.replace(tmp, path)
    return path, backup


# --- checking ------------------------------------------------------------------------------------


def check(ex: "Exercise", path: Path | str | None = None, *, worker: "Worker | None" = None) -> "Report":
    """Run the engine on the learner's file (or ``path``)."""
    import engine

    target = Path(path) if path is not None else learner_path(ex.id)
    if not target.is_file():
        if path is None:
            raise ExerciseError(f"no file for '{ex.id}' yet: run `kb exercise start {ex.id}` first",
                                f"还没有 '{ex.id}' 的文件：请先运行 `kb exercise start {ex.id}`")
        raise ExerciseError(f"no such file: {target}", f"文件不存在：{target}")
    report = engine.check(ex, target, worker=worker)
    report.exercise = ex.id
    return report


def record(store: Any, ex: "Exercise", report: "Report") -> None:
    """Store one attempt: time, status, duration, hints seen, solution shown."""
    store.record_attempt(
        ex.id,
        report.status,
        report.duration_s,
        store.hints_unlocked(ex.id),
        store.solution_unlocked(ex.id),
        report.to_json(),
    )


def open_store_quietly() -> tuple[Any, str | None]:
    """The progress store, or (None, why) when it cannot be opened."""
    from kb.progress import ProgressStoreError, open_store

    try:
        return open_store(), None
    except ProgressStoreError as exc:
        return None, str(exc)


# --- hints and the solution ---------------------------------------------------------------------------


def failed_attempts(store: Any, ident: str) -> int:
    return sum(1 for a in store.attempts(ident) if a.status in FAILED)


def has_passed(store: Any, ident: str) -> bool:
    return any(a.status == "pass" for a in store.attempts(ident))


@dataclass
class SolutionAccess:
    allowed: bool  # may be shown now without asking
    needs_confirmation: bool  # may be shown after an explicit yes
    passed: bool
    failed: int


def solution_access(store: Any, ident: str) -> SolutionAccess:
    passed = has_passed(store, ident)
    failed = failed_attempts(store, ident)
    unlocked = store.solution_unlocked(ident)
    allowed = passed or unlocked
    return SolutionAccess(allowed, not allowed and failed >= ATTEMPTS_FOR_SOLUTION, passed, failed)


# --- watching a file -------------------------------------------------------------------------------------


class _Inotify:
    """Changes to one file, seen through Linux inotify on its directory (so that
    editors that save by writing a new file and renaming it are seen too)."""

    IN_MODIFY, IN_CLOSE_WRITE, IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x2, 0x8, 0x40, 0x80, 0x100, 0x200

    def __init__(self, path: Path):
        import ctypes
        import ctypes.util

        self.name = path.name.encode()
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        mask = (self.IN_MODIFY | self.IN_CLOSE_WRITE | self.IN_MOVED_FROM | self.IN_MOVED_TO
                | self.IN_CREATE | self.IN_DELETE)
        if libc.inotify_add_watch(self.fd, str(path.parent).encode(), mask) < 0:
            os.close(self.fd)
            raise OSError(ctypes.get_errno(), "inotify_add_watch failed")

    def wait(self, timeout: float) -> bool:
        """True if the file changed within ``timeout`` seconds."""
        import select
        import struct

        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except BlockingIOError:
            return False
        offset = 0
        hit = False
        while offset + 16 <= len(data):
            _wd, _mask, _cookie, length = struct.unpack_from("iIII", data, offset)
            if data[offset + 16: offset + 16 + length].rstrip(b"\0") == self.name:
                hit = True
            offset += 16 + length
        return hit

    def close(self) -> None:
        os.close(self.fd)


class _Polling:
    """The fallback: compare the file's mtime and size every ``interval`` seconds."""

    def __init__(self, path: Path, interval: float):
        self.path = path
        self.interval = interval
        self.last = _stamp(path)

    def wait(self, timeout: float) -> bool:
        time.sleep(max(0.0, min(timeout, self.interval)))
        now = _stamp(self.path)
        if now != self.last:
            self.last = now
            return True
        return False

    def close(self) -> None:
        pass


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def watch(path: Path, on_change: Callable[[], None], *, debounce_s: float = 0.3, poll_s: float = 0.5,
          use_inotify: bool = True, stop: threading.Event | None = None,
          max_runs: int | None = None, on_ready: Callable[[str], None] | None = None) -> str:
    """Call ``on_change()`` once now and again after every save of ``path``, once the
    file has been quiet for ``debounce_s`` (an editor's save is often several writes).
    Uses inotify where available, polling otherwise. Returns the mechanism used
    ("inotify" or "polling") when ``stop`` is set or ``max_runs`` is reached."""
    import sys

    stop = stop or threading.Event()
    source: _Inotify | _Polling
    source = _Polling(path, poll_s)
    if use_inotify and sys.platform.startswith("linux"):
        try:
            source = _Inotify(path)
        except OSError:
            pass
    mechanism = "inotify" if isinstance(source, _Inotify) else "polling"
    if on_ready is not None:
        on_ready(mechanism)
    runs = 0
    try:
        on_change()
        runs += 1
        pending_since: float | None = None
        while not stop.is_set() and (max_runs is None or runs < max_runs):
            if pending_since is None:
                changed = source.wait(0.5)
            else:
                changed = source.wait(debounce_s - (time.monotonic() - pending_since))
            if changed:
                pending_since = time.monotonic()
                continue
            if pending_since is not None and time.monotonic() - pending_since >= debounce_s:
                pending_since = None
                if path.exists():
                    on_change()
                    runs += 1
    finally:
        source.close()
    return mechanism
