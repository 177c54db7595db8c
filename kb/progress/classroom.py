"""The class report (``kb class report``), as plain data: every learner of a shared
store side by side, and where the class is stuck.

Per learner: exercises passed, reviews in the last 7 days, true retention (as ``kb
progress`` measures it, :func:`kb.progress.stats.retention`: recent window and all
time), mastery per tag (:func:`kb.progress.stats.mastery_by_tag`) and when they were
last active. Per exercise: how many learners passed it, how many tried, and the most
common first failing check among the learners who failed it (from the stored check
reports), i.e. where the class is stuck.

Each learner's figures come from :meth:`ProgressStore.as_learner`, so they are the very
numbers that learner's own ``kb progress`` shows. The class-wide queries here are
narrow (a learner column, a time, a status) and dialect-neutral.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from kb.progress import stats
from kb.progress.models import AttemptRow, ReadRow, ReviewRow

RECENT_DAYS = 7


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


def first_failing_check(report_json: str | None) -> str | None:
    """The name of the first check that did not pass in a stored report, or None (no
    report, unreadable, or the run failed before any check: see the report's status)."""
    from kb.stored_report import read_stored_report

    report = read_stored_report(report_json)
    if report is None:
        return None
    for check in report.checks:
        if check.status != "pass":
            return check.name
    return None


def _last_active(store) -> dict[str, datetime]:
    """The latest review, attempt or read of every learner."""
    latest: dict[str, datetime] = {}
    queries = (
        select(ReviewRow.learner, func.max(ReviewRow.at)).group_by(ReviewRow.learner),
        select(AttemptRow.learner, func.max(AttemptRow.at)).group_by(AttemptRow.learner),
        select(ReadRow.learner, func.max(ReadRow.last_at)).group_by(ReadRow.learner),
    )
    with store._read() as s:
        for q in queries:
            for learner, at in s.execute(q):  # max() keeps the column's type: aware UTC
                if at is None:
                    continue
                if learner not in latest or at > latest[learner]:
                    latest[learner] = at
    return latest


def _recent_reviews(store, since: datetime) -> Counter[str]:
    q = select(ReviewRow.learner, func.count()).where(ReviewRow.at >= since).group_by(ReviewRow.learner)
    with store._read() as s:
        return Counter({learner: n for learner, n in s.execute(q)})


def _exercises(store, exercise_ids: Collection[str] | None) -> list[dict]:
    """Per exercise: learners who passed, who tried, and the first failing checks of the
    learners who have not passed it yet (each learner counted once per check)."""
    known = set(exercise_ids) if exercise_ids is not None else None
    passed: dict[str, set[str]] = defaultdict(set)
    tried: dict[str, set[str]] = defaultdict(set)
    with store._read() as s:
        for learner, exercise_id, status in s.execute(
                select(AttemptRow.learner, AttemptRow.exercise_id, AttemptRow.status).distinct()):
            if known is not None and exercise_id not in known:
                continue
            tried[exercise_id].add(learner)
            if status == "pass":
                passed[exercise_id].add(learner)
        failing = (select(AttemptRow.learner, AttemptRow.exercise_id, AttemptRow.status, AttemptRow.report_json)
                   .where(AttemptRow.status != "pass").execution_options(yield_per=500))
        stuck: dict[str, dict[tuple[str, str], set[str]]] = defaultdict(lambda: defaultdict(set))
        for learner, exercise_id, status, report_json in s.execute(failing):
            if exercise_id not in tried or learner in passed[exercise_id]:
                continue  # not in the content, or they got past it since
            check = first_failing_check(report_json)
            key = ("check", check) if check is not None else ("status", status)
            stuck[exercise_id][key].add(learner)
    ids = list(exercise_ids) if exercise_ids is not None else sorted(tried)
    out = []
    for exercise_id in ids:
        where = stuck.get(exercise_id, {})
        top = max(where.items(), key=lambda kv: (len(kv[1]), kv[0][0] == "check", kv[0][1]), default=None)
        out.append({
            "exercise": exercise_id,
            "passed": len(passed.get(exercise_id, ())),
            "attempted": len(tried.get(exercise_id, ())),
            "stuck_learners": len({n for names in where.values() for n in names}),
            "stuck_on": None if top is None else {
                "check": top[0][1] if top[0][0] == "check" else None,
                "status": top[0][1] if top[0][0] == "status" else None,
                "learners": len(top[1]),
            },
        })
    return out


def class_report(
    store,
    now: datetime | None = None,
    *,
    items_by_tag: Mapping[str, Collection[str]] | None = None,
    exercise_ids: Collection[str] | None = None,
    learners: Collection[str] | None = None,
) -> dict[str, Any]:
    """Everything ``kb class report`` shows, as JSON-ready data. ``items_by_tag`` and
    ``exercise_ids`` come from the content (:func:`kb.progress.stats.catalog_scope`)."""
    now = store.now(now)
    names = sorted(learners) if learners is not None else store.learners()
    recent = _recent_reviews(store, now - timedelta(days=RECENT_DAYS))
    active = _last_active(store)
    rows = []
    for name in names:
        me = store.as_learner(name)
        ret = stats.retention(me, now)
        ex = stats.exercises(me, exercise_ids)
        mastery = stats.mastery_by_tag(me, items_by_tag or {}, now)
        rows.append({
            "learner": name,
            "exercises_passed": ex["passed"],
            "exercises_attempted": ex["attempted"],
            "exercises_total": ex["total"],
            "reviews_7d": recent.get(name, 0),
            "true_retention": ret["recent"]["true_retention"],
            "true_retention_all_time": ret["all_time"]["true_retention"],
            "retention_window_days": ret["window_days"],
            "desired_retention": ret["desired"],
            "mastery_by_tag": {m["tag"]: round(m["mastery"], 4) for m in mastery},
            "last_active": _iso(active.get(name)),
        })
    tags = sorted(items_by_tag or {})
    class_mastery = [
        {"tag": t, "mastery": (sum(r["mastery_by_tag"][t] for r in rows) / len(rows)) if rows else None}
        for t in tags
    ]
    return {
        "now": now.isoformat(),
        "recent_days": RECENT_DAYS,
        "learners": rows,
        "exercises": _exercises(store, exercise_ids),
        "mastery_by_tag": class_mastery,
    }


def learner_csv_rows(report: dict) -> tuple[list[str], list[list[Any]]]:
    """The per-learner table as CSV header and rows (one column per tag)."""
    tags = [m["tag"] for m in report["mastery_by_tag"]]
    header = ["learner", "exercises_passed", "exercises_attempted", "reviews_7d", "true_retention",
              "true_retention_all_time", "last_active"] + [f"mastery:{t}" for t in tags]
    rows = []
    for r in report["learners"]:
        rows.append([r["learner"], r["exercises_passed"], r["exercises_attempted"], r["reviews_7d"],
                     "" if r["true_retention"] is None else round(r["true_retention"], 4),
                     "" if r["true_retention_all_time"] is None else round(r["true_retention_all_time"], 4),
                     r["last_active"] or ""] + [r["mastery_by_tag"].get(t, "") for t in tags])
    return header, rows
