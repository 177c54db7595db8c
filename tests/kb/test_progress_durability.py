"""Durability of the progress store: a SIGKILL mid-write loses nothing committed, two
processes write at once (on SQLite and PostgreSQL), and stores created by older
revisions upgrade intact (revision 0003 gives their rows to the default learner)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from kb.progress import open_store
from kb.progress.models import HEAD

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

ROOT = Path(__file__).resolve().parents[2]


def _env(home: Path) -> dict:
    env = dict(os.environ)
    env["KB_HOME"] = str(home)
    env.pop("KB_DATABASE_URL", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


WRITER = textwrap.dedent(
    """
    import sys, os, time
    from kb.progress import open_store
    name, count, go = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    while go != "-" and not os.path.exists(go):
        time.sleep(0.005)
    store = open_store()
    i = 0
    while count < 0 or i < count:
        # shared items (both writers update the same cards) and own ones
        item = f"shared-{i % 5}" if i % 2 else f"{name}-{i % 7}"
        out = store.record_review(item, 1 + i % 4, answer=f"{name}:{i}", correct=i % 3 > 0)
        if i % 10 == 0:
            store.record_attempt(f"ex-{name}", "fail", 0.1, 0, False)
        print(out.review.uid, flush=True)   # printed only after the commit returned
        i += 1
    """
)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("KB_HOME", str(home))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    return home


def test_sigkill_while_writing_keeps_every_committed_review(home, backend):
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, "solo", "-1", "-"],
        stdout=subprocess.PIPE, env=backend.env(_env(home)), text=True,
    )
    committed: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while len(committed) < 150 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            committed.append(line.strip())
        os.kill(proc.pid, signal.SIGKILL)  # mid-loop: likely inside a transaction
    finally:
        proc.wait(timeout=30)
        # whatever it printed after our last read was committed too
        committed += [line.strip() for line in proc.stdout.read().splitlines() if line.strip()]
    assert proc.returncode == -signal.SIGKILL
    assert len(committed) >= 150, "the writer did not get going"

    if backend.is_sqlite:
        path = backend.url.removeprefix("sqlite:///")
        con = sqlite3.connect(path)  # plain sqlite3: recovers from the WAL as any reader would
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        con.close()
    with open_store(backend.url) as store:
        stored = {r.uid for r in store.reviews()}
        assert set(committed) <= stored
        # cards agree with the log: each card's reps is its number of reviews
        for item, card in store.cards().items():
            assert card.reps == len(store.reviews(item))
        assert store.integrity_check() in (["ok"], [])


def test_two_processes_writing_at_once_both_succeed(home, tmp_path, backend):
    # no store yet: both also race to create and migrate it
    go = tmp_path / "go"
    n = 120
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, name, str(n), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=backend.env(_env(home)), text=True,
        )
        for name in ("a", "b")
    ]
    time.sleep(0.3)
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert len(out.split()) == n
    with open_store(backend.url) as store:
        log = store.reviews()
        assert len(log) == 2 * n
        assert {r.uid for r in log} == set(outs[0][0].split()) | set(outs[1][0].split())
        # no lost update on the cards both wrote
        for item, card in store.cards().items():
            assert card.reps == sum(1 for r in log if r.item_id == item), item
        assert len(store.attempts("ex-a")) == len(store.attempts("ex-b")) == n // 10
        assert store.integrity_check() in (["ok"], [])


def test_store_created_by_first_revision_upgrades_with_rows_intact(home):
    """Build a file exactly as revision 0001 left it, fill every table, open it with
    today's code: all rows are still there and the schema is at head."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from kb.progress.store import MIGRATIONS_DIR

    path = home / "data" / "progress.sqlite"
    path.parent.mkdir(parents=True)
    engine = create_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()

    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    con.executescript(
        """
        INSERT INTO cards VALUES ('item-a', 2, NULL, 5.5, 4.2, '2025-02-10 08:00:00.000000',
                                  '2025-02-01 08:00:00.000000', 3, 4, 1);
        INSERT INTO review_log (uid, item_id, at, rating, state_before, correct, answer, duration_ms)
            VALUES ('u1', 'item-a', '2025-01-30 08:00:00.000000', 1, 2, 0, '错', 5000),
                   ('u2', 'item-a', '2025-02-01 08:00:00.000000', 3, 3, 1, 'B', NULL);
        INSERT INTO exercise_attempts (uid, exercise_id, at, status, duration_s, hints_seen,
                                       solution_shown, report_json)
            VALUES ('a1', 'sigmoid', '2025-01-29 10:00:00.000000', 'pass', 1.25, 2, 0, '{"ok": 1}');
        INSERT INTO exercise_unlocks VALUES ('sigmoid', 2, 1, '2025-01-29 10:00:00.000000');
        INSERT INTO settings VALUES ('lang', '"zh"', '2025-01-01 00:00:00.000000');
        """
    )
    con.commit()
    con.close()

    with open_store() as store:
        utc = timezone.utc
        card = store.card("item-a")
        assert (card.state, card.stability, card.difficulty, card.reps, card.lapses) == (2, 5.5, 4.2, 4, 1)
        assert card.due == datetime(2025, 2, 10, 8, tzinfo=utc)
        log = store.reviews("item-a")
        assert [(r.uid, r.rating, r.correct, r.answer) for r in log] == [
            ("u1", 1, False, "错"), ("u2", 3, True, "B")]
        [att] = store.attempts("sigmoid")
        assert (att.status, att.duration_s, att.hints_seen, att.solution_shown, json.loads(att.report_json)) == (
            "pass", 1.25, 2, False, {"ok": 1})
        assert store.hints_unlocked("sigmoid") == 2 and store.solution_unlocked("sigmoid")
        assert store.get_setting("lang") == "zh"
        # the new parts work on the upgraded file
        store.mark_read("sigmoid-function", now=datetime(2025, 3, 1, tzinfo=utc))
        assert store.was_read("sigmoid-function")
        assert store.integrity_check() == ["ok"]

    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
    con.close()
    # a copy of the file as it was before the upgrade sits next to it
    backup = path.with_name("progress.before-0001.sqlite")
    con = sqlite3.connect(backup)
    assert con.execute("SELECT count(*) FROM review_log").fetchone() == (2,)
    con.close()


