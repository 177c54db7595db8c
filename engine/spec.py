"""The exercise spec the engine understands: entry functions, starter, reference
solution, declarative checks and limits. kb's exercise content model extends this one
(``class Exercise(EntryBase, ExerciseSpec)``), so an exercise YAML file carries these
top-level keys: ``functions, starter, solution, checks, limits, forbidden``.

Checks are a discriminated union on ``kind``:

``value``         compare the learner's result with the reference solution's on
                  deterministic inputs (exact shape and dtype, per-check rtol/atol,
                  NaN/Inf caught, worst element reported);
``stability``     the same on extreme inputs, with NumPy floating-point warnings turned
                  into failures;
``immutability``  the inputs must be unchanged after the call, and a returned array
                  must not be a view of an input;
``property``      properties of the result (sums to a value along an axis, range,
                  symmetry, finiteness, the share of elements equal to a value, a
                  partition of 0..n-1 into batches), of the whole result or of one
                  element of a returned tuple, where a reference value is not the point;
``gradient``      the learner's backward function against centred finite differences
                  of the *reference* forward function (CS231n relative error);
``training``      the learner's training function runs on a seeded synthetic dataset;
                  the reference forward evaluates the returned parameters on held-out
                  data against a threshold; the loss history must fall.

Inputs (``args``/``kwargs``) are either plain JSON scalars (passed as Python values),
array specs: ``{value: [...], dtype}`` (explicit), ``{random: normal|uniform|integers|
binary, shape, seed, ...}`` (seeded generator) or ``{linspace: [start, stop, num]}``, or
``{function: NAME}``: a callable from the engine's fixed registry of test functions
(``TEST_FUNCTIONS``, defined in ``_child.py``; never code from the content), for
exercises whose learner function takes a function, such as a gradient checker.
Every input is built in the checking process, so the models refuse what cannot be built
(ragged values, overflowing generator parameters, a shape that does not fit ``num``);
``engine.inputs.materialise`` builds them all ahead of time and caps their total size.

This module imports pydantic only (never NumPy), so that importing ``engine`` is cheap.
"""

from __future__ import annotations

import math
import sys
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationInfo, field_validator, model_validator

from engine import plain
from engine.plain import IDENT, MAX_ELEMENTS

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

DType = Literal["float64", "float32", "int64", "int32", "bool"]


class _Strict(BaseModel):
    # Infinities and NaN are legitimate inputs ({value: [.inf, .nan]}): keep them through
    # JSON (kb's index stores entries as JSON), where pydantic would otherwise write null.
    model_config = ConfigDict(extra="forbid", ser_json_inf_nan="constants", defer_build=True)


