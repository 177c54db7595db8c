"""The core exercises: every reference passes, every starter is not started, correct
alternatives pass, and typical mistakes fail with a message naming their symptom."""

from __future__ import annotations

import pytest

from engine_helpers import CORE, MORE, load_exercise

FAST = [e for e in CORE if e != "training-loop"]


@pytest.mark.parametrize("ident", FAST + MORE)
def test_reference_passes_and_starter_is_not_started(ident, run):
    ex = load_exercise(ident)
    ref = run(ex, ex.solution)
    assert ref.status == "pass", ref.to_json(indent=1)
    starter = run(ex, ex.starter)
    assert starter.status == "not-started", starter.to_json(indent=1)
    assert all(c.status == "not-started" for c in starter.checks)


@pytest.mark.parametrize("ident", CORE)
def test_exercise_content_contract(ident):
    ex = load_exercise(ident)
    assert ex.id == ident and ex.kind == "exercise"
    assert len(ex.hints) == 3
    for text in [ex.title, ex.summary, ex.body, *ex.hints]:
        assert text.en and text.zh, f"{ident}: every learner-facing text is bilingual"
    assert ex.concepts and 1 <= ex.difficulty <= 5
    kinds = {c.kind for c in ex.checks}
    assert kinds, ident


CONTRACT = {
    "sigmoid": ["sigmoid(x) -> ndarray"],
    "tanh": ["tanh(x) -> ndarray"],
    "relu": ["relu(x) -> ndarray", "relu_backward(dout, x) -> ndarray"],
    "softmax": ["softmax(z, axis=-1) -> ndarray"],
    "mse": ["mse(y_pred, y_true) -> float", "mse_grad(y_pred, y_true) -> ndarray"],
    "bce-with-logits": ["bce_with_logits(z, y) -> float"],
    "cross-entropy": ["cross_entropy(logits, labels) -> float"],
    "dense-layer": ["dense_forward(x, W, b) -> ndarray", "dense_backward(dout, x, W) -> tuple[dx, dW, db]"],
    "adam": ["adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8) -> tuple[w, m, v]"],
    "training-loop": ["train(X, y, epochs=100, batch_size=10, lr=1e-3, seed=0) -> tuple[params, history]"],
    "metrics": ["precision_recall_f1(y_true, y_pred) -> tuple[float, float, float]"],
}


@pytest.mark.parametrize("ident", CORE)
def test_function_names_and_signatures_are_the_contract(ident):
    ex = load_exercise(ident)
    assert [f.signature for f in ex.functions] == CONTRACT[ident]


# --- alternatives that must pass ---------------------------------------------------------