def test_damaged_old_store_is_not_upgraded(home):
    """A file at an older revision with a damaged page is refused before its schema
    is touched, and left byte for byte as it was."""
    import hashlib

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from kb.progress import ProgressStoreError
    from kb.progress.store import MIGRATIONS_DIR

    path = home / "data" / "progress.sqlite"
    path.parent.mkdir(parents=True)
    engine = create_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()
    con = sqlite3.connect(path)
    con.executemany(
        "INSERT INTO exercise_attempts (uid, exercise_id, at, status, duration_s, hints_seen, solution_shown)"
        " VALUES (?, 'ex', '2025-01-01 00:00:00.000000', 'fail', 1.0, 0, 0)",
        [(f"u{i}",) for i in range(3000)],
    )
    con.commit()
    con.close()
    data = bytearray(path.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle + 8 : middle + 600] = b"\xff" * 592  # scribble over a b-tree page
    path.write_bytes(bytes(data))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(ProgressStoreError) as err:
        open_store()
    assert "damaged" in str(err.value)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not path.with_name("progress.before-0001.sqlite").exists()


# --- revision 0003: learners are rows ------------------------------------------------------------

ROWS_0002 = [
    """INSERT INTO cards VALUES ('item-a', 2, NULL, 5.5, 4.2, :due, :last, 3, 4, 1)""",
    """INSERT INTO cards VALUES ('item-b', 1, 0, NULL, NULL, :due, NULL, NULL, 0, 0)""",
    """INSERT INTO review_log (uid, item_id, at, rating, state_before, correct, answer, duration_ms)
       VALUES ('u1', 'item-a', :t1, 1, 2, false, '错', 5000),
              ('u2', 'item-a', :last, 3, 3, true, 'B', NULL)""",
    """INSERT INTO exercise_attempts (uid, exercise_id, at, status, duration_s, hints_seen,
                                      solution_shown, report_json)
       VALUES ('a1', 'sigmoid', :t1, 'fail', 1.25, 2, false, '{"ok": 0}'),
              ('a2', 'sigmoid', :last, 'pass', 0.5, 2, false, NULL)""",
    """INSERT INTO exercise_unlocks VALUES ('sigmoid', 2, true, :t1)""",
    """INSERT INTO settings VALUES ('lang', '"zh"', :t1)""",
    """INSERT INTO reads VALUES ('relu', :t1, :last, 3)""",
]


