"""The exercise engine's costs, measured side by side in one run.

    python bench/bench_engine.py [--repeat 7]

Interleaved, so that machine noise hits every side alike, each figure the median of
``--repeat`` runs:

* cold numpy    ``python -c "import numpy"`` in a fresh process: the yardstick;
* warm check    ``engine.check(sigmoid, file, worker=w)`` with a pre-started worker
                (NumPy already imported in the child), all of sigmoid's checks, the
                reference results cached as the TUI has them after the first check
                (target: ≤ 0.5 × cold numpy);
* warm, first   the same, for the first check of an exercise (the reference solution
                runs too, in its own child);
* cold CLI      ``python -m kb exercise check sigmoid --file <reference>`` in a fresh
                process (KB_HOME in a temp dir): when the verdict line appears on
                stdout, and when the process has ended (after recording the attempt
                in the progress store);
* training      the reference ``training-loop`` solution: ``train()`` in this process,
                and its whole check through a warm worker;
* capstone      the reference ``tiny-language-model``: its whole check (training a
                character-level model on kb's text) through a warm worker, against its
                time limit;
* sandbox       the same warm check with the namespace sandbox turned off
                (``KB_SANDBOX=off``: resource limits and seccomp only), and an empty job
                (no calls) in each mode: their difference is what a job's own
                namespaces cost; and a worker's start until both children are ready.

Absolute times vary between machines and runs; the ratios are what to compare. No
assertions: this is a measurement.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from engine.checker import _job  # noqa: E402
from kb.exercises import load  # noqa: E402


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)

    sigmoid = load("sigmoid")
    training = load("training-loop")
    capstone = load("tiny-language-model")
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-engine-"))
    ref_file = tmp / "sigmoid.py"
    ref_file.write_text(sigmoid.solution, encoding="utf-8")
    train_file = tmp / "train.py"
    train_file.write_text(training.solution, encoding="utf-8")
    lm_file = tmp / "lm.py"
    lm_file.write_text(capstone.solution, encoding="utf-8")
    env = dict(os.environ, KB_HOME=str(tmp / "home"), KB_LANG="en")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode caches as an installed user has them
    env.pop("KB_DATABASE_URL", None)

    def cold_numpy() -> None:
        subprocess.run([sys.executable, "-c", "import numpy"], check=True)

    verdict_at: list[float] = []

    def cold_cli() -> None:
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "kb", "exercise", "check", "sigmoid", "--file", str(ref_file)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        first = proc.stdout.readline()  # the verdict line
        verdict_at.append(time.perf_counter() - t)
        out, err = proc.communicate()
        if proc.returncode != 0 or "PASS" not in first:
            raise SystemExit(f"kb exercise check failed:\n{first}{out}\n{err}")

    cold_cli()  # creates the progress store once, as a learner's first check would

    samples: dict[str, list[float]] = {k: [] for k in (
        "numpy", "warm", "first", "cli", "train", "train_check", "warm_off", "empty", "empty_off",
        "start", "start_off", "capstone")}
    empty = _job([], b"", "<empty>", sigmoid.limits.model_dump(), [])

    def started(mode: str) -> None:
        with engine.Worker(sandbox_mode=mode) as w:
            w.wait_ready()

    with engine.Worker(sandbox_mode="require") as worker, engine.Worker(sandbox_mode="off") as plain:
        worker.wait_ready()
        plain.wait_ready()
        isolation = worker.isolation

        def warm_off() -> None:
            assert engine.check(sigmoid, ref_file, worker=plain).status == "pass"

        def empty_job(w: engine.Worker) -> None:
            summary, _ = w.run(dict(empty.spec), empty.blobs)
            assert summary.get("exit_code") == 0, summary

        def warm() -> None:
            assert engine.check(sigmoid, ref_file, worker=worker).status == "pass"

        def first() -> None:
            worker.reference_cache.clear()
            assert engine.check(sigmoid, ref_file, worker=worker).status == "pass"

        warm()
        warm_off()
        ns: dict = {}
        exec(compile(training.solution, "<training-loop solution>", "exec"), ns)
        from engine.inputs import dataset

        held_out = next(c for c in training.checks if c.kind == "training")
        X, y, _, _ = dataset(held_out.dataset)
        kwargs = dict(held_out.kwargs)
        for i in range(args.repeat):
            samples["numpy"].append(timed(cold_numpy))
            samples["warm"].append(timed(warm))
            samples["first"].append(timed(first))
            samples["cli"].append(timed(cold_cli))
            samples["warm_off"].append(timed(warm_off))
            samples["empty"].append(timed(lambda: empty_job(worker)))
            samples["empty_off"].append(timed(lambda: empty_job(plain)))
            samples["start"].append(timed(lambda: started("require")))
            samples["start_off"].append(timed(lambda: started("off")))
            if i < max(3, args.repeat // 2):
                samples["train"].append(timed(lambda: ns["train"](X, y, **kwargs)))
                samples["train_check"].append(timed(
                    lambda: engine.check(training, train_file, worker=worker)))
                samples["capstone"].append(timed(
                    lambda: engine.check(capstone, lm_file, worker=worker)))
            print(f"  round {i + 1}/{args.repeat}", file=sys.stderr)

    samples["verdict"] = verdict_at[1:]  # the first call, outside the rounds, created the store
    med = {k: statistics.median(v) for k, v in samples.items()}
    base = med["numpy"]
    rows = [
        ("cold `python -c \"import numpy\"` (yardstick)", "numpy", None),
        ("warm check, sigmoid (4 checks, reference cached)", "warm", 0.5),
        ("warm check, sigmoid, first time (reference runs too)", "first", None),
        ("cold `kb exercise check sigmoid`: verdict printed", "verdict", None),
        ("cold `kb exercise check sigmoid`: process done", "cli", None),
        ("reference training-loop: train() in-process", "train", None),
        ("reference training-loop: whole check, warm worker", "train_check", None),
        ("capstone tiny-language-model: whole check, warm worker", "capstone", None),
        ("warm check, sigmoid, sandbox off (limits only)", "warm_off", None),
        ("empty job, namespace sandbox", "empty", None),
        ("empty job, sandbox off", "empty_off", None),
        ("worker start (both children ready), sandbox", "start", None),
        ("worker start (both children ready), sandbox off", "start_off", None),
    ]
    print(f"\n{'':54} {'median':>9} {'× numpy':>8}  target")
    for label, key, target in rows:
        ratio = med[key] / base
        goal = f"≤ {target}" if target else ""
        verdict = ("  met" if ratio <= target else "  MISSED") if target else ""
        print(f"{label:54} {med[key] * 1000:8.1f}ms {ratio:8.2f}  {goal}{verdict}")
    print(f"\ncapstone check: {med['capstone']:.1f} s against its limit of {capstone.limits.timeout_s:g} s")
    setup = (med["empty"] - med["empty_off"]) * 1000
    print(f"\na job's own namespaces cost {setup:.1f} ms (empty job, sandbox minus off); "
          f"isolation: {isolation.mode if isolation else '?'}")
    print(f"\n(medians of {args.repeat} interleaved rounds; training: {len(samples['train'])}; "
          f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
