# Mistake: the mask is off by one (np.triu with k=0 blocks the diagonal): a row cannot see itself.
# expect: row i attends to keys 0 … i
import numpy as np


def causal_attention(q, k, v):
    T, d = q.shape
    scores = q @ k.T / np.sqrt(d)
    blocked = np.triu(np.ones((T, T), dtype=bool))  # should be k=1
    scores = np.where(blocked, -1e9, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    return w @ v
