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


def new_store(where, name, clock, learner=None):
    """A store called ``name``: on the test's backend, or an SQLite file in a directory."""
    url = where.new_url(name) if hasattr(where, "new_url") else f"sqlite:///{where / name}.sqlite"
    return open_store(url, clock=clock, learner=learner)


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


def test_round_trip_to_a_new_machine(tmp_path, clock, backend):
    with new_store(backend, "old", clock) as old:
        fill(old, clock)
        counts = export_file(old, tmp_path / "backup.json")
        before = snapshot(old)
    assert counts["reviews"] == 3 and counts["attempts"] == 2
    data = json.loads((tmp_path / "backup.json").read_text("utf-8"))
    assert data["format"] == "kb-progress" and data["version"] == VERSION
    assert "错" in (tmp_path / "backup.json").read_text("utf-8")  # readable, not \\u escaped
    with new_store(backend, "new", clock) as new:
        res = import_file(new, tmp_path / "backup.json")
        assert (res.reviews_added, res.cards_added, res.attempts_added, res.settings_added) == (3, 2, 2, 2)
        assert snapshot(new) == before


def test_importing_twice_adds_nothing(tmp_path, clock, backend):
    with new_store(backend, "s", clock) as s:
        fill(s, clock)
        data = export_data(s)
        before = snapshot(s)
        res = import_data(s, data)
        assert (res.reviews_added, res.reviews_skipped, res.attempts_added, res.attempts_skipped) == (0, 3, 0, 2)
        assert (res.cards_added, res.cards_updated, res.cards_replayed) == (0, 0, 0)
        import_data(s, json.loads(json.dumps(data)))
        assert snapshot(s) == before


def test_file_ahead_of_local_brings_its_card(tmp_path, clock, backend):
    with new_store(backend, "laptop", clock) as laptop, new_store(backend, "desk", clock) as desk:
        laptop.record_review("a", 3, fuzz=False)
        import_data(desk, export_data(laptop))  # desk now has the same history
        clock.now += timedelta(minutes=10)
        laptop.record_review("a", 3, fuzz=False)  # laptop moves on
        res = import_data(desk, export_data(laptop))
        assert (res.reviews_added, res.cards_updated, res.cards_replayed) == (1, 1, 0)
        assert desk.card("a") == laptop.card("a")


def test_diverged_histories_are_replayed(tmp_path, clock, backend):
    with new_store(backend, "laptop", clock) as laptop, new_store(backend, "desk", clock) as desk:
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


def test_unlocks_take_the_maximum_and_local_settings_win(tmp_path, clock, backend):
    with new_store(backend, "a", clock) as a, new_store(backend, "b", clock) as b:
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


def test_an_item_whose_card_is_missing_from_the_file_is_rebuilt(tmp_path, clock, backend):
    with new_store(backend, "a", clock) as a, new_store(backend, "b", clock) as b:
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
def test_bad_files_are_refused_and_change_nothing(tmp_path, clock, mutate, fragment, backend):
    with new_store(backend, "s", clock) as s:
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


# --- hostile files: bounded import ------------------------------------------------------------
#
# Each file below is an export from another machine with one hostile value in it. The
# import must refuse it with one line naming the record and field, write nothing (the
# file also carries new reviews, attempts and reads that a partial import would add),
# and leave `kb progress` and `kb quiz` working.

QUIZ_ITEMS = ("relu-negative", "sigmoid-range")  # the quiz in tests/kb/fixtures/pack


def other_machine(tmp_path, clock) -> dict:
    with new_store(tmp_path, "other", clock) as other:
        other.record_review("relu-negative", 3, correct=True, answer="b", duration_ms=900, fuzz=False)
        other.record_review("sigmoid-range", 1, correct=False, answer="t", fuzz=False)
        other.record_attempt("sigmoid", "fail", 1.5, 1, False, report_json='{"status": "fail"}')
        other.mark_read("relu")
        return export_data(other)


def local_snapshot():
    with open_store() as s:
        return {**snapshot(s), "unlocks": s.hints_unlocked("sigmoid")}


def write_json(path, data) -> str:
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")  # NaN/Infinity written as such
    return str(path)


def card_of(data, item):
    return next(c for c in data["cards"] if c["item_id"] == item)


HUGE = int("9" * 400)

