"""Learning path state: each step's state from the store, and the next step."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kb.learning_path import (
    DONE,
    MISSING,
    STARTED,
    TODO,
    next_step,
    path_quiz_items,
    path_status,
    progress_fraction,
)
from kb.progress import open_store
from kb.schema import Concept, LearningPath, Quiz

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


def text(s: str) -> dict:
    return {"en": s, "zh": s + "（中）"}


def concept(cid: str, prerequisites=()) -> Concept:
    return Concept.model_validate({"kind": "concept", "id": cid, "title": text(cid), "summary": text("s"),
                                   "prerequisites": list(prerequisites)})


def tf(item_id: str, c: str) -> dict:
    return {"id": item_id, "type": "true_false", "concepts": [c], "answer": True,
            "question": text("q"), "explanation": text("e")}


class FakeCatalog:
    def __init__(self, entries):
        self.entries = {e.id: e for e in entries}

    def get(self, ident):
        return self.entries.get(ident)

    def summary(self, ident):  # what path_status reads: .kind and .title
        return self.entries.get(ident)

    def quiz_items(self, concept=None, tag=None, quiz=None):
        return [(e.id, it) for e in self.entries.values() if e.kind == "quiz" and quiz in (None, e.id)
                for it in e.items if concept is None or concept in it.concepts]

    def quiz_item_ids(self, concept=None, tag=None, quiz=None):
        return [it.id for _, it in self.quiz_items(concept, tag, quiz)]


class Exercise:  # only .id, .kind, .title matter here
    kind = "exercise"

    def __init__(self, ident):
        self.id = ident
        self.title = None


QUIZ = Quiz.model_validate({"kind": "quiz", "id": "neuron-quiz", "title": text("nq"), "summary": text("s"),
                            "items": [tf("n1", "neuron"), tf("n2", "neuron"), tf("s1", "sigmoid")]})
PATH = LearningPath.model_validate({
    "kind": "path", "id": "basics", "title": text("Basics"), "summary": text("s"),
    "steps": [
        {"do": "read", "ref": "neuron"},
        {"do": "quiz", "ref": "neuron"},
        {"do": "read", "ref": "sigmoid", "note": text("the classic activation")},
        {"do": "exercise", "ref": "sigmoid-ex"},
        {"do": "read", "ref": "vanished-entry"},
        {"do": "quiz", "ref": "neuron-quiz"},
    ],
})
CAT = FakeCatalog([concept("neuron"), concept("sigmoid", ["neuron"]), QUIZ, PATH, Exercise("sigmoid-ex")])


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    with open_store(clock=lambda: T0) as s:
        yield s


def states(store):
    return [s.state for s in path_status(CAT, store, PATH)]


def test_fresh_path(store):
    st = path_status(CAT, store, PATH)
    assert [s.state for s in st] == [TODO, TODO, TODO, TODO, MISSING, TODO]
    assert [(s.done, s.total) for s in st] == [(0, 1), (0, 2), (0, 1), (0, 1), (0, 1), (0, 3)]
    assert next_step(st).index == 1
    assert st[2].note.en == "the classic activation"
    assert st[0].title.en == "neuron"
    assert progress_fraction(st) == 0.0


def test_steps_progress_as_the_learner_works(store):
    store.mark_read("neuron")
    assert states(store)[:2] == [DONE, TODO]
    assert next_step(path_status(CAT, store, PATH)).ref == "neuron"  # the quiz step

    store.record_review("n1", 3, fuzz=False)
    assert states(store)[1] == STARTED
    store.record_review("n2", 1, fuzz=False)  # forgotten: not known yet
    assert states(store)[1] == STARTED
    store.record_review("n2", 2, fuzz=False)
    assert states(store)[1] == DONE

    store.mark_read("sigmoid")
    store.record_attempt("sigmoid-ex", "fail", 1, 0, False)
    st = path_status(CAT, store, PATH)
    assert st[3].state == STARTED and next_step(st).index == 4
    store.record_attempt("sigmoid-ex", "pass", 1, 0, False)
    st = path_status(CAT, store, PATH)
    # the missing step is skipped; the last quiz has 2 of its 3 items known
    assert (st[5].state, st[5].done, st[5].total) == (STARTED, 2, 3)
    assert next_step(st).index == 6
    store.record_review("s1", 4, fuzz=False)
    st = path_status(CAT, store, PATH)
    assert next_step(st) is None
    assert progress_fraction(st) == 1.0
    assert st[0].to_dict()["state"] == "done"


def test_path_quiz_items_in_path_order_once():
    assert [it.id for _, it in path_quiz_items(CAT, PATH)] == ["n1", "n2", "s1"]


def test_quiz_step_without_items_is_missing(store):
    empty = PATH.model_copy(update={"steps": [PATH.steps[0].model_copy(update={"do": "quiz", "ref": "sigmoid-ex"})]})
    assert [s.state for s in path_status(CAT, store, empty)] == [MISSING]
    assert next_step(path_status(CAT, store, empty)) is None
