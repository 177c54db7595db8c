"""Deterministic inputs from their declarative specs, and the synthetic datasets of
training checks. Everything here is generated from a seed in the parent process.

``materialise(spec)`` builds every input of every check the way checking does and
reports what would go wrong (``kb validate`` runs it), so that a spec that validates
cannot fail, or fill memory, while a check is being planned."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import numpy as np

from engine.plain import MAX_ELEMENTS, arg_kind, view

if TYPE_CHECKING:  # pragma: no cover
    from engine.spec import Dataset, ExerciseSpec, GradientCheck, TrainingCheck, TrajectoryCheck


@dataclass(frozen=True)
class TestFunction:
    """A reference to one of the engine's test functions. The parent only carries the
    name; the job process resolves it to a callable from its fixed registry."""

    __test__ = False  # not a pytest test class
    name: str


def materialize(arg: Any) -> Any:
    """An input spec as a value: NumPy arrays for array specs, scalars as they are,
    a ``TestFunction`` for ``{function: NAME}``."""
    kind = arg_kind(arg)
    if kind == "FunctionRef":
        return TestFunction(arg.function)
    if kind == "FixedArray":
        return np.array(arg.value, dtype=arg.dtype)
    if kind == "RandomArray":
        rng = np.random.default_rng(arg.seed)
        shape = tuple(arg.shape)
        out: np.ndarray
        if arg.random == "normal":
            out = rng.normal(arg.loc, arg.scale, shape)
        elif arg.random == "uniform":
            out = rng.uniform(arg.low, arg.high, shape)
        elif arg.random == "integers":
            out = rng.integers(int(arg.low), int(arg.high), shape)
        else:  # binary
            out = (rng.random(shape) < arg.p).astype(np.int64)
        default = "float64" if arg.random in ("normal", "uniform") else "int64"
        return out.astype(arg.dtype or default)
    if kind == "Linspace":
        start, stop, num = arg.linspace
        out = np.linspace(start, stop, num, dtype=np.float64).astype(arg.dtype)
        return out.reshape(arg.shape) if arg.shape is not None else out
    return arg


def dataset(spec: Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(X_train, y_train, X_test, y_test)``."""
    if spec.name == "binary-8d":
        return binary_8d(spec.n_train, spec.n_test, spec.seed)
    if spec.name == "xor-8d":
        return xor_8d(spec.n_train, spec.n_test, spec.seed)
    raise ValueError(f"unknown dataset {spec.name!r}")  # pragma: no cover - schema forbids


