"""Chained calls inside one job: a layer's forward returns (out, cache) and its backward
takes the cache, which never leaves the child; value checks compare chosen elements of a
returned tuple; check drivers exercise a learner's class."""

from __future__ import annotations

import pytest

from engine.spec import ExerciseSpec

AFFINE = """
import numpy as np

def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w, b)

def affine_backward(dout, cache):
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    return dx, dw, dout.sum(axis=0)
"""


def affine_spec() -> ExerciseSpec:
    return ExerciseSpec.model_validate({
        "functions": [{"name": "affine_forward", "signature": "affine_forward(x, w, b) -> tuple[out, cache]"},
                      {"name": "affine_backward", "signature": "affine_backward(dout, cache) -> tuple[dx, dw, db]"}],
        "starter": "def affine_forward(x, w, b):\n    raise NotImplementedError\n\n"
                   "def affine_backward(dout, cache):\n    raise NotImplementedError\n",
        "solution": AFFINE,
        "checks": [
            {"kind": "value", "id": "forward", "call": "affine_forward", "items": [0], "outputs": ["out"],
             "cases": [{"args": [{"random": "normal", "shape": [3, 2, 2], "seed": 1},
                                 {"random": "normal", "shape": [4, 5], "seed": 2},
                                 {"random": "normal", "shape": [5], "seed": 3}]}]},
            {"kind": "gradient", "id": "backward", "forward": "affine_forward", "backward": "affine_backward",
             "forward_item": 0,
             "inputs": {"x": {"random": "normal", "shape": [3, 2, 2], "seed": 1},
                        "w": {"random": "normal", "shape": [4, 5], "seed": 2},
                        "b": {"random": "normal", "shape": [5], "seed": 3}},
             "dout": {"random": "normal", "shape": [3, 5], "seed": 4},
             "backward_args": ["dout", "cache"], "wrt": ["x", "w", "b"]},
        ],
        "limits": {"timeout_s": 5.0, "memory_mb": 512, "output_kb": 64},
    })


def test_a_forward_cache_backward_chain_passes_and_the_cache_stays_in_the_child(run):
    report = run(affine_spec(), AFFINE + "\nclass Opaque:\n    pass\n")
    assert report.status == "pass", report.to_json(indent=1)


def test_an_opaque_cache_of_any_kind_works(run):
    source = AFFINE.replace("return out, (x, w, b)", "return out, {'keep': (x, w, b), 'obj': object()}").replace(
        "x, w, b = cache", "x, w, b = cache['keep']")
    assert run(affine_spec(), source).status == "pass"


@pytest.mark.parametrize("mutant, symptom", [
    (AFFINE.replace("dw = x.reshape(x.shape[0], -1).T @ dout", "dw = (x.reshape(x.shape[0], -1).T @ dout).T.T * 2"),
     "dw"),
    (AFFINE.replace("return dx, dw, dout.sum(axis=0)", "return dx, dw, dout.mean(axis=0)"), "db"),
    (AFFINE.replace("    return out, (x, w, b)", "    return out"), "should return a tuple (out, cache)"),
])
def test_chain_mistakes_fail_naming_the_gradient(run, mutant, symptom):
    report = run(affine_spec(), mutant)
    assert report.status in ("fail", "error"), report.to_json(indent=1)
    assert any(symptom in c.message.en for c in report.checks if c.status in ("fail", "error"))


def test_a_forward_that_raises_fails_the_backward_check_with_its_own_error(run):
    source = AFFINE.replace("    out = x.reshape(x.shape[0], -1) @ w + b", "    out = x @ w + b")
    report = run(affine_spec(), source)
    assert report.status == "error"
    assert all("affine_forward" in c.message.en for c in report.checks)


VALUE_CLASS = """
class Value:
    def __init__(self, data):
        self.data = float(data)
        self.grad = 0.0
        self._back = lambda: None
        self._prev = ()

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data)
        out._prev = (self, other)
        def back():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._back = back
        return out

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data)
        out._prev = (self, other)
        def back():
            self.grad += out.grad
            other.grad += out.grad
        out._back = back
        return out

    def backward(self):
        order, seen = [], set()
        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for p in v._prev:
                    visit(p)
                order.append(v)
        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._back()
"""

DRIVERS = """
def used_twice(sub, a, b):
    x, y = sub.Value(a), sub.Value(b)
    z = x * y + x * x
    z.backward()
    return (z.data, x.grad, y.grad)
"""


def class_spec() -> ExerciseSpec:
    return ExerciseSpec.model_validate({
        "functions": [{"name": "Value", "signature": "class Value(data)"}],
        "starter": "class Value:\n    def __init__(self, data):\n        raise NotImplementedError\n",
        "solution": VALUE_CLASS,
        "drivers": DRIVERS,
        "checks": [{"kind": "value", "id": "grads", "call": "used_twice", "outputs": ["z", "dz/dx", "dz/dy"],
                    "cases": [{"args": [2.0, -3.0]}, {"args": [0.5, 4.0]}]}],
        "limits": {"timeout_s": 5.0, "memory_mb": 512, "output_kb": 64},
    })


def test_a_driver_exercises_the_learners_class(run):
    assert run(class_spec(), VALUE_CLASS).status == "pass"


def test_a_class_whose_gradients_do_not_accumulate_fails_on_the_reused_value(run):
    report = run(class_spec(), VALUE_CLASS.replace("self.grad += other.data * out.grad",
                                                   "self.grad = other.data * out.grad"))
    assert report.status == "fail"
    assert "dz/dx" in report.checks[0].message.en


def test_the_starter_class_is_not_started(run):
    assert run(class_spec(), class_spec().starter).status == "not-started"


def test_a_driver_call_must_name_a_driver_or_a_function():
    data = class_spec().model_dump()
    data["checks"][0]["call"] = "nowhere"
    with pytest.raises(ValueError, match="drivers"):
        ExerciseSpec.model_validate(data)