class Bilingual(_Strict):
    """A short learner-facing text in English and/or Simplified Chinese."""

    en: str | None = None
    zh: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _not_plain(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError("must be a mapping with 'en' and/or 'zh', not a plain string")
        return value

    @model_validator(mode="after")
    def _some(self) -> "Bilingual":
        if not (self.en or "").strip() and not (self.zh or "").strip():
            raise ValueError("needs text in 'en' or 'zh'")
        return self

    def pair(self) -> dict[str, str]:
        return plain.pair(self)


# --- inputs --------------------------------------------------------------------------

# Every input is built in the checking process before any code runs, so a spec that
# validates must build: rectangular values, generator parameters that cannot overflow,
# shapes that fit. Generated inputs stay within this magnitude (extreme values for
# stability checks are written out with ``{value: ...}``, where ±inf and NaN are allowed
# too, as YAML's ``.inf`` and ``.nan``). MAX_ELEMENTS (per array) is in engine.plain,
# which checking reads too.
MAX_MAGNITUDE = 1e6
_MAX_NDIM = 32
_FLOAT32_MAX = 3.4028234663852886e38
_INT_RANGE = {"int64": (-(2**63), 2**63 - 1), "int32": (-(2**31), 2**31 - 1)}


def _bounded(name: str, x: float) -> float:
    if not math.isfinite(x) or abs(x) > MAX_MAGNITUDE:
        raise ValueError(f"{name} must be a finite number between -{MAX_MAGNITUDE:g} and {MAX_MAGNITUDE:g}, "
                         f"not {x!r} (generated inputs stay in a range where building them cannot overflow; "
                         "write extreme values out with {value: [...]})")
    return x


def _nested_shape(value: Any, at: str, leaves: list[tuple[str, Any]], depth: int = 0) -> tuple[int, ...]:
    """The shape of a nested list of numbers, collecting its leaves; ragged lists
    (which NumPy cannot turn into an array) are refused, naming where."""
    if not isinstance(value, list):
        leaves.append((at, value))
        if len(leaves) > MAX_ELEMENTS:
            raise ValueError(f"more than {MAX_ELEMENTS:,} elements")
        return ()
    if depth >= _MAX_NDIM:
        raise ValueError(f"nested more than {_MAX_NDIM} levels deep")
    shapes = [_nested_shape(v, f"{at}[{i}]", leaves, depth + 1) for i, v in enumerate(value)]
    for i, shape in enumerate(shapes[1:], 1):
        if shape != shapes[0]:
            def what(k: int, sh: tuple[int, ...]) -> str:
                return (f"{at}[{k}] is a number" if not sh else
                        f"{at}[{k}] has {sh[0]} element{'s' if sh[0] != 1 else ''}" if len(sh) == 1 else
                        f"{at}[{k}] has shape {sh}")
            raise ValueError(f"ragged: {what(i, shape)} but {what(0, shapes[0])}; every row along an axis "
                             "needs the same length")
    return (len(value),) + (shapes[0] if shapes else ())


def _leaf_problem(x: Any, dtype: str) -> str | None:
    if isinstance(x, str):
        try:
            float(x)
        except ValueError:
            return f"{x!r} is not a number"
        return f"{x!r} is text, not a number (YAML reads 1e5 as text: write 1.0e5)"
    if not isinstance(x, (bool, int, float)):
        return f"{x!r} is not a number"
    if dtype == "bool":
        return None if x in (0, 1) else f"{x!r} is not true/false (or 0/1), as dtype bool needs"
    if isinstance(x, float) and not math.isfinite(x):
        return None if dtype.startswith("float") else f"{x!r} has no {dtype} value"
    if dtype in _INT_RANGE:
        lo, hi = _INT_RANGE[dtype]
        if isinstance(x, float) and not x.is_integer():
            return f"{x!r} is not a whole number, as dtype {dtype} needs"
        if not lo <= x <= hi:
            return f"{x!r} is outside the range of {dtype}"
        return None
    limit = _FLOAT32_MAX if dtype == "float32" else sys.float_info.max
    if abs(x) > limit:  # a huge YAML integer, or float32's smaller range
        return f"{x!r} is beyond the range of {dtype} (write .inf if infinity is meant)"
    return None


class FixedArray(_Strict):
    """An explicit array (nested lists of numbers) or 0-d array (a number). Rows along
    an axis have equal lengths; ``.inf``/``.nan`` are allowed for float dtypes."""

    dtype: DType = "float64"  # declared first: the value's check depends on it
    value: Any

    @field_validator("value")
    @classmethod
    def _array(cls, value: Any, info: ValidationInfo) -> Any:
        leaves: list[tuple[str, Any]] = []
        _nested_shape(value, "value", leaves)
        dtype = info.data.get("dtype", "float64")
        for at, x in leaves:
            problem = _leaf_problem(x, dtype)
            if problem is not None:
                raise ValueError(f"{at}: {problem}" if at != "value" else problem)
        return value


class RandomArray(_Strict):
    """A seeded array: ``normal`` (loc, scale), ``uniform`` [low, high), ``integers``
    [low, high) (whole numbers), ``binary`` (0/1 integers with P(1) = ``p``). Parameters
    are finite and at most ``MAX_MAGNITUDE`` in size."""

    random: Literal["normal", "uniform", "integers", "binary"]
    shape: list[Annotated[int, Field(ge=0, le=100_000)]]
    seed: int = Field(ge=0)
    loc: float = 0.0
    scale: float = Field(default=1.0, ge=0)
    low: float = 0.0
    high: float = 1.0
    p: float = Field(default=0.5, ge=0, le=1)
    dtype: DType | None = None  # float64 for normal/uniform, int64 for integers/binary

    @field_validator("shape")
    @classmethod
    def _size(cls, shape: list[int]) -> list[int]:
        if math.prod(shape) > MAX_ELEMENTS:
            raise ValueError(f"at most {MAX_ELEMENTS:,} elements (this shape has {math.prod(shape):,})")
        return shape

    @field_validator("loc", "scale", "low", "high")
    @classmethod
    def _finite(cls, x: float, info: ValidationInfo) -> float:
        x = _bounded(str(info.field_name), x)
        if info.field_name in ("low", "high") and info.data.get("random") == "integers" and not x.is_integer():
            raise ValueError(f"{info.field_name} must be a whole number for random: integers, not {x!r}")
        return x

    @field_validator("high")
    @classmethod
    def _order(cls, high: float, info: ValidationInfo) -> float:
        low = info.data.get("low")
        if info.data.get("random") in ("uniform", "integers") and low is not None and low >= high:
            raise ValueError(f"high ({high:g}) must be greater than low ({low:g})")
        return high


class Linspace(_Strict):
    """``{linspace: [start, stop, num]}``, optionally reshaped to ``shape`` (which must
    hold exactly ``num`` elements)."""

    linspace: tuple[float, float, Annotated[int, Field(ge=1, le=MAX_ELEMENTS)]]
    shape: list[Annotated[int, Field(ge=0)]] | None = None  # reshape
    dtype: DType = "float64"

    @field_validator("linspace")
    @classmethod
    def _ends(cls, value: tuple[float, float, int]) -> tuple[float, float, int]:
        _bounded("start", value[0])
        _bounded("stop", value[1])
        return value

    @field_validator("shape")
    @classmethod
    def _fits(cls, shape: list[int] | None, info: ValidationInfo) -> list[int] | None:
        lin = info.data.get("linspace")
        if shape is not None and lin is not None and math.prod(shape) != lin[2]:
            raise ValueError(f"shape {shape} holds {math.prod(shape):,} elements but linspace makes "
                             f"num = {lin[2]:,}")
        return shape


# The engine's test functions, by name. Each is defined in ``_child.py`` (``_test_functions``)
# and resolved there, in the job process; a unit test keeps the two lists equal.
# ``<f>`` is a scalar function of an array; ``<f>-grad`` is its correct gradient and
# ``<f>-grad-<bug>`` a gradient with a planted bug.
TEST_FUNCTIONS: tuple[str, ...] = (
    "cubic",                          # Σ (x³ + x²/2), any shape
    "cubic-grad",                     # 3x² + x
    "cubic-grad-missing-3",           # x² + x: the power rule's factor 3 forgotten
    "logsumexp",                      # log Σ exp(x), any shape
    "logsumexp-grad",                 # softmax(x)
    "logsumexp-grad-sign",            # −softmax(x): sign flipped
    "logsumexp-grad-unnormalised",    # exp(x): the division by Σ exp(x) forgotten
    "tanh-layer",                     # Σ C ⊙ tanh(A W), W of shape (3, 2), A and C fixed
    "tanh-layer-grad",                # Aᵀ (C ⊙ (1 − tanh²(A W)))
    "tanh-layer-grad-no-tanh-derivative",  # Aᵀ C: the factor 1 − tanh² forgotten
    "tanh-layer-grad-one-entry-off",  # correct except one entry, 0.1 % too large
)


class FunctionRef(_Strict):
    """``{function: NAME}``: one of the engine's test functions, passed as a callable."""

    function: Literal[TEST_FUNCTIONS]  # type: ignore[valid-type]


ArraySpec = Union[FixedArray, RandomArray, Linspace]

def _arg_kind(value: Any) -> str | None:
    """Which kind of input ``value`` is, so that a mistake in one is reported against
    that kind alone (not once for every member of the union)."""
    if isinstance(value, (dict, BaseModel)):
        return plain.arg_kind(value)
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):  # "1e5": YAML reads it as text; pydantic reads it as a number
        try:
            float(value)
        except ValueError:
            return None
        return "number"
    return None


