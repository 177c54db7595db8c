"""The progress store: open (check, migrate), then short transactions.

Rules this module keeps:

* Nothing is ever deleted or rewritten in the review log or the attempts: they are
  append-only. Cards and unlocks are updated in place, inside the same transaction as
  the log row that explains the update. The one exception is :meth:`ProgressStore.undo_review`
  (the learner's "undo" of a rating just given): it takes back the item's latest review
  and puts the card back exactly as that review found it, in one transaction.
* Every write is one short transaction. On SQLite it starts with ``BEGIN IMMEDIATE``,
  so that two processes queue on the busy timeout instead of failing when a reader
  tries to become a writer; on PostgreSQL the card row is locked ``FOR UPDATE``.
* A file that is not a progress store, is corrupt, or was written by a newer kb is
  refused with :class:`ProgressStoreError` before anything writes to it (not even the
  journal-mode PRAGMA).
* "Now" comes from an injectable clock; every datetime is timezone-aware UTC.
* Every row belongs to a learner (``store.learner``: ``--user`` / ``KB_USER`` / the OS
  user) and every query is filtered by it: learners sharing a PostgreSQL database see
  only their own rows. :meth:`ProgressStore.as_learner` and :meth:`ProgressStore.learners`
  are for the teacher's report, which reads the whole class.
"""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import sys
import threading
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import quote, unquote

from kb.progress.errors import ProgressStoreError
from kb.progress.learner import check_learner, current_learner
from kb.progress.records import MAX_ANSWER_CHARS, Attempt, CardState, Review, ReviewOutcome
from kb.progress.revisions import HEAD, REVISIONS

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    from kb.progress.models import CardRow, ReviewRow

P = ParamSpec("P")
R = TypeVar("R")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000

# Settings with a meaning kb knows, their defaults and their checks. Unknown keys are
# stored as given (the TUI may keep its own).
DEFAULT_SETTINGS: dict[str, Any] = {
    "desired_retention": 0.90,
    "new_per_session": 10,
}


def check_setting(key: str, value: Any) -> Any:
    if key == "desired_retention":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("desired_retention must be a number between 0.70 and 0.99")
        if not 0.70 <= float(value) <= 0.99:
            raise ValueError("desired_retention must be between 0.70 and 0.99")
        return float(value)
    if key == "new_per_session":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
            raise ValueError("new_per_session must be a whole number from 0 to 1000")
        return value
    if key == "lang" and value not in ("en", "zh"):
        raise ValueError("lang must be 'en' or 'zh'")
    try:
        json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"setting {key!r} must be JSON-serialisable: {exc}") from None
    return value


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def default_url() -> str:
    """``KB_DATABASE_URL`` if set, else ``sqlite:///<data dir>/progress.sqlite``."""
    from kb.progress.peek import local_path

    path = local_path()
    return os.environ["KB_DATABASE_URL"].strip() if path is None else "sqlite:///" + str(path)


def open_store(
    url: str | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    learner: str | None = None,
) -> "ProgressStore":
    """Open the progress store, creating or upgrading it as needed, for ``learner``
    (default: ``KB_USER``, else the OS user; see :mod:`kb.progress.learner`).

    Raises :class:`ProgressStoreError` when the store is corrupt, from a newer kb, not a
    kb progress store, or cannot be reached; the file is then left untouched.
    """
    return ProgressStore(url or default_url(), clock=clock, learner=learner)


def _dbapi_error(exc: BaseException) -> bool:
    """A database error as SQLAlchemy raises it (only possible once it is imported)."""
    sa_exc = sys.modules.get("sqlalchemy.exc")
    return sa_exc is not None and isinstance(exc, sa_exc.DBAPIError)


def _retryable(exc: Any, is_sqlite: bool) -> bool:
    """A write that lost a race on a server database and is safe to run again (its
    transaction was rolled back): two first answers to one new item both inserting
    the card, a serialization failure, a deadlock. SQLite never needs this: its writes
    take the lock up front (BEGIN IMMEDIATE)."""
    if is_sqlite:
        return False
    from sqlalchemy.exc import IntegrityError

    if isinstance(exc, IntegrityError):
        return True
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code in ("40001", "40P01")


