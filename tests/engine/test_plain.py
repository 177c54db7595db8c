"""engine.plain: the spec as checking reads it, without pydantic.

The view of a validated spec must hold exactly the models' fields with the same values
(its tables of optional and nested fields are kept in step with engine.spec here), and
a check that starts from plain data must never import pydantic."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import typing
from types import SimpleNamespace

import pytest
from engine_helpers import EXERCISES, ROOT, load_exercise
from pydantic import BaseModel

from engine import plain
from engine.spec import Check, ExerciseSpec, Property

ALL = sorted(p.name for p in EXERCISES.iterdir() if (p / "exercise.yaml").is_file())


def _models(annotation: typing.Any) -> list[type[BaseModel]]:
    """The model classes an annotation can hold (through unions, lists, dicts, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def _admits_none(annotation: typing.Any) -> bool:
    if annotation is type(None) or annotation is None:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _admits_none(typing.get_args(annotation)[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType")):
        return any(_admits_none(a) for a in typing.get_args(annotation))
    return False


def _name(model: type[BaseModel]) -> str:
    """The key engine.plain uses: a check's kind, a property's type, else the class name."""
    for field in ("kind", "type"):
        info = model.model_fields.get(field)
        if info is not None and typing.get_origin(info.annotation) is typing.Literal and \
                model in _models(Check) + _models(Property):
            return typing.get_args(info.annotation)[0]
    return model.__name__


def _every_model() -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    todo: list[type[BaseModel]] = [ExerciseSpec]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.append(model)
        for info in model.model_fields.values():
            todo += _models(info.annotation)
    return seen


def test_the_optional_fields_table_matches_the_models():
    models = _every_model()
    for model in models:
        if model.__name__ in ("Symmetry",):  # one class, three types
            continue
        optional = {n for n, info in model.model_fields.items() if _admits_none(info.annotation)}
        assert set(plain.OPTIONAL[_name(model)]) == optional, model.__name__
    for kind in ("odd", "even", "complement"):
        assert plain.OPTIONAL[kind] == ()
    assert len(plain.OPTIONAL) == len(models) + 2  # Symmetry's three types


def test_the_nesting_table_names_every_field_that_holds_a_model():
    for model in _every_model():
        family = ("check" if model in _models(Check) else "property" if model in _models(Property)
                  else model.__name__)
        holding = {n for n, info in model.model_fields.items() if _models(info.annotation)}
        # inputs (Arg) are found by their key; a property's fields hold no models
        assert set(plain._NESTED.get(family, {})) >= holding, model.__name__
        if family != "check":
            assert set(plain._NESTED.get(family, {})) == holding, model.__name__
    checks_holding = {n for m in _models(Check) for n, i in m.model_fields.items() if _models(i.annotation)}
    assert set(plain._NESTED["check"]) == checks_holding


def _same(model_value: typing.Any, view_value: typing.Any, at: str) -> None:
    if isinstance(model_value, BaseModel):
        assert isinstance(view_value, SimpleNamespace), at
        assert set(vars(view_value)) == set(type(model_value).model_fields), at
        for name in type(model_value).model_fields:
            _same(getattr(model_value, name), getattr(view_value, name), f"{at}.{name}")
    elif isinstance(model_value, dict):
        assert isinstance(view_value, dict) and set(view_value) == set(model_value), at
        for key in model_value:
            _same(model_value[key], view_value[key], f"{at}[{key!r}]")
    elif isinstance(model_value, (list, tuple)):
        assert isinstance(view_value, list) and len(view_value) == len(model_value), at
        for i, (m, v) in enumerate(zip(model_value, view_value)):
            _same(m, v, f"{at}[{i}]")
    elif isinstance(model_value, float) and math.isnan(model_value):
        assert isinstance(view_value, float) and math.isnan(view_value), at
    else:
        assert view_value == model_value and type(view_value) is type(model_value), at


@pytest.mark.parametrize("ident", ALL)
def test_the_view_of_every_exercise_holds_the_models_fields_and_values(ident):
    ex = load_exercise(ident)
    view = plain.view(ex)
    spec_fields = set(ExerciseSpec.model_fields)
    assert spec_fields <= set(vars(view))
    for name in spec_fields:
        _same(getattr(ex, name), getattr(view, name), name)


def test_non_finite_inputs_survive_the_json_form():
    spec = load_exercise("sigmoid").model_copy(deep=True)
    case = spec.checks[0].cases[0]  # type: ignore[union-attr]
    case.args[0].value = [math.inf, -math.inf, math.nan]
    view = plain.view(spec)
    got = view.checks[0].cases[0].args[0].value
    assert got[:2] == [math.inf, -math.inf] and math.isnan(got[2])


def test_the_helpers_read_both_forms_alike():
    ex = load_exercise("dense-layer")
    view = plain.view(ex)
    for f, g in zip(ex.functions, view.functions):
        assert f.params() == plain.params(g) and f.outputs() == plain.outputs(g)
    assert ex.driver_names() == plain.driver_names(view)
    assert plain.function(view, ex.functions[0].name) is view.functions[0]
    assert plain.function(view, "no-such") is None
    assert plain.limits(view) == ex.limits.model_dump()
    check = ex.checks[0]
    assert check.title is not None and check.title.pair() == plain.pair(view.checks[0].title)


def test_what_is_not_a_spec_is_refused():
    with pytest.raises(TypeError):
        plain.view(["checks"])
    with pytest.raises(TypeError):
        plain.view({"checks": ["not a mapping"], "functions": [], "limits": {}})


def test_a_check_from_plain_data_imports_no_pydantic(tmp_path):
    """What a cold `kb exercise check` does with kb's indexed document: the engine
    checks from the JSON, and neither pydantic nor YAML is loaded."""
    ex = load_exercise("sigmoid")
    doc = tmp_path / "sigmoid.json"
    doc.write_text(ex.model_dump_json(exclude_none=True), encoding="utf-8")
    solution = tmp_path / "sigmoid.py"
    solution.write_text(ex.solution, encoding="utf-8")
    code = (
        "import json, sys\n"
        "import engine\n"
        f"spec = json.loads(open({str(doc)!r}, encoding='utf-8').read())\n"
        f"report = engine.check(spec, {str(solution)!r})\n"
        "loaded = sorted(m for m in ('pydantic', 'yaml', 'kb') if m in sys.modules)\n"
        "print(json.dumps({'status': report.status, 'checks': len(report.checks), 'loaded': loaded}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"status": "pass", "checks": len(ex.checks), "loaded": []}
