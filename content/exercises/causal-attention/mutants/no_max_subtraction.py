# Mistake: exp() of the raw scores, without subtracting each row's maximum.
# expect: overflow
import numpy as np


def causal_attention(q, k, v):
    T, d = q.shape
    scores = q @ k.T / np.sqrt(d)
    scores = np.where(np.tril(np.ones((T, T), dtype=bool)), scores, -np.inf)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    return w @ v
