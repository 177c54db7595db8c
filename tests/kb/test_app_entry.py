"""The entry view (kb.app.entry): an entry with its backlinks, linked titles, a path's step
states, its quiz count and its exercise's state — what the app's Detail screen draws."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.app.entry import entry_view
from kb.app.services import open_services

CONTENT = Path(__file__).resolve().parents[1] / "tui" / "fixtures" / "content"


@pytest.fixture
def services(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_DATABASE_URL", f"sqlite:///{tmp_path / 'progress.sqlite'}")
    opened = open_services([CONTENT])
    yield opened
    opened.close()


def test_a_concept_with_its_backlinks_quiz_count_and_exercise(services):
    view = entry_view(services, "sigmoid")
    assert view.entry.id == "sigmoid" and view.entry.kind == "concept"
    linked = {b.src.id for b in view.backlinks}
    assert {"sigmoid-exercise", "first-steps"} <= linked
    assert view.exercise_id == "sigmoid-exercise"
    assert view.quiz_items == 1  # sigmoid-at-zero
    assert all(ident in view.titles for ident in linked)
    assert "sigmoid" in services.store.read_entries()  # opening it read it


def test_a_path_shows_its_steps_states_and_reading_follows_the_store(services):
    view = entry_view(services, "first-steps", mark_read=False)
    assert [s.state for s in view.steps] == ["todo", "todo", "todo", "todo"]
    assert {"neural-network", "sigmoid", "sigmoid-exercise"} <= set(view.titles)
    assert "first-steps" not in services.store.read_entries()  # mark_read=False: nothing recorded
    entry_view(services, "neural-network")
    services.store.record_attempt("sigmoid-exercise", "fail", 1.0, 0, False)
    assert [s.state for s in entry_view(services, "first-steps").steps] == ["done", "todo", "todo", "started"]


def test_an_exercise_shows_its_state(services):
    assert entry_view(services, "sigmoid-exercise").exercise_status is None
    services.store.record_attempt("sigmoid-exercise", "pass", 1.0, 0, False)
    view = entry_view(services, "sigmoid-exercise")
    assert view.exercise_status == "passed" and view.exercise_id == "sigmoid-exercise"


def test_an_unknown_id_and_a_store_that_refuses_to_write(services, monkeypatch):
    missing = entry_view(services, "no-such-entry")
    assert missing.entry is None and missing.exercise_id is None and missing.backlinks == []

    def refuse(*args, **kwargs):
        raise PermissionError("read-only store")

    monkeypatch.setattr(services.store, "mark_read", refuse)
    assert entry_view(services, "relu").entry.id == "relu"  # shown all the same


def test_without_a_store_the_entry_is_shown_without_progress(services, monkeypatch):
    services.store.close()
    services.store = None
    view = entry_view(services, "first-steps")
    assert view.entry.id == "first-steps" and view.steps == [] and view.exercise_status is None
