"""The progress store: the API other parts of kb code against (on SQLite and on
PostgreSQL: the ``backend`` fixture), learners kept apart in one store, opening rules
(corrupt or newer files are refused and left untouched), and schema/migration drift."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kb.progress import ProgressStoreError, open_store
from kb.progress.models import HEAD, REVISIONS

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime = T0):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("KB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    return tmp_path / "home"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(home, backend, clock):
    s = open_store(backend.url, clock=clock)
    yield s
    s.close()


def db_file(home: Path) -> Path:
    return home / "data" / "progress.sqlite"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the contract the exercise CLI codes against ------------------------------------------


def test_file_lives_in_kb_home_data_dir(home):
    with open_store() as store:
        assert db_file(home).is_file()
        assert store.path == db_file(home)


def test_attempts_recorded_in_time_order(store, clock):
    store.record_attempt("sigmoid", "fail", 1.5, 0, False)
    clock.advance(minutes=3)
    store.record_attempt("sigmoid", "pass", 0.8, 2, False, report_json='{"status": "pass"}')
    store.record_attempt("relu", "error", 0.1, 0, False)
    got = store.attempts("sigmoid")
    assert [a.status for a in got] == ["fail", "pass"]
    assert got[0].at == T0 and got[0].at.tzinfo is timezone.utc
    assert got[1].at == T0 + timedelta(minutes=3)
    assert (got[1].duration_s, got[1].hints_seen, got[1].solution_shown) == (0.8, 2, False)
    assert got[1].report_json == '{"status": "pass"}'
    assert store.attempts("nothing") == []
    assert store.exercise_statuses() == {"sigmoid": "passed", "relu": "attempted"}
    assert store.exercises_passed() == {"sigmoid"}


def test_hints_and_solution_unlocks(store):
    assert store.hints_unlocked("adam") == 0
    assert store.unlock_hint("adam") == 1
    assert store.unlock_hint("adam") == 2
    assert store.unlock_hint("adam", max_tiers=2) == 2
    assert store.hints_unlocked("adam") == 2
    assert store.solution_unlocked("adam") is False
    store.unlock_solution("adam")
    store.unlock_solution("adam")
    assert store.solution_unlocked("adam") is True
    assert store.solution_unlocked("mse") is False


def test_settings_defaults_validation_and_round_trip(store):
    assert store.get_setting("desired_retention") == 0.9
    assert store.get_setting("new_per_session") == 10
    assert store.get_setting("lang") is None
    assert store.get_setting("theme", "dark") == "dark"
    store.set_setting("lang", "zh")
    store.set_setting("theme", {"name": "solarized", "accent": "青"})
    store.set_setting("desired_retention", 0.85)
    assert store.get_setting("lang") == "zh"
    assert store.get_setting("theme") == {"name": "solarized", "accent": "青"}
    assert store.desired_retention() == 0.85
    for key, bad in [("desired_retention", 0.5), ("desired_retention", 1.0),
                     ("desired_retention", "high"), ("new_per_session", -1),
                     ("new_per_session", 2.5), ("lang", "fr")]:
        with pytest.raises(ValueError):
            store.set_setting(key, bad)
    assert store.settings()["lang"] == "zh"


def test_naive_datetimes_are_refused(store):
    with pytest.raises(ValueError):
        store.record_review("x", 3, now=datetime(2025, 1, 1))


# --- cards and reviews ---------------------------------------------------------------


def test_review_creates_card_and_log(store, clock):
    out = store.record_review("sigmoid-range", 3, correct=True, answer="B", duration_ms=4200, fuzz=False)
    assert out.before is None
    assert out.after.reps == 1 and out.after.due > T0
    assert out.review.state_before is None and out.review.at == T0
    card = store.card("sigmoid-range")
    assert card == out.after
    [log] = store.reviews("sigmoid-range")
    assert (log.rating, log.correct, log.answer, log.duration_ms) == (3, True, "B", 4200)
    with pytest.raises(ValueError):
        store.record_review("sigmoid-range", 5)


def test_due_items_in_due_order_and_filtered(store, clock):
    for i, rating in enumerate([1, 3, 4, 3]):
        store.record_review(f"item-{i}", rating, fuzz=False)
    # Again -> 1 min, Good -> 10 min, Easy -> days
    assert store.due_items() == []
    clock.advance(minutes=11)
    due = [i for i, _ in store.due_items()]
    assert due[0] == "item-0" and set(due) == {"item-0", "item-1", "item-3"}
    assert store.next_due() == "item-0"
    assert store.next_due(item_ids={"item-3", "item-2"}) == "item-3"
    assert store.due_items(limit=2) == store.due_items()[:2]
    assert store.next_due(item_ids=set()) is None
    assert store.next_due_time() == store.card("item-0").due


def test_vanished_item_keeps_card_and_log_and_resumes(store, clock):
    store.record_review("old-item", 3, fuzz=False)
    clock.advance(days=30)
    # the content no longer has old-item: it is not offered...
    assert store.next_due(item_ids={"other"}) is None
    # ...but its history is intact and it resumes when it comes back
    assert len(store.reviews("old-item")) == 1
    assert store.next_due(item_ids={"old-item"}) == "old-item"
    out = store.record_review("old-item", 3, fuzz=False)
    assert out.before is not None and out.after.reps == 2


def test_pragmas_on_sqlite(home):
    with open_store() as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() >= 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        assert store.integrity_check() == ["ok"]


def test_a_new_store_switched_to_wal_by_one_kb_while_another_writes_opens_for_both(home):
    """A store file not yet in WAL mode (a fresh copy of the shipped one), another kb
    holding its write lock: switching the mode is refused at once, whatever the busy
    timeout; the opener waits for the writer instead of failing (seen with two kb
    starting at once)."""
    import threading

    with open_store() as store:
        store.set_setting("desired_retention", 0.9)
    path = db_file(home)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode=DELETE")
    raw.execute("BEGIN IMMEDIATE")  # the other kb, mid-write
    raw.execute("UPDATE settings SET value_json = '0.85' WHERE key = 'desired_retention'")
    done: dict = {}

    def open_and_read() -> None:
        try:
            with open_store() as other:
                done["value"] = other.get_setting("desired_retention")
        except Exception as exc:  # noqa: BLE001 - reported below
            done["error"] = exc

    reader = threading.Thread(target=open_and_read)
    reader.start()
    reader.join(0.3)
    assert reader.is_alive() and not done  # waiting, not failed
    raw.execute("COMMIT")
    raw.close()
    reader.join(20)
    assert done == {"value": 0.85}
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_database_url_env_is_respected(home, tmp_path, monkeypatch):
    other = tmp_path / "elsewhere.sqlite"
    monkeypatch.setenv("KB_DATABASE_URL", f"sqlite:///{other}")
    with open_store() as s:
        s.set_setting("lang", "en")
    assert other.is_file()
    assert not db_file(home).exists()


def test_reopen_is_cheap_and_keeps_data(home, backend, clock):
    with open_store(backend.url, clock=clock) as s:
        s.record_attempt("mse", "pass", 1, 0, False)
    with open_store(backend.url, clock=clock) as s:
        assert len(s.attempts("mse")) == 1


# --- learners are rows: one store, many learners, each sees only their own ---------------


def fill_as(store, who: str, clock) -> None:
    """The same item and exercise ids for everyone, with different answers."""
    store.record_review("shared-item", 1 if who == "ann" else 4, answer=who, fuzz=False)
    store.record_review(f"{who}-item", 3, fuzz=False)
    store.record_attempt("sigmoid", "pass" if who == "ann" else "fail", 1.0, 0, False, report_json=f'{{"by": "{who}"}}')
    store.unlock_hint("sigmoid")
    if who == "ann":
        store.unlock_hint("sigmoid")
        store.unlock_solution("sigmoid")
    store.mark_read(f"{who}-entry")
    store.set_setting("lang", "zh" if who == "ann" else "en")
    store.set_setting("desired_retention", 0.8 if who == "ann" else 0.95)


def test_learners_in_one_store_see_only_their_own_rows(home, backend, clock):
    ann = open_store(backend.url, clock=clock, learner="ann")
    bob = open_store(backend.url, clock=clock, learner="bob")
    try:
        assert (ann.learner, bob.learner) == ("ann", "bob")
        fill_as(ann, "ann", clock)
        fill_as(bob, "bob", clock)
        for s, me, other in ((ann, "ann", "bob"), (bob, "bob", "ann")):
            assert set(s.cards()) == {"shared-item", f"{me}-item"}
            assert s.card(f"{other}-item") is None
            assert s.card("shared-item").reps == 1  # not two: the other's answer is not mine
            assert [r.answer for r in s.reviews("shared-item")] == [me]
            assert s.review_count() == 2
            assert [json.loads(a.report_json)["by"] for a in s.attempts()] == [me]
            assert set(s.read_entries()) == {f"{me}-entry"} and not s.was_read(f"{other}-entry")
        assert ann.exercise_statuses() == {"sigmoid": "passed"}
        assert bob.exercise_statuses() == {"sigmoid": "attempted"}
        assert (ann.hints_unlocked("sigmoid"), bob.hints_unlocked("sigmoid")) == (2, 1)
        assert ann.solution_unlocked("sigmoid") and not bob.solution_unlocked("sigmoid")
        assert (ann.get_setting("lang"), bob.get_setting("lang")) == ("zh", "en")
        assert (ann.desired_retention(), bob.desired_retention()) == (0.8, 0.95)
        # due lists are per learner: ann's Again is due in a minute, bob's Easy in days
        clock.advance(minutes=11)
        assert "shared-item" in {i for i, _ in ann.due_items()}
        assert "shared-item" not in {i for i, _ in bob.due_items()}
        assert ann.learners() == bob.learners() == ["ann", "bob"]
        # a view of the same store as another learner (the class report)
        view = ann.as_learner("bob")
        assert view.get_setting("lang") == "en" and ann.get_setting("lang") == "zh"
        view.close()  # the view's close leaves the store open
        assert ann.review_count() == 2
    finally:
        ann.close()
        bob.close()


def test_learner_defaults_to_kb_user_then_the_os_user(home, backend, monkeypatch):
    import getpass

    monkeypatch.setenv("KB_USER", "")
    with open_store(backend.url) as s:
        assert s.learner == getpass.getuser()
    monkeypatch.setenv("KB_USER", "  张三 ")
    with open_store(backend.url) as s:
        assert s.learner == "张三"
        s.set_setting("lang", "zh")
    with open_store(backend.url, learner="李四") as s:
        assert s.get_setting("lang") is None
    for bad in ("x" * 101, "tab\there"):
        with pytest.raises(ProgressStoreError) as err:
            open_store(backend.url, learner=bad)
        assert "KB_USER" in str(err.value)


def test_user_option_picks_the_learner(kb, home, backend, monkeypatch):
    monkeypatch.setenv("KB_DATABASE_URL", backend.url)
    assert kb("--user", "ann", "progress", "settings", "lang", "zh").code == 0
    assert kb("--user", "bob", "progress", "settings", "lang", "en").code == 0
    assert kb("--user", "ann", "progress", "settings", "lang").out.strip() == '"zh"'
    monkeypatch.setenv("KB_USER", "bob")
    assert kb("progress", "settings", "lang").out.strip() == '"en"'


# --- refusing files, never touching them ------------------------------------------------


def test_garbage_file_is_refused_untouched(home):
    path = db_file(home)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database\n" * 200)
    before = digest(path)
    with pytest.raises(ProgressStoreError) as err:
        open_store()
    assert "damaged" in str(err.value) and str(path) in str(err.value)
    assert digest(path) == before


def test_truncated_database_is_refused_untouched(home):
    with open_store() as s:
        for i in range(200):
            s.record_attempt(f"ex-{i}", "pass", 1, 0, False, report_json="x" * 500)
    path = db_file(home)
    # checkpoint the WAL into the main file, then chop the file in half
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = digest(path)
    with pytest.raises(ProgressStoreError):
        with open_store() as s:  # may open (the schema page is intact) ...
            s.attempts()  # ... but reading the damaged pages fails clearly
    assert digest(path) == before


def test_newer_revision_is_refused_untouched(home):
    with open_store() as s:
        s.record_attempt("mse", "pass", 1, 0, False)
    path = db_file(home)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = digest(path)
    with pytest.raises(ProgressStoreError) as err:
        open_store()
    assert "newer version of kb" in str(err.value) and "9999" in str(err.value)
    assert digest(path) == before


def test_foreign_sqlite_database_is_refused(home):
    path = db_file(home)
    path.parent.mkdir(parents=True)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(ProgressStoreError) as err:
        open_store()
    assert "not a kb progress store" in str(err.value)
    assert digest(path) == before


def test_bad_url_is_a_clear_error(home):
    with pytest.raises(ProgressStoreError):
        open_store("not a url at all")


# --- migrations -------------------------------------------------------------------------


def test_revisions_constant_matches_the_scripts():
    from alembic.script import ScriptDirectory

    from kb.progress.store import MIGRATIONS_DIR

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    chain = [r.revision for r in script.walk_revisions()][::-1]
    assert tuple(chain) == REVISIONS
    assert script.get_heads() == [HEAD]


def test_models_match_the_migrated_schema(store):
    """Autogenerate finds nothing to do: the models and the revisions agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kb.progress.models import Base

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_migration_files_are_inside_the_package():
    import kb.progress

    pkg = Path(kb.progress.__file__).parent
    assert (pkg / "migrations" / "env.py").is_file()
    assert (pkg / "migrations" / "script.py.mako").is_file()
    assert sorted(p.name[:4] for p in (pkg / "migrations" / "versions").glob("[0-9]*.py")) == list(REVISIONS)