HOSTILE = {
    "negative stability": (lambda d: card_of(d, "relu-negative").update(stability=-5), "stability", "out of range"),
    "NaN stability": (lambda d: card_of(d, "relu-negative").update(stability=float("nan")), "stability", "finite"),
    "infinite difficulty": (lambda d: card_of(d, "relu-negative").update(difficulty=float("inf")), "difficulty",
                            "finite"),
    "reps 2**63-1": (lambda d: card_of(d, "relu-negative").update(reps=2**63 - 1), "reps", "9223372036854775807"),
    "due 9999-12-31": (lambda d: card_of(d, "relu-negative").update(due="9999-12-31"), "due", "time zone"),
    "due 9999-12-31 UTC": (lambda d: card_of(d, "relu-negative").update(due="9999-12-31T23:59:59+00:00"), "due",
                           "outside"),
    "400-digit reps": (lambda d: card_of(d, "relu-negative").update(reps=HUGE), "reps", "huge number"),
    "400-digit stability": (lambda d: card_of(d, "relu-negative").update(stability=HUGE), "stability", "huge"),
    "400-digit date": (lambda d: d["reviews"][0].update(at=HUGE), "reviews[0].at", "ISO 8601"),
    "long answer": (lambda d: d["reviews"][0].update(answer="x" * 10_000), "reviews[0].answer", "too long"),
    "huge report_json": (lambda d: d["attempts"][0].update(report_json="{}" + " " * 1_200_000),
                         "attempts[0].report_json", "too long"),
}


@pytest.fixture
def cli(kb, pack, monkeypatch):
    """``cli("progress")`` → Result, with the fixture pack's quiz loaded."""
    import io

    def run(*argv, stdin=""):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return kb("--content", str(pack), *argv)

    return run


def assert_kb_still_works(cli):
    res = cli("progress")
    assert res.code == 0 and "Traceback" not in res.err, res.err
    res = cli("quiz", "--new", "5", stdin="b\n\nf\n\n")
    assert res.code == 0 and "Traceback" not in res.err, res.err
    assert "Session: 1 answered" in res.out or "Session: 2 answered" in res.out  # whatever was due


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_a_hostile_value_is_refused_and_changes_nothing(tmp_path, clock, cli, case):
    mutate, field, fragment = HOSTILE[case]
    data = other_machine(tmp_path, clock)
    mutate(data)
    with open_store() as local:  # some history of our own, so that a merge would change it
        local.record_review("relu-negative", 1, correct=False, fuzz=False)
        local.unlock_hint("sigmoid")
    before = local_snapshot()
    res = cli("progress", "import", write_json(tmp_path / "hostile.json", data))
    assert res.code == 1
    assert field in res.err and fragment in res.err and "Traceback" not in res.err
    assert len(res.err.strip().splitlines()) == 1
    assert local_snapshot() == before
    assert_kb_still_works(cli)


def test_a_100_mb_answer_is_refused_by_the_file_size_cap(tmp_path, clock, cli):
    data = other_machine(tmp_path, clock)
    data["reviews"][0]["answer"] = "x" * (100 * 1024 * 1024)
    path = write_json(tmp_path / "huge.json", data)
    del data
    before = local_snapshot()
    res = cli("progress", "import", path)
    assert res.code == 1 and "larger than 64 MB" in res.err and "Traceback" not in res.err
    assert local_snapshot() == before
    assert_kb_still_works(cli)


def test_the_same_file_without_the_hostile_value_imports(tmp_path, clock, cli):
    path = write_json(tmp_path / "fine.json", other_machine(tmp_path, clock))
    res = cli("progress", "import", path)
    assert res.code == 0, res.err
    with open_store() as s:
        assert len(s.reviews()) == 2 and len(s.attempts()) == 1
    assert_kb_still_works(cli)