# Capitalised tags: kb's loader drops them from error locations, so a problem points at
# the field itself (``args[0].low``).
Arg = Annotated[
    Union[Annotated[FixedArray, Tag("FixedArray")], Annotated[RandomArray, Tag("RandomArray")],
          Annotated[Linspace, Tag("Linspace")], Annotated[FunctionRef, Tag("FunctionRef")],
          Annotated[bool, Tag("bool")], Annotated[Union[int, float], Tag("number")], Annotated[None, Tag("none")]],
    Discriminator(_arg_kind, custom_error_type="input_kind",
                  custom_error_message="an input is a number, true/false, null, or a mapping with one of "
                                       "value, random, linspace or function"),
]


class Case(_Strict):
    """One call: positional ``args`` and keyword ``kwargs``."""

    args: list[Arg] = []
    kwargs: dict[str, Arg] = {}
    note: Bilingual | None = None  # what this input is about ("x = 0, the kink")


# --- checks --------------------------------------------------------------------------


class _CheckBase(_Strict):
    id: str | None = Field(default=None, pattern=SLUG, max_length=60)  # stable name
    title: Bilingual | None = None  # shown in reports
    description: Bilingual | None = None  # what the check is about; shown on failure


class _CallCheck(_CheckBase):
    call: str = Field(pattern=IDENT)
    cases: list[Case] = Field(min_length=1)