ALTERNATIVES = {
    "sigmoid": {
        "masked branches": """
            import numpy as np
            def sigmoid(x):
                out = np.empty_like(x)
                pos = x >= 0
                out[pos] = 1 / (1 + np.exp(-x[pos]))
                e = np.exp(x[~pos])
                out[~pos] = e / (1 + e)
                return out
        """,
    },
    "tanh": {
        "via a stable sigmoid": """
            import numpy as np
            def _sig(x):
                e = np.exp(-np.abs(x))
                return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
            def tanh(x):
                return 2.0 * _sig(2.0 * x) - 1.0
        """,
        "sign and exp(-2|x|)": """
            import numpy as np
            def tanh(x):
                e = np.exp(-2 * np.abs(x))
                return np.sign(x) * (1 - e) / (1 + e)
        """,
    },
    "relu": {
        "where": """
            import numpy as np
            def relu(x):
                return np.where(x > 0, x, 0.0)
            def relu_backward(dout, x):
                return np.where(x > 0, dout, 0.0)
        """,
        "copy and mask": """
            import numpy as np
            def relu(x):
                out = x.copy()
                out[out < 0] = 0
                return out
            def relu_backward(dout, x):
                dx = dout.copy()
                dx[x <= 0] = 0
                return dx
        """,
    },
    "softmax": {
        "log-sum-exp": """
            import numpy as np
            def softmax(z, axis=-1):
                m = np.max(z, axis=axis, keepdims=True)
                lse = m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
                return np.exp(z - lse)
        """,
        "moveaxis": """
            import numpy as np
            def softmax(z, axis=-1):
                zz = np.moveaxis(z, axis, -1)
                e = np.exp(zz - zz.max(-1)[..., None])
                return np.moveaxis(e / e.sum(-1)[..., None], -1, axis)
        """,
    },
    "mse": {
        "sum over size": """
            import numpy as np
            def mse(y_pred, y_true):
                d = y_pred - y_true
                return np.sum(d ** 2) / d.size
            def mse_grad(y_pred, y_true):
                return (y_pred - y_true) * (2 / y_pred.size)
        """,
    },
    "bce-with-logits": {
        "logaddexp": """
            import numpy as np
            def bce_with_logits(z, y):
                return np.mean(np.logaddexp(0.0, z) - y * z)
        """,
        "softplus of the signed logit": """
            import numpy as np
            def bce_with_logits(z, y):
                s = (2 * y - 1) * z      # loss = softplus(-s)
                return np.mean(np.maximum(-s, 0) + np.log1p(np.exp(-np.abs(s))))
        """,
    },
    "cross-entropy": {
        "log-softmax then pick": """
            import numpy as np
            def cross_entropy(logits, labels):
                shifted = logits - logits.max(axis=1, keepdims=True)
                logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
                return -logp[np.arange(len(labels)), labels].mean()
        """,
        "one-hot": """
            import numpy as np
            def cross_entropy(logits, labels):
                n, c = logits.shape
                onehot = np.eye(c)[labels]
                m = logits.max(axis=1)
                lse = m + np.log(np.exp(logits - m[:, None]).sum(axis=1))
                return float(np.sum(lse - (onehot * logits).sum(axis=1)) / n)
        """,
    },
    "dense-layer": {
        "dot and einsum": """
            import numpy as np
            def dense_forward(x, W, b):
                return np.dot(x, W) + b[None, :]
            def dense_backward(dout, x, W):
                return np.dot(dout, W.T), np.einsum("nd,nm->dm", x, dout), np.sum(dout, axis=0)
        """,
        "returns a list": """
            import numpy as np
            def dense_forward(x, W, b):
                return x @ W + b
            def dense_backward(dout, x, W):
                return [dout @ W.T, x.T @ dout, dout.sum(0)]
        """,
    },
    "adam": {
        "the paper's step-size form with eps added to sqrt(v_hat)": """
            import numpy as np
            def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                m = beta1 * m + (1 - beta1) * g
                v = beta2 * v + (1 - beta2) * g ** 2
                step = lr / (1 - beta1 ** t)
                return w - step * m / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v
        """,
        "copies then in-place": """
            import numpy as np
            def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                w, m, v = w.copy(), m.copy(), v.copy()
                m *= beta1; m += (1 - beta1) * g
                v *= beta2; v += (1 - beta2) * np.square(g)
                w -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
                return w, m, v
        """,
    },
    "metrics": {
        "numpy scalars and np.where-free": """
            import numpy as np
            def precision_recall_f1(y_true, y_pred):
                tp = np.sum(y_true * y_pred)
                fp = np.sum((1 - y_true) * y_pred)
                fn = np.sum(y_true * (1 - y_pred))
                p = tp / (tp + fp) if (tp + fp) else 0.0
                r = tp / (tp + fn) if (tp + fn) else 0.0
                f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
                return np.float64(p), np.float64(r), np.float64(f)
        """,
    },
}


@pytest.mark.parametrize("ident,name", [(i, n) for i, alts in ALTERNATIVES.items() for n in alts])
def test_correct_alternatives_pass(ident, name, run):
    report = run(load_exercise(ident), ALTERNATIVES[ident][name])
    assert report.status == "pass", report.to_json(indent=1)


# --- typical mistakes: (source, failing check, words the message must contain) --------------

