# Mistake: the mask is applied after the softmax (future weights zeroed, rows not renormalised).
# expect: each row of weights sums to 1
import numpy as np


def causal_attention(q, k, v):
    T, d = q.shape
    scores = q @ k.T / np.sqrt(d)
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    w = w * np.tril(np.ones((T, T)))
    return w @ v