class ValueCheck(_CallCheck):
    kind: Literal["value"]
    rtol: float = Field(default=1e-7, ge=0)
    atol: float = Field(default=1e-9, ge=0)
    outputs: list[str] | None = None  # names of a returned tuple's (compared) elements
    # Compare only these elements of a returned tuple; the others (a layer's cache,
    # whatever the learner put in it) never leave the child.
    items: list[Annotated[int, Field(ge=0, le=16)]] | None = Field(default=None, min_length=1)


class StabilityCheck(_CallCheck):
    """A value check on extreme inputs; overflow, invalid and divide-by-zero
    warnings count as failures (underflow to 0 is fine)."""

    kind: Literal["stability"]
    rtol: float = Field(default=1e-7, ge=0)
    atol: float = Field(default=1e-9, ge=0)
    outputs: list[str] | None = None
    items: list[Annotated[int, Field(ge=0, le=16)]] | None = Field(default=None, min_length=1)


class ImmutabilityCheck(_CallCheck):
    kind: Literal["immutability"]
    allow_views: bool = False  # True: returning a view of an input is fine


class SumsTo(_Strict):
    type: Literal["sums-to"]
    value: float = 1.0
    axis: int = -1
    atol: float = Field(default=1e-9, ge=0)


class InRange(_Strict):
    type: Literal["range"]
    min: float | None = None
    max: float | None = None


class Symmetry(_Strict):
    """``odd``: f(-x) = -f(x); ``even``: f(-x) = f(x); ``complement``:
    f(x) + f(-x) = ``total``. The first argument is negated."""

    type: Literal["odd", "even", "complement"]
    total: float = 1.0
    atol: float = Field(default=1e-9, ge=0)


class Finite(_Strict):
    type: Literal["finite"]


class SameShape(_Strict):
    type: Literal["same-shape"]
    arg: int = Field(default=0, ge=0)


class Fraction(_Strict):
    """The share of elements equal to ``equal`` lies in [``min``, ``max``] (e.g. the
    share of units dropout set to 0, which must be about p)."""

    type: Literal["fraction"]
    equal: float = 0.0
    min: float = Field(ge=0, le=1)
    max: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _order(self) -> "Fraction":
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


class Partition(_Strict):
    """The result is a sequence of 1-D integer arrays that together hold each of
    0, 1, ..., n - 1 exactly once, n being positional argument ``n_arg``; with
    ``size_arg``, every array but the last has exactly that many elements (argument
    ``size_arg``) and the last one between 1 and that many."""

    type: Literal["partition"]
    n_arg: int = Field(default=0, ge=0)
    size_arg: int | None = Field(default=None, ge=0)


Property = Annotated[Union[SumsTo, InRange, Symmetry, Finite, SameShape, Fraction, Partition],
                     Field(discriminator="type")]


