# Mistake: forgets the causal mask: every position attends to later ones too.
# expect: no earlier position may attend to a later one
import numpy as np


def grouped_query_attention(q, k, v, n_kv_heads):
    H, T, d = q.shape
    g = H // n_kv_heads
    k, v = np.repeat(k, g, axis=0), np.repeat(v, g, axis=0)
    s = q @ k.transpose(0, 2, 1) / np.sqrt(d)
    w = np.exp(s - s.max(-1, keepdims=True))
    return w / w.sum(-1, keepdims=True) @ v
