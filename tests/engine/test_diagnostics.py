"""Typed diagnostics (``engine.diagnostics``): each check kind's result reads by attribute,
serialises to the same JSON reports have always had, and reports stored by the previous
version (a flat ``diagnostics`` object per check) still decode."""

from __future__ import annotations

import copy
import json
import math
import typing

import pytest

import engine
from engine.checks import PLANNERS
from engine.compare import band
from engine.diagnostics import (
    BY_KIND, Diagnostics, Frame, GradientDiagnostics, ImmutabilityDiagnostics, LanguageModelDiagnostics,
    ProcessEnd, PropertyDiagnostics, RaisedIn, TrainingDiagnostics, TrajectoryDiagnostics, ValueDiagnostics,
    gradient_band, parse,
)
from engine.report import CheckResult, Message, Report, clean
from engine.spec import Check
from engine_helpers import EXERCISES, load_exercise

# Check results exactly as the previous engine (one loose dict per result) wrote them
# into the progress store, one per kind and shape of outcome.
OLD = [
    ("gradient", {"actual_shape": [3], "expected_shape": [4], "gradient": "db"}),
    ("gradient", {"bands": {"dW": "good", "db": "wrong", "dx": "good"}, "gradient": "db", "index": [3],
                  "numerical": 0.01446169047, "rel_errors": {"dW": 1.38e-09, "db": 0.5, "dx": 5.68e-09},
                  "yours": 0.004820563481}),
    ("gradient", {"bands": {"dx": "good"}, "rel_errors": {"dx": 3.1e-11}}),
    ("value", {"abs_error": 0.749, "actual": 4.5043, "actual_all": 4.5043, "case": 0, "expected": 3.7553,
               "expected_all": 3.7553, "index": [], "rel_error": 0.1994, "size": 1, "wrong": 1}),
    ("value", {"abs_error": 0.01, "actual": 0.51, "actual_all": [[0.5, 0.51], [1, 2]], "case": 2,
               "element": "dW", "expected": 0.5, "expected_all": [[0.5, 0.5], [1, 2]], "index": [0, 1],
               "rel_error": "inf", "size": 4, "symptom": "Every value is off by the same offset 0.01.", "wrong": 1}),
    ("value", {"actual": "nan", "case": 1, "expected": "0", "index": [], "nonfinite": 1, "size": 1}),
    ("value", {"case": 1, "swapped": ["precision", "recall"]}),
    ("value", {"actual_dtype": "int64", "case": 0, "expected_dtype": "float64"}),
    ("value", {"exception": "ForbiddenCall", "exception_message": "numpy.tanh is off-limits in this exercise",
               "raised_in": ["child.py", 768, "stub"], "traceback": [[8, "tanh", "return np.tanh(x)"]]}),
    ("value", {"exception": "NotImplementedError", "exception_message": "", "traceback": []}),
    ("value", {"pid": 14672, "signal": 9, "timed_out": True, "output_limit": False, "wall_s": 2.01,
               "cpu_s": 0.62, "maxrss_kb": 296924}),
    ("value", {"unusable": "TypeError: float() argument must be a string or a real number, not 'dict'"}),
    ("stability", {"traceback": [[8, "batchnorm_forward", "inv_std = 1.0 / np.sqrt(x.var(axis=0))"]],
                   "warning": "divide by zero encountered in divide"}),
    ("immutability", {"after": "-0.783894901", "before": "-0.7820659427", "index": [0], "input": "w"}),
    ("immutability", {"view_of": "x"}),
    ("property", {"property": "sums-to"}),
    ("training", {"accuracy": 0.93, "epochs": 40, "history": [0.69, 0.52, 0.41], "loss_first": 0.69,
                  "loss_last": 0.41, "n_test": 500, "threshold": 0.85}),
    ("trajectory", {"mistake": "no-bias-gradients"}),
    ("trajectory", {"parameter": "W1", "step": 1}),
    ("trajectory", {"jump": 0.9}),
    ("trajectory", {"epoch": 2}),
    ("language-model", {"bigram_loss": 2.99, "held_out_chars": 4608, "held_out_loss": 2.6, "history": [6.28, 5.83],
                        "loss_first": 6.0, "loss_last": 3.5, "threshold": 2.89, "train_chars": 43000,
                        "vocab_size": 120}),
    ("trajectory", {}),
]


