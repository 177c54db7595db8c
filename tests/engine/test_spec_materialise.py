"""A spec that validates can be checked: impossible inputs are refused by the schema, and
``engine.inputs.materialise`` builds every input ahead of time (as checking would), names
what cannot be built and enforces a size cap, without running any code from the spec."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from engine.inputs import MAX_INPUT_BYTES, InputProblem, materialise, materialize
from engine.spec import MAX_MAGNITUDE, Case, ExerciseSpec, FixedArray
from engine_helpers import CORE, MORE, load_exercise

SOLUTION = "import numpy as np\n\ndef f(x, *args, **kwargs):\n    return x\n"


def spec(*checks: dict) -> dict:
    return {"functions": [{"name": "f", "signature": "f(x) -> ndarray"}], "starter": SOLUTION,
            "solution": SOLUTION, "checks": list(checks)}


def value_check(*args, **extra) -> dict:
    return {"kind": "value", "id": "c", "call": "f", "cases": [{"args": list(args)}], **extra}


def refused(data: dict) -> list[dict]:
    with pytest.raises(ValidationError) as exc:
        ExerciseSpec.model_validate(data)
    return exc.value.errors()


def one_error(data: dict) -> tuple[tuple, str]:
    """The single error a bad input gets (not one per member of the input union)."""
    errors = refused(data)
    assert len(errors) == 1, errors
    return tuple(errors[0]["loc"]), errors[0]["msg"]


# --- refused by validation ------------------------------------------------------------------


def test_a_ragged_value_is_refused_naming_the_row():
    loc, msg = one_error(spec(value_check({"value": [[1, 2], [3]]})))
    assert loc[-1] == "value" and "args" in loc
    assert "ragged" in msg and "value[1] has 1 element" in msg and "value[0] has 2" in msg


@pytest.mark.parametrize("value", [[[1, 2], 3], [[[1], [2]], [[1, 2], [3, 4]]]])
def test_mixed_depths_are_ragged_too(value):
    _, msg = one_error(spec(value_check({"value": value})))
    assert "ragged" in msg


@pytest.mark.parametrize("value, dtype, words", [
    (["a", 1.0], "float64", "not a number"),
    ([1.0, "1e5"], "float64", "write 1.0e5"),
    ([1.0, None], "float64", "not a number"),
    ([1.5], "int64", "whole number"),
    ([float("nan")], "int64", "no int64 value"),
    ([2**40], "int32", "range of int32"),
    ([10**400], "float64", "range of float64"),
    ([1e39], "float32", "range of float32"),
    ([2], "bool", "true/false"),
])
def test_value_entries_must_fit_the_dtype(value, dtype, words):
    _, msg = one_error(spec(value_check({"value": value, "dtype": dtype})))
    assert words in msg


def test_explicit_infinities_and_nan_are_allowed_in_float_values():
    ExerciseSpec.model_validate(spec(value_check({"value": [math.inf, -math.inf, math.nan, 1e300]})))


@pytest.mark.parametrize("arg, field", [
    ({"random": "uniform", "shape": [3], "seed": 0, "low": -1e300, "high": 1.0}, "low"),
    ({"random": "uniform", "shape": [3], "seed": 0, "low": 0.0, "high": math.inf}, "high"),
    ({"random": "normal", "shape": [3], "seed": 0, "scale": math.inf}, "scale"),
    ({"random": "normal", "shape": [3], "seed": 0, "loc": math.nan}, "loc"),
    ({"random": "normal", "shape": [3], "seed": 0, "loc": 2 * MAX_MAGNITUDE}, "loc"),
    ({"random": "integers", "shape": [3], "seed": 0, "low": 0.5, "high": 3}, "low"),
])
def test_generator_parameters_are_finite_and_sane(arg, field):
    loc, msg = one_error(spec(value_check(arg)))
    assert loc[-1] == field
    assert f"{MAX_MAGNITUDE:g}" in msg or "whole number" in msg


def test_low_must_be_below_high():
    loc, msg = one_error(spec(value_check({"random": "uniform", "shape": [3], "seed": 0, "low": 2, "high": 1})))
    assert loc[-1] == "high" and "greater than low" in msg


@pytest.mark.parametrize("arg, words", [
    ({"linspace": [0, 1, 10], "shape": [3, 3]}, "holds 9 elements but linspace makes num = 10"),
    ({"linspace": [0, 1e300, 10]}, "stop must be a finite number"),
    ({"linspace": [-math.inf, 0, 10]}, "start must be a finite number"),
])
def test_linspace_ends_and_shape(arg, words):
    _, msg = one_error(spec(value_check(arg)))
    assert words in msg


def test_a_mistyped_input_gets_one_clear_error():
    loc, msg = one_error(spec(value_check({"vaule": [1.0]})))
    assert "value, random, linspace or function" in msg
    loc, msg = one_error(spec(value_check("text")))
    assert "an input is a number" in msg


@pytest.mark.parametrize("prop", ["odd", "even", "complement"])
def test_a_symmetry_needs_a_first_argument_in_every_case(prop):
    check = {"kind": "property", "id": "sym", "call": "f", "properties": [{"type": prop}],
             "cases": [{"args": [{"value": [1.0]}]}, {"kwargs": {"x": {"value": [1.0]}}}]}
    loc, msg = one_error(spec(check))
    assert loc[-1] == "properties"
    assert f"'{prop}' negates the first positional argument" in msg and "cases[1]" in msg


def test_a_symmetry_cannot_negate_a_boolean_array_or_a_function():
    for first in ({"value": [True, False], "dtype": "bool"}, {"function": "cubic"}, None, True):
        check = {"kind": "property", "call": "f", "properties": [{"type": "odd"}], "cases": [{"args": [first]}]}
        _, msg = one_error(spec(check))
        assert "not a number or a numeric array" in msg


def test_properties_that_read_arguments_need_them():
    # Checking reads these only when it judges a result; materialise reads them up front.
    check = {"kind": "property", "id": "shape", "call": "f", "properties": [{"type": "same-shape", "arg": 1}],
             "cases": [{"args": [{"value": [1.0]}]}]}
    [p] = materialise(built(spec(check)))
    assert p.loc == ("checks", 0, "cases", 0)
    assert "check 'shape', case 0, property 'same-shape'" in p.message and "args[1]" in p.message
    check = {"kind": "property", "id": "batches", "call": "f",
             "properties": [{"type": "partition", "n_arg": 0, "size_arg": 1}],
             "cases": [{"args": [10, 4]}, {"args": [10**12, 4]}, {"args": [10, 0]}, {"args": [10]},
                       {"args": [{"value": 10, "dtype": "int64"}, 2.0]}]}
    problems = materialise(built(spec(check)))
    assert [p.loc[3] for p in problems] == [1, 2, 3]
    assert "n_arg = args[0] as a whole number from 0 to 1,000,000" in problems[0].message
    assert "size_arg = args[1]" in problems[1].message and "args[1]" in problems[2].message


def test_a_gradient_cannot_be_taken_with_respect_to_a_function():
    check = {"kind": "gradient", "forward": "f", "backward": "f", "inputs": {"x": {"function": "cubic"}},
             "backward_args": ["x"], "wrt": ["x"]}
    assert "not a number or a numeric array" in one_error(spec(check))[1]


def test_valid_inputs_still_validate():
    ExerciseSpec.model_validate(spec(value_check(
        {"value": [[1, 2], [3, 4]]}, {"value": 3.0}, {"value": []}, {"value": [[True, False]], "dtype": "bool"},
        {"random": "uniform", "shape": [2, 2], "seed": 1, "low": -1000, "high": 1000},
        {"random": "integers", "shape": [4], "seed": 1, "low": 0, "high": 5},
        {"linspace": [-50, 50, 12], "shape": [3, 4]}, {"function": "cubic"}, 2, 0.5, None, True)))


# --- materialise -------------------------------------------------------------------------------


def built(data: dict) -> ExerciseSpec:
    return ExerciseSpec.model_validate(data)


def test_shipped_exercises_materialise_within_the_cap():
    for ident in CORE + MORE:
        ex = load_exercise(ident)
        assert materialise(ex) == [], ident


def test_too_many_large_cases_are_refused_before_anything_is_built():
    case = {"args": [{"random": "normal", "shape": [1000, 1000], "seed": 0}]}
    data = spec({"kind": "value", "id": "huge", "call": "f", "cases": [case] * 150})
    s = built(data)  # each array is within the per-array limit
    problems = materialise(s)
    assert len(problems) == 1
    p = problems[0]
    assert p.loc == ("checks", 0) and "64.0 MiB" in p.message and "1,144.4 MiB" in p.message
    assert "'huge'" in p.message


def test_the_cap_is_over_the_whole_exercise():
    case = {"args": [{"random": "normal", "shape": [1000, 1000], "seed": 0}]}
    checks = [{"kind": "value", "id": f"c{i}", "call": "f", "cases": [case]} for i in range(9)]
    assert len(materialise(built(spec(*checks)))) == 1  # 9 × 7.6 MiB
    assert materialise(built(spec(*checks[:8]))) == []


def test_the_negated_copies_of_a_symmetry_count_too():
    case = {"args": [{"random": "normal", "shape": [1000, 1000], "seed": 0}]}
    prop = {"kind": "property", "id": "odd", "call": "f", "properties": [{"type": "odd"}], "cases": [case] * 5}
    assert materialise(built(spec(prop)), max_bytes=9 * 8_000_000) != []
    assert materialise(built(spec(prop)), max_bytes=10 * 8_000_000) == []


def test_an_input_that_fails_to_build_names_the_check_and_case():
    # Past the schema (model_construct, as a spec built in code might be): the problem is
    # reported, never raised, and the other inputs are still built.
    s = built(spec(value_check({"value": [1.0]}, {"value": [2.0]})))
    s.checks[0].cases.append(Case(args=[FixedArray.model_construct(value=[[1, 2], [3]], dtype="float64")]))
    s.checks[0].cases.append(Case(args=[FixedArray.model_construct(value=[1e20], dtype="int64"), None]))
    problems = materialise(s)
    assert [p.loc for p in problems] == [("checks", 0, "cases", 1, "args", 0), ("checks", 0, "cases", 2, "args", 0)]
    assert all(isinstance(p, InputProblem) for p in problems)
    assert "check 'c', case 1, args[0]: cannot be built (ValueError" in problems[0].message
    assert problems[0].field == "checks[0].cases[1].args[0]"
    assert "case 2" in problems[1].message


def test_generator_parameters_past_the_schema_are_problems_not_crashes():
    s = built(spec(value_check({"random": "uniform", "shape": [3], "seed": 0},
                               {"random": "normal", "shape": [100], "seed": 0})))
    uniform, normal = s.checks[0].cases[0].args
    object.__setattr__(uniform, "low", -1e308)  # NumPy raises: high - low overflows
    object.__setattr__(uniform, "high", 1e308)
    object.__setattr__(normal, "loc", 1e308)  # NumPy returns inf
    object.__setattr__(normal, "scale", 1e308)
    problems = materialise(s)
    assert [p.loc[-1] for p in problems] == [0, 1]
    assert "cannot be built (OverflowError" in problems[0].message
    assert "inf or NaN" in problems[1].message


def test_a_symmetry_without_arguments_past_the_schema_is_a_problem_not_a_crash():
    s = built(spec({"kind": "property", "id": "sym", "call": "f", "properties": [{"type": "odd"}],
                    "cases": [{"args": [{"value": [1.0]}]}]}))
    s.checks[0].cases.append(Case())
    problems = materialise(s)
    assert len(problems) == 1 and problems[0].loc == ("checks", 0, "cases", 1)
    assert "negates the first positional argument" in problems[0].message


def test_materialise_builds_what_checking_builds():
    s = built(spec(value_check({"value": [[1, 2], [3, 4]], "dtype": "int32"},
                               {"linspace": [0, 1, 6], "shape": [2, 3]})))
    a, b = (materialize(x) for x in s.checks[0].cases[0].args)
    assert a.dtype == np.int32 and a.shape == (2, 2) and b.shape == (2, 3)
    assert MAX_INPUT_BYTES == 64 * 1024 * 1024