def _store_at_0002(url: str) -> None:
    """A store exactly as revision 0002 left it, with a row in every table."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from kb.progress.store import MIGRATIONS_DIR

    engine = create_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    sqlite_ = url.startswith("sqlite")
    stamp = (lambda s: s) if not sqlite_ else (lambda s: s.replace("T", " ").replace("+00:00", ""))
    times = {"due": "2025-02-10T08:00:00.000000+00:00", "last": "2025-02-01T08:00:00.000000+00:00",
             "t1": "2025-01-30T08:00:00.000000+00:00"}
    with engine.begin() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        for sql in ROWS_0002:
            conn.execute(text(sql), {k: stamp(v) for k, v in times.items()})
    engine.dispose()


def _check_upgraded(store) -> None:
    utc = timezone.utc
    assert set(store.cards()) == {"item-a", "item-b"}
    card = store.card("item-a")
    assert (card.state, card.stability, card.difficulty, card.reps, card.lapses) == (2, 5.5, 4.2, 4, 1)
    assert card.due == datetime(2025, 2, 10, 8, tzinfo=utc)
    assert [(r.uid, r.rating, r.correct, r.answer) for r in store.reviews("item-a")] == [
        ("u1", 1, False, "错"), ("u2", 3, True, "B")]
    assert [(a.uid, a.status, a.hints_seen) for a in store.attempts("sigmoid")] == [
        ("a1", "fail", 2), ("a2", "pass", 2)]
    assert json.loads(store.attempts()[0].report_json) == {"ok": 0}
    assert store.hints_unlocked("sigmoid") == 2 and store.solution_unlocked("sigmoid")
    assert store.get_setting("lang") == "zh"
    assert store.read_entries() == {"relu": datetime(2025, 1, 30, 8, tzinfo=utc)}


def _head(url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    return head


def test_single_learner_store_upgrades_to_learners_without_loss(home, backend, monkeypatch):
    """A v0002 store with rows in every table, opened by today's kb: every row is still
    there and belongs to the learner who opened it (KB_USER, else the OS user); another
    learner sees an empty store and writes beside it."""
    import getpass

    _store_at_0002(backend.url)
    monkeypatch.setenv("KB_USER", "")
    with open_store(backend.url) as store:
        assert store.learner == getpass.getuser()
        _check_upgraded(store)
        assert store.learners() == [getpass.getuser()]
        # the upgraded store takes new rows, including a second learner's
        store.record_review("item-a", 3, fuzz=False)
        assert len(store.reviews("item-a")) == 3
    with open_store(backend.url, learner="newcomer") as other:
        assert other.cards() == {} and other.attempts() == [] and other.get_setting("lang") is None
        other.record_review("item-a", 3, fuzz=False)  # the same item id: a card of their own
        other.record_attempt("sigmoid", "pass", 1, 0, False)
        assert other.card("item-a").reps == 1
    assert _head(backend.url) == HEAD
    with open_store(backend.url, learner=getpass.getuser()) as again:
        assert again.card("item-a").reps == 5 and len(again.attempts()) == 2
        assert again.learners() == sorted([getpass.getuser(), "newcomer"])


def test_upgrade_gives_old_rows_to_kb_user(home, backend, monkeypatch):
    _store_at_0002(backend.url)
    monkeypatch.setenv("KB_USER", "teacher")
    with open_store(backend.url) as store:
        _check_upgraded(store)
        assert store.learners() == ["teacher"]
    monkeypatch.setenv("KB_USER", "")
    with open_store(backend.url) as store:
        assert store.cards() == {}


def test_upgraded_schema_matches_the_models(home, backend):
    """Upgrading 0002 -> 0003 ends where a new store starts: autogenerate finds nothing."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kb.progress.models import Base

    _store_at_0002(backend.url)
    with open_store(backend.url) as store, store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
