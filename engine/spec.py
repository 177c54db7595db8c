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

This module imports pydantic only (never NumPy), so that importing ``engine`` is cheap.
"""

from __future__ import annotations

import ast
import re
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
IDENT = r"^[A-Za-z_][A-Za-z0-9_]*$"

DType = Literal["float64", "float32", "int64", "int32", "bool"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
        en = self.en or self.zh or ""
        zh = self.zh or self.en or ""
        return {"en": en, "zh": zh}


# --- inputs --------------------------------------------------------------------------


class FixedArray(_Strict):
    """An explicit array (nested lists) or 0-d array (a number)."""

    value: Any
    dtype: DType = "float64"


class RandomArray(_Strict):
    """A seeded array: ``normal`` (loc, scale), ``uniform`` [low, high), ``integers``
    [low, high), ``binary`` (0/1 integers with P(1) = ``p``)."""

    random: Literal["normal", "uniform", "integers", "binary"]
    shape: list[Annotated[int, Field(ge=0, le=100_000)]]
    seed: int = Field(ge=0)
    loc: float = 0.0
    scale: float = Field(default=1.0, ge=0)
    low: float = 0.0
    high: float = 1.0
    p: float = Field(default=0.5, ge=0, le=1)
    dtype: DType | None = None  # float64 for normal/uniform, int64 for integers/binary

    @model_validator(mode="after")
    def _bounds(self) -> "RandomArray":
        if self.random in ("uniform", "integers") and self.low >= self.high:
            raise ValueError("low must be less than high")
        size = 1
        for n in self.shape:
            size *= n
        if size > 1_000_000:
            raise ValueError("at most 1,000,000 elements")
        return self


class Linspace(_Strict):
    linspace: tuple[float, float, Annotated[int, Field(ge=1, le=1_000_000)]]
    shape: list[Annotated[int, Field(ge=0)]] | None = None  # reshape
    dtype: DType = "float64"


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
Arg = Union[ArraySpec, FunctionRef, bool, int, float, None]


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
    outputs: list[str] | None = None  # names of a returned tuple's elements


class StabilityCheck(_CallCheck):
    """A value check on extreme inputs; overflow, invalid and divide-by-zero
    warnings count as failures (underflow to 0 is fine)."""

    kind: Literal["stability"]
    rtol: float = Field(default=1e-7, ge=0)
    atol: float = Field(default=1e-9, ge=0)
    outputs: list[str] | None = None


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


class GradientCheck(_CheckBase):
    """``backward(*backward_args)`` must return the gradients of
    L = sum(forward(*inputs) * dout) (or of the scalar ``forward`` when there is no
    ``dout``) with respect to each name in ``wrt``, in that order (a tuple when more
    than one). Numerical gradients come from the reference ``forward``.

    ``backward_args`` name inputs, ``dout``, or ``out``: the reference ``forward``'s
    output on the inputs, for a backward pass that works from the cached forward output
    (``sigmoid_backward(dout, out)``)."""

    kind: Literal["gradient"]
    forward: str = Field(pattern=IDENT)
    backward: str = Field(pattern=IDENT)
    inputs: dict[str, Arg] = Field(min_length=1)  # forward's positional args, in order
    dout: Arg = None
    backward_args: list[str] = Field(min_length=1)  # names from inputs, or "dout"
    wrt: list[str] = Field(min_length=1)
    tolerance: float = Field(default=1e-6, gt=0)  # max CS231n relative error to pass
    h: float = Field(default=1e-5, gt=0)

    @model_validator(mode="after")
    def _names(self) -> "GradientCheck":
        for reserved in ("dout", "out"):
            if reserved in self.inputs:
                raise ValueError(f"inputs: {reserved!r} is a reserved name")
        known = set(self.inputs) | ({"dout"} if self.dout is not None else set()) | {"out"}
        for name in self.backward_args:
            if name not in known:
                raise ValueError(f"backward_args: {name!r} is not an input name (or 'dout', 'out')")
        for name in self.wrt:
            if name not in self.inputs:
                raise ValueError(f"wrt: {name!r} is not an input name")
        return self


class Dataset(_Strict):
    """A synthetic dataset generated by the engine from a seed."""

    name: Literal["binary-8d"]
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


Check = Annotated[
    Union[ValueCheck, StabilityCheck, ImmutabilityCheck, PropertyCheck, GradientCheck, TrainingCheck],
    Field(discriminator="kind"),
]


class FunctionSig(_Strict):
    name: str = Field(pattern=IDENT)
    signature: str  # e.g. "dense_backward(dout, x, W) -> tuple[dx, dW, db]"

    def params(self) -> list[str]:
        """Parameter names parsed from the signature (empty if it does not parse)."""
        head = self.signature.split("->", 1)[0].strip()
        if not head.startswith(self.name):
            head = self.name + head[head.find("("):] if "(" in head else ""
        try:
            tree = ast.parse(f"def {head}: pass")
        except SyntaxError:
            return []
        fn = tree.body[0]
        assert isinstance(fn, ast.FunctionDef)
        a = fn.args
        return [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]

    def outputs(self) -> list[str] | None:
        """Names of a returned tuple's elements, when the signature names them
        (``-> tuple[dx, dW, db]``); None for types (``tuple[float, float]``)."""
        if "->" not in self.signature:
            return None
        ret = self.signature.split("->", 1)[1].strip()
        m = re.fullmatch(r"tuple\[(.*)\]", ret)
        if not m:
            return None
        names = [p.strip() for p in m.group(1).split(",")]
        types = {"float", "int", "ndarray", "bool", "dict", "list", "str", "None", "np.ndarray"}
        if any(not re.fullmatch(IDENT, n) or n in types or n.startswith("list") for n in names):
            return None
        return names


class Limits(_Strict):
    timeout_s: float = Field(default=10.0, gt=0, le=300)  # wall clock, whole run
    memory_mb: int = Field(default=1024, ge=256, le=8192)  # address space (RLIMIT_AS)
    cpu_s: float | None = Field(default=None, gt=0, le=600)  # RLIMIT_CPU; default timeout + 1
    output_kb: int = Field(default=256, ge=4, le=65536)  # stdout + stderr, then stopped


def _top_level_defs(source: str, what: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ValueError(f"{what} does not parse: line {exc.lineno}: {exc.msg}") from None
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


class ExerciseSpec(_Strict):
    functions: list[FunctionSig] = Field(min_length=1)
    starter: str
    solution: str
    checks: list[Check] = Field(min_length=1)
    limits: Limits = Limits()
    # NumPy attributes the learner is asked not to call (e.g. "numpy.tanh" in the tanh
    # exercise); calling one fails the check with a message saying so.
    forbidden: list[Annotated[str, Field(pattern=r"^numpy(\.[A-Za-z_][A-Za-z0-9_]*)+$")]] = []

    @model_validator(mode="after")
    def _consistent(self) -> "ExerciseSpec":
        names = [f.name for f in self.functions]
        if len(set(names)) != len(names):
            raise ValueError("functions: a name repeats")
        in_solution = _top_level_defs(self.solution, "solution")
        in_starter = _top_level_defs(self.starter, "starter")
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
                if name not in names:
                    raise ValueError(f"checks[{i}]: {name!r} is not one of functions {names}")
            forward = getattr(check, "forward", None)
            if forward and forward not in in_solution:
                raise ValueError(f"checks[{i}]: the solution does not define {forward}()")
            if check.id is None:
                counts[check.kind] = counts.get(check.kind, 0) + 1
                check.id = f"{check.kind}-{counts[check.kind]}"
            if check.id in seen:
                raise ValueError(f"checks[{i}]: id {check.id!r} repeats")
            seen.add(check.id)
        return self

    def function(self, name: str) -> FunctionSig | None:
        return next((f for f in self.functions if f.name == name), None)
