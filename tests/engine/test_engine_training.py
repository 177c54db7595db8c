"""The training-loop exercise: its threshold is met by any correct implementation
whatever its initialisation (two schemes × five seeds), on data no linear model can
fit; the trajectory check follows Adam step by step and names the classic mistakes;
broken training fails."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from engine.inputs import dataset

from engine_helpers import load_exercise

HE_NORMAL = """
    import numpy as np

    def train(X, y, epochs=100, batch_size=10, lr=1e-3, seed=0):
        rng = np.random.default_rng(seed)
        W1 = rng.normal(0, np.sqrt(2 / 8), (8, 10)); b1 = np.zeros(10)
        W2 = rng.normal(0, np.sqrt(2 / 10), (10, 1)); b2 = np.zeros(1)
        params = [W1, b1, W2, b2]
        m = [np.zeros_like(p) for p in params]
        v = [np.zeros_like(p) for p in params]
        t = 0
        history = []
        for epoch in range(epochs):
            perm = rng.permutation(len(X))
            losses = []
            for i in range(0, len(X), batch_size):
                xb, yb = X[perm[i:i + batch_size]], y[perm[i:i + batch_size]][:, None]
                a1 = xb @ W1 + b1
                h = np.maximum(a1, 0)
                z = h @ W2 + b2
                losses.append(np.mean(np.logaddexp(0, z) - yb * z) * len(xb))
                dz = (0.5 * (1 + np.tanh(0.5 * z)) - yb) / len(xb)
                dW2 = h.T @ dz; db2 = dz.sum(0)
                da1 = (dz @ W2.T) * (a1 > 0)
                dW1 = xb.T @ da1; db1 = da1.sum(0)
                t += 1
                for k, g in enumerate([dW1, db1, dW2, db2]):
                    m[k] = 0.9 * m[k] + 0.1 * g
                    v[k] = 0.999 * v[k] + 0.001 * g * g
                    step = lr * (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v[k] / (1 - 0.999 ** t)) + 1e-8)
                    params[k] = params[k] - step
                W1, b1, W2, b2 = params
            history.append(sum(losses) / len(X))
        return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, history
"""

GLOROT_UNIFORM = """
    import numpy as np

    class Adam:
        def __init__(self, shapes, lr):
            self.lr, self.t = lr, 0
            self.m = {k: np.zeros(s) for k, s in shapes.items()}
            self.v = {k: np.zeros(s) for k, s in shapes.items()}

        def step(self, params, grads):
            self.t += 1
            out = {}
            for k in params:
                self.m[k] = 0.9 * self.m[k] + 0.1 * grads[k]
                self.v[k] = 0.999 * self.v[k] + 0.001 * grads[k] ** 2
                mh = self.m[k] / (1 - 0.9 ** self.t)
                vh = self.v[k] / (1 - 0.999 ** self.t)
                out[k] = params[k] - self.lr * mh / (np.sqrt(vh) + 1e-8)
            return out

    def glorot(rng, fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, (fan_in, fan_out))

    def forward(p, x):
        a1 = x @ p["W1"] + p["b1"]
        h = np.where(a1 > 0, a1, 0.0)
        prob = 1 / (1 + np.exp(-np.clip(h @ p["W2"] + p["b2"], -500, 500)))
        return a1, h, prob

    def train(X, y, epochs=100, batch_size=10, lr=1e-3, seed=0):
        rng = np.random.default_rng(seed)
        p = {"W1": glorot(rng, 8, 10), "b1": np.zeros(10), "W2": glorot(rng, 10, 1), "b2": np.zeros(1)}
        opt = Adam({k: v.shape for k, v in p.items()}, lr)
        history = []
        n = X.shape[0]
        for _ in range(epochs):
            idx = rng.permutation(n)
            total = 0.0
            for start in range(0, n, batch_size):
                b = idx[start:start + batch_size]
                xb, yb = X[b], y[b].reshape(-1, 1)
                a1, h, prob = forward(p, xb)
                eps = 1e-12
                total += -np.sum(yb * np.log(prob + eps) + (1 - yb) * np.log(1 - prob + eps))
                d = (prob - yb) / len(b)
                dh = d @ p["W2"].T
                da1 = dh * (a1 > 0)
                grads = {"W2": h.T @ d, "b2": d.sum(axis=0), "W1": xb.T @ da1, "b1": da1.sum(axis=0)}
                p = opt.step(p, grads)
            history.append(total / n)
        return p, history