def _guard(method: Callable[Concatenate[ProgressStore, P], R]) -> Callable[Concatenate[ProgressStore, P], R]:
    """Turn database failures into ProgressStoreError with a way forward, retrying a
    write that lost a race on a server database. (Typed, so callers see each method's
    own signature.)"""

    @wraps(method)
    def wrapper(self: ProgressStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(3):
            try:
                return method(self, *args, **kwargs)
            except sqlite3.Error as exc:  # the store's own connection to its local file
                raise self._error(exc) from exc
            except Exception as exc:
                if not _dbapi_error(exc):
                    raise
                if attempt < 2 and _retryable(exc, self.is_sqlite):
                    self.retries += 1  # counted, for the class benchmark
                    continue
                raise self._error(exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper


def _local_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL (the one kb makes itself, read here as
    SQLAlchemy reads it), else None: any other URL is SQLAlchemy's to parse."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    rest = url[len(prefix):]
    if not rest or "?" in rest or rest == ":memory:":
        return None
    return Path(unquote(rest)).expanduser()


def _pragmas(dbapi_conn: Any) -> None:
    """Every connection to a local file, SQLAlchemy's or the store's own: kb emits BEGIN
    itself (IMMEDIATE for writes), WAL, a durable commit, foreign keys on."""
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    _wal(cur)
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _wal(cur: Any) -> None:
    """WAL mode, which the file keeps once set. A new store (copied from the shipped one,
    or just migrated) is switched by whichever kb opens it first; a second kb opening it
    at that moment is told "locked" at once, busy timeout or not (SQLite refuses to wait
    for a lock it could deadlock on), so it looks again until the switch is done."""
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


class _Connections:
    """SQLAlchemy's engine and the local file's own connection, each made when first
    needed and shared with the store's ``as_learner`` views; the store that made them
    closes them."""

    def __init__(self) -> None:
        self.engine: Any = None
        self.local: sqlite3.Connection | None = None
        self.lock = threading.RLock()  # one transaction at a time on the local connection

    def close(self) -> None:
        with self.lock:
            if self.local is not None:
                self.local.close()
                self.local = None
            if self.engine is not None:
                self.engine.dispose()
                self.engine = None


def _when(value: Any) -> datetime | None:
    """A stored datetime read back by a statement: aware UTC (as ``UTCDateTime`` gives)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


_CARD_SQL = ("SELECT item_id, state, step, stability, difficulty, due, last_review, last_rating, reps, lapses "
             "FROM cards WHERE learner = :learner")


def _card_state(r: tuple) -> CardState:
    due = _when(r[5])
    assert due is not None  # NOT NULL
    return CardState(item_id=r[0], state=r[1], step=r[2], stability=r[3], difficulty=r[4], due=due,
                     last_review=_when(r[6]), last_rating=r[7], reps=r[8] or 0, lapses=r[9] or 0)


def _in(name: str, values: list[str]) -> tuple[str, dict[str, str]]:
    """``IN (:name0, :name1, …)`` and its parameters: named parameters, which both the
    standard library and SQLAlchemy's ``text`` take."""
    params = {f"{name}{i}": v for i, v in enumerate(values)}
    return "(" + ", ".join(f":{k}" for k in params) + ")", params


class ProgressStore:
    def __init__(self, url: str, *, clock: Callable[[], datetime] | None = None,
                 learner: str | None = None):
        self.clock = clock or utcnow
        try:
            self.learner = check_learner(learner) if learner is not None else current_learner()
        except ValueError as exc:
            raise ProgressStoreError(
                f"{exc}; got {str(learner if learner is not None else os.environ.get('KB_USER'))[:40]!r}",
                "学习者名称（--user / KB_USER）必须是 1 到 100 个可打印字符",
            ) from None
        self._owns_engine = True
        self._shared = _Connections()  # shared with as_learner() views
        self.retries = 0  # writes run again after losing a race on a server database
        self.url: Any = url
        self.path: Path | None = _local_file(url)
        if self.path is not None:  # the usual case, read without SQLAlchemy
            self.is_sqlite = True
            self.where = str(self.path)
        else:
            from sqlalchemy.engine import make_url
            from sqlalchemy.exc import ArgumentError

            try:
                self.url = make_url(url)
            except ArgumentError:
                raise ProgressStoreError(
                    f"KB_DATABASE_URL / progress store URL is not a database URL: {url!r}"
                ) from None
            self.is_sqlite = self.url.get_backend_name() == "sqlite"
            if self.is_sqlite and self.url.database and self.url.database != ":memory:":
                self.path = Path(self.url.database).expanduser()
            self.where = str(self.path) if self.path else self.url.render_as_string(hide_password=True)

        current = False
        if self.path is not None:
            if not self.path.exists():  # a first start: the empty store the wheel ships, if it is this kb's
                from kb.shipped import seed_store

                seed_store(self.path)
            current = self._precheck_sqlite_file(self.path) == {HEAD}
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if current:
            return  # a local file at the current revision: no engine until one is needed
        try:
            self._migrate()
        except ProgressStoreError:
            self._dispose()
            raise
        except ImportError as exc:  # e.g. KB_DATABASE_URL names a driver not installed
            self._dispose()
            raise ProgressStoreError(
                f"cannot open {self.where}: {exc}. Install the database driver, or unset "
                "KB_DATABASE_URL to use the local SQLite file."
            ) from None
        except Exception as exc:
            self._dispose()
            sa_exc = sys.modules.get("sqlalchemy.exc")
            if sa_exc is not None and isinstance(exc, (sa_exc.DBAPIError, sa_exc.SQLAlchemyError)):
                raise self._error(exc) from exc
            raise

    # --- opening -----------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """SQLAlchemy's engine, made when first needed: a current local file is read and
        written by the statements below through the standard library, and only the other
        methods (and every method on a server database) pay for SQLAlchemy."""
        shared = self._shared
        if shared.engine is None:
            with shared.lock:
                if shared.engine is None:
                    shared.engine = self._make_engine()
        return shared.engine

    @property
    def _writer(self) -> Engine:
        return self.engine.execution_options(kb_write=True)

    def _make_engine(self) -> Engine:
        from sqlalchemy import create_engine, event

        if not self.is_sqlite:
            return create_engine(self.url, pool_pre_ping=True)
        engine = create_engine(self.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            _pragmas(dbapi_conn)  # we emit BEGIN ourselves (below), so the driver must not

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            write = conn.get_execution_options().get("kb_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    def _precheck_sqlite_file(self, path: Path) -> set[str]:
        """Look at an existing file read-only: is it SQLite, is it ours, is it a
        revision we know? Nothing here writes to the main file. Returns its revisions
        (none for a new file)."""
        if not path.exists():
            return set()
        if path.is_dir():
            raise ProgressStoreError(f"the progress store path {path} is a directory")
        try:
            size = path.stat().st_size
            with open(path, "rb") as fh:
                header = fh.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise ProgressStoreError(f"cannot read the progress store {path}: {exc}") from None
        if size == 0:
            return set()  # an empty file is a new database to SQLite
        if header != SQLITE_MAGIC:
            raise self._corrupt(path, "it is not an SQLite database")
        try:
            con = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=10)
            try:
                tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                revisions: set[str] = set()
                if "alembic_version" in tables:
                    revisions = {r[0] for r in con.execute("SELECT version_num FROM alembic_version")}
                if revisions and revisions <= set(REVISIONS) and revisions != {HEAD}:
                    # about to be upgraded: never change the schema of (nor even switch
                    # the journal of) a damaged file, so check it whole first
                    verdict = [r[0] for r in con.execute("PRAGMA quick_check")]
                    if verdict != ["ok"]:
                        raise sqlite3.DatabaseError("; ".join(verdict[:3]))
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise ProgressStoreError(
                    f"the progress store {path} is locked by another program; close other "
                    "kb windows and try again",
                    f"进度存储 {path} 被其他程序锁定；请关闭其他 kb 窗口后重试",
                ) from None
            raise self._corrupt(path, str(exc)) from None
        self._check_revisions(revisions, tables)
        return revisions

    def _check_revisions(self, revisions: set[str], tables: set[str]) -> None:
        known = set(REVISIONS)
        newer = revisions - known
        if newer:
            revs = ", ".join(sorted(newer))
            raise ProgressStoreError(
                f"the progress store {self.where} was written by a newer version of kb "
                f"(schema revision {revs}; this kb knows up to {HEAD}). "
                "Upgrade kb to use it; the file has not been changed.",
                f"进度存储 {self.where} 由更新版本的 kb 写入（结构版本 {revs}；本 kb 只认识到 "
                f"{HEAD}）。请升级 kb 后再使用；文件未被改动。",
            )
        ours = {"alembic_version", "cards", "review_log"}
        if not revisions and tables - {"alembic_version"}:
            if not tables & ours:
                names = ", ".join(sorted(tables)[:5])
                raise ProgressStoreError(
                    f"{self.where} is a database but not a kb progress store "
                    f"(tables: {names}). Point KB_DATABASE_URL / "
                    "KB_HOME elsewhere; the file has not been changed.",
                    f"{self.where} 是数据库，但不是 kb 的进度存储（表：{names}）。请让 "
                    "KB_DATABASE_URL / KB_HOME 指向别处；文件未被改动。",
                )

    def _corrupt(self, path: Path, why: str) -> ProgressStoreError:
        return ProgressStoreError(
            f"the progress store {path} is damaged ({why}). kb has not changed it. "
            f"Keep a copy of it, then move it away (kb starts a new one) and restore your "
            f"progress with `kb progress import FILE` from an export, or try "
            f"`sqlite3 {path} .recover`.",
            f"进度存储 {path} 已损坏（{why}）。kb 没有改动它。请先备份该文件，再把它移走"
            f"（kb 会新建一个），然后用 `kb progress import 文件` 从导出文件恢复进度，"
            f"或尝试 `sqlite3 {path} .recover`。",
        )

    def _current_revisions(self, conn: Any) -> set[str]:
        from sqlalchemy import inspect, text

        names = set(inspect(conn).get_table_names())
        if "alembic_version" not in names:
            if names & {"cards", "review_log"}:
                raise ProgressStoreError(
                    f"{self.where} has progress tables but no schema revision; kb will not "
                    "guess. Export what you can and start a new store."
                )
            return set()
        return {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}

    def _migrate(self) -> None:
        with self.engine.connect() as conn:
            current = self._current_revisions(conn)
            conn.rollback()
        if current == {HEAD}:
            return  # the usual case: no Alembic import at all
        self._check_revisions(current, set())
        if current and self.path is not None:
            self._backup_before_upgrade(sorted(current)[-1])

        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        # One transaction for the whole upgrade: it lands whole or not at all. On
        # SQLite it is BEGIN IMMEDIATE, so two kb processes starting on a new file
        # queue here instead of both creating tables.
        with self._writer.begin() as conn:
            if conn.dialect.name == "postgresql":
                # the server equivalent of BEGIN IMMEDIATE for this one transaction
                from sqlalchemy import text

                conn.execute(text("SELECT pg_advisory_xact_lock(4212017)"))
            cfg.attributes["connection"] = conn
            # revision 0003 gives the rows of a single-learner store to this learner
            cfg.attributes["learner"] = self.learner
            command.upgrade(cfg, "head")

    def _backup_before_upgrade(self, revision: str) -> None:
        """Copy the file before changing its schema (SQLite online backup: consistent
        even with another process writing). Kept next to the store."""
        assert self.path is not None
        target = self.path.with_name(f"{self.path.stem}.before-{revision}{self.path.suffix}")
        src = sqlite3.connect(f"file:{quote(str(self.path))}?mode=ro", uri=True, timeout=10)
        try:
            if target.exists():
                return
            dst = sqlite3.connect(str(target))
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()

    def _dispose(self) -> None:
        self._shared.close()

    def close(self) -> None:
        if self._owns_engine:
            self._dispose()

    # --- the class (for the teacher's report) ---------------------------------------

    def as_learner(self, learner: str) -> "ProgressStore":
        """The same store (same engine and connections) seen as another learner. Closing
        the view leaves the store open."""
        view = copy.copy(self)
        view.learner = check_learner(learner)
        view._owns_engine = False
        return view

    @_guard
    def learners(self) -> list[str]:
        """Every learner with a row anywhere in the store, sorted."""
        from sqlalchemy import select, union

        from kb.progress.models import AttemptRow, CardRow, ReadRow, SettingRow, UnlockRow

        q = union(*(select(t.learner) for t in (CardRow, AttemptRow, UnlockRow, SettingRow, ReadRow)))
        with self._read() as s:
            return sorted(s.scalars(q))

    def __enter__(self) -> "ProgressStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _error(self, exc: Exception) -> ProgressStoreError:
        text = str(getattr(exc, "orig", exc) or exc)
        low = text.lower()
        if "locked" in low or "busy" in low:
            return ProgressStoreError(
                f"the progress store {self.where} stayed locked by another kb process for "
                f"{BUSY_TIMEOUT_MS // 1000} s; close other kb windows and try again",
                f"进度存储 {self.where} 被另一个 kb 进程锁定超过 {BUSY_TIMEOUT_MS // 1000} 秒；"
                "请关闭其他 kb 窗口后重试",
            )
        if self.path is not None and ("malformed" in low or "not a database" in low or "corrupt" in low):
            return self._corrupt(self.path, text)
        if "unable to open" in low or "readonly" in low or "read-only" in low:
            return ProgressStoreError(
                f"cannot write the progress store {self.where} ({text}); check that the "
                "directory exists and is writable, or set KB_HOME",
                f"无法写入进度存储 {self.where}（{text}）；请检查目录是否存在且可写，或设置 KB_HOME",
            )
        return ProgressStoreError(f"progress store {self.where}: {text}")

    # --- transactions --------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Session]:
        from sqlalchemy.orm import Session

        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        from sqlalchemy.orm import Session

        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    # The statements of the everyday calls (an exercise checked and recorded, the
    # dashboard's figures) are SQL text with named parameters, one text for every
    # backend: on a local file the standard library runs them on the store's own
    # connection, so that a `kb exercise check` or the app's home screen never imports
    # SQLAlchemy; on a server database (or in memory) SQLAlchemy runs the same text.

    def _local(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        shared = self._shared
        with shared.lock:
            if shared.local is None:
                con = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                      check_same_thread=False)  # the lock keeps one thread at a time
                _pragmas(con)
                shared.local = con
            return shared.local

    def _rows(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        return self._query(sql, params, list)

    def _query(self, sql: str, params: dict[str, Any], consume: Callable[[Iterable[tuple[Any, ...]]], R],
               *, stream: bool = False) -> R:
        """Run one read statement in its own transaction; ``consume`` reads its rows."""
        con = self._local()
        if con is not None:
            with self._shared.lock:
                con.execute("BEGIN")
                try:
                    return consume(con.execute(sql, params))
                finally:
                    if con.in_transaction:
                        con.execute("ROLLBACK")  # a read keeps nothing
        from sqlalchemy import text

        with self.engine.connect() as conn:
            if stream:
                conn = conn.execution_options(yield_per=64)
            return consume(tuple(r) for r in conn.execute(text(sql), params))

    def _change(self, *statements: tuple[str, dict[str, Any]]) -> None:
        """Run write statements in one transaction (``BEGIN IMMEDIATE`` on SQLite)."""
        con = self._local()
        if con is not None:
            with self._shared.lock:
                con.execute("BEGIN IMMEDIATE")
                try:
                    for sql, params in statements:
                        con.execute(sql, params)
                    con.execute("COMMIT")
                except BaseException:
                    if con.in_transaction:
                        con.execute("ROLLBACK")
                    raise
            return
        from sqlalchemy import text

        with self._writer.begin() as conn:
            for sql, params in statements:
                conn.execute(text(sql), params)

    def _stamp(self, value: datetime) -> Any:
        """A datetime as a statement's parameter, stored as ``UTCDateTime`` stores it:
        fixed-width naive UTC text on SQLite, timestamp with time zone elsewhere."""
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds") if self.is_sqlite else value

    def now(self, now: datetime | None = None) -> datetime:
        value = now if now is not None else self.clock()
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime: kb uses timezone-aware UTC datetimes")
        return value.astimezone(timezone.utc)

    # --- settings ----------------------------------------------------------------------

    @_guard
    def get_setting(self, key: str, default: Any = None) -> Any:
        rows = self._rows("SELECT value_json FROM settings WHERE learner = :learner AND key = :key",
                           {"learner": self.learner, "key": key})
        if not rows:
            return default if default is not None else DEFAULT_SETTINGS.get(key)
        return json.loads(rows[0][0])

    @_guard
    def set_setting(self, key: str, value: Any) -> None:
        value = check_setting(key, value)
        with self._write() as s:
            self._put_setting(s, key, value)

    def _put_setting(self, s: Session, key: str, value: Any) -> None:
        from kb.progress.models import SettingRow

        row = s.get(SettingRow, (self.learner, key), with_for_update=True)
        encoded = json.dumps(value, ensure_ascii=False)
        if row is None:
            s.add(SettingRow(learner=self.learner, key=key, value_json=encoded, updated_at=self.now()))
        else:
            row.value_json = encoded
            row.updated_at = self.now()

    @_guard
    def settings(self) -> dict[str, Any]:
        """Every setting: the defaults, overridden by what the learner set."""
        rows = self._rows("SELECT key, value_json FROM settings WHERE learner = :learner",
                           {"learner": self.learner})
        return {**DEFAULT_SETTINGS, **{key: json.loads(value) for key, value in rows}}

    def desired_retention(self) -> float:
        value = self.get_setting("desired_retention")
        try:
            return check_setting("desired_retention", value)
        except ValueError:
            return DEFAULT_SETTINGS["desired_retention"]

    # --- exercises (contract with the exercise engine's CLI) -----------------------------

    @_guard
    def record_attempt(
        self,
        exercise_id: str,
        status: str,
        duration_s: float,
        hints_seen: int,
        solution_shown: bool,
        report_json: str | None = None,
        *,
        now: datetime | None = None,
    ) -> None:
        self._change((
            "INSERT INTO exercise_attempts (learner, uid, exercise_id, at, status, duration_s, hints_seen, "
            "solution_shown, report_json) VALUES (:learner, :uid, :exercise_id, :at, :status, :duration_s, "
            ":hints_seen, :solution_shown, :report_json)",
            {"learner": self.learner, "uid": uuid.uuid4().hex, "exercise_id": exercise_id,
             "at": self._stamp(self.now(now)), "status": str(status), "duration_s": float(duration_s),
             "hints_seen": int(hints_seen), "solution_shown": bool(solution_shown), "report_json": report_json},
        ))

    @_guard
    def attempts(self, exercise_id: str | None = None) -> list[Attempt]:
        """Attempts in time order (of one exercise, or all)."""
        sql = ("SELECT uid, exercise_id, at, status, duration_s, hints_seen, solution_shown, report_json "
               "FROM exercise_attempts WHERE learner = :learner")
        params = {"learner": self.learner}
        if exercise_id is not None:
            sql += " AND exercise_id = :exercise_id"
            params["exercise_id"] = exercise_id
        rows = self._rows(sql + " ORDER BY at, id", params)
        return [Attempt(uid=r[0], exercise_id=r[1], at=_when(r[2]), status=r[3],  # type: ignore[arg-type]
                        duration_s=r[4], hints_seen=r[5], solution_shown=bool(r[6]), report_json=r[7])
                for r in rows]

    def _unlocks(self, exercise_id: str) -> tuple[int, bool]:
        rows = self._rows("SELECT hints_unlocked, solution_unlocked FROM exercise_unlocks "
                           "WHERE learner = :learner AND exercise_id = :exercise_id",
                           {"learner": self.learner, "exercise_id": exercise_id})
        return (int(rows[0][0] or 0), bool(rows[0][1])) if rows else (0, False)

    @_guard
    def hints_unlocked(self, exercise_id: str) -> int:
        return self._unlocks(exercise_id)[0]

    @_guard
    def unlock_hint(self, exercise_id: str, max_tiers: int | None = None) -> int:
        """Unlock the next hint tier; returns the number now unlocked (capped at
        ``max_tiers`` when given)."""
        with self._write() as s:
            row = self._unlock_row(s, exercise_id)
            n = row.hints_unlocked + 1
            if max_tiers is not None:
                n = min(n, max_tiers)
            row.hints_unlocked = n
            row.updated_at = self.now()
            return n

    @_guard
    def solution_unlocked(self, exercise_id: str) -> bool:
        return self._unlocks(exercise_id)[1]

    @_guard
    def unlock_solution(self, exercise_id: str) -> None:
        with self._write() as s:
            row = self._unlock_row(s, exercise_id)
            row.solution_unlocked = True
            row.updated_at = self.now()

    def _unlock_row(self, s: Session, exercise_id: str) -> Any:
        from kb.progress.models import UnlockRow

        row = s.get(UnlockRow, (self.learner, exercise_id), with_for_update=True)
        if row is None:
            row = UnlockRow(
                learner=self.learner,
                exercise_id=exercise_id,
                hints_unlocked=0,
                solution_unlocked=False,
                updated_at=self.now(),
            )
            s.add(row)
        return row

    @_guard
    def exercise_statuses(self) -> dict[str, str]:
        """``{exercise_id: "passed" | "attempted"}`` for every exercise ever checked."""
        rows = self._rows("SELECT DISTINCT exercise_id, status FROM exercise_attempts WHERE learner = :learner",
                           {"learner": self.learner})
        out: dict[str, str] = {}
        for exercise_id, status in rows:
            if status == "pass":
                out[exercise_id] = "passed"
            else:
                out.setdefault(exercise_id, "attempted")
        return out

    def exercises_passed(self) -> set[str]:
        return {e for e, st in self.exercise_statuses().items() if st == "passed"}

    # --- reading (the state of ``read`` steps in learning paths) -----------------------

    @_guard
    def mark_read(self, entry_id: str, *, now: datetime | None = None) -> None:
        """Record that the learner opened ``entry_id`` (``kb show``, the TUI reader,
        ``kb path ID --done N``)."""
        from kb.progress.models import ReadRow

        now = self.now(now)
        with self._write() as s:
            row = s.get(ReadRow, (self.learner, entry_id), with_for_update=True)
            if row is None:
                s.add(ReadRow(learner=self.learner, entry_id=entry_id, first_at=now, last_at=now, count=1))
            else:
                row.last_at = max(row.last_at, now)
                row.count += 1

    @_guard
    def read_entries(self) -> dict[str, datetime]:
        """``{entry_id: first time read}``."""
        rows = self._rows("SELECT entry_id, first_at FROM reads WHERE learner = :learner", {"learner": self.learner})
        return {entry_id: _when(first_at) for entry_id, first_at in rows}  # type: ignore[misc]

    @_guard
    def was_read(self, entry_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM reads WHERE learner = :learner AND entry_id = :entry_id",
                                {"learner": self.learner, "entry_id": entry_id}))

    # --- cards and reviews -------------------------------------------------------------

    @_guard
    def card(self, item_id: str) -> CardState | None:
        return self.cards([item_id]).get(item_id)

    @_guard
    def cards(self, item_ids: Collection[str] | None = None) -> dict[str, CardState]:
        """Cards by item id (all of them, or those of ``item_ids`` that exist)."""
        learner = {"learner": self.learner}
        if item_ids is None:
            return {r[0]: _card_state(r) for r in self._rows(_CARD_SQL, learner)}
        out: dict[str, CardState] = {}
        for chunk in _chunks(list(dict.fromkeys(item_ids)), 500):
            marks, params = _in("i", chunk)
            for r in self._rows(f"{_CARD_SQL} AND item_id IN {marks}", {**learner, **params}):
                out[r[0]] = _card_state(r)
        return out

    @_guard
    def due_items(
        self,
        now: datetime | None = None,
        *,
        item_ids: Collection[str] | None = None,
        limit: int | None = None,
    ) -> list[tuple[str, datetime]]:
        """``(item_id, due)`` of cards due at ``now``, most overdue first, walking the
        ``due`` index. ``item_ids`` restricts to items that exist in the content (or a
        tag or path); cards of vanished items are kept but not offered."""
        now = self.now(now)
        wanted = None
        if item_ids is not None:
            wanted = item_ids if isinstance(item_ids, (set, frozenset)) else set(item_ids)
        # ORDER BY due alone so the walk is the ``due`` index itself (no sort step;
        # ties keep index order), streamed so that stopping at ``limit`` reads only
        # the rows it needs.
        sql = "SELECT item_id, due FROM cards WHERE learner = :learner AND due <= :now ORDER BY due"

        def take(rows: Iterable[tuple]) -> list[tuple[str, datetime]]:
            out: list[tuple[str, datetime]] = []
            for item_id, due in rows:
                if wanted is None or item_id in wanted:
                    out.append((item_id, _when(due)))  # type: ignore[arg-type]
                    if limit is not None and len(out) >= limit:
                        break
            return out

        return self._query(sql, {"learner": self.learner, "now": self._stamp(now)}, take, stream=limit is not None)

    def next_due(
        self, now: datetime | None = None, *, item_ids: Collection[str] | None = None
    ) -> str | None:
        """The item to review next (the most overdue), or None."""
        found = self.due_items(now, item_ids=item_ids, limit=1)
        return found[0][0] if found else None

    @_guard
    def next_due_time(self, *, item_ids: Collection[str] | None = None) -> datetime | None:
        """When the next card falls due (possibly in the past)."""
        from sqlalchemy import func, select

        from kb.progress.models import CardRow

        with self._read() as s:
            first = select(func.min(CardRow.due)).where(CardRow.learner == self.learner)
            if item_ids is None:
                return s.scalar(first)
            best = None
            for chunk in _chunks(list(item_ids), 500):
                v = s.scalar(first.where(CardRow.item_id.in_(chunk)))
                if v is not None and (best is None or v < best):
                    best = v
            return best

    @_guard
    def record_review(
        self,
        item_id: str,
        rating: int,
        *,
        now: datetime | None = None,
        correct: bool | None = None,
        answer: str | None = None,
        duration_ms: int | None = None,
        desired_retention: float | None = None,
        fuzz: bool = True,
    ) -> ReviewOutcome:
        """Schedule ``item_id`` with FSRS for ``rating`` (1 Again .. 4 Easy) and append
        the answer to the review log, in one transaction."""
        from kb.progress.models import CardRow

        from kb.progress.scheduling import apply_rating, make_scheduler

        rating = int(rating)
        if rating not in (1, 2, 3, 4):
            raise ValueError(f"rating must be 1..4 (Again, Hard, Good, Easy), not {rating}")
        now = self.now(now)
        if desired_retention is None:
            desired_retention = self.desired_retention()
        scheduler = make_scheduler(desired_retention, fuzz=fuzz)
        with self._write() as s:
            row = s.get(CardRow, (self.learner, item_id), with_for_update=True)
            before = _card(row) if row is not None else None
            after = apply_rating(scheduler, before, item_id, rating, now)
            if row is None:
                row = CardRow(learner=self.learner, item_id=item_id)
                s.add(row)
            set_card(row, after)
            s.flush()  # the card exists before the log row that refers to it
            review = Review(
                uid=uuid.uuid4().hex,
                item_id=item_id,
                at=now,
                rating=rating,
                state_before=before.state if before else None,
                correct=correct,
                answer=answer[:MAX_ANSWER_CHARS] if answer else answer,  # an import accepts no more
                duration_ms=duration_ms,
            )
            s.add(review_row(review, self.learner))
        return ReviewOutcome(before=before, after=after, review=review)

    @_guard
    def undo_review(self, outcome: ReviewOutcome) -> CardState | None:
        """Take back the answer ``record_review`` gave as ``outcome`` (the learner's undo
        of a rating): its log row is deleted and the card is put back as it was before
        (a new item loses its card again), in one transaction. Returns the card now.

        Only the item's latest review can be taken back, and only while the card is
        still what that review made it: if the item was answered again since (another
        window, an import), :class:`ProgressStoreError` says so and nothing changes."""
        from sqlalchemy import delete, select

        from kb.progress.models import CardRow, ReviewRow

        item_id = outcome.review.item_id
        with self._write() as s:
            row = s.get(CardRow, (self.learner, item_id), with_for_update=True)
            latest = s.execute(
                select(ReviewRow.id, ReviewRow.uid)
                .where(ReviewRow.learner == self.learner, ReviewRow.item_id == item_id)
                .order_by(ReviewRow.at.desc(), ReviewRow.id.desc()).limit(1)
            ).first()
            after = outcome.after
            current = _card(row) if row is not None else None
            if (latest is None or latest.uid != outcome.review.uid or current is None
                    or (current.reps, current.lapses, current.last_review, current.last_rating)
                    != (after.reps, after.lapses, after.last_review, after.last_rating)):
                raise ProgressStoreError(
                    f"cannot undo the answer to {item_id}: it was answered again since "
                    "(in another window or by an import); nothing was changed",
                    f"无法撤销对 {item_id} 的作答：此后它又被作答过（在另一个窗口或通过导入）；未做任何改动",
                )
            s.execute(delete(ReviewRow).where(ReviewRow.id == latest.id))
            s.flush()  # the log row goes before the card it refers to
            assert row is not None  # ``current`` was read from it above
            if outcome.before is None:
                s.delete(row)
            else:
                set_card(row, outcome.before)
        return outcome.before

    @_guard
    def reviews(
        self,
        item_id: str | None = None,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Review]:
        """The review log in time order, optionally of one item or a time window."""
        from sqlalchemy import select

        from kb.progress.models import ReviewRow

        q = select(ReviewRow).where(ReviewRow.learner == self.learner).order_by(ReviewRow.at, ReviewRow.id)
        if item_id is not None:
            q = q.where(ReviewRow.item_id == item_id)
        if since is not None:
            q = q.where(ReviewRow.at >= since)
        if until is not None:
            q = q.where(ReviewRow.at < until)
        with self._read() as s:
            return [_review(r) for r in s.scalars(q)]

    @_guard
    def review_count(self) -> int:
        from sqlalchemy import func, select

        from kb.progress.models import ReviewRow

        with self._read() as s:
            q = select(func.count()).select_from(ReviewRow).where(ReviewRow.learner == self.learner)
            return s.scalar(q) or 0

    @_guard
    def review_times(self, since: datetime, until: datetime | None = None) -> list[datetime]:
        """Only the timestamps of reviews in a window (for the heatmap)."""
        from sqlalchemy import select

        from kb.progress.models import ReviewRow

        q = select(ReviewRow.at).where(ReviewRow.learner == self.learner, ReviewRow.at >= since)
        if until is not None:
            q = q.where(ReviewRow.at < until)
        with self._read() as s:
            return list(s.scalars(q))

    @_guard
    def review_outcomes(self, since: datetime | None = None) -> list[tuple[int | None, int, bool | None]]:
        """``(state_before, rating, correct)`` of reviews since a time (for retention)."""
        from sqlalchemy import select

        from kb.progress.models import ReviewRow

        q = (select(ReviewRow.state_before, ReviewRow.rating, ReviewRow.correct)
             .where(ReviewRow.learner == self.learner))
        if since is not None:
            q = q.where(ReviewRow.at >= since)
        with self._read() as s:
            return [(state, rating, correct) for state, rating, correct in s.execute(q).all()]

    @_guard
    def due_times(self, until: datetime) -> list[tuple[str, datetime]]:
        """``(item_id, due)`` of every card due before ``until`` (for the forecast)."""
        from sqlalchemy import select

        from kb.progress.models import CardRow

        with self._read() as s:
            q = select(CardRow.item_id, CardRow.due).where(CardRow.learner == self.learner, CardRow.due < until)
            return [(item_id, due) for item_id, due in s.execute(q).all()]

    def integrity_check(self) -> list[str]:
        """SQLite's ``PRAGMA integrity_check`` (``["ok"]`` when sound); ``[]`` elsewhere."""
        if not self.is_sqlite:
            return []
        with self.engine.connect() as conn:
            return [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]


# --- row <-> record -----------------------------------------------------------------------


def _chunks(seq: list, n: int):
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _card(r: CardRow) -> CardState:
    return CardState(
        item_id=r.item_id,
        state=r.state,
        step=r.step,
        stability=r.stability,
        difficulty=r.difficulty,
        due=r.due,
        last_review=r.last_review,
        last_rating=r.last_rating,
        reps=r.reps or 0,
        lapses=r.lapses or 0,
    )


def set_card(row: CardRow, c: CardState) -> None:
    row.state = c.state
    row.step = c.step
    row.stability = c.stability
    row.difficulty = c.difficulty
    row.due = c.due
    row.last_review = c.last_review
    row.last_rating = c.last_rating
    row.reps = c.reps
    row.lapses = c.lapses


def _review(r: ReviewRow) -> Review:
    return Review(
        uid=r.uid,
        item_id=r.item_id,
        at=r.at,
        rating=r.rating,
        state_before=r.state_before,
        correct=r.correct,
        answer=r.answer,
        duration_ms=r.duration_ms,
    )


def review_row(v: Review, learner: str) -> ReviewRow:
    from kb.progress.models import ReviewRow

    return ReviewRow(
        learner=learner,
        uid=v.uid,
        item_id=v.item_id,
        at=v.at,
        rating=v.rating,
        state_before=v.state_before,
        correct=v.correct,
        answer=v.answer,
        duration_ms=v.duration_ms,
    )
