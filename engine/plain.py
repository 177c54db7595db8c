"""An exercise spec as the engine reads it while checking: plain data, no pydantic.

``engine.spec``'s pydantic models say what a valid spec is; a check reads the validated
spec through ``view(spec)``: each model becomes a ``SimpleNamespace`` with exactly the
model's fields as attributes (a field the JSON leaves out is None, as kb's index writes
its documents with ``exclude_none``). The engine's code reads a spec by attribute alone,
never by its class, so a cold ``kb exercise check`` can hand the engine kb's indexed
document of an exercise already validated, without importing pydantic (~90 ms with the
models' classes) or YAML. The view of a model and of its indexed document are the same;
``tests/engine/test_plain.py`` walks the models to keep the tables below in step.

Also here, for both forms: the helpers a check needs of a spec (``pair``, ``function``,
``params``, ``outputs``, ``driver_names``, ``arg_kind``) and the limits the models
enforce that checking reads too.
"""

from __future__ import annotations

import ast
import json
import re
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # pragma: no cover
    from engine.spec import ExerciseSpec

IDENT = r"^[A-Za-z_][A-Za-z0-9_]*$"
MAX_ELEMENTS = 1_000_000  # per array

# The fields that may be None, per model (a left-out field is one of these).
_CHECK_BASE = ("id", "title", "description")
OPTIONAL: dict[str, tuple[str, ...]] = {
    "ExerciseSpec": ("drivers",),
    "FunctionSig": (),
    "Limits": ("cpu_s",),
    "Bilingual": ("en", "zh"),
    "Case": ("note",),
    "FixedArray": (),
    "RandomArray": ("dtype",),
    "Linspace": ("shape",),
    "FunctionRef": (),
    "Dataset": (),
    "Corpus": (),
    "Diagnosis": (),
    "value": _CHECK_BASE + ("outputs", "items"),
    "stability": _CHECK_BASE + ("outputs", "items"),
    "immutability": _CHECK_BASE,
    "property": _CHECK_BASE + ("output",),
    "gradient": _CHECK_BASE + ("dout", "forward_item", "backward_item"),
    "training": _CHECK_BASE,
    "trajectory": _CHECK_BASE,
    "language-model": _CHECK_BASE,
    "sums-to": (), "range": ("min", "max"), "odd": (), "even": (), "complement": (), "finite": (),
    "same-shape": (), "fraction": (), "partition": ("size_arg",),
}

# Where models nest: a field's value is a model ("Bilingual"), a list of them
# ("Case*"), a mapping of names to them ("Arg{}"), or an input ("Arg": a model chosen by
# its key, or a plain number, true/false or null). "check" and "property" are chosen by
# their ``kind`` and ``type``. Fields not listed hold plain values.
_NESTED: dict[str, dict[str, str]] = {
    "ExerciseSpec": {"functions": "FunctionSig*", "checks": "check*", "limits": "Limits"},
    "check": {"title": "Bilingual", "description": "Bilingual", "cases": "Case*", "properties": "property*",
              "inputs": "Arg{}", "dout": "Arg", "kwargs": "Arg{}", "dataset": "Dataset", "corpus": "Corpus",
              "diagnoses": "Diagnosis*"},
    "Case": {"args": "Arg*", "kwargs": "Arg{}", "note": "Bilingual"},
    "Diagnosis": {"message": "Bilingual"},
}
_ARG_KEYS = {"value": "FixedArray", "random": "RandomArray", "linspace": "Linspace", "function": "FunctionRef"}


def view(spec: Any) -> "ExerciseSpec":
    """``spec`` (an ``ExerciseSpec`` or kb's ``Exercise``, or the JSON document of one,
    as kb's index stores it) as plain data with the same attributes. Fields of a
    subclass (kb's id, title, ...) are kept as the document has them."""
    if isinstance(spec, SimpleNamespace):
        return cast("ExerciseSpec", spec)
    if hasattr(spec, "model_dump_json"):  # the models' own JSON: the index's documents are the same
        spec = json.loads(spec.model_dump_json(exclude_none=True))
    if not isinstance(spec, dict):
        raise TypeError(f"not an exercise spec: {type(spec).__name__}")
    return cast("ExerciseSpec", _model("ExerciseSpec", spec))


