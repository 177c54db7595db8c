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
warm-up run builds it), in a temporary KB_HOME. Targets: first paint ≤ 1.5×,
content shown ≤ 2.5×.

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
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "KB_HOME": home, "KB_LANG": "en"}
        env.pop("KB_DATABASE_URL", None)
        run(KB, env)  # warm-up: builds the index and the progress store
        bare: list[dict] = []
        kb: list[dict] = []
        for _ in range(args.rounds):
            bare.append(run(BARE, env))
            kb.append(run(KB, env))
    keys = ("paint", "content", "fresh")
    med = {name: {k: statistics.median(r[k] for r in runs) for k in keys} for name, runs in (("bare", bare), ("kb", kb))}
    ratios = {k: med["kb"][k] / med["bare"][k] for k in keys}
    if args.json:
        print(json.dumps({"median_s": med, "ratio": ratios, "rounds": args.rounds}, indent=2))
        return
    print(f"rounds: {args.rounds} each, alternating; medians in seconds (this machine, this run)")
    for name, label in (("bare", "bare Textual app"), ("kb", "kb")):
        m = med[name]
        print(f"  {label:<18} first paint {m['paint']:.3f}   content shown {m['content']:.3f}   fresh {m['fresh']:.3f}")
    print(f"first paint ratio:   {ratios['paint']:.2f}x  (target <= 1.5x)")
    print(f"content shown ratio: {ratios['content']:.2f}x  (target <= 2.5x; from the home cache)")
    print(f"fresh content ratio: {ratios['fresh']:.2f}x  (catalog and store opened, figures current)")


if __name__ == "__main__":
    main()
