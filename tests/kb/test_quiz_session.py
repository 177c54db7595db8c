"""Session building (pure) and a session driven against a real store, fixed clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kb.progress import open_store
from kb.progress.records import CardState
from kb.quiz.grading import InvalidResponse
from kb.progress.scheduling import AGAIN, EASY, GOOD
from kb.quiz.session import DUE, NEW, NoSuchPath, QuizSession, build_queue, select_items
from kb.schema import Concept, LearningPath, Quiz

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


def tf_item(item_id: str, concept: str = "c1", answer: bool = True) -> dict:
    return {"id": item_id, "type": "true_false", "concepts": [concept], "answer": answer,
            "question": {"en": f"{item_id}?", "zh": f"{item_id}？"},
            "explanation": {"en": "because", "zh": "因为"}}


def quiz(quiz_id: str, items: list[dict], tags=()) -> Quiz:
    return Quiz.model_validate({"kind": "quiz", "id": quiz_id, "title": {"en": quiz_id, "zh": quiz_id},
                                "summary": {"en": "s", "zh": "s"}, "tags": list(tags), "items": items})


class FakeCatalog:
    """The slice of kb.catalog.Catalog that sessions and paths use."""

    def __init__(self, entries):
        self.entries = {e.id: e for e in entries}

    def get(self, ident):
        return self.entries.get(ident)

    def summary(self, ident):  # .kind and .title
        return self.entries.get(ident)

    def quiz_items(self, concept=None, tag=None, quiz=None):
        out = []
        for e in self.entries.values():
            if e.kind != "quiz" or quiz not in (None, e.id):
                continue
            for item in e.items:
                if concept and concept not in item.concepts:
                    continue
                if tag and tag not in e.tags:
                    continue
                out.append((e.id, item))
        return out


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, monkeypatch, clock):
    monkeypatch.setenv("KB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    with open_store(clock=clock) as s:
        yield s


def card(item_id: str, due: datetime) -> CardState:
    return CardState(item_id, 2, None, 5.0, 5.0, due, due - timedelta(days=5), 3, 2, 0)


# --- build_queue -----------------------------------------------------------------------


def test_due_first_most_overdue_first_then_bounded_new():
    q = quiz("q", [tf_item(f"i{n}") for n in range(6)])
    items = [("q", it) for it in q.items]
    cards = {
        "i1": card("i1", T0 - timedelta(hours=1)),
        "i3": card("i3", T0 - timedelta(days=2)),
        "i4": card("i4", T0 + timedelta(days=1)),  # not due: left out
    }
    queue = build_queue(items, cards, T0, new_limit=2)
    assert [(e.item_id, e.kind) for e in queue] == [("i3", DUE), ("i1", DUE), ("i0", NEW), ("i2", NEW)]
    assert [e.item_id for e in build_queue(items, cards, T0, new_limit=0)] == ["i3", "i1"]
    assert [e.item_id for e in build_queue(items, cards, T0, new_limit=9, due_limit=1)] == ["i3", "i0", "i2", "i5"]


def test_duplicate_items_are_asked_once():
    q = quiz("q", [tf_item("a"), tf_item("b")])
    items = [("q", q.items[0]), ("q", q.items[1]), ("other", q.items[0])]
    assert [e.item_id for e in build_queue(items, {}, T0, new_limit=10)] == ["a", "b"]


# --- a session against the store -------------------------------------------------------------


def test_session_records_each_rating_at_once_and_reasks_learning_items(store, clock):
    q = quiz("q", [tf_item("a", answer=True), tf_item("b", answer=False), tf_item("c")])
    s = QuizSession(store, [("q", it) for it in q.items], new_limit=2, lang="zh", fuzz=False)
    assert [e.item_id for e in s.queue] == ["a", "b"]

    e = s.next_item()
    with pytest.raises(InvalidResponse):
        s.check(e, "也许")
    g = s.check(e, "对")
    assert g.correct and g.expected == "对"
    s.rate(e, GOOD, grade=g, answer="对", duration_ms=1200)
    assert len(store.reviews("a")) == 1  # committed already

    clock.now += timedelta(seconds=30)
    e = s.next_item()
    g = s.check(e, "对")  # b is false
    assert not g.correct
    s.rate(e, AGAIN, grade=g, answer="对")

    # both are learning items due within 20 minutes: asked again in this session
    assert [x.kind for x in s.queue] == ["again", "again"]
    clock.now += timedelta(minutes=1)
    e = s.next_item()
    s.rate(e, EASY, grade=s.check(e, "t"))
    summary = s.summary()
    assert (summary.answered, summary.correct, summary.new_seen, summary.left) == (3, 2, 2, 1)
    assert summary.ratings == {GOOD: 1, AGAIN: 1, EASY: 1}
    assert store.review_count() == 3
    assert [r.correct for r in store.reviews()] == [True, False, True]


def test_new_limit_defaults_to_setting(store):
    store.set_setting("new_per_session", 1)
    q = quiz("q", [tf_item("a"), tf_item("b")])
    assert len(QuizSession(store, [("q", it) for it in q.items])) == 1


def test_due_items_come_back_on_a_later_day(store, clock):
    q = quiz("q", [tf_item("a"), tf_item("b")])
    items = [("q", it) for it in q.items]
    s = QuizSession(store, items, new_limit=5, fuzz=False)
    while (e := s.next_item()) is not None:
        s.rate(e, EASY, grade=s.check(e, "t"))
    assert QuizSession(store, items, new_limit=5).planned == 0  # nothing due, nothing new
    clock.now += timedelta(days=60)
    later = QuizSession(store, items, new_limit=5)
    assert [(e.item_id, e.kind) for e in later.queue] == [("a", DUE), ("b", DUE)]


def test_skip_records_nothing(store):
    q = quiz("q", [tf_item("a")])
    s = QuizSession(store, [("q", q.items[0])], new_limit=5)
    s.skip(s.next_item())
    assert s.next_item() is None and store.review_count() == 0


# --- choosing items ---------------------------------------------------------------------------


def concept(cid: str, prerequisites=()) -> Concept:
    return Concept.model_validate({"kind": "concept", "id": cid, "title": {"en": cid, "zh": cid},
                                   "summary": {"en": "s", "zh": "s"}, "prerequisites": list(prerequisites)})


def test_select_by_tag_and_by_path():
    q1 = quiz("q1", [tf_item("a", "c1"), tf_item("b", "c2")], tags=["basics"])
    q2 = quiz("q2", [tf_item("c", "c2"), tf_item("d", "c3")], tags=["advanced"])
    path = LearningPath.model_validate({
        "kind": "path", "id": "p", "title": {"en": "p", "zh": "p"}, "summary": {"en": "s", "zh": "s"},
        "steps": [{"do": "read", "ref": "c2"}, {"do": "quiz", "ref": "c2"}, {"do": "quiz", "ref": "q2"}]})
    cat = FakeCatalog([q1, q2, concept("c1"), concept("c2"), concept("c3"), path])
    assert [it.id for _, it in select_items(cat)] == ["a", "b", "c", "d"]
    assert [it.id for _, it in select_items(cat, tag="advanced")] == ["c", "d"]
    assert [it.id for _, it in select_items(cat, path="p")] == ["b", "c", "d"]
    assert [it.id for _, it in select_items(cat, path="p", tag="basics")] == ["b"]
    with pytest.raises(NoSuchPath):
        select_items(cat, path="c1")



def test_the_counts_left_shrink_as_items_are_answered(store, clock):
    """Anki's new / learning / review counts. The old counter's total grew with every
    answer (1/10, 2/11, ...): what is left now only shrinks, and an item rated Again
    moves from new to learning."""
    from kb.quiz.session import counts_label

    q = quiz("q", [tf_item("a"), tf_item("b"), tf_item("c")])
    s = QuizSession(store, [("q", it) for it in q.items], new_limit=3, fuzz=False)
    assert s.counts() == {"new": 3, "learning": 0, "review": 0}
    e = s.next_item()
    s.rate(e, AGAIN, grade=s.check(e, "f"))
    assert s.counts() == {"new": 2, "learning": 1, "review": 0}
    e = s.next_item()
    s.rate(e, EASY, grade=s.check(e, "t"))
    assert s.counts() == {"new": 1, "learning": 1, "review": 0}
    assert counts_label(s.counts(), "en") == "new 1 · learning 1 · review 0"
    assert counts_label(s.counts(), "zh") == "新题 1 · 学习中 1 · 复习 0"


# --- undo of the last rating (issue 10, defect 2) ---------------------------------------------


def test_undo_puts_the_item_back_first_and_the_card_as_it_was(store, clock):
    q = quiz("q", [tf_item("a"), tf_item("b"), tf_item("c")])
    items = [("q", it) for it in q.items]
    store.record_review("b", GOOD, fuzz=False)  # b has a card from an earlier day
    clock.now += timedelta(days=30)
    b_before = store.card("b")
    s = QuizSession(store, items, new_limit=5, fuzz=False)
    assert [e.item_id for e in s.queue] == ["b", "a", "c"] and not s.can_undo()
    assert s.undo() is None

    e = s.next_item()
    s.rate(e, AGAIN, grade=s.check(e, "f"))  # queued again (learning)
    assert store.card("b") != b_before and s.counts() == {"new": 2, "learning": 1, "review": 0}
    back = s.undo()
    assert back is e and s.next_item() is e  # asked again, first, as it was (a review)
    assert store.card("b") == b_before and len(store.reviews("b")) == 1
    assert s.cards["b"] == b_before
    assert [x.item_id for x in s.queue] == ["b", "a", "c"]  # the Again copy is gone
    assert s.counts() == {"new": 2, "learning": 0, "review": 1}
    assert not s.can_undo()  # once per rating
    s.rate(e, GOOD, grade=s.check(e, "t"))
    assert [r.rating for r in store.reviews("b")] == [GOOD, GOOD]
    summary = s.summary()
    assert (summary.answered, summary.reviewed, summary.ratings) == (1, 1, {GOOD: 1})


def test_undo_goes_back_through_the_sessions_answers(store, clock):
    q = quiz("q", [tf_item("a"), tf_item("b")])
    s = QuizSession(store, [("q", it) for it in q.items], new_limit=5, fuzz=False)
    first = s.next_item()
    s.rate(first, AGAIN, grade=s.check(first, "f"))  # a comes back
    second = s.next_item()
    s.rate(second, EASY, grade=s.check(second, "t"))
    again = s.next_item()
    assert again.item_id == "a" and again.kind == "again"
    clock.now += timedelta(minutes=2)
    s.rate(again, GOOD, grade=s.check(again, "t"))
    assert store.review_count() == 3

    assert s.undo() is again and s.undo() is second and s.undo() is first
    assert s.undo() is None
    assert store.review_count() == 0 and store.cards() == {} and s.cards == {}
    assert [(x.item_id, x.kind) for x in s.queue] == [("a", NEW), ("b", NEW)]
    assert s.summary().answered == 0
    # asked again from the start, three times as before (max_asks counts afresh)
    e = s.next_item()
    s.rate(e, AGAIN, grade=s.check(e, "f"))
    assert [x.kind for x in s.queue] == [NEW, "again"]


# --- how a session ends (one rule for `kb quiz` and the app) ----------------------------


def test_an_answer_not_yet_rated_is_kept_with_its_rating_when_the_session_ends(store, clock):
    q = quiz("q", [tf_item("a", answer=True), tf_item("b", answer=False)])
    s = QuizSession(store, [("q", it) for it in q.items], new_limit=2, lang="en", fuzz=False)
    e = s.next_item()
    assert s.answered(e, s.check(e, "t"), "t", 900) == GOOD  # right: Good is proposed
    s.propose(EASY)  # the learner moved the rating, then left before rating
    summary = s.end()
    assert s.pending is None and summary.answered == 1 and summary.ratings == {EASY: 1}
    [review] = store.reviews("a")
    assert (review.rating, review.correct, review.answer, review.duration_ms) == (EASY, True, "t", 900)
    assert s.end().answered == 1  # ending twice records nothing twice


def test_a_rated_skipped_or_undone_answer_is_not_recorded_again_at_the_end(store, clock):
    q = quiz("q", [tf_item("a", answer=True), tf_item("b", answer=False), tf_item("c")])
    s = QuizSession(store, [("q", it) for it in q.items], new_limit=3, lang="en", fuzz=False)
    e = s.next_item()
    g = s.check(e, "t")
    s.answered(e, g, "t")
    s.rate(e, GOOD, grade=g, answer="t")
    assert s.pending is None
    e = s.next_item()
    s.answered(e, s.check(e, "t"), "t")
    s.skip(e)
    assert s.pending is None
    e = s.next_item()
    s.answered(e, s.check(e, "t"), "t")
    s.undo()  # takes back a's rating: the answer on screen is dropped, a is asked first
    assert s.pending is None and s.next_item().item_id == "a"
    assert s.end().answered == 0 and store.review_count() == 0


def test_the_summary_in_sentences_in_both_languages(store, clock):
    q = quiz("q", [tf_item("a", answer=True), tf_item("b", answer=False)])
    s = QuizSession(store, [("q", it) for it in q.items], new_limit=1, lang="en", fuzz=False)
    e = s.next_item()
    s.rate(e, GOOD, grade=s.check(e, "t"))
    en = s.end().lines("en", s.now())
    zh = s.summary().lines("zh", s.now())
    assert en[0] == "1 answered, 1 right (1 new, 0 reviews)." and en[1] == "Good 1"
    assert en[-1].startswith("Next review ")
    assert zh[0] == "作答 1 题，答对 1 题（新题 1，复习 0）。" and zh[-1].startswith("下次复习：")
