"""A content pack whose exercise checks cannot be built: ``kb validate`` says where, and
``kb exercise check --all`` reports that exercise and goes on with the others. Learner
output in a check report never reaches the terminal as control sequences."""

from __future__ import annotations

import io
import json
import re
from types import SimpleNamespace

import pytest

import engine
from engine.report import CheckResult, Message, Report

HEAD = """\
id: {ident}
kind: exercise
title: {{en: "Double", zh: "加倍"}}
summary: {{en: "Double an array.", zh: "把数组加倍。"}}
concepts: [neural-network]
difficulty: 1
hints: [{{en: "Multiply by 2.", zh: "乘以 2。"}}]
functions: [{{name: double, signature: "double(x) -> ndarray"}}]
starter: |
  def double(x):
      raise NotImplementedError
solution: |
  def double(x):
      return 2.0 * x
checks:
"""
GOOD_CHECK = """\
  - kind: value
    call: double
    cases: [{args: [{value: [1.0, 2.0]}]}]
"""
# 150 cases of a 1000 × 1000 array: each one within the schema's limits, together
# about 1.1 GiB built in kb's own process.
HUGE_CHECK = "  - kind: value\n    id: huge\n    call: double\n    cases:\n" + "".join(
    f"      - args: [{{random: normal, shape: [1000, 1000], seed: {i}}}]\n" for i in range(150))
RAGGED_CHECK = """\
  - kind: value
    call: double
    cases:
      - args: [{value: [1.0]}]
      - args: [{value: [[1.0, 2.0], [3.0]]}]
"""


def exercise(ident: str, *checks: str) -> str:
    return HEAD.format(ident=ident) + "".join(checks)


@pytest.fixture
def exercises_pack(tmp_path, shipped, write):
    root = tmp_path / "exercises-pack"
    write(root, "exercises/good-double.yaml", exercise("good-double", GOOD_CHECK))
    return root


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_pack_validates_without_its_bad_exercise(kb, exercises_pack):
    r = kb("validate", str(exercises_pack))
    assert r.code == 0, r.out + r.err


def test_validate_reports_inputs_over_the_cap_with_a_location(kb, exercises_pack, write):
    path = write(exercises_pack, "exercises/huge-inputs.yaml", exercise("huge-inputs", GOOD_CHECK, HUGE_CHECK))
    r = kb("validate", str(exercises_pack))
    assert r.code == 1
    line = line_of(path.read_text(), "    id: huge") - 1  # the check's `- kind: value`
    found = [p for p in r.out.splitlines() if "huge-inputs.yaml" in p]
    assert len(found) == 1, r.out
    assert re.match(rf".*huge-inputs\.yaml:{line}:\d+: checks\[1\]: the checks' inputs add up to 1,14\d\.\d MiB, "
                    r"over the cap of 64\.0 MiB per exercise \(check 'huge'", found[0]), found[0]
    data = kb("validate", str(exercises_pack), "--json").json()
    [problem] = [p for p in data["problems"] if p["path"].endswith("huge-inputs.yaml")]
    assert problem["severity"] == "error" and problem["line"] == line and problem["field"] == "checks[1]"


def test_validate_reports_a_ragged_value_at_its_line(kb, exercises_pack, write):
    path = write(exercises_pack, "exercises/ragged.yaml", exercise("ragged", RAGGED_CHECK))
    r = kb("validate", str(exercises_pack))
    assert r.code == 1
    [found] = [p for p in r.out.splitlines() if "ragged.yaml" in p]
    line = line_of(path.read_text(), "[[1.0, 2.0], [3.0]]")
    assert f"ragged.yaml:{line}:" in found
    assert "checks[0].cases[1].args[0].value: ragged: value[1] has 1 element but value[0] has 2" in found


def test_validate_reports_a_symmetry_without_arguments(kb, exercises_pack, write):
    check = ("  - kind: property\n    call: double\n    properties: [{type: odd}]\n"
             "    cases: [{kwargs: {x: {value: [1.0]}}}]\n")
    write(exercises_pack, "exercises/no-args.yaml", exercise("no-args", check))
    r = kb("validate", str(exercises_pack))
    assert r.code == 1
    assert re.search(r"no-args\.yaml:\d+:\d+: checks\[0\]\.properties: 'odd' negates the first positional "
                     r"argument, but cases\[0\] has none", r.out), r.out


