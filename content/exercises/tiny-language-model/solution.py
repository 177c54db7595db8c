import numpy as np


def windows(ids, context):
    """Row t holds the `context` ids before position t (0, the unknown mark, before the start)."""
    pad = np.concatenate([np.zeros(context, dtype=np.int64), ids])
    return np.stack([pad[i:i + len(ids)] for i in range(context)], axis=1)


def log_probs(params, X):
    """log P(next char | context) for each row of X (N, context): an (N, V) array."""
    emb = params["C"][X].reshape(len(X), -1)
    h = np.tanh(emb @ params["W1"] + params["b1"])
    z = h @ params["W2"] + params["b2"]
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def lm_loss(params, ids, context=3):
    """Mean negative log-likelihood (nats) of each id given the ids before it."""
    X = windows(ids, context)
    total = 0.0
    for start in range(0, len(ids), 4096):  # in chunks: an (N, V) array at once can be large
        lp = log_probs(params, X[start:start + 4096])
        total -= lp[np.arange(len(lp)), ids[start:start + 4096]].sum()
    return float(total / len(ids))


def train_lm(ids, vocab_size, context=3, steps=2000, batch_size=128, lr=5e-3, seed=0):
    rng = np.random.default_rng(seed)
    V, E, H = vocab_size, 16, 128
    params = {
        "C": rng.normal(0.0, 1.0, (V, E)),
        "W1": rng.normal(0.0, 1.0 / np.sqrt(context * E), (context * E, H)),
        "b1": np.zeros(H),
        "W2": rng.normal(0.0, 0.01, (H, V)),
        "b2": np.zeros(V),
    }
    m = {k: np.zeros_like(p) for k, p in params.items()}
    v = {k: np.zeros_like(p) for k, p in params.items()}
    X_all = windows(ids, context)
    history = []
    for t in range(1, steps + 1):
        rows = rng.integers(0, len(ids), batch_size)
        X, y = X_all[rows], ids[rows]
        # forward
        emb = params["C"][X].reshape(batch_size, -1)
        h = np.tanh(emb @ params["W1"] + params["b1"])
        z = h @ params["W2"] + params["b2"]
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        history.append(float(-np.log(p[np.arange(batch_size), y]).mean()))
        # backward
        dz = p
        dz[np.arange(batch_size), y] -= 1.0
        dz /= batch_size
        grads = {"W2": h.T @ dz, "b2": dz.sum(axis=0)}
        da = (dz @ params["W2"].T) * (1.0 - h * h)
        grads["W1"] = emb.T @ da
        grads["b1"] = da.sum(axis=0)
        demb = (da @ params["W1"].T).reshape(batch_size, context, E)
        grads["C"] = np.zeros_like(params["C"])
        np.add.at(grads["C"], X, demb)  # a character used twice gets both gradients
        # Adam
        for k in params:
            m[k] = 0.9 * m[k] + 0.1 * grads[k]
            v[k] = 0.999 * v[k] + 0.001 * grads[k] ** 2
            params[k] = params[k] - lr * (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v[k] / (1 - 0.999 ** t)) + 1e-8)
    return params, history


def sample(params, start_ids, n, u, context=3):
    """n ids, each drawn from P(next | the `context` ids before it) by inverse CDF with u[i]."""
    ids = list(np.concatenate([np.zeros(context, dtype=np.int64), np.asarray(start_ids, dtype=np.int64)]))
    out = []
    for i in range(n):
        lp = log_probs(params, np.array([ids[-context:]]))[0]
        cdf = np.cumsum(np.exp(lp))
        nxt = int(min(np.searchsorted(cdf, u[i] * cdf[-1], side="right"), len(cdf) - 1))
        ids.append(nxt)
        out.append(nxt)
    return np.array(out, dtype=np.int64)
