# Mistake: the scores are not divided by √d.
# expect: √d
import numpy as np


def causal_attention(q, k, v):
    T, d = q.shape
    scores = q @ k.T
    scores = np.where(np.tril(np.ones((T, T), dtype=bool)), scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    return w @ v