def test_refusals_are_in_chinese_too(tmp_path, clock, cli):
    data = other_machine(tmp_path, clock)
    card_of(data, "relu-negative")["stability"] = -5
    res = cli("--lang", "zh", "progress", "import", write_json(tmp_path / "hostile.json", data))
    assert res.code == 1 and "cards[" in res.err and "超出范围" in res.err


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        (lambda d: d["cards"][0].update(difficulty=11.0), "cards[0].difficulty"),
        (lambda d: d["cards"][0].update(difficulty=0.5), "cards[0].difficulty"),
        (lambda d: d["cards"][0].update(stability=0.0), "cards[0].stability"),
        (lambda d: d["cards"][0].update(reps="3"), "cards[0].reps: expected a whole number"),
        (lambda d: d["cards"][0].update(reps=3.0), "cards[0].reps: expected a whole number"),
        (lambda d: d["cards"][0].update(lapses=-1), "cards[0].lapses"),
        (lambda d: d["cards"][0].update(lapses=99, reps=1), "more lapses than reviews"),
        (lambda d: d["cards"][0].update(state=2, step=4), "cards[0].step"),
        (lambda d: d["cards"][0].update(state=3, step=None), "cards[0].step"),
        (lambda d: d["cards"][0].update(state=2, stability=None, difficulty=None), "cards[0].stability"),
        (lambda d: d["cards"][0].update(difficulty=None), "both be set"),
        (lambda d: d["cards"][0].update(item_id="a\x1b[2Jb"), "cards[0].item_id"),
        (lambda d: d["cards"][0].update(item_id="x" * 201), "cards[0].item_id"),
        (lambda d: d["cards"][0].update(due="0001-01-01T00:00:00+01:00"), "cards[0].due"),
        (lambda d: d["cards"][0].update(due="1999-12-31T00:00:00+00:00"), "outside 2000"),
        (lambda d: d["cards"][0].update(last_review="2" * 1000), "cards[0].last_review"),
        (lambda d: d["reviews"][0].update(duration_ms=2**40), "reviews[0].duration_ms"),
        (lambda d: d["reviews"][0].update(answer=["not", "text"]), "reviews[0].answer: expected a string"),
        (lambda d: d["reviews"][0].update(answer="\ud800"), "reviews[0].answer"),
        (lambda d: d["reviews"][0].update(answer="a\x00b"), "reviews[0].answer"),
        (lambda d: d["attempts"][0].update(duration_s=float("inf")), "attempts[0].duration_s"),
        (lambda d: d["attempts"][0].update(hints_seen=10**6), "attempts[0].hints_seen"),
        (lambda d: d["attempts"][0].update(report_json="{oops"), "attempts[0].report_json: not a JSON object"),
        (lambda d: d["attempts"][0].update(report_json='{"x": NaN}'), "attempts[0].report_json"),
        (lambda d: d["unlocks"][0].update(hints_unlocked=2**63), "unlocks[0].hints_unlocked"),
        (lambda d: d["reads"][0].update(count=2**63), "reads[0].count"),
        (lambda d: d["settings"].update(theme=float("nan")), "settings.theme"),
        (lambda d: d["settings"].update(theme="x" * 10_000), "settings.theme"),
        (lambda d: d["settings"].update(theme=json.loads("[" * 40 + "]" * 40)), "settings.theme"),
        (lambda d: d["settings"].update({"k" * 101: 1}), "settings["),
        (lambda d: d.update(version=0), "version"),
        (lambda d: d.update(version=10**400), "newer kb"),
    ],
)
def test_out_of_range_values_are_refused_and_change_nothing(tmp_path, clock, mutate, fragment, backend):
    with new_store(backend, "s", clock) as s:
        fill(s, clock)
        data = json.loads(json.dumps(export_data(s)))
        data["reviews"][0]["uid"] = "brand-new-uid"  # would be added if the import went ahead
        data["attempts"][0]["uid"] = "brand-new-attempt"
        mutate(data)
        before = snapshot(s)
        with pytest.raises(ImportFormatError) as err:
            import_data(s, data, source="backup.json")
        assert fragment in str(err.value) and str(err.value).startswith("backup.json")
        assert "\n" not in str(err.value)
        assert snapshot(s) == before
        s.record_review("a", 3, fuzz=False)  # and the store goes on working


