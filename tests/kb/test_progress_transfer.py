"""Export / import: versioned JSON, merge without duplicates, histories that diverged."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from kb.progress import ProgressStoreError, open_store
from kb.progress.transfer import VERSION, ImportFormatError, export_data, export_file, import_data, import_file

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)


@pytest.fixture
def clock():
    return Clock()


def new_store(tmp_path, name, clock):
    return open_store(f"sqlite:///{tmp_path / name}.sqlite", clock=clock)


def fill(store, clock):
    store.record_review("a", 3, correct=True, answer="B", duration_ms=900, fuzz=False)
    clock.now += timedelta(minutes=10)
    store.record_review("a", 3, correct=True, fuzz=False)
    store.record_review("b", 1, correct=False, answer="错", fuzz=False)
    store.record_attempt("sigmoid", "fail", 1.5, 1, False, report_json='{"status": "fail"}')
    store.record_attempt("sigmoid", "pass", 0.5, 1, False)
    store.unlock_hint("sigmoid")
    store.unlock_solution("relu")
    store.mark_read("sigmoid-function")
    store.set_setting("desired_retention", 0.85)
    store.set_setting("lang", "zh")


def snapshot(store):
    return {
        "cards": store.cards(),
        "reviews": store.reviews(),
        "attempts": store.attempts(),
        "hints": store.hints_unlocked("sigmoid"),
        "solution": store.solution_unlocked("relu"),
        "reads": store.read_entries(),
        "settings": store.settings(),
    }


def test_round_trip_to_a_new_machine(tmp_path, clock):
    with new_store(tmp_path, "old", clock) as old:
        fill(old, clock)
        counts = export_file(old, tmp_path / "backup.json")
        before = snapshot(old)
    assert counts["reviews"] == 3 and counts["attempts"] == 2
    data = json.loads((tmp_path / "backup.json").read_text("utf-8"))
    assert data["format"] == "kb-progress" and data["version"] == VERSION
    assert "错" in (tmp_path / "backup.json").read_text("utf-8")  # readable, not \\u escaped
    with new_store(tmp_path, "new", clock) as new:
        res = import_file(new, tmp_path / "backup.json")
        assert (res.reviews_added, res.cards_added, res.attempts_added, res.settings_added) == (3, 2, 2, 2)
        assert snapshot(new) == before


def test_importing_twice_adds_nothing(tmp_path, clock):
    with new_store(tmp_path, "s", clock) as s:
        fill(s, clock)
        data = export_data(s)
        before = snapshot(s)
        res = import_data(s, data)
        assert (res.reviews_added, res.reviews_skipped, res.attempts_added, res.attempts_skipped) == (0, 3, 0, 2)
        assert (res.cards_added, res.cards_updated, res.cards_replayed) == (0, 0, 0)
        import_data(s, json.loads(json.dumps(data)))
        assert snapshot(s) == before


def test_file_ahead_of_local_brings_its_card(tmp_path, clock):
    with new_store(tmp_path, "laptop", clock) as laptop, new_store(tmp_path, "desk", clock) as desk:
        laptop.record_review("a", 3, fuzz=False)
        import_data(desk, export_data(laptop))  # desk now has the same history
        clock.now += timedelta(minutes=10)
        laptop.record_review("a", 3, fuzz=False)  # laptop moves on
        res = import_data(desk, export_data(laptop))
        assert (res.reviews_added, res.cards_updated, res.cards_replayed) == (1, 1, 0)
        assert desk.card("a") == laptop.card("a")


def test_diverged_histories_are_replayed(tmp_path, clock):
    with new_store(tmp_path, "laptop", clock) as laptop, new_store(tmp_path, "desk", clock) as desk:
        laptop.record_review("a", 3, fuzz=False)
        clock.now += timedelta(minutes=10)
        desk.record_review("a", 1, fuzz=False)  # answered on the other machine too
        clock.now += timedelta(days=2)
        laptop.record_review("a", 3, fuzz=False)
        res = import_data(desk, export_data(laptop))
        assert (res.reviews_added, res.cards_replayed) == (2, 1)
        card = desk.card("a")
        assert card.reps == 3 == len(desk.reviews("a"))
        assert [r.rating for r in desk.reviews("a")] == [3, 1, 3]
        assert card.last_review == clock.now


def test_unlocks_take_the_maximum_and_local_settings_win(tmp_path, clock):
    with new_store(tmp_path, "a", clock) as a, new_store(tmp_path, "b", clock) as b:
        a.unlock_hint("adam")
        b.unlock_hint("adam")
        b.unlock_hint("adam")
        b.set_setting("lang", "en")
        a.set_setting("lang", "zh")
        a.set_setting("theme", "dark")
        import_data(b, export_data(a))
        assert b.hints_unlocked("adam") == 2
        assert b.get_setting("lang") == "en"  # ours stays
        assert b.get_setting("theme") == "dark"  # theirs fills a gap


def test_an_item_whose_card_is_missing_from_the_file_is_rebuilt(tmp_path, clock):
    with new_store(tmp_path, "a", clock) as a, new_store(tmp_path, "b", clock) as b:
        a.record_review("x", 3, fuzz=False)
        data = export_data(a)
        data["cards"] = []
        res = import_data(b, data)
        assert res.cards_added == 1 and b.card("x").reps == 1


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        (lambda d: d.update(version=VERSION + 1), "newer kb"),
        (lambda d: d.update(format="something-else"), "not a kb progress export"),
        (lambda d: d["reviews"][0].update(rating=7), "reviews[0].rating"),
        (lambda d: d["reviews"][0].update(at="2025-03-01T09:00:00"), "without a time zone"),
        (lambda d: d["cards"][0].update(due="yesterday"), "cards[0].due"),
        (lambda d: d.update(attempts={"not": "a list"}), "attempts"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(tmp_path, clock, mutate, fragment):
    with new_store(tmp_path, "s", clock) as s:
        fill(s, clock)
        data = export_data(s)
        data["reviews"][0]["uid"] = "brand-new-uid"  # would be added if the import went ahead
        mutate(data)
        before = snapshot(s)
        with pytest.raises(ImportFormatError) as err:
            import_data(s, data, source="backup.json")
        assert fragment in str(err.value)
        assert isinstance(err.value, ProgressStoreError)
        assert snapshot(s) == before


def test_not_json_and_missing_file(tmp_path, clock):
    (tmp_path / "x.json").write_text("{oops", "utf-8")
    with new_store(tmp_path, "s", clock) as s:
        with pytest.raises(ImportFormatError, match="not a JSON file"):
            import_file(s, tmp_path / "x.json")
        with pytest.raises(ImportFormatError, match="cannot read"):
            import_file(s, tmp_path / "missing.json")


def test_export_overwrites_atomically(tmp_path, clock):
    target = tmp_path / "out.json"
    target.write_text("old", "utf-8")
    with new_store(tmp_path, "s", clock) as s:
        export_file(s, target)
    assert json.loads(target.read_text("utf-8"))["format"] == "kb-progress"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
