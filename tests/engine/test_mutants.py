"""Every shipped exercise is proven by its mutants: plausible wrong solutions in
``content/exercises/<id>/mutants/*.py`` that its checks must reject, with a message
that names the mistake.

A mutant file starts with ``# Mistake: ...`` (one line saying what is wrong) and one or
more ``# expect: <text>`` lines; the engine's verdict must not be a pass, and the English
message of one failing check must contain every expected text. A mutant that passes
means the exercise's checks are too weak: strengthen them, not the mutant.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import engine
from engine_helpers import EXERCISES, load_exercise
from kb.loader import MIN_MUTANTS, mutant_files

IDS = sorted(p.name for p in EXERCISES.iterdir() if (p / "exercise.yaml").is_file())

def header(path: Path) -> tuple[str, list[str]]:
    """The mistake line and the expected texts of a mutant file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    mistake = lines[0].removeprefix("# Mistake:").strip() if lines and lines[0].startswith("# Mistake:") else ""
    expects = []
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        if line.startswith("# expect:"):
            expects.append(line.removeprefix("# expect:").strip())
    return mistake, expects


def test_the_exercise_list_is_complete():
    assert len(IDS) >= 26


@pytest.mark.parametrize("ident", IDS)
def test_every_exercise_ships_mutants_with_a_header(ident):
    files = mutant_files(EXERCISES / ident)
    assert len(files) >= MIN_MUTANTS, f"{ident}: {len(files)} mutants, at least {MIN_MUTANTS} needed"
    for path in files:
        mistake, expects = header(path)
        assert mistake, f"{path.name}: the first line must be '# Mistake: <what is wrong>'"
        assert expects and all(expects), f"{path.name}: needs '# expect: <text the message names>'"


@pytest.mark.parametrize("ident", IDS)
def test_every_mutant_is_rejected_naming_its_symptom(ident, worker):
    ex = load_exercise(ident)
    wrong: list[str] = []
    for path in mutant_files(EXERCISES / ident):
        mistake, expects = header(path)
        report = engine.check(ex, path, worker=worker)
        failing = [c for c in report.checks if c.status != "pass"]
        if report.status in ("pass", "not-started"):
            wrong.append(f"{path.name} ({mistake}): {report.status}, so the checks cannot tell it apart")
        elif not any(all(e in c.message.en for e in expects) for c in failing):
            shown = "\n    ".join(f"[{c.name}] {c.message.en}" for c in failing) or report.message.en
            wrong.append(f"{path.name} ({mistake}): no failing message names {expects}:\n    {shown}")
    assert not wrong, f"{ident}:\n  " + "\n  ".join(wrong)
