"""Shared fixtures for the knowledge-base core tests.

Every test runs with ``KB_HOME`` in a temp directory (``kb_home``) and with language variables
cleared. Tests that load content use ``shipped`` (a tiny stand-in for the shipped
knowledge base, so that tests never depend on ``content/``, which grows while they run)
and ``pack`` (a copy of ``fixtures/pack``, a bilingual content pack they may edit).
"""

from __future__ import annotations

import json
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]

LANG_VARS = ("KB_LANG", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")


@pytest.fixture(autouse=True)
def kb_home(tmp_path_factory, monkeypatch) -> Path:
    home = tmp_path_factory.mktemp("kb-home")
    monkeypatch.setenv("KB_HOME", str(home))
    monkeypatch.delenv("KB_CONTENT_PATH", raising=False)
    for var in LANG_VARS:
        monkeypatch.delenv(var, raising=False)
    return home


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
