# Mistake: the bias gradients are never computed (db1 = db2 = 0), so the biases stay at 0.
# expect: bias
import numpy as np


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def predict_proba(params, X):
    """P(y = 1 | x) for each row of X, shape (N,)."""
    h = np.maximum(X @ params["W1"] + params["b1"], 0.0)
    return _sigmoid(h @ params["W2"] + params["b2"]).reshape(-1)


def train(X, y, epochs=100, batch_size=10, lr=1e-3, seed=0):
    rng = np.random.default_rng(seed)
    n, d = X.shape
    hidden = 10
    params = {
        "W1": rng.normal(0.0, np.sqrt(2.0 / d), (d, hidden)),   # He initialisation
        "b1": np.zeros(hidden),
        "W2": rng.normal(0.0, np.sqrt(2.0 / hidden), (hidden, 1)),
        "b2": np.zeros(1),
    }
    m = {k: np.zeros_like(p) for k, p in params.items()}
    v = {k: np.zeros_like(p) for k, p in params.items()}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    t = 0
    history = []
    for _ in range(epochs):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx], y[idx].reshape(-1, 1)
            # forward
            a1 = xb @ params["W1"] + params["b1"]
            h = np.maximum(a1, 0.0)
            z = h @ params["W2"] + params["b2"]
            # binary cross-entropy on logits, stable
            loss = np.mean(np.maximum(z, 0) - z * yb + np.log1p(np.exp(-np.abs(z))))
            total += loss * len(idx)
            # backward
            dz = (_sigmoid(z) - yb) / len(idx)
            grads = {"W2": h.T @ dz, "b2": np.zeros_like(params["b2"])}  # bias gradient never computed
            dh = dz @ params["W2"].T
            da1 = dh * (a1 > 0)
            grads["W1"] = xb.T @ da1
            grads["b1"] = np.zeros_like(params["b1"])
            # Adam
            t += 1
            for k in params:
                m[k] = beta1 * m[k] + (1 - beta1) * grads[k]
                v[k] = beta2 * v[k] + (1 - beta2) * grads[k] ** 2
                m_hat = m[k] / (1 - beta1 ** t)
                v_hat = v[k] / (1 - beta2 ** t)
                params[k] = params[k] - lr * m_hat / (np.sqrt(v_hat) + eps)
        history.append(total / n)
    return params, history
