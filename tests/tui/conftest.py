"""Shared fixtures for the TUI tests: a fixed content pack, a temporary KB_HOME, and
helpers to wait for workers and read the screen as text."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import pytest
from rich.console import Console

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
        from kb.tui.services import open_catalog

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


def screen_text(app) -> str:
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def async_test(fn):
    """Run an ``async def`` test in a fresh event loop (no asyncio plugin needed)."""
    import asyncio
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        asyncio.run(fn(*args, **kwargs))

    return wrapper
