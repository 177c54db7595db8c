# Mistake: query head h uses kv head h % n_kv_heads (np.tile) instead of h // group (np.repeat).
# expect: query head h uses kv head h // (H / n_kv_heads)
import numpy as np


def grouped_query_attention(q, k, v, n_kv_heads):
    H, T, d = q.shape
    g = H // n_kv_heads
    k, v = np.tile(k, (g, 1, 1)), np.tile(v, (g, 1, 1))
    s = q @ k.transpose(0, 2, 1) / np.sqrt(d)
    s = np.where(np.tril(np.ones((T, T), dtype=bool)), s, -np.inf)
    w = np.exp(s - s.max(-1, keepdims=True))
    return w / w.sum(-1, keepdims=True) @ v
