"""Helpers shared by the engine tests (a uniquely named module: ``conftest`` is a
name other test directories use too)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from engine.spec import ExerciseSpec

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "content" / "exercises"
CORE = ["sigmoid", "tanh", "relu", "softmax", "mse", "bce-with-logits", "cross-entropy",
        "dense-layer", "adam", "training-loop", "metrics"]
MORE = ["leaky-relu", "log-softmax", "bce-probabilities", "sigmoid-backward", "gradient-check",
        "sgd-momentum", "minibatch-iterator", "train-val-split", "l2-regularization",
        "inverted-dropout", "early-stopping-loop", "layer-norm", "scaled-attention", "one-hot", "gelu"]

_cache: dict[str, object] = {}


def load_exercise(ident: str):
    """An exercise folder (exercise.yaml, starter.py, solution.py) as kb's loader reads
    and validates it, so the content must be valid for kb, not only for the engine."""
    if ident not in _cache:
        from kb.loader import load_file

        loaded = load_file(EXERCISES / ident / "exercise.yaml")
        errors = [str(p) for p in loaded.problems if p.severity == "error"]
        assert loaded.entry is not None and not errors, "\n".join(errors)
        _cache[ident] = loaded.entry
    return _cache[ident]


def pid_alive(pid: int) -> bool:
    """True if ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def processes_with(marker: str) -> list[int]:
    """Pids whose command line contains ``marker`` (and are not zombies)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmd and pid_alive(int(name)):
            found.append(int(name))
    return found


def wait_gone(pids, timeout: float = 2.0) -> list[int]:
    """The pids still alive after ``timeout`` seconds (killing is asynchronous)."""
    deadline = time.monotonic() + timeout
    alive = [p for p in pids if pid_alive(p)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.02)
        alive = [p for p in alive if pid_alive(p)]
    return alive


def small_spec(**limits) -> ExerciseSpec:
    """A one-function exercise with a short time limit, for sandbox tests."""
    return ExerciseSpec.model_validate({
        "functions": [{"name": "double", "signature": "double(x) -> ndarray"}],
        "starter": "def double(x):\n    raise NotImplementedError\n",
        "solution": "def double(x):\n    return 2.0 * x\n",
        "checks": [
            {"kind": "value", "id": "values", "call": "double",
             "cases": [{"args": [{"value": [1.0, -2.0, 3.5]}]},
                       {"args": [{"random": "normal", "shape": [3, 4], "seed": 1}]}]},
            {"kind": "immutability", "id": "unchanged", "call": "double",
             "cases": [{"args": [{"random": "normal", "shape": [5], "seed": 2}]}]},
        ],
        "limits": {"timeout_s": 2.0, "memory_mb": 512, "output_kb": 64, **limits},
    })
