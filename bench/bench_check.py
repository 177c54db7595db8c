"""A cold ``kb exercise check sigmoid --file F`` against ``python3 -c "import numpy"``:
whole processes, side by side.

Both run as fresh interpreters, alternating, ``--rounds`` times each; the medians are
compared. kb runs the reference solution of ``sigmoid`` (so the check passes, and the
attempt is recorded in the progress store, as a learner's check is) in a temporary
KB_HOME whose index and store untimed runs create; bytecode caches are warm (as
``pip install .`` leaves them). Two kb figures: when the verdict line is on stdout, and
when the process has ended (after recording the attempt). Goal: process ended ≤ 3×.

    python bench/bench_check.py [--rounds 15] [--json]
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
GOAL = 3.0


def numpy_once(env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import numpy"], env=env, cwd=ROOT, check=True)
    return time.perf_counter() - start


def check_once(argv: list[str], env: dict) -> tuple[float, float]:
    """(verdict on stdout, process ended), in seconds from the start."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    verdict = time.perf_counter() - start
    out, err = proc.communicate()
    ended = time.perf_counter() - start
    if proc.returncode != 0 or "PASS" not in first or "not saved" in err:
        raise SystemExit(f"kb exercise check failed ({proc.returncode}):\n{first}{out}\n{err[-2000:]}")
    return verdict, ended


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        # bytecode caches written and used, as an installed user has them
        env = {k: v for k, v in os.environ.items()
               if k not in ("KB_CONTENT_PATH", "KB_DATABASE_URL", "PYTHONDONTWRITEBYTECODE")}
        env.update(KB_HOME=home, KB_LANG="en")
        solution = Path(home) / "sigmoid.py"
        solution.write_text((ROOT / "content" / "exercises" / "sigmoid" / "solution.py").read_text(encoding="utf-8"),
                            encoding="utf-8")
        script = Path(sys.executable).parent / "kb"  # the console script, as a user runs it
        kb = [str(script) if script.exists() else sys.executable, *([] if script.exists() else ["-m", "kb"]),
              "exercise", "check", "sigmoid", "--file", str(solution)]
        for _ in range(2):  # untimed: the index, the store, the caches
            check_once(kb, env)
        numpy_once(env)
        np_s: list[float] = []
        verdict_s: list[float] = []
        ended_s: list[float] = []
        for _ in range(args.rounds):  # alternating pairs: a busy moment hits both
            np_s.append(numpy_once(env))
            verdict, ended = check_once(kb, env)
            verdict_s.append(verdict)
            ended_s.append(ended)
    base = statistics.median(np_s)
    med_verdict, med_ended = statistics.median(verdict_s), statistics.median(ended_s)
    ratio = med_ended / base
    if args.json:
        print(json.dumps({"numpy_s": base, "verdict_s": med_verdict, "ended_s": med_ended,
                          "verdict_ratio": med_verdict / base, "ratio": ratio, "goal": GOAL,
                          "rounds": args.rounds}, indent=2))
        return
    print(f"python3 -c 'import numpy':            {base * 1000:6.1f} ms median of {args.rounds}")
    print(f"kb exercise check sigmoid, verdict:   {med_verdict * 1000:6.1f} ms  ({med_verdict / base:.1f}x)")
    print(f"kb exercise check sigmoid, ended:     {med_ended * 1000:6.1f} ms  ({ratio:.1f}x)")
    print(f"ratio {ratio:.1f}x (goal <= {GOAL:.0f}x) {'ok' if ratio <= GOAL else 'OVER'}")


if __name__ == "__main__":
    main()
