"""The dashboard (kb.app.dashboard) is one set of figures: `kb progress` and the app's Home
show the same numbers for the same store. One test drives both faces over one content pack
and one progress store with reviews, exercise attempts and path steps in it."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kb.app.dashboard import Dashboard, dashboard
from kb.app.services import open_services

TUI_CONTENT = Path(__file__).resolve().parents[1] / "tui" / "fixtures" / "content"


@pytest.fixture
def pack(tmp_path, monkeypatch) -> Path:
    """The TUI's fixture pack as the "shipped" content, plus a second exercise, so that the
    CLI (shipped content) and the app (the same roots) read one catalog."""
    root = tmp_path / "content"
    shutil.copytree(TUI_CONTENT, root)
    first = (root / "exercises" / "sigmoid-exercise.yaml").read_text("utf-8")
    (root / "exercises" / "relu-exercise.yaml").write_text(
        first.replace("id: sigmoid-exercise", "id: relu-exercise"), "utf-8")
    monkeypatch.setattr("kb.paths.shipped_content_dir", lambda: root)
    monkeypatch.setenv("KB_DATABASE_URL", f"sqlite:///{tmp_path / 'progress.sqlite'}")
    monkeypatch.delenv("KB_DATABASE_URL_FILE", raising=False)
    return root


def study(now: datetime) -> None:
    """Two steps of the path read, one quiz item answered a month ago (due again now), the
    other never answered; one exercise failed (in progress), the other passed."""
    from kb.app.services import open_store

    with open_store() as store:
        store.mark_read("neural-network")
        store.mark_read("sigmoid")
        store.record_review("sigmoid-at-zero", 3, now=now - timedelta(days=60), correct=True)
        store.record_attempt("sigmoid-exercise", "fail", 1.0, 0, False)
        store.record_attempt("relu-exercise", "pass", 1.0, 0, False)


def run_kb(capsys, *argv: str) -> str:
    from kb.cli import main

    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


async def home_figures() -> tuple[Dashboard, dict[str, str]]:
    """The Home screen once its worker has filled it: its data and the text of its panels."""
    from textual.widgets import OptionList, Static

    from kb.tui.app import KbApp
    from kb.tui.screens.home import HomeScreen

    app = KbApp(lang="en", remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(1000):
            screen = app.screen
            if isinstance(screen, HomeScreen) and screen.data is not None and not screen.cached:
                break
            assert app.load_error is None, app.load_error
            await pilot.pause(0.02)
        else:
            raise AssertionError("Home never showed fresh figures")
        await pilot.pause()
        options = screen.query_one("#actions", OptionList)
        panels = {name: str(screen.query_one(f"#{name}", Static).content)
                  for name in ("path-steps", "exercise-list", "kb-counts")}
        panels["actions"] = "\n".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))
        return screen.data, panels


def test_kb_progress_and_home_show_the_same_figures(pack, capsys):
    study(datetime.now(timezone.utc))

    data = json.loads(run_kb(capsys, "progress", "--json"))
    text = run_kb(capsys, "progress")
    home, panels = asyncio.run(home_figures())

    # The same dashboard behind both faces...
    assert data["dashboard"] == home.to_dict()
    # ...with the figures the store holds: 1 of 2 items due, 3 of 4 steps, 1 of 2 exercises.
    assert (home.due, home.seen, home.new, home.items) == (1, 1, 1, 2)
    assert (home.passed, home.attempted, home.exercises) == (1, 2, 2)
    assert [e["id"] for e in home.in_progress] == ["sigmoid-exercise"]
    assert (home.path["id"], home.steps_done, len(home.steps), home.next_step) == ("first-steps", 3, 4, 4)
    # ...and the charts' own figures in `kb progress --json` agree with it.
    assert (data["due_now"], data["items"]["seen"], data["items"]["new"]) == (home.due, home.seen, home.new)
    assert (data["exercises"]["passed"], data["exercises"]["total"]) == (home.passed, home.exercises)

    # What each face prints, read back.
    assert "Due now: 1    Quiz items: 1 seen of 2 (1 new)" in text
    assert "Learning path: First steps — 3 of 4 steps done; next: step 4, Exercise Implement sigmoid" in text
    assert "Exercises passed: 1 / 2 (attempted 2)" in text
    assert "◐ sigmoid-exercise · Implement sigmoid  [attempted]" in text
    assert "Review: 1 due now" in panels["actions"]
    assert "Continue: Exercise “Implement sigmoid”" in panels["actions"]
    assert "3 of 4 steps done" in panels["path-steps"]
    assert re.search(r"→ ◐ Exercise Implement sigmoid", panels["path-steps"])
    assert "◐ Implement sigmoid" in panels["exercise-list"] and "1 of 2 passed" in panels["exercise-list"]
    assert re.search(r"2 Exercises", panels["kb-counts"])

    # `kb path` marks the path Home follows.
    listed = run_kb(capsys, "path")
    assert re.search(r"^→ first-steps\s+3/4", listed, re.M)
    assert json.loads(run_kb(capsys, "path", "--json"))[0]["followed"] is True


def test_the_dashboard_follows_the_chosen_path_and_moves_on_from_a_finished_one(pack, tmp_path):
    extra = pack / "paths" / "later.yaml"
    extra.write_text("id: a-later-path\nkind: path\ntitle: {en: Later, zh: 以后}\n"
                     "summary: {en: One step., zh: 一步。}\nsteps:\n  - {do: read, ref: relu}\n", "utf-8")
    services = open_services(None)
    try:
        store = services.store
        assert store is not None
        assert dashboard(services).path["id"] == "a-later-path"  # no choice, no foundations: by id
        store.set_setting("current_path", "first-steps")
        assert dashboard(services).path["id"] == "first-steps"
        store.mark_read("relu")  # a-later-path is complete; the chosen one still leads
        assert dashboard(services).next_step == 1
        for ref in ("neural-network", "sigmoid"):
            store.mark_read(ref)
        store.record_review("sigmoid-at-zero", 3, correct=True)
        store.record_attempt("sigmoid-exercise", "pass", 1.0, 0, False)
        done = dashboard(services)  # every path complete: the chosen one, shown as complete
        assert (done.path["id"], done.next_step, done.steps_done) == ("first-steps", None, 4)
    finally:
        services.close()


def test_without_a_store_the_dashboard_has_the_content_figures_and_says_why(pack, monkeypatch, tmp_path):
    bad = tmp_path / "not-a-store.sqlite"
    bad.write_bytes(b"garbage" * 100)
    monkeypatch.setenv("KB_DATABASE_URL", f"sqlite:///{bad}")
    services = open_services(None)
    try:
        data = dashboard(services)
    finally:
        services.close()
    assert data.store_error and data.path is None and data.due == 0
    assert (data.exercises, data.counts["exercise"]) == (2, 2)
    assert bad.read_bytes() == b"garbage" * 100  # nothing was written to it


def test_a_cached_dashboard_round_trips_and_an_old_or_broken_cache_is_refused_or_filled():
    data = Dashboard(due=3, path={"id": "p", "title": {"en": "P", "zh": "路"}},
                     steps=[{"index": 1, "do": "read", "ref": "x", "state": "done", "done": 1, "total": 1,
                             "title": None}], next_step=None, in_progress=[{"id": "e", "title": None,
                                                                           "state": "started"}])
    assert Dashboard.from_json(data.to_json()) == data
    old = Dashboard.from_json('{"due": 2, "new": 1, "cached": false, "gone": 1}')  # a cache from before
    assert (old.due, old.new, old.items, old.path) == (2, 1, 0, None)
    for broken in ("[]", "{", '{"due": 1, "steps": 3, "path": null, "counts": {}, "x": [}'):
        with pytest.raises((ValueError, TypeError)):
            Dashboard.from_json(broken)


def test_current_figures_are_computed_without_models_or_sqlalchemy(tmp_path):
    """Home's worker on a current index and store: the figures come from the index and the
    store's statements; no pydantic model, YAML or SQLAlchemy is loaded for them."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("KB_DATABASE_URL", "KB_CONTENT_PATH")}
    env["KB_HOME"] = str(tmp_path / "home")
    program = (
        "import json, sys\n"
        "from kb.app.services import open_services\n"
        "from kb.app.dashboard import dashboard\n"
        "s = open_services(None)\n"
        "d = dashboard(s)\n"
        "s.close()\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'yaml', 'sqlalchemy', 'alembic'})\n"
        "print(json.dumps([d.path['id'] if d.path else None, d.items, d.exercises, heavy]))\n"
    )
    first = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr  # builds the index and creates the store
    again = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=300)
    path, items, exercises, heavy = json.loads(again.stdout)
    assert json.loads(first.stdout)[:3] == [path, items, exercises]
    assert path == "foundations" and items > 100 and exercises > 10
    assert heavy == []
