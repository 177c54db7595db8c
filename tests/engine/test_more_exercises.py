"""The fifteen exercises beyond the core set, and the engine features they rely on.

For each exercise: the reference passes and the starter is not started; correct
alternatives pass; typical mistakes fail, in the check that should catch them, with a
message naming the symptom. The inverted-dropout exercise pins kb's convention (p is the
DROP probability). The engine features: test functions passed as inputs
(``{function: NAME}``), property checks on one element of a returned tuple, the
``fraction`` and ``partition`` properties, and gradient checks whose backward receives
the reference forward's output (``out``)."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from engine.spec import TEST_FUNCTIONS, ExerciseSpec

from engine_helpers import MORE, load_exercise


# Which concepts each exercise practises (the concept files link back).
CONCEPTS = {
    "leaky-relu": ["leaky-relu-function"],
    "log-softmax": ["softmax-function"],
    "bce-probabilities": ["binary-cross-entropy"],
    "sigmoid-backward": ["sigmoid-function"],
    "gradient-check": ["gradient-checking"],
    "sgd-momentum": ["momentum"],
    "minibatch-iterator": ["stochastic-gradient-descent", "epoch-and-batch-size"],
    "train-val-split": ["train-validation-test-split", "data-standardization"],
    "l2-regularization": ["weight-decay"],
    "inverted-dropout": ["dropout"],
    "early-stopping-loop": ["early-stopping"],
    "layer-norm": ["layer-normalization"],
    "scaled-attention": ["scaled-dot-product-attention"],
    "one-hot": ["one-hot-encoding"],
    "gelu": ["gelu-function"],
}

CONTRACT = {
    "leaky-relu": ["leaky_relu(x, alpha=0.01) -> ndarray", "leaky_relu_backward(dout, x, alpha=0.01) -> ndarray"],
    "log-softmax": ["logsumexp(z, axis=-1) -> ndarray", "log_softmax(z, axis=-1) -> ndarray"],
    "bce-probabilities": ["binary_cross_entropy(p, y, eps=1e-7) -> float",
                          "binary_cross_entropy_grad(p, y, eps=1e-7) -> ndarray"],
    "sigmoid-backward": ["sigmoid_backward(dout, out) -> ndarray"],
    "gradient-check": ["numerical_gradient(f, x, h=1e-5) -> ndarray", "relative_error(a, b) -> float",
                       "gradient_check(f, grad_f, x, h=1e-5) -> float"],
    "sgd-momentum": ["sgd_momentum_step(w, g, v, lr=0.01, beta=0.9) -> tuple[w, v]"],
    "minibatch-iterator": ["minibatch_indices(n, batch_size, seed) -> list[ndarray]"],
    "train-val-split": ["train_val_split(X, y, val_fraction=0.2, seed=0) -> tuple[X_train, X_val, y_train, y_val]",
                        "standardize(X_train, X_val, eps=1e-8) -> tuple[X_train_std, X_val_std, mean, std]"],
    "l2-regularization": ["l2_penalty(W, lam) -> float", "regularized_loss(W, b, X, y, lam) -> float",
                          "regularized_grad(W, b, X, y, lam) -> tuple[dW, db]"],
    "inverted-dropout": ["dropout_forward(x, p, seed=0, train=True) -> tuple[out, mask]",
                         "dropout_backward(dout, mask, p) -> ndarray"],
    "early-stopping-loop": ["early_stopping(val_losses, patience, min_delta=0.0) -> tuple[best_epoch, stop_epoch]"],
    "layer-norm": ["layernorm_forward(x, gamma, beta, eps=1e-5) -> ndarray",
                   "layernorm_backward(dout, x, gamma, eps=1e-5) -> tuple[dx, dgamma, dbeta]"],
    "scaled-attention": ["scaled_dot_product_attention(Q, K, V, mask=None) -> tuple[out, weights]"],
    "one-hot": ["one_hot(labels, num_classes) -> ndarray"],
    "gelu": ["gelu(x) -> ndarray", "gelu_backward(dout, x) -> ndarray"],
}


# --- content ----------------------------------------------------------------------------------


@pytest.mark.parametrize("ident", MORE)
def test_exercise_content_contract(ident):
    ex = load_exercise(ident)
    assert ex.id == ident and ex.kind == "exercise"
    assert len(ex.hints) == 3
    for text in [ex.title, ex.summary, ex.body, *ex.hints]:
        assert text.en and text.zh, f"{ident}: every learner-facing text is bilingual"
    for text in [ex.title, ex.summary, ex.body, *ex.hints[:2]]:  # the third tier may be code only
        assert text.en != text.zh, f"{ident}: the Chinese is written, not copied"
    assert ex.concepts == CONCEPTS[ident]
    assert 1 <= ex.difficulty <= 5
    assert [f.signature for f in ex.functions] == CONTRACT[ident]
    kinds = {c.kind for c in ex.checks}
    assert "value" in kinds or "property" in kinds
    if ident != "minibatch-iterator":  # the one exercise whose inputs are all ints
        assert "immutability" in kinds, f"{ident}: inputs must be checked unchanged"
    if any(f.name.endswith(("_backward", "_grad")) for f in ex.functions):
        assert "gradient" in kinds, f"{ident}: a backward pass gets a gradient check"
    for check in ex.checks:
        assert check.title is not None and check.title.en and check.title.zh




# --- inverted dropout: kb's p is the DROP probability -------------------------------------------


def _reference_module(ident):
    namespace: dict = {}
    exec(compile(load_exercise(ident).solution, f"<{ident} reference>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("p", [0.1, 0.2, 0.5, 0.8])
def test_reference_dropout_drops_a_fraction_p(p):
    forward = _reference_module("inverted-dropout")["dropout_forward"]
    x = np.ones((200, 250))
    for seed in range(3):
        out, mask = forward(x, p, seed=seed)
        dropped = float(np.mean(out == 0.0))
        assert abs(dropped - p) < 0.01, (p, seed, dropped)  # 50,000 units: ~5 standard deviations
        assert np.array_equal(mask, out != 0.0)
        assert np.allclose(out[mask], 1.0 / (1.0 - p))
        assert abs(out.mean() - 1.0) < 0.02  # inverted dropout keeps the expected value
    eval_out, eval_mask = forward(x, p, seed=0, train=False)
    assert np.array_equal(eval_out, x) and eval_mask.all()


def test_the_keep_probability_convention_fails_naming_it(run):
    source = """
        import numpy as np
        def dropout_forward(x, p, seed=0, train=True):
            if not train:
                return x.copy(), np.ones(x.shape, dtype=bool)
            mask = np.random.default_rng(seed).random(x.shape) < p   # CS231n: p = keep
            return x * mask / p, mask
        def dropout_backward(dout, mask, p):
            return dout * mask / p
    """
    report = run(load_exercise("inverted-dropout"), source)
    check = {c.name: c for c in report.checks}["drops-about-p"]
    assert check.status == "fail"
    assert "79.5% of the values equal 0" in check.message.en
    assert "DROPPING" in check.message.en and "CS231n" in check.message.en
    assert "丢弃概率" in check.message.zh or "丢弃一个单元的概率" in check.message.zh


# --- alternatives that must pass ------------------------------------------------------------------

ALTERNATIVES = {
    "leaky-relu": {
        "maximum (alpha < 1)": """
            import numpy as np
            def leaky_relu(x, alpha=0.01):
                return np.maximum(x, alpha * x)
            def leaky_relu_backward(dout, x, alpha=0.01):
                slope = np.ones_like(x)
                slope[x <= 0] = alpha
                return dout * slope
        """,
    },
    "log-softmax": {
        "expand_dims": """
            import numpy as np
            def logsumexp(z, axis=-1):
                m = np.max(z, axis=axis)
                return m + np.log(np.sum(np.exp(z - np.expand_dims(m, axis)), axis=axis))
            def log_softmax(z, axis=-1):
                return z - np.expand_dims(logsumexp(z, axis), axis)
        """,
    },
    "bce-probabilities": {
        "minimum/maximum and log1p": """
            import numpy as np
            def binary_cross_entropy(p, y, eps=1e-7):
                q = np.minimum(np.maximum(p, eps), 1 - eps)
                return float(np.sum(-(y * np.log(q) + (1 - y) * np.log1p(-q))) / q.size)
            def binary_cross_entropy_grad(p, y, eps=1e-7):
                return (-y / p + (1 - y) / (1 - p)) / p.size
        """,
    },
    "sigmoid-backward": {
        "out minus its square": """
            import numpy as np
            def sigmoid_backward(dout, out):
                return np.multiply(dout, out - out ** 2)
        """,
    },
    "gradient-check": {
        "flat copies and a floored denominator": """
            import numpy as np
            def numerical_gradient(f, x, h=1e-5):
                flat = x.reshape(-1)
                g = np.empty(flat.size)
                for i in range(flat.size):
                    e = np.zeros(flat.size); e[i] = h
                    g[i] = (f((flat + e).reshape(x.shape)) - f((flat - e).reshape(x.shape))) / (2 * h)
                return g.reshape(x.shape)
            def relative_error(a, b):
                den = np.abs(a) + np.abs(b)
                return np.max(np.abs(a - b) / np.where(den > 1e-8, den, 1e-8))
            def gradient_check(f, grad_f, x, h=1e-5):
                return relative_error(grad_f(x.copy()), numerical_gradient(f, x, h=h))
        """,
        "nditer on a copy": """
            import numpy as np
            def numerical_gradient(f, x, h=1e-5):
                x = x.copy()
                g = np.zeros_like(x)
                it = np.nditer(x, flags=["multi_index"])
                while not it.finished:
                    i = it.multi_index
                    old = x[i]; x[i] = old + h; fp = f(x); x[i] = old - h; fm = f(x); x[i] = old
                    g[i] = (fp - fm) / (2 * h)
                    it.iternext()
                return g
            def relative_error(a, b):
                return float((np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))).max())
            def gradient_check(f, grad_f, x, h=1e-5):
                return relative_error(grad_f(x), numerical_gradient(f, x, h))
        """,
    },
    "sgd-momentum": {
        "copies then in-place": """
            import numpy as np
            def sgd_momentum_step(w, g, v, lr=0.01, beta=0.9):
                w, v = w.copy(), v.copy()
                v *= beta; v += g
                w -= lr * v
                return w, v
        """,
    },
    "minibatch-iterator": {
        "arange, shuffle and split": """
            import numpy as np
            def minibatch_indices(n, batch_size, seed):
                idx = np.arange(n)
                np.random.default_rng(seed).shuffle(idx)
                return list(np.split(idx, range(batch_size, n, batch_size)))
        """,
    },
    "train-val-split": {
        "take and keepdims": """
            import numpy as np
            def train_val_split(X, y, val_fraction=0.2, seed=0):
                idx = np.arange(len(X)); np.random.default_rng(seed).shuffle(idx)
                k = round(len(X) * val_fraction)
                return np.take(X, idx[k:], axis=0), np.take(X, idx[:k], axis=0), np.take(y, idx[k:]), np.take(y, idx[:k])
            def standardize(X_train, X_val, eps=1e-8):
                mean = np.mean(X_train, axis=0, keepdims=True)
                std = np.sqrt(np.mean((X_train - mean) ** 2, axis=0, keepdims=True))
                f = lambda X: (X - mean) / (std + eps)
                return f(X_train), f(X_val), mean[0], std[0]
        """,
    },
    "l2-regularization": {
        "einsum and a separate penalty gradient": """
            import numpy as np
            def l2_penalty(W, lam):
                return lam / 2 * np.sum(np.square(W))
            def regularized_loss(W, b, X, y, lam):
                return np.mean(np.square(np.einsum("nd,dm->nm", X, W) + b - y)) + l2_penalty(W, lam)
            def regularized_grad(W, b, X, y, lam):
                r = X @ W + b - y
                scale = 2.0 / r.size
                return scale * np.einsum("nd,nm->dm", X, r) + lam * W, scale * np.sum(r, axis=0)
        """,
    },
    "inverted-dropout": {
        "where and a scale factor": """
            import numpy as np
            def dropout_forward(x, p, seed=0, train=True):
                if not train or p == 0:
                    return np.array(x), np.full(x.shape, True)
                keep = np.random.default_rng(seed).random(x.shape) > p
                scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
                return np.where(keep, x * scale, 0.0), keep
            def dropout_backward(dout, mask, p):
                scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
                return np.where(mask, dout * scale, 0.0)
        """,
    },
    "early-stopping-loop": {
        "indices into the list": """
            def early_stopping(val_losses, patience, min_delta=0.0):
                best_epoch, since = None, 0
                for epoch in range(len(val_losses)):
                    loss = val_losses[epoch]
                    if (best_epoch is None and loss == loss) or (
                            best_epoch is not None and loss < val_losses[best_epoch] - min_delta):
                        best_epoch, since = epoch, 0
                        continue
                    since += 1
                    if since == patience:
                        return (best_epoch or 0, epoch)
                return (best_epoch or 0, len(val_losses) - 1)
        """,
    },
    "layer-norm": {
        "CS231n's computational-graph route": """
            import numpy as np
            def layernorm_forward(x, gamma, beta, eps=1e-5):
                mu = np.mean(x, axis=-1, keepdims=True)
                std = np.sqrt(np.mean((x - mu) ** 2, axis=-1, keepdims=True) + eps)
                return (x - mu) / std * gamma + beta
            def layernorm_backward(dout, x, gamma, eps=1e-5):
                D = x.shape[-1]
                mu = x.mean(-1, keepdims=True); xmu = x - mu
                var = (xmu ** 2).mean(-1, keepdims=True); sd = np.sqrt(var + eps); ivar = 1 / sd
                xhat = xmu * ivar
                lead = tuple(range(x.ndim - 1))
                dbeta = dout.sum(axis=lead)
                dgamma = (dout * xhat).sum(axis=lead)
                dxhat = dout * gamma
                divar = (dxhat * xmu).sum(-1, keepdims=True)
                dsd = -divar / sd ** 2
                dvar = 0.5 / sd * dsd
                dx1 = dxhat * ivar + 2 * xmu * dvar / D
                return dx1 - dx1.sum(-1, keepdims=True) / D, dgamma, dbeta
        """,
    },
    "scaled-attention": {
        "einsum, a large negative mask and log-sum-exp": """
            import numpy as np
            def scaled_dot_product_attention(Q, K, V, mask=None):
                s = np.einsum("...qd,...kd->...qk", Q, K) / np.sqrt(Q.shape[-1])
                if mask is not None:
                    s = np.where(mask, s, -1e9)
                m = s.max(axis=-1, keepdims=True)
                w = np.exp(s - (m + np.log(np.exp(s - m).sum(axis=-1, keepdims=True))))
                return np.einsum("...qk,...kv->...qv", w, V), w
        """,
    },
    "one-hot": {
        "rows of the identity": """
            import numpy as np
            def one_hot(labels, num_classes):
                return np.eye(num_classes)[labels]
        """,
        "comparison cast to float": """
            import numpy as np
            def one_hot(labels, num_classes):
                return (labels[:, None] == np.arange(num_classes)[None, :]).astype(np.float64)
        """,
    },
    "gelu": {
        "0.5(1 + tanh u) as a stable sigmoid of 2u": """
            import numpy as np
            def _sig(z):
                e = np.exp(-np.abs(z))
                return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
            def gelu(x):
                return x * _sig(2 * np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))
            def gelu_backward(dout, x):
                c = np.sqrt(2 / np.pi)
                s = _sig(2 * c * (x + 0.044715 * x ** 3))
                return dout * (s + x * 2 * s * (1 - s) * c * (1 + 3 * 0.044715 * x * x))
        """,
    },
}


@pytest.mark.parametrize("ident,name", [(i, n) for i, alts in ALTERNATIVES.items() for n in alts])
def test_correct_alternatives_pass(ident, name, run):
    report = run(load_exercise(ident), ALTERNATIVES[ident][name])
    assert report.status == "pass", report.to_json(indent=1)


def test_every_exercise_has_an_alternative_and_a_mistake():
    assert set(ALTERNATIVES) == set(MORE)
    assert set(MISTAKES) == set(MORE)


# --- typical mistakes: (source, failing check, words the message must contain) --------------------

MISTAKES = {
    "leaky-relu": {
        "gradient 1 at x = 0": ("""
            import numpy as np
            def leaky_relu(x, alpha=0.01):
                return np.where(x > 0, x, alpha * x)
            def leaky_relu_backward(dout, x, alpha=0.01):
                return np.where(x >= 0, dout, alpha * dout)
        """, "backward-at-zero", ["[2]", "x = 0", "alpha * dout"]),
        "alpha hard-coded": ("""
            import numpy as np
            def leaky_relu(x, alpha=0.01):
                return np.where(x > 0, x, 0.01 * x)
            def leaky_relu_backward(dout, x, alpha=0.01):
                return np.where(x > 0, dout, alpha * dout)
        """, "alpha", ["alpha = 0.2", "not a fixed 0.01"]),
    },
    "log-softmax": {
        "log of softmax": ("""
            import numpy as np
            def logsumexp(z, axis=-1):
                m = np.max(z, axis=axis, keepdims=True)
                return np.squeeze(m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True)), axis=axis)
            def log_softmax(z, axis=-1):
                e = np.exp(z - z.max(axis=axis, keepdims=True))
                return np.log(e / e.sum(axis=axis, keepdims=True))
        """, "stability", ["divide by zero", "log(0)"]),
        "naive logsumexp": ("""
            import numpy as np
            def logsumexp(z, axis=-1):
                return np.log(np.sum(np.exp(z), axis=axis))
            def log_softmax(z, axis=-1):
                return z - np.expand_dims(logsumexp(z, axis), axis)
        """, "logsumexp-stability", ["overflow"]),
        "logsumexp keeps the axis": ("""
            import numpy as np
            def logsumexp(z, axis=-1):
                m = np.max(z, axis=axis, keepdims=True)
                return m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
            def log_softmax(z, axis=-1):
                return z - logsumexp(z, axis)
        """, "logsumexp", ["shape (2, 1), expected (2,)", "keepdims"]),
    },
    "bce-probabilities": {
        "no clipping": ("""
            import numpy as np
            def binary_cross_entropy(p, y, eps=1e-7):
                return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
            def binary_cross_entropy_grad(p, y, eps=1e-7):
                return (p - y) / (p * (1 - p)) / p.size
        """, "clipping", ["divide by zero", "log(0)", "clipped"]),
        "sum instead of mean": ("""
            import numpy as np
            def binary_cross_entropy(p, y, eps=1e-7):
                p = np.clip(p, eps, 1 - eps)
                return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
            def binary_cross_entropy_grad(p, y, eps=1e-7):
                return (p - y) / (p * (1 - p))
        """, "values", ["4 times", "a sum where a mean was expected"]),
        "clips p in place": ("""
            import numpy as np
            def binary_cross_entropy(p, y, eps=1e-7):
                np.clip(p, eps, 1 - eps, out=p)
                return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
            def binary_cross_entropy_grad(p, y, eps=1e-7):
                return (p - y) / (p * (1 - p)) / p.size
        """, "inputs-unchanged", ["in place", "p[0] was 0"]),
    },
    "sigmoid-backward": {
        "sigmoid applied to the cached output again": ("""
            import numpy as np
            def sigmoid_backward(dout, out):
                s = 1 / (1 + np.exp(-out))
                return dout * s * (1 - s)
        """, "gradient", ["dx", "wrong (> 1e-2)"]),
        "dout ignored": ("""
            import numpy as np
            def sigmoid_backward(dout, out):
                return out * (1 - out)
        """, "values", ["wrong", "out·(1 − out)"]),
    },
    "gradient-check": {
        "one-sided differences": ("""
            import numpy as np
            def numerical_gradient(f, x, h=1e-5):
                g = np.zeros_like(x)
                fx = f(x)
                for i in np.ndindex(x.shape):
                    old = x[i]; x[i] = old + h; g[i] = (f(x) - fx) / h; x[i] = old
                return g
            def relative_error(a, b):
                return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
            def gradient_check(f, grad_f, x, h=1e-5):
                return relative_error(grad_f(x), numerical_gradient(f, x, h))
        """, "correct-gradients-pass", ["[0, 1e-07]", "cubic-grad", "good band"]),
        "mean instead of max": ("""
            import numpy as np
            def numerical_gradient(f, x, h=1e-5):
                g = np.zeros_like(x)
                for i in np.ndindex(x.shape):
                    old = x[i]; x[i] = old + h; fp = f(x); x[i] = old - h; fm = f(x); x[i] = old
                    g[i] = (fp - fm) / (2 * h)
                return g
            def relative_error(a, b):
                return float(np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
            def gradient_check(f, grad_f, x, h=1e-5):
                return relative_error(grad_f(x), numerical_gradient(f, x, h))
        """, "one-entry-off", ["[0.0001, 0.01]", "not an average"]),
        "x drifts: += h, -= 2h, += h": ("""
            import numpy as np
            def numerical_gradient(f, x, h=1e-5):
                g = np.zeros_like(x)
                for i in np.ndindex(x.shape):
                    x[i] += h; fp = f(x); x[i] -= 2 * h; fm = f(x); x[i] += h
                    g[i] = (fp - fm) / (2 * h)
                return g
            def relative_error(a, b):
                return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
            def gradient_check(f, grad_f, x, h=1e-5):
                return relative_error(grad_f(x), numerical_gradient(f, x, h))
        """, "x-restored", ["changed its input x in place", "restore the value you saved"]),
        "no floor in the denominator": ("""
            import numpy as np
            def numerical_gradient(f, x, h=1e-5):
                g = np.zeros_like(x)
                for i in np.ndindex(x.shape):
                    old = x[i]; x[i] = old + h; fp = f(x); x[i] = old - h; fm = f(x); x[i] = old
                    g[i] = (fp - fm) / (2 * h)
                return g
            def relative_error(a, b):
                return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))
            def gradient_check(f, grad_f, x, h=1e-5):
                return relative_error(grad_f(x), numerical_gradient(f, x, h))
        """, "relative-error", ["nan", "two zeros give 0"]),
    },
    "sgd-momentum": {
        "CS231n's form": ("""
            import numpy as np
            def sgd_momentum_step(w, g, v, lr=0.01, beta=0.9):
                v = beta * v - lr * g
                return w + v, v
        """, "first-step", ["v:", "factor -0.01"]),
        "steps with the old velocity": ("""
            import numpy as np
            def sgd_momentum_step(w, g, v, lr=0.01, beta=0.9):
                return w - lr * v, beta * v + g
        """, "first-step", ["w:", "w − lr·g"]),
        "in-place update": ("""
            import numpy as np
            def sgd_momentum_step(w, g, v, lr=0.01, beta=0.9):
                v *= beta; v += g
                w -= lr * v
                return w, v
        """, "inputs-unchanged", ["in place"]),
    },
    "minibatch-iterator": {
        "last short batch dropped": ("""
            import numpy as np
            def minibatch_indices(n, batch_size, seed):
                perm = np.random.default_rng(seed).permutation(n)
                return [perm[k * batch_size:(k + 1) * batch_size] for k in range(n // batch_size)]
        """, "every-index-once", ["never appear", "last, shorter batch dropped"]),
        "an empty batch at the end": ("""
            import numpy as np
            def minibatch_indices(n, batch_size, seed):
                perm = np.random.default_rng(seed).permutation(n)
                return [perm[k * batch_size:(k + 1) * batch_size] for k in range(n // batch_size + 1)]
        """, "every-index-once", ["last batch has 0 indices", "empty batch"]),
        "sampling with replacement": ("""
            import numpy as np
            def minibatch_indices(n, batch_size, seed):
                rng = np.random.default_rng(seed)
                return [rng.integers(0, n, min(batch_size, n - i)) for i in range(0, n, batch_size)]
        """, "every-index-once", ["appears", "exactly one batch per epoch"]),
        "array_split balances the sizes": ("""
            import numpy as np
            def minibatch_indices(n, batch_size, seed):
                perm = np.random.default_rng(seed).permutation(n)
                return np.array_split(perm, int(np.ceil(n / batch_size)))
        """, "every-index-once", ["batch 2 has 2 indices", "batch_size = 3"]),
    },
    "train-val-split": {
        "validation standardised with its own statistics": ("""
            import numpy as np
            def train_val_split(X, y, val_fraction=0.2, seed=0):
                perm = np.random.default_rng(seed).permutation(len(X))
                k = int(round(val_fraction * len(X)))
                return X[perm[k:]], X[perm[:k]], y[perm[k:]], y[perm[:k]]
            def standardize(X_train, X_val, eps=1e-8):
                m, s = X_train.mean(0), X_train.std(0)
                return (X_train - m) / (s + eps), (X_val - X_val.mean(0)) / (X_val.std(0) + eps), m, s
        """, "standardize", ["X_val_std", "not with its own"]),
        "no eps": ("""
            import numpy as np
            def train_val_split(X, y, val_fraction=0.2, seed=0):
                perm = np.random.default_rng(seed).permutation(len(X))
                k = int(round(val_fraction * len(X)))
                return X[perm[k:]], X[perm[:k]], y[perm[k:]], y[perm[:k]]
            def standardize(X_train, X_val, eps=1e-8):
                m, s = X_train.mean(0), X_train.std(0)
                return (X_train - m) / s, (X_val - m) / s, m, s
        """, "constant-feature", ["invalid value", "0/0"]),
        "validation taken from the end": ("""
            import numpy as np
            def train_val_split(X, y, val_fraction=0.2, seed=0):
                perm = np.random.default_rng(seed).permutation(len(X))
                k = len(X) - int(round(val_fraction * len(X)))
                return X[perm[:k]], X[perm[k:]], y[perm[:k]], y[perm[k:]]
            def standardize(X_train, X_val, eps=1e-8):
                m, s = X_train.mean(0), X_train.std(0)
                return (X_train - m) / (s + eps), (X_val - m) / (s + eps), m, s
        """, "split", ["X_train", "first int(round(val_fraction·N)) indices"]),
    },
    "l2-regularization": {
        "penalty λ‖W‖² (gradient 2λW)": ("""
            import numpy as np
            def l2_penalty(W, lam):
                return lam * np.sum(W ** 2)
            def regularized_loss(W, b, X, y, lam):
                return np.mean((X @ W + b - y) ** 2) + l2_penalty(W, lam)
            def regularized_grad(W, b, X, y, lam):
                r = X @ W + b - y
                return 2 * X.T @ r / r.size + 2 * lam * W, 2 * r.sum(0) / r.size
        """, "penalty", ["2 times", "extra factor of 2", "has the ½"]),
        "bias penalised": ("""
            import numpy as np
            def l2_penalty(W, lam):
                return 0.5 * lam * np.sum(W ** 2)
            def regularized_loss(W, b, X, y, lam):
                return np.mean((X @ W + b - y) ** 2) + l2_penalty(W, lam) + l2_penalty(b, lam)
            def regularized_grad(W, b, X, y, lam):
                r = X @ W + b - y
                return 2 * X.T @ r / r.size + lam * W, 2 * r.sum(0) / r.size + lam * b
        """, "grad", ["db", "no λ term in db"]),
        "penalty gradient forgotten": ("""
            import numpy as np
            def l2_penalty(W, lam):
                return 0.5 * lam * np.sum(W ** 2)
            def regularized_loss(W, b, X, y, lam):
                return np.mean((X @ W + b - y) ** 2) + l2_penalty(W, lam)
            def regularized_grad(W, b, X, y, lam):
                r = X @ W + b - y
                return 2 * X.T @ r / r.size, 2 * r.sum(0) / r.size
        """, "gradient", ["dW", "wrong (> 1e-2)"]),
    },
    "inverted-dropout": {
        "no 1/(1 - p) scaling": ("""
            import numpy as np
            def dropout_forward(x, p, seed=0, train=True):
                if not train:
                    return x.copy(), np.ones(x.shape, dtype=bool)
                mask = np.random.default_rng(seed).random(x.shape) > p
                return x * mask, mask
            def dropout_backward(dout, mask, p):
                return dout * mask
        """, "survivors-scaled", ["0.0% of the values equal 1.25", "1 − p = 0.8"]),
        "scaled at inference too": ("""
            import numpy as np
            def dropout_forward(x, p, seed=0, train=True):
                mask = np.random.default_rng(seed).random(x.shape) > p
                if not train:
                    return x * (1 - p), np.ones(x.shape, dtype=bool)
                if p == 1:
                    return np.zeros_like(x), mask
                return x * mask / (1 - p), mask
            def dropout_backward(dout, mask, p):
                return np.zeros_like(dout) if p == 1 else dout * mask / (1 - p)
        """, "inference", ["factor 0.7", "nothing is scaled"]),
        "divides by zero at p = 1": ("""
            import numpy as np
            def dropout_forward(x, p, seed=0, train=True):
                if not train:
                    return x.copy(), np.ones(x.shape, dtype=bool)
                mask = np.random.default_rng(seed).random(x.shape) > p
                return x * mask / (1 - p), mask
            def dropout_backward(dout, mask, p):
                return dout * mask / (1 - p)
        """, "edge-probabilities", ["invalid value", "p = 1"]),
    },
    "early-stopping-loop": {
        "best epoch from the whole curve": ("""
            import numpy as np
            def early_stopping(val_losses, patience, min_delta=0.0):
                best = np.inf; wait = 0
                for epoch, loss in enumerate(val_losses):
                    if loss < best - min_delta:
                        best, wait = loss, 0
                    else:
                        wait += 1
                        if wait >= patience:
                            return int(np.nanargmin(val_losses)), epoch
                return int(np.nanargmin(val_losses)), len(val_losses) - 1
        """, "no-peeking", ["best_epoch: expected 1, got 5", "never seen"]),
        "stops one epoch late": ("""
            import numpy as np
            def early_stopping(val_losses, patience, min_delta=0.0):
                best = np.inf; best_epoch = 0; wait = 0
                for epoch, loss in enumerate(val_losses):
                    if loss < best - min_delta:
                        best, best_epoch, wait = loss, epoch, 0
                    else:
                        wait += 1
                        if wait > patience:
                            return best_epoch, epoch
                return best_epoch, len(val_losses) - 1
        """, "typical-runs", ["stop_epoch: expected 6, got 7"]),
        "NaN counted as an improvement": ("""
            import numpy as np
            def early_stopping(val_losses, patience, min_delta=0.0):
                best = np.inf; best_epoch = 0; wait = 0
                for epoch, loss in enumerate(val_losses):
                    if not (loss >= best - min_delta):
                        best, best_epoch, wait = loss, epoch, 0
                    else:
                        wait += 1
                        if wait >= patience:
                            return best_epoch, epoch
                return best_epoch, len(val_losses) - 1
        """, "ties-and-nan", ["nan", "NaN (a diverged run) never is"]),
    },
    "layer-norm": {
        "normalised over the batch axis": ("""
            import numpy as np
            def layernorm_forward(x, gamma, beta, eps=1e-5):
                return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta
            def layernorm_backward(dout, x, gamma, eps=1e-5):
                raise NotImplementedError
        """, "rows-centred", ["wrong axis", "not each column"]),
        "dx ignores the mean and variance": ("""
            import numpy as np
            def layernorm_forward(x, gamma, beta, eps=1e-5):
                mu = x.mean(-1, keepdims=True); var = x.var(-1, keepdims=True)
                return gamma * (x - mu) / np.sqrt(var + eps) + beta
            def layernorm_backward(dout, x, gamma, eps=1e-5):
                mu = x.mean(-1, keepdims=True); var = x.var(-1, keepdims=True)
                xhat = (x - mu) / np.sqrt(var + eps)
                d = x.shape[-1]
                return dout * gamma / np.sqrt(var + eps), (dout * xhat).reshape(-1, d).sum(0), dout.reshape(-1, d).sum(0)
        """, "gradient", ["dx", "wrong (> 1e-2)"]),
        "eps outside the square root": ("""
            import numpy as np
            def layernorm_forward(x, gamma, beta, eps=1e-5):
                mu = x.mean(-1, keepdims=True)
                return gamma * (x - mu) / (x.std(-1, keepdims=True) + eps) + beta
            def layernorm_backward(dout, x, gamma, eps=1e-5):
                raise NotImplementedError
        """, "forward", ["eps inside the square root"]),
    },
    "scaled-attention": {
        "divided by d_k instead of its square root": ("""
            import numpy as np
            def scaled_dot_product_attention(Q, K, V, mask=None):
                s = Q @ np.swapaxes(K, -1, -2) / Q.shape[-1]
                if mask is not None: s = np.where(mask, s, -np.inf)
                s = s - s.max(-1, keepdims=True); w = np.exp(s); w /= w.sum(-1, keepdims=True)
                return w @ V, w
        """, "no-mask", ["out:", "√d_k"]),
        "mask multiplied by infinity": ("""
            import numpy as np
            def scaled_dot_product_attention(Q, K, V, mask=None):
                s = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
                if mask is not None: s = s + (~mask) * -np.inf
                s = s - s.max(-1, keepdims=True); w = np.exp(s); w /= w.sum(-1, keepdims=True)
                return w @ V, w
        """, "stability", ["invalid value", "multiply infinity by 0"]),
        "softmax over the queries": ("""
            import numpy as np
            def scaled_dot_product_attention(Q, K, V, mask=None):
                s = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
                if mask is not None: s = np.where(mask, s, -np.inf)
                s = s - s.max(-2, keepdims=True); w = np.exp(s); w = w / w.sum(-2, keepdims=True)
                return w @ V, w
        """, "weights-sum-to-one", ["weights", "wrong axis"]),
        "no max subtraction": ("""
            import numpy as np
            def scaled_dot_product_attention(Q, K, V, mask=None):
                s = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
                if mask is not None: s = np.where(mask, s, -1e9)
                w = np.exp(s); w = w / w.sum(-1, keepdims=True)
                return w @ V, w
        """, "stability", ["overflow"]),
    },
    "one-hot": {
        "bool result": ("""
            import numpy as np
            def one_hot(labels, num_classes):
                return labels[:, None] == np.arange(num_classes)
        """, "values", ["dtype bool, expected float64"]),
        "classes from the labels seen": ("""
            import numpy as np
            def one_hot(labels, num_classes):
                return np.eye(labels.max() + 1)[labels]
        """, "values", ["shape (20, 9), expected (20, 10)"]),
        "integer zeros": ("""
            import numpy as np
            def one_hot(labels, num_classes):
                out = np.zeros((len(labels), num_classes), dtype=int)
                out[np.arange(len(labels)), labels] = 1
                return out
        """, "values", ["dtype int64, expected float64"]),
    },
    "gelu": {
        "exact erf form": ("""
            import numpy as np, math
            erf = np.vectorize(math.erf)
            def gelu(x):
                return 0.5 * x * (1 + erf(x / np.sqrt(2)))
            def gelu_backward(dout, x):
                return dout * (0.5 * (1 + erf(x / np.sqrt(2))) + x * np.exp(-x * x / 2) / np.sqrt(2 * np.pi))
        """, "values", ["wrong", "tanh approximation", "5e-4"]),
        "tanh written with exp": ("""
            import numpy as np
            def _tanh(u):
                return (np.exp(u) - np.exp(-u)) / (np.exp(u) + np.exp(-u))
            def gelu(x):
                return 0.5 * x * (1 + _tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
            def gelu_backward(dout, x):
                c = np.sqrt(2 / np.pi); t = np.tanh(c * (x + 0.044715 * x ** 3))
                return dout * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x ** 2))
        """, "stability", ["overflow", "line 4"]),
        "product rule's second term forgotten": ("""
            import numpy as np
            def gelu(x):
                return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
            def gelu_backward(dout, x):
                t = np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))
                return dout * 0.5 * (1 + t)
        """, "gradient", ["dx", "wrong (> 1e-2)"]),
    },
}


@pytest.mark.parametrize("ident,name", [(i, n) for i, ms in MISTAKES.items() for n in ms])
def test_typical_mistakes_fail_naming_the_symptom(ident, name, run):
    source, check_id, words = MISTAKES[ident][name]
    report = run(load_exercise(ident), source)
    assert report.status in ("fail", "error"), report.to_json(indent=1)
    check = {c.name: c for c in report.checks}[check_id]
    assert check.status == "fail", report.to_json(indent=1)
    for word in words:
        assert word in check.message.en, f"{word!r} not in: {check.message.en}"
    assert check.message.zh and check.message.zh != check.message.en


# --- engine features these exercises use -----------------------------------------------------------


def _spec(**over):
    base = {
        "functions": [{"name": "f", "signature": "f(x) -> ndarray"}],
        "starter": "def f(x):\n    raise NotImplementedError\n",
        "solution": "def f(x):\n    return x\n",
        "checks": [{"kind": "value", "call": "f", "cases": [{"args": [1.0]}]}],
    }
    base.update(over)
    return ExerciseSpec.model_validate(base)


def test_the_test_function_registry_matches_the_spec():
    from engine import _child

    registry = _child._test_functions(np)
    assert list(registry) == list(TEST_FUNCTIONS)


def test_test_gradients_are_right_and_planted_bugs_are_wrong():
    from engine import _child
    from engine.compare import relative_error

    fns = _child._test_functions(np)
    points = {"cubic": np.array([0.5, 1.2, 2.0]), "logsumexp": np.array([[0.3, -1.0, 2.0], [0.1, 0.4, -0.2]]),
              "tanh-layer": np.random.default_rng(1506).normal(0.0, 0.7, (3, 2))}
    for name in TEST_FUNCTIONS:
        base = name.split("-grad")[0]
        if base == name:
            continue
        x = points[base]
        num = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            xp, xm = x.copy(), x.copy()
            xp[idx] += 1e-5
            xm[idx] -= 1e-5
            num[idx] = (fns[base](xp) - fns[base](xm)) / 2e-5
        err = float(relative_error(fns[name](x.copy()), num).max())
        if name.endswith("-grad"):
            assert err < 1e-7, (name, err)
        elif name.endswith("one-entry-off"):
            assert 1e-4 < err < 1e-2, (name, err)
        else:
            assert err > 1e-2, (name, err)


def test_function_inputs_are_validated_by_name():
    spec = _spec(checks=[{"kind": "value", "call": "f", "cases": [{"args": [{"function": "cubic"}]}]}])
    assert spec.checks[0].cases[0].args[0].function == "cubic"
    with pytest.raises(ValidationError) as info:
        _spec(checks=[{"kind": "value", "call": "f", "cases": [{"args": [{"function": "os.system"}]}]}])
    assert "cubic" in str(info.value)  # the allowed names are listed


def test_a_test_function_reaches_the_learner_as_a_callable(run):
    spec = ExerciseSpec.model_validate({
        "functions": [{"name": "call_it", "signature": "call_it(f, x) -> float"}],
        "starter": "def call_it(f, x):\n    raise NotImplementedError\n",
        "solution": "def call_it(f, x):\n    return f(x)\n",
        "checks": [{"kind": "value", "call": "call_it",
                    "cases": [{"args": [{"function": "logsumexp"}, {"value": [0.0, 0.0]}]}]}],
    })
    assert run(spec, "import math\ndef call_it(f, x):\n    return math.log(2.0) + 0 * f(x)\n").status == "pass"
    report = run(spec, "def call_it(f, x):\n    return 0.5\n")
    assert report.status == "fail"
    assert "<test function 'logsumexp'>" in report.checks[0].message.en


def test_fraction_and_partition_properties_are_validated():
    with pytest.raises(ValidationError, match="min must not exceed max"):
        _spec(checks=[{"kind": "property", "call": "f", "cases": [{"args": [1.0]}],
                       "properties": [{"type": "fraction", "min": 0.5, "max": 0.2}]}])
    spec = _spec(checks=[{"kind": "property", "call": "f", "cases": [{"args": [1.0]}], "output": 1,
                          "properties": [{"type": "partition", "n_arg": 0, "size_arg": 1}]}])
    assert spec.checks[0].output == 1


def test_property_output_needs_a_tuple(run):
    spec = ExerciseSpec.model_validate({
        "functions": [{"name": "pair", "signature": "pair(x) -> tuple[out, weights]"}],
        "starter": "def pair(x):\n    raise NotImplementedError\n",
        "solution": "def pair(x):\n    return x, x / x.sum(-1, keepdims=True)\n",
        "checks": [{"kind": "property", "call": "pair", "output": 1,
                    "cases": [{"args": [{"value": [[1.0, 3.0], [2.0, 2.0]]}]}],
                    "properties": [{"type": "sums-to", "value": 1.0}]}],
    })
    assert run(spec, spec.solution).status == "pass"
    report = run(spec, "def pair(x):\n    return x / x.sum(-1, keepdims=True)\n")
    assert report.status == "fail"
    assert "tuple of at least 2 values (weights is element 1)" in report.checks[0].message.en
    report = run(spec, "def pair(x):\n    return x, x\n")
    assert "pair(): weights: values along axis -1 should sum to 1" in report.checks[0].message.en


def test_gradient_checks_can_pass_the_forward_output():
    with pytest.raises(ValidationError, match="reserved"):
        _spec(checks=[{"kind": "gradient", "forward": "f", "backward": "f", "inputs": {"out": 1.0},
                       "backward_args": ["out"], "wrt": ["out"]}])
    spec = _spec(checks=[{"kind": "gradient", "forward": "f", "backward": "f",
                          "inputs": {"x": {"value": [1.0]}}, "dout": {"value": [1.0]},
                          "backward_args": ["dout", "out"], "wrt": ["x"]}])
    assert spec.checks[0].backward_args == ["dout", "out"]


def test_a_change_in_the_last_digits_is_shown_in_full(run):
    report = run(load_exercise("gradient-check"), MISTAKES["gradient-check"]["x drifts: += h, -= 2h, += h"][0])
    msg = {c.name: c for c in report.checks}["x-restored"].message.en
    was, now = msg.split(" was ")[1].split(", now ")
    now = now.split(")")[0]
    assert was != now and len(was) >= 17, msg


def test_stability_messages_name_the_kind_of_warning(run):
    overflow = run(load_exercise("gelu"), MISTAKES["gelu"]["tanh written with exp"][0])
    assert "overflows" in {c.name: c for c in overflow.checks}["stability"].message.en
    log0 = run(load_exercise("bce-probabilities"), MISTAKES["bce-probabilities"]["no clipping"][0])
    msg = {c.name: c for c in log0.checks}["clipping"].message
    assert "log(0)" in msg.en and "overflow" not in msg.en.split("(This check")[0]
    assert "log 的参数" in msg.zh