def _model(family: str, data: Any) -> Any:
    if not isinstance(data, dict):
        raise TypeError(f"{family}: expected a mapping, not {type(data).__name__}")
    name = str(data.get("kind")) if family == "check" else str(data.get("type")) if family == "property" else family
    nested = _NESTED.get(family, {})
    fields = {key: _nested(nested[key], value) if key in nested and value is not None else value
              for key, value in data.items()}
    for key in OPTIONAL.get(name, ()):
        fields.setdefault(key, None)
    return SimpleNamespace(**fields)


def _nested(how: str, value: Any) -> Any:
    if how.endswith("*"):
        return [_nested(how[:-1], v) for v in value]
    if how.endswith("{}"):
        return {k: _nested(how[:-2], v) for k, v in value.items()}
    if how == "Arg":
        kind = arg_kind(value)
        return _model(kind, value) if isinstance(value, dict) and kind is not None else value
    return _model(how, value)


def arg_kind(value: Any) -> str | None:
    """Which input ``value`` is: "FixedArray", "RandomArray", "Linspace", "FunctionRef"
    (a mapping, a model or its view, by the key that names it), else None. The
    models' discriminator (``engine.spec``) asks this too."""
    keys = value if isinstance(value, dict) else getattr(value, "__dict__", None) or {}
    return next((tag for key, tag in _ARG_KEYS.items() if key in keys), None)


# --- what checking asks of a spec (either form) ------------------------------------------


def pair(text: Any) -> dict[str, str]:
    """A bilingual text in both languages, each falling back on the other."""
    en = text.en or text.zh or ""
    zh = text.zh or text.en or ""
    return {"en": en, "zh": zh}


def function(spec: Any, name: str) -> Any:
    """The declared function ``name`` of ``spec``, or None."""
    return next((f for f in spec.functions if f.name == name), None)


def params(sig: Any) -> list[str]:
    """Parameter names parsed from a function's signature (empty if it does not parse)."""
    head = sig.signature.split("->", 1)[0].strip()
    if not head.startswith(sig.name):
        head = sig.name + head[head.find("("):] if "(" in head else ""
    try:
        tree = ast.parse(f"def {head}: pass")
    except SyntaxError:
        return []
    fn = tree.body[0]
    assert isinstance(fn, ast.FunctionDef)
    a = fn.args
    return [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]


def outputs(sig: Any) -> list[str] | None:
    """Names of a returned tuple's elements, when the signature names them
    (``-> tuple[dx, dW, db]``); None for types (``tuple[float, float]``)."""
    if "->" not in sig.signature:
        return None
    ret = sig.signature.split("->", 1)[1].strip()
    m = re.fullmatch(r"tuple\[(.*)\]", ret)
    if not m:
        return None
    names = [p.strip() for p in m.group(1).split(",")]
    types = {"float", "int", "ndarray", "bool", "dict", "list", "str", "None", "np.ndarray"}
    if any(not re.fullmatch(IDENT, n) or n in types or n.startswith("list") for n in names):
        return None
    return names


def top_level_defs(source: str, what: str) -> set[str]:
    """The names a module's source defines at its top level (functions, classes)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ValueError(f"{what} does not parse: line {exc.lineno}: {exc.msg}") from None
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def driver_names(spec: Any) -> set[str]:
    """The check drivers ``spec`` defines."""
    return top_level_defs(spec.drivers, "drivers") if spec.drivers else set()


def limits(spec: Any) -> dict[str, Any]:
    """The run's limits as a mapping."""
    return dict(vars(spec.limits))