def test_check_all_goes_on_past_an_exercise_whose_inputs_cannot_be_built(kb, exercises_pack, write):
    write(exercises_pack, "exercises/huge-inputs.yaml", exercise("huge-inputs", GOOD_CHECK, HUGE_CHECK))
    r = kb("--content", str(exercises_pack), "exercise", "check", "--all")
    assert r.code == 1
    lines = r.out.splitlines()
    [huge] = [i for i, line in enumerate(lines) if "huge-inputs" in line and line.startswith("!")]
    assert "cannot be built" in lines[huge] and "64.0 MiB" in lines[huge + 1]
    assert any(line.split()[1:2] == ["good-double"] for line in lines), r.out  # still checked
    assert "Not OK: " in lines[-1] and "huge-inputs" in lines[-1]


class FakeWorker:
    started = 0

    def __init__(self):
        FakeWorker.started += 1

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fake_check(spec, path, *, worker=None):
    """The reference passes, the starter is not started; 'explodes' raises."""
    if spec.id == "explodes":
        raise RuntimeError("the engine fell over \x1b]0;pwned\x07")
    status = "pass" if str(path).endswith(".solution.py") else "not-started"
    result = CheckResult("value-1", "value", status, Message("ok", "ok"), Message("t", "t"))
    return Report(status, [result], 0.01, Message(status, status))


def test_check_all_turns_any_exception_into_that_exercises_error_line(kb, exercises_pack, write, monkeypatch):
    write(exercises_pack, "exercises/explodes.yaml", exercise("explodes", GOOD_CHECK))
    write(exercises_pack, "exercises/zz-last.yaml", exercise("zz-last", GOOD_CHECK))
    monkeypatch.setattr(engine, "check", fake_check)
    monkeypatch.setattr(engine, "Worker", FakeWorker)
    FakeWorker.started = 0
    r = kb("--content", str(exercises_pack), "exercise", "check", "--all")
    assert r.code == 1
    rows = [line for line in r.out.splitlines() if line[:1] in "✓✗!"]
    assert [row.split()[1] for row in rows] == ["explodes", "good-double", "zz-last"]
    assert rows[0].startswith("! explodes") and "RuntimeError: the engine fell over" in rows[0]
    assert "\x1b" not in r.out and "\x07" not in r.out
    assert rows[1].startswith("✓") and rows[2].startswith("✓")
    assert r.out.splitlines()[-1] == "2 of 3 exercises OK. Not OK: explodes."
    assert FakeWorker.started == 2  # a fresh worker after the failure

    data = kb("--content", str(exercises_pack), "exercise", "check", "--all", "--json").json()
    assert not data["ok"]
    assert {row["exercise"]: row["ok"] for row in data["exercises"]} == {
        "explodes": False, "good-double": True, "zz-last": True}


# --- the report's text on the terminal ---------------------------------------------------------


HOSTILE = "a\x1b[2Jb\x1b]52;c;Y2xpcA==\x07c\rd\x9b31me\x7ff\x00g\tok\nnext"


def test_learner_output_cannot_drive_the_terminal():
    from kb.cli.exercise import print_report

    result = CheckResult("value-1", "value", "error", Message(f"raised ValueError: {HOSTILE}", HOSTILE),
                         Message("Rows", "行"))
    report = Report("error", [result], 0.5, Message("error", "error"), stdout=HOSTILE, stderr=HOSTILE)
    out = io.StringIO()
    print_report(report, SimpleNamespace(id="double", title={"en": "Double", "zh": "加倍"}), "en", out)
    text = out.getvalue()
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text), repr(text)
    assert "raised ValueError: abcd" in text  # ESC sequences go whole, the text stays
    assert "  | abcd" in text and "g\tok" in text and "  | next" in text


def test_check_json_escapes_the_controls_json_dumps_lets_through():
    from kb.cli.exercise import _check_json

    report = Report("fail", [], 0.1, Message("x", "x"), stdout="a\x9b31mb\x7f\x1b[2J")
    text = _check_json(report, SimpleNamespace(id="double"))
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    assert json.loads(text)["stdout"] == "a\x9b31mb\x7f\x1b[2J"  # the same data