def test_store_is_shared_safely_by_worker_threads(store):
    """The TUI calls the store from thread workers."""
    import threading

    errors = []

    def work(n):
        try:
            for i in range(15):
                store.record_review(f"t{n}-{i % 3}", 3)
                store.cards()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and store.review_count() == 60


def test_light_imports():
    """Importing the records, grading and path logic loads neither SQLAlchemy nor fsrs
    (the TUI paints before it pays for them), and nothing here loads Textual."""
    import subprocess
    import sys

    code = (
        "import sys, kb.progress, kb.progress.records, kb.quiz, kb.quiz.grading, kb.quiz.session, "
        "kb.learning_path, kb.cli.quiz, kb.cli.progress, kb.cli.path\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'fsrs', 'alembic', 'textual'})\n"
        "import kb.progress.store, kb.progress.stats, kb.progress.transfer, kb.progress.scheduling\n"
        "print(heavy, 'textual' in {m.split('.')[0] for m in sys.modules})"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=root).stdout
    assert out.strip() == "[] False"


# --- undo of the last rating (issue 10, defect 2) -------------------------------------------


def test_undo_review_takes_back_the_review_and_restores_the_card_exactly(home, backend, clock):
    ann = open_store(backend.url, clock=clock, learner="ann")
    bob = open_store(backend.url, clock=clock, learner="bob")
    try:
        ann.record_review("item", 3, answer="first", fuzz=False)
        bob.record_review("item", 1, answer="bob's", fuzz=False)
        clock.advance(days=3)
        before = ann.card("item")
        bob_card, bob_log = bob.card("item"), bob.reviews()
        out = ann.record_review("item", 1, answer="oops", fuzz=False)
        assert out.before == before and ann.card("item") != before

        assert ann.undo_review(out) == before
        assert ann.card("item") == before  # every field, as the review found it
        assert [r.answer for r in ann.reviews()] == ["first"] and ann.review_count() == 1
        # the other learner's card and log, same item id, are untouched
        assert bob.card("item") == bob_card and bob.reviews() == bob_log

        # a first answer taken back leaves no card: the item is new again
        first = ann.record_review("new-item", 4, fuzz=False)
        assert ann.undo_review(first) is None
        assert ann.card("new-item") is None and ann.reviews("new-item") == []
        assert ann.review_count() == 1 and bob.review_count() == 1
    finally:
        ann.close()
        bob.close()


def test_undo_review_refuses_when_the_item_was_answered_again(store, clock):
    first = store.record_review("item", 3, fuzz=False)
    clock.advance(minutes=5)
    second = store.record_review("item", 3, fuzz=False)  # e.g. in another window
    with pytest.raises(ProgressStoreError, match="answered again"):
        store.undo_review(first)
    assert len(store.reviews("item")) == 2 and store.card("item") == second.after  # nothing changed
    store.undo_review(second)
    store.undo_review(first)  # back through the answers, newest first
    assert store.card("item") is None and store.review_count() == 0
    with pytest.raises(ProgressStoreError):
        store.undo_review(first)  # once per rating
