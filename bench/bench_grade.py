"""Batch grading against checking one file at a time, measured side by side in one run.

    python bench/bench_grade.py [--learners 6] [--repeat 1]

Builds a class folder of 60 submissions across 11 exercises (each learner's file is the
reference solution or one of the exercise's mutants, so the verdicts are mixed), then:

* grade      ``kb class grade DIR --json`` (parallel sandboxes, one per core), whole process,
             and the same with ``--jobs 1``;
* one by one ``kb exercise check ID --file F --json`` for every file in turn, each a
             fresh process, as a script looping over the folder would do.

Prints both wall times and their ratio, and checks that every submission got the same
verdict both ways. No assertions beyond that: this is a measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.exercises import load  # noqa: E402
from kb.loader import mutant_files  # noqa: E402

EXERCISES = ["sigmoid", "tanh", "relu", "softmax", "mse", "cross-entropy", "dense-layer", "adam",
             "leaky-relu", "gelu", "layer-norm"]


def build(folder: Path, n: int = 60) -> list[tuple[str, str]]:
    subs = []
    for k in range(n):
        ident = EXERCISES[k % len(EXERCISES)]
        learner = f"learner{k // len(EXERCISES) + 1:02d}"
        ex = load(ident)
        mutants = mutant_files(ROOT / "content" / "exercises" / ident)
        choices = [ex.solution] + [p.read_text(encoding="utf-8") for p in mutants]
        (folder / learner).mkdir(parents=True, exist_ok=True)
        (folder / learner / f"{ident}.py").write_text(choices[k % len(choices)], encoding="utf-8")
        subs.append((learner, ident))
    return subs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--submissions", type=int, default=60)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-grade-"))
    folder = tmp / "class"
    subs = build(folder, args.submissions)
    env = dict(os.environ, KB_HOME=str(tmp / "home"), KB_LANG="en")
    kb = [sys.executable, "-m", "kb"]
    subprocess.run(kb + ["index"], env=env, check=True, capture_output=True)  # a warm index for both

    t = time.perf_counter()
    proc = subprocess.run(kb + ["class", "grade", str(folder), "--json"], env=env, capture_output=True, text=True)
    batch = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"kb class grade failed:\n{proc.stderr}")
    graded = {(r["learner"], r["exercise"]): r["status"] for r in json.loads(proc.stdout)}

    t = time.perf_counter()
    subprocess.run(kb + ["class", "grade", str(folder), "--json", "--jobs", "1"], env=env, capture_output=True,
                   text=True)
    serial = time.perf_counter() - t

    single: dict[tuple[str, str], str] = {}
    t = time.perf_counter()
    for learner, ident in subs:
        out = subprocess.run(kb + ["exercise", "check", ident, "--file", str(folder / learner / f"{ident}.py"),
                                   "--json"], env=env, capture_output=True, text=True)
        single[(learner, ident)] = json.loads(out.stdout)["status"]
    one_by_one = time.perf_counter() - t

    same = sum(graded.get(k) == v for k, v in single.items())
    statuses = sorted(set(single.values()))
    print(f"{len(subs)} submissions across {len(set(i for _, i in subs))} exercises "
          f"(verdicts: {', '.join(statuses)}); {os.cpu_count()} CPUs")
    print(f"kb class grade (parallel sandboxes)   {batch:7.1f} s")
    print(f"kb class grade --jobs 1 (one sandbox) {serial:7.1f} s")
    print(f"kb exercise check, one file at a time {one_by_one:7.1f} s")
    print(f"grade / one by one                    {batch / one_by_one:7.2f}×  ({one_by_one / batch:.1f}× faster)")
    print(f"same verdict both ways: {same} of {len(single)}")
    return 0 if same == len(single) else 1


if __name__ == "__main__":
    raise SystemExit(main())
