"""Shared fixtures for the TUI tests: a fixed content pack, a temporary KB_HOME, and
helpers to wait for workers and read the screen as text."""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from rich.cells import cell_len

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONTENT = FIXTURES / "content"
BROKEN = FIXTURES / "broken"
NOW = datetime(2025, 3, 14, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def home_template(tmp_path_factory):
    """A KB_HOME with the fixture packs indexed and an empty, migrated progress store,
    built once per test process and copied for each test (a fresh index and migration
    per test would cost most of a test's time)."""
    import os

    template = tmp_path_factory.mktemp("kbhome-template")
    old = os.environ.get("KB_HOME")
    os.environ["KB_HOME"] = str(template)
    try:
        from kb.progress import open_store
        from kb.app.services import open_catalog

        for root in (CONTENT, BROKEN):
            open_catalog([root], []).close()
        open_store().close()
    finally:
        if old is None:
            os.environ.pop("KB_HOME", None)
        else:
            os.environ["KB_HOME"] = old
    return template


@pytest.fixture(autouse=True)
def kb_home(tmp_path, monkeypatch, home_template):
    import shutil

    home = tmp_path / "kbhome"
    shutil.copytree(home_template, home)
    monkeypatch.setenv("KB_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path))  # paths shown as ~/kbhome/... (stable snapshots)
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    monkeypatch.delenv("KB_CONTENT_PATH", raising=False)
    monkeypatch.delenv("KB_LANG", raising=False)
    return home


def make_app(lang: str = "en", roots=None, **kwargs):
    from kb.tui.app import KbApp

    kwargs.setdefault("clock", lambda: NOW)
    kwargs.setdefault("tz", timezone.utc)
    return KbApp(lang=lang, roots=[str(r) for r in (roots or [CONTENT])], **kwargs)


async def settle(pilot, rounds: int = 3) -> None:
    """Wait until workers are done and the messages they posted are handled."""
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot, predicate, timeout: float = 10.0) -> None:
    """Pause until ``predicate()`` is true (workers in threads report asynchronously)."""
    import asyncio

    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting; screen was:\n{screen_text(pilot.app)}")
        await pilot.pause(0.02)
    await pilot.pause()  # let what the handler changed repaint


_SVG_TEXT = re.compile(r'<text [^>]*?x="([0-9.e+-]+)"[^>]*?textLength="([0-9.e+-]+)"[^>]*?'
                       r'clip-path="url\(#[^)]*-line-(\d+)\)"[^>]*>(.*?)</text>', re.S)


def screen_text(app) -> str:
    """The screen as lines of text, read from Textual's public screenshot (an SVG in which
    each run of text sits at its cell column on its line)."""
    width, height = app.size
    rows: list[list[str | None]] = [[" "] * width for _ in range(height)]
    for x, length, line, raw in _SVG_TEXT.findall(app.export_screenshot()):
        text = html.unescape(raw).replace("\xa0", " ")
        col = round(float(x) / (float(length) / len(text)))  # textLength is a cell's width per char
        row = rows[int(line)] if int(line) < height else None
        for ch in text:
            if row is None or col >= width:
                break
            row[col] = ch
            if cell_len(ch) == 2 and col + 1 < width:
                row[col + 1] = None  # the wide character's second cell
            col += cell_len(ch)
    return "\n".join("".join(c for c in row if c is not None) for row in rows)


def async_test(fn):
    """Run an ``async def`` test in a fresh event loop (no asyncio plugin needed)."""
    import asyncio
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        asyncio.run(fn(*args, **kwargs))

    return wrapper