"""


def _by(report, name: str):
    return next(c for c in report.checks if c.name == name)


def _load(source: str) -> dict:
    namespace: dict = {}
    exec(compile(textwrap.dedent(source), "<variant>", "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def setup():
    ex = load_exercise("training-loop")
    check = next(c for c in ex.checks if c.kind == "training")
    X_tr, y_tr, X_te, y_te = dataset(check.dataset)
    forward = _load(ex.solution)[check.forward]
    return check, X_tr, y_tr, X_te, y_te, forward


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["he-normal", "glorot-uniform"])
@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_threshold_is_met_whatever_the_initialisation(setup, scheme, seed):
    check, X_tr, y_tr, X_te, y_te, forward = setup
    train = _load(HE_NORMAL if scheme == "he-normal" else GLOROT_UNIFORM)["train"]
    kwargs = dict(check.kwargs, seed=seed)
    params, history = train(X_tr, y_tr, **kwargs)
    acc = float(np.mean((forward(params, X_te) >= 0.5) == (y_te >= 0.5)))
    # A margin above the threshold, so that the proof is not a coin toss.
    assert acc >= check.threshold + 0.02, (scheme, seed, acc)
    assert len(history) == kwargs["epochs"] and history[-1] < history[0]


def test_dataset_is_deterministic_standardised_and_balanced(setup):
    check, X_tr, y_tr, X_te, y_te, _ = setup
    again = dataset(check.dataset)
    assert np.array_equal(again[0], X_tr) and np.array_equal(again[3], y_te)
    assert X_tr.shape == (check.dataset.n_train, 8) and X_te.shape == (check.dataset.n_test, 8)
    assert np.allclose(X_tr.mean(0), 0, atol=1e-12) and np.allclose(X_tr.std(0), 1)
    assert set(np.unique(y_tr)) == {0.0, 1.0} and 0.3 < y_tr.mean() < 0.7
    assert X_tr.dtype == y_tr.dtype == np.float64


def test_untrained_or_linear_models_do_not_reach_the_threshold_by_luck(setup):
    # The threshold means something: the majority class, and a network that is never
    # trained, both stay well below it.
    check, X_tr, y_tr, X_te, y_te, forward = setup
    majority = max(y_te.mean(), 1 - y_te.mean())
    assert majority < check.threshold - 0.2
    rng = np.random.default_rng(0)
    untrained = {"W1": rng.normal(0, 0.5, (8, 10)), "b1": np.zeros(10),
                 "W2": rng.normal(0, 0.5, (10, 1)), "b2": np.zeros(1)}
    acc = float(np.mean((forward(untrained, X_te) >= 0.5) == y_te))
    assert acc < check.threshold


# --- through the engine ------------------------------------------------------------------


@pytest.mark.slow
def test_reference_and_alternative_pass_through_the_engine(run):
    ex = load_exercise("training-loop")
    assert run(ex, ex.solution).status == "pass"
    report = run(ex, GLOROT_UNIFORM)
    assert report.status == "pass", report.to_json(indent=1)
    assert _by(report, "adam-steps").status == "pass"
    diag = _by(report, "held-out-accuracy").diagnostics
    assert diag["accuracy"] >= 0.85 and diag["loss_last"] < diag["loss_first"]
    # The learner's own curve travels with the report, for the workspace's plot.
    assert len(diag["history"]) == diag["epochs"] == 100
    assert diag["history"][0] == diag["loss_first"] and diag["history"][-1] == diag["loss_last"]


def test_starter_is_not_started(run):
    ex = load_exercise("training-loop")
    assert run(ex, ex.starter).status == "not-started"


@pytest.mark.slow
def test_gradient_ascent_fails_with_a_loss_that_does_not_fall(run):
    broken = HE_NORMAL.replace("params[k] = params[k] - step", "params[k] = params[k] + step")
    report = run(load_exercise("training-loop"), broken)
    assert report.status == "fail"
    assert "did not fall" in _by(report, "held-out-accuracy").message.en


def test_wrong_parameter_shape_fails_before_scoring(run):
    source = """
        import numpy as np
        def train(X, y, epochs=100, batch_size=10, lr=1e-3, seed=0):
            p = {"W1": np.zeros((10, 8)), "b1": np.zeros(10), "W2": np.zeros((10, 1)), "b2": np.zeros(1)}
            return p, [1.0] * epochs
    """
    report = run(load_exercise("training-loop"), source)
    assert report.status == "fail"
    assert "params['W1']" in report.checks[0].message.en and "transpose" in report.checks[0].message.en


def test_history_of_the_wrong_length_fails(run):
    source = """
        import numpy as np
        def train(X, y, epochs=100, batch_size=10, lr=1e-3, seed=0):
            p = {"W1": np.zeros((8, 10)), "b1": np.zeros(10), "W2": np.zeros((10, 1)), "b2": np.zeros(1)}
            return p, [1.0, 0.5]
    """
    report = run(load_exercise("training-loop"), source)
    assert report.status == "fail"
    assert "one per epoch" in report.checks[0].message.en


def test_nan_parameters_fail(run):
    source = """
        import numpy as np
        def train(X, y, epochs=100, batch_size=10, lr=1e-3, seed=0):
            p = {"W1": np.full((8, 10), np.nan), "b1": np.zeros(10), "W2": np.zeros((10, 1)), "b2": np.zeros(1)}
            return p, [1.0] * epochs
    """
    report = run(load_exercise("training-loop"), source)
    assert report.status == "fail"
    assert "NaN" in report.checks[0].message.en


def test_a_falling_loss_with_bad_parameters_fails_on_accuracy(run):
    source = """
        import numpy as np
        def train(X, y, epochs=100, batch_size=10, lr=1e-3, seed=0):
            rng = np.random.default_rng(seed)
            p = {"W1": rng.normal(size=(8, 10)), "b1": np.zeros(10), "W2": rng.normal(size=(10, 1)), "b2": np.zeros(1)}
            return p, list(np.linspace(0.7, 0.3, epochs))
    """
    report = run(load_exercise("training-loop"), source)
    assert report.status == "fail"
    assert "accuracy" in _by(report, "held-out-accuracy").message.en
    assert _by(report, "held-out-accuracy").diagnostics["accuracy"] < 0.85
    assert "No parameter changes" in _by(report, "adam-steps").message.en


# --- no linear model fits the data; the trajectory check ------------------------------------


def _logistic_regression(X, y, X_te, y_te, steps=3000, lr=0.5):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(X @ w + b)))
        w -= lr * X.T @ (p - y) / len(y)
        b -= lr * float(np.mean(p - y))
    return float(np.mean(((X_te @ w + b) > 0) == (y_te > 0.5)))


def test_no_linear_model_fits_the_training_data(setup):
    """A check that a linear model passes does not check backpropagation: on xor-8d
    logistic regression, trained to convergence, stays at chance."""
    check, X_tr, y_tr, X_te, y_te, _ = setup
    assert check.dataset.name == "xor-8d"
    assert _logistic_regression(X_tr, y_tr, X_te, y_te) <= 0.65
    assert _logistic_regression(X_tr, y_tr, X_tr, y_tr) <= 0.65  # not even on its own training rows


SHUFFLE_FIRST = HE_NORMAL.replace(
    "        W1 = rng.normal(0, np.sqrt(2 / 8), (8, 10)); b1 = np.zeros(10)",
    "        perms = [rng.permutation(len(X)) for _ in range(epochs)]\n"
    "        W1 = rng.normal(0, np.sqrt(2 / 8), (8, 10)); b1 = np.zeros(10)").replace(
    "perm = rng.permutation(len(X))", "perm = perms[epoch]")

EFFICIENT_ADAM = HE_NORMAL.replace(
    "step = lr * (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v[k] / (1 - 0.999 ** t)) + 1e-8)",
    "step = lr * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t) * m[k] / (np.sqrt(v[k]) + 1e-8)")

INVENTED_HISTORY = HE_NORMAL.replace("history.append(sum(losses) / len(X))",
                                     "history.append(1.0 / (epoch + 2))")


@pytest.mark.parametrize("source", [GLOROT_UNIFORM, EFFICIENT_ADAM], ids=["glorot-class", "efficient-adam"])
def test_correct_variants_follow_the_trajectory(run, source):
    report = run(load_exercise("training-loop"), source)
    assert _by(report, "adam-steps").status == "pass", _by(report, "adam-steps").message.en


@pytest.mark.parametrize("source, symptom", [
    (SHUFFLE_FIRST, "same seed always gives the same initial parameters"),
    (INVENTED_HISTORY, "history must hold the loss your forward pass computed"),
    (HE_NORMAL.replace("m[k] = 0.9 * m[k] + 0.1 * g", "m[k] = 0.9 * m[k] + 0.1 * g * 0"),
     "No parameter changes"),
    (HE_NORMAL.replace("dW2 = h.T @ dz", "dW2 = h.T @ dz * 2 + 0.01"), "W2 leaves Adam's trajectory"),
], ids=["shuffle-before-init", "invented-history", "no-update", "wrong-dW2"])
def test_trajectory_mistakes_are_named(run, source, symptom):
    check = _by(run(load_exercise("training-loop"), source), "adam-steps")
    assert check.status == "fail"
    assert symptom in check.message.en, check.message.en
    assert check.message.zh and check.message.zh != check.message.en
