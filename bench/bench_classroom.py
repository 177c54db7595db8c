"""A class on one database: 60 learners answering quizzes at once, on PostgreSQL, side by
side with SQLite (WAL) and 1, 4 and 8 writers.

Each simulated learner is its own process with its own ``KB_USER``. All of them open the
store, say they are ready, and start together; for ``--seconds`` each answers quiz items
through ``store.record_review`` (FSRS scheduling and the review log, one transaction)
and every fifth answer also records an exercise attempt with a check report, as ``kb
quiz`` and ``kb exercise check`` do. Each process reports every review it committed
(uid, item, rating, answer), the latency of each write, and how many writes the store
ran again after losing a race (retries; none surfaced to the learner unless counted in
``errors``).

Afterwards the parent reads the store back and checks that every committed review is
present with the same content, that each learner has exactly the reviews they
committed, and that every card's ``reps`` equals its number of reviews (no lost update).
It prints reviews per second and the p95 write latency of each run side by side.

    source .ci/postgres.sh            # or pass --url postgresql+psycopg://…
    python bench/bench_classroom.py [--learners 60,8] [--seconds 20] [--sqlite-writers 1,4,8]

The first ``--learners`` count is the class (60); PostgreSQL with 8 learners is also run
by default so that the same number of writers can be compared on both backends.

The PostgreSQL URL comes from ``--url`` or ``KB_TEST_POSTGRES_URL``; each run gets a new
schema in it, dropped afterwards. Absolute figures depend on the machine (60 Python
processes on few cores are CPU-bound); compare the rows of one run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ITEMS = [f"quiz-item-{i:02d}" for i in range(30)]
EXERCISES = ["sigmoid", "relu", "softmax", "mse", "layer-norm"]
CHECKS = ["values", "stability", "immutability", "gradient"]


# --- one learner (a child process) ------------------------------------------------------------


def learner_main(go_file: str, seconds: float) -> int:
    from kb.progress import open_store

    store = open_store()
    rng = random.Random(store.learner)
    store.desired_retention()  # warm: connection open, ORM compiled
    print("ready", flush=True)
    while not os.path.exists(go_file):
        time.sleep(0.01)
    start = float(Path(go_file).read_text() or time.time())
    deadline = start + seconds
    committed, latencies, attempts, errors = [], [], 0, []
    i = 0
    while time.time() < deadline:
        item = rng.choice(ITEMS)
        rating = rng.choice((1, 2, 3, 3, 3, 4))
        answer = f"{store.learner}:{i}"
        t = time.perf_counter()
        try:
            out = store.record_review(item, rating, correct=rating > 1, answer=answer, duration_ms=rng.randint(500, 9000))
        except Exception as exc:  # noqa: BLE001 - a failure a learner would see
            errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
            continue
        latencies.append(time.perf_counter() - t)
        committed.append([out.review.uid, item, rating, answer])
        if i % 5 == 4:
            ex = rng.choice(EXERCISES)
            passed = rng.random() < 0.3
            checks = [{"name": c, "status": "pass" if passed or j < 1 else "fail",
                       "message": {"en": "m", "zh": "m"}} for j, c in enumerate(CHECKS)]
            report = json.dumps({"status": "pass" if passed else "fail", "message": {"en": "m", "zh": "m"},
                                 "checks": checks})
            t = time.perf_counter()
            try:
                store.record_attempt(ex, "pass" if passed else "fail", 0.5, 0, False, report_json=report)
                latencies.append(time.perf_counter() - t)
                attempts += 1
            except Exception as exc:  # noqa: BLE001
                errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
        i += 1
    print(json.dumps({"learner": store.learner, "committed": committed, "latencies": latencies,
                      "attempts": attempts, "retries": store.retries, "errors": errors}), flush=True)
    store.close()
    return 0


# --- one run -------------------------------------------------------------------------------------


def run(url: str, learners: int, seconds: float, label: str) -> dict:
    from kb.progress import open_store

    with open_store(url, learner="teacher"):  # create and migrate once, before the class arrives
        pass
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-class-"))
    go = tmp / "go"
    env = dict(os.environ, KB_DATABASE_URL=url, KB_HOME=str(tmp / "home"),
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    names = [f"learner-{i:02d}" for i in range(learners)]
    procs = [subprocess.Popen([sys.executable, __file__, "--learner", str(go), str(seconds)],
                              env=dict(env, KB_USER=name), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for name in names]
    for p in procs:  # every learner has started and opened the store
        line = p.stdout.readline()
        if line.strip() != "ready":
            raise SystemExit(f"{label}: a learner did not start: {p.stderr.read()[-2000:]}")
    go.write_text(repr(time.time() + 0.2))
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=seconds + 300)
        if p.returncode != 0:
            raise SystemExit(f"{label}: a learner failed: {err[-2000:]}")
        outs.append(json.loads(out.strip().splitlines()[-1]))

    # read everything back
    lost = wrong = extra = bad_cards = 0
    with open_store(url, learner="teacher") as store:
        for o in outs:
            me = store.as_learner(o["learner"])
            stored = {r.uid: r for r in me.reviews()}
            for uid, item, rating, answer in o["committed"]:
                r = stored.get(uid)
                if r is None:
                    lost += 1
                elif (r.item_id, r.rating, r.answer) != (item, rating, answer):
                    wrong += 1
            extra += len(set(stored) - {c[0] for c in o["committed"]})
            per_item: dict[str, int] = {}
            for r in stored.values():
                per_item[r.item_id] = per_item.get(r.item_id, 0) + 1
            bad_cards += sum(1 for i, c in me.cards().items() if c.reps != per_item.get(i, 0))
        total_rows = sum(len(store.as_learner(o["learner"]).reviews()) for o in outs)
    lat = sorted(x for o in outs for x in o["latencies"])
    committed = sum(len(o["committed"]) for o in outs)
    return {
        "label": label,
        "learners": learners,
        "reviews": committed,
        "attempts": sum(o["attempts"] for o in outs),
        "reviews_per_s": committed / seconds,
        "p50_ms": 1000 * statistics.median(lat) if lat else float("nan"),
        "p95_ms": 1000 * lat[int(0.95 * (len(lat) - 1))] if lat else float("nan"),
        "retries": sum(o["retries"] for o in outs),
        "errors": sum(len(o["errors"]) for o in outs),
        "error_samples": [e for o in outs for e in o["errors"]][:3],
        "lost": lost,
        "wrong": wrong,
        "extra": extra,
        "bad_cards": bad_cards,
        "rows": total_rows,
    }


def pg_schema(url: str) -> tuple[str, callable]:
    """A new schema in the database; the URL that uses it and a function to drop it."""
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()

    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False), drop


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--learner":
        return learner_main(sys.argv[2], float(sys.argv[3]))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default=os.environ.get("KB_TEST_POSTGRES_URL", ""),
                    help="PostgreSQL URL (default: KB_TEST_POSTGRES_URL)")
    ap.add_argument("--learners", default="60,8",
                    help="comma-separated learner counts on PostgreSQL; the first is the class (default 60,8)")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--sqlite-writers", default="1,4,8", help="comma-separated writer counts for SQLite WAL")
    opts = ap.parse_args()
    if not opts.url:
        print("bench_classroom: no PostgreSQL URL: `source .ci/postgres.sh` or pass --url", file=sys.stderr)
        return 2

    results = []
    for n in [int(x) for x in opts.learners.split(",") if x.strip()]:
        url, drop = pg_schema(opts.url)
        try:
            results.append(run(url, n, opts.seconds, f"PostgreSQL, {n} learners"))
        finally:
            drop()
    for n in [int(x) for x in opts.sqlite_writers.split(",") if x.strip()]:
        with tempfile.TemporaryDirectory() as d:
            results.append(run(f"sqlite:///{d}/class.sqlite", n, opts.seconds, f"SQLite WAL, {n} writer{'s' * (n != 1)}"))

    cores = os.cpu_count()
    print(f"kb class benchmark: {opts.seconds:g} s per run, {cores} cores; each write is one transaction "
          "(a review: FSRS + card + log; every 5th answer also an exercise attempt)")
    head = f"{'run':<28} {'reviews':>8} {'reviews/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'retries':>8} " \
           f"{'errors':>7} {'lost':>5} {'wrong':>6} {'cards≠log':>10}"
    print(head)
    print("-" * len(head))
    for r in results:
        print(f"{r['label']:<28} {r['reviews']:>8} {r['reviews_per_s']:>10.1f} {r['p50_ms']:>8.1f} "
              f"{r['p95_ms']:>8.1f} {r['retries']:>8} {r['errors']:>7} {r['lost']:>5} {r['wrong']:>6} "
              f"{r['bad_cards']:>10}")
    pg = {r["learners"]: r for r in results if r["label"].startswith("PostgreSQL")}
    base = results[0]
    for r in results:
        if r["label"].startswith("PostgreSQL"):
            continue
        same = pg.get(r["learners"])
        for other in [base] + ([same] if same is not None and same is not base else []):
            print(f"  {other['label']} vs {r['label']}: {other['reviews_per_s'] / r['reviews_per_s']:.2f}x "
                  f"the reviews/s, {other['p95_ms'] / r['p95_ms']:.2f}x the p95 write latency")
    ok = all(r["lost"] == r["wrong"] == r["extra"] == r["bad_cards"] == r["errors"] == 0 for r in results)
    for r in results:
        if r["error_samples"]:
            print(f"  {r['label']}: errors, e.g. {r['error_samples']}")
    print("every committed review present with its content; no error surfaced to a learner" if ok
          else "PROBLEMS: see the lost / wrong / errors / cards≠log columns")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
