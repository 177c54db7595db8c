# Mistake: stores the query x_t Wq in the key cache instead of the key x_t Wk.
# expect: row t set to x_t Wk
import numpy as np


def decode_step(x_t, Wq, Wk, Wv, k_cache, v_cache, t):
    q = x_t @ Wq
    k_cache, v_cache = k_cache.copy(), v_cache.copy()
    k_cache[t] = q
    v_cache[t] = x_t @ Wv
    s = k_cache[: t + 1] @ q / np.sqrt(q.shape[-1])
    w = np.exp(s - s.max())
    return w / w.sum() @ v_cache[: t + 1], k_cache, v_cache
