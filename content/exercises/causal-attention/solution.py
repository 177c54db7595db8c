import numpy as np


def causal_attention(q, k, v):
    T, d = q.shape
    scores = q @ k.T / np.sqrt(d)
    visible = np.tril(np.ones((T, k.shape[0]), dtype=bool))  # j <= i
    scores = np.where(visible, scores, -np.inf)
    scores = scores - np.max(scores, axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / np.sum(weights, axis=-1, keepdims=True)
    return weights @ v
