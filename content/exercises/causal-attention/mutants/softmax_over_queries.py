# Mistake: the softmax normalises over the queries (axis 0) instead of over the keys.
# expect: each row of weights sums to 1
# expect: over the keys
import numpy as np


def causal_attention(q, k, v):
    T, d = q.shape
    scores = q @ k.T / np.sqrt(d)
    scores = np.where(np.tril(np.ones((T, T), dtype=bool)), scores, -np.inf)
    scores = scores - scores.max(axis=0, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=0, keepdims=True)
    return w @ v
