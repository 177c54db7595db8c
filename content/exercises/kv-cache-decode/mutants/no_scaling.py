# Mistake: the scores are not divided by √d_k.
# expect: √d_k
import numpy as np


def decode_step(x_t, Wq, Wk, Wv, k_cache, v_cache, t):
    q = x_t @ Wq
    k_cache, v_cache = k_cache.copy(), v_cache.copy()
    k_cache[t] = x_t @ Wk
    v_cache[t] = x_t @ Wv
    s = k_cache[: t + 1] @ q
    w = np.exp(s - s.max())
    return w / w.sum() @ v_cache[: t + 1], k_cache, v_cache
