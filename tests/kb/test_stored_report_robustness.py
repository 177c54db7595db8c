"""A stored report_json is shown only when it reads as a well-formed report of a bounded
size; anything else (an old format, an imported or hand-edited value) reads as None."""

from __future__ import annotations

import json

import pytest

from kb.stored_report import MAX_REPORT_CHARS, read_stored_report


def good() -> dict:
    from engine.report import CheckResult, Message, Report

    check = CheckResult("value-1", "value", "fail", Message("off by 0.01", "差 0.01"),
                        Message("Values", "数值"), {"expected_all": [0.5], "actual_all": [0.51]})
    return json.loads(Report("fail", [check], 0.25, Message("1 check failed", "1 项未通过"),
                             stdout="hi\n", exercise="sigmoid").to_json())


def test_a_report_the_engine_wrote_reads_back():
    report = read_stored_report(json.dumps(good()))
    assert report is not None and report.status == "fail" and report.checks[0].title.zh == "数值"
    assert report.checks[0].diagnostics["actual_all"] == [0.51]


def mutated(fn) -> str:
    data = good()
    fn(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    "text",
    [
        None, "", 42, "{oops", "[]", "null", '"pass"',
        "[" * 100_000 + "]" * 100_000,  # deeper than the decoder's recursion limit
        '{"status": "pass", "message": {"en": "a", "zh": "b"}, "duration_s": ' + "9" * 5000 + "}",
        '{"status": "pass", "message": {"en": "a", "zh": "b"}, "duration_s": NaN}',
        json.dumps({**good(), "stdout": "x" * MAX_REPORT_CHARS}),  # too large
        mutated(lambda d: d.update(status="passed-ish")),
        mutated(lambda d: d.update(status=["pass"])),
        mutated(lambda d: d.update(message="not a message")),
        mutated(lambda d: d.update(message={"en": 1, "zh": "b"})),
        mutated(lambda d: d.update(message={"en": "a", "zh": "b", "fr": "c"})),
        mutated(lambda d: d.update(duration_s="fast")),
        mutated(lambda d: d.update(duration_s=-1)),
        mutated(lambda d: d.update(checks={"not": "a list"})),
        mutated(lambda d: d.update(checks=["not an object"])),
        mutated(lambda d: d.update(checks=[{}] * 5)),
        mutated(lambda d: d["checks"][0].update(title=None)),
        mutated(lambda d: d["checks"][0].update(diagnostics=[1, 2])),
        mutated(lambda d: d["checks"][0].update(status=None)),
        mutated(lambda d: d.update(stdout=["a"])),
        mutated(lambda d: d.update(stdout_truncated="yes")),
        mutated(lambda d: d.update(run="exited")),
    ],
)
def test_anything_else_reads_as_none(text):
    assert read_stored_report(text) is None