class PropertyCheck(_CallCheck):
    kind: Literal["property"]
    properties: list[Property] = Field(min_length=1)
    # When the function returns a tuple, the properties apply to this element of it
    # (0-based); None: to the whole result. The negated call of a symmetry property
    # is read the same way.
    output: int | None = Field(default=None, ge=0)

    @field_validator("properties")
    @classmethod
    def _negatable_cases(cls, properties: list[Any], info: ValidationInfo) -> list[Any]:
        """A symmetry calls f(-x): checking negates the first positional argument of
        every case before any code runs, so each case needs one that ``-`` works on.
        (What ``same-shape`` and ``partition`` read from the arguments is checked when
        the inputs are built: ``engine.inputs.materialise``.)"""
        symmetries = [p.type for p in properties if p.type in ("odd", "even", "complement")]
        if not symmetries:
            return properties
        for case_no, case in enumerate(info.data.get("cases") or []):
            if not case.args:
                raise ValueError(f"{symmetries[0]!r} negates the first positional argument, but cases[{case_no}] "
                                 "has none (give it args: [...])")
            if not _negatable(case.args[0]):
                raise ValueError(f"{symmetries[0]!r} negates the first positional argument, but "
                                 f"cases[{case_no}].args[0] is not a number or a numeric array")
        return properties


def _negatable(arg: Any) -> bool:
    """Whether ``-arg`` works on the built input (NumPy refuses ``-`` on booleans)."""
    if isinstance(arg, (FixedArray, RandomArray, Linspace)):
        return arg.dtype != "bool"
    return isinstance(arg, (int, float)) and not isinstance(arg, bool)


class GradientCheck(_CheckBase):
    """``backward(*backward_args)`` must return the gradients of
    L = sum(forward(*inputs) * dout) (or of the scalar ``forward`` when there is no
    ``dout``) with respect to each name in ``wrt``, in that order (a tuple when more
    than one). Numerical gradients come from the reference ``forward``.

    ``backward_args`` name inputs, ``dout``, ``out``: the reference ``forward``'s
    output on the inputs, for a backward pass that works from the cached forward output
    (``sigmoid_backward(dout, out)``), or ``cache``: element ``cache_item`` of what the
    learner's own ``forward`` returned on the inputs, in the same child process, for the
    CS231n pattern ``out, cache = f_forward(...)``; ``f_backward(dout, cache)``. The
    cache never leaves the child.

    ``forward_item``: the forward returns a tuple and this element is its output (the
    loss of ``loss, grads = net(...)``, the ``out`` of ``out, cache``).
    ``backward_item``: the gradients are this element of what ``backward`` returns
    (``grads`` of ``loss, grads = net(...)``)."""

    kind: Literal["gradient"]
    forward: str = Field(pattern=IDENT)
    backward: str = Field(pattern=IDENT)
    inputs: dict[str, Arg] = Field(min_length=1)  # forward's positional args, in order
    dout: Arg = None
    backward_args: list[str] = Field(min_length=1)  # names from inputs, or "dout", "out", "cache"
    wrt: list[str] = Field(min_length=1)
    tolerance: float = Field(default=1e-6, gt=0)  # max CS231n relative error to pass
    h: float = Field(default=1e-5, gt=0)
    forward_item: int | None = Field(default=None, ge=0, le=16)
    backward_item: int | None = Field(default=None, ge=0, le=16)
    cache_item: int = Field(default=1, ge=0, le=16)

    @model_validator(mode="after")
    def _names(self) -> "GradientCheck":
        for reserved in ("dout", "out", "cache"):
            if reserved in self.inputs:
                raise ValueError(f"inputs: {reserved!r} is a reserved name")
        known = set(self.inputs) | ({"dout"} if self.dout is not None else set()) | {"out", "cache"}
        for name in self.backward_args:
            if name not in known:
                raise ValueError(f"backward_args: {name!r} is not an input name (or 'dout', 'out', 'cache')")
        for name in self.wrt:
            if name not in self.inputs:
                raise ValueError(f"wrt: {name!r} is not an input name")
            if not _negatable(self.inputs[name]):  # perturbed as a float64 array
                raise ValueError(f"wrt: input {name!r} is not a number or a numeric array")
        return self