def old_report(kind: str, diagnostics: dict) -> dict:
    return {"exercise": "dense-layer", "status": "fail", "message": {"en": "0 of 1 checks passed.",
                                                                    "zh": "1 项检查中通过 0 项。"},
            "duration_s": 0.42, "checks": [{"name": f"{kind}-1", "kind": kind, "status": "fail",
                                            "title": {"en": "A check", "zh": "一项检查"},
                                            "message": {"en": "wrong", "zh": "错了"},
                                            "diagnostics": diagnostics}],
            "stdout": "", "stderr": "", "stdout_truncated": False, "stderr_truncated": False, "run": {}}


@pytest.mark.parametrize(("kind", "diagnostics"), OLD, ids=[f"{k}-{i}" for i, (k, _) in enumerate(OLD)])
def test_a_report_stored_by_the_previous_version_decodes_and_serialises_unchanged(kind, diagnostics):
    data = old_report(kind, copy.deepcopy(diagnostics))
    report = Report.from_json(json.dumps(data))
    details = report.checks[0].details
    assert type(details) is BY_KIND[kind]
    assert details.extra == {}, "every key the previous engine wrote has a typed field"
    assert clean(details.to_dict()) == diagnostics
    assert json.loads(report.to_json()) == data


def test_the_previous_versions_gradient_report_reads_by_attribute():
    report = Report.from_dict(old_report("gradient", OLD[1][1]))
    d = report.checks[0].details
    assert isinstance(d, GradientDiagnostics)
    assert d.gradient == "db" and d.index == (3,) and d.yours == 0.004820563481
    assert d.rel_errors == {"dW": 1.38e-09, "db": 0.5, "dx": 5.68e-09}
    assert d.bands == {"dW": "good", "db": "wrong", "dx": "good"}
    assert d.worst() == ("db", 0.5)


def test_shared_fields_read_by_attribute_for_every_kind():
    error = parse("gradient", OLD[8][1])
    assert isinstance(error, GradientDiagnostics)
    assert error.exception == "ForbiddenCall"
    assert error.traceback == (Frame(8, "tanh", "return np.tanh(x)"),) and error.traceback[0].line == 8
    assert error.raised_in == RaisedIn("child.py", 768, "stub")
    process = parse("trajectory", OLD[10][1])
    assert isinstance(process.process, ProcessEnd)
    assert process.process.timed_out is True and process.process.signal == 9 and process.process.output_limit is False
    value = parse("value", OLD[4][1])
    assert isinstance(value, ValueDiagnostics)
    assert value.rel_error == math.inf and value.expected_all == ((0.5, 0.5), (1, 2)) and value.index == (0, 1)
    assert isinstance(parse("language-model", OLD[21][1]), LanguageModelDiagnostics)
    training = parse("training", OLD[16][1])
    assert isinstance(training, TrainingDiagnostics) and training.history == (0.69, 0.52, 0.41)


def test_unknown_keys_and_mistyped_values_are_kept_not_lost():
    data = {"gradient": 7, "bands": {"dx": 3}, "rel_errors": {"dx": 1e-9}, "future_key": {"a": [1, 2]},
            "traceback": [[1, "f"]], "pid": "12", "exit_code": 1}
    d = parse("gradient", data)
    assert isinstance(d, GradientDiagnostics)
    assert d.gradient is None and d.bands is None and d.traceback is None
    assert d.rel_errors == {"dx": 1e-9} and d.process == ProcessEnd(exit_code=1)
    assert d.extra == {"gradient": 7, "bands": {"dx": 3}, "future_key": {"a": [1, 2]}, "traceback": [[1, "f"]],
                       "pid": "12"}
    assert d.to_dict() == data


def test_hostile_nesting_reads_as_extra_without_raising():
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    d = parse("value", {"expected_all": deep, "size": 1})
    assert isinstance(d, ValueDiagnostics) and d.size == 1 and "expected_all" in d.extra


