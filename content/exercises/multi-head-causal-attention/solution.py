import numpy as np


def multi_head_attention(x, Wq, Wk, Wv, Wo, n_heads):
    T, d_model = x.shape
    d_head = d_model // n_heads

    def split(a):  # (T, d_model) -> (n_heads, T, d_head): head h takes columns h*d_head ... (h+1)*d_head - 1
        return a.reshape(T, n_heads, d_head).transpose(1, 0, 2)

    q, k, v = split(x @ Wq), split(x @ Wk), split(x @ Wv)
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(d_head)  # (n_heads, T, T)
    visible = np.tril(np.ones((T, T), dtype=bool))
    scores = np.where(visible, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    heads = weights @ v  # (n_heads, T, d_head)
    concat = heads.transpose(1, 0, 2).reshape(T, d_model)  # heads side by side, in order
    return concat @ Wo
