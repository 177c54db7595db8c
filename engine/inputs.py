"""Deterministic inputs from their declarative specs, and the synthetic datasets of
training checks. Everything here is generated from a seed in the parent process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.spec import Dataset, FixedArray, FunctionRef, Linspace, RandomArray


@dataclass(frozen=True)
class TestFunction:
    """A reference to one of the engine's test functions. The parent only carries the
    name; the job process resolves it to a callable from its fixed registry."""

    __test__ = False  # not a pytest test class
    name: str


def materialize(arg: Any) -> Any:
    """An input spec as a value: NumPy arrays for array specs, scalars as they are,
    a ``TestFunction`` for ``{function: NAME}``."""
    if isinstance(arg, FunctionRef):
        return TestFunction(arg.function)
    if isinstance(arg, FixedArray):
        return np.array(arg.value, dtype=arg.dtype)
    if isinstance(arg, RandomArray):
        rng = np.random.default_rng(arg.seed)
        shape = tuple(arg.shape)
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
    if isinstance(arg, Linspace):
        start, stop, num = arg.linspace
        out = np.linspace(start, stop, num, dtype=np.float64).astype(arg.dtype)
        return out.reshape(arg.shape) if arg.shape is not None else out
    return arg


def dataset(spec: Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(X_train, y_train, X_test, y_test)``."""
    if spec.name == "binary-8d":
        return binary_8d(spec.n_train, spec.n_test, spec.seed)
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
