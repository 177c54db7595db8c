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
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kb.progress.errors import ProgressStoreError
from kb.progress.models import HEAD, AttemptRow, CardRow, ReadRow, ReviewRow, SettingRow, UnlockRow
from kb.progress.records import CardState, Review

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
    with store._read() as s:
        cards = [
            {"item_id": c.item_id, "state": c.state, "step": c.step, "stability": c.stability,
             "difficulty": c.difficulty, "due": _iso(c.due), "last_review": _iso(c.last_review),
             "last_rating": c.last_rating, "reps": c.reps, "lapses": c.lapses}
            for c in s.scalars(select(CardRow).order_by(CardRow.item_id))
        ]
        reviews = [
            {"uid": r.uid, "item_id": r.item_id, "at": _iso(r.at), "rating": r.rating,
             "state_before": r.state_before, "correct": r.correct, "answer": r.answer,
             "duration_ms": r.duration_ms}
            for r in s.scalars(select(ReviewRow).order_by(ReviewRow.at, ReviewRow.id))
        ]
        attempts = [
            {"uid": a.uid, "exercise_id": a.exercise_id, "at": _iso(a.at), "status": a.status,
             "duration_s": a.duration_s, "hints_seen": a.hints_seen,
             "solution_shown": bool(a.solution_shown), "report_json": a.report_json}
            for a in s.scalars(select(AttemptRow).order_by(AttemptRow.at, AttemptRow.id))
        ]
        unlocks = [
            {"exercise_id": u.exercise_id, "hints_unlocked": u.hints_unlocked,
             "solution_unlocked": bool(u.solution_unlocked), "updated_at": _iso(u.updated_at)}
            for u in s.scalars(select(UnlockRow).order_by(UnlockRow.exercise_id))
        ]
        settings = {r.key: json.loads(r.value_json) for r in s.scalars(select(SettingRow).order_by(SettingRow.key))}
        reads = [
            {"entry_id": r.entry_id, "first_at": _iso(r.first_at), "last_at": _iso(r.last_at), "count": r.count}
            for r in s.scalars(select(ReadRow).order_by(ReadRow.entry_id))
        ]
    from kb import __version__

    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(store.now()),
        "kb_version": __version__,
        "schema_revision": HEAD,
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


