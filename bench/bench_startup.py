"""Start-up of the kb app against a bare Textual app that shows one label.

Two figures, each a ratio measured side by side in this one run (absolute times on
these machines are not comparable across runs):

* first paint: process start until the first frame is drawn (Textual's Ready event);
* content shown: process start until the home screen shows the learning path, the
  reviews and the counts, and that frame is drawn. At start the home screen shows
  what it showed at the end of the last session (a small JSON cache, no SQLAlchemy),
  marked "updating…"; that is "content shown". "fresh" is when the worker has opened
  the catalog and the progress store and the figures are current. For the bare app,
  content is its first frame.

Each app runs headless in a fresh interpreter, alternating, ``--rounds`` times each;
medians are compared. kb runs on the shipped content with a warm index (one untimed
warm-up run builds it), in a temporary KB_HOME; "no cache" removes the home cache before
the run, "first start" runs in an empty KB_HOME each time: the index and the progress store
start from the files the wheel's build hook made (``kb/_shipped``; the script says whether
they are there — without them a first start builds both). Goals: first paint ≤ 1.3×,
current figures without the cache ≤ 2.5×, a very first start ≤ 5×.

    python bench/bench_startup.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = r"""
import sys, time
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("kb")
    def on_ready(self):
        t = time.time()
        print(f"paint {t}", flush=True)
        print(f"content {t}", flush=True)
        print(f"fresh {t}", flush=True)
        self.exit()

Bare().run(headless=True, size=(120, 40))
"""

KB = r"""
import sys, time
import kb.cli  # what `kb` imports before it starts the app
from kb.tui.app import KbApp
from kb.tui.screens.home import HomeScreen

class Timed(KbApp):
    def on_ready(self):
        t = time.time()
        print(f"paint {t}", flush=True)
        if self.screen.data is not None:  # painted from the cache
            print(f"content {t}", flush=True)
        super().on_ready()

original = HomeScreen.on_home_screen_data_ready

def shown(self, message):
    original(self, message)
    def report():
        t = time.time()
        if not getattr(self.app, "_content_reported", False):
            print(f"content {t}", flush=True)
        print(f"fresh {t}", flush=True)
        self.app.exit()
    self.call_after_refresh(report)

HomeScreen.on_home_screen_data_ready = shown
Timed(lang="en").run(headless=True, size=(120, 40))
"""


def run(code: str, env: dict) -> dict[str, float]:
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    if out.returncode != 0:
        raise SystemExit(f"child failed:\n{out.stderr}")
    marks = {}
    for line in out.stdout.splitlines():
        name, _, value = line.partition(" ")
        if name in ("paint", "content", "fresh") and name not in marks:
            marks[name] = float(value) - start
    if set(marks) != {"paint", "content", "fresh"}:
        raise SystemExit(f"child did not report both marks:\n{out.stdout}\n{out.stderr}")
    return marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = {**os.environ, "KB_HOME": str(home), "KB_LANG": "en"}
        env.pop("KB_DATABASE_URL", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode caches as an installed user has them
        run(KB, env)  # warm-up: builds the index and the progress store, writes bytecode caches
        bare: list[dict] = []
        kb: list[dict] = []
        nocache: list[dict] = []
        first: list[dict] = []
        for n in range(args.rounds):
            bare.append(run(BARE, env))
            kb.append(run(KB, env))  # with the last session's home cache, as a learner starts it
            for cached in (home / "cache").glob("tui-home-*.json"):
                cached.unlink()
            nocache.append(run(KB, env))  # the figures as the store has them, no cache
            empty = {**env, "KB_HOME": str(Path(tmp) / f"first-{n}")}
            first.append(run(KB, empty))  # a first-ever start: index and store created
    keys = ("paint", "content", "fresh")
    runs = {"bare": bare, "kb": kb, "nocache": nocache, "first": first}
    med = {name: {k: statistics.median(r[k] for r in rs) for k in keys} for name, rs in runs.items()}
    base = med["bare"]["paint"]
    rows = [
        ("first paint", med["kb"]["paint"], 1.3),
        ("content shown, from the last session's cache", med["kb"]["content"], None),
        ("content shown with current figures (no cache)", med["nocache"]["fresh"], 2.5),
        ("very first start (empty KB_HOME): current figures", med["first"]["fresh"], 5.0),
    ]
    if args.json:
        print(json.dumps({"median_s": med, "rounds": args.rounds,
                          "rows": [{"what": w, "s": v, "ratio": v / base, "goal": g} for w, v, g in rows]},
                         indent=2))
        return
    from kb.shipped import INDEX_FILE, SHIPPED_DIR, STORE_FILE

    shipped = all((SHIPPED_DIR / name).is_file() for name in (INDEX_FILE, STORE_FILE))
    print(f"rounds: {args.rounds} each, alternating; medians (this machine, this run)")
    print(f"  first start from the shipped index and store ({SHIPPED_DIR}): {'yes' if shipped else 'no'}")
    print(f"  bare one-label Textual app, first paint: {base * 1000:6.0f} ms")
    for what, value, goal in rows:
        verdict = "" if goal is None else f"  (goal <= {goal:g}x) {'ok' if value / base <= goal else 'OVER'}"
        print(f"  kb, {what:<52} {value * 1000:6.0f} ms  {value / base:5.2f}x{verdict}")


if __name__ == "__main__":
    main()