class Dataset(_Strict):
    """A synthetic dataset generated by the engine from a seed."""

    # binary-8d: a linear score plus interaction and curvature terms (a linear model
    # gets far); xor-8d: the sign of a product in a random 2-D subspace (no linear model
    # beats chance, a small ReLU network does).
    name: Literal["binary-8d", "xor-8d"]
    n_train: int = Field(default=500, ge=10, le=100_000)
    n_test: int = Field(default=500, ge=10, le=100_000)
    seed: int = Field(default=0, ge=0)


class TrainingCheck(_CheckBase):
    """``call(X_train, y_train, **kwargs)`` returns ``(params, history)``; the reference
    ``forward(params, X)`` (probabilities) scores ``params`` on held-out data."""

    kind: Literal["training"]
    call: str = Field(pattern=IDENT)
    dataset: Dataset
    kwargs: dict[str, Arg] = {}
    params: dict[str, list[Annotated[int, Field(ge=1)]]] = Field(min_length=1)  # name -> shape
    forward: str = Field(pattern=IDENT)
    metric: Literal["accuracy"] = "accuracy"
    threshold: float = Field(gt=0, le=1)
    history_length: str | int = "epochs"  # a kwarg name, or a number
    loss_must_fall: bool = True


class Corpus(_Strict):
    """kb's own bilingual text (``engine/data/kb_text.txt``: concept pages written for
    kb, English and Chinese), as character ids. Every ``held_out_every``-th line is
    held out; characters seen fewer than ``min_count`` times in training become id 0."""

    name: Literal["kb-text"]
    chars: int = Field(default=48_000, ge=1000, le=200_000)
    min_count: int = Field(default=3, ge=1, le=100)
    held_out_every: int = Field(default=10, ge=3, le=100)


class LanguageModelCheck(_CheckBase):
    """``call(train_ids, vocab_size, **kwargs)`` trains a character-level language
    model and returns ``(params, history)``; the solution's ``loss(params, ids,
    context)`` scores it on the held-out text (mean negative log-likelihood, nats),
    which must beat the best add-α bigram model on the same split by ``margin``.
    ``params`` shapes may use ``V`` for the vocabulary size."""

    kind: Literal["language-model"]
    call: str = Field(pattern=IDENT)
    corpus: Corpus
    kwargs: dict[str, Arg] = {}
    params: dict[str, list[Annotated[int, Field(ge=1)] | Literal["V"]]] = Field(min_length=1)
    loss: str = Field(pattern=IDENT)
    context_kwarg: str = "context"
    history_length: str | int = "steps"
    margin: float = Field(default=0.1, ge=0, le=5)


class Diagnosis(_Strict):
    """A known mistake the reference's trajectory function can reproduce
    (``reference(..., mistake=NAME)``), and what to tell a learner whose trajectory
    follows it."""

    mistake: str = Field(pattern=SLUG, max_length=60)
    message: Bilingual


class TrajectoryCheck(_CheckBase):
    """The training function is checked step by step, not only by its result.

    ``call(X, y, epochs=0, batch_size=N, lr=lr, seed=seed)`` returns the initial
    parameters; ``call(X, y, epochs=j, batch_size=N, lr=lr, seed=seed)`` for
    j = 1 … ``steps`` (full batch: one update per epoch, so shuffling cannot matter)
    must follow, within ``rtol``/``atol``, the trajectory of the solution's
    ``reference(params, X, y, steps, lr, mistake=None) -> (list of params after each
    step, list of the loss before each step)`` started from those same parameters; the
    returned history must hold those losses. A trajectory that follows one of the
    ``diagnoses`` instead gets that diagnosis's message."""

    kind: Literal["trajectory"]
    call: str = Field(pattern=IDENT)
    dataset: Dataset
    steps: int = Field(default=4, ge=2, le=20)
    lr: float = Field(default=0.01, gt=0, le=1)
    seed: int = Field(default=0, ge=0)
    params: dict[str, list[Annotated[int, Field(ge=1)]]] = Field(min_length=1)  # name -> shape
    reference: str = Field(pattern=IDENT)
    diagnoses: list[Diagnosis] = []
    rtol: float = Field(default=1e-5, ge=0)
    atol: float = Field(default=1e-8, ge=0)


