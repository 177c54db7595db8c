import numpy as np


def grouped_query_attention(q, k, v, n_kv_heads):
    H, T, d = q.shape
    group = H // n_kv_heads
    # query head h uses kv head h // group: repeat each kv head `group` times in a row
    k = np.repeat(k, group, axis=0)  # (H, T, d)
    v = np.repeat(v, group, axis=0)
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(d)  # (H, T, T)
    visible = np.tril(np.ones((T, T), dtype=bool))
    scores = np.where(visible, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ v
