"""Fixtures for the engine tests: one warm worker per test process, and ``run`` to
check a source text as the learner's file. Helpers live in ``engine_helpers``."""

from __future__ import annotations

import textwrap

import pytest

import engine


@pytest.fixture(scope="session")
def worker():
    with engine.Worker() as w:
        yield w


@pytest.fixture
def run(worker, tmp_path):
    """run(spec, source) -> Report, checking `source` as the learner's file."""
    counter = [0]

    def _run(spec, source: str, *, name: str | None = None):
        counter[0] += 1
        path = tmp_path / (name or f"submission_{counter[0]}.py")
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        return engine.check(spec, path, worker=worker)

    return _run
