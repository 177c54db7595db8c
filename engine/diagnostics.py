"""Typed diagnostics: what a check result says beyond its message, one frozen dataclass
per check kind, read by attribute (``result.details.bands``).

A report travels and is stored as JSON, where a result's diagnostics are a flat object
(``{"gradient": "dW", "rel_errors": {...}, "bands": {...}}``). ``to_dict`` writes exactly
that form and ``from_dict`` reads it back, so reports stored by earlier versions decode
and reports written now read the same to them. Reading is lenient, because a stored
report is data from the past (an older engine, an import, a hand edit): a key this
version does not know, or a value of the wrong type, is kept in ``extra`` (and written
back by ``to_dict``) instead of failing, so nothing in it is lost.

Every kind shares the fields of :class:`Diagnostics`: the learner's exception and
traceback, how the process ended, a value the check could not use. Standard library
only, like ``engine.report``: the TUI reads reports without importing NumPy.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

D = TypeVar("D", bound="Diagnostics")


# --- decoding one JSON value --------------------------------------------------------------
# Each decoder returns the typed value or raises ValueError, which keeps the raw value in
# ``extra``. NaN and the infinities arrive as the strings ``engine.report.clean`` writes.


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError
    return v


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError
    return v


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError
    return v


_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _float(v: Any) -> float:
    if isinstance(v, str) and v in _NONFINITE:
        return _NONFINITE[v]
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError
    return v  # an int stays one, so that a report reads back exactly as it was written


def _number_or_text(v: Any) -> float | str:
    """A value the engine writes as a number, or as its text when it is not finite."""
    if isinstance(v, str):
        return v
    return _float(v)


def _ints(v: Any) -> tuple[int, ...]:
    if not isinstance(v, list):
        raise ValueError
    return tuple(_int(x) for x in v)


def _floats(v: Any) -> tuple[float, ...]:
    if not isinstance(v, list):
        raise ValueError
    return tuple(_float(x) for x in v)


def _strs(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list):
        raise ValueError
    return tuple(_str(x) for x in v)


def array_values(v: Any) -> Any:
    """An array's values as ``ndarray.tolist()`` gives them (a number, a boolean, or
    nested lists of them), with tuples for lists."""
    if isinstance(v, (list, tuple)):
        return tuple(array_values(x) for x in v)
    return v if isinstance(v, (bool, int)) else _number_or_text(v)


def _float_map(v: Any) -> dict[str, float]:
    if not isinstance(v, dict):
        raise ValueError
    return {_str(k): _float(x) for k, x in v.items()}


def _str_map(v: Any) -> dict[str, str]:
    if not isinstance(v, dict):
        raise ValueError
    return {_str(k): _str(x) for k, x in v.items()}


class Frame(NamedTuple):
    """One line of the learner's traceback (``line`` 0: a line with no number)."""

    line: int
    function: str
    source: str


def _frames(v: Any) -> tuple[Frame, ...]:
    if not isinstance(v, list):
        raise ValueError
    out = []
    for f in v:
        if not (isinstance(f, list) and len(f) == 3):
            raise ValueError
        out.append(Frame(_int(f[0]), _str(f[1]), _str(f[2])))
    return tuple(out)


class RaisedIn(NamedTuple):
    """Where outside the learner's file the exception was raised (file, line, function)."""

    file: str
    line: int
    function: str


def _raised_in(v: Any) -> RaisedIn:
    if not (isinstance(v, list) and len(v) == 3):
        raise ValueError
    return RaisedIn(_str(v[0]), _int(v[1]), _str(v[2]))


def _encode(v: Any) -> Any:
    """The JSON form of a field's value: tuples (and named tuples) as lists."""
    if isinstance(v, tuple):
        return [_encode(x) for x in v]
    if isinstance(v, dict):
        return {k: _encode(x) for k, x in v.items()}
    return v


def _f(decode: Callable[[Any], Any]) -> Any:
    """A field that is absent (None) unless the check set it."""
    return field(default=None, metadata={"decode": decode})


