"""`kb search relu` with a current index against a bare ``python3`` that opens the same
SQLite index read-only and runs one query: whole processes, side by side.

Both run as fresh interpreters, alternating, ``--rounds`` times each, stdout piped (as a
script or ``| less`` reads it); the medians are compared. kb runs on the shipped content
in a temporary KB_HOME whose index one untimed run builds; bytecode caches are warm (the
untimed runs write them, as ``pip install .`` does for an installed user). Goal: ≤ 6×.

    python bench/bench_read.py [--rounds 21] [--query relu] [--json]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL = 6.0

BARE = r"""
import sqlite3, sys
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
rows = conn.execute("SELECT e.id, e.title_en FROM title_fts AS f JOIN entries AS e ON e.rowid = f.rowid"
                    " WHERE title_fts MATCH ? LIMIT 10", ('"' + sys.argv[2] + '"',)).fetchall()
print("\n".join(f"{i}  {t}" for i, t in rows))
"""


def timed(argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 or not proc.stdout:
        raise SystemExit(f"{argv[:3]} failed ({proc.returncode}):\n{proc.stderr.decode()[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--query", default="relu")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        # bytecode caches written and used, as an installed user has them
        env = {k: v for k, v in os.environ.items()
               if k not in ("KB_CONTENT_PATH", "KB_DATABASE_URL", "PYTHONDONTWRITEBYTECODE")}
        env.update(KB_HOME=home, KB_LANG="en")
        script = Path(sys.executable).parent / "kb"  # the console script, as a user runs it
        kb = [str(script) if script.exists() else sys.executable, *([] if script.exists() else ["-m", "kb"]),
              "search", args.query]
        for _ in range(2):  # untimed: builds the index, then a current-index run warms the caches
            timed(kb, env)
        (index,) = glob.glob(os.path.join(home, "cache", "index-*.sqlite"))
        bare = [sys.executable, "-c", BARE, index, args.query]
        timed(bare, env)
        kb_s: list[float] = []
        bare_s: list[float] = []
        for _ in range(args.rounds):  # alternating pairs: a busy moment hits both
            bare_s.append(timed(bare, env))
            kb_s.append(timed(kb, env))
    med_kb, med_bare = statistics.median(kb_s), statistics.median(bare_s)
    ratio = med_kb / med_bare
    if args.json:
        print(json.dumps({"kb_s": med_kb, "bare_s": med_bare, "ratio": ratio, "goal": GOAL,
                          "rounds": args.rounds}, indent=2))
        return
    print(f"kb search {args.query} (current index): {med_kb * 1000:6.1f} ms median of {args.rounds}")
    print(f"bare python3 + sqlite3 ro, one query:  {med_bare * 1000:6.1f} ms")
    print(f"ratio {ratio:.1f}x (goal <= {GOAL:.0f}x) {'ok' if ratio <= GOAL else 'OVER'}")


if __name__ == "__main__":
    main()
