"""Shared fixtures for the knowledge-base core tests.

Every test runs with ``KB_HOME`` in a temp directory (``kb_home``) and with language variables
cleared. Tests that load content use ``shipped`` (a tiny stand-in for the shipped
knowledge base, so that tests never depend on ``content/``, which grows while they run)
and ``pack`` (a copy of ``fixtures/pack``, a bilingual content pack they may edit).

Progress-store tests take ``backend``: each runs once on SQLite and once on PostgreSQL
when ``KB_TEST_POSTGRES_URL`` names a server (``source .ci/postgres.sh`` starts one); there
every store is a fresh schema, dropped afterwards. Without the variable the PostgreSQL
runs skip, saying so.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]

LANG_VARS = ("KB_LANG", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")
POSTGRES_URL = os.environ.get("KB_TEST_POSTGRES_URL", "").strip()


@pytest.fixture(autouse=True)
def kb_home(tmp_path_factory, monkeypatch) -> Path:
    home = tmp_path_factory.mktemp("kb-home")
    monkeypatch.setenv("KB_HOME", str(home))
    monkeypatch.delenv("KB_CONTENT_PATH", raising=False)
    for var in LANG_VARS:
        monkeypatch.delenv(var, raising=False)
    # blank means "the OS user"; set (not deleted) so that `kb --user` in a test, which
    # sets KB_USER for its process, is undone afterwards
    monkeypatch.setenv("KB_USER", "")
    return home


class Backend:
    """Where a test's progress stores live: ``url`` (one store, the same on every call),
    ``new_url(name)`` (another, empty one), ``env(base)`` (for a child process)."""

    def __init__(self, name: str, tmp: Path):
        self.name = name
        self.is_sqlite = name == "sqlite"
        self._tmp = tmp
        self._schemas: list[str] = []
        self._engine = None
        self._urls: dict[str, str] = {}
        self.url = self.new_url("progress")

    def new_url(self, name: str) -> str:
        """The store called ``name`` in this test (created empty on first use)."""
        if name not in self._urls:
            self._urls[name] = self._create(name)
        return self._urls[name]

    def _create(self, name: str) -> str:
        if self.is_sqlite:
            return f"sqlite:///{self._tmp / name}.sqlite"
        from sqlalchemy import create_engine, make_url, text
        from sqlalchemy.pool import NullPool

        if self._engine is None:
            self._engine = create_engine(POSTGRES_URL, poolclass=NullPool)
        schema = f"t_{uuid.uuid4().hex[:12]}_{''.join(c for c in name if c.isalnum())[:20]}".lower()
        with self._engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        self._schemas.append(schema)
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def env(self, base: dict | None = None, **extra: str) -> dict:
        env = dict(os.environ if base is None else base)
        env["KB_DATABASE_URL"] = self.url
        env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
        env.update(extra)
        return env

    def close(self) -> None:
        if self._engine is None:
            return
        from sqlalchemy import text

        with self._engine.begin() as conn:
            for schema in self._schemas:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self._engine.dispose()


BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(
        not POSTGRES_URL, reason="PostgreSQL: set KB_TEST_POSTGRES_URL (source .ci/postgres.sh)")),
]


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path) -> Backend:
    """The progress store's backend: SQLite, then PostgreSQL when a server is given."""
    b = Backend(request.param, tmp_path)
    yield b
    b.close()


@pytest.fixture
def postgres_backend(tmp_path) -> Backend:
    """PostgreSQL only (skipped without ``KB_TEST_POSTGRES_URL``)."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL: set KB_TEST_POSTGRES_URL (source .ci/postgres.sh)")
    b = Backend("postgresql", tmp_path)
    yield b
    b.close()


@pytest.fixture
def shipped(tmp_path, monkeypatch) -> Path:
    """A copy of ``fixtures/shipped`` standing in for the shipped ``content/``."""
    root = tmp_path / "shipped"
    shutil.copytree(FIXTURES / "shipped", root)
    monkeypatch.setattr("kb.paths.shipped_content_dir", lambda: root)
    return root


@pytest.fixture
def pack(tmp_path, shipped) -> Path:
    """A copy of ``fixtures/pack``: concepts, FAQs, tools, an application, a quiz and a
    path, in both languages except ``gelu`` (English only) and ``kv-cache`` (Chinese
    only)."""
    root = tmp_path / "pack"
    shutil.copytree(FIXTURES / "pack", root)
    return root


def _write(root: Path, rel: str, text: str | bytes) -> Path:
    """Write a content file under ``root`` (``text`` is dedented)."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def _concept(ident: str, *, en: str | None = None, zh: str | None = None, extra: str = "") -> str:
    """A minimal valid concept file."""
    title = {"en": en or ident.replace("-", " ").capitalize(), "zh": zh or f"{ident}概念"}
    return (f"id: {ident}\nkind: concept\n"
            f"title: {json.dumps(title, ensure_ascii=False)}\n"
            f'summary: {{en: "About {ident}.", zh: "关于{ident}。"}}\n' + extra)


@pytest.fixture
def write():
    """``write(root, "concepts/a.yaml", text)``: a content file (text is dedented)."""
    return _write


@pytest.fixture
def concept():
    """``concept("relu", en=..., zh=..., extra="related: [a]\n")``: a valid concept's YAML."""
    return _concept


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def kb(capsys):
    """Run ``kb ARGS...`` in this process: ``kb("search", "relu")`` → Result."""
    from kb.cli import main

    def run(*argv: str) -> Result:
        capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse errors and --help
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
