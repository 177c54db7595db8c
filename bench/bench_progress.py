"""Time to pick the next due quiz item, as a ratio to a single indexed lookup.

A progress store with 10,000 cards and 200,000 review-log rows (a heavy year of study)
is built in a temporary KB_HOME. Then, interleaved in one run so that machine noise
hits both sides alike, we time:

* next due       ``store.next_due(now)``: walk the ``due`` index to the most overdue card;
* next due (scoped)  the same restricted to the 10,000 item ids the content has
  (what a session does, so that cards of vanished items are skipped);
* session queue  ``build_queue`` over 10,000 items (all cards loaded) for reference;
* baseline       ``store.card(item_id)``: one primary-key lookup through the same API.

Each figure is the median of many calls; the printed ratios are what to compare
across runs (absolute times are not comparable across machines).

    python bench/bench_progress.py [--cards 10000] [--reviews 200000] [--repeat 300]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def build(store, n_cards: int, n_reviews: int, now: datetime, rng: random.Random) -> list[str]:
    from kb.progress.models import CardRow, ReviewRow

    ids = [f"item-{i:05d}" for i in range(n_cards)]
    cards = []
    for item_id in ids:
        # ~8% overdue, the rest due over the next 90 days
        offset = rng.uniform(-5, 0) if rng.random() < 0.08 else rng.uniform(0, 90)
        last = now - timedelta(days=rng.uniform(1, 60))
        cards.append({"learner": store.learner, "item_id": item_id, "state": 2, "step": None, "stability": rng.uniform(1, 200),
                      "difficulty": rng.uniform(1, 10), "due": now + timedelta(days=offset),
                      "last_review": last, "last_rating": 3, "reps": 20, "lapses": 1})
    reviews = []
    for _ in range(n_reviews):
        reviews.append({"learner": store.learner, "uid": uuid.uuid4().hex, "item_id": rng.choice(ids),
                        "at": now - timedelta(days=rng.uniform(0, 365)), "rating": rng.choice((1, 3, 3, 3, 4)),
                        "state_before": 2, "correct": True, "answer": "B", "duration_ms": 4000})
    with store._writer.begin() as conn:
        conn.execute(CardRow.__table__.insert(), cards)
        for i in range(0, len(reviews), 20_000):
            conn.execute(ReviewRow.__table__.insert(), reviews[i : i + 20_000])
    return ids


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=10_000)
    ap.add_argument("--reviews", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=300)
    opts = ap.parse_args()

    with tempfile.TemporaryDirectory() as home:
        os.environ["KB_HOME"] = home
        os.environ.pop("KB_DATABASE_URL", None)
        from kb.progress import open_store
        from kb.quiz.session import build_queue

        now = datetime(2025, 6, 1, 12, tzinfo=timezone.utc)
        rng = random.Random(0)
        store = open_store(clock=lambda: now)
        t = time.perf_counter()
        ids = build(store, opts.cards, opts.reviews, now, rng)
        built = time.perf_counter() - t
        scope = frozenset(ids)

        class _Item:
            def __init__(self, i):
                self.id = i

        items = [("quiz", _Item(i)) for i in ids]

        def baseline():
            store.card(rng.choice(ids))

        def next_due():
            assert store.next_due(now) is not None

        def next_due_scoped():
            assert store.next_due(now, item_ids=scope) is not None

        def session_queue():
            build_queue(items, store.cards(), now, new_limit=10)

        cases = {"baseline": baseline, "next_due": next_due, "next_due_scoped": next_due_scoped}
        for fn in cases.values():  # warm caches and the statement cache
            for _ in range(20):
                fn()
        times: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(opts.repeat):
            for name, fn in cases.items():  # interleaved: noise hits every case alike
                t = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t)
        queue_times = []
        for _ in range(max(3, opts.repeat // 60)):
            t = time.perf_counter()
            session_queue()
            queue_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            baseline()
            times["baseline"].append(time.perf_counter() - t)

        med = {k: statistics.median(v) for k, v in times.items()}
        med["session_queue"] = statistics.median(queue_times)
        store.close()

    base = med["baseline"]
    print(f"progress store: {opts.cards:,} cards, {opts.reviews:,} review-log rows (built in {built:.1f} s)")
    print(f"  single indexed lookup (store.card)      {base * 1e6:9.1f} µs   1.00x")
    print(f"  next due item (store.next_due)          {med['next_due'] * 1e6:9.1f} µs   "
          f"{med['next_due'] / base:.2f}x")
    print(f"  next due among content items (scoped)   {med['next_due_scoped'] * 1e6:9.1f} µs   "
          f"{med['next_due_scoped'] / base:.2f}x")
    print(f"  full session queue over all items       {med['session_queue'] * 1e6:9.1f} µs   "
          f"{med['session_queue'] / base:.2f}x")
    print(f"medians of {opts.repeat} interleaved calls; ratios are to the single lookup in this run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
