"""The figures of ``kb progress`` (and of the TUI's progress screen), as plain data.

Every function takes the store and an optional ``now`` (UTC) and returns dicts, lists,
numbers and ISO strings only, so that ``kb progress --json`` is ``json.dumps`` of
:func:`summary` and the TUI draws the same numbers. Days are counted in ``tz`` (the
learner's local zone when a front end passes it; UTC by default). Aggregation happens
here in Python over narrow, indexed queries: no dialect-specific date SQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from kb.progress.records import REVIEW

MATURE_DAYS = 21.0  # Anki's "mature": stability of three weeks or more


def _day_start(d: date, tz: tzinfo) -> datetime:
    return datetime.combine(d, time(0), tzinfo=tz).astimezone(timezone.utc)


def due_now(store, now: datetime | None = None, *, item_ids: Collection[str] | None = None) -> int:
    now = store.now(now)
    return len(store.due_items(now, item_ids=item_ids))


def forecast(
    store,
    now: datetime | None = None,
    *,
    days: int = 14,
    tz: tzinfo = timezone.utc,
    item_ids: Collection[str] | None = None,
) -> list[dict]:
    """Cards falling due on each of the next ``days`` days; today includes the
    overdue ones. ``[{"date": "2025-03-01", "due": 12}, ...]``."""
    now = store.now(now)
    today = now.astimezone(tz).date()
    until = _day_start(today + timedelta(days=days), tz)
    wanted = set(item_ids) if item_ids is not None else None
    counts: Counter[int] = Counter()
    for item_id, due in store.due_times(until):
        if wanted is not None and item_id not in wanted:
            continue
        offset = (due.astimezone(tz).date() - today).days
        counts[max(0, offset)] += 1
    return [{"date": (today + timedelta(days=i)).isoformat(), "due": counts[i]} for i in range(days)]


def retention(store, now: datetime | None = None, *, window_days: int = 30) -> dict:
    """True retention next to the desired one.

    True retention is Anki's: among reviews of items that were in the review state (not
    new, not learning), the share not answered Again. ``accuracy`` is the share of
    graded answers that were right (all states). ``None`` where nothing was measured.
    """
    now = store.now(now)

    def measure(rows) -> dict:
        mature = [r for r in rows if r[0] == REVIEW]
        passed = sum(1 for r in mature if r[1] > 1)
        graded = [r for r in rows if r[2] is not None]
        right = sum(1 for r in graded if r[2])
        return {
            "reviews": len(mature),
            "passed": passed,
            "true_retention": passed / len(mature) if mature else None,
            "answers": len(graded),
            "accuracy": right / len(graded) if graded else None,
        }

    all_rows = store.review_outcomes()
    window = store.review_outcomes(since=now - timedelta(days=window_days))
    return {
        "desired": store.desired_retention(),
        "window_days": window_days,
        "recent": measure(window),
        "all_time": measure(all_rows),
    }


def reviews_per_day(
    store, now: datetime | None = None, *, days: int = 365, tz: tzinfo = timezone.utc
) -> list[dict]:
    """Reviews on each of the last ``days`` days, today last (heatmap data):
    ``[{"date": ..., "reviews": n}, ...]`` with zero days included."""
    now = store.now(now)
    today = now.astimezone(tz).date()
    first = today - timedelta(days=days - 1)
    counts = Counter(t.astimezone(tz).date() for t in store.review_times(_day_start(first, tz)))
    return [{"date": (first + timedelta(days=i)).isoformat(), "reviews": counts[first + timedelta(days=i)]}
            for i in range(days)]


def streak(per_day: list[dict]) -> int:
    """Consecutive days with reviews ending today (or yesterday, if none yet today)."""
    counts = [d["reviews"] for d in per_day]
    if counts and counts[-1] == 0:
        counts = counts[:-1]
    n = 0
    for c in reversed(counts):
        if c == 0:
            break
        n += 1
    return n


def mastery_by_tag(
    store, items_by_tag: Mapping[str, Collection[str]], now: datetime | None = None
) -> list[dict]:
    """For each tag: its items, how many were seen, how many are mature (stability of
    21 days or more), and mastery = mean recall probability now over all its items
    (never-seen items count 0). Sorted by tag."""
    from kb.progress.scheduling import make_scheduler, retrievability

    now = store.now(now)
    scheduler = make_scheduler(store.desired_retention(), fuzz=False)
    every = {i for ids in items_by_tag.values() for i in ids}
    cards = store.cards(every) if every else {}
    recall = {i: retrievability(scheduler, c, now) for i, c in cards.items()}
    out = []
    for tag in sorted(items_by_tag):
        ids = set(items_by_tag[tag])
        seen = [cards[i] for i in ids if i in cards]
        out.append({
            "tag": tag,
            "items": len(ids),
            "seen": len(seen),
            "mature": sum(1 for c in seen if (c.stability or 0) >= MATURE_DAYS),
            "mastery": (sum(recall.get(i, 0.0) for i in ids) / len(ids)) if ids else 0.0,
        })
    return out


def exercises(store, exercise_ids: Collection[str] | None = None) -> dict:
    """Exercises passed (of those in the content, when ``exercise_ids`` is given)."""
    statuses = store.exercise_statuses()
    if exercise_ids is not None:
        known = set(exercise_ids)
        statuses = {k: v for k, v in statuses.items() if k in known}
    passed = sorted(k for k, v in statuses.items() if v == "passed")
    return {
        "passed": len(passed),
        "attempted": len(statuses),
        "total": len(set(exercise_ids)) if exercise_ids is not None else None,
        "passed_ids": passed,
    }


def summary(
    store,
    now: datetime | None = None,
    *,
    tz: tzinfo = timezone.utc,
    item_ids: Collection[str] | None = None,
    items_by_tag: Mapping[str, Collection[str]] | None = None,
    exercise_ids: Collection[str] | None = None,
) -> dict[str, Any]:
    """Everything ``kb progress`` shows, as JSON-ready data."""
    now = store.now(now)
    per_day = reviews_per_day(store, now, tz=tz)
    total_items = len(set(item_ids)) if item_ids is not None else None
    cards = store.cards(item_ids) if item_ids is not None else store.cards()
    return {
        "now": now.isoformat(),
        "due_now": due_now(store, now, item_ids=item_ids),
        "items": {"total": total_items, "seen": len(cards),
                  "new": (total_items - len(cards)) if total_items is not None else None},
        "forecast": forecast(store, now, tz=tz, item_ids=item_ids),
        "retention": retention(store, now),
        "reviews_per_day": per_day,
        "reviews_last_year": sum(d["reviews"] for d in per_day),
        "streak_days": streak(per_day),
        "mastery_by_tag": mastery_by_tag(store, items_by_tag or {}, now),
        "exercises": exercises(store, exercise_ids),
    }


def catalog_scope(catalog) -> dict[str, Any]:
    """What the figures are measured against, from the content: the quiz item ids, the
    items of each tag, the exercise ids. Pass as keyword arguments to :func:`summary`.

    An item carries its quiz's tags and the tags of the concepts it tests (as
    ``Catalog.quiz_items(tag=...)`` selects them), computed from one listing rather
    than one query per tag."""
    pairs = catalog.quiz_items()
    tags_of = {s.id: tuple(s.tags) for s in catalog.list()}
    item_ids: list[str] = []
    seen: set[str] = set()
    items_by_tag: dict[str, list[str]] = {}
    for quiz_id, item in pairs:
        if item.id in seen:
            continue
        seen.add(item.id)
        item_ids.append(item.id)
        tags = set(tags_of.get(quiz_id, ()))
        for concept in item.concepts:
            tags.update(tags_of.get(concept, ()))
        for tag in tags:
            items_by_tag.setdefault(tag, []).append(item.id)
    exercise_ids = [s.id for s in catalog.list(kind="exercise")]
    return {"item_ids": item_ids, "items_by_tag": items_by_tag, "exercise_ids": exercise_ids}
