# Mistake: attends over the cache first and stores the new key and value afterwards, so the token does not see itself.
# expect: itself included
import numpy as np


def decode_step(x_t, Wq, Wk, Wv, k_cache, v_cache, t):
    q = x_t @ Wq
    keys, values = k_cache[:t], v_cache[:t]
    if t == 0:
        out = np.zeros(v_cache.shape[1])
    else:
        s = keys @ q / np.sqrt(q.shape[-1])
        w = np.exp(s - s.max())
        out = w / w.sum() @ values
    k_cache, v_cache = k_cache.copy(), v_cache.copy()
    k_cache[t] = x_t @ Wk
    v_cache[t] = x_t @ Wv
    return out, k_cache, v_cache
