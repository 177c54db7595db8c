"""FSRS scheduling through kb's wrapper, with a fixed clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kb.progress.records import LEARNING, RELEARNING, REVIEW
from kb.progress.scheduling import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    apply_rating,
    make_scheduler,
    parse_rating,
    propose_rating,
    replay,
    retrievability,
)

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def sched():
    return make_scheduler(0.9, fuzz=False)


def test_proposed_rating():
    assert propose_rating(True) == GOOD
    assert propose_rating(False) == AGAIN


@pytest.mark.parametrize("text, rating", [("1", AGAIN), ("again", AGAIN), ("a", AGAIN), ("重来", AGAIN),
                                          ("2", HARD), ("H", HARD), ("困难", HARD), ("good", GOOD),
                                          ("g", GOOD), ("良好", GOOD), ("4", EASY), ("e", EASY), ("简单", EASY)])
def test_parse_rating(text, rating):
    assert parse_rating(text) == rating


@pytest.mark.parametrize("text", ["", "5", "0", "great", "x"])
def test_parse_rating_rejects(text):
    assert parse_rating(text) is None


def test_new_card_learning_steps_with_fixed_clock(sched):
    c = apply_rating(sched, None, "q", GOOD, T0)
    assert (c.state, c.step, c.reps, c.lapses) == (LEARNING, 1, 1, 0)
    assert c.due == T0 + timedelta(minutes=10)
    assert c.last_review == T0 and c.last_rating == GOOD

    again = apply_rating(sched, None, "q", AGAIN, T0)
    assert again.due == T0 + timedelta(minutes=1)

    easy = apply_rating(sched, None, "q", EASY, T0)
    assert easy.state == REVIEW and easy.due - T0 >= timedelta(days=1)


def test_graduation_lapse_and_growing_intervals(sched):
    c = apply_rating(sched, None, "q", GOOD, T0)
    c = apply_rating(sched, c, "q", GOOD, c.due)
    assert c.state == REVIEW
    intervals = []
    for _ in range(4):
        t = c.due
        c = apply_rating(sched, c, "q", GOOD, t)
        intervals.append(c.due - t)
    assert intervals == sorted(intervals) and intervals[-1] > timedelta(days=20)
    lapsed = apply_rating(sched, c, "q", AGAIN, c.due)
    assert lapsed.state == RELEARNING and lapsed.lapses == 1
    assert lapsed.stability < c.stability


def test_same_inputs_same_schedule(sched):
    """With fuzz off the schedule is a pure function of the answers and the clock."""
    answers = [(T0, GOOD), (T0 + timedelta(minutes=10), GOOD), (T0 + timedelta(days=3), HARD)]
    a = replay(sched, "q", answers)
    b = replay(make_scheduler(0.9, fuzz=False), "q", list(reversed(answers)))
    assert a == b and a.reps == 3


def test_higher_retention_means_shorter_intervals():
    def interval(retention):
        s = make_scheduler(retention, fuzz=False)
        c = apply_rating(s, None, "q", GOOD, T0)
        c = apply_rating(s, c, "q", GOOD, c.due)
        c = apply_rating(s, c, "q", GOOD, c.due)
        return c.due - c.last_review

    assert interval(0.97) < interval(0.90) < interval(0.75)


@pytest.mark.parametrize("bad", [0.5, 0.69, 0.995, 1.0])
def test_retention_range(bad):
    with pytest.raises(ValueError):
        make_scheduler(bad)


def test_any_timezone_is_converted_to_utc(sched):
    shanghai = T0.astimezone(ZoneInfo("Asia/Shanghai"))
    c = apply_rating(sched, None, "q", GOOD, shanghai)
    assert c.last_review == T0 and c.due.tzinfo is timezone.utc


def test_naive_datetime_refused(sched):
    with pytest.raises(ValueError):
        apply_rating(sched, None, "q", GOOD, datetime(2025, 1, 1))


def test_retrievability(sched):
    assert retrievability(sched, None, T0) == 0.0
    c = apply_rating(sched, None, "q", EASY, T0)
    r1 = retrievability(sched, c, T0 + timedelta(days=1))
    r30 = retrievability(sched, c, T0 + timedelta(days=30))
    assert 1.0 >= r1 > r30 > 0.0
