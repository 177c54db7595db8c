"""The content model: bilingual text, slugs, forbidden extra fields, each kind's rules,
and the JSON Schema that ``kb schema`` prints for editors."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from kb.i18n import pick
from kb.schema import (KINDS, Application, Concept, Faq, LearningPath, Quiz, Text, Tool, is_slug,
                       json_schema)

T = {"en": "T", "zh": "标题"}
BASE = {"title": T, "summary": {"en": "S", "zh": "摘要"}}


def errors(model: type[BaseModel], data: dict) -> list[tuple[tuple, str]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [(e["loc"], e["msg"]) for e in info.value.errors()]


@pytest.mark.parametrize("slug", ["a", "relu", "self-attention", "gpt-4", "l2-regularization", "a1-b2-c3"])
def test_slugs(slug):
    assert is_slug(slug)
    Concept.model_validate({"id": slug, "kind": "concept", **BASE})


@pytest.mark.parametrize("bad", ["", "ReLU", "self_attention", "self attention", "-relu", "relu-", "a--b", "über",
                                 "relu\n", "x" * 81, "a.b", "中文"])
def test_not_slugs(bad):
    assert not is_slug(bad) or len(bad) > 80
    assert errors(Concept, {"id": bad, "kind": "concept", **BASE})[0][0] == ("id",)


def test_text_needs_a_mapping_with_some_text():
    assert Text.model_validate({"en": "x"}).missing() == ["zh"]
    assert Text.model_validate({"zh": "字"}).get("en") == ("字", True)
    assert Text.model_validate({"en": "x", "zh": "字"}).get("zh") == ("字", False)
    for bad in ("plain", {}, {"en": "", "zh": "  "}, {"en": None}, {"en": "x", "fr": "y"}, {"en": 3}):
        with pytest.raises(ValidationError):
            Text.model_validate(bad)


def test_pick_marks_a_fallback():
    assert pick({"en": "Hello"}, "zh") == "[EN] Hello"
    assert pick({"zh": "你好"}, "en") == "[中文] 你好"
    assert pick({"zh": "你好"}, "en", mark=False) == "你好"
    assert pick(Text(en="Hi", zh="嗨"), "zh") == "嗨"
    assert pick({"en": "  ", "zh": "嗨"}, "en") == "[中文] 嗨"
    assert pick(None, "en") == ""


def _all_models():
    seen, todo = set(), list(KINDS.values())
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for field in model.model_fields.values():
            for arg in _types(field.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    todo.append(arg)
    return seen


def _types(annotation):
    yield annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _types(arg)
    for meta in getattr(annotation, "__metadata__", ()) or ():
        yield meta
    origin = getattr(annotation, "__origin__", None)
    if origin is not None:
        yield origin


def test_every_model_forbids_unknown_fields():
    models = _all_models()
    assert len(models) > 15
    loose = [m.__name__ for m in models if m.model_config.get("extra") != "forbid"]
    assert loose == []


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_rejects_an_unknown_field(kind):
    errs = errors(KINDS[kind], {"id": "x", "kind": kind, **BASE, "colour": "red"})
    assert (("colour",), "Extra inputs are not permitted") in errs


def test_concept_fields():
    c = Concept.model_validate({
        "id": "sigmoid", "kind": "concept", **BASE,
        "formulas": [{"expr": "σ(x) = 1 / (1 + e⁻ˣ)", "name": {"en": "Definition"}}],
        "key_points": [{"en": "k"}], "common_mistakes": [{"zh": "错"}], "when_to_use": {"en": "w"},
        "plot": {"function": "sigmoid", "x_min": -8, "x_max": 8},
    })
    assert c.formulas[0].expr.startswith("σ") and c.plot.x_max == 8
    assert errors(Concept, {"id": "s", "kind": "concept", **BASE, "plot": {"function": "sigmoid", "x_min": 1, "x_max": 1}}) == [
        (("plot",), "Value error, x_min must be less than x_max")]
    assert errors(Concept, {"id": "s", "kind": "concept", **BASE, "plot": {"function": "__import__('os')"}})[0][0] == (
        "plot", "function")


def test_faq_title_and_summary_default_to_question_and_answer():
    f = Faq.model_validate({"id": "q", "kind": "faq", "question": {"en": "Why?"}, "answer": {"en": "Because."}})
    assert f.title.en == "Why?" and f.summary.en == "Because."
    f = Faq.model_validate({"id": "q", "kind": "faq", **BASE, "question": {"en": "Why?"}, "answer": {"en": "B."}})
    assert f.title.en == "T"
    assert {loc for loc, _ in errors(Faq, {"id": "q", "kind": "faq", **BASE})} == {("question",), ("answer",)}


TOOL = {"id": "theano", "kind": "tool", **BASE, "category": "library", "homepage": "https://example.org",
        "status_year": 2017}


@pytest.mark.parametrize("status", ["discontinued", "superseded"])
def test_a_retired_tool_names_its_successor(status):
    assert errors(Tool, {**TOOL, "status": status}) == [
        (("successor",), f"Value error, a {status} tool names its successor (the id of an entry)")]
    assert Tool.model_validate({**TOOL, "status": status, "successor": "pytorch"}).successor == "pytorch"


def test_tool_fields():
    assert Tool.model_validate({**TOOL, "status": "active"}).successor is None
    errs = dict(errors(Tool, {**TOOL, "status": "dead", "homepage": "example.org", "status_year": 1800,
                              "category": "x"}))
    assert set(errs) == {("status",), ("homepage",), ("status_year",), ("category",)}


def test_application_needs_tasks_and_a_known_domain():
    ok = {"id": "mt", "kind": "application", **BASE, "domain": "nlp", "tasks": [{"en": "translate"}]}
    assert Application.model_validate(ok).domain == "nlp"
    assert [loc for loc, _ in errors(Application, {**ok, "tasks": []})] == [("tasks",)]
    assert [loc for loc, _ in errors(Application, {**ok, "domain": "astrology"})] == [("domain",)]


ITEM = {"id": "i", "concepts": ["relu"], "question": {"en": "Q"}, "explanation": {"en": "E"}}


@pytest.mark.parametrize("item", [
    {"type": "single", "choices": [{"en": "a"}, {"en": "b"}], "answer": 1},
    {"type": "multiple", "choices": [{"en": "a"}, {"en": "b"}, {"en": "c"}], "answers": [0, 2]},
    {"type": "true_false", "answer": False},
    {"type": "numeric", "answer": 0.25, "tolerance": 0.01},
    {"type": "short", "accepted": {"en": ["relu"], "zh": []}},
])
def test_quiz_item_types(item):
    quiz = Quiz.model_validate({"id": "q", "kind": "quiz", **BASE, "items": [{**ITEM, **item}]})
    assert quiz.items[0].type == item["type"]


@pytest.mark.parametrize("item, loc, msg", [
    ({"type": "single", "choices": [{"en": "a"}, {"en": "b"}], "answer": 2}, ("answer",),
     "Value error, answer 2 is not a choice index (0..1)"),
    ({"type": "single", "choices": [{"en": "a"}, {"en": "b"}], "answer": -1}, ("answer",),
     "Input should be greater than or equal to 0"),
    ({"type": "single", "choices": [{"en": "a"}], "answer": 0}, ("choices",),
     "List should have at least 2 items after validation, not 1"),
    ({"type": "multiple", "choices": [{"en": "a"}, {"en": "b"}], "answers": [1, 1]}, ("answers",),
     "Value error, answers repeat an index"),
    ({"type": "multiple", "choices": [{"en": "a"}, {"en": "b"}], "answers": []}, ("answers",),
     "List should have at least 1 item after validation, not 0"),
    ({"type": "numeric", "answer": 1.0, "tolerance": -0.1}, ("tolerance",), "Input should be greater than or equal to 0"),
    ({"type": "short", "accepted": {}}, ("accepted",), "Value error, needs at least one accepted answer"),
    ({"type": "true_false", "answer": True, "concepts": []}, ("concepts",),
     "List should have at least 1 item after validation, not 0"),
])
def test_bad_quiz_items(item, loc, msg):
    errs = errors(Quiz, {"id": "q", "kind": "quiz", **BASE, "items": [{**ITEM, **item}]})
    assert [(e_loc[3:], e_msg) for e_loc, e_msg in errs] == [(loc, msg)]


def test_a_quiz_needs_items_and_a_path_needs_steps():
    assert [loc for loc, _ in errors(Quiz, {"id": "q", "kind": "quiz", **BASE, "items": []})] == [("items",)]
    path = {"id": "p", "kind": "path", **BASE, "steps": [{"do": "read", "ref": "relu"}]}
    assert LearningPath.model_validate(path).steps[0].ref == "relu"
    assert [loc for loc, _ in errors(LearningPath, {**path, "steps": [{"do": "watch", "ref": "relu"}]})] == [
        ("steps", 0, "do")]


def test_json_schema_covers_every_kind_and_forbids_extras():
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["discriminator"]["propertyName"] == "kind"
    assert set(schema["discriminator"]["mapping"]) == set(KINDS)
    defs = schema["$defs"]
    for name in ("Concept", "Faq", "Tool", "Application", "Quiz", "Exercise", "LearningPath", "Text"):
        assert defs[name]["additionalProperties"] is False, name
    assert defs["Concept"]["properties"]["id"]["pattern"] == "^[a-z0-9]+(?:-[a-z0-9]+)*$"


def test_json_schema_accepts_the_fixture_pack(pack):
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    validator = jsonschema.Draft202012Validator(json_schema())
    files = sorted(pack.glob("*/*.yaml"))
    assert len(files) == 17
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert list(validator.iter_errors(doc)) == [], path.name
    assert list(validator.iter_errors({"id": "x", "kind": "concept", **BASE, "colour": "red"}))
