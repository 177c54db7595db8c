"""Export and import of the whole progress store as versioned JSON.

A learner backs up or moves machines with ``kb progress export FILE`` and ``kb progress
import FILE``. Import merges: reviews and attempts carry a ``uid`` and are never
duplicated, so importing the same file twice (or a file exported from a copy of this
store) adds nothing. Cards are merged so that the schedule reflects every answer:

* the file knows nothing new about an item → the local card stays;
* the file's history of an item contains all of the local one → the file's card;
* the two histories diverged (both machines were used) → the card is recomputed by
  replaying the merged answers in time order through FSRS.

Unlocks take the maximum, entries read the earliest first time, settings fill in only
the keys not set here. The whole import is one transaction: it lands whole or not at
all. A file from a newer kb (higher ``version``) is refused.

Export and import are per learner: an export holds the rows of the store's learner
(``--user`` / ``KB_USER``) and names them in ``"learner"`` (for the reader; import does
not need it), and an import merges into the importing learner's rows only. Importing
another learner's export under your name copies their progress to you.

The file is untrusted: its size and every number, date, string and FSRS state in it are
range-checked (and each card is put through the scheduler once) before the transaction
starts, so a file with one bad record is refused with a line naming the record and the
field, and writes nothing.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal, overload

from sqlalchemy import select

from kb.progress.errors import ProgressStoreError
from kb.progress.models import HEAD, AttemptRow, CardRow, ReadRow, ReviewRow, SettingRow, UnlockRow
from kb.progress.records import MAX_ANSWER_CHARS, CardState, Review

FORMAT = "kb-progress"
VERSION = 1


class ImportFormatError(ProgressStoreError):
    """The file to import is not a kb progress export this kb can read."""


@dataclass
class ImportResult:
    reviews_added: int = 0
    reviews_skipped: int = 0
    cards_added: int = 0
    cards_updated: int = 0
    cards_replayed: int = 0
    attempts_added: int = 0
    attempts_skipped: int = 0
    unlocks_merged: int = 0
    reads_merged: int = 0
    settings_added: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


# --- export -------------------------------------------------------------------------------


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(timezone.utc).isoformat() if dt is not None else None


def export_data(store) -> dict[str, Any]:
    me = store.learner
    with store._read() as s:
        cards = [
            {"item_id": c.item_id, "state": c.state, "step": c.step, "stability": c.stability,
             "difficulty": c.difficulty, "due": _iso(c.due), "last_review": _iso(c.last_review),
             "last_rating": c.last_rating, "reps": c.reps, "lapses": c.lapses}
            for c in s.scalars(select(CardRow).where(CardRow.learner == me).order_by(CardRow.item_id))
        ]
        reviews = [
            {"uid": r.uid, "item_id": r.item_id, "at": _iso(r.at), "rating": r.rating,
             "state_before": r.state_before, "correct": r.correct, "answer": r.answer,
             "duration_ms": r.duration_ms}
            for r in s.scalars(select(ReviewRow).where(ReviewRow.learner == me).order_by(ReviewRow.at, ReviewRow.id))
        ]
        attempts = [
            {"uid": a.uid, "exercise_id": a.exercise_id, "at": _iso(a.at), "status": a.status,
             "duration_s": a.duration_s, "hints_seen": a.hints_seen,
             "solution_shown": bool(a.solution_shown), "report_json": a.report_json}
            for a in s.scalars(select(AttemptRow).where(AttemptRow.learner == me)
                               .order_by(AttemptRow.at, AttemptRow.id))
        ]
        unlocks = [
            {"exercise_id": u.exercise_id, "hints_unlocked": u.hints_unlocked,
             "solution_unlocked": bool(u.solution_unlocked), "updated_at": _iso(u.updated_at)}
            for u in s.scalars(select(UnlockRow).where(UnlockRow.learner == me).order_by(UnlockRow.exercise_id))
        ]
        settings = {r.key: json.loads(r.value_json)
                    for r in s.scalars(select(SettingRow).where(SettingRow.learner == me).order_by(SettingRow.key))}
        reads = [
            {"entry_id": r.entry_id, "first_at": _iso(r.first_at), "last_at": _iso(r.last_at), "count": r.count}
            for r in s.scalars(select(ReadRow).where(ReadRow.learner == me).order_by(ReadRow.entry_id))
        ]
    from kb import __version__

    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(store.now()),
        "kb_version": __version__,
        "schema_revision": HEAD,
        "learner": me,
        "cards": cards,
        "reviews": reviews,
        "attempts": attempts,
        "unlocks": unlocks,
        "settings": settings,
        "reads": reads,
    }


def export_file(store, path: str | os.PathLike) -> dict[str, int]:
    """Write the export atomically (a crash never leaves half a file). Returns counts."""
    data = export_data(store)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return {k: len(data[k]) for k in ("cards", "reviews", "attempts", "unlocks", "settings", "reads")}


# --- reading a file strictly ------------------------------------------------------------------
#
# An import file is untrusted: a value kb would never write itself must be refused here,
# before the transaction, or it breaks kb later (a negative stability makes every
# retrievability complex, reps near 2**63 overflow on the next answer, a year-9999 due
# date overflows the next interval). Every bound below is one kb's own writes stay within.

MAX_FILE_BYTES = 64 * 1024 * 1024  # a heavy learner's export is a few MB
MAX_SETTINGS_DEPTH = 16  # a setting value is a scalar or a small list/object
MAX_SETTINGS = 1_000
MAX_SETTING_JSON = 4_096
MAX_ID = 200  # the id columns are String(200)
MAX_COUNT = 1_000_000  # reps, lapses, reads of one entry
MAX_HINTS = 1_000  # hint tiers of one exercise (the schema allows 5)
MAX_STEP = 100  # a learning/relearning step index (kb's scheduler has 1 or 2 steps)
MAX_DURATION_MS = 7 * 24 * 3600 * 1000  # one answer; also fits a 32-bit column
MAX_DURATION_S = 7 * 24 * 3600.0  # one check
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
FUTURE_YEARS = 100
# FSRS's own bounds (fsrs 6 clamps stability below at STABILITY_MIN and difficulty to
# 1..10). It has no upper stability bound; fsrs-rs caps at 36500 days. Ten times that
# leaves room for any card grown by real reviews while keeping the arithmetic finite.
STABILITY_MAX = 365_000.0


def _fsrs_bounds() -> tuple[float, float, float]:
    from fsrs import scheduler as fs

    return (float(getattr(fs, "STABILITY_MIN", 0.001)), float(getattr(fs, "MIN_DIFFICULTY", 1.0)),
            float(getattr(fs, "MAX_DIFFICULTY", 10.0)))


class _Reader:
    """Typed, bounded field readers; each failure names the record and the field."""

    def __init__(self, source: str, now: datetime):
        self.source = source
        self.latest = now + timedelta(days=365 * FUTURE_YEARS + FUTURE_YEARS // 4)

    def fail(self, where: str, en: str, zh: str | None = None) -> ImportFormatError:
        return ImportFormatError(f"{self.source}: {where}: {en}",
                                 f"{self.source}：{where}：{zh or en}")

    @overload
    def dt(self, where: str, value: Any, *, optional: Literal[False] = False) -> datetime: ...
    @overload
    def dt(self, where: str, value: Any, *, optional: bool) -> datetime | None: ...
    def dt(self, where: str, value: Any, *, optional: bool = False) -> datetime | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or len(value) > 64:
            raise self.fail(where, "expected an ISO 8601 date-time string", "应为 ISO 8601 日期时间字符串")
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if dt.tzinfo is None or dt.utcoffset() is None:
                raise self.fail(where, "date-time without a time zone", "日期时间缺少时区")
            dt = dt.astimezone(timezone.utc)
        except ValueError:
            raise self.fail(where, f"not an ISO 8601 date-time: {value!r}",
                            f"不是 ISO 8601 日期时间：{value!r}") from None
        except OverflowError:  # year 1 or 9999 shifted to UTC
            dt = EARLIEST - timedelta(days=1)  # reported as out of range just below
        if not EARLIEST <= dt <= self.latest:
            raise self.fail(where, f"{value} is outside {EARLIEST.year}..{self.latest.year}",
                            f"{value} 不在 {EARLIEST.year} 到 {self.latest.year} 年之间")
        return dt

    @overload
    def int_(self, where: str, value: Any, *, lo: int, hi: int, optional: Literal[False] = False) -> int: ...
    @overload
    def int_(self, where: str, value: Any, *, lo: int, hi: int, optional: bool) -> int | None: ...
    def int_(self, where: str, value: Any, *, lo: int, hi: int, optional: bool = False) -> int | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, "expected a whole number", "应为整数")
        if not lo <= value <= hi:
            shown = value if abs(value) < 10**20 else ("a huge number" if value > 0 else "a huge negative number")
            raise self.fail(where, f"{shown} is out of range ({lo}..{hi})", f"{shown} 超出范围（{lo}..{hi}）")
        return value

    def num(self, where: str, value: Any, *, lo: float, hi: float, optional: bool = False) -> float | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(where, "expected a number", "应为数字")
        if isinstance(value, int) and abs(value) > 10**15:  # float() of a 400-digit int overflows
            raise self.fail(where, f"a huge number is out of range ({lo:g}..{hi:g})",
                            f"数值过大，超出范围（{lo:g}..{hi:g}）")
        x = float(value)
        if not math.isfinite(x):
            raise self.fail(where, f"{x} is not a finite number", f"{x} 不是有限数")
        if not lo <= x <= hi:
            raise self.fail(where, f"{x:g} is out of range ({lo:g}..{hi:g})", f"{x:g} 超出范围（{lo:g}..{hi:g}）")
        return x

    def text(self, where: str, value: Any, *, max_len: int, optional: bool = False) -> str | None:
        """Free text (an answer, a stored report): any characters SQLite and PostgreSQL store."""
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise self.fail(where, "expected a string", "应为字符串")
        if len(value) > max_len:
            raise self.fail(where, f"{len(value)} characters is too long (at most {max_len})",
                            f"长度 {len(value)} 个字符，过长（最多 {max_len}）")
        if "\x00" in value or not _encodable(value):  # NUL: PostgreSQL refuses it; lone surrogates: UTF-8 does
            raise self.fail(where, "contains a NUL or an invalid character", "包含 NUL 或无效字符")
        return value

    def id_(self, where: str, value: Any, *, max_len: int = MAX_ID) -> str:
        """An identifier: non-empty, bounded, printable (it may be shown in a terminal)."""
        if not isinstance(value, str) or not value or len(value) > max_len \
                or not value.isprintable() or not _encodable(value):
            raise self.fail(where, f"expected a non-empty printable string of at most {max_len} characters",
                            f"应为非空、可打印、最多 {max_len} 个字符的字符串")
        return value

    def bool_(self, where: str, value: Any, *, optional: bool = False) -> bool | None:
        if value is None and optional:
            return None
        if not isinstance(value, bool):
            raise self.fail(where, "expected true or false", "应为 true 或 false")
        return value

    def rows(self, data: dict, key: str) -> list[dict]:
        rows = data.get(key, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise self.fail(key, "expected a list of objects", "应为对象列表")
        return rows


def _encodable(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _depth_ok(value: Any, limit: int) -> bool:
    """Nesting no deeper than ``limit`` and only finite numbers (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if d > limit:
            return False
        if isinstance(v, float) and not math.isfinite(v):
            return False
        if isinstance(v, dict):
            stack += [(x, d + 1) for x in v.values()]
        elif isinstance(v, list):
            stack += [(x, d + 1) for x in v]
    return True


def _card(rd: _Reader, w: str, c: dict, bounds: tuple[float, float, float]) -> CardState:
    s_min, d_min, d_max = bounds
    state = rd.int_(f"{w}.state", c.get("state"), lo=1, hi=3)
    card = CardState(
        item_id=rd.id_(f"{w}.item_id", c.get("item_id")),
        state=state,
        step=rd.int_(f"{w}.step", c.get("step"), optional=True, lo=0, hi=MAX_STEP),
        stability=rd.num(f"{w}.stability", c.get("stability"), optional=True, lo=s_min, hi=STABILITY_MAX),
        difficulty=rd.num(f"{w}.difficulty", c.get("difficulty"), optional=True, lo=d_min, hi=d_max),
        due=rd.dt(f"{w}.due", c.get("due")),
        last_review=rd.dt(f"{w}.last_review", c.get("last_review"), optional=True),
        last_rating=rd.int_(f"{w}.last_rating", c.get("last_rating"), optional=True, lo=1, hi=4),
        reps=rd.int_(f"{w}.reps", c.get("reps", 0), lo=0, hi=MAX_COUNT),
        lapses=rd.int_(f"{w}.lapses", c.get("lapses", 0), lo=0, hi=MAX_COUNT),
    )
    # The shapes kb's scheduler produces (and fsrs asserts): a review card has no step,
    # a relearning card has one, and a card past learning has stability and difficulty.
    if (card.stability is None) != (card.difficulty is None):
        raise rd.fail(w, "stability and difficulty must both be set or both be null",
                      "stability 与 difficulty 必须同时有值或同时为 null")
    if state != 1 and card.stability is None:
        raise rd.fail(f"{w}.stability", "a review or relearning card needs stability and difficulty",
                      "复习或重新学习状态的卡片必须有 stability 和 difficulty")
    if state == 2 and card.step is not None:
        raise rd.fail(f"{w}.step", "a card in review has no learning step (null)",
                      "复习状态的卡片没有学习步骤（应为 null）")
    if state == 3 and card.step is None:
        raise rd.fail(f"{w}.step", "a relearning card needs its step", "重新学习状态的卡片需要 step")
    if card.lapses > card.reps:
        raise rd.fail(f"{w}.lapses", "more lapses than reviews", "遗忘次数多于复习次数")
    return card


def _dry_run(rd: _Reader, w: str, card: CardState, scheduler, now: datetime) -> None:
    """Answer the card with every rating, now and when it falls due, and read its
    retrievability: a state the scheduler cannot carry forward is refused here rather
    than failing on the learner's next answer."""
    from kb.progress.scheduling import apply_rating, retrievability

    try:
        for at in {now, max(card.due, now)}:
            r = retrievability(scheduler, card, at)
            if not (isinstance(r, float) and 0.0 <= r <= 1.0):
                raise ValueError(f"retrievability {r!r}")
            for rating in (1, 2, 3, 4):
                after = apply_rating(scheduler, card, card.item_id, rating, at)
                if not all(isinstance(x, float) and math.isfinite(x)
                           for x in (after.stability, after.difficulty)):
                    raise ValueError("non-finite result")
    except Exception as exc:  # noqa: BLE001 - whatever fsrs raises (AssertionError, ValueError, ...)
        why = type(exc).__name__ + (f": {str(exc).splitlines()[0][:200]}" if str(exc).strip() else "")
        raise rd.fail(w, f"the scheduler cannot use this card state ({why})",
                      f"调度器无法使用此卡片状态（{why}）") from None


def _parse(data: Any, source: str, *, now: datetime | None = None,
           desired_retention: float | None = None) -> dict[str, Any]:
    from kb.progress.scheduling import DEFAULT_RETENTION, make_scheduler
    from kb.stored_report import MAX_REPORT_CHARS

    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    rd = _Reader(source, now)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportFormatError(f"{source}: not a kb progress export (no \"format\": \"{FORMAT}\")",
                                f"{source}：不是 kb 进度导出文件（没有 \"format\": \"{FORMAT}\"）")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise rd.fail("version", "missing or not a positive whole number", "缺失或不是正整数")
    if version > VERSION:
        shown = version if version < 10**6 else "a huge number"
        raise ImportFormatError(
            f"{source} was exported by a newer kb (export format {shown}; this kb reads up to "
            f"{VERSION}). Upgrade kb to import it.",
            f"{source} 由更新版本的 kb 导出（导出格式 {shown}；此 kb 最高只能读取 {VERSION}）。"
            "请升级 kb 后再导入。",
        )
    bounds = _fsrs_bounds()
    scheduler = make_scheduler(desired_retention or DEFAULT_RETENTION, fuzz=False)
    cards = {}
    for i, c in enumerate(rd.rows(data, "cards")):
        w = f"cards[{i}]"
        card = _card(rd, w, c, bounds)
        _dry_run(rd, w, card, scheduler, now)
        cards[card.item_id] = card
    reviews = []
    for i, r in enumerate(rd.rows(data, "reviews")):
        w = f"reviews[{i}]"
        reviews.append(Review(
            uid=rd.id_(f"{w}.uid", r.get("uid"), max_len=64),
            item_id=rd.id_(f"{w}.item_id", r.get("item_id")),
            at=rd.dt(f"{w}.at", r.get("at")),
            rating=rd.int_(f"{w}.rating", r.get("rating"), lo=1, hi=4),
            state_before=rd.int_(f"{w}.state_before", r.get("state_before"), optional=True, lo=1, hi=3),
            correct=rd.bool_(f"{w}.correct", r.get("correct"), optional=True),
            answer=rd.text(f"{w}.answer", r.get("answer"), optional=True, max_len=MAX_ANSWER_CHARS),
            duration_ms=rd.int_(f"{w}.duration_ms", r.get("duration_ms"), optional=True, lo=0, hi=MAX_DURATION_MS),
        ))
    attempts = []
    for i, a in enumerate(rd.rows(data, "attempts")):
        w = f"attempts[{i}]"
        report = rd.text(f"{w}.report_json", a.get("report_json"), optional=True, max_len=MAX_REPORT_CHARS)
        if report is not None:
            try:
                ok = isinstance(json.loads(report, parse_constant=_no_constant), dict)
            except (ValueError, RecursionError):
                ok = False
            if not ok:
                raise rd.fail(f"{w}.report_json", "not a JSON object", "不是 JSON 对象")
        attempts.append({
            "uid": rd.id_(f"{w}.uid", a.get("uid"), max_len=64),
            "exercise_id": rd.id_(f"{w}.exercise_id", a.get("exercise_id")),
            "at": rd.dt(f"{w}.at", a.get("at")),
            "status": rd.id_(f"{w}.status", a.get("status"), max_len=32),
            "duration_s": rd.num(f"{w}.duration_s", a.get("duration_s"), lo=0.0, hi=MAX_DURATION_S),
            "hints_seen": rd.int_(f"{w}.hints_seen", a.get("hints_seen"), lo=0, hi=MAX_HINTS),
            "solution_shown": rd.bool_(f"{w}.solution_shown", a.get("solution_shown")),
            "report_json": report,
        })
    unlocks = []
    for i, u in enumerate(rd.rows(data, "unlocks")):
        w = f"unlocks[{i}]"
        unlocks.append({
            "exercise_id": rd.id_(f"{w}.exercise_id", u.get("exercise_id")),
            "hints_unlocked": rd.int_(f"{w}.hints_unlocked", u.get("hints_unlocked"), lo=0, hi=MAX_HINTS),
            "solution_unlocked": rd.bool_(f"{w}.solution_unlocked", u.get("solution_unlocked")),
            "updated_at": rd.dt(f"{w}.updated_at", u.get("updated_at")),
        })
    reads = []
    for i, r in enumerate(rd.rows(data, "reads")):
        w = f"reads[{i}]"
        reads.append({
            "entry_id": rd.id_(f"{w}.entry_id", r.get("entry_id")),
            "first_at": rd.dt(f"{w}.first_at", r.get("first_at")),
            "last_at": rd.dt(f"{w}.last_at", r.get("last_at")),
            "count": rd.int_(f"{w}.count", r.get("count", 1), lo=0, hi=MAX_COUNT),
        })
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise rd.fail("settings", "expected an object", "应为对象")
    if len(settings) > MAX_SETTINGS:
        raise rd.fail("settings", f"more than {MAX_SETTINGS} settings", f"设置项超过 {MAX_SETTINGS} 个")
    for key, value in settings.items():
        rd.id_(f"settings[{key[:40]!r}]", key, max_len=100)  # the key column is String(100)
        w = f"settings.{key}"
        try:
            ok = _depth_ok(value, MAX_SETTINGS_DEPTH)
            size = len(json.dumps(value, ensure_ascii=False).encode("utf-8")) if ok else 0
        except (ValueError, RecursionError, UnicodeEncodeError):
            ok, size = False, 0
        if not ok:
            raise rd.fail(w, "not a plain JSON value (too deep, NaN/infinity or invalid text)",
                          "不是普通 JSON 值（嵌套过深、NaN/无穷大或无效字符）")
        if size > MAX_SETTING_JSON:
            raise rd.fail(w, f"value too large ({size} bytes; at most {MAX_SETTING_JSON})",
                          f"值过大（{size} 字节；最多 {MAX_SETTING_JSON}）")
    return {"cards": cards, "reviews": reviews, "attempts": attempts, "unlocks": unlocks,
            "reads": reads, "settings": settings}


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# --- import -------------------------------------------------------------------------------------


def _chunks(seq: list, n: int = 500):
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def import_data(store, data: Any, *, source: str = "import") -> ImportResult:
    """Merge an export (already parsed from JSON) into the store, in one transaction.
    Every record is checked first; a file with one bad record writes nothing."""
    from sqlalchemy.exc import DBAPIError

    parsed = _parse(data, source, now=store.now(), desired_retention=store.desired_retention())
    try:
        return _merge(store, parsed, source)
    except DBAPIError as exc:
        raise store._error(exc) from exc


def _merge(store, parsed: dict[str, Any], source: str) -> ImportResult:
    from kb.progress.store import check_setting, review_row, set_card
    from kb.progress.scheduling import make_scheduler, replay

    res = ImportResult()
    file_cards: dict[str, CardState] = parsed["cards"]
    by_item: dict[str, list[Review]] = {}
    seen_uids: set[str] = set()
    for r in parsed["reviews"]:
        if r.uid in seen_uids:
            continue  # a duplicated line in the file itself
        seen_uids.add(r.uid)
        by_item.setdefault(r.item_id, []).append(r)
    scheduler = make_scheduler(store.desired_retention(), fuzz=False)
    me = store.learner

    with store._write() as s:
        # local review uids of every item the file talks about
        items = sorted(set(file_cards) | set(by_item))
        local_uids: dict[str, set[str]] = {i: set() for i in items}
        for chunk in _chunks(items):
            q = select(ReviewRow.uid, ReviewRow.item_id).where(ReviewRow.learner == me, ReviewRow.item_id.in_(chunk))
            for uid, item_id in s.execute(q):
                local_uids[item_id].add(uid)
        # uids present locally under any item (a uid is unique per learner)
        all_file_uids = list(seen_uids)
        present: set[str] = set()
        for chunk in _chunks(all_file_uids):
            present.update(s.scalars(select(ReviewRow.uid).where(ReviewRow.learner == me, ReviewRow.uid.in_(chunk))))

        new_reviews: list[Review] = []
        for item_id in items:
            row = s.get(CardRow, (me, item_id), with_for_update=True)
            mine = local_uids[item_id]
            theirs = by_item.get(item_id, [])
            fresh = [r for r in theirs if r.uid not in present]
            res.reviews_skipped += len(theirs) - len(fresh)
            new_reviews += fresh
            file_card = file_cards.get(item_id)
            if row is None:
                card = file_card
                if card is None and theirs:  # a log without its card: rebuild the card
                    card = replay(scheduler, item_id, [(r.at, r.rating) for r in theirs])
                if card is None:
                    continue
                row = CardRow(learner=me, item_id=item_id)
                set_card(row, card)
                s.add(row)
                res.cards_added += 1
            elif not fresh:
                continue  # nothing new about this item
            elif mine <= {r.uid for r in theirs} and file_card is not None:
                set_card(row, file_card)
                res.cards_updated += 1
            else:
                local = s.execute(select(ReviewRow.at, ReviewRow.rating)
                                  .where(ReviewRow.learner == me, ReviewRow.item_id == item_id)).all()
                merged = [(at, rating) for at, rating in local] + [(r.at, r.rating) for r in fresh]
                replayed = replay(scheduler, item_id, merged)
                assert replayed is not None  # ``fresh`` holds at least one review
                set_card(row, replayed)
                res.cards_replayed += 1
        s.flush()  # cards exist before the log rows that refer to them
        for r in new_reviews:
            if r.item_id not in file_cards and s.get(CardRow, (me, r.item_id)) is None:  # pragma: no cover
                raise ImportFormatError(f"{source}: review {r.uid} refers to an item with no card")
            s.add(review_row(r, me))
        res.reviews_added = len(new_reviews)

        attempt_uids = [a["uid"] for a in parsed["attempts"]]
        have: set[str] = set()
        for chunk in _chunks(attempt_uids):
            have.update(s.scalars(select(AttemptRow.uid).where(AttemptRow.learner == me, AttemptRow.uid.in_(chunk))))
        for a in parsed["attempts"]:
            if a["uid"] in have:
                res.attempts_skipped += 1
                continue
            have.add(a["uid"])
            s.add(AttemptRow(learner=me, **a))
            res.attempts_added += 1

        for u in parsed["unlocks"]:
            row = s.get(UnlockRow, (me, u["exercise_id"]), with_for_update=True)
            if row is None:
                s.add(UnlockRow(learner=me, **u))
            else:
                row.hints_unlocked = max(row.hints_unlocked, u["hints_unlocked"])
                row.solution_unlocked = bool(row.solution_unlocked or u["solution_unlocked"])
                row.updated_at = max(row.updated_at, u["updated_at"])
            res.unlocks_merged += 1

        for r in parsed["reads"]:
            row = s.get(ReadRow, (me, r["entry_id"]), with_for_update=True)
            if row is None:
                s.add(ReadRow(learner=me, **r))
            else:
                row.first_at = min(row.first_at, r["first_at"])
                row.last_at = max(row.last_at, r["last_at"])
                row.count = max(row.count, r["count"])
            res.reads_merged += 1

        for key, value in parsed["settings"].items():
            if not isinstance(key, str) or s.get(SettingRow, (me, key)) is not None:
                continue
            try:
                value = check_setting(key, value)
            except ValueError:
                continue  # a setting this kb would refuse: keep ours (the default)
            store._put_setting(s, key, value)
            res.settings_added += 1
    return res


def import_file(store, path: str | os.PathLike) -> ImportResult:
    p = Path(path)
    try:
        with p.open("rb") as fh:  # bounded: the path may be a pipe or /dev/zero
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ImportFormatError(f"cannot read {p}: {reason}", f"无法读取 {p}：{reason}") from None
    if len(raw) > MAX_FILE_BYTES:
        mb = MAX_FILE_BYTES // (1024 * 1024)
        raise ImportFormatError(f"{p}: larger than {mb} MB, not a kb progress export",
                                f"{p}：超过 {mb} MB，不是 kb 进度导出文件")
    try:
        # NaN/Infinity parse as floats so that the field check names where they are
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{p}: not a JSON file (not UTF-8: {exc.reason})",
                                f"{p}：不是 JSON 文件（不是 UTF-8 编码：{exc.reason}）") from None
    except RecursionError:
        raise ImportFormatError(f"{p}: not a JSON file this kb reads (nested too deeply)",
                                f"{p}：无法读取的 JSON 文件（嵌套过深）") from None
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"{p}: not a JSON file ({exc})", f"{p}：不是 JSON 文件（{exc}）") from None
    except ValueError:  # Python refuses to convert an integer of thousands of digits
        raise ImportFormatError(f"{p}: not a kb progress export (a number with thousands of digits)",
                                f"{p}：不是 kb 进度导出文件（含有数千位的数字）") from None
    return import_data(store, data, source=str(p))