def test_a_card_state_the_scheduler_rejects_is_refused(tmp_path, clock, monkeypatch, backend):
    """Past the range checks, each card is answered once in a dry run: whatever fsrs
    raises for a state (here simulated) refuses the file instead of a later answer."""
    import kb.progress.scheduling as scheduling

    real = scheduling.apply_rating

    def picky(scheduler, before, item_id, rating, now):
        if item_id == "b":
            raise AssertionError("card.step is None")
        return real(scheduler, before, item_id, rating, now)

    with new_store(backend, "s", clock) as s:
        fill(s, clock)
        data = export_data(s)
        data["reviews"][0]["uid"] = "brand-new-uid"
        before = snapshot(s)
        monkeypatch.setattr(scheduling, "apply_rating", picky)
        with pytest.raises(ImportFormatError, match=r"cards\[1\]: the scheduler cannot use this card state"):
            import_data(s, data, source="backup.json")
        assert snapshot(s) == before


@pytest.mark.parametrize(
    "text, fragment",
    [
        ('{"format": "kb-progress", "version": 1, "settings": {"a": ' + "[" * 100_000 + "]" * 100_000 + "}}",
         "nested too deeply"),
        ('{"format": "kb-progress", "version": ' + "9" * 5000 + "}", "thousands of digits"),
        ("[1, 2", "not a JSON file"),
    ],
    ids=["deep", "5000-digit", "truncated"],
)
def test_a_file_json_cannot_hold_is_a_clear_error(tmp_path, clock, text, fragment):
    (tmp_path / "x.json").write_text(text, "utf-8")
    with new_store(tmp_path, "s", clock) as s:
        with pytest.raises(ImportFormatError, match=fragment):
            import_file(s, tmp_path / "x.json")


def test_file_size_is_capped_while_reading(tmp_path, clock, monkeypatch):
    import kb.progress.transfer as transfer

    monkeypatch.setattr(transfer, "MAX_FILE_BYTES", 1000)
    (tmp_path / "big.json").write_bytes(b" " * 1001)
    (tmp_path / "latin1.json").write_bytes(b'{"format": "\xe9"}')
    with new_store(tmp_path, "s", clock) as s:
        with pytest.raises(ImportFormatError, match="larger than"):
            import_file(s, tmp_path / "big.json")
        with pytest.raises(ImportFormatError, match="not UTF-8"):
            import_file(s, tmp_path / "latin1.json")


def test_long_answers_are_cut_when_recorded_so_every_export_imports(tmp_path, clock, backend):
    from kb.progress.records import MAX_ANSWER_CHARS

    with new_store(backend, "a", clock) as a, new_store(backend, "b", clock) as b:
        a.record_review("a", 3, answer="y" * (MAX_ANSWER_CHARS + 10), fuzz=False)
        assert len(a.reviews()[0].answer) == MAX_ANSWER_CHARS
        assert import_data(b, export_data(a)).reviews_added == 1


# --- per learner ------------------------------------------------------------------------------


def test_export_and_import_are_per_learner(tmp_path, clock, backend):
    """Two learners in one store: each export holds only its learner's rows; importing
    ann's export as carl copies ann's progress to carl and touches nobody else's."""
    with new_store(backend, "class", clock, learner="ann") as ann, \
            new_store(backend, "class", clock, learner="bob") as bob:
        fill(ann, clock)
        bob.record_review("bob-only", 4, answer="bob", fuzz=False)
        bob.record_attempt("relu", "pass", 0.1, 0, False)
        bob.set_setting("lang", "en")
        ann_data, bob_data = export_data(ann), export_data(bob)
        assert ann_data["learner"] == "ann" and bob_data["learner"] == "bob"
        assert {r["item_id"] for r in ann_data["reviews"]} == {"a", "b"}
        assert [r["item_id"] for r in bob_data["reviews"]] == ["bob-only"]
        assert [a["exercise_id"] for a in bob_data["attempts"]] == ["relu"]
        assert bob_data["settings"] == {"lang": "en"} and bob_data["unlocks"] == []
        ann_before, bob_before = snapshot(ann), snapshot(bob)

        # the same file imported by its own learner adds nothing (uids are per learner)
        res = import_data(ann, ann_data)
        assert (res.reviews_added, res.attempts_added) == (0, 0)
        with new_store(backend, "class", clock, learner="carl") as carl:
            res = import_data(carl, ann_data)
            assert (res.reviews_added, res.attempts_added, res.cards_added) == (3, 2, 2)
            assert snapshot(carl) == ann_before  # the same uids, now carl's too
            assert sorted(carl.learners()) == ["ann", "bob", "carl"]
        assert snapshot(ann) == ann_before and snapshot(bob) == bob_before