def test_an_unknown_kind_reads_with_the_shared_fields():
    d = parse("from-the-future", {"exception": "ValueError", "score": 3})
    assert type(d) is Diagnostics and d.exception == "ValueError" and d.extra == {"score": 3}


def test_every_check_kind_has_a_planner_and_a_diagnostics_class():
    members = typing.get_args(typing.get_args(Check)[0])
    kinds = {typing.get_args(m.model_fields["kind"].annotation)[0] for m in members}
    assert set(PLANNERS) == kinds
    assert set(BY_KIND) == kinds


@pytest.mark.parametrize("err", [0.0, 1e-9, 1e-7, 1.01e-7, 5e-5, 1e-4, 2e-4, 1e-2, 0.011, 0.5, 2.0, math.inf, math.nan])
def test_one_rule_bands_a_gradient_for_the_engine_and_the_tui(err):
    assert band(err)[0] == gradient_band(err)


def test_a_check_result_built_from_typed_diagnostics_keeps_the_json_form():
    details = ImmutabilityDiagnostics(input="x", index=(1, 2), before="1", after="2")
    result = CheckResult.of("unchanged", "immutability", "fail", Message("a", "b"), Message("t", "t"), details)
    assert result.diagnostics == {"input": "x", "index": [1, 2], "before": "1", "after": "2"}
    assert result.details == details
    assert CheckResult.from_dict(result.to_dict()).details == details
    assert PropertyDiagnostics(property="odd").to_dict() == {"property": "odd"}
    assert TrajectoryDiagnostics().to_dict() == {}


def _mutant_report(worker, ident: str, mutant: str) -> Report:
    return engine.check(load_exercise(ident), EXERCISES / ident / "mutants" / mutant, worker=worker)


def test_a_live_gradient_failure_carries_every_gradients_band(worker):
    report = _mutant_report(worker, "dense-layer", "db_averaged_instead_of_summed.py")
    gradient = next(c for c in report.checks if c.kind == "gradient")
    d = gradient.details
    assert isinstance(d, GradientDiagnostics)
    assert d.gradient == "db" and d.bands == {"dx": "good", "dW": "good", "db": "wrong"}
    assert d.worst() is not None and d.worst()[0] == "db"  # type: ignore[index]
    assert set(d.rel_errors or {}) == {"dx", "dW", "db"}
    assert clean(d.to_dict()) == clean(gradient.diagnostics)
    value = next(c for c in report.checks if c.kind == "value" and c.status == "fail")
    assert isinstance(value.details, ValueDiagnostics) and value.details.element == "db"


@pytest.mark.parametrize(("ident", "source"), [
    ("dense-layer", "solution"), ("dense-layer", "mutants/dw_transposed.py"),
    ("sigmoid-backward", "mutants/in_place_on_out.py"), ("batchnorm", "mutants/no_eps.py"),
    ("training-loop", "mutants/update_before_backward.py"), ("training-loop", "solution"),
    ("tanh", "mutants/calls_np_tanh.py"), ("metrics", "mutants/precision_and_recall_swapped.py"),
])
def test_every_live_result_is_its_kinds_class_and_round_trips(worker, tmp_path, ident, source):
    ex = load_exercise(ident)
    if source == "solution":
        path = tmp_path / "solution.py"
        path.write_text(ex.solution, encoding="utf-8")
    else:
        path = EXERCISES / ident / source
    report = engine.check(ex, path, worker=worker)
    for c in report.checks:
        d = c.details
        assert type(d) is BY_KIND[c.kind]
        assert d.extra == {}, (c.name, d.extra)
        assert clean(d.to_dict()) == clean(c.diagnostics)
    assert Report.from_json(report.to_json()).to_dict() == report.to_dict()


def test_the_progress_stores_reader_decodes_a_previous_versions_report():
    from kb.stored_report import read_stored_report

    for kind, diagnostics in OLD:
        report = read_stored_report(json.dumps(old_report(kind, diagnostics)))
        assert report is not None, kind
        assert type(report.checks[0].details) is BY_KIND[kind]
        assert clean(report.checks[0].details.to_dict()) == diagnostics