def binary_8d(n_train: int, n_test: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Eight standardised features, a 0/1 label: a stand-in for the article's
    8-feature tabular example (whose data kb does not ship). The label depends on a
    linear score plus an interaction and a curvature term, with some label noise, so
    a small ReLU network beats a linear model but any correct one learns it."""
    rng = np.random.default_rng(seed)
    n = n_train + n_test
    mixing = np.eye(8) + 0.3 * rng.normal(size=(8, 8))  # correlated features
    raw = rng.normal(size=(n, 8)) @ mixing.T
    raw = raw * rng.uniform(0.5, 20.0, size=8) + rng.uniform(-50, 50, size=8)  # raw units
    w = np.array([1.2, -0.9, 0.7, 0.0, 0.5, -0.4, 0.0, 0.3])
    z = (raw - raw.mean(0)) / raw.std(0)
    score = z @ w + 0.8 * z[:, 0] * z[:, 1] - 0.5 * (z[:, 2] ** 2 - 1) + 0.3 * rng.normal(size=n)
    y = (score > 0).astype(np.float64)
    flip = rng.random(n) < 0.03
    y[flip] = 1 - y[flip]
    X_train, X_test = raw[:n_train], raw[n_train:]
    mean, std = X_train.mean(0), X_train.std(0)
    X_train = (X_train - mean) / std
    X_test = (X_test - mean) / std
    return X_train, y[:n_train], X_test, y[n_train:]


DATA = Path(__file__).resolve().parent / "data"


@functools.lru_cache(maxsize=4)
def kb_text(chars: int, min_count: int, held_out_every: int) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """``(train_ids, held_out_ids, vocab)`` of kb's bilingual text: the first ``chars``
    characters, every ``held_out_every``-th line held out, characters rarer than
    ``min_count`` in training mapped to id 0 (``vocab[0]`` is that unknown mark)."""
    text = (DATA / "kb_text.txt").read_text(encoding="utf-8")[:chars]
    lines = text.split("\n")
    train = "\n".join(line for i, line in enumerate(lines) if i % held_out_every != held_out_every // 2)
    held = "\n".join(line for i, line in enumerate(lines) if i % held_out_every == held_out_every // 2)
    counts: dict[str, int] = {}
    for ch in train:
        counts[ch] = counts.get(ch, 0) + 1
    vocab = ("\ufffd",) + tuple(sorted(ch for ch, n in counts.items() if n >= min_count))
    index = {ch: i for i, ch in enumerate(vocab)}
    encode = np.vectorize(lambda ch: index.get(ch, 0), otypes=[np.int64])
    return encode(np.array(list(train))), encode(np.array(list(held))), vocab


def bigram_loss(train: np.ndarray, held: np.ndarray, vocab_size: int) -> float:
    """The held-out mean negative log-likelihood (nats) of the best add-α bigram model
    (α from a grid), the yardstick a language model with context must beat."""
    counts = np.zeros((vocab_size, vocab_size))
    np.add.at(counts, (train[:-1], train[1:]), 1.0)
    best = float("inf")
    for alpha in (0.003, 0.01, 0.03, 0.1, 0.3, 1.0):
        p = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + alpha * vocab_size)
        best = min(best, float(-np.mean(np.log(p[held[:-1], held[1:]]))))
    return best


def xor_8d(n_train: int, n_test: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Eight standardised features whose label is the sign of a product of two
    directions (XOR) in a random 2-D subspace, with 3 % label noise: no linear model
    beats chance, while the article's 8 → 10 → 1 ReLU network learns it (~0.9)."""
    rng = np.random.default_rng(seed)
    n = n_train + n_test
    z = rng.normal(size=(n, 8))
    y = (z[:, 0] * z[:, 1] > 0).astype(np.float64)
    flip = rng.random(n) < 0.03
    y[flip] = 1 - y[flip]
    rotation, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    raw = (z @ rotation.T) * rng.uniform(0.5, 20.0, size=8) + rng.uniform(-50, 50, size=8)  # raw units
    X_train, X_test = raw[:n_train], raw[n_train:]
    mean, std = X_train.mean(0), X_train.std(0)
    return (X_train - mean) / std, y[:n_train], (X_test - mean) / std, y[n_train:]


# --- materialise: what checking will build, built ahead of time ------------------------------

#: The most that the inputs of one exercise's checks may add up to. Every input is built in
#: the checking process (the app's, or the CLI's) before the learner's code runs, and sent
#: to the sandbox, so this bounds what a content pack can make kb allocate.
MAX_INPUT_BYTES = 64 * 1024 * 1024

_ITEMSIZE = {"float64": 8, "float32": 4, "int64": 8, "int32": 4, "bool": 1}
_SYMMETRIES = ("odd", "even", "complement")


@dataclass(frozen=True)
class InputProblem:
    """Why an input of a check cannot be built. ``loc`` is the path of the offending
    field in the exercise's data (``("checks", 2, "cases", 0, "args", 1)``)."""

    loc: tuple[str | int, ...]
    message: str

    @property
    def field(self) -> str:
        out = ""
        for part in self.loc:
            out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
        return out

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass
class _Input:
    """One input as checking builds it: where it is declared, which check and case it
    belongs to, how to build it, and what it will cost."""

    loc: tuple[str | int, ...]
    label: str  # "check 'rows', case 2, args[0]"
    build: Any  # () -> value
    nbytes: int


def _planned_nbytes(arg: Any) -> int:
    """The bytes ``materialize(arg)`` will allocate for its result, without building it."""
    kind = arg_kind(arg)
    if kind == "FixedArray":
        return _count(arg.value) * _ITEMSIZE[arg.dtype]
    if kind == "RandomArray":
        default = "float64" if arg.random in ("normal", "uniform") else "int64"
        return int(math.prod(arg.shape)) * _ITEMSIZE[arg.dtype or default]
    if kind == "Linspace":
        return int(arg.linspace[2]) * _ITEMSIZE[arg.dtype]
    return 0


def _count(value: Any) -> int:
    if not isinstance(value, list):
        return 1
    return sum(_count(v) for v in value) if value else 0


def _call_inputs(check: Any, i: int) -> Iterator[_Input]:
    negate = check.kind == "property" and any(p.type in _SYMMETRIES for p in check.properties)
    for j, case in enumerate(check.cases):
        base = ("checks", i, "cases", j)
        for k, arg in enumerate(case.args):
            yield _Input(base + ("args", k), f"case {j}, args[{k}]", lambda a=arg: materialize(a),
                         _planned_nbytes(arg))
            if negate and k == 0:  # a symmetry property calls f(-x) too
                yield _Input(base + ("args", k), f"case {j}, args[0] negated",
                             lambda a=arg: -materialize(a), _planned_nbytes(arg))
        for name, arg in case.kwargs.items():
            yield _Input(base + ("kwargs", name), f"case {j}, kwargs.{name}", lambda a=arg: materialize(a),
                         _planned_nbytes(arg))
        if negate and not case.args:  # the schema refuses this; kept for specs built in code
            yield _Input(base, f"case {j}", _no_first_arg, 0)
        for prop in getattr(check, "properties", []):
            # What a property reads from the arguments when it judges the result.
            if prop.type == "same-shape":
                yield _Input(base, f"case {j}, property 'same-shape'",
                             lambda a=case.args, k=prop.arg: _argument(a, k, "arg"), 0)
            elif prop.type == "partition":
                yield _Input(base, f"case {j}, property 'partition'",
                             lambda a=case.args, p=prop: _partition_arguments(a, p), 0)


def _argument(args: list[Any], k: int, name: str) -> Any:
    if k >= len(args):
        raise ValueError(f"the property reads {name} = args[{k}], but the case has {len(args)} positional "
                         "argument(s)")
    return args[k]


def _partition_arguments(args: list[Any], prop: Any) -> None:
    """``n`` and ``batch_size`` as the partition property reads them: whole numbers, and
    ``n`` small enough to count every index."""
    for name, k, least in (("n_arg", prop.n_arg, 0), ("size_arg", prop.size_arg, 1)):
        if k is None:
            continue
        value = materialize(_argument(args, k, name))
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value.item()
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if isinstance(value, bool) or not whole or not least <= value <= MAX_ELEMENTS:
            raise ValueError(f"the property reads {name} = args[{k}] as a whole number from {least} to "
                             f"{MAX_ELEMENTS:,}, and it is {value!r}")


def _no_first_arg() -> Any:
    raise ValueError("a symmetry property negates the first positional argument, and there is none")


def _gradient_inputs(check: GradientCheck, i: int) -> Iterator[_Input]:
    for name, arg in check.inputs.items():
        def build(a: Any = arg, wrt: bool = name in check.wrt) -> Any:
            value = materialize(a)
            return np.asarray(value, dtype=np.float64) if wrt else value  # as the gradient check perturbs it
        yield _Input(("checks", i, "inputs", name), f"inputs.{name}", build, _planned_nbytes(arg))
    if check.dout is not None:
        yield _Input(("checks", i, "dout"), "dout", lambda: materialize(check.dout), _planned_nbytes(check.dout))


def _training_inputs(check: TrainingCheck | TrajectoryCheck, i: int) -> Iterator[_Input]:
    d = check.dataset
    yield _Input(("checks", i, "dataset"), "dataset", lambda: dataset(d), (d.n_train + d.n_test) * 9 * 8)
    for name, arg in getattr(check, "kwargs", {}).items():
        yield _Input(("checks", i, "kwargs", name), f"kwargs.{name}", lambda a=arg: materialize(a),
                     _planned_nbytes(arg))


def _inputs(check: Any, i: int) -> Iterator[_Input]:
    if check.kind == "gradient":
        return _gradient_inputs(check, i)
    if check.kind in ("training", "trajectory"):
        return _training_inputs(check, i)
    if check.kind == "language-model":
        c = check.corpus
        return iter([_Input(("checks", i, "corpus"), "corpus",
                            lambda: kb_text(c.chars, c.min_count, c.held_out_every), c.chars * 8 * 2)])
    return _call_inputs(check, i)


def _nbytes(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, (tuple, list)):
        return sum(_nbytes(v) for v in value)
    return 0


def _finite(value: Any) -> bool:
    arrays = value if isinstance(value, tuple) else (value,)
    return all(not (isinstance(a, np.ndarray) and a.dtype.kind == "f") or bool(np.isfinite(a).all())
               for a in arrays)


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):,.1f} MiB"