class _Reader:
    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, message: str) -> ImportFormatError:
        return ImportFormatError(f"{self.source}: {where}: {message}")

    def dt(self, where: str, value: Any, *, optional: bool = False) -> datetime | None:
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise self.fail(where, "expected an ISO 8601 date-time string")
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail(where, f"not an ISO 8601 date-time: {value!r}") from None
        if dt.tzinfo is None:
            raise self.fail(where, "date-time without a time zone")
        return dt.astimezone(timezone.utc)

    def int_(self, where: str, value: Any, *, optional: bool = False, lo: int | None = None,
             hi: int | None = None) -> int | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, "expected a whole number")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise self.fail(where, f"{value} is out of range")
        return value

    def num(self, where: str, value: Any, *, optional: bool = False) -> float | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(where, "expected a number")
        return float(value)

    def str_(self, where: str, value: Any, *, optional: bool = False, max_len: int = 200) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value or len(value) > max_len:
            raise self.fail(where, f"expected a non-empty string of at most {max_len} characters")
        return value

    def bool_(self, where: str, value: Any, *, optional: bool = False) -> bool | None:
        if value is None and optional:
            return None
        if not isinstance(value, bool):
            raise self.fail(where, "expected true or false")
        return value

    def rows(self, data: dict, key: str) -> list[dict]:
        rows = data.get(key, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise self.fail(key, "expected a list of objects")
        return rows


def _parse(data: Any, source: str) -> dict[str, Any]:
    rd = _Reader(source)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportFormatError(f"{source}: not a kb progress export (no \"format\": \"{FORMAT}\")")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise rd.fail("version", "missing or not a whole number")
    if version > VERSION:
        raise ImportFormatError(
            f"{source} was exported by a newer kb (export format {version}; this kb reads up to "
            f"{VERSION}). Upgrade kb to import it."
        )
    cards = {}
    for i, c in enumerate(rd.rows(data, "cards")):
        w = f"cards[{i}]"
        state = CardState(
            item_id=rd.str_(f"{w}.item_id", c.get("item_id")),
            state=rd.int_(f"{w}.state", c.get("state"), lo=1, hi=3),
            step=rd.int_(f"{w}.step", c.get("step"), optional=True, lo=0),
            stability=rd.num(f"{w}.stability", c.get("stability"), optional=True),
            difficulty=rd.num(f"{w}.difficulty", c.get("difficulty"), optional=True),
            due=rd.dt(f"{w}.due", c.get("due")),
            last_review=rd.dt(f"{w}.last_review", c.get("last_review"), optional=True),
            last_rating=rd.int_(f"{w}.last_rating", c.get("last_rating"), optional=True, lo=1, hi=4),
            reps=rd.int_(f"{w}.reps", c.get("reps", 0), lo=0),
            lapses=rd.int_(f"{w}.lapses", c.get("lapses", 0), lo=0),
        )
        cards[state.item_id] = state
    reviews = []
    for i, r in enumerate(rd.rows(data, "reviews")):
        w = f"reviews[{i}]"
        reviews.append(Review(
            uid=rd.str_(f"{w}.uid", r.get("uid"), max_len=64),
            item_id=rd.str_(f"{w}.item_id", r.get("item_id")),
            at=rd.dt(f"{w}.at", r.get("at")),
            rating=rd.int_(f"{w}.rating", r.get("rating"), lo=1, hi=4),
            state_before=rd.int_(f"{w}.state_before", r.get("state_before"), optional=True, lo=1, hi=3),
            correct=rd.bool_(f"{w}.correct", r.get("correct"), optional=True),
            answer=r.get("answer") if isinstance(r.get("answer"), str) else None,
            duration_ms=rd.int_(f"{w}.duration_ms", r.get("duration_ms"), optional=True, lo=0),
        ))
    attempts = []
    for i, a in enumerate(rd.rows(data, "attempts")):
        w = f"attempts[{i}]"
        attempts.append({
            "uid": rd.str_(f"{w}.uid", a.get("uid"), max_len=64),
            "exercise_id": rd.str_(f"{w}.exercise_id", a.get("exercise_id")),
            "at": rd.dt(f"{w}.at", a.get("at")),
            "status": rd.str_(f"{w}.status", a.get("status"), max_len=32),
            "duration_s": rd.num(f"{w}.duration_s", a.get("duration_s")),
            "hints_seen": rd.int_(f"{w}.hints_seen", a.get("hints_seen"), lo=0),
            "solution_shown": rd.bool_(f"{w}.solution_shown", a.get("solution_shown")),
            "report_json": a.get("report_json") if isinstance(a.get("report_json"), str) else None,
        })
    unlocks = []
    for i, u in enumerate(rd.rows(data, "unlocks")):
        w = f"unlocks[{i}]"
        unlocks.append({
            "exercise_id": rd.str_(f"{w}.exercise_id", u.get("exercise_id")),
            "hints_unlocked": rd.int_(f"{w}.hints_unlocked", u.get("hints_unlocked"), lo=0),
            "solution_unlocked": rd.bool_(f"{w}.solution_unlocked", u.get("solution_unlocked")),
            "updated_at": rd.dt(f"{w}.updated_at", u.get("updated_at")),
        })
    reads = []
    for i, r in enumerate(rd.rows(data, "reads")):
        w = f"reads[{i}]"
        reads.append({
            "entry_id": rd.str_(f"{w}.entry_id", r.get("entry_id")),
            "first_at": rd.dt(f"{w}.first_at", r.get("first_at")),
            "last_at": rd.dt(f"{w}.last_at", r.get("last_at")),
            "count": rd.int_(f"{w}.count", r.get("count", 1), lo=0),
        })
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise rd.fail("settings", "expected an object")
    return {"cards": cards, "reviews": reviews, "attempts": attempts, "unlocks": unlocks,
            "reads": reads, "settings": settings}


# --- import -------------------------------------------------------------------------------------


def _chunks(seq: list, n: int = 500):
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def import_data(store, data: Any, *, source: str = "import") -> ImportResult:
    """Merge an export (already parsed from JSON) into the store, in one transaction."""
    from sqlalchemy.exc import DBAPIError

    parsed = _parse(data, source)
    try:
        return _merge(store, parsed, source)
    except DBAPIError as exc:
        raise store._error(exc) from exc


def _merge(store, parsed: dict[str, Any], source: str) -> ImportResult:
    from kb.progress.store import _check_setting, _review_row, _set_card
    from kb.quiz.scheduling import make_scheduler, replay

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

    with store._write() as s:
        # local review uids of every item the file talks about
        items = sorted(set(file_cards) | set(by_item))
        local_uids: dict[str, set[str]] = {i: set() for i in items}
        for chunk in _chunks(items):
            for uid, item_id in s.execute(select(ReviewRow.uid, ReviewRow.item_id).where(ReviewRow.item_id.in_(chunk))):
                local_uids[item_id].add(uid)
        # uids present locally under any item (a uid is global)
        all_file_uids = list(seen_uids)
        present: set[str] = set()
        for chunk in _chunks(all_file_uids):
            present.update(s.scalars(select(ReviewRow.uid).where(ReviewRow.uid.in_(chunk))))

        new_reviews: list[Review] = []
        for item_id in items:
            row = s.get(CardRow, item_id, with_for_update=True)
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
                row = CardRow(item_id=item_id)
                _set_card(row, card)
                s.add(row)
                res.cards_added += 1
            elif not fresh:
                continue  # nothing new about this item
            elif mine <= {r.uid for r in theirs} and file_card is not None:
                _set_card(row, file_card)
                res.cards_updated += 1
            else:
                local = s.execute(select(ReviewRow.at, ReviewRow.rating).where(ReviewRow.item_id == item_id)).all()
                merged = [(at, rating) for at, rating in local] + [(r.at, r.rating) for r in fresh]
                _set_card(row, replay(scheduler, item_id, merged))
                res.cards_replayed += 1
        s.flush()  # cards exist before the log rows that refer to them
        for r in new_reviews:
            if r.item_id not in file_cards and s.get(CardRow, r.item_id) is None:  # pragma: no cover
                raise ImportFormatError(f"{source}: review {r.uid} refers to an item with no card")
            s.add(_review_row(r))
        res.reviews_added = len(new_reviews)

        attempt_uids = [a["uid"] for a in parsed["attempts"]]
        have: set[str] = set()
        for chunk in _chunks(attempt_uids):
            have.update(s.scalars(select(AttemptRow.uid).where(AttemptRow.uid.in_(chunk))))
        for a in parsed["attempts"]:
            if a["uid"] in have:
                res.attempts_skipped += 1
                continue
            have.add(a["uid"])
            s.add(AttemptRow(**a))
            res.attempts_added += 1

        for u in parsed["unlocks"]:
            row = s.get(UnlockRow, u["exercise_id"], with_for_update=True)
            if row is None:
                s.add(UnlockRow(**u))
            else:
                row.hints_unlocked = max(row.hints_unlocked, u["hints_unlocked"])
                row.solution_unlocked = bool(row.solution_unlocked or u["solution_unlocked"])
                row.updated_at = max(row.updated_at, u["updated_at"])
            res.unlocks_merged += 1

        for r in parsed["reads"]:
            row = s.get(ReadRow, r["entry_id"], with_for_update=True)
            if row is None:
                s.add(ReadRow(**r))
            else:
                row.first_at = min(row.first_at, r["first_at"])
                row.last_at = max(row.last_at, r["last_at"])
                row.count = max(row.count, r["count"])
            res.reads_merged += 1

        for key, value in parsed["settings"].items():
            if not isinstance(key, str) or s.get(SettingRow, key) is not None:
                continue
            try:
                value = _check_setting(key, value)
            except ValueError:
                continue  # a setting this kb would refuse: keep ours (the default)
            store._put_setting(s, key, value)
            res.settings_added += 1
    return res


def import_file(store, path: str | os.PathLike) -> ImportResult:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ImportFormatError(f"cannot read {p}: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFormatError(f"{p}: not a JSON file ({exc})") from None
    return import_data(store, data, source=str(p))
