# Mistake: divides the scores by √(H·d), the width of all heads together, instead of the head size √d.
# expect: √d, the size of one head
import numpy as np


def grouped_query_attention(q, k, v, n_kv_heads):
    H, T, d = q.shape
    g = H // n_kv_heads
    k, v = np.repeat(k, g, axis=0), np.repeat(v, g, axis=0)
    s = q @ k.transpose(0, 2, 1) / np.sqrt(H * d)
    s = np.where(np.tril(np.ones((T, T), dtype=bool)), s, -np.inf)
    w = np.exp(s - s.max(-1, keepdims=True))
    return w / w.sum(-1, keepdims=True) @ v