Check = Annotated[
    Union[ValueCheck, StabilityCheck, ImmutabilityCheck, PropertyCheck, GradientCheck, TrainingCheck,
          TrajectoryCheck, LanguageModelCheck],
    Field(discriminator="kind"),
]


class FunctionSig(_Strict):
    name: str = Field(pattern=IDENT)
    signature: str  # e.g. "dense_backward(dout, x, W) -> tuple[dx, dW, db]"

    def params(self) -> list[str]:
        """Parameter names parsed from the signature (empty if it does not parse)."""
        return plain.params(self)

    def outputs(self) -> list[str] | None:
        """Names of a returned tuple's elements, when the signature names them
        (``-> tuple[dx, dW, db]``); None for types (``tuple[float, float]``)."""
        return plain.outputs(self)


class Limits(_Strict):
    timeout_s: float = Field(default=10.0, gt=0, le=300)  # wall clock, whole run
    memory_mb: int = Field(default=1024, ge=256, le=8192)  # address space (RLIMIT_AS)
    cpu_s: float | None = Field(default=None, gt=0, le=600)  # RLIMIT_CPU; default timeout + 1
    output_kb: int = Field(default=256, ge=4, le=65536)  # stdout + stderr, then stopped


_top_level_defs = plain.top_level_defs


class ExerciseSpec(_Strict):
    functions: list[FunctionSig] = Field(min_length=1)
    starter: str
    solution: str
    checks: list[Check] = Field(min_length=1)
    limits: Limits = Limits()
    # NumPy attributes the learner is asked not to call (e.g. "numpy.tanh" in the tanh
    # exercise); calling one fails the check with a message saying so.
    forbidden: list[Annotated[str, Field(pattern=r"^numpy(\.[A-Za-z_][A-Za-z0-9_]*)+$")]] = []
    # Check drivers: Python functions (part of the exercise, not the learner's) that a
    # check calls instead of a learner function, with the learner's module as their
    # first argument, to exercise a class or a sequence of calls:
    # ``def chain_rule(sub, a, b): x = sub.Value(a); ...; return x.grad``. They run
    # inside the job, against the solution for the reference and the submission for
    # the learner.
    drivers: str | None = None

    def driver_names(self) -> set[str]:
        return plain.driver_names(self)

    @model_validator(mode="after")
    def _consistent(self) -> "ExerciseSpec":
        names = [f.name for f in self.functions]
        if len(set(names)) != len(names):
            raise ValueError("functions: a name repeats")
        in_solution = _top_level_defs(self.solution, "solution")
        in_starter = _top_level_defs(self.starter, "starter")
        drivers = self.driver_names()
        for name in names:
            if name not in in_solution:
                raise ValueError(f"solution does not define {name}()")
            if name not in in_starter:
                raise ValueError(f"starter does not define {name}()")
        seen: set[str] = set()
        counts: dict[str, int] = {}
        for i, check in enumerate(self.checks):
            called = [getattr(check, "call", None), getattr(check, "backward", None)]
            for name in filter(None, called):
                if name not in names and name not in drivers:
                    raise ValueError(f"checks[{i}]: {name!r} is not one of functions {names}"
                                     + (f" or drivers {sorted(drivers)}" if drivers else ""))
            for role in ("forward", "reference", "loss"):
                helper = getattr(check, role, None)
                if helper and helper not in in_solution and helper not in drivers:
                    raise ValueError(f"checks[{i}]: the solution does not define {helper}()")
            if check.id is None:
                counts[check.kind] = counts.get(check.kind, 0) + 1
                check.id = f"{check.kind}-{counts[check.kind]}"
            if check.id in seen:
                raise ValueError(f"checks[{i}]: id {check.id!r} repeats")
            seen.add(check.id)
        return self

    def function(self, name: str) -> FunctionSig | None:
        return plain.function(self, name)  # type: ignore[no-any-return]
