"""Unit tests of the engine's parts: the spec's schema, the comparison and its
symptoms, gradient bands, the report, and the dependency rule."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from engine.compare import Context, band, compare, relative_error
from engine.report import Message, overall_status
from engine.spec import ExerciseSpec

from engine_helpers import small_spec

ROOT = Path(__file__).resolve().parents[2]


def spec_dict(**over):
    base = small_spec().model_dump(exclude_none=True)
    base.update(over)
    return base


# --- spec ------------------------------------------------------------------------------------


def test_checks_are_a_discriminated_union_with_auto_ids():
    spec = ExerciseSpec.model_validate(spec_dict(checks=[
        {"kind": "value", "call": "double", "cases": [{"args": [1.0]}]},
        {"kind": "value", "call": "double", "cases": [{"args": [{"linspace": [0, 1, 5]}]}]},
        {"kind": "property", "call": "double", "cases": [{"args": [{"value": [1.0]}]}],
         "properties": [{"type": "range", "min": 0}]},
    ]))
    assert [c.id for c in spec.checks] == ["value-1", "value-2", "property-1"]
    assert type(spec.checks[2]).__name__ == "PropertyCheck"


@pytest.mark.parametrize("bad,words", [
    ({"kind": "valu", "call": "double", "cases": [{"args": []}]}, "valu"),
    ({"kind": "value", "call": "double", "cases": [{"args": []}], "rtoll": 1}, "rtoll"),
    ({"kind": "value", "call": "triple", "cases": [{"args": []}]}, "triple"),
    ({"kind": "value", "call": "double", "cases": []}, "at least 1"),
    ({"kind": "gradient", "forward": "double", "backward": "double", "inputs": {"x": 1.0},
      "backward_args": ["dout"], "wrt": ["x"]}, "dout"),
    ({"kind": "training", "call": "double", "dataset": {"name": "binary-8d"}, "params": {"W": [1]},
      "forward": "nowhere", "threshold": 0.9}, "nowhere"),
    ({"kind": "value", "call": "double", "cases": [{"args": [{"random": "normal", "shape": [2], "seed": 0, "mean": 1}]}]}, "mean"),
])
def test_spec_mistakes_are_errors(bad, words):
    with pytest.raises(ValidationError) as info:
        ExerciseSpec.model_validate(spec_dict(checks=[bad]))
    assert words in str(info.value)


def test_starter_and_solution_must_define_the_functions():
    with pytest.raises(ValidationError, match="starter does not define double"):
        ExerciseSpec.model_validate(spec_dict(starter="def other():\n    pass\n"))
    with pytest.raises(ValidationError, match="solution does not parse"):
        ExerciseSpec.model_validate(spec_dict(solution="def double(x) return x\n"))


def test_top_level_fields_are_stable():
    assert list(ExerciseSpec.model_fields) == ["functions", "starter", "solution", "checks", "limits", "forbidden",
                                              "drivers"]
    schema = ExerciseSpec.model_json_schema()
    assert "discriminator" in json.dumps(schema)


def test_signature_parsing():
    from engine.spec import FunctionSig

    sig = FunctionSig(name="adam_step", signature="adam_step(w, g, m, v, t, lr=1e-3) -> tuple[w, m, v]")
    assert sig.params() == ["w", "g", "m", "v", "t", "lr"]
    assert sig.outputs() == ["w", "m", "v"]
    assert FunctionSig(name="f", signature="f(a, b) -> tuple[float, float, float]").outputs() is None


# --- comparison ---------------------------------------------------------------------------------


def cmp(actual, expected, ctx=None, rtol=1e-9, atol=1e-12):
    return compare(actual, expected, "out", rtol, atol, ctx or Context())


def test_equal_values_pass_and_nan_matches_nan():
    a = np.array([1.0, np.nan, np.inf])
    assert cmp(a.copy(), a) is None


def test_broadcasting_shapes_are_not_accepted():
    f = cmp(np.ones((3, 1)), np.ones(3))
    assert f is not None and "shape (3, 1), expected (3,)" in f.message.en
    f = cmp(np.ones((4, 4)), np.ones(4))
    assert "accidental broadcast" in f.message.en


def test_dtype_must_match():
    f = cmp(np.ones(3, dtype=np.float32), np.ones(3))
    assert "dtype float32, expected float64" in f.message.en
    f = cmp(np.ones(3, dtype=np.int64), np.ones(3))
    assert "Integer arithmetic" in f.message.en


def test_nan_where_finite_expected():
    f = cmp(np.array([1.0, np.nan]), np.array([1.0, 2.0]))
    assert "nan at [1]" in f.message.en and f.diagnostics["index"] == [1]


def test_worst_element_and_input_shown():
    x = np.array([0.0, 1.0, 2.0])
    ctx = Context(inputs=[("x", x)])
    f = cmp(np.array([0.0, 1.1, 2.5]), np.array([0.0, 1.0, 2.0]), ctx)
    assert f.diagnostics["index"] == [2] and f.diagnostics["wrong"] == 2
    assert "x = [0, 1, 2]" in f.message.en


def test_large_inputs_are_summarised_with_the_element():
    x = np.arange(100.0).reshape(10, 10)
    e = x * 2
    a = e.copy()
    a[3, 4] += 1
    f = cmp(a, e, Context(inputs=[("x", x)]))
    assert "x: shape (10, 10), x[3, 4] = 34" in f.message.en


def test_symptoms():
    e = np.array([[1.0, 2.0], [3.0, 5.0]])
    counts = [(Message("N", "N"), 4)]
    assert "opposite sign" in cmp(-e, e).message.en
    assert "transpose" in cmp(e.T.copy(), e).message.en
    f = cmp(e * 4, e, Context(counts=counts))
    assert "factor 4" in f.message.en and "sum where a mean" in f.message.en
    assert "1/N" in cmp(e / 4, e, Context(counts=counts)).message.en
    assert "offset" in cmp(e + 0.5, e).message.en


def test_scalars():
    assert cmp(np.float64(2.0), 2.0) is None
    assert cmp(2.0, np.float64(2.0)) is None
    assert cmp(np.array(2.0), 2.0) is None
    assert "single number" in cmp(np.array([2.0]), 2.0).message.en
    assert "expected a number" in cmp("2.0", 2.0).message.en
    assert "expected a number" in cmp(True, 1.0).message.en


def test_tuples_and_swaps():
    exp = (0.5, 0.25, 1 / 3)
    assert cmp([0.5, 0.25, 1 / 3], exp) is None
    f = compare((0.25, 0.5, 1 / 3), exp, "r", 1e-9, 1e-12, Context(output_names=["precision", "recall", "f1"]))
    assert "precision and recall look swapped" in f.message.en
    assert "returned 2 values, expected 3" in cmp((0.5, 0.25), exp).message.en
    assert "expected a tuple" in cmp(0.5, exp).message.en


def test_gradient_bands():
    assert band(1e-9)[0] == "good" and band(1e-5)[0] == "ok"
    assert band(1e-3)[0] == "suspicious" and band(0.5)[0] == "wrong"
    assert relative_error(np.array([1.0, 0.0]), np.array([1.0, 0.0])).max() == 0.0


def test_overall_status():
    assert overall_status(["pass", "pass"]) == "pass"
    assert overall_status([]) == "crashed"
    assert overall_status(["pass", "not-started"]) == "not-started"
    assert overall_status(["fail", "not-started", "error"]) == "error"
    assert overall_status(["fail", "timeout"]) == "timeout"


# --- the dependency rule ------------------------------------------------------------------------


def test_engine_never_imports_kb_or_textual():
    code = ("import sys, engine, engine.checker, engine.worker, engine.compare, engine.inputs\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'kb', 'textual'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_importing_engine_does_not_import_numpy():
    code = "import sys, engine\nprint('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_child_script_is_self_contained():
    source = (ROOT / "engine" / "_child.py").read_text()
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(("import ", "from ")):
            module = stripped.split()[1].split(".")[0]
            assert module not in ("engine", "kb", "pydantic", "yaml"), line


# --- reference handling -----------------------------------------------------------------------------


def test_reference_results_are_cached_per_solution(worker, tmp_path):
    import engine

    spec = small_spec(timeout_s=5.0)
    path = tmp_path / "ok.py"
    path.write_text("def double(x):\n    return 2.0 * x\n")
    worker.reference_cache.clear()
    engine.prepare(spec, worker)
    assert len(worker.reference_cache) == 1
    assert engine.check(spec, path, worker=worker).status == "pass"
    assert len(worker.reference_cache) == 1  # the check reused it
    other = ExerciseSpec.model_validate(spec_dict(solution="def double(x):\n    return x + x\n"))
    assert engine.check(other, path, worker=worker).status == "pass"
    assert len(worker.reference_cache) == 2


def test_a_broken_reference_is_an_authoring_error_not_the_learners(worker, tmp_path):
    import engine

    spec = ExerciseSpec.model_validate(spec_dict(solution="def double(x):\n    return x.nope\n"))
    path = tmp_path / "ok.py"
    path.write_text("def double(x):\n    return 2.0 * x\n")
    report = engine.check(spec, path, worker=worker)
    assert report.status == "error"
    assert "authoring bug" in report.message.en and "不是你的错" in report.message.zh


def test_the_reference_and_the_learners_job_run_side_by_side_and_each_answer_is_its_own(worker, tmp_path):
    """Not cached and not chained: both jobs are sent before either answer is read. A
    learner's job that kills its process does not cost the reference its result, and a
    broken reference is the exercise's error however the learner's job ended."""
    import engine

    spec = ExerciseSpec.model_validate(spec_dict(solution="def double(x):\n    return 2.0 * x  # side by side\n"))
    worker.reference_cache.clear()
    crash = tmp_path / "crash.py"
    crash.write_text("import os\ndef double(x):\n    os._exit(3)\n")
    report = engine.check(spec, crash, worker=worker)
    assert report.status == "crashed"
    assert len(worker.reference_cache) == 1  # the reference's result, kept
    ok = tmp_path / "ok.py"
    ok.write_text("def double(x):\n    return 2.0 * x\n")
    assert engine.check(spec, ok, worker=worker).status == "pass"  # a fresh child, the cached reference
    broken = ExerciseSpec.model_validate(spec_dict(solution="import os\ndef double(x):\n    os._exit(3)\n"))
    report = engine.check(broken, ok, worker=worker)
    assert report.status == "error" and "authoring bug" in report.message.en
    assert engine.check(spec, ok, worker=worker).status == "pass"


def test_side_by_side_takes_one_job_per_child(worker):
    with pytest.raises(ValueError):
        worker.run_side_by_side([({}, [], "learner"), ({}, [], "learner")])