def materialise(spec: ExerciseSpec, *, max_bytes: int = MAX_INPUT_BYTES) -> list[InputProblem]:
    """Build every input of every check of ``spec`` exactly as checking would, and say
    what goes wrong: one problem per input that cannot be built (naming the check and
    the case), and one if all inputs together exceed ``max_bytes``. Runs no learner or
    reference code. The sizes are added up before anything is built, so a spec that
    asks for gigabytes costs nothing to refuse."""
    spec = view(spec)
    problems: list[InputProblem] = []
    plan: list[tuple[int, str, list[_Input]]] = []
    total = 0
    for i, check in enumerate(spec.checks):
        name = f"check {check.id!r}" if check.id else f"checks[{i}]"
        try:
            items = list(_inputs(check, i))
        except Exception as exc:  # a spec built in code, beyond what the schema allows
            problems.append(InputProblem(("checks", i), f"{name}: cannot list its inputs ({_why(exc)})"))
            continue
        plan.append((i, name, items))
        total += sum(item.nbytes for item in items)
    if total > max_bytes:
        i, name, items = max(plan, key=lambda p: sum(item.nbytes for item in p[2]))
        share = sum(item.nbytes for item in items)
        return problems + [InputProblem(("checks", i), (
            f"the checks' inputs add up to {_mib(total)}, over the cap of {_mib(max_bytes)} per exercise "
            f"({name} alone asks for {_mib(share)}); every input is built in kb's own process before a "
            "check runs: use fewer cases or smaller arrays"))]
    built = 0
    with np.errstate(all="ignore"):  # non-finite results are reported below, not warned about
        for i, name, items in plan:
            for item in items:
                try:
                    value = item.build()
                except Exception as exc:
                    problems.append(InputProblem(item.loc, f"{name}, {item.label}: cannot be built ({_why(exc)})"))
                    continue
                built += _nbytes(value)
                generated = arg_kind(_spec_at(spec, item.loc)) != "FixedArray"
                if generated and not _finite(value):
                    problems.append(InputProblem(item.loc, f"{name}, {item.label}: the generated values include "
                                                           "inf or NaN; keep the parameters smaller"))
                del value
                if built > max_bytes:  # the plan underestimated; stop building
                    problems.append(InputProblem(("checks", i), (
                        f"the checks' inputs add up to more than the cap of {_mib(max_bytes)} per exercise "
                        f"(reached at {name}, {item.label}): use fewer cases or smaller arrays")))
                    return problems
    return problems


def _spec_at(spec: ExerciseSpec, loc: tuple[str | int, ...]) -> Any:
    """The input spec at ``loc`` (None where the path leads to no single input)."""
    node: Any = spec
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
        elif isinstance(part, str) and isinstance(node, dict):
            node = node.get(part)
        elif isinstance(part, str) and hasattr(node, part):
            node = getattr(node, part)
        else:
            return None
    return node


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__
