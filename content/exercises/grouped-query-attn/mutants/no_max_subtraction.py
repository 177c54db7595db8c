# Mistake: exp() of the raw scores, without subtracting each row's maximum.
# expect: overflow
import numpy as np


def grouped_query_attention(q, k, v, n_kv_heads):
    H, T, d = q.shape
    g = H // n_kv_heads
    k, v = np.repeat(k, g, axis=0), np.repeat(v, g, axis=0)
    s = q @ k.transpose(0, 2, 1) / np.sqrt(d)
    s = np.where(np.tril(np.ones((T, T), dtype=bool)), s, -np.inf)
    w = np.exp(s)
    return w / w.sum(-1, keepdims=True) @ v