MISTAKES = {
    "sigmoid": {
        # Stable, but they lose the deep tail: σ(-740) is 4.2e-322, not 0 (or 7e-218).
        "via tanh": ("""
            import numpy as np
            def sigmoid(x):
                return 0.5 * (1.0 + np.tanh(0.5 * x))
        """, "stability", ["expected", "got 0"]),
        "clipped exponent": ("""
            import numpy as np
            def sigmoid(x):
                return 1.0 / (1.0 + np.exp(-np.clip(x, -500, 500)))
        """, "stability", ["expected"]),
        "naive overflow": ("""
            import numpy as np
            def sigmoid(x):
                return 1 / (1 + np.exp(-x))
        """, "stability", ["overflow", "line 4"]),
        "modifies its input": ("""
            import numpy as np
            def sigmoid(x):
                e = np.exp(-np.abs(x))
                x[...] = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
                return x
        """, "inputs-unchanged", ["in place"]),
        "float32": ("""
            import numpy as np
            def sigmoid(x):
                e = np.exp(-np.abs(x))
                return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(np.float32)
        """, "values", ["dtype float32", "float64"]),
    },
    "tanh": {
        "textbook formula overflows": ("""
            import numpy as np
            def tanh(x):
                return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
        """, "stability", ["overflow"]),
        "calls np.tanh": ("""
            import numpy as np
            def tanh(x):
                return np.tanh(x)
        """, "values", ["numpy.tanh", "implement"]),
        "even instead of odd": ("""
            import numpy as np
            def tanh(x):
                e = np.exp(-2 * np.abs(x))
                return (1 - e) / (1 + e)
        """, "values", ["wrong"]),
    },
    "relu": {
        "gradient 1 at x = 0": ("""
            import numpy as np
            def relu(x):
                return np.maximum(x, 0)
            def relu_backward(dout, x):
                return dout * (x >= 0)
        """, "backward-at-zero", ["x = 0", "[2]"]),
        "in-place relu": ("""
            import numpy as np
            def relu(x):
                x[x < 0] = 0
                return x
            def relu_backward(dout, x):
                return dout * (x > 0)
        """, "relu-inputs-unchanged", ["in place"]),
        "backward ignores dout": ("""
            import numpy as np
            def relu(x):
                return np.maximum(x, 0.0)
            def relu_backward(dout, x):
                return (x > 0).astype(float)
        """, "backward-at-zero", ["wrong"]),
    },
    "softmax": {
        "wrong axis": ("""
            import numpy as np
            def softmax(z, axis=-1):
                e = np.exp(z - z.max(axis=0, keepdims=True))
                return e / e.sum(axis=0, keepdims=True)
        """, "sums-to-one", ["wrong axis", "sum to 1"]),
        "no max subtraction": ("""
            import numpy as np
            def softmax(z, axis=-1):
                e = np.exp(z)
                return e / e.sum(axis=axis, keepdims=True)
        """, "stability", ["overflow"]),
        "global max, not per row": ("""
            import numpy as np
            def softmax(z, axis=-1):
                e = np.exp(z - z.max())
                return e / e.sum(axis=axis, keepdims=True)
        """, "stability", ["invalid value"]),
        "in-place shift": ("""
            import numpy as np
            def softmax(z, axis=-1):
                z -= z.max(axis=axis, keepdims=True)
                e = np.exp(z)
                return e / e.sum(axis=axis, keepdims=True)
        """, "inputs-unchanged", ["in place"]),
    },
    "mse": {
        "sum instead of mean": ("""
            import numpy as np
            def mse(y_pred, y_true):
                return np.sum((y_pred - y_true) ** 2)
            def mse_grad(y_pred, y_true):
                return 2 * (y_pred - y_true) / y_pred.size
        """, "loss", ["4 times", "a sum where a mean was expected"]),
        "gradient misses the 2": ("""
            import numpy as np
            def mse(y_pred, y_true):
                return np.mean((y_pred - y_true) ** 2)
            def mse_grad(y_pred, y_true):
                return (y_pred - y_true) / y_pred.size
        """, "grad", ["factor 0.5", "missing factor of 2"]),
        "elementwise loss, no reduction": ("""
            import numpy as np
            def mse(y_pred, y_true):
                return (y_pred - y_true) ** 2
            def mse_grad(y_pred, y_true):
                return 2 * (y_pred - y_true) / y_pred.size
        """, "loss", ["single number", "reduce"]),
    },
    "bce-with-logits": {
        "through probabilities": ("""
            import numpy as np
            def bce_with_logits(z, y):
                p = 1 / (1 + np.exp(-z))
                return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        """, "stability", ["floating-point warning"]),
        "sum instead of mean": ("""
            import numpy as np
            def bce_with_logits(z, y):
                return np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
        """, "values", ["a sum where a mean was expected"]),
    },
    "cross-entropy": {
        "sum instead of mean": ("""
            import numpy as np
            def cross_entropy(logits, labels):
                m = logits.max(axis=1, keepdims=True)
                lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
                return np.sum(lse - logits[np.arange(len(labels)), labels])
        """, "values", ["2 times", "sum where a mean"]),
        "naive softmax": ("""
            import numpy as np
            def cross_entropy(logits, labels):
                p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
                return -np.mean(np.log(p[np.arange(len(labels)), labels]))
        """, "stability", ["overflow"]),
        "normalised over the wrong axis": ("""
            import numpy as np
            def cross_entropy(logits, labels):
                m = logits.max(axis=0, keepdims=True)
                lse = m + np.log(np.exp(logits - m).sum(axis=0, keepdims=True))
                logp = logits - lse
                return -np.mean(logp[np.arange(len(labels)), labels])
        """, "values", ["expected", "got"]),
    },
    "dense-layer": {
        "dW transposed": ("""
            import numpy as np
            def dense_forward(x, W, b):
                return x @ W + b
            def dense_backward(dout, x, W):
                return dout @ W.T, dout.T @ x, dout.sum(axis=0)
        """, "backward", ["dW", "transpose"]),
        "db averaged instead of summed": ("""
            import numpy as np
            def dense_forward(x, W, b):
                return x @ W + b
            def dense_backward(dout, x, W):
                return dout @ W.T, x.T @ dout, dout.mean(axis=0)
        """, "backward", ["db", "1/N", "a mean where a sum was expected"]),
        "forgot the bias": ("""
            import numpy as np
            def dense_forward(x, W, b):
                return x @ W
            def dense_backward(dout, x, W):
                return dout @ W.T, x.T @ dout, dout.sum(axis=0)
        """, "forward", ["wrong"]),
    },
    "adam": {
        "missing bias correction": ("""
            import numpy as np
            def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                m = beta1 * m + (1 - beta1) * g
                v = beta2 * v + (1 - beta2) * g * g
                return w - lr * m / (np.sqrt(v) + eps), m, v
        """, "bias-correction", ["w:", "bias correction"]),
        "t counted from 0": ("""
            import numpy as np
            def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                t = t + 1
                m = beta1 * m + (1 - beta1) * g
                v = beta2 * v + (1 - beta2) * g * g
                return w - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v
        """, "bias-correction", ["w:"]),
        "in-place update": ("""
            import numpy as np
            def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                m *= beta1
                m += (1 - beta1) * g
                v *= beta2
                v += (1 - beta2) * g * g
                w -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
                return w, m, v
        """, "inputs-unchanged", ["in place"]),
        "returns bias-corrected moments": ("""
            import numpy as np
            def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                m = (beta1 * m + (1 - beta1) * g) / (1 - beta1 ** t)
                v = (beta2 * v + (1 - beta2) * g * g) / (1 - beta2 ** t)
                return w - lr * m / (np.sqrt(v) + eps), m, v
        """, "bias-correction", ["m:"]),
    },
    "metrics": {
        "nan on zero denominators": ("""
            import numpy as np
            def precision_recall_f1(y_true, y_pred):
                tp = np.sum((y_true == 1) & (y_pred == 1))
                fp = np.sum((y_true == 0) & (y_pred == 1))
                fn = np.sum((y_true == 1) & (y_pred == 0))
                p = tp / (tp + fp)
                r = tp / (tp + fn)
                return p, r, 2 * p * r / (p + r)
        """, "zero-denominators", ["nan", "0.0"]),
        "precision and recall swapped": ("""
            import numpy as np
            def precision_recall_f1(y_true, y_pred):
                tp = np.sum((y_true == 1) & (y_pred == 1))
                fp = np.sum((y_true == 0) & (y_pred == 1))
                fn = np.sum((y_true == 1) & (y_pred == 0))
                p = tp / (tp + fp) if tp + fp else 0.0
                r = tp / (tp + fn) if tp + fn else 0.0
                f = 2 * p * r / (p + r) if p + r else 0.0
                return r, p, f
        """, "values", ["precision and recall look swapped"]),
        "accuracy instead of recall": ("""
            import numpy as np
            def precision_recall_f1(y_true, y_pred):
                tp = np.sum((y_true == 1) & (y_pred == 1))
                fp = np.sum((y_true == 0) & (y_pred == 1))
                p = tp / (tp + fp) if tp + fp else 0.0
                r = float(np.mean(y_true == y_pred))
                f = 2 * p * r / (p + r) if p + r else 0.0
                return p, r, f
        """, "values", ["recall"]),
    },
}


@pytest.mark.parametrize("ident,name", [(i, n) for i, ms in MISTAKES.items() for n in ms])
def test_typical_mistakes_fail_naming_the_symptom(ident, name, run):
    source, check_id, words = MISTAKES[ident][name]
    report = run(load_exercise(ident), source)
    assert report.status == "fail", report.to_json(indent=1)
    by_name = {c.name: c for c in report.checks}
    check = by_name[check_id]
    assert check.status == "fail", report.to_json(indent=1)
    for word in words:
        assert word in check.message.en, f"{word!r} not in: {check.message.en}"
    assert check.message.zh and check.message.zh != check.message.en


def test_zh_messages_use_the_glossary(run):
    report = run(load_exercise("sigmoid"), MISTAKES["sigmoid"]["naive overflow"][0])
    msg = {c.name: c for c in report.checks}["stability"].message.zh
    assert "上溢" in msg and "浮点" in msg
