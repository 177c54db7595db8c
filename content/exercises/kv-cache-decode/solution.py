import numpy as np


def decode_step(x_t, Wq, Wk, Wv, k_cache, v_cache, t):
    q = x_t @ Wq                           # (d_k,)
    k_cache = k_cache.copy()               # never write into the caller's arrays
    v_cache = v_cache.copy()
    k_cache[t] = x_t @ Wk                  # store this token first: it attends to itself
    v_cache[t] = x_t @ Wv
    keys, values = k_cache[: t + 1], v_cache[: t + 1]   # rows 0 … t only
    scores = keys @ q / np.sqrt(q.shape[-1])             # (t + 1,)
    weights = np.exp(scores - scores.max())
    weights = weights / weights.sum()
    return weights @ values, k_cache, v_cache