# --- the records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessEnd:
    """How the learner's process ended, when it ended without a complete report (or,
    on the report itself, how it ran)."""

    pid: int | None = _f(_int)
    exit_code: int | None = _f(_int)
    signal: int | None = _f(_int)
    timed_out: bool | None = _f(_bool)
    output_limit: bool | None = _f(_bool)
    wall_s: float | None = _f(_float)
    cpu_s: float | None = _f(_float)
    maxrss_kb: int | None = _f(_int)
    zygote_lost: bool | None = _f(_bool)
    malformed: bool | None = _f(_bool)

    @classmethod
    def from_summary(cls, summary: Mapping[str, Any]) -> "ProcessEnd":
        """The fields of a worker's run summary that a report keeps (values taken as
        they are: the summary is already clean)."""
        return cls(**{f.name: summary[f.name] for f in dataclasses.fields(cls) if summary.get(f.name) is not None})

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if getattr(self, f.name) is not None}


_PROCESS_KEYS = frozenset(f.name for f in dataclasses.fields(ProcessEnd))


@dataclass(frozen=True)
class Diagnostics:
    """What any check's result can carry; each kind's class adds its own fields."""

    # The learner's code raised (or the file failed to load).
    exception: str | None = _f(_str)
    exception_message: str | None = _f(_str)
    traceback: tuple[Frame, ...] | None = _f(_frames)
    raised_in: RaisedIn | None = _f(_raised_in)
    # The process ended without a complete report.
    process: ProcessEnd | None = None
    # A returned value that no evaluator foresaw ("TypeError: ...").
    unusable: str | None = _f(_str)
    # Keys this version does not know, or values of an unexpected type: kept as they came.
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls: type[D], data: Mapping[str, Any]) -> D:
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        fields = {f.name: f for f in dataclasses.fields(cls) if "decode" in f.metadata}
        process: dict[str, Any] = {}
        for key, raw in data.items():
            if key in _PROCESS_KEYS:
                process[key] = raw
                continue
            f = fields.get(key)
            if f is None:
                extra[key] = raw
                continue
            try:
                values[key] = f.metadata["decode"](raw)
            except (ValueError, TypeError, RecursionError):  # nested past reason: kept raw
                extra[key] = raw
        if process:
            typed, rest = _decode_process(process)
            values["process"] = typed
            extra.update(rest)
        return cls(**values, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: every field that is set, under its own name (the process's
        fields at the top level, as reports have always had them), then ``extra``."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "extra" or value is None:
                continue
            if f.name == "process":
                out.update(value.to_dict())
            else:
                out[f.name] = _encode(value)
        out.update(self.extra)
        return out


def _decode_process(raw: dict[str, Any]) -> tuple[ProcessEnd, dict[str, Any]]:
    values: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    for f in dataclasses.fields(ProcessEnd):
        if f.name in raw:
            try:
                values[f.name] = f.metadata["decode"](raw[f.name])
            except (ValueError, TypeError):
                rest[f.name] = raw[f.name]
    return ProcessEnd(**values), rest


@dataclass(frozen=True)
class ValueDiagnostics(Diagnostics):
    """``value`` and ``stability``: where the result differs from the reference's."""

    case: int | None = _f(_int)  # which case (0-based) failed
    element: str | None = _f(_str)  # the element of a returned tuple ("dW")
    index: tuple[int, ...] | None = _f(_ints)  # the worst element
    expected: float | str | None = _f(_number_or_text)  # text when not finite ("nan")
    actual: float | str | None = _f(_number_or_text)
    abs_error: float | None = _f(_float)
    rel_error: float | None = _f(_float)
    wrong: int | None = _f(_int)  # how many elements are wrong
    size: int | None = _f(_int)
    nonfinite: int | None = _f(_int)
    symptom: str | None = _f(_str)  # the pattern named in the message (English)
    # Small results, whole: a number for a 0-d result, else nested tuples.
    expected_all: float | str | bool | tuple[Any, ...] | None = _f(array_values)
    actual_all: float | str | bool | tuple[Any, ...] | None = _f(array_values)
    expected_type: str | None = _f(_str)
    actual_type: str | None = _f(_str)
    expected_shape: tuple[int, ...] | None = _f(_ints)
    actual_shape: tuple[int, ...] | None = _f(_ints)
    expected_dtype: str | None = _f(_str)
    actual_dtype: str | None = _f(_str)
    expected_length: int | None = _f(_int)
    actual_length: int | None = _f(_int)
    swapped: tuple[str, ...] | None = _f(_strs)  # two tuple elements in each other's place
    warning: str | None = _f(_str)  # stability: the floating-point warning raised


@dataclass(frozen=True)
class ImmutabilityDiagnostics(Diagnostics):
    input: str | None = _f(_str)  # the input changed in place
    index: tuple[int, ...] | None = _f(_ints)
    before: str | None = _f(_str)
    after: str | None = _f(_str)
    view_of: str | None = _f(_str)  # the input the result is a view of


@dataclass(frozen=True)
class PropertyDiagnostics(Diagnostics):
    property: str | None = _f(_str)  # the property that does not hold ("sums-to")


@dataclass(frozen=True)
class GradientDiagnostics(Diagnostics):
    """Per gradient (``dW``), the largest CS231n relative error and its band (``good``,
    ``ok``, ``suspicious``, ``wrong``: ``engine.compare.band``); on a failure, the
    gradient that failed and its worst element."""

    gradient: str | None = _f(_str)
    rel_errors: dict[str, float] | None = _f(_float_map)
    bands: dict[str, str] | None = _f(_str_map)
    index: tuple[int, ...] | None = _f(_ints)
    yours: float | None = _f(_float)
    numerical: float | None = _f(_float)
    expected_shape: tuple[int, ...] | None = _f(_ints)
    actual_shape: tuple[int, ...] | None = _f(_ints)

    def worst(self) -> tuple[str, float] | None:
        """The gradient with the largest relative error, and that error."""
        errors = self.rel_errors
        if not errors:
            return None
        name = max(errors, key=errors.__getitem__)
        return name, errors[name]


@dataclass(frozen=True)
class TrainingDiagnostics(Diagnostics):
    accuracy: float | None = _f(_float)  # on held-out data
    threshold: float | None = _f(_float)
    loss_first: float | None = _f(_float)
    loss_last: float | None = _f(_float)
    epochs: int | None = _f(_int)
    n_test: int | None = _f(_int)
    history: tuple[float, ...] | None = _f(_floats)  # mean loss per epoch (thinned)


@dataclass(frozen=True)
class TrajectoryDiagnostics(Diagnostics):
    jump: float | None = _f(_float)  # epochs=1 moved a parameter this far: another start
    epoch: int | None = _f(_int)  # history[epoch] is not that epoch's loss
    mistake: str | None = _f(_str)  # the diagnosis the trajectory follows
    step: int | None = _f(_int)  # the first step (1-based) that leaves the trajectory
    parameter: str | None = _f(_str)


@dataclass(frozen=True)
class LanguageModelDiagnostics(Diagnostics):
    held_out_loss: float | None = _f(_float)  # nats per character
    bigram_loss: float | None = _f(_float)
    threshold: float | None = _f(_float)
    vocab_size: int | None = _f(_int)
    train_chars: int | None = _f(_int)
    held_out_chars: int | None = _f(_int)
    loss_first: float | None = _f(_float)
    loss_last: float | None = _f(_float)
    history: tuple[float, ...] | None = _f(_floats)


# CS231n's reading of a gradient check's relative error: each band and its upper limit.
GRADIENT_BANDS: tuple[tuple[str, float], ...] = (
    ("good", 1e-7), ("ok", 1e-4), ("suspicious", 1e-2), ("wrong", math.inf),
)


def gradient_band(rel_error: float) -> str:
    """``good``, ``ok`` (fine near a kink), ``suspicious`` or ``wrong`` (also for NaN)."""
    return next((name for name, limit in GRADIENT_BANDS if rel_error <= limit), "wrong")


BY_KIND: dict[str, type[Diagnostics]] = {
    "value": ValueDiagnostics,
    "stability": ValueDiagnostics,
    "immutability": ImmutabilityDiagnostics,
    "property": PropertyDiagnostics,
    "gradient": GradientDiagnostics,
    "training": TrainingDiagnostics,
    "trajectory": TrajectoryDiagnostics,
    "language-model": LanguageModelDiagnostics,
}


def diagnostics_class(kind: str) -> type[Diagnostics]:
    """The diagnostics class of a check kind (the shared fields for a kind this version
    does not know)."""
    return BY_KIND.get(kind, Diagnostics)


def parse(kind: str, data: Mapping[str, Any] | None) -> Diagnostics:
    """A result's JSON diagnostics as its kind's typed object."""
    return diagnostics_class(kind).from_dict(data or {})


__all__ = [
    "Diagnostics", "Frame", "RaisedIn", "ProcessEnd", "ValueDiagnostics", "ImmutabilityDiagnostics",
    "PropertyDiagnostics", "GradientDiagnostics", "TrainingDiagnostics", "TrajectoryDiagnostics",
    "LanguageModelDiagnostics", "BY_KIND", "diagnostics_class", "array_values", "parse", "GRADIENT_BANDS", "gradient_band",
]
