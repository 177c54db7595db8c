"""The exercise workspace opens whatever the last stored attempt's report holds: an
unreadable report (bad JSON, wrong types, huge) is ignored, a good one is shown."""

from __future__ import annotations

import json

import pytest

from .conftest import async_test, make_app, screen_text, until
from .test_exercise import open_workspace

HOSTILE = {
    "not JSON": "{oops",
    "wrong types": json.dumps({"status": 7, "message": "x", "checks": "y", "duration_s": "z"}),
    "wrong check types": json.dumps({"status": "fail", "message": {"en": "a", "zh": "b"},
                                     "checks": [{"name": 1, "status": "fail", "message": None}]}),
    "huge": json.dumps({"status": "fail", "message": {"en": "a", "zh": "b"}, "stdout": "x" * 2_000_000}),
    "deep": "[" * 100_000 + "]" * 100_000,
}


def store_attempt(report_json: str) -> None:
    from kb.progress import open_store

    with open_store() as store:
        store.record_attempt("sigmoid-exercise", "fail", 0.1, 0, False, report_json=report_json)


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
@async_test
async def test_an_unreadable_stored_report_does_not_stop_the_workspace(case):
    store_attempt(HOSTILE[case])
    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_workspace(pilot, app)
        assert screen.error is None
        assert screen.report is None  # opened as if never checked
        assert "Traceback" not in screen_text(app)


@async_test
async def test_a_readable_stored_report_is_shown():
    store_attempt(json.dumps({"status": "fail", "message": {"en": "1 check failed", "zh": "1 项未通过"},
                              "duration_s": 0.2, "checks": [
                                  {"name": "value-1", "kind": "value", "status": "fail",
                                   "message": {"en": "off by one", "zh": "差一"},
                                   "title": {"en": "Values on inputs", "zh": "数值"}}]}))
    app = make_app("en")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_workspace(pilot, app)
        assert screen.report is not None and screen.report.status == "fail"
        await until(pilot, lambda: "Values on inputs" in screen_text(app))
